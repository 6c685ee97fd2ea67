//! Recording a payment as paid (a date required, then a confirmation step that works without
//! script) and undoing a payment recorded by mistake (with a reason). Both lock the
//! application's row and then the payment's ([`payments::lock`]), so that twenty presses at
//! once, or a press of "betaald" and one of "ongedaan maken" at once, change it once; both are
//! in the audit trail with what was before and after.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::after::payments::{self, paid_date, undo_reason, Locked};
use crate::subsidy::after::payments_page::{kind_label, month_page, MonthQuery, Refused};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::{schemes_base, Ids};
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

#[derive(Template)]
#[template(path = "subsidy/after/payment_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    action: String,
    back: String,
    reference: String,
    recipient: String,
    kind: String,
    amount: String,
    paid_on: String,
    paid_on_value: String,
    month: String,
}

/// The form, with `maand` kept only when it is a month (`2027-03`): it goes back into a link.
fn form_of(body: &Bytes) -> BTreeMap<String, String> {
    let mut form: BTreeMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let month_like = |m: &String| {
        m.len() == 7
            && m.chars()
                .enumerate()
                .all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() })
    };
    if form.get("maand").is_some_and(|m| !month_like(m)) {
        form.remove("maand");
    }
    form
}

fn month_key(d: Date) -> String {
    format!("{}-{:02}", d.year(), d.month() as u8)
}

/// The month page the form came from, with `refused` at the payment's row (422).
async fn back_with(
    state: &AppState,
    user: &CurrentUser,
    form: &BTreeMap<String, String>,
    due_on: Date,
    refused: Refused,
) -> AppResult<Response> {
    let query = MonthQuery {
        maand: form
            .get("maand")
            .cloned()
            .or_else(|| Some(month_key(due_on))),
        melding: None,
    };
    month_page(state, user, &query, Some(refused)).await
}

fn kind_text(p: &Locked) -> String {
    if p.kind == "voorschot" {
        format!("{} {}", kind_label(&p.kind), p.part)
    } else {
        kind_label(&p.kind).to_string()
    }
}

/// POST /{tenant}/regelingen/betalingen/{id}/betaald: `betaald_op` (required; from the day of the
/// decision the payment rests on to today) and `maand`, the page's month. Without
/// `bevestigd=ja` it answers a page that asks to confirm the payment on that date; with it, it
/// records the payment.
pub async fn payment_paid(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form = form_of(&body);
    let typed = form
        .get("betaald_op")
        .map(|d| d.trim().to_string())
        .unwrap_or_default();
    let confirmed = form.get("bevestigd").is_some_and(|v| v == "ja");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let tenant_id = tx.tenant_id();
    let Some(payment) = payments::lock(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    if payment.paid_on.is_some() {
        return Err(AppError::BadRequest(
            "Deze betaling is al als betaald vastgelegd.".into(),
        ));
    }
    let paid_on = match paid_date(&typed, payment.decided_on, time_fmt::today()) {
        Ok(d) => d,
        Err(message) => {
            tx.commit().await?;
            let refused = Refused {
                payment_id: id,
                field: "betaald",
                typed,
                message,
            };
            return back_with(&state, &user, &form, payment.due_on, refused).await;
        }
    };
    if !confirmed {
        tx.commit().await?;
        let month = form
            .get("maand")
            .cloned()
            .unwrap_or_else(|| month_key(payment.due_on));
        let layout = Layout::for_user(
            &user,
            "Betaling bevestigen",
            Some(crate::auth::roles::Section::Schemes),
        );
        return render(&ConfirmPage {
            action: format!("{}/betalingen/{id}/betaald", schemes_base(&user)),
            back: format!("{}/betalingen?maand={month}", schemes_base(&user)),
            kind: kind_text(&payment),
            reference: payment.reference,
            recipient: payment.recipient,
            amount: euro(payment.amount_cents),
            paid_on: time_fmt::date(paid_on),
            paid_on_value: paid_on.to_string(),
            month,
            layout,
        });
    }
    let paid_by = format!("{} ({})", user.display_name, user.email);
    sqlx::query(
        "update subsidy_payments set paid_on = $3, paid_by = $4 where tenant_id = $1 and payment_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(paid_on)
    .bind(&paid_by)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("betaald", "subsidieaanvraag", payment.application_id)
        .before(json!({ "betaling": id, "betaald_op": null }))
        .after(json!({
            "betaling": id, "bedrag": euro(payment.amount_cents), "vervaldatum": payment.due_on.to_string(),
            "betaald_op": paid_on.to_string(),
        }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/betalingen?maand={}&melding=opgeslagen",
        schemes_base(&user),
        month_key(payment.due_on)
    ))
    .into_response())
}

/// POST /{tenant}/regelingen/betalingen/{id}/ongedaan: `reden` (required) and `maand`. Undoes a
/// payment recorded as paid, unless the application was settled after accountability since
/// (the settlement counted what was paid; it is corrected there, not here).
pub async fn payment_undo(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id: Uuid = ids.get("id");
    let form = form_of(&body);
    let typed = form.get("reden").cloned().unwrap_or_default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let tenant_id = tx.tenant_id();
    let Some(payment) = payments::lock(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    let Some(was_paid_on) = payment.paid_on else {
        return Err(AppError::BadRequest(
            "Deze betaling staat niet (meer) als betaald: er is niets ongedaan te maken.".into(),
        ));
    };
    if payment.settled {
        return Err(AppError::BadRequest(
            "Deze subsidie is al vastgesteld en de betaling is daarin verrekend; ongedaan maken kan hier niet meer."
                .into(),
        ));
    }
    let reason = match undo_reason(&typed) {
        Ok(r) => r,
        Err(message) => {
            tx.commit().await?;
            let refused = Refused {
                payment_id: id,
                field: "terug",
                typed,
                message,
            };
            return back_with(&state, &user, &form, payment.due_on, refused).await;
        }
    };
    sqlx::query(
        "update subsidy_payments set paid_on = null, paid_by = null where tenant_id = $1 and payment_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let event = Event::new(
        "betaling_ongedaan",
        "subsidieaanvraag",
        payment.application_id,
    )
    .before(json!({
        "betaling": id, "bedrag": euro(payment.amount_cents),
        "betaald_op": was_paid_on.to_string(), "betaald_door": payment.paid_by,
    }))
    .after(json!({ "betaling": id, "betaald_op": null, "reden": reason }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/betalingen?maand={}&melding=opgeslagen",
        schemes_base(&user),
        form.get("maand")
            .cloned()
            .unwrap_or_else(|| month_key(payment.due_on))
    ))
    .into_response())
}
