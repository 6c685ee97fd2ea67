//! The official's review of one application: its versions, scores, decision and what followed,
//! with the forms for an objection and a settlement, and asking for completion (Awb 4:5).

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::apply::completion;
use crate::subsidy::common::nav_page::{
    notice, round_href, schemes_base, with_422, Ids, NoticeQuery,
};
use crate::subsidy::common::store::{self, Application, Round};
use crate::subsidy::common::version_changes::{changes, Change};
use crate::subsidy::common::view::VersionView;
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

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
    declarations: Vec<DeclarationRow>,
    may_lift: bool,
    lift_reason: String,
    lift_errors: FormErrors,
    /// The reason field of the lift form sent with errors, when it is on the page.
    lift_target: Option<String>,
    /// The parts a completion can name, and whether the form as typed names each.
    completion_parts: Vec<(completion::Part, bool)>,
    /// What changed from each version to the next, newest first.
    changes: Vec<VersionChanges>,
}

/// What changed from version `from` to version `to`, and what the completion asked for.
struct VersionChanges {
    from: i32,
    to: i32,
    /// `to` is still being completed.
    draft: bool,
    asked: Vec<String>,
    changes: Vec<Change>,
}

/// One assessor's declaration as the official sees it, with the form to lift a conflict.
struct DeclarationRow {
    assessor: String,
    state: String,
    note: String,
    conflicted: bool,
    /// The id of the lift form's reason field, unique on the page.
    field: String,
    lift_action: String,
    /// This row's lift form was the one sent with errors.
    typed: bool,
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

/// The forms of the review page as typed, with their errors.
#[derive(Default)]
pub(in crate::subsidy) struct ReviewForms {
    pub(in crate::subsidy) reason: String,
    pub(in crate::subsidy) days: String,
    pub(in crate::subsidy) errors: FormErrors,
    pub(in crate::subsidy) objection: std::collections::BTreeMap<String, String>,
    pub(in crate::subsidy) objection_errors: FormErrors,
    pub(in crate::subsidy) settlement: std::collections::BTreeMap<String, String>,
    pub(in crate::subsidy) settlement_errors: FormErrors,
    /// The lifting of an assessor's conflict: (assessor, reason) as typed.
    pub(in crate::subsidy) lift: Option<(uuid::Uuid, String)>,
    pub(in crate::subsidy) lift_errors: FormErrors,
    /// The parts named in the completion form as typed.
    pub(in crate::subsidy) parts: Vec<String>,
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

pub(in crate::subsidy) async fn review_page(
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
        lift,
        lift_errors,
        parts: typed_parts,
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
    let stored = store::versions(&mut tx, id).await?;
    let mut versions = Vec::new();
    for v in stored.iter().rev() {
        if v.submitted_at.is_some() || v.version == application.current_version {
            versions.push(VersionView::build(&mut tx, id, v, &category).await?);
        }
    }
    let namable = completion::namable(&round, &category);
    let changes = versions
        .windows(2)
        .map(|pair| VersionChanges {
            from: pair[1].version,
            to: pair[0].version,
            draft: pair[0].submitted.is_none(),
            asked: stored
                .iter()
                .find(|v| v.version == pair[0].version)
                .and_then(|v| v.completion_parts.as_deref())
                .map(|p| completion::labels(p, &namable))
                .unwrap_or_default(),
            changes: changes(&pair[1], &pair[0]),
        })
        .collect();
    let completion_parts = namable
        .into_iter()
        .map(|p| {
            let typed = typed_parts.contains(&p.code);
            (p, typed)
        })
        .collect();
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
    let declarations: Vec<DeclarationRow> = crate::subsidy::assess::conflicts::current(&mut tx, id)
        .await?
        .into_iter()
        .map(|d| DeclarationRow {
            state: match (&d.lifted_by, d.conflicted) {
                (_, true) => format!("Belang verklaard op {}", time_fmt::date_time(d.declared_at)),
                (Some(by), false) => format!(
                    "Belang opgeheven door {by} op {}",
                    time_fmt::date_time(d.declared_at)
                ),
                (None, false) => format!(
                    "Geen belang verklaard op {}",
                    time_fmt::date_time(d.declared_at)
                ),
            },
            field: format!("opheffen-{}", d.user_id),
            lift_action: format!(
                "{}/aanvragen/{id}/belang/{}/opheffen",
                schemes_base(user),
                d.user_id
            ),
            typed: lift.as_ref().is_some_and(|(u, _)| *u == d.user_id),
            assessor: d.assessor,
            note: d.note,
            conflicted: d.conflicted,
        })
        .collect();
    tx.commit().await?;
    let invalid = !errors.is_empty()
        || !objection_errors.is_empty()
        || !settlement_errors.is_empty()
        || !lift_errors.is_empty();
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
    let may_lift = user.may_change(Section::Schemes) && category.decided_at.is_none();
    let lift_target = declarations
        .iter()
        .find(|d| d.typed && d.conflicted && may_lift)
        .map(|d| d.field.clone());
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
        declarations,
        may_lift,
        lift_target,
        lift_reason: lift.map(|(_, r)| r).unwrap_or_default(),
        lift_errors,
        completion_parts,
        changes,
    };
    let response = render(&page)?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}
