//! The official's review of one application: its versions, scores, decision and what followed,
//! with the forms for an objection and a settlement, and asking for completion (Awb 4:5).

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::{
    notice, round_href, schemes_base, with_422, Ids, NoticeQuery,
};
use crate::subsidy::common::store::{self, Application, Round};
use crate::subsidy::common::view::VersionView;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use time::Duration;

#[derive(Template)]
#[template(path = "subsidy/schemes/application_review.html")]
struct ReviewPage {
    layout: Layout,
    back: String,
    application: Application,
    round: Round,
    versions: Vec<VersionView>,
    status: &'static str,
    completion_due: Option<String>,
    may_ask_completion: bool,
    action: String,
    documents_base: String,
    letter_href: String,
    form_reason: String,
    form_days: String,
    errors: FormErrors,
    may_register_objection: bool,
    objection_action: String,
    objection_form: std::collections::BTreeMap<String, String>,
    objection_errors: FormErrors,
    objections: Vec<(String, String, &'static str)>,
    after: Option<crate::subsidy::after::after_grant::AfterView>,
    may_settle: bool,
    settle_hint: Option<String>,
    settle_action: String,
    settlement_form: std::collections::BTreeMap<String, String>,
    settlement_errors: FormErrors,
    settlement_default: String,
}

impl ReviewPage {
    /// The new decision date of the notice of delay this application got.
    fn delayed_to(&self) -> Option<String> {
        crate::subsidy::decide::delay::notice_for(&self.round, &self.application)
            .map(time_fmt::date)
    }

    fn objection_value(&self, key: &str) -> &str {
        self.objection_form
            .get(key)
            .map(String::as_str)
            .unwrap_or("")
    }

    fn settlement_value(&self, key: &str) -> String {
        match self.settlement_form.get(key) {
            Some(v) => v.clone(),
            None if key == "bedrag" => self.settlement_default.clone(),
            None => String::new(),
        }
    }

    fn settlement_letter_href(&self) -> String {
        self.settle_action.replace("/vaststellen", "/vaststelling")
    }

    fn report_documents_base(&self) -> String {
        self.settle_action
            .replace("/vaststellen", "/verantwoording/documenten")
    }
}

/// The review page with the objection form as typed and its errors.
pub async fn review_with_objection_form(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    form: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    let forms = ReviewForms {
        days: "14".into(),
        objection: form,
        objection_errors: errors,
        ..ReviewForms::default()
    };
    review_page(state, user, id, forms, None).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}
pub async fn application_review(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let layout_notice = notice(&query);
    let forms = ReviewForms {
        days: "14".into(),
        ..ReviewForms::default()
    };
    review_page(&state, &user, ids.get("id"), forms, layout_notice).await
}

/// The two forms of the review page as typed, with their errors.
#[derive(Default)]
struct ReviewForms {
    reason: String,
    days: String,
    errors: FormErrors,
    objection: std::collections::BTreeMap<String, String>,
    objection_errors: FormErrors,
    settlement: std::collections::BTreeMap<String, String>,
    settlement_errors: FormErrors,
}

/// The review page with the settlement form as typed and its errors.
pub async fn review_with_settlement_form(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    form: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    let forms = ReviewForms {
        days: "14".into(),
        settlement: form,
        settlement_errors: errors,
        ..ReviewForms::default()
    };
    review_page(state, user, id, forms, None).await
}

async fn review_page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    forms: ReviewForms,
    notice: Option<&str>,
) -> AppResult<Response> {
    let ReviewForms {
        reason: form_reason,
        days: form_days,
        errors,
        objection: objection_form,
        objection_errors,
        settlement: settlement_form,
        settlement_errors,
    } = forms;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Drafts belong to the applicant until submitted.
    if application.status == "concept" {
        return Err(AppError::NotFound);
    }
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round.round_id).await?;
    let category = categories
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let mut versions = Vec::new();
    for v in store::versions(&mut tx, id).await?.iter().rev() {
        if v.submitted_at.is_some() || v.version == application.current_version {
            versions.push(VersionView::build(&mut tx, id, v, &category).await?);
        }
    }
    let after =
        crate::subsidy::after::after_grant::after_grant(&mut tx, &application, &round).await?;
    let objections = crate::subsidy::after::objections::all(&mut tx)
        .await?
        .into_iter()
        .filter(|o| o.application_id == id)
        .map(|o| {
            (
                format!("{}/bezwaren/{}", schemes_base(user), o.objection_id),
                time_fmt::date(o.received_on),
                o.outcome_label(),
            )
        })
        .collect();
    tx.commit().await?;
    let invalid =
        !errors.is_empty() || !objection_errors.is_empty() || !settlement_errors.is_empty();
    let today = time_fmt::today();
    let may_settle = user.may_change(Section::Schemes)
        && after.as_ref().is_some_and(|a| {
            a.settlement.is_none() && (a.report.is_some() || today >= a.own_initiative_from())
        });
    let settle_hint = after.as_ref().and_then(|a| {
        (a.settlement.is_none() && a.report.is_none() && a.duty != crate::subsidy::after::settlement::Duty::Direct).then(|| {
            format!(
                "Verantwoording uiterlijk op {}; zonder verantwoording kan ambtshalve vaststellen vanaf {}.",
                time_fmt::date(a.due),
                time_fmt::date(a.own_initiative_from())
            )
        })
    });
    let settlement_default = after
        .as_ref()
        .map(|a| crate::subsidy::common::money::field(a.granted_cents, false))
        .unwrap_or_default();
    let layout = Layout::for_user(
        user,
        format!("Aanvraag {}", application.reference),
        Some(Section::Schemes),
    )
    .with_notice(notice);
    let application_status_decided = application.status == "besloten";
    let page = ReviewPage {
        layout,
        back: round_href(user, &round),
        status: application.status_label(),
        completion_due: application.completion_due.map(time_fmt::date_time),
        may_ask_completion: user.may_change(Section::Schemes) && application.status == "ingediend",
        action: format!(
            "{}/aanvragen/{}/aanvulling",
            schemes_base(user),
            application.application_id
        ),
        letter_href: format!(
            "{}/aanvragen/{}/beschikking",
            schemes_base(user),
            application.application_id
        ),
        documents_base: format!(
            "{}/aanvragen/{}/documenten",
            schemes_base(user),
            application.application_id
        ),
        application,
        round,
        versions,
        form_reason,
        form_days,
        errors,
        may_register_objection: user.may_change(Section::Schemes) && application_status_decided,
        objection_action: format!("{}/aanvragen/{}/bezwaren", schemes_base(user), id),
        objection_form,
        objection_errors,
        objections,
        after: after.map(|a| crate::subsidy::after::after_grant::AfterView::of(a, today)),
        may_settle,
        settle_hint,
        settle_action: format!("{}/aanvragen/{}/vaststellen", schemes_base(user), id),
        settlement_form,
        settlement_errors,
        settlement_default,
    };
    let response = render(&page)?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

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
