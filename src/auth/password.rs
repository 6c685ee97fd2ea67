//! Password hashing (argon2id, OWASP parameters) and the password policy.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

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

/// Hashes on the blocking pool: argon2 takes tens of milliseconds by design.
pub async fn hash(password: String) -> AppResult<String> {
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
