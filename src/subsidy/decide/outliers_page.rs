//! Recording an official's reasoned check of an outlier of the price rule (the rule:
//! [`crate::subsidy::decide::outliers`]).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::state::AppState;
use crate::subsidy::common::nav_page::{round_href, Ids};
use crate::subsidy::common::store;
use crate::subsidy::decide::outliers;
use crate::subsidy::decide::ranking::{contenders, prices_of};
use crate::subsidy::decide::ranking_page::page;
use crate::web::ClientAddr;

#[derive(Debug, Default, Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    reden: String,
}

/// POST /{tenant}/regelingen/{regeling}/rondes/{ronde}/onderdelen/{onderdeel}/uitschieters/{id}:
/// `reden`. Only for an application the ranking flags now, before the onderdeel is decided;
/// once per version.
pub async fn outlier_check(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<CheckForm>,
) -> AppResult<Response> {
    if !user.may_change(Section::Schemes) {
        return Err(AppError::Forbidden);
    }
    let id = ids.get("id");
    let reason = match long_text(
        &form.reden,
        2000,
        "de controle",
        "Schrijf wat u heeft gecontroleerd en waarom de aanvraag zo mag meedingen.",
    ) {
        Ok(r) => r,
        Err(message) => {
            return page(&state, &user, &ids, None, Some((id, form.reden, message))).await
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(&mut tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == ids.get("onderdeel"))
        .ok_or(AppError::NotFound)?;
    if category.decided_at.is_some() {
        tx.commit().await?;
        let message = "Over dit onderdeel is al besloten.".to_string();
        return page(&state, &user, &ids, None, Some((id, form.reden, message))).await;
    }
    let contenders = contenders(&mut tx, round.round_id, category.category_id).await?;
    let flagged = outliers::of_category(&mut tx, &contenders, &prices_of(&category, &contenders))
        .await?
        .into_iter()
        .find(|o| o.application_id == id)
        .ok_or(AppError::NotFound)?;
    let checked_by = format!("{} ({})", user.display_name, user.email);
    if outliers::record_check(&mut tx, id, flagged.version, &reason, &checked_by).await? {
        let event = Event::new("uitschieter gecontroleerd", "subsidieaanvraag", id).after(json!({
            "kenmerk": flagged.reference, "versie": flagged.version,
            "signalen": flagged.reasons, "controle": reason,
        }));
        audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/rangschikking?melding=opgeslagen#{}",
        round_href(&user, &round),
        category.code
    ))
    .into_response())
}
