//! The referral counts as CSV, one line per month × facility × type × route × reason × wijk.

use axum::extract::{Query, State};
use axum::response::Response;

use super::counts::{self, CountsQuery};
use super::store;
use crate::auth::current_user::CurrentUser;
use crate::error::AppResult;
use crate::register::facilities::choices::{self, ROUTES};
use crate::state::AppState;

/// GET /{tenant}/verwijzingen/export.csv: counts per month, facility, main type, route,
/// reason and wijk, ready for a pivot table.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountsQuery>,
) -> AppResult<Response> {
    let (from, to) = counts::period(&q, &mut Vec::new());
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = store::export_rows(&mut tx, from, to).await?;
    tx.commit().await?;
    let headers = [
        "maand",
        "voorziening",
        "soort",
        "clientroute",
        "reden",
        "wijk",
        "aantal",
    ];
    let body = crate::web::csv_out::write(
        &headers,
        rows.into_iter().map(|r| {
            [
                r.month,
                r.facility,
                r.facility_type,
                choices::label(ROUTES, &r.route).to_string(),
                r.reason,
                r.wijk,
                r.count.to_string(),
            ]
        }),
    );
    Ok(crate::web::upload::csv_attachment(
        &format!("verwijzingen-{from}-{to}.csv"),
        body,
    ))
}
