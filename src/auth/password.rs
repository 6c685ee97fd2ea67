//! Password hashing (argon2id, OWASP parameters) and the password policy.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{AppError, AppResult};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy; the error is a Dutch message for the form.
pub fn check_policy(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!(
            "Kies een wachtwoord van minstens {MIN_LEN} tekens."
        ));
    }
    if len > MAX_LEN {
        return Err(format!(
            "Kies een wachtwoord van hoogstens {MAX_LEN} tekens."
        ));
    }
    if password.trim().is_empty() {
        return Err("Een wachtwoord mag niet alleen uit spaties bestaan.".into());
    }
    Ok(())
}

/// How long a password check waits for a free core before it is refused with a 503.
const WAIT_FOR_CORE: Duration = Duration::from_secs(3);

/// One argon2 computation per core at a time: each takes 19 MiB and tens of milliseconds by
/// design, so a crowd of logins (or an attacker's) must queue briefly, then be refused,
/// rather than pile up on the blocking pool.
fn cores() -> &'static Semaphore {
    static CORES: OnceLock<Semaphore> = OnceLock::new();
    CORES.get_or_init(|| {
        Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
    })
}

async fn core() -> AppResult<SemaphorePermit<'static>> {
    acquire_within(cores(), WAIT_FOR_CORE).await
}

async fn acquire_within(cores: &Semaphore, wait: Duration) -> AppResult<SemaphorePermit<'_>> {
    match tokio::time::timeout(wait, cores.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(err)) => Err(AppError::internal(err)),
        Err(_) => {
            tracing::warn!("too many password checks at once: refused");
            Err(AppError::Busy)
        }
    }
}

/// Hashes on the blocking pool: argon2 takes tens of milliseconds by design.
pub async fn hash(password: String) -> AppResult<String> {
    let _core = core().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// Verifies `password` against `stored`; without a stored hash it still spends the same
/// time, so response times do not tell whether an account exists.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    let _core = core().await?;
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&stored).map_err(AppError::internal)?;
        Ok(hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(AppError::internal)?
}

/// argon2id hash of a random string, used to equalise timing for unknown accounts.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zp0U3rOqG0O+jkGxvJQ9Yt0yq3nGZ4aRWr+7b8cQF3c";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_bounds() {
        assert!(check_policy("kort").is_err());
        assert!(check_policy(&"a".repeat(11)).is_err());
        assert!(check_policy(&"a".repeat(12)).is_ok());
        assert!(check_policy(&"a".repeat(128)).is_ok());
        assert!(check_policy(&"a".repeat(129)).is_err());
        assert!(check_policy(&" ".repeat(20)).is_err());
    }

    #[tokio::test]
    async fn a_check_that_finds_no_free_core_in_time_is_refused_as_busy() {
        let cores = Semaphore::new(1);
        let held = acquire_within(&cores, Duration::from_millis(10))
            .await
            .unwrap();
        let refused = acquire_within(&cores, Duration::from_millis(20)).await;
        assert!(matches!(refused, Err(AppError::Busy)));
        drop(held);
        assert!(acquire_within(&cores, Duration::from_millis(20))
            .await
            .is_ok());
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(h)).await.unwrap());
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }
}
