//! A draft keeps everything typed: what parses is stored in its columns, what does not is kept
//! as typed text (shown back with its message). Only submitting needs the form to be right.
//! Used by saving the form and by adding a document (which sends the whole form along).

use uuid::Uuid;

use crate::audit::Actor;
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::subsidy::apply::completion::{self, Editable};
use crate::subsidy::apply::form::{parse_draft, stamp, Parsed, RawApplication};
use crate::subsidy::apply::save::{self, Unparsed};
use crate::subsidy::common::store::{self, Application, Round, RoundCategory, Version};

/// The facilities of `provider`, to choose what the subsidy funds.
pub(in crate::subsidy) async fn own_facilities(
    tx: &mut TenantTx,
    provider: Uuid,
) -> AppResult<Vec<(Uuid, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select facility_id, name from facilities where tenant_id = $1 and provider_id = $2 and not archived \
         order by name",
    )
    .bind(tenant_id)
    .bind(provider)
    .fetch_all(&mut **tx)
    .await?)
}

/// The form as sent, limited to what may change, parsed as far as it goes.
pub(in crate::subsidy) struct Prepared {
    pub raw: RawApplication,
    pub parsed: Parsed,
    /// What does not parse: blocks submitting, not saving.
    pub errors: FormErrors,
    pub current: Version,
    /// What may change: everything in a draft, the named parts in a completion.
    pub edit: Editable,
}

impl Prepared {
    /// Saved elsewhere since the form was opened.
    pub fn stale(&self) -> bool {
        self.raw.bewaard != stamp(self.current.saved_at)
    }

    /// The typed text of the fields that did not parse.
    pub fn unparsed(&self) -> Unparsed {
        self.raw.unparsed(&self.errors)
    }
}

/// Reads `raw` against the application's current version: a completion changes only what it
/// named, the rest is taken from the submitted version.
pub(in crate::subsidy) async fn prepare(
    tx: &mut TenantTx,
    application: &Application,
    round: &Round,
    category: &RoundCategory,
    raw: RawApplication,
) -> AppResult<Prepared> {
    let facilities = own_facilities(tx, application.provider_id).await?;
    let all_versions = store::versions(tx, application.application_id).await?;
    let current = all_versions
        .iter()
        .find(|v| v.version == application.current_version)
        .ok_or(AppError::NotFound)?
        .clone();
    let namable = completion::namable(round, category);
    let edit = Editable::of(&application.status, &current, &namable);
    let submitted = all_versions
        .iter()
        .rev()
        .find(|v| v.version < current.version && v.submitted_at.is_some())
        .filter(|_| edit.limited());
    let raw = match submitted {
        Some(s) => completion::limit_raw(raw, &RawApplication::from_version(s), &edit),
        None => raw,
    };
    let (parsed, errors) = parse_draft(&raw, round, category, &facilities);
    let parsed = match submitted {
        Some(s) => completion::limit(parsed, s, &edit),
        None => parsed,
    };
    Ok(Prepared {
        raw,
        parsed,
        errors,
        current,
        edit,
    })
}

/// Saves `prepared` as the draft, audited.
pub(in crate::subsidy) async fn keep(
    tx: &mut TenantTx,
    actor: &Actor,
    user: &CurrentUser,
    application: &Application,
    prepared: &Prepared,
) -> AppResult<()> {
    let unparsed = prepared.unparsed();
    save::save(
        tx,
        actor,
        user,
        application,
        &prepared.parsed,
        &unparsed,
        None,
    )
    .await
}

/// The stored draft as the form shows it: the typed text of what did not parse put back, and
/// the messages of those fields.
pub(in crate::subsidy) async fn shown(
    tx: &mut TenantTx,
    application: &Application,
    current: &Version,
    round: &Round,
    category: &RoundCategory,
    facilities: &[(Uuid, String)],
) -> AppResult<(RawApplication, FormErrors)> {
    let mut raw = RawApplication::from_version(current);
    let kept = save::unparsed(tx, application.application_id, current.version).await?;
    if kept.is_empty() {
        return Ok((raw, FormErrors::default()));
    }
    raw.overlay(&kept);
    let (_, errors) = parse_draft(&raw, round, category, facilities);
    Ok((raw, errors))
}
