//! Deciding one onderdeel: the final scores by the round's rule, the ranking and award, stored
//! as an immutable snapshot with the outcome of each application — once. The onderdeel's row
//! is locked first, so two officials pressing at once, or a hundred requests, decide it once
//! and never grant more than the plafond.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::audit::Actor;
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::nav_page::round_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self};
use crate::subsidy::decide::deciding;
use crate::web::ClientAddr;

/// POST /{tenant}/regelingen/{regeling}/rondes/{ronde}/onderdelen/{onderdeel}/besluiten
pub async fn category_decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let category_id = ids.get("onderdeel");
    let decided_by = format!("{} ({})", user.display_name, user.email);
    deciding::decide(
        &mut tx,
        &round,
        category_id,
        &decided_by,
        &Actor::user(&user, &address),
    )
    .await?;
    tx.commit().await?;
    let done = format!(
        "{}/rangschikking?melding=besloten#{}",
        round_href(&user, &round),
        category_id
    );
    Ok(Redirect::to(&done).into_response())
}
