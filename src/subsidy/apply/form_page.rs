//! The aanbieder's application: a draft saved at any time, submitted by the server's clock,
//! frozen once submitted (a completion asked by the municipality opens a new version), and
//! withdrawn before the decision.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::after::after_grant::AfterView;
use crate::subsidy::apply::completion::{self, Editable};
use crate::subsidy::apply::completion_view::{document_code, locked_rows};
use crate::subsidy::apply::form::{check_complete, edit_deadline, stamp, RawApplication};
use crate::subsidy::apply::{draft, save};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::common::nav_page::{own_provider, portal_base};
use crate::subsidy::common::store::{self, Application, Round, RoundCategory};
use crate::subsidy::common::view::{self, DocumentRow, VersionView};
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

/// An application of the user's own organisation, or 404.
async fn own_application(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<Application> {
    let provider = own_provider(user)?;
    match store::application(tx, id).await? {
        Some(a) if a.provider_id == provider => Ok(a),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "subsidy/apply/application.html")]
struct ApplicationPage {
    layout: Layout,
    back: String,
    action: String,
    application: Application,
    round_title: String,
    category: RoundCategory,
    ceiling: String,
    received: Option<String>,
    status: &'static str,
    /// The form, while the applicant may still change it (or to give back what was typed).
    form: Option<RawApplication>,
    /// The term has passed: no buttons.
    closed: bool,
    deadline: Option<String>,
    facilities: Vec<(Uuid, String)>,
    declarations: Vec<(&'static str, &'static str)>,
    documents_asked: Vec<(&'static str, &'static str)>,
    documents: Vec<DocumentRow>,
    documents_base: String,
    price_rule: String,
    errors: FormErrors,
    /// Earlier (frozen) versions, newest first; and the current one when it is frozen.
    versions: Vec<VersionView>,
    decision: Option<crate::subsidy::decide::decision::DecisionView>,
    may_withdraw: bool,
    after: Option<AfterView>,
    report_form: std::collections::BTreeMap<String, String>,
    report_errors: FormErrors,
    /// The new decision date of a notice of delay (Awb 4:14) about this application.
    delayed_to: Option<String>,
    /// What the applicant may change: everything in a draft, the named parts in a completion.
    edit: Editable,
    /// In a completion: what was asked, and the parts that stay as submitted.
    asked: Vec<String>,
    locked: Vec<(String, String)>,
}

/// GET /{tenant}/aanvragen/{id}
pub async fn application_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("id"),
        None,
        FormErrors::default(),
        notice(&query),
        Default::default(),
    )
    .await
}

/// The accountability form as typed, with its errors.
type ReportForm = (std::collections::BTreeMap<String, String>, FormErrors);

