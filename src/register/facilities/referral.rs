//! Recording a referral from the facility page; a form that does not pass comes back on the
//! facility page with its messages.

use axum::extract::State;
use axum::response::Response;

use super::show_page::{self, Returned};
use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::referrals::form::{check, choices, ReferralForm};
use crate::referrals::store;
use crate::state::AppState;
use crate::web::{ClientAddr, PathId};

/// POST /{tenant}/voorzieningen/{id}/verwijzing
pub async fn referral_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    axum::Form(form): axum::Form<ReferralForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let archived: Option<bool> = sqlx::query_scalar(
        "select archived from facilities where tenant_id = $1 and facility_id = $2",
    )
    .bind(user.tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if archived.is_none() {
        return Err(AppError::NotFound);
    }
    let choices = choices(&mut tx).await?;
    let checked = match check(&mut tx, &form, &choices).await? {
        Ok(checked) => checked,
        Err(errors) => {
            tx.commit().await?;
            return show_page::show(
                &state,
                &user,
                id,
                None,
                Some(Returned::Referral(form, errors)),
            )
            .await;
        }
    };
    store::insert(&mut tx, id, &checked, user.user_id).await?;
    let event = Event::new("verwijzing_geteld", "voorziening", id).after(serde_json::json!({
        "datum": checked.date.to_string(),
        "route": checked.route,
        "reden": checked.reason.unwrap_or_default(),
        "wijk": checked.wijk.map(|w| w.1).unwrap_or_default(),
    }));
    let target = format!(
        "{}/{id}?melding=verwezen#verwijzing",
        user.href(Section::Facilities.path())
    );
    audit::record_commit_redirect(tx, &user, &address, event, &target).await
}
