//! The notice of delay (Awb 4:14): when the decision on a round cannot be made within its term,
//! the beleidsmedewerker records, before the term ends, the reason and a new date; every
//! applicant waiting for a decision gets a letter saying so, and the deadlines page counts
//! from the new date.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::{Date, OffsetDateTime};

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self};
use crate::subsidy::decide::delay::{check_new_date, may_delay, waiting};
use crate::web::{time_fmt, ClientAddr};

fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// POST /{tenant}/regelingen/{regeling}/rondes/{ronde}/verdagen: `nieuwe_datum`, `reden`.
pub async fn delay_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    // Two officials sending at once: the second finds the first's notice.
    sqlx::query("select 1 from subsidy_rounds where tenant_id = $1 and round_id = $2 for update")
        .bind(tenant_id)
        .bind(round.round_id)
        .execute(&mut *tx)
        .await?;
    let round = store::round_by_id(&mut tx, round.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let applications = store::applications_of_round(&mut tx, round.round_id).await?;
    let now = OffsetDateTime::now_utc();
    let mut errors = FormErrors::default();
    if let Err(m) = may_delay(&round, waiting(&applications), now) {
        errors.add("nieuwe_datum", m);
    }
    let new_date = match form.get("nieuwe_datum").map(String::as_str).unwrap_or("") {
        "" => {
            errors.add(
                "nieuwe_datum",
                "Vul de datum in waarop uiterlijk wordt beslist.",
            );
            None
        }
        text => match parse_date(text) {
            None => {
                errors.add(
                    "nieuwe_datum",
                    "Vul een geldige datum in, bijvoorbeeld 2027-03-31.",
                );
                None
            }
            Some(d) => match check_new_date(&round, d) {
                Ok(()) => Some(d),
                Err(m) => {
                    errors.add("nieuwe_datum", m);
                    None
                }
            },
        },
    };
    let reason = long_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        2000,
        "de reden",
        "Geef de reden waarom niet binnen de termijn kan worden beslist.",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    let (Some(new_date), true) = (new_date, errors.is_empty()) else {
        tx.commit().await?;
        return crate::subsidy::schemes::round_page::round_with_delay_form(
            &state, &user, &ids, form, errors,
        )
        .await;
    };
    let sent_by = format!("{} ({})", user.display_name, user.email);
    sqlx::query(
        "update subsidy_rounds set decision_delayed_to = $3, decision_delay_reason = $4, decision_delayed_at = now(), \
         decision_delayed_by = $5 where tenant_id = $1 and round_id = $2",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(new_date)
    .bind(&reason)
    .bind(&sent_by)
    .execute(&mut *tx)
    .await?;
    let to: Vec<String> = applications
        .iter()
        .filter(|a| matches!(a.status.as_str(), "ingediend" | "aanvulling"))
        .map(|a| a.reference.clone())
        .collect();
    let event = Event::new("beslissing verdaagd", "subsidieronde", round.round_id).after(json!({
        "termijn_was": time_fmt::date(round.decision_term_end()),
        "nieuwe_datum": time_fmt::date(new_date),
        "reden": reason,
        "aanvragen": to,
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}/rondes/{}?melding=verdaagd",
        crate::subsidy::common::nav_page::schemes_base(&user),
        round.scheme_id,
        round.round_id
    ))
    .into_response())
}
