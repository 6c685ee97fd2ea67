//! Asking the applicant to complete a submitted application within a term (Awb 4:5).

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::apply::completion;
use crate::subsidy::common::nav_page::{schemes_base, Ids};
use crate::subsidy::common::store;
use crate::subsidy::schemes::review_page::{review_page, ReviewForms};
use crate::web::{time_fmt, ClientAddr};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::Duration;

/// The request as typed: the reason, the term and the parts to complete (`onderdeel`, repeated).
#[derive(Debug, Default)]
struct CompletionForm {
    reden: String,
    dagen: String,
    parts: Vec<String>,
}

impl CompletionForm {
    fn from_body(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "reden" => form.reden = value.into_owned(),
                "dagen" => form.dagen = value.into_owned(),
                "onderdeel" => form.parts.push(value.into_owned()),
                _ => {}
            }
        }
        form
    }

    fn again(self, errors: FormErrors) -> ReviewForms {
        ReviewForms {
            reason: self.reden,
            days: self.dagen,
            parts: self.parts,
            errors,
            ..ReviewForms::default()
        }
    }
}

/// POST /{tenant}/regelingen/aanvragen/{id}/aanvulling: asks the applicant to complete the
/// named parts of the application within a term (Awb 4:5). The submitted version stays as it
/// was; the applicant completes a new version in which only the named parts can change.
pub async fn completion_request(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form = CompletionForm::from_body(&body);
    // Another tenant's or an unknown application is not found, whatever the form says.
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let Some(application) = store::application(&mut tx, id)
        .await?
        .filter(|a| a.status != "concept")
    else {
        return Err(AppError::NotFound);
    };
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(&mut tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let namable = completion::namable(&round, &category);
    let mut errors = FormErrors::default();
    let parts = completion::chosen(&form.parts, &namable)
        .map_err(|m| errors.add("onderdelen", m))
        .unwrap_or_default();
    let reason = long_text(
        &form.reden,
        2000,
        "de reden",
        "Schrijf wat er ontbreekt, zodat de aanvrager weet wat aan te vullen.",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    let days = match form.dagen.trim().parse::<i64>() {
        Ok(d) if (1..=90).contains(&d) => d,
        _ => {
            errors.add("dagen", "Vul een termijn in van 1 tot en met 90 dagen.");
            0
        }
    };
    if !errors.is_empty() {
        return review_page(&state, &user, id, form.again(errors), None).await;
    }
    // Under the application's lock: two officials asking at once open one new version.
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    store::lock_application(&mut tx, id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if application.status != "ingediend" {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("reden", "Om aanvulling vragen kan alleen bij een ingediende aanvraag waarover nog niet is besloten.");
        return review_page(&state, &user, id, form.again(errors), None).await;
    }
    // The term ends at the end of the last day, Amsterdam time.
    let last_day = time_fmt::today() + Duration::days(days);
    let due = time_fmt::end_of_day(last_day);
    let tenant_id = tx.tenant_id();
    let next_version = application.current_version + 1;
    sqlx::query(
        "insert into subsidy_application_versions (tenant_id, application_id, version, title, activities, \
            fixed_costs_cents, staff_costs_cents, activity_costs_cents, other_costs_cents, requested_cents, \
            participants, reach, counter_service, answers, facility_ids, declarations, saved_by, completion_parts) \
         select tenant_id, application_id, $3, title, activities, fixed_costs_cents, staff_costs_cents, \
            activity_costs_cents, other_costs_cents, requested_cents, participants, reach, counter_service, answers, \
            facility_ids, declarations, saved_by, $5 \
         from subsidy_application_versions where tenant_id = $1 and application_id = $2 and version = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(application.current_version)
    .bind(&parts)
    .execute(&mut *tx)
    .await?;
    // Documents stay with the version they were submitted with; the new version starts with the same set.
    sqlx::query(
        "insert into subsidy_documents (tenant_id, application_id, version, kind, file_name, media_type, size_bytes, \
            content, uploaded_at) \
         select tenant_id, application_id, $3, kind, file_name, media_type, size_bytes, content, uploaded_at \
         from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(application.current_version)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update subsidy_applications set status = 'aanvulling', current_version = $3, completion_due = $4, \
            completion_reason = $5 where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(due)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("aanvulling gevraagd", "subsidieaanvraag", id)
        .before(json!({"status": "ingediend", "versie": application.current_version}))
        .after(json!({"status": "aanvulling", "versie": next_version, "termijn_tot": time_fmt::date_time(due), "reden": reason,
            "aan_te_vullen": completion::labels(&parts, &namable)}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/aanvragen/{id}?melding=aanvulling",
        schemes_base(&user)
    ))
    .into_response())
}
