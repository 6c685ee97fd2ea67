//! The money overview of a round (a regeling's year) for the beleidsmedewerker and the
//! wethouder: a page that prints, a bar chart with its numbers in the table beside it, and the
//! same figures as CSV (Dutch Excel: semicolons, decimal commas) and XLSX (numbers as numbers).

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::after::money_overview::{per_category, Figures};
use crate::subsidy::common::money::{comma_decimal, euro};
use crate::subsidy::common::nav_page::{round_href, Ids};
use crate::subsidy::common::store::{self, Round};
use crate::web::csv_out;
use crate::web::layout::{render, Layout};
use crate::web::upload::csv_attachment;

/// The columns of the CSV and XLSX, in euro.
const COLUMNS: [&str; 11] = [
    "onderdeel",
    "plafond_eur",
    "gevraagd_eur",
    "toegekend_eur",
    "betaald_eur",
    "nog_te_betalen_eur",
    "vastgesteld_eur",
    "teruggevorderd_eur",
    "resterend_plafond_eur",
    "besloten",
    "jaar",
];

struct Row {
    name: String,
    cells: Vec<String>,
    decided: &'static str,
    /// Bar widths in per mille of the largest figure: plafond, granted, paid.
    bars: [i64; 3],
}

#[derive(Template)]
#[template(path = "subsidy/after/money_overview.html")]
struct OverviewPage {
    layout: Layout,
    back: String,
    csv_href: String,
    xlsx_href: String,
    year: i32,
    budget_lines: Vec<(String, String)>,
    budget_total: String,
    ceilings_total: String,
    unallocated: String,
    rows: Vec<Row>,
    total: Row,
}

fn amounts(f: &Figures) -> [i64; 8] {
    [
        f.ceiling_cents,
        f.requested_cents,
        f.granted_cents,
        f.paid_cents,
        f.unpaid_cents,
        f.settled_cents,
        f.reclaimed_cents,
        f.remaining_cents(),
    ]
}

fn row_of(f: &Figures, max: i64) -> Row {
    let per_mille = |x: i64| {
        if max <= 0 {
            0
        } else {
            ((x as i128 * 1000) / max as i128) as i64
        }
    };
    Row {
        name: f.name.clone(),
        cells: amounts(f).iter().map(|c| euro(*c)).collect(),
        decided: if f.decided { "ja" } else { "nog niet" },
        bars: [
            per_mille(f.ceiling_cents),
            per_mille(f.granted_cents),
            per_mille(f.paid_cents),
        ],
    }
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    ids: &Ids,
) -> AppResult<(Round, Vec<Figures>, Vec<(String, i64)>)> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let figures = per_category(&mut tx, round.round_id).await?;
    let lines = store::budget_lines(&mut tx, round.scheme_id)
        .await?
        .into_iter()
        .filter(|l| l.year == round.year)
        .map(|l| (l.source, l.amount_cents))
        .collect();
    tx.commit().await?;
    Ok((round, figures, lines))
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}/geld
pub async fn overview_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let (round, figures, lines) = load(&state, &user, &ids).await?;
    let total = Figures::total(&figures);
    let max = figures
        .iter()
        .flat_map(|f| [f.ceiling_cents, f.granted_cents, f.paid_cents])
        .max()
        .unwrap_or(0);
    let budget: i64 = lines.iter().map(|(_, c)| c).sum();
    let href = round_href(&user, &round);
    render(&OverviewPage {
        layout: Layout::for_user(
            &user,
            format!("Geldoverzicht {}", round.title()),
            Some(Section::Schemes),
        ),
        back: href.clone(),
        csv_href: format!("{href}/geld.csv"),
        xlsx_href: format!("{href}/geld.xlsx"),
        year: round.year,
        budget_lines: lines.iter().map(|(s, c)| (s.clone(), euro(*c))).collect(),
        budget_total: euro(budget),
        ceilings_total: euro(total.ceiling_cents),
        unallocated: euro(budget - total.ceiling_cents),
        rows: figures.iter().map(|f| row_of(f, max)).collect(),
        total: row_of(&total, max),
    })
}

fn table_rows(round: &Round, figures: &[Figures]) -> Vec<(String, [i64; 8], bool)> {
    let _ = round;
    let mut rows: Vec<(String, [i64; 8], bool)> = figures
        .iter()
        .map(|f| (f.name.clone(), amounts(f), f.decided))
        .collect();
    let total = Figures::total(figures);
    rows.push((total.name.clone(), amounts(&total), total.decided));
    rows
}

/// GET …/geld.csv: one line per onderdeel and a "Totaal" line; amounts with a decimal comma.
pub async fn overview_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let (round, figures, _) = load(&state, &user, &ids).await?;
    let rows = table_rows(&round, &figures)
        .into_iter()
        .map(|(name, cents, decided)| {
            let mut cells = vec![name];
            cells.extend(cents.iter().map(|c| comma_decimal(*c)));
            cells.push(if decided { "ja" } else { "nee" }.into());
            cells.push(round.year.to_string());
            cells
        });
    let body = csv_out::write(&COLUMNS, rows);
    Ok(csv_attachment(
        &format!("geldoverzicht-{}.csv", round.year),
        body,
    ))
}

/// GET …/geld.xlsx: the same figures, amounts as numbers in euro (two decimals), text typed as
/// text (never a formula).
pub async fn overview_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let (round, figures, _) = load(&state, &user, &ids).await?;
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = workbook.add_worksheet();
    sheet
        .set_name("Geldoverzicht")
        .map_err(AppError::internal)?;
    for (c, title) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *title, &bold)
            .map_err(AppError::internal)?;
        sheet
            .set_column_width(c as u16, if c == 0 { 40.0 } else { 16.0 })
            .map_err(AppError::internal)?;
    }
    for (r, (name, cents, decided)) in table_rows(&round, &figures).into_iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, name).map_err(AppError::internal)?;
        for (c, cent) in cents.iter().enumerate() {
            // Cents to euro for the spreadsheet only; the figures themselves stay integers.
            sheet
                .write_number_with_format(r, c as u16 + 1, *cent as f64 / 100.0, &money)
                .map_err(AppError::internal)?;
        }
        sheet
            .write_string(r, 9, if decided { "ja" } else { "nee" })
            .map_err(AppError::internal)?;
        sheet
            .write_number(r, 10, round.year as f64)
            .map_err(AppError::internal)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(AppError::internal)?;
    let body = workbook.save_to_buffer().map_err(AppError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"geldoverzicht-{}.xlsx\"", round.year),
            ),
        ],
        body,
    )
        .into_response())
}
