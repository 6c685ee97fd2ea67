//! Payments due per month for the financial administration (page and CSV), and recording what
//! was paid. The schedule is made when an onderdeel is decided and revised at settlement.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::{Date, Month};
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::after::payments::due;
use crate::subsidy::common::money::{decimal, euro};
use crate::subsidy::common::nav_page::{notice, schemes_base};
use crate::web::layout::{render, Layout};
use crate::web::upload::csv_attachment;
use crate::web::{csv_out, time_fmt};

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    pub(super) maand: Option<String>,
    #[serde(default)]
    pub(super) melding: Option<String>,
}

/// The month asked (`2027-03`), else this month: its first day and the next month's.
fn month_of(query: &MonthQuery) -> (Date, Date) {
    let today = time_fmt::today();
    let first = query
        .maand
        .as_deref()
        .and_then(|m| m.split_once('-'))
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u8>().ok()?)))
        .filter(|(y, _)| (2000..=2100).contains(y))
        .and_then(|(y, m)| Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok())
        .unwrap_or_else(|| {
            Date::from_calendar_date(today.year(), today.month(), 1).expect("valid")
        });
    (
        first,
        crate::subsidy::after::settlement::add_months(first, 1),
    )
}

pub(super) fn kind_label(kind: &str) -> &'static str {
    match kind {
        "voorschot" => "Voorschot",
        "nabetaling" => "Betaling na vaststelling",
        _ => "Betaling",
    }
}

struct Row {
    payment_id: Uuid,
    href: String,
    reference: String,
    recipient: String,
    kind: String,
    due: String,
    overdue: bool,
    amount: String,
    paid: Option<String>,
    paid_by: String,
    /// The payment date in the field: today, or as typed when it did not pass.
    typed: String,
    error: Option<String>,
    /// The reason for undoing as typed and its message, when it did not pass.
    undo_typed: String,
    undo_error: Option<String>,
}

#[derive(Template)]
#[template(path = "subsidy/after/payments.html")]
struct PaymentsPage {
    layout: Layout,
    month: String,
    month_value: String,
    previous: String,
    next: String,
    csv_href: String,
    rows: Vec<Row>,
    total: String,
    may_record: bool,
    action_base: String,
    errors: FormErrors,
}

/// GET /{tenant}/regelingen/betalingen?maand=2027-03
pub async fn payments_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MonthQuery>,
) -> AppResult<Response> {
    month_page(&state, &user, &query, None).await
}

/// A payment date or an undo reason that did not pass, shown back at its row as typed.
pub(super) struct Refused {
    pub(super) payment_id: Uuid,
    /// `betaald` (the date) or `terug` (the reason for undoing).
    pub(super) field: &'static str,
    pub(super) typed: String,
    pub(super) message: String,
}

/// The payments page of the month `query` names; `refused` puts a payment date that did not
/// pass back at its row (and answers 422).
pub(super) async fn month_page(
    state: &AppState,
    user: &CurrentUser,
    query: &MonthQuery,
    refused: Option<Refused>,
) -> AppResult<Response> {
    let (from, to) = month_of(query);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let payments = due(&mut tx, from, to).await?;
    tx.commit().await?;
    let today = time_fmt::today();
    let key = |d: Date| format!("{}-{:02}", d.year(), d.month() as u8);
    let notice_query = crate::subsidy::common::nav_page::NoticeQuery {
        melding: query.melding.clone(),
    };
    let layout = Layout::for_user(user, "Betalingen", Some(Section::Schemes))
        .with_notice(notice(&notice_query));
    let mut errors = FormErrors::default();
    if let Some(r) = &refused {
        errors.add(format!("{}-{}", r.field, r.payment_id), r.message.clone());
    }
    let mut response = render(&PaymentsPage {
        month: time_fmt::date(from)
            .split_once(' ')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        month_value: key(from),
        previous: format!(
            "{}/betalingen?maand={}",
            schemes_base(user),
            key(crate::subsidy::after::settlement::add_months(from, -1))
        ),
        next: format!("{}/betalingen?maand={}", schemes_base(user), key(to)),
        csv_href: format!("{}/betalingen.csv?maand={}", schemes_base(user), key(from)),
        total: euro(payments.iter().map(|p| p.amount_cents).sum()),
        may_record: user.may_change(Section::Schemes),
        action_base: format!("{}/betalingen", schemes_base(user)),
        rows: payments
            .iter()
            .map(|p| {
                let mine = |field: &str| {
                    refused
                        .as_ref()
                        .filter(|r| r.payment_id == p.payment_id && r.field == field)
                };
                Row {
                    payment_id: p.payment_id,
                    href: format!("{}/aanvragen/{}", schemes_base(user), p.application_id),
                    reference: p.reference.clone(),
                    recipient: p.recipient.clone(),
                    kind: format!(
                        "{} {}",
                        kind_label(&p.kind),
                        if p.kind == "voorschot" {
                            p.part.to_string()
                        } else {
                            String::new()
                        }
                    ),
                    due: time_fmt::date(p.due_on),
                    overdue: p.paid_on.is_none() && p.due_on < today,
                    amount: euro(p.amount_cents),
                    paid: p.paid_on.map(time_fmt::date),
                    paid_by: p.paid_by.clone().unwrap_or_default(),
                    typed: mine("betaald")
                        .map(|r| r.typed.clone())
                        .unwrap_or_else(|| today.to_string()),
                    error: mine("betaald").map(|r| r.message.clone()),
                    undo_typed: mine("terug").map(|r| r.typed.clone()).unwrap_or_default(),
                    undo_error: mine("terug").map(|r| r.message.clone()),
                }
            })
            .collect(),
        errors,
        layout,
    })?;
    if refused.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/regelingen/betalingen.csv?maand=2027-03: for the financial administration.
pub async fn payments_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MonthQuery>,
) -> AppResult<Response> {
    let (from, to) = month_of(&query);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let payments = due(&mut tx, from, to).await?;
    tx.commit().await?;
    let headers = [
        "kenmerk",
        "ontvanger",
        "kvk",
        "regeling",
        "jaar",
        "soort",
        "deel",
        "vervaldatum",
        "bedrag_eur",
        "betaald_op",
    ];
    let rows = payments.iter().map(|p| {
        vec![
            p.reference.clone(),
            p.recipient.clone(),
            p.kvk_number.clone().unwrap_or_default(),
            p.scheme.clone(),
            p.year.to_string(),
            p.kind.clone(),
            p.part.to_string(),
            p.due_on.to_string(),
            decimal(p.amount_cents),
            p.paid_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
    });
    let body = csv_out::write(&headers, rows);
    Ok(csv_attachment(
        &format!("betalingen-{}-{:02}.csv", from.year(), from.month() as u8),
        body,
    ))
}
