//! Conflicts of interest, as they bind. The rule, as assessors and applicants see it:
//!
//! - before opening an application an assessor declares whether they have an interest in it;
//!   an assessor who finds one later declares it from the application's page, at any time;
//! - a declared conflict binds for that application: the assessor cannot withdraw it; only a
//!   beleidsmedewerker can lift it, with a reason (audited, as a new declaration row);
//! - the scores (and final scores) of an assessor who is conflicted when the onderdeel is
//!   decided do not count, whenever they were given; the ranking names the applications this
//!   affects, and an onderdeel whose applications then lack a required score cannot be decided
//!   until they are scored again by someone without a conflict.

use std::collections::HashSet;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// The message for an assessor who tries to withdraw a declared conflict.
pub(in crate::subsidy) const BINDING: &str = "U heeft verklaard dat u belang heeft bij deze aanvraag. Die verklaring bindt: u kunt haar niet zelf intrekken. Is zij een vergissing, vraag dan een beleidsmedewerker haar met een reden op te heffen.";

/// The declaration that counts now for one assessor of an application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Declared {
    pub user_id: Uuid,
    pub assessor: String,
    pub conflicted: bool,
    pub note: String,
    pub declared_at: OffsetDateTime,
    /// The official who lifted a conflict, when this row is a lifting.
    pub lifted_by: Option<String>,
}

/// The newest declaration of every assessor of application `id`, by assessor name.
pub(in crate::subsidy) async fn current(tx: &mut TenantTx, id: Uuid) -> AppResult<Vec<Declared>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select distinct on (d.user_id) d.user_id, u.display_name as assessor, d.conflicted, d.note, d.declared_at, \
                l.display_name as lifted_by \
         from subsidy_conflict_declarations d \
         join users u on u.tenant_id = d.tenant_id and u.user_id = d.user_id \
         left join users l on l.tenant_id = d.tenant_id and l.user_id = d.lifted_by \
         where d.tenant_id = $1 and d.application_id = $2 \
         order by d.user_id, d.declared_at desc",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await
    .map(|mut rows: Vec<Declared>| {
        rows.sort_by(|a, b| a.assessor.cmp(&b.assessor));
        rows
    })?)
}

/// The (application, assessor) pairs among `ids` whose newest declaration is a conflict.
pub(in crate::subsidy) async fn conflicted(
    tx: &mut TenantTx,
    ids: &[Uuid],
) -> AppResult<HashSet<(Uuid, Uuid)>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select application_id, user_id from ( \
            select distinct on (application_id, user_id) application_id, user_id, conflicted \
            from subsidy_conflict_declarations where tenant_id = $1 and application_id = any($2) \
            order by application_id, user_id, declared_at desc) newest \
         where conflicted",
    )
    .bind(tenant_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Records a declaration of `user_id` for application `id`; `lifted_by` when an official lifts
/// a conflict (then `conflicted` is false and `note` the reason).
pub(in crate::subsidy) async fn record(
    tx: &mut TenantTx,
    id: Uuid,
    user_id: Uuid,
    conflicted: bool,
    note: &str,
    lifted_by: Option<Uuid>,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into subsidy_conflict_declarations (tenant_id, application_id, user_id, conflicted, note, lifted_by) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user_id)
    .bind(conflicted)
    .bind(note)
    .bind(lifted_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
