//! The per-wijk pages as downloads, like the inventory and the matrix ([`super::export`]):
//! the bouwstenen per wijk and supply against demand (every indicator, and the comparison
//! with the chosen one).

use axum::extract::{Query, State};
use axum::response::Response;

use super::bouwstenen;
use super::demand::{self, DemandQuery, Shown};
use super::export::{download, to_csv, to_xlsx, Table, Value, CSV, XLSX};
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;

async fn bouwstenen_table(tx: &mut TenantTx) -> AppResult<Table> {
    let (names, rows) = bouwstenen::load(tx).await?;
    let mut headers = vec!["gemeente".to_string(), "wijk".into(), "code".into()];
    headers.extend(names.iter().map(|b| b.name.clone()));
    headers.push("ontbrekende bouwstenen".into());
    let mut widths = vec![18.0, 24.0, 11.0];
    widths.extend(
        names
            .iter()
            .map(|b| (b.name.chars().count() as f64 + 2.0).max(10.0)),
    );
    widths.push(12.0);
    let rows = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Value::Text(r.wijk.gemeente_name.clone()),
                Value::Text(r.wijk.name.clone()),
                Value::Text(r.wijk.code.clone()),
            ];
            row.extend(r.counts.iter().map(|n| Value::Number(*n)));
            row.push(Value::Number(r.gaps() as i64));
            row
        })
        .collect();
    Ok(Table {
        name: "Bouwstenen",
        headers,
        widths,
        rows,
    })
}

async fn demand_table(tx: &mut TenantTx, indicator: Option<&str>) -> AppResult<Table> {
    let view = demand::load(tx, indicator, &Shown::default()).await?;
    let mut headers = vec![
        "gemeente".to_string(),
        "wijk".into(),
        "code".into(),
        "inwoners".into(),
    ];
    headers.extend(view.indicators.iter().map(|i| {
        if i.percentage() {
            format!("{} (%)", i.name)
        } else {
            i.name.clone()
        }
    }));
    let chosen = view
        .chosen
        .as_ref()
        .map(|i| i.name.clone())
        .unwrap_or_default();
    headers.extend([
        format!("vraag ({chosen})"),
        "voorzieningen (naar rato)".into(),
        "plaatsen tegelijk (naar rato)".into(),
        "voorzieningen per 1.000 vraag".into(),
        "plaatsen tegelijk per 1.000 inwoners".into(),
        "ver onder de mediaan".into(),
    ]);
    let widths = headers
        .iter()
        .map(|h| (h.chars().count() as f64 + 2.0).clamp(10.0, 40.0))
        .collect();
    let values = crate::checklist::demand_store::values(tx).await?;
    let rows =
        view.rows()
            .map(|r| {
                let mut row = vec![
                    Value::Text(r.wijk.gemeente_name.clone()),
                    Value::Text(r.wijk.name.clone()),
                    Value::Text(r.wijk.code.clone()),
                    r.residents
                        .map_or(Value::Empty, |n| Value::Number(n.into())),
                ];
                row.extend(view.indicators.iter().map(|i| {
                    Value::decimal(values.get(&(r.wijk.area_id, i.code.clone())).copied())
                }));
                row.extend([
                    Value::decimal(r.demand),
                    Value::decimal(Some(r.share.facilities)),
                    Value::decimal(Some(r.share.places)),
                    Value::decimal(r.facilities_per_1000()),
                    Value::decimal(r.places_per_1000()),
                    Value::Text(if r.flagged { "ja" } else { "nee" }.into()),
                ]);
                row
            })
            .collect();
    Ok(Table {
        name: "Vraag en aanbod",
        headers,
        widths,
        rows,
    })
}

/// GET /{tenant}/checklist/bouwstenen.csv
pub async fn bouwstenen_csv(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = bouwstenen_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_csv(&table)?,
        CSV,
        format!("bouwstenen-{}.csv", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/bouwstenen.xlsx
pub async fn bouwstenen_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = bouwstenen_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_xlsx(&table)?,
        XLSX,
        format!("bouwstenen-{}.xlsx", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/vraag.csv?indicator=
pub async fn demand_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<DemandQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = demand_table(&mut tx, query.indicator.as_deref()).await?;
    tx.commit().await?;
    Ok(download(
        to_csv(&table)?,
        CSV,
        format!("vraag-en-aanbod-{}.csv", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/vraag.xlsx?indicator=
pub async fn demand_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<DemandQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = demand_table(&mut tx, query.indicator.as_deref()).await?;
    tx.commit().await?;
    Ok(download(
        to_xlsx(&table)?,
        XLSX,
        format!("vraag-en-aanbod-{}.xlsx", user.tenant_slug),
    ))
}
