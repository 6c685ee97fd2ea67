//! Login throttling: too many failed attempts for one account, or from one client address,
//! within the window block further attempts until the oldest failure leaves the window.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::Settings;
use crate::error::AppResult;

/// When the next attempt is allowed, if it is not allowed now.
pub async fn blocked_until(
    pool: &PgPool,
    settings: &Settings,
    email: &str,
    address: &str,
) -> AppResult<Option<OffsetDateTime>> {
    let window = settings.login_window.as_secs() as i32;
    let row: (Option<OffsetDateTime>, Option<OffsetDateTime>) = sqlx::query_as(
        "select \
           (select occurred_at from login_failures where email = $1 and occurred_at > now() - make_interval(secs => $3) \
            order by occurred_at desc offset $4 - 1 limit 1), \
           (select occurred_at from login_failures where address = $2 and occurred_at > now() - make_interval(secs => $3) \
            order by occurred_at desc offset $4 - 1 limit 1)",
    )
    .bind(email)
    .bind(address)
    .bind(window)
    .bind(settings.login_max_failures)
    .fetch_one(pool)
    .await?;
    // The n-th most recent failure decides: once it leaves the window, fewer than n remain.
    let until = [row.0, row.1]
        .into_iter()
        .flatten()
        .map(|at| at + settings.login_window)
        .max();
    Ok(until)
}

pub async fn record_failure(pool: &PgPool, email: &str, address: &str) -> AppResult<()> {
    sqlx::query("insert into login_failures (email, address) values ($1, $2)")
        .bind(email)
        .bind(address)
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful login clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, email: &str) -> AppResult<()> {
    sqlx::query("delete from login_failures where email = $1")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}
