//! The register as CSV: the export's header is exactly what the import takes, so export →
//! edit in a spreadsheet → import round-trips. The import is all or nothing: every error with
//! its line and column, or every row stored in one transaction. Rows with an `id` update that
//! facility; new provider names become new providers.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::record::{self, FacilityInput, RawFacility, COLUMNS, LIST_COLUMNS};
use super::store;
use super::write::{self, Mode, Write};
use crate::audit::{self, Actor, Event};
use crate::auth::ownership::ProviderScope;
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::upload;
use crate::web::upload::LineError;
use crate::web::ClientAddr;

/// Largest register file accepted.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;
/// Columns the export writes but the import does not read (verification is done in the app).
const IGNORED: [&str; 2] = ["laatst_gecontroleerd", "gecontroleerd_door"];

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

#[derive(Template)]
#[template(path = "register/facilities_import.html")]
struct ImportPage {
    layout: Layout,
    base: String,
    errors: Vec<LineError>,
    summary: Option<(usize, usize, usize)>,
    max_mb: usize,
    columns: String,
}

fn import_page(
    user: &CurrentUser,
    errors: Vec<LineError>,
    summary: Option<(usize, usize, usize)>,
) -> AppResult<Response> {
    let invalid = !errors.is_empty();
    let mut response = render(&ImportPage {
        layout: Layout::for_user(user, "Voorzieningen importeren", Some(Section::Facilities)),
        base: user.href(Section::Facilities.path()),
        errors,
        summary,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
        columns: COLUMNS.join(";"),
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/voorzieningen/import
pub async fn facility_import_form(user: CurrentUser) -> AppResult<Response> {
    if user.write_scope() == ProviderScope::Nothing {
        return Err(AppError::Forbidden);
    }
    import_page(&user, Vec::new(), None)
}

/// One checked row of the file.
struct Row {
    id: Option<Uuid>,
    raw: RawFacility,
    input: FacilityInput,
}

/// The rows of the file as fields, or every error in it.
fn parse(bytes: &[u8]) -> Result<Vec<(usize, RawFacility)>, Vec<LineError>> {
    let (text, delimiter) = upload::csv_text(bytes).map_err(|e| vec![e])?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|h| crate::web::csv_out::restore(h.trim()).to_lowercase())
            .collect(),
        Err(_) => {
            return Err(vec![LineError::new(
                1,
                "",
                "De kopregel kon niet worden gelezen.",
            )])
        }
    };
    let mut errors = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            errors.push(LineError::new(
                1,
                h,
                format!("Kolom ‘{h}’ is onbekend. Gebruik de kopregel van de export."),
            ));
        }
    }
    for required in ["naam", "aanbieder", "typen"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(LineError::new(
                1,
                required,
                format!("De kolom ‘{required}’ ontbreekt."),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let Ok(record) = record else {
            errors.push(LineError::new(
                line,
                "",
                "Deze regel kon niet worden gelezen (controleer de aanhalingstekens).",
            ));
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(LineError::new(
                line,
                "",
                format!(
                    "Deze regel heeft {} kolommen; de kopregel heeft er {}.",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let mut raw = RawFacility::default();
        // Cells the export neutralised against spreadsheet formulas come back as they were.
        for (column, value) in headers
            .iter()
            .zip(record.iter().map(crate::web::csv_out::restore))
        {
            if IGNORED.contains(&column.as_str()) {
                continue;
            }
            if LIST_COLUMNS.contains(&column.as_str()) {
                raw.set_list(
                    column,
                    value.split('|').map(|v| v.trim().to_string()).collect(),
                );
            } else {
                raw.set(column, value);
            }
        }
        rows.push((line, raw));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(LineError::new(
            0,
            "",
            "Het bestand bevat geen voorzieningen.",
        ));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn audit_value(raw: &RawFacility) -> Value {
    let mut map = Map::new();
    for column in COLUMNS
        .iter()
        .filter(|c| **c != "id" && !IGNORED.contains(c))
    {
        map.insert((*column).to_string(), Value::String(raw.cell(column)));
    }
    Value::Object(map)
}

/// POST /{tenant}/voorzieningen/import (multipart, field `bestand`). An aanbieder imports
/// only its own organisation's facilities: every row becomes its organisation's, and an `id`
/// of another organisation's facility is refused with its line.
pub async fn facility_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let scope = user.write_scope();
    if scope == ProviderScope::Nothing {
        return Err(AppError::Forbidden);
    }
    let bytes = match upload::read_file(&mut multipart, MAX_IMPORT_BYTES).await {
        Ok(b) => b,
        Err(e) => return import_page(&user, vec![e], None),
    };
    let parsed = match parse(&bytes) {
        Ok(rows) => rows,
        Err(errors) => return import_page(&user, errors, None),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let lookups = store::lookups(&mut tx).await?;
    // Which facilities exist, and whose they are.
    let existing: HashMap<Uuid, Uuid> = sqlx::query_as::<_, (Uuid, Uuid)>(
        "select facility_id, provider_id from facilities where tenant_id = $1",
    )
    .bind(user.tenant_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for (line, mut raw) in parsed {
        if let ProviderScope::Own(own) = scope {
            raw.set("aanbieder", own.to_string());
        }
        let id_text = raw.one("id").trim().to_string();
        let id = if id_text.is_empty() {
            None
        } else {
            let parsed = Uuid::parse_str(&id_text).ok();
            let owner = parsed.and_then(|id| existing.get(&id));
            match parsed.filter(|_| owner.is_some_and(|p| scope.admits(*p))) {
                Some(id) if seen_ids.insert(id) => Some(id),
                Some(_) => {
                    errors.push(LineError::new(
                        line,
                        "id",
                        "Deze voorziening staat al eerder in het bestand.",
                    ));
                    None
                }
                None if owner.is_some_and(|p| user.read_scope().admits(*p)) => {
                    errors.push(LineError::new(
                        line,
                        "id",
                        "Deze voorziening is van een andere organisatie; u kunt alleen die van uw eigen organisatie wijzigen.",
                    ));
                    None
                }
                None => {
                    errors.push(LineError::new(
                        line,
                        "id",
                        "Onbekend id. Laat de kolom leeg voor een nieuwe voorziening.",
                    ));
                    None
                }
            }
        };
        match record::validate(&raw, &lookups) {
            Ok(input) => rows.push(Row { id, raw, input }),
            Err(field_errors) => errors.extend(
                field_errors
                    .items()
                    .iter()
                    .map(|(column, message)| LineError::new(line, column, message.clone())),
            ),
        }
    }
    if !errors.is_empty() {
        return import_page(&user, errors, None);
    }
    let actor = Actor::user(&user, &address);
    // The stored state of the facilities the file updates, for their history.
    let mut before: HashMap<Uuid, Value> = HashMap::new();
    if rows.iter().any(|r| r.id.is_some()) {
        for snapshot in store::snapshots(&mut tx).await? {
            before.insert(snapshot.facility_id, snapshot.audit_value());
        }
    }
    let mut events = Vec::with_capacity(rows.len() + 1);
    // Providers named in the file and not yet known: created at once, one per name.
    let mut new_providers: HashMap<String, Uuid> = HashMap::new();
    let mut new_names: Vec<&str> = Vec::new();
    for row in rows.iter().filter(|r| r.input.provider_id.is_none()) {
        let key = row.input.provider_name.to_lowercase();
        if let std::collections::hash_map::Entry::Vacant(slot) = new_providers.entry(key) {
            slot.insert(Uuid::nil());
            new_names.push(&row.input.provider_name);
        }
    }
    if !new_names.is_empty() {
        let created: Vec<(Uuid, String)> = sqlx::query_as(
            "insert into providers (tenant_id, name) select $1, n from unnest($2::text[]) as n returning provider_id, name",
        )
        .bind(user.tenant_id)
        .bind(&new_names)
        .fetch_all(&mut *tx)
        .await?;
        for (p, name) in created {
            events.push(
                Event::new("aangemaakt", "aanbieder", p)
                    .after(json!({"naam": name, "bron": "import"})),
            );
            new_providers.insert(name.to_lowercase(), p);
        }
    }
    let writes: Vec<Write> = rows
        .iter()
        .map(|row| Write {
            id: row.id.unwrap_or_else(Uuid::new_v4),
            mode: if row.id.is_some() {
                Mode::Overwrite
            } else {
                Mode::New
            },
            provider_id: row
                .input
                .provider_id
                .unwrap_or_else(|| new_providers[&row.input.provider_name.to_lowercase()]),
            input: &row.input,
        })
        .collect();
    write::write_many(&mut tx, &writes).await?;
    let (mut created, mut updated) = (0, 0);
    for (row, write) in rows.iter().zip(&writes) {
        let mut event = Event::new("geïmporteerd", "voorziening", write.id);
        if row.id.is_some() {
            updated += 1;
            event.before = before.remove(&write.id);
        } else {
            created += 1;
        }
        event.after = Some(audit_value(&row.raw));
        events.push(event);
    }
    audit::record_many(&mut tx, &actor, events).await?;
    tx.commit().await?;
    import_page(
        &user,
        Vec::new(),
        Some((created, updated, new_providers.len())),
    )
}
