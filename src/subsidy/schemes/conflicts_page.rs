//! Lifting an assessor's declared conflict of interest: only a beleidsmedewerker, with a reason,
//! audited (the rule: [`crate::subsidy::assess::conflicts`]).

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::assess::conflicts;
use crate::subsidy::common::nav_page::{schemes_base, Ids};
use crate::subsidy::common::store;
use crate::subsidy::schemes::review_page::{review_page, ReviewForms};
use crate::web::ClientAddr;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    reden: String,
}

/// POST /{tenant}/regelingen/aanvragen/{id}/belang/{gebruiker}/opheffen: `reden`. Lifts the
/// conflict assessor `gebruiker` declared for application `id`; refused once the onderdeel is
/// decided, for one's own declaration, and when there is no conflict to lift.
pub async fn conflict_lift(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<LiftForm>,
) -> AppResult<Response> {
    if !user.may_change(Section::Schemes) {
        return Err(AppError::Forbidden);
    }
    let id = ids.get("id");
    let assessor = ids.get("gebruiker");
    let mut errors = FormErrors::default();
    let reason = long_text(
        &form.reden,
        2000,
        "de reden",
        "Schrijf waarom het belang geen belemmering is; de reden komt in het logboek.",
    )
    .map_err(|m| errors.add("opheffen_reden", m))
    .unwrap_or_default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    store::lock_application(&mut tx, id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .filter(|a| a.status != "concept")
        .ok_or(AppError::NotFound)?;
    let declared = conflicts::current(&mut tx, id).await?;
    let Some(declaration) = declared.iter().find(|d| d.user_id == assessor) else {
        return Err(AppError::NotFound);
    };
    let decided = store::round_categories(&mut tx, application.round_id)
        .await?
        .into_iter()
        .any(|c| c.category_id == application.category_id && c.decided_at.is_some());
    if !declaration.conflicted {
        errors.add(
            "opheffen_reden",
            "Deze beoordelaar heeft (nu) geen belang verklaard; er is niets op te heffen.",
        );
    } else if assessor == user.user_id {
        errors.add(
            "opheffen_reden",
            "U kunt uw eigen verklaring niet opheffen; vraag een andere beleidsmedewerker.",
        );
    } else if decided {
        errors.add(
            "opheffen_reden",
            "Over dit onderdeel is al besloten; de verklaring blijft zoals zij was.",
        );
    }
    if !errors.is_empty() {
        tx.commit().await?;
        let forms = ReviewForms {
            days: "14".into(),
            lift: Some((assessor, form.reden)),
            lift_errors: errors,
            ..ReviewForms::default()
        };
        return review_page(&state, &user, id, forms, None).await;
    }
    conflicts::record(&mut tx, id, assessor, false, &reason, Some(user.user_id)).await?;
    let event = Event::new("belang opgeheven", "subsidieaanvraag", id)
        .before(json!({"beoordelaar": declaration.assessor, "belang": "ja", "toelichting": declaration.note}))
        .after(json!({"beoordelaar": declaration.assessor, "belang": "opgeheven", "reden": reason}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/aanvragen/{id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}
