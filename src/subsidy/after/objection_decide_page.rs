//! Postponing the decision on an objection (Awb 7:10) and deciding it, with the new outcome of
//! the application when it is well-founded.

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::after::objections::{one, replay};
use crate::subsidy::after::objections_page::page;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::schemes_base;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self, Application};
use crate::subsidy::common::terms::{self};
use crate::subsidy::decide::ranking::decided;
use crate::web::ClientAddr;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

/// POST /{tenant}/regelingen/bezwaren/{id}/uitstel: `weken` (1–6), `reden`; once.
pub async fn objection_postpone(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    let mut errors = FormErrors::default();
    if objection.postponed_weeks > 0 {
        errors.add(
            "weken",
            "De beslissing op dit bezwaar is al eens uitgesteld; dat kan maar één keer.",
        );
    }
    if objection.outcome.is_some() {
        errors.add("weken", "Op dit bezwaar is al beslist.");
    }
    let weeks = match form.get("weken").map(|w| w.trim().parse::<i32>()) {
        Some(Ok(w)) if (1..=6).contains(&w) => w,
        _ => {
            errors.add("weken", "Uitstel is 1 tot en met 6 weken.");
            0
        }
    };
    let reason = long_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        2000,
        "de reden",
        "Schrijf waarom de beslissing wordt uitgesteld; de bezwaarmaker krijgt die reden.",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, form, Vec::new(), errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update subsidy_objections set postponed_weeks = $3, postpone_reason = $4 \
         where tenant_id = $1 and objection_id = $2 and postponed_weeks = 0 and outcome is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(weeks)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("bezwaar uitgesteld", "subsidieaanvraag", objection.application_id).after(json!({
        "bezwaar": id, "weken": weeks, "reden": reason,
        "beslissen_voor": terms::objection_decision_due(objection.sent_on, weeks as i64).to_string(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}

/// POST /{tenant}/regelingen/bezwaren/{id}/beslissen: `uitkomst`, `motivering`, and for a
/// well-founded objection the revised points per criterion (`punten_<code>`). With
/// `actie=voorbeeld` it only shows the replayed ranking.
pub async fn objection_decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    // Objections against one application are decided one at a time: the application's row is
    // locked first, so the grant read below is the current one (after any objection decided
    // meanwhile) and the difference is scheduled once, whatever arrives at once.
    store::lock_application(&mut tx, objection.application_id).await?;
    let application: Application = store::application(&mut tx, objection.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (board, _, _) = decided(&mut tx, application.round_id, application.category_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if objection.outcome.is_some() {
        errors.add("uitkomst", "Op dit bezwaar is al beslist.");
    }
    let outcome = form.get("uitkomst").map(String::as_str).unwrap_or("");
    if !["gegrond", "ongegrond", "niet_ontvankelijk"].contains(&outcome) {
        errors.add(
            "uitkomst",
            "Kies de uitkomst: gegrond, ongegrond of niet-ontvankelijk.",
        );
    }
    let reason = long_text(
        form.get("motivering").map(String::as_str).unwrap_or(""),
        8000,
        "de motivering",
        "Motiveer de beslissing op het bezwaar.",
    )
    .map_err(|m| errors.add("motivering", m))
    .unwrap_or_default();
    let mut revised = BTreeMap::new();
    if outcome == "gegrond" {
        for c in board.criteria.iter().filter(|c| c.code != "prijs") {
            match form
                .get(&format!("punten_{}", c.code))
                .map(|p| p.trim().parse::<i32>())
            {
                Some(Ok(p)) if (0..=10).contains(&p) => {
                    revised.insert(c.code.clone(), p);
                }
                _ => errors.add(
                    format!("punten_{}", c.code),
                    format!("Geef bij {} een score van 0 tot en met 10.", c.name),
                ),
            }
        }
    }
    let replayed = if errors.is_empty() && outcome == "gegrond" {
        replay(&board, application.application_id, &revised)
    } else {
        Vec::new()
    };
    if !errors.is_empty() || form.get("actie").map(String::as_str) == Some("voorbeeld") {
        tx.commit().await?;
        return page(&state, &user, id, form, replayed, errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    let decided_by = format!("{} ({})", user.display_name, user.email);
    let revision = crate::subsidy::after::objection_outcome::revision(
        &replayed,
        application.application_id,
        application.granted_cents.unwrap_or(0),
    );
    let changed = sqlx::query(
        "update subsidy_objections set outcome = $3, outcome_reason = $4, revised_points = $5, replay = $6, \
         decided_at = now(), decided_by = $7, granted_before_cents = $8, granted_after_cents = $9, outcome_after = $10 \
         where tenant_id = $1 and objection_id = $2 and outcome is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(outcome)
    .bind(&reason)
    .bind((!revised.is_empty()).then_some(sqlx::types::Json(&revised)))
    .bind((!replayed.is_empty()).then_some(sqlx::types::Json(&replayed)))
    .bind(&decided_by)
    .bind(revision.as_ref().map(|r| r.granted_before))
    .bind(revision.as_ref().map(|r| r.granted_after))
    .bind(revision.as_ref().map(|r| r.outcome_after.as_str()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::BadRequest("Op dit bezwaar is al beslist.".into()));
    }
    let redecided = match &revision {
        Some(r) => {
            let round = store::round_by_id(&mut tx, application.round_id)
                .await?
                .ok_or(AppError::NotFound)?;
            crate::subsidy::after::objection_outcome::apply(
                &mut tx,
                &application,
                &round,
                r,
                &decided_by,
            )
            .await?
        }
        None => serde_json::Value::Null,
    };
    let event = Event::new(
        "bezwaar beslist",
        "subsidieaanvraag",
        application.application_id,
    )
    .after(json!({
        "bezwaar": id, "uitkomst": outcome, "motivering": reason, "nieuwe_scores": revised,
        "nieuw_besluit": redecided,
        "herberekening": replayed.iter().filter(|r| r.changed()).map(|r| json!({
            "kenmerk": r.reference, "rang_was": r.rank_before, "rang_wordt": r.rank_after,
            "toegekend_was": euro(r.granted_before), "toegekend_wordt": euro(r.granted_after),
        })).collect::<Vec<_>>(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}
