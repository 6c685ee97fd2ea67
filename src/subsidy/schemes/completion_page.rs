//! Asking the applicant to complete a submitted application within a term (Awb 4:5).

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::{schemes_base, Ids};
use crate::subsidy::common::store;
use crate::subsidy::schemes::review_page::{review_page, ReviewForms};
use crate::web::{time_fmt, ClientAddr};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use time::Duration;

#[derive(Debug, Default, Deserialize)]
pub struct CompletionForm {
    #[serde(default)]
    reden: String,
    #[serde(default)]
    dagen: String,
}

/// POST /{tenant}/regelingen/aanvragen/{id}/aanvulling: asks the applicant to complete the
/// application within a term (Awb 4:5). The submitted version stays as it was; the applicant
/// edits a new version.
pub async fn completion_request(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<CompletionForm>,
) -> AppResult<Response> {
    let id = ids.get("id");
    // Another tenant's or an unknown application is not found, whatever the form says.
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let known = store::application(&mut tx, id)
        .await?
        .is_some_and(|a| a.status != "concept");
    tx.commit().await?;
    if !known {
        return Err(AppError::NotFound);
    }
    let mut errors = FormErrors::default();
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
        let forms = ReviewForms {
            reason: form.reden,
            days: form.dagen,
            errors,
            ..ReviewForms::default()
        };
        return review_page(&state, &user, id, forms, None).await;
    }
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if application.status != "ingediend" {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("reden", "Om aanvulling vragen kan alleen bij een ingediende aanvraag waarover nog niet is besloten.");
        let forms = ReviewForms {
            reason: form.reden,
            days: form.dagen,
            errors,
            ..ReviewForms::default()
        };
        return review_page(&state, &user, id, forms, None).await;
    }
    // The term ends at the end of the last day, Amsterdam time.
    let last_day = time_fmt::today() + Duration::days(days);
    let due = time_fmt::end_of_day(last_day);
    let tenant_id = tx.tenant_id();
    let next_version = application.current_version + 1;
    sqlx::query(
        "insert into subsidy_application_versions (tenant_id, application_id, version, title, activities, \
            fixed_costs_cents, staff_costs_cents, activity_costs_cents, other_costs_cents, requested_cents, \
            participants, reach, counter_service, answers, facility_ids, declarations, saved_by) \
         select tenant_id, application_id, $3, title, activities, fixed_costs_cents, staff_costs_cents, \
            activity_costs_cents, other_costs_cents, requested_cents, participants, reach, counter_service, answers, \
            facility_ids, declarations, saved_by \
         from subsidy_application_versions where tenant_id = $1 and application_id = $2 and version = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(application.current_version)
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
        .after(json!({"status": "aanvulling", "versie": next_version, "termijn_tot": time_fmt::date_time(due), "reden": reason}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/aanvragen/{id}?melding=aanvulling",
        schemes_base(&user)
    ))
    .into_response())
}
