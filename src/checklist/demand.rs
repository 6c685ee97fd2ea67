//! Supply against demand per wijk (seed 004): the official enters or imports a demand
//! indicator per wijk; the page shows facilities and capacity per 1,000 of it and flags the
//! wijken far below the tenant's median.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::bouwstenen::by_gemeente;
use super::demand_csv::{self, parse_demand};
use super::inventory::FieldError;
use super::scope::{self, Wijk};
use super::{dutch_number, store, subnav, with_status, Tab, MAX_IMPORT_BYTES};
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};
use crate::web::upload;
use crate::web::upload::LineError;
use crate::web::ClientAddr;
use crate::web::Notice;

pub struct DemandRow {
    pub wijk: Wijk,
    pub demand: Option<i32>,
    pub facilities: i64,
    pub capacity: i64,
    /// The value in the form: the stored one, or what the user typed.
    pub input: String,
    pub error: Option<String>,
    pub flagged: bool,
}

fn per_1000(amount: i64, demand: Option<i32>) -> Option<f64> {
    demand
        .filter(|d| *d > 0)
        .map(|d| amount as f64 * 1000.0 / d as f64)
}

fn shown(value: Option<f64>) -> String {
    value
        .map(|v| dutch_number(v, 1))
        .unwrap_or_else(|| "–".into())
}

impl DemandRow {
    pub fn facilities_per_1000(&self) -> Option<f64> {
        per_1000(self.facilities, self.demand)
    }

    pub fn facilities_text(&self) -> String {
        shown(self.facilities_per_1000())
    }

    pub fn capacity_text(&self) -> String {
        shown(per_1000(self.capacity, self.demand))
    }

    pub fn capacity_total_text(&self) -> String {
        dutch_number(self.capacity as f64, 0)
    }

    pub fn demand_text(&self) -> String {
        self.demand
            .map(|d| dutch_number(d as f64, 0))
            .unwrap_or_else(|| "onbekend".into())
    }
}

pub struct DemandGroup {
    pub code: String,
    pub name: String,
    pub rows: Vec<DemandRow>,
}

/// The middle value (mean of the two middle ones for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[derive(Template)]
#[template(path = "checklist/demand.html")]
struct DemandPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    groups: Vec<DemandGroup>,
    regio: bool,
    median: Option<String>,
    threshold: Option<String>,
    flagged: usize,
    stamp: String,
    may_change: bool,
    errors: Vec<FieldError>,
    import_errors: Vec<LineError>,
    max_mb: usize,
}

/// What the page shows besides the stored figures.
#[derive(Default)]
struct Shown {
    inputs: HashMap<String, String>,
    errors: Vec<FieldError>,
    import_errors: Vec<LineError>,
    notice: Option<String>,
}

async fn page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let wijken = scope::wijken(tx).await?;
    let regio = scope::gemeenten(tx).await?.len() > 1;
    let demand: HashMap<Uuid, i32> = store::demand(tx).await?.into_iter().collect();
    let supply: HashMap<Uuid, (i64, i64)> = store::supply(tx)
        .await?
        .into_iter()
        .map(|s| (s.wijk_id, (s.facilities, s.capacity)))
        .collect();
    let stamp = store::demand_stamp(tx).await?;
    let mut rows: Vec<DemandRow> = wijken
        .into_iter()
        .map(|wijk| {
            let stored = demand.get(&wijk.area_id).copied();
            let (facilities, capacity) = supply.get(&wijk.area_id).copied().unwrap_or((0, 0));
            let field = format!("vraag-{}", wijk.code);
            DemandRow {
                input: shown
                    .inputs
                    .get(&field)
                    .cloned()
                    .unwrap_or_else(|| stored.map(|d| d.to_string()).unwrap_or_default()),
                error: shown
                    .errors
                    .iter()
                    .find(|e| e.id == field)
                    .map(|e| e.message.clone()),
                demand: stored,
                facilities,
                capacity,
                flagged: false,
                wijk,
            }
        })
        .collect();
    let mut values: Vec<f64> = rows
        .iter()
        .filter_map(DemandRow::facilities_per_1000)
        .collect();
    let median = median(&mut values);
    if let Some(m) = median {
        for row in &mut rows {
            row.flagged = row.facilities_per_1000().is_some_and(|v| v < m / 2.0);
        }
    }
    let flagged = rows.iter().filter(|r| r.flagged).count();
    let groups = by_gemeente(rows, |r| &r.wijk)
        .into_iter()
        .map(|(code, name, rows)| DemandGroup { code, name, rows })
        .collect();
    let page = DemandPage {
        layout: Layout::for_user(user, "Vraag en aanbod per wijk", Some(Section::Checklist))
            .with_notice(shown.notice.as_deref()),
        subnav: subnav(user, Tab::Demand),
        base: user.section_href(Section::Checklist),
        groups,
        regio,
        median: median.map(|m| dutch_number(m, 1)),
        threshold: median.map(|m| dutch_number(m / 2.0, 1)),
        flagged,
        stamp,
        may_change: user.may_change(Section::Checklist),
        errors: shown.errors,
        import_errors: shown.import_errors,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    Ok(with_status(render(&page)?, status))
}

