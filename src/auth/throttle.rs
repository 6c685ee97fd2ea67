//! Password guessing is throttled: at most `login_max_failures` failed checks of a password
//! for one account, and from one client address (an IPv6 client per /64), within the window;
//! then further attempts are refused until the oldest failure leaves the window.
//!
//! An attempt is written down *before* the password is verified, under a lock per account and
//! per address, and taken back when the password was right: so parallel guesses take turns at
//! the count, and no more than the limit are ever verified, however many arrive at once. The
//! login form and the password change form (its current password) share the count.

use std::net::IpAddr;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::Settings;
use crate::error::AppResult;

/// What the address limit counts: the address itself, or for IPv6 its /64 (one household or
/// one customer gets a whole /64, and can pick any address in it).
pub fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>().map(|a| a.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_string(),
    }
}

/// An attempt written down before its password is verified.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    id: i64,
}

/// Writes an attempt down, unless the account or the address has used up its attempts:
/// then `Err` with the moment the next attempt will be allowed.
pub async fn begin(
    pool: &PgPool,
    settings: &Settings,
    email: &str,
    address: &str,
) -> AppResult<Result<Attempt, OffsetDateTime>> {
    let key = address_key(address);
    let mut tx = pool.begin().await?;
    // Always the account first, then the address: two locks taken in one order never deadlock.
    sqlx::query("select pg_advisory_xact_lock(hashtext('login-account/' || $1))")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("select pg_advisory_xact_lock(hashtext('login-address/' || $1))")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    let window = settings.login_window.as_secs() as i32;
    let row: (Option<OffsetDateTime>, Option<OffsetDateTime>) = sqlx::query_as(
        "select \
           (select occurred_at from login_failures where email = $1 and occurred_at > now() - make_interval(secs => $3) \
            order by occurred_at desc offset $4 - 1 limit 1), \
           (select occurred_at from login_failures where address = $2 and occurred_at > now() - make_interval(secs => $3) \
            order by occurred_at desc offset $4 - 1 limit 1)",
    )
    .bind(email)
    .bind(&key)
    .bind(window)
    .bind(settings.login_max_failures)
    .fetch_one(&mut *tx)
    .await?;
    // The n-th most recent failure decides: once it leaves the window, fewer than n remain.
    let until = [row.0, row.1]
        .into_iter()
        .flatten()
        .map(|at| at + settings.login_window)
        .max();
    if let Some(until) = until {
        tx.commit().await?;
        return Ok(Err(until));
    }
    let id: i64 = sqlx::query_scalar(
        "insert into login_failures (email, address) values ($1, $2) returning failure_id",
    )
    .bind(email)
    .bind(&key)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(Attempt { id }))
}

/// The password was right: the account's failures are forgotten, this attempt with them
/// (the address's other failures stay).
pub async fn succeeded(pool: &PgPool, email: &str) -> AppResult<()> {
    sqlx::query("delete from login_failures where email = $1")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}

/// The password was never checked (the server was too busy): the attempt does not count.
pub async fn withdraw(pool: &PgPool, attempt: Attempt) -> AppResult<()> {
    sqlx::query("delete from login_failures where failure_id = $1")
        .bind(attempt.id)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_per_64() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_key("192.0.2.1"), "192.0.2.1");
        assert_eq!(address_key("onbekend"), "onbekend");
    }
}
