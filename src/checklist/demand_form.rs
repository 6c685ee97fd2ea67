//! Changing the demand: the form (residents and the chosen indicator's value per wijk) and
//! the CSV import (any indicator), each all or nothing and in the audit trail.

use std::collections::HashMap;

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::demand::{choose, page, DemandQuery, Shown};
use super::demand_csv::{self, parse_count, parse_value};
use super::demand_store::{self, Indicator};
use super::inventory::FieldError;
use super::nav::MAX_IMPORT_BYTES;
use super::scope::{self, Wijk};
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::upload;
use crate::web::upload::LineError;
use crate::web::ClientAddr;

fn code_of(wijken: &[Wijk], id: &Uuid) -> String {
    wijken
        .iter()
        .find(|w| w.area_id == *id)
        .map(|w| w.code.clone())
        .unwrap_or_default()
}

/// Stores the changed values of one indicator and audits each changed wijk before and after.
async fn apply_values(
    tx: &mut TenantTx,
    user: &CurrentUser,
    address: &str,
    action: &str,
    wijken: &[Wijk],
    indicator: &str,
    wanted: &[(Uuid, Option<f64>)],
) -> AppResult<usize> {
    let all = demand_store::values(tx).await?;
    let current = |id: &Uuid| all.get(&(*id, indicator.to_string())).copied();
    let changes: Vec<(Uuid, Option<f64>)> = wanted
        .iter()
        .filter(|(id, v)| current(id) != *v)
        .copied()
        .collect();
    if changes.is_empty() {
        return Ok(0);
    }
    demand_store::set_values(tx, indicator, &changes).await?;
    let (mut before, mut after) = (Map::new(), Map::new());
    for (id, value) in &changes {
        before.insert(
            code_of(wijken, id),
            current(id).map_or(Value::Null, |v| json!(v)),
        );
        after.insert(code_of(wijken, id), value.map_or(Value::Null, |v| json!(v)));
    }
    let event = Event::new(action, "vraag", indicator)
        .before(Value::Object(before))
        .after(Value::Object(after));
    audit::record(tx, &Actor::user(user, address), event).await?;
    Ok(changes.len())
}

/// Stores changed resident figures and audits them.
async fn apply_residents(
    tx: &mut TenantTx,
    user: &CurrentUser,
    address: &str,
    wijken: &[Wijk],
    wanted: &[(Uuid, Option<i32>)],
) -> AppResult<()> {
    let current = demand_store::residents(tx).await?;
    let changes: Vec<(Uuid, Option<i32>)> = wanted
        .iter()
        .filter(|(id, v)| current.get(id).copied() != *v)
        .copied()
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    demand_store::set_residents(tx, &changes).await?;
    let (mut before, mut after) = (Map::new(), Map::new());
    for (id, value) in &changes {
        before.insert(
            code_of(wijken, id),
            current.get(id).map_or(Value::Null, |v| json!(v)),
        );
        after.insert(code_of(wijken, id), value.map_or(Value::Null, |v| json!(v)));
    }
    let event = Event::new("gewijzigd", "inwoners", "inwoners")
        .before(Value::Object(before))
        .after(Value::Object(after));
    audit::record(tx, &Actor::user(user, address), event).await
}

