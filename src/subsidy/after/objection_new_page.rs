//! Recording an objection (bezwaar) received against a decision: by post or digitally, its date,
//! whether it came within the term (Awb 6:7, 6:9), its grounds.

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{schemes_base, with_422};
use crate::subsidy::common::store::{self};
use crate::subsidy::common::terms::{self, Channel};
use crate::web::{time_fmt, ClientAddr};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// POST /{tenant}/regelingen/aanvragen/{id}/bezwaren: `ontvangen` (date), `kanaal`
/// (post/digitaal), `verzonden` (date posted, for post), `gronden`.
pub async fn objection_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    let decided_at: Option<OffsetDateTime> = sqlx::query_scalar(
        "select decided_at from subsidy_outcomes where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(decided_at) = decided_at else {
        return Err(AppError::BadRequest(
            "Bezwaar kan alleen tegen een besluit: over deze aanvraag is nog niet besloten.".into(),
        ));
    };
    let sent = time_fmt::to_amsterdam(decided_at).date();
    let today = time_fmt::today();
    let mut errors = FormErrors::default();
    let received = match parse_date(field("ontvangen")) {
        Some(d) if d > today => {
            errors.add("ontvangen", "De ontvangstdatum ligt in de toekomst.");
            None
        }
        Some(d) if d < sent => {
            errors.add(
                "ontvangen",
                format!(
                    "De ontvangstdatum ligt voor de verzending van het besluit ({}).",
                    time_fmt::date(sent)
                ),
            );
            None
        }
        Some(d) => Some(d),
        None => {
            errors.add(
                "ontvangen",
                "Vul de datum van ontvangst in, bijvoorbeeld 2027-04-12.",
            );
            None
        }
    };
    let channel = match field("kanaal") {
        "post" => Some(Channel::Post),
        "digitaal" => Some(Channel::Digital),
        _ => {
            errors.add(
                "kanaal",
                "Kies hoe het bezwaar binnenkwam: per post of digitaal.",
            );
            None
        }
    };
    let posted = match (channel, field("verzonden").trim()) {
        (Some(Channel::Post), text) => match parse_date(text) {
            Some(d) if received.is_some_and(|r| d > r) => {
                errors.add("verzonden", "De postdatum ligt na de ontvangst.");
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("verzonden", "Vul bij post de datum van het poststempel in.");
                None
            }
        },
        _ => None,
    };
    let grounds = long_text(
        field("gronden"),
        8000,
        "de gronden",
        "Vat de gronden van het bezwaar samen.",
    )
    .map_err(|m| errors.add("gronden", m))
    .unwrap_or_default();
    let (Some(received), Some(channel), true) = (received, channel, errors.is_empty()) else {
        tx.commit().await?;
        let response = crate::subsidy::schemes::review_page::review_with_objection_form(
            &state, &user, id, form, errors,
        )
        .await?;
        return Ok(with_422(response));
    };
    let on_time = terms::objection_on_time(sent, received, channel, posted);
    let registered_by = format!("{} ({})", user.display_name, user.email);
    let objection_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_objections (tenant_id, application_id, received_on, channel, posted_on, grounds, on_time, \
         registered_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning objection_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(received)
    .bind(if channel == Channel::Post { "post" } else { "digitaal" })
    .bind(posted)
    .bind(&grounds)
    .bind(on_time)
    .bind(&registered_by)
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new("bezwaar geregistreerd", "subsidieaanvraag", id).after(json!({
        "bezwaar": objection_id, "kenmerk": application.reference, "ontvangen": received.to_string(),
        "kanaal": field("kanaal"), "verzonden": posted.map(|d| d.to_string()), "tijdig": on_time,
        "termijn_tot": terms::objection_deadline(sent).to_string(), "gronden": grounds,
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{objection_id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}
