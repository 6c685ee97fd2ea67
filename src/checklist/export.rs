//! The inventory and the coverage matrix as downloads: CSV for Dutch Excel (UTF-8 with BOM,
//! semicolons) and a real spreadsheet (XLSX) with a bold, frozen header.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};
use uuid::Uuid;

use super::coverage;
use super::inventory::assemble;
use super::scope;
use super::store::{self, Entry, Listed};
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::register::lists;
use crate::state::AppState;

/// The columns of the inventory; the import reads the same header.
pub const INVENTORY_COLUMNS: [&str; 8] = [
    "gemeente",
    "levensgebied",
    "subgroep",
    "type",
    "status",
    "aantal",
    "voorzieningen",
    "toelichting",
];

pub enum Value {
    Text(String),
    Number(i64),
    /// A figure with one decimal: a comma in the CSV (Dutch Excel), a number in the XLSX.
    Decimal(f64),
    /// No figure: an empty cell.
    Empty,
}

impl Value {
    fn csv(&self) -> String {
        match self {
            Value::Text(text) => crate::web::csv_out::safe_cell(text).into_owned(),
            Value::Number(n) => n.to_string(),
            Value::Decimal(x) => format!("{x:.1}").replace('.', ","),
            Value::Empty => String::new(),
        }
    }

    /// A figure or an empty cell.
    pub fn decimal(value: Option<f64>) -> Value {
        value.map_or(Value::Empty, |x| Value::Decimal((x * 10.0).round() / 10.0))
    }
}

/// A sheet of a download: header, rows and a width per column (in characters).
pub struct Table {
    pub name: &'static str,
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Value>>,
}

pub(super) fn to_csv(table: &Table) -> AppResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer
        .write_record(
            table
                .headers
                .iter()
                .map(|h| crate::web::csv_out::safe_cell(h).into_owned()),
        )
        .map_err(AppError::internal)?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(Value::csv))
            .map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

pub(super) fn to_xlsx(table: &Table) -> AppResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.name).map_err(AppError::internal)?;
    for (col, (title, width)) in table.headers.iter().zip(&table.widths).enumerate() {
        sheet
            .write_string_with_format(0, col as u16, title, &bold)
            .map_err(AppError::internal)?;
        sheet
            .set_column_width(col as u16, *width)
            .map_err(AppError::internal)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match value {
                Value::Text(text) => sheet.write_string(r, c, text.as_str()),
                Value::Number(n) => sheet.write_number(r, c, *n as f64),
                Value::Decimal(x) => sheet.write_number(r, c, *x),
                Value::Empty => Ok(&mut *sheet),
            }
            .map_err(AppError::internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(AppError::internal)?;
    let last_col = table.headers.len().saturating_sub(1) as u16;
    sheet
        .autofilter(0, 0, table.rows.len() as u32, last_col)
        .map_err(AppError::internal)?;
    workbook.save_to_buffer().map_err(AppError::internal)
}

pub(super) fn download(body: Vec<u8>, content_type: &str, filename: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(super) const CSV: &str = "text/csv; charset=utf-8";
pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Every gemeente's inventory, in page order.
async fn inventory_table(tx: &mut TenantTx) -> AppResult<Table> {
    let gemeenten = scope::gemeenten(tx).await?;
    let types = store::types(tx).await?;
    let levensgebieden = lists::levensgebieden(tx).await?;
    let mut listed: HashMap<Uuid, Vec<&Listed>> = HashMap::new();
    let all_listed = store::listed(tx, None).await?;
    for l in &all_listed {
        listed.entry(l.gemeente_id).or_default().push(l);
    }
    let mut entries: HashMap<Uuid, Vec<&Entry>> = HashMap::new();
    let all_entries = store::entries(tx, None).await?;
    for e in &all_entries {
        entries.entry(e.area_id).or_default().push(e);
    }
    let mut rows = Vec::new();
    for g in &gemeenten {
        let groups = assemble(
            &types,
            &levensgebieden,
            listed
                .get(&g.area_id)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            entries
                .get(&g.area_id)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        );
        for group in groups {
            for r in group.rows {
                let names: Vec<&str> = r.facilities.iter().map(|(_, n)| n.as_str()).collect();
                rows.push(vec![
                    Value::Text(g.name.clone()),
                    Value::Text(group.name.clone()),
                    Value::Text(r.t.subgroup.clone()),
                    Value::Text(r.t.name.clone()),
                    Value::Text(r.status().label().to_string()),
                    Value::Number(r.facilities.len() as i64),
                    Value::Text(names.join(", ")),
                    Value::Text(r.note.clone()),
                ]);
            }
        }
    }
    Ok(Table {
        name: "Checklist",
        headers: INVENTORY_COLUMNS.iter().map(|c| c.to_string()).collect(),
        widths: vec![18.0, 24.0, 30.0, 40.0, 18.0, 9.0, 60.0, 60.0],
        rows,
    })
}

async fn coverage_table(tx: &mut TenantTx) -> AppResult<Table> {
    let matrix = coverage::load(tx).await?;
    let mut headers = vec![
        "levensgebied".to_string(),
        "subgroep".into(),
        "type".into(),
        "innovatief".into(),
    ];
    headers.extend(matrix.gemeenten.iter().map(|g| g.name.clone()));
    let regio = matrix.gemeenten.len() > 1;
    if regio {
        headers.push("Regio (geheel)".into());
    }
    let mut widths = vec![24.0, 30.0, 40.0, 11.0];
    widths.extend(
        matrix
            .gemeenten
            .iter()
            .map(|g| (g.name.chars().count() as f64 + 2.0).max(10.0)),
    );
    if regio {
        widths.push(16.0);
    }
    let mut rows = Vec::new();
    for group in &matrix.groups {
        for r in &group.rows {
            let mut row = vec![
                Value::Text(group.name.clone()),
                Value::Text(r.t.subgroup.clone()),
                Value::Text(r.t.name.clone()),
                Value::Text(if r.t.innovative { "ja" } else { "nee" }.into()),
            ];
            let cell = |c: &coverage::Cell| {
                if c.count > 0 {
                    Value::Number(c.count)
                } else {
                    Value::Text(c.status.label().to_string())
                }
            };
            row.extend(r.cells.iter().map(cell));
            if regio {
                row.push(cell(&r.region));
            }
            rows.push(row);
        }
    }
    Ok(Table {
        name: "Dekking",
        headers,
        widths,
        rows,
    })
}

/// GET /{tenant}/checklist/export.csv
pub async fn inventory_csv(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = inventory_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_csv(&table)?,
        CSV,
        format!("checklist-{}.csv", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/export.xlsx
pub async fn inventory_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = inventory_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_xlsx(&table)?,
        XLSX,
        format!("checklist-{}.xlsx", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/dekking.csv
pub async fn coverage_csv(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = coverage_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_csv(&table)?,
        CSV,
        format!("dekking-{}.csv", user.tenant_slug),
    ))
}

/// GET /{tenant}/checklist/dekking.xlsx
pub async fn coverage_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let table = coverage_table(&mut tx).await?;
    tx.commit().await?;
    Ok(download(
        to_xlsx(&table)?,
        XLSX,
        format!("dekking-{}.xlsx", user.tenant_slug),
    ))
}
