//! The letters as pages and as PDF: the decision (beschikking), the settlement (vaststelling),
//! the notice of delay (verdaging), and an objection's receipt and the decision on it; for the official, and all
//! but the last for the applicant of their own application.

use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store;
use crate::subsidy::letters::letter::{self, Letter, Part};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Decision,
    Settlement,
    Delay,
}

impl Kind {
    /// The last part of the letter's path.
    fn path(self) -> &'static str {
        match self {
            Kind::Decision => "beschikking",
            Kind::Settlement => "vaststelling",
            Kind::Delay => "verdaging",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Html,
    Pdf,
}

/// The letter of application `id`; for an applicant only of their own organisation.
async fn letter_of(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    kind: Kind,
    own_only: bool,
) -> AppResult<Letter> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if own_only && Some(application.provider_id) != user.provider_id {
        return Err(AppError::NotFound);
    }
    let letter = match kind {
        Kind::Decision => letter::build(&mut tx, &application).await?,
        Kind::Settlement => {
            crate::subsidy::after::accountability_page::settlement_letter(&mut tx, &application)
                .await?
        }
        Kind::Delay => crate::subsidy::decide::delay::delay_letter(&mut tx, &application).await?,
    };
    tx.commit().await?;
    letter.ok_or(AppError::NotFound)
}

fn respond(letter: &Letter, form: Form, back: String, pdf_href: String) -> AppResult<Response> {
    match form {
        Form::Html => letter_page(letter, back, pdf_href),
        Form::Pdf => Ok(letter_pdf(letter)),
    }
}

async fn official(
    state: AppState,
    user: CurrentUser,
    ids: Ids,
    kind: Kind,
    form: Form,
) -> AppResult<Response> {
    let id = ids.get("id");
    let letter = letter_of(&state, &user, id, kind, false).await?;
    let back = format!(
        "{}/aanvragen/{id}",
        crate::subsidy::common::nav_page::schemes_base(&user)
    );
    respond(
        &letter,
        form,
        back.clone(),
        format!("{back}/{}.pdf", kind.path()),
    )
}

async fn applicant(
    state: AppState,
    user: CurrentUser,
    ids: Ids,
    kind: Kind,
    form: Form,
) -> AppResult<Response> {
    let id = ids.get("id");
    let letter = letter_of(&state, &user, id, kind, true).await?;
    let back = format!(
        "{}/{id}",
        crate::subsidy::common::nav_page::portal_base(&user)
    );
    respond(
        &letter,
        form,
        back.clone(),
        format!("{back}/{}.pdf", kind.path()),
    )
}

/// GET /{tenant}/regelingen/aanvragen/{id}/beschikking
pub async fn decision_official(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Decision, Form::Html).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/beschikking.pdf
pub async fn decision_official_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Decision, Form::Pdf).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/vaststelling
pub async fn settlement_official(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Settlement, Form::Html).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/vaststelling.pdf
pub async fn settlement_official_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Settlement, Form::Pdf).await
}

/// GET /{tenant}/aanvragen/{id}/beschikking
pub async fn decision_applicant(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Decision, Form::Html).await
}

/// GET /{tenant}/aanvragen/{id}/beschikking.pdf
pub async fn decision_applicant_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Decision, Form::Pdf).await
}

/// GET /{tenant}/aanvragen/{id}/vaststelling
pub async fn settlement_applicant(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Settlement, Form::Html).await
}

/// GET /{tenant}/aanvragen/{id}/vaststelling.pdf
pub async fn settlement_applicant_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Settlement, Form::Pdf).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/verdaging
pub async fn delay_official(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Delay, Form::Html).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}/verdaging.pdf
pub async fn delay_official_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    official(s, u, ids, Kind::Delay, Form::Pdf).await
}

/// GET /{tenant}/aanvragen/{id}/verdaging
pub async fn delay_applicant(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Delay, Form::Html).await
}

/// GET /{tenant}/aanvragen/{id}/verdaging.pdf
pub async fn delay_applicant_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    applicant(s, u, ids, Kind::Delay, Form::Pdf).await
}

/// The letters of an objection: its receipt, and the decision on it once decided.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ObjectionLetter {
    Receipt,
    Decision,
}

async fn objection_letter(
    state: AppState,
    user: CurrentUser,
    ids: Ids,
    which: ObjectionLetter,
    form: Form,
) -> AppResult<Response> {
    let id = ids.get("id");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let letter = match which {
        ObjectionLetter::Receipt => {
            Some(crate::subsidy::after::objections::receipt_letter(&mut tx, id).await?)
        }
        ObjectionLetter::Decision => {
            let objection = crate::subsidy::after::objections::one(&mut tx, id).await?;
            crate::subsidy::after::objection_outcome::decision_letter(&mut tx, &objection).await?
        }
    };
    tx.commit().await?;
    let letter = letter.ok_or(AppError::NotFound)?;
    let back = format!(
        "{}/bezwaren/{id}",
        crate::subsidy::common::nav_page::schemes_base(&user)
    );
    let name = match which {
        ObjectionLetter::Receipt => "ontvangstbevestiging",
        ObjectionLetter::Decision => "beslissing",
    };
    respond(&letter, form, back.clone(), format!("{back}/{name}.pdf"))
}

/// GET /{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging
pub async fn objection_receipt(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    objection_letter(s, u, ids, ObjectionLetter::Receipt, Form::Html).await
}

/// GET /{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging.pdf
pub async fn objection_receipt_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    objection_letter(s, u, ids, ObjectionLetter::Receipt, Form::Pdf).await
}

/// GET /{tenant}/regelingen/bezwaren/{id}/beslissing
pub async fn objection_decision(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    objection_letter(s, u, ids, ObjectionLetter::Decision, Form::Html).await
}

/// GET /{tenant}/regelingen/bezwaren/{id}/beslissing.pdf
pub async fn objection_decision_pdf(
    State(s): State<AppState>,
    u: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    objection_letter(s, u, ids, ObjectionLetter::Decision, Form::Pdf).await
}

#[derive(askama::Template)]
#[template(path = "subsidy/letters/letter.html")]
struct LetterPage<'a> {
    letter: &'a Letter,
    back: String,
    pdf_href: String,
}

/// The letter as a print-ready page.
fn letter_page(
    letter: &Letter,
    back: String,
    pdf_href: String,
) -> AppResult<axum::response::Response> {
    crate::web::layout::render(&LetterPage {
        letter,
        back,
        pdf_href,
    })
}

/// The letter as PDF, as an attachment named after its reference.
fn letter_pdf(letter: &Letter) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let bytes = letter::render_pdf(letter);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "inline; filename=\"beschikking-{}.pdf\"",
        letter.reference
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