/// The application page; with `errors` (what was just sent and refused) it answers 422. A
/// stored draft's own messages are shown too, but a draft is no error.
pub(super) async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    typed: Option<RawApplication>,
    errors: FormErrors,
    notice: Option<&str>,
    (report_form, report_errors): ReportForm,
) -> AppResult<Response> {
    let invalid = !errors.is_empty();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = own_application(&mut tx, user, id).await?;
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(&mut tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let all_versions = store::versions(&mut tx, id).await?;
    let current = all_versions
        .iter()
        .find(|v| v.version == application.current_version)
        .ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let deadline = edit_deadline(&application, &round);
    let open = deadline.is_some_and(|d| now <= d);
    let facilities = draft::own_facilities(&mut tx, application.provider_id).await?;
    // After the deadline the form is shown only to give back what was just typed. A stored
    // draft comes back with the text of fields that did not parse, and their messages.
    let mut errors = errors;
    let form = match typed {
        Some(t) => Some(t),
        None if open => {
            let (raw, kept) = draft::shown(
                &mut tx,
                &application,
                current,
                &round,
                &category,
                &facilities,
            )
            .await?;
            for (field, message) in kept.items() {
                errors.add(field.clone(), message.clone());
            }
            Some(raw)
        }
        None => None,
    };
    let mut versions = Vec::new();
    for v in all_versions.iter().rev() {
        if v.submitted_at.is_some() {
            versions.push(VersionView::build(&mut tx, id, v, &category).await?);
        }
    }
    let namable = completion::namable(&round, &category);
    let edit = Editable::of(&application.status, current, &namable);
    let asked = match (&application.status[..], &current.completion_parts) {
        ("aanvulling", Some(parts)) => completion::labels(parts, &namable),
        _ => Vec::new(),
    };
    let locked = match versions.first() {
        Some(submitted) if edit.limited() => locked_rows(submitted, &edit, &category),
        _ => Vec::new(),
    };
    let documents = view::documents(&mut tx, id, application.current_version).await?;
    let decision =
        crate::subsidy::decide::decision::decision_view(&mut tx, &application, &category).await?;
    let after =
        crate::subsidy::after::after_grant::after_grant(&mut tx, &application, &round).await?;
    let delayed_to =
        crate::subsidy::decide::delay::notice_for(&round, &application).map(time_fmt::date);
    tx.commit().await?;
    let report_invalid = !report_errors.is_empty();
    let basis = crate::subsidy::decide::price::PriceBasis::parse(&category.price_basis)
        .unwrap_or(crate::subsidy::decide::price::PriceBasis::Requested);
    let layout = Layout::for_user(
        user,
        format!("Aanvraag {}", application.reference),
        Some(Section::Applications),
    )
    .with_notice(notice);
    let response = render(&ApplicationPage {
        layout,
        back: portal_base(user),
        action: format!("{}/{}", portal_base(user), id),
        documents_base: format!("{}/{}/documenten", portal_base(user), id),
        round_title: round.title(),
        ceiling: euro(category.ceiling_cents),
        received: application.submitted_at.map(time_fmt::date_time),
        status: application.status_label(),
        deadline: deadline.map(time_fmt::date_time),
        declarations: store::DECLARATIONS
            .iter()
            .filter(|(c, _)| round.declarations.iter().any(|d| d == c))
            .copied()
            .collect(),
        documents_asked: store::DOCUMENTS
            .iter()
            .filter(|(c, _)| round.documents.iter().any(|d| d == c) && edit.document(c))
            .copied()
            .collect(),
        price_rule: crate::subsidy::decide::price::rule_text(basis, category.fee_deduction),
        may_withdraw: matches!(
            application.status.as_str(),
            "concept" | "ingediend" | "aanvulling"
        ),
        closed: !open,
        application,
        category,
        form,
        facilities,
        documents,
        errors,
        versions,
        decision,
        after: after.map(|a| AfterView::of(a, time_fmt::today())),
        report_form,
        report_errors,
        delayed_to,
        edit,
        asked,
        locked,
    })?;
    Ok(if invalid || report_invalid {
        with_422(response)
    } else {
        response
    })
}

impl ApplicationPage {
    fn removable(&self, document: &DocumentRow) -> bool {
        self.edit.document(document_code(document))
    }

    fn answers_editable(&self) -> bool {
        self.category
            .criteria
            .iter()
            .any(|c| !c.computed && self.edit.answer(&c.code))
    }

    fn report_value(&self, key: &str) -> &str {
        self.report_form.get(key).map(String::as_str).unwrap_or("")
    }
}

/// The application page with the accountability form as typed and its errors (422).
pub async fn page_with_report(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    form: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    page(
        state,
        user,
        id,
        None,
        FormErrors::default(),
        None,
        (form, errors),
    )
    .await
}

/// POST /{tenant}/aanvragen/{id}: `actie=opslaan` keeps a draft, `actie=indienen` submits.
pub async fn application_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let raw = RawApplication::from_body(&body);
    let submit = raw.actie == "indienen";
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = own_application(&mut tx, &user, id).await?;
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(&mut tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let Some(deadline) = edit_deadline(&application, &round) else {
        tx.commit().await?;
        return Err(AppError::BadRequest(
            "Deze aanvraag is ingediend en kan niet meer worden gewijzigd.".into(),
        ));
    };
    if now > deadline {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "titel",
            format!(
                "De termijn is verstreken: wijzigen en indienen kon tot en met {}. Uw invoer is niet opgeslagen; \
                 kopieer wat u wilt bewaren.",
                time_fmt::date_time(deadline)
            ),
        );
        return closed_page(&state, &user, id, raw, errors).await;
    }
    let prepared = draft::prepare(&mut tx, &application, &round, &category, raw).await?;
    if prepared.stale() {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "titel",
            "Deze aanvraag is intussen ergens anders opgeslagen. Uw invoer staat hieronder nog; controleer hem en sla opnieuw op.",
        );
        let mut raw = prepared.raw;
        raw.bewaard = stamp(prepared.current.saved_at);
        return page(
            &state,
            &user,
            id,
            Some(raw),
            errors,
            None,
            Default::default(),
        )
        .await;
    }
    let actor = Actor::user(&user, &address);
    if !submit {
        // A draft keeps everything typed, right or not yet right.
        draft::keep(&mut tx, &actor, &user, &application, &prepared).await?;
        tx.commit().await?;
        return Ok(
            Redirect::to(&format!("{}/{id}?melding=opgeslagen", portal_base(&user)))
                .into_response(),
        );
    }
    let version = application.current_version;
    let errors = if prepared.errors.is_empty() {
        let mut kinds = save::document_codes(&mut tx, id, version).await?;
        kinds.extend(prepared.edit.documents_not_asked(&round));
        let mut errors = check_complete(&prepared.parsed, &round, &category, &kinds);
        errors.retain(|field| prepared.edit.may_fix(field));
        errors
    } else {
        prepared.errors.clone()
    };
    if !errors.is_empty() {
        // Nothing typed is lost: the draft is kept, then the form comes back with what is missing.
        let unparsed = prepared.unparsed();
        save::store_version(
            &mut tx,
            id,
            version,
            &prepared.parsed,
            &unparsed,
            &user,
            None,
        )
        .await?;
        tx.commit().await?;
        return page(
            &state,
            &user,
            id,
            None,
            errors,
            Some("Uw concept is opgeslagen, maar nog niet ingediend."),
            Default::default(),
        )
        .await;
    }
    let parsed = prepared.parsed;
    let none = save::Unparsed::new();
    save::save(
        &mut tx,
        &actor,
        &user,
        &application,
        &parsed,
        &none,
        Some(now),
    )
    .await?;
    tx.commit().await?;
    send_receipt(&state, &user, &application, &round, now).await;
    Ok(Redirect::to(&format!("{}/{id}?melding=ingediend", portal_base(&user))).into_response())
}

