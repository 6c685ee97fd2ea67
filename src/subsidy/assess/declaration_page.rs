//! The conflict-of-interest declaration of an assessor for one application.

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::assess::assessment_page::page;
use crate::subsidy::assess::conflicts;
use crate::subsidy::assess::standing::{standing, Standing};
use crate::subsidy::common::nav_page::assessment_base;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self};
use crate::web::ClientAddr;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize)]
pub struct DeclarationForm {
    #[serde(default)]
    belang: String,
    #[serde(default)]
    toelichting: String,
}

/// POST /{tenant}/beoordelen/{id}/verklaring: `belang=nee` (no conflict) or `belang=ja`. A
/// conflict once declared binds (see [`conflicts`]): a later `nee` is refused.
pub async fn declaration_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<DeclarationForm>,
) -> AppResult<Response> {
    let id = ids.get("id");
    let conflicted = match form.belang.as_str() {
        "ja" => true,
        "nee" => false,
        _ => {
            let mut errors = FormErrors::default();
            errors.add(
                "belang",
                "Kies of u wel of geen belang heeft bij deze aanvraag.",
            );
            return page(&state, &user, id, None, errors, None).await;
        }
    };
    let note = match optional_text(&form.toelichting, 2000, "de toelichting") {
        Ok(n) => n,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("toelichting", message);
            return page(&state, &user, id, None, errors, None).await;
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    // One declaration at a time per application, so a withdrawal cannot slip past a conflict
    // declared at the same moment.
    store::lock_application(&mut tx, id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = match standing(&mut tx, &user, &application).await? {
        Standing::NotYet => return Err(AppError::NotFound),
        Standing::OwnOrganisation => return Err(AppError::Forbidden),
        other => other,
    };
    if now == Standing::Conflicted && !conflicted {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("belang", conflicts::BINDING);
        return page(&state, &user, id, None, errors, None).await;
    }
    let unchanged = matches!(
        (now, conflicted),
        (Standing::Conflicted, true) | (Standing::Free, false)
    );
    if unchanged {
        tx.commit().await?;
        return Ok(Redirect::to(&format!(
            "{}/{id}?melding=verklaring",
            assessment_base(&user)
        ))
        .into_response());
    }
    conflicts::record(&mut tx, id, user.user_id, conflicted, &note, None).await?;
    let event = Event::new("verklaring belangenverstrengeling", "subsidieaanvraag", id)
        .after(json!({"belang": if conflicted { "ja" } else { "nee" }, "toelichting": note}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=verklaring",
        assessment_base(&user)
    ))
    .into_response())
}