/// POST /{tenant}/checklist/vraag: `indicator`, `stand`, and per wijk `inwoners-{code}` and
/// `vraag-{code}` (the indicator's value).
pub async fn demand_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let wijken = scope::wijken(&mut tx).await?;
    let indicators = demand_store::indicators(&mut tx).await?;
    let mut inputs: HashMap<String, String> = HashMap::new();
    for (name, value) in fields {
        let code = name
            .strip_prefix("vraag-")
            .or_else(|| name.strip_prefix("inwoners-"));
        if let Some(code) = code {
            if !wijken.iter().any(|w| w.code == code) {
                let code: String = code.chars().filter(|c| !c.is_control()).take(20).collect();
                return Ok(super::nav::not_found(format!(
                    "Wijk ‘{code}’ hoort niet bij deze organisatie."
                )));
            }
        }
        inputs.entry(name).or_insert(value);
    }
    let wanted_code = inputs.get("indicator").cloned();
    let Some(indicator) = choose(&indicators, wanted_code.as_deref())
        .filter(|i| wanted_code.as_deref().is_none_or(|w| w == i.code))
    else {
        return Ok(super::nav::not_found(
            "Deze indicator bestaat niet (meer). Kies een indicator op de pagina Vraag en aanbod.",
        ));
    };
    let mut errors = Vec::new();
    let (mut values, mut residents) = (Vec::new(), Vec::new());
    for wijk in &wijken {
        let id = format!("vraag-{}", wijk.code);
        if let Some(input) = inputs.get(&id) {
            match parse_value(input, &indicator, &wijk.name) {
                Ok(value) => values.push((wijk.area_id, value)),
                Err(message) => errors.push(FieldError { id, message }),
            }
        }
        let id = format!("inwoners-{}", wijk.code);
        if let Some(input) = inputs.get(&id) {
            match parse_count(input, "Het aantal inwoners", &wijk.name) {
                Ok(value) => residents.push((wijk.area_id, value)),
                Err(message) => errors.push(FieldError { id, message }),
            }
        }
    }
    let code = Some(indicator.code.as_str());
    if !errors.is_empty() {
        let shown = Shown {
            inputs,
            errors,
            ..Shown::default()
        };
        return page(
            &mut tx,
            &user,
            code,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    demand_store::lock(&mut tx).await?;
    let stamp = demand_store::stamp(&mut tx, &indicator.code).await?;
    if inputs.get("stand") != Some(&stamp) {
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
        let shown = Shown {
            inputs,
            errors,
            ..Shown::default()
        };
        return page(&mut tx, &user, code, shown, StatusCode::CONFLICT).await;
    }
    apply_residents(&mut tx, &user, &address, &wijken, &residents).await?;
    apply_values(
        &mut tx,
        &user,
        &address,
        "gewijzigd",
        &wijken,
        &indicator.code,
        &values,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/vraag?indicator={}&melding=opgeslagen",
        user.section_href(Section::Checklist),
        indicator.code
    ))
    .into_response())
}

/// POST /{tenant}/checklist/vraag/import?indicator= (multipart, field `bestand`): all or
/// nothing; lines without an indicator go to the one in the address.
pub async fn demand_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Query(query): Query<DemandQuery>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let wanted = query.indicator.as_deref();
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
            let shown = failed(vec![error]);
            return page(
                &mut tx,
                &user,
                wanted,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let wijken = scope::wijken(&mut tx).await?;
    let indicators: Vec<Indicator> = demand_store::indicators(&mut tx).await?;
    let Some(default) = choose(&indicators, wanted) else {
        let error = LineError::new(
            0,
            "",
            "Er is nog geen indicator. Voeg eerst een indicator toe onder Indicatoren.",
        );
        let shown = failed(vec![error]);
        return page(
            &mut tx,
            &user,
            wanted,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let records = match demand_csv::parse(&bytes, &wijken, &indicators, &default) {
        Ok(records) => records,
        Err(errors) => {
            let shown = failed(errors);
            return page(
                &mut tx,
                &user,
                wanted,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    demand_store::lock(&mut tx).await?;
    let mut changed = 0;
    for indicator in &indicators {
        let wanted_values: Vec<(Uuid, Option<f64>)> = records
            .iter()
            .filter(|r| r.indicator == indicator.code)
            .map(|r| (r.area_id, r.value))
            .collect();
        if !wanted_values.is_empty() {
            changed += apply_values(
                &mut tx,
                &user,
                &address,
                "geimporteerd",
                &wijken,
                &indicator.code,
                &wanted_values,
            )
            .await?;
        }
    }
    let notice = format!(
        "{} waarden ingelezen, waarvan {changed} gewijzigd.",
        records.len()
    );
    let shown = Shown {
        notice: Some(notice),
        ..Shown::default()
    };
    let response = page(&mut tx, &user, Some(&default.code), shown, StatusCode::OK).await?;
    tx.commit().await?;
    Ok(response)
}