/// GET /{tenant}/checklist/vraag
pub async fn demand_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let notice = (notice.melding.as_deref() == Some("opgeslagen"))
        .then(|| "De vraag per wijk is opgeslagen.".to_string());
    page(
        &mut tx,
        &user,
        Shown {
            notice,
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await
}

/// Stores the changed values and writes one audit event with each changed wijk before and after.
async fn apply(
    tx: &mut TenantTx,
    user: &CurrentUser,
    address: &str,
    action: &str,
    wijken: &[Wijk],
    wanted: &[(Uuid, Option<i32>)],
) -> AppResult<usize> {
    let current: HashMap<Uuid, i32> = store::demand(tx).await?.into_iter().collect();
    let changes: Vec<(Uuid, Option<i32>)> = wanted
        .iter()
        .filter(|(id, v)| current.get(id).copied() != *v)
        .copied()
        .collect();
    if changes.is_empty() {
        return Ok(0);
    }
    store::set_demand(tx, &changes).await?;
    let code = |id: &Uuid| {
        wijken
            .iter()
            .find(|w| w.area_id == *id)
            .map(|w| w.code.clone())
            .unwrap_or_default()
    };
    let (mut before, mut after) = (Map::new(), Map::new());
    for (id, value) in &changes {
        before.insert(code(id), current.get(id).map_or(Value::Null, |v| json!(v)));
        after.insert(code(id), value.map_or(Value::Null, |v| json!(v)));
    }
    let event = Event::new(action, "vraag", "vraag")
        .before(Value::Object(before))
        .after(Value::Object(after));
    audit::record(tx, &Actor::user(user, address), event).await?;
    Ok(changes.len())
}

/// POST /{tenant}/checklist/vraag: one field `vraag-{wijkcode}` per wijk, plus `stand`.
pub async fn demand_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let wijken = scope::wijken(&mut tx).await?;
    let mut inputs: HashMap<String, String> = HashMap::new();
    for (name, value) in fields {
        if let Some(code) = name.strip_prefix("vraag-") {
            if !wijken.iter().any(|w| w.code == code) {
                let code: String = code.chars().filter(|c| !c.is_control()).take(20).collect();
                return Ok(super::not_found(format!(
                    "Wijk ‘{code}’ hoort niet bij deze organisatie."
                )));
            }
        }
        inputs.entry(name).or_insert(value);
    }
    let mut errors = Vec::new();
    let mut wanted = Vec::new();
    for wijk in &wijken {
        let id = format!("vraag-{}", wijk.code);
        let Some(input) = inputs.get(&id) else {
            continue;
        };
        match parse_demand(input, &wijk.name) {
            Ok(value) => wanted.push((wijk.area_id, value)),
            Err(message) => errors.push(FieldError { id, message }),
        }
    }
    if !errors.is_empty() {
        let shown = Shown {
            inputs,
            errors,
            ..Shown::default()
        };
        return page(&mut tx, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    store::lock_demand(&mut tx).await?;
    if inputs.get("stand").map(String::as_str) != Some(store::demand_stamp(&mut tx).await?.as_str())
    {
        let message =
            "Iemand anders heeft de vraag intussen gewijzigd. Uw invoer staat hieronder nog; \
                       controleer de cijfers en sla opnieuw op.";
        let first = wijken
            .first()
            .map(|w| format!("vraag-{}", w.code))
            .unwrap_or_default();
        let errors = vec![FieldError {
            id: first,
            message: message.into(),
        }];
        return page(
            &mut tx,
            &user,
            Shown {
                inputs,
                errors,
                ..Shown::default()
            },
            StatusCode::CONFLICT,
        )
        .await;
    }
    apply(&mut tx, &user, &address, "gewijzigd", &wijken, &wanted).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/vraag?melding=opgeslagen",
        user.section_href(Section::Checklist)
    ))
    .into_response())
}

/// POST /{tenant}/checklist/vraag/import (multipart, field `bestand`): all or nothing.
pub async fn demand_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let failed = |errors: Vec<LineError>| Shown {
        import_errors: errors,
        ..Shown::default()
    };
    // Receive the whole file before taking a database connection.
    let received = upload::read_file(&mut multipart, MAX_IMPORT_BYTES).await;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let bytes = match received {
        Ok(bytes) => bytes,
        Err(error) => {
            return page(
                &mut tx,
                &user,
                failed(vec![error]),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let wijken = scope::wijken(&mut tx).await?;
    let records = match demand_csv::parse(&bytes, &wijken) {
        Ok(records) => records,
        Err(errors) => {
            return page(
                &mut tx,
                &user,
                failed(errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let wanted: Vec<(Uuid, Option<i32>)> = records.iter().map(|r| (r.area_id, r.value)).collect();
    store::lock_demand(&mut tx).await?;
    let changed = apply(&mut tx, &user, &address, "geimporteerd", &wijken, &wanted).await?;
    let notice = format!(
        "{} waarden ingelezen, waarvan {changed} gewijzigd.",
        records.len()
    );
    let response = page(
        &mut tx,
        &user,
        Shown {
            notice: Some(notice),
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn medians() {
        assert_eq!(super::median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(super::median(&mut []), None);
    }
}