/// The e-mailed receipt of a submission, when mail is configured (its failure is logged, not
/// shown: the page confirms the submission too).
async fn send_receipt(
    state: &AppState,
    user: &CurrentUser,
    application: &Application,
    round: &Round,
    now: OffsetDateTime,
) {
    let Some(mailer) = &state.mailer else {
        return;
    };
    let text = format!(
        "Uw subsidieaanvraag {} ({}) is ontvangen op {}.\n\nU ontvangt een besluit uiterlijk op {}.",
        application.reference,
        round.title(),
        time_fmt::date_time(now),
        time_fmt::date(round.decision_due())
    );
    let subject = format!("Ontvangstbevestiging {}", application.reference);
    if !mailer.send(&user.email, &subject, text).await {
        tracing::warn!("receipt e-mail was not sent");
    }
}

/// The page when the term has passed: the application as it stands, the typed input shown
/// read-only so nothing is lost, and why it was refused.
async fn closed_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    raw: RawApplication,
    errors: FormErrors,
) -> AppResult<Response> {
    let response = page(state, user, id, Some(raw), errors, None, Default::default()).await?;
    Ok(with_422(response))
}

/// POST /{tenant}/aanvragen/{id}/intrekken: withdraws an application before the decision.
pub async fn application_withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
) -> AppResult<Response> {
    let id = ids.get("id");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = own_application(&mut tx, &user, id).await?;
    let tenant_id = tx.tenant_id();
    let changed = sqlx::query(
        "update subsidy_applications set status = 'ingetrokken', withdrawn_at = now() \
         where tenant_id = $1 and application_id = $2 and status in ('concept', 'ingediend', 'aanvulling')",
    )
    .bind(tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.commit().await?;
        return Err(AppError::BadRequest(
            "Deze aanvraag kan niet meer worden ingetrokken: er is al over besloten of ze is al ingetrokken.".into(),
        ));
    }
    let event = Event::new("ingetrokken", "subsidieaanvraag", id)
        .before(json!({"status": application.status}))
        .after(json!({"status": "ingetrokken"}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=ingetrokken", portal_base(&user))).into_response())
}
