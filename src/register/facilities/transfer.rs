//! The register as CSV: the export's header is exactly what the import ([`super::import`])
//! takes, so export → edit in a spreadsheet → import round-trips.

use axum::extract::State;
use axum::response::Response;

use super::record::COLUMNS;
use super::store;
use crate::auth::current_user::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::upload;

/// Columns the export writes but the import does not read (verification is done in the app).
pub const IGNORED: [&str; 2] = ["laatst_gecontroleerd", "gecontroleerd_door"];

/// GET /{tenant}/voorzieningen/export.csv
pub async fn facility_export(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let scope = user.read_scope();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = store::snapshots(&mut tx).await?;
    tx.commit().await?;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !r.archived && scope.admits(r.provider_id))
        .map(|row| {
            let raw = row.raw();
            COLUMNS.iter().map(|c| raw.cell(c)).collect()
        })
        .collect();
    let body = crate::web::csv_out::write(&COLUMNS, rows);
    Ok(upload::csv_attachment(
        &format!("voorzieningen-{}.csv", user.tenant_slug),
        body,
    ))
}
