//! Queries of the double-funding check.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// The tenant's current key: id and fingerprint.
pub async fn current_key(tx: &mut TenantTx) -> AppResult<Option<(Uuid, String, OffsetDateTime)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select key_id, fingerprint, created_at from pseudonym_keys where tenant_id = $1 and retired_at is null",
    )
    .bind(tenant_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Replaces the current key by one with `fingerprint`; earlier uploads become unusable and
/// their pseudonyms are deleted. Returns how many pseudonyms were deleted.
pub async fn rotate(tx: &mut TenantTx, fingerprint: &str, by: &str) -> AppResult<u64> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update pseudonym_keys set retired_at = now() where tenant_id = $1 and retired_at is null",
    )
    .bind(tenant_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into pseudonym_keys (tenant_id, fingerprint, created_by) values ($1, $2, $3)",
    )
    .bind(tenant_id)
    .bind(fingerprint)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query("delete from pseudonyms where tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Stores an upload's pseudonyms (one statement).
pub async fn store_upload(
    tx: &mut TenantTx,
    key_id: Uuid,
    side: &str,
    provider_id: Option<Uuid>,
    period: &str,
    pseudonyms: &[[u8; 32]],
    by: &str,
) -> AppResult<Uuid> {
    let tenant_id = tx.tenant_id();
    let upload_id: Uuid = sqlx::query_scalar(
        "insert into pseudonym_uploads (tenant_id, key_id, side, provider_id, period, count, uploaded_by) \
         values ($1, $2, $3, $4, $5, $6, $7) returning upload_id",
    )
    .bind(tenant_id)
    .bind(key_id)
    .bind(side)
    .bind(provider_id)
    .bind(period)
    .bind(pseudonyms.len() as i32)
    .bind(by)
    .fetch_one(&mut **tx)
    .await?;
    let values: Vec<Vec<u8>> = pseudonyms.iter().map(|p| p.to_vec()).collect();
    sqlx::query("insert into pseudonyms (tenant_id, upload_id, pseudonym) select $1, $2, p from unnest($3::bytea[]) as p")
        .bind(tenant_id)
        .bind(upload_id)
        .bind(&values)
        .execute(&mut **tx)
        .await?;
    Ok(upload_id)
}

/// One upload as listed (never its pseudonyms).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub upload_id: Uuid,
    pub side: String,
    pub provider: Option<String>,
    pub period: String,
    pub count: i32,
    pub uploaded_at: OffsetDateTime,
    pub checked_at: Option<OffsetDateTime>,
    pub current_key: bool,
}

pub async fn uploads(tx: &mut TenantTx, provider_id: Option<Uuid>) -> AppResult<Vec<Upload>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select u.upload_id, u.side, p.name as provider, u.period, u.count, u.uploaded_at, u.checked_at, \
                (k.retired_at is null) as current_key \
         from pseudonym_uploads u join pseudonym_keys k on k.tenant_id = u.tenant_id and k.key_id = u.key_id \
         left join providers p on p.tenant_id = u.tenant_id and p.provider_id = u.provider_id \
         where u.tenant_id = $1 and ($2::uuid is null or u.provider_id = $2) order by u.uploaded_at desc",
    )
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Overlap {
    pub period: String,
    pub provider: String,
    pub provider_count: i32,
    pub maatwerk_count: i32,
    pub overlap_count: i32,
    pub checked_at: OffsetDateTime,
}

pub async fn results(tx: &mut TenantTx, provider_id: Option<Uuid>) -> AppResult<Vec<Overlap>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select r.period, p.name as provider, r.provider_count, r.maatwerk_count, r.overlap_count, r.checked_at \
         from overlap_results r join providers p on p.tenant_id = r.tenant_id and p.provider_id = r.provider_id \
         where r.tenant_id = $1 and ($2::uuid is null or r.provider_id = $2) order by r.checked_at desc, p.name",
    )
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Runs the check of `period` with the current key: per partner upload (the newest unchecked
/// one per partner) the overlap with the newest unchecked maatwerk upload; stores the counts,
/// deletes every pseudonym of the period and marks its uploads checked. `None` when there is
/// no maatwerk upload or no partner upload to compare.
pub async fn check(
    tx: &mut TenantTx,
    period: &str,
    by: &str,
) -> AppResult<Option<Vec<(String, i32, i32, i32)>>> {
    let tenant_id = tx.tenant_id();
    let Some((key_id, _, _)) = current_key(tx).await? else {
        return Ok(None);
    };
    let maatwerk: Option<(Uuid, i32)> = sqlx::query_as(
        "select upload_id, count from pseudonym_uploads where tenant_id = $1 and period = $2 and key_id = $3 \
         and side = 'maatwerk' and checked_at is null order by uploaded_at desc limit 1",
    )
    .bind(tenant_id)
    .bind(period)
    .bind(key_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((maatwerk, maatwerk_count)) = maatwerk else {
        return Ok(None);
    };
    let counts: Vec<(Uuid, String, i32, i64)> = sqlx::query_as(
        "select distinct on (u.provider_id) u.provider_id, p.name, u.count, \
                (select count(*) from pseudonyms a join pseudonyms m on m.tenant_id = a.tenant_id and m.upload_id = $4 \
                 and m.pseudonym = a.pseudonym where a.tenant_id = u.tenant_id and a.upload_id = u.upload_id) \
         from pseudonym_uploads u join providers p on p.tenant_id = u.tenant_id and p.provider_id = u.provider_id \
         where u.tenant_id = $1 and u.period = $2 and u.key_id = $3 and u.side = 'aanbieder' and u.checked_at is null \
         order by u.provider_id, u.uploaded_at desc",
    )
    .bind(tenant_id)
    .bind(period)
    .bind(key_id)
    .bind(maatwerk)
    .fetch_all(&mut **tx)
    .await?;
    if counts.is_empty() {
        return Ok(None);
    }
    for (provider_id, _, count, overlap) in &counts {
        sqlx::query(
            "insert into overlap_results (tenant_id, period, provider_id, provider_count, maatwerk_count, overlap_count, checked_by) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant_id)
        .bind(period)
        .bind(provider_id)
        .bind(count)
        .bind(maatwerk_count)
        .bind(*overlap as i32)
        .bind(by)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "delete from pseudonyms where tenant_id = $1 and upload_id in \
         (select upload_id from pseudonym_uploads where tenant_id = $1 and period = $2)",
    )
    .bind(tenant_id)
    .bind(period)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update pseudonym_uploads set checked_at = now() where tenant_id = $1 and period = $2 and checked_at is null")
        .bind(tenant_id)
        .bind(period)
        .execute(&mut **tx)
        .await?;
    Ok(Some(
        counts
            .into_iter()
            .map(|(_, name, count, overlap)| (name, count, maatwerk_count, overlap as i32))
            .collect(),
    ))
}
