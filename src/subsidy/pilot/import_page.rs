//! Importing the need of a pilot year from the wijkteams' spreadsheet: CSV with the columns
//! `aanbieder` (the partner's name), `wijk` (a wijk of the tenant by CBS code or name; empty for
//! the whole municipality) and `clienten` (a count). All or nothing: every wrong line is named,
//! or all counts of the year's need are replaced at once.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::pilot::allocate_page::parse_clients;
use crate::subsidy::pilot::nav_page::PilotYear;
use crate::subsidy::pilot::scheme::by;
use crate::subsidy::pilot::store::YearData;
use crate::subsidy::pilot::store::{self, Partner};
use crate::subsidy::pilot::year_page::page;
use crate::web::upload::{self, LineError};
use crate::web::ClientAddr;

pub const MAX_BYTES: usize = 1024 * 1024;

/// The rows of the file as `(partner, wijk code or '', clients)`, or every problem.
pub fn parse(
    bytes: &[u8],
    partners: &[Partner],
    wijken: &[(String, String)],
) -> Result<Vec<(Uuid, String, i64)>, Vec<LineError>> {
    let file = upload::read_csv(bytes).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let (Some(c_partner), Some(c_clients)) = (
        file.column("aanbieder"),
        file.column("clienten").or_else(|| file.column("cliënten")),
    ) else {
        return Err(vec![LineError::new(
            1,
            "",
            "De kopregel moet de kolommen aanbieder, wijk en clienten hebben.",
        )]);
    };
    let c_wijk = file.column("wijk");
    let mut rows: Vec<(Uuid, String, i64)> = Vec::new();
    let mut problems = Vec::new();
    for (line, row) in file.rows(&mut errors) {
        let cell = |c: usize| row.get(c).unwrap_or("").trim();
        let name = cell(c_partner);
        let Some(partner) = partners
            .iter()
            .find(|p| p.name.to_lowercase() == name.to_lowercase())
        else {
            problems.push(LineError::new(
                line,
                "aanbieder",
                format!("‘{name}’ is geen partner van deze pilot."),
            ));
            continue;
        };
        let wijk_text = c_wijk.map(cell).unwrap_or("");
        let wijk = if wijk_text.is_empty() {
            String::new()
        } else if let Some((code, _)) = wijken.iter().find(|(code, name)| {
            code.eq_ignore_ascii_case(wijk_text) || name.to_lowercase() == wijk_text.to_lowercase()
        }) {
            code.clone()
        } else {
            problems.push(LineError::new(
                line,
                "wijk",
                format!("‘{wijk_text}’ is geen wijk van deze gemeente (CBS-code of naam)."),
            ));
            continue;
        };
        let Some(clients) = parse_clients(cell(c_clients)).filter(|_| !cell(c_clients).is_empty())
        else {
            problems.push(LineError::new(
                line,
                "clienten",
                "Vul een heel aantal cliënten in, 0 of meer.",
            ));
            continue;
        };
        if rows
            .iter()
            .any(|(p, w, _)| *p == partner.provider_id && *w == wijk)
        {
            problems.push(LineError::new(
                line,
                "wijk",
                format!("{} staat al met deze wijk in het bestand.", partner.name),
            ));
            continue;
        }
        rows.push((partner.provider_id, wijk, clients));
    }
    errors.extend(problems);
    if rows.is_empty() && errors.is_empty() {
        errors.push(LineError::new(
            0,
            "",
            "Het bestand heeft geen regels met cliënten.",
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// POST /{tenant}/regelingen/{regeling}/pilot/{jaar}/behoefte.csv (multipart, field `bestand`)
pub async fn need_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: PilotYear,
    mut multipart: Multipart,
) -> AppResult<Response> {
    // One message for the file field, naming every wrong line.
    let refuse = |errors: Vec<LineError>| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                let place = match (e.line, e.column.is_empty()) {
                    (0, _) => String::new(),
                    (l, true) => format!("Regel {l}: "),
                    (l, false) => format!("Regel {l}, kolom {}: ", e.column),
                };
                format!("{place}{}", e.message)
            })
            .collect();
        let mut form = FormErrors::default();
        form.add(
            "bestand",
            format!("Er is niets ingelezen. {}", lines.join(" ")),
        );
        form
    };
    let bytes = match upload::read_file(&mut multipart, MAX_BYTES).await {
        Ok(b) => b,
        Err(e) => return page(&state, &user, &at, None, None, refuse(vec![e]), None).await,
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let d = YearData::load(&mut tx, at.scheme_id, at.year).await?;
    let tenant_id = tx.tenant_id();
    let wijken: Vec<(String, String)> =
        sqlx::query_as("select cbs_code, name from areas where tenant_id = $1 and level = 'wijk'")
            .bind(tenant_id)
            .fetch_all(&mut *tx)
            .await?;
    let rows = match parse(&bytes, &d.partners, &wijken) {
        Ok(rows) => rows,
        Err(errors) => {
            tx.commit().await?;
            return page(&state, &user, &at, None, None, refuse(errors), None).await;
        }
    };
    store::replace_clients(
        &mut tx,
        at.scheme_id,
        at.year,
        "behoefte",
        &rows,
        &by(&user),
    )
    .await?;
    let event = Event::new("pilotbehoefte geïmporteerd", "subsidieregeling", at.scheme_id).after(
        json!({"jaar": at.year, "regels": rows.len(), "cliënten": rows.iter().map(|r| r.2).sum::<i64>()}),
    );
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}?melding=opgeslagen",
        pilot_href(&user, at.scheme_id),
        at.year
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn need_per_partner_and_wijk() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let partners = vec![
            Partner {
                provider_id: a,
                name: "Avedan".into(),
            },
            Partner {
                provider_id: b,
                name: "Humanitas Almelo".into(),
            },
        ];
        let wijken = vec![("WK014111".to_string(), "De Riet".to_string())];
        let rows = parse(
            "aanbieder;wijk;clienten\nAvedan;De Riet;12\navedan;;30\nHumanitas Almelo;WK014111;7\n"
                .as_bytes(),
            &partners,
            &wijken,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                (a, "WK014111".into(), 12),
                (a, String::new(), 30),
                (b, "WK014111".into(), 7)
            ]
        );
        let errors = parse(
            "aanbieder;wijk;clienten\nTactus;;3\nAvedan;Enschede;2\nAvedan;;veel\nAvedan;;1\nAvedan;;2\n".as_bytes(),
            &partners,
            &wijken,
        )
        .unwrap_err();
        let found: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![(2, "aanbieder"), (3, "wijk"), (4, "clienten"), (6, "wijk")]
        );
        assert!(parse(b"naam;aantal\nx;1\n", &partners, &wijken).is_err());
        assert!(parse(b"aanbieder;clienten\n", &partners, &wijken).is_err());
    }
}
