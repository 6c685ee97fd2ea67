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
    /// The decrees of the Algemene termijnenwet the terms count with, in words.
    decrees: String,
    /// The years terms on this page reach that no decree covers.
    uncovered: Vec<i32>,
}

/// What the register knows of the decrees under art. 3(3), in a sentence.
fn decrees_text(calendar: &crate::termijnenwet::Calendar) -> String {
    match calendar.covered_span() {
        Some((first, last)) => format!(
            "De dagen die bij besluit gelijkgesteld zijn aan algemeen erkende feestdagen (zoals de vrijdag na \
             Hemelvaartsdag) zijn in het register bekend voor {first} tot en met {last}."
        ),
        None if calendar.decrees().is_empty() => "Het register kent geen besluit dat dagen gelijkstelt aan algemeen \
             erkende feestdagen: alleen weekenden, de feestdagen van de wet en Goede Vrijdag tellen."
            .into(),
        None => format!(
            "De dagen die bij besluit gelijkgesteld zijn aan algemeen erkende feestdagen zijn in het register bekend \
             voor de jaren {}.",
            calendar
                .decrees()
                .iter()
                .map(|d| format!("{} tot en met {}", d.first_year, d.last_year))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// GET /{tenant}/regelingen/termijnen
pub async fn deadlines_show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let groups = everything(&state, &user).await?;
    let mut uncovered: Vec<i32> = groups
        .iter()
        .flat_map(|g| g.items.iter().flat_map(|d| d.uncovered.iter().copied()))
        .collect();
    uncovered.sort_unstable();
    uncovered.dedup();
    render(&DeadlinesPage {
        layout: Layout::for_user(&user, "Termijnen", Some(Section::Schemes)),
        groups,
        today: time_fmt::today(),
        decrees: decrees_text(&crate::termijnenwet::scope::current()),
        uncovered,
    })
}
