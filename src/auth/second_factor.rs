//! The second factor of a password account: whether a user must have one, setting it up
//! (a secret confirmed by a first code), accepting a code once (its time step is written down
//! in the same statement that checks it was not used), and the single-use recovery codes.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::auth::totp;
use crate::db::TenantTx;
use crate::error::AppResult;

/// Who must use a second factor in a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nobody (the demo only; never set from a page).
    Nobody,
    /// Beheerders (the default).
    Beheer,
    /// Every user.
    Everyone,
}

impl Mode {
    pub fn parse(s: &str) -> Self {
        match s {
            "geen" => Mode::Nobody,
            "iedereen" => Mode::Everyone,
            _ => Mode::Beheer,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Nobody => "geen",
            Mode::Beheer => "beheer",
            Mode::Everyone => "iedereen",
        }
    }

    /// Whether a user with `roles` must use a second factor.
    pub fn requires(self, roles: &[Role]) -> bool {
        match self {
            Mode::Nobody => false,
            Mode::Beheer => roles.contains(&Role::Beheerder),
            Mode::Everyone => true,
        }
    }
}

/// The tenant's mode.
pub async fn mode(pool: &PgPool, tenant_id: Uuid) -> AppResult<Mode> {
    let mode: Option<String> =
        sqlx::query_scalar("select second_factor from tenants where tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(pool)
            .await?;
    Ok(Mode::parse(mode.as_deref().unwrap_or("beheer")))
}

/// A user's roles, read in the tenant's transaction.
pub async fn roles(tx: &mut TenantTx, user_id: Uuid) -> AppResult<Vec<Role>> {
    let tenant_id = tx.tenant_id();
    let roles: Option<Vec<String>> =
        sqlx::query_scalar("select roles from users where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(Role::parse_all(&roles.unwrap_or_default()))
}

/// A user's second factor as stored.
pub struct Factor {
    pub secret: Vec<u8>,
    pub confirmed: bool,
}

pub async fn factor(tx: &mut TenantTx, user_id: Uuid) -> AppResult<Option<Factor>> {
    let tenant_id = tx.tenant_id();
    let row: Option<(Vec<u8>, bool)> = sqlx::query_as(
        "select secret, confirmed_at is not null from user_second_factors where tenant_id = $1 and user_id = $2",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(secret, confirmed)| Factor { secret, confirmed }))
}

/// Whether the user has a confirmed second factor.
pub async fn enabled(tx: &mut TenantTx, user_id: Uuid) -> AppResult<bool> {
    Ok(factor(tx, user_id).await?.is_some_and(|f| f.confirmed))
}

/// The secret being set up: the unconfirmed one kept (so a page reload shows the same QR
/// code), or a new one. `None` when a confirmed factor exists.
pub async fn begin_setup(tx: &mut TenantTx, user_id: Uuid) -> AppResult<Option<Vec<u8>>> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into user_second_factors (tenant_id, user_id, secret) values ($1, $2, $3) \
         on conflict (tenant_id, user_id) do nothing",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(totp::new_secret())
    .execute(&mut **tx)
    .await?;
    Ok(factor(tx, user_id)
        .await?
        .filter(|f| !f.confirmed)
        .map(|f| f.secret))
}

fn now_unix() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64
}

/// Accepts `code` once: its time step must be later than the last one used. With `confirm`,
/// the factor being set up becomes the user's; without it, only a confirmed factor counts.
pub async fn accept_code(
    tx: &mut TenantTx,
    user_id: Uuid,
    typed: &str,
    confirm: bool,
) -> AppResult<bool> {
    let Some(code) = totp::clean_code(typed) else {
        return Ok(false);
    };
    let Some(f) = factor(tx, user_id).await? else {
        return Ok(false);
    };
    if f.confirmed == confirm {
        return Ok(false);
    }
    let Some(step) = totp::matching_step(&f.secret, &code, now_unix()) else {
        return Ok(false);
    };
    let tenant_id = tx.tenant_id();
    let used = sqlx::query(
        "update user_second_factors set last_step = $3, confirmed_at = coalesce(confirmed_at, now()) \
         where tenant_id = $1 and user_id = $2 and last_step < $3",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(step)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(used == 1)
}

/// Ten new recovery codes in place of the old ones; returned once, stored as digests.
pub async fn new_recovery_codes(tx: &mut TenantTx, user_id: Uuid) -> AppResult<Vec<String>> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from user_recovery_codes where tenant_id = $1 and user_id = $2")
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let codes = totp::new_recovery_codes();
    for code in &codes {
        sqlx::query(
            "insert into user_recovery_codes (tenant_id, user_id, code_hash) values ($1, $2, $3)",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(totp::recovery_digest(code))
        .execute(&mut **tx)
        .await?;
    }
    Ok(codes)
}

/// Uses a recovery code: true once per code, however many arrive at once.
pub async fn use_recovery_code(tx: &mut TenantTx, user_id: Uuid, typed: &str) -> AppResult<bool> {
    if totp::clean_recovery_code(typed).is_none() {
        return Ok(false);
    }
    let tenant_id = tx.tenant_id();
    let used = sqlx::query(
        "update user_recovery_codes set used_at = now() \
         where tenant_id = $1 and user_id = $2 and code_hash = $3 and used_at is null",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(totp::recovery_digest(typed))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(used == 1)
}

/// Recovery codes not yet used.
pub async fn recovery_codes_left(tx: &mut TenantTx, user_id: Uuid) -> AppResult<i64> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select count(*) from user_recovery_codes where tenant_id = $1 and user_id = $2 and used_at is null",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Removes the second factor and its recovery codes.
pub async fn remove(tx: &mut TenantTx, user_id: Uuid) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    for table in ["user_recovery_codes", "user_second_factors"] {
        sqlx::query(&format!(
            "delete from {table} where tenant_id = $1 and user_id = $2"
        ))
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beheerders_must_by_default() {
        assert!(Mode::Beheer.requires(&[Role::Beheerder]));
        assert!(!Mode::Beheer.requires(&[Role::Beleidsmedewerker]));
        assert!(Mode::Everyone.requires(&[Role::Aanbieder]));
        assert!(!Mode::Nobody.requires(&[Role::Beheerder]));
        assert_eq!(Mode::parse("iets"), Mode::Beheer);
        assert_eq!(Mode::parse(Mode::Everyone.as_str()), Mode::Everyone);
    }
}
