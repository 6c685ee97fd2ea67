//! Saving an application's version: the draft as typed, and on submission the status, the
//! server's moment of submission and the audit trail.

use serde_json::json;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::apply::form::Parsed;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{self, Application};
use crate::subsidy::common::view;

/// The codes of the documents added to `version` of application `id`, as the completeness
/// check names them.
pub(in crate::subsidy) async fn document_codes(
    tx: &mut TenantTx,
    id: Uuid,
    version: i32,
) -> AppResult<Vec<String>> {
    let kinds: Vec<String> = view::documents(tx, id, version)
        .await?
        .into_iter()
        .map(|d| d.kind)
        .collect();
    Ok(store::DOCUMENTS
        .iter()
        .filter(|(_, name)| kinds.iter().any(|k| k == name))
        .map(|(code, _)| code.to_string())
        .collect())
}

/// Stores the current version of `application` as `parsed`; with `submitted_at`, the
/// application is submitted at that moment. Audited as a draft saved or a submission.
pub(in crate::subsidy) async fn save(
    tx: &mut TenantTx,
    actor: &Actor,
    user: &CurrentUser,
    application: &Application,
    parsed: &Parsed,
    unparsed: &Unparsed,
    submitted_at: Option<OffsetDateTime>,
) -> AppResult<()> {
    let id = application.application_id;
    let version = application.current_version;
    store_version(tx, id, version, parsed, unparsed, user, submitted_at).await?;
    let tenant_id = tx.tenant_id();
    if let Some(now) = submitted_at {
        sqlx::query(
            "update subsidy_applications set status = 'ingediend', submitted_at = $3, completion_due = null \
             where tenant_id = $1 and application_id = $2",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    let after = json!({
        "versie": application.current_version,
        "titel": parsed.title,
        "gevraagd": euro(parsed.requested),
        "begroting": euro(parsed.budget_total()),
        "deelnemers": parsed.participants,
        "nog_niet_juist": unparsed.keys().collect::<Vec<_>>(),
    });
    let action = if submitted_at.is_some() {
        "ingediend"
    } else {
        "concept opgeslagen"
    };
    let event = Event::new(action, "subsidieaanvraag", id).after(after);
    audit::record(tx, actor, event).await
}

/// The typed text of the fields of a draft that did not parse, by field name.
pub(in crate::subsidy) type Unparsed = BTreeMap<String, String>;

/// What the draft `version` of application `id` keeps as typed because it did not parse.
pub(in crate::subsidy) async fn unparsed(
    tx: &mut TenantTx,
    id: Uuid,
    version: i32,
) -> AppResult<Unparsed> {
    let tenant_id = tx.tenant_id();
    let kept: Option<sqlx::types::Json<Unparsed>> = sqlx::query_scalar(
        "select unparsed from subsidy_application_versions \
         where tenant_id = $1 and application_id = $2 and version = $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(kept.map(|k| k.0).unwrap_or_default())
}

/// Stores `p` in the open `version`, with the typed text of what did not parse (a submission
/// has none).
pub(in crate::subsidy) async fn store_version(
    tx: &mut TenantTx,
    id: Uuid,
    version: i32,
    p: &Parsed,
    unparsed: &Unparsed,
    user: &CurrentUser,
    submitted_at: Option<OffsetDateTime>,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update subsidy_application_versions set title = $4, activities = $5, fixed_costs_cents = $6, \
            staff_costs_cents = $7, activity_costs_cents = $8, other_costs_cents = $9, requested_cents = $10, \
            participants = $11, reach = $12, counter_service = $13, answers = $14, facility_ids = $15, \
            declarations = $16, saved_at = clock_timestamp(), saved_by = $17, submitted_at = $18, unparsed = $19 \
         where tenant_id = $1 and application_id = $2 and version = $3 and submitted_at is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(version)
    .bind(&p.title)
    .bind(&p.activities)
    .bind(p.fixed)
    .bind(p.staff)
    .bind(p.activity)
    .bind(p.other)
    .bind(p.requested)
    .bind(p.participants)
    .bind(&p.reach)
    .bind(&p.counter_service)
    .bind(sqlx::types::Json(&p.answers))
    .bind(&p.facilities)
    .bind(&p.declarations)
    .bind(user.user_id)
    .bind(submitted_at)
    .bind(sqlx::types::Json(unparsed))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
