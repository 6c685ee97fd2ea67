//! Between a right password and the session: the challenge for the second factor (give the
//! code, or set one up first). Its cookie holds the tenant and a secret, the table only the
//! digest; it lasts ten minutes and ends when the session starts.

use uuid::Uuid;

use crate::auth::token::{digest, random_token};
use crate::db::{Db, TenantTx};
use crate::error::AppResult;

/// The challenge cookie's base name.
pub const COOKIE: &str = "vr_tweede_factor";

/// How long a challenge lasts, in seconds.
pub const LIFETIME: i64 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Give the code of the second factor.
    Code,
    /// The second factor is required and not set up: set it up first.
    Setup,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Code => "code",
            Purpose::Setup => "instellen",
        }
    }
}

pub struct Challenge {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub purpose: Purpose,
    pub back: String,
    hash: Vec<u8>,
}

/// Starts a challenge for `user_id` (ending earlier ones); the cookie's value.
pub async fn create(
    tx: &mut TenantTx,
    user_id: Uuid,
    purpose: Purpose,
    back: &str,
) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from login_challenges where tenant_id = $1 and (user_id = $2 or expires_at < now())")
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let value = format!("{}_{}", tenant_id.hyphenated(), random_token());
    sqlx::query(
        "insert into login_challenges (tenant_id, challenge_hash, user_id, purpose, back, expires_at) \
         values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
    )
    .bind(tenant_id)
    .bind(digest(&value))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(back)
    .bind(LIFETIME as f64)
    .execute(&mut **tx)
    .await?;
    Ok(value)
}

/// The live challenge the cookie names, if any.
pub async fn find(db: &Db, cookie: Option<String>) -> AppResult<Option<Challenge>> {
    let Some(value) = cookie else {
        return Ok(None);
    };
    let Some(tenant_id) = value
        .split_at_checked(36)
        .and_then(|(t, _)| Uuid::try_parse(t).ok())
    else {
        return Ok(None);
    };
    let hash = digest(&value);
    let mut tx = db.tenant_tx(tenant_id).await?;
    let row: Option<(Uuid, String, String)> = sqlx::query_as(
        "select user_id, purpose, back from login_challenges \
         where tenant_id = $1 and challenge_hash = $2 and expires_at > now()",
    )
    .bind(tenant_id)
    .bind(&hash)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|(user_id, purpose, back)| Challenge {
        tenant_id,
        user_id,
        purpose: if purpose == "code" {
            Purpose::Code
        } else {
            Purpose::Setup
        },
        back,
        hash,
    }))
}

/// Ends the challenge: true when it was still there (so two requests at once start one
/// session).
pub async fn end(tx: &mut TenantTx, challenge: &Challenge) -> AppResult<bool> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query("delete from login_challenges where tenant_id = $1 and challenge_hash = $2")
            .bind(tenant_id)
            .bind(&challenge.hash)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            == 1,
    )
}
