//! One page of everything due for a tenant, each with its legal term computed from the dates
//! entered: decisions on rounds (and a delay notice when a decision will be late, Awb 4:14),
//! completions asked, objections to decide, payments due, accountability overdue and
//! settlements to make.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::Date;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::after::deadlines::{everything_of, Group};
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

/// Everything due, grouped, soonest first.
pub async fn everything(state: &AppState, user: &CurrentUser) -> AppResult<Vec<Group>> {
    everything_of(&state.db, user.tenant_id, &user.tenant_slug).await
}

#[derive(Template)]
#[template(path = "subsidy/after/deadlines.html")]
struct DeadlinesPage {
    layout: Layout,
    groups: Vec<Group>,
    today: Date,
}

/// GET /{tenant}/regelingen/termijnen
pub async fn deadlines_show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let groups = everything(&state, &user).await?;
    render(&DeadlinesPage {
        layout: Layout::for_user(&user, "Termijnen", Some(Section::Schemes)),
        groups,
        today: time_fmt::today(),
    })
}
