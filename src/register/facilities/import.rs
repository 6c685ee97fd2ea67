//! The register's CSV import (the export's header is exactly what it takes, so export → edit
//! in a spreadsheet → import round-trips), all or nothing: every error with its line and
//! column, or every row stored in one transaction. Rows with an `id` update that facility; new
//! provider names become new providers.
//!
//! The upload is received into a temporary file ([`crate::web::spool`]) and read as a stream:
//! a blocking task parses and checks the rows and hands them over [`CHUNK`] at a time, while
//! the handler stores each chunk in the open transaction. Memory stays flat whatever the file's
//! size; the first error stops the storing (the transaction is rolled back at the end) but not
//! the reading, so every error of the file is listed, up to [`MAX_ERRORS`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::record::{FacilityInput, Lookups, RawFacility, COLUMNS, LIST_COLUMNS};
use super::store;
use super::transfer::IGNORED;
use super::validate::validate;
use super::write::{self, Mode, Write};
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::ProviderScope;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::spool::{spool_csv, SpooledCsv};
use crate::web::upload::{self, LineError};
use crate::web::ClientAddr;

/// Largest register file accepted (about 200,000 facilities).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// Rows handed from the reading task to the storing handler at a time.
const CHUNK: usize = 2_000;
/// At most this many errors are listed; the rest are counted.
const MAX_ERRORS: usize = 1_000;

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

/// What the reading task needs to check a row: the tenant's codes and providers, which
/// facilities exist and whose they are, and what the user may change.
struct Checks {
    lookups: Lookups,
    existing: HashMap<Uuid, Uuid>,
    scope: ProviderScope,
    read_scope: ProviderScope,
}

/// The errors of the file, listed up to [`MAX_ERRORS`] and counted beyond.
#[derive(Default)]
struct Errors {
    listed: Vec<LineError>,
    more: usize,
}

impl Errors {
    fn push(&mut self, error: LineError) {
        if self.listed.len() < MAX_ERRORS {
            self.listed.push(error);
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    fn into_list(mut self) -> Vec<LineError> {
        if self.more > 0 {
            self.listed.push(LineError::new(
                0,
                "",
                format!(
                    "En nog {} fouten. Verbeter eerst de fouten hierboven en importeer opnieuw.",
                    self.more
                ),
            ));
        }
        self.listed
    }
}

/// Reads and checks every row of `file`, sending the good ones `CHUNK` at a time while the file
/// has no error; returns the errors (none: every row was sent) and the number of rows.
fn read_rows(file: &SpooledCsv, checks: &Checks, out: &mpsc::Sender<Vec<Row>>) -> (Errors, usize) {
    let mut errors = Errors::default();
    let Ok(text) = file.open() else {
        errors.push(LineError::new(
            0,
            "",
            "Het bestand kon niet worden gelezen.",
        ));
        return (errors, 0);
    };
    let mut reader = upload::csv_reader(file.delimiter, text);
    let headers = match upload::header_names(&mut reader) {
        Ok(headers) => headers,
        Err(e) => {
            errors.push(e);
            return (errors, 0);
        }
    };
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
        return (errors, 0);
    }
    let mut seen_ids = HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut rows = 0;
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let Ok(record) = record else {
            errors.push(upload::unreadable_line(line));
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
        rows += 1;
        let Some(row) = check_row(line, &headers, &record, checks, &mut seen_ids, &mut errors)
        else {
            continue;
        };
        if errors.is_empty() {
            chunk.push(row);
            if chunk.len() == CHUNK
                && out
                    .blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))
                    .is_err()
            {
                return (errors, rows); // the storing side stopped: its error is reported
            }
        } else {
            chunk.clear();
        }
    }
    if rows == 0 && errors.is_empty() {
        errors.push(LineError::new(
            0,
            "",
            "Het bestand bevat geen voorzieningen.",
        ));
    }
    if errors.is_empty() && !chunk.is_empty() {
        let _ = out.blocking_send(chunk);
    }
    (errors, rows)
}

/// One record as a checked row, or its errors in `errors`.
fn check_row(
    line: usize,
    headers: &[String],
    record: &csv::StringRecord,
    checks: &Checks,
    seen_ids: &mut HashSet<Uuid>,
    errors: &mut Errors,
) -> Option<Row> {
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
    if let ProviderScope::Own(own) = checks.scope {
        raw.set("aanbieder", own.to_string());
    }
    let id_text = raw.one("id").trim().to_string();
    let mut ok = true;
    let id = if id_text.is_empty() {
        None
    } else {
        let parsed = Uuid::parse_str(&id_text).ok();
        let owner = parsed.and_then(|id| checks.existing.get(&id));
        let message = match parsed.filter(|_| owner.is_some_and(|p| checks.scope.admits(*p))) {
            Some(id) if seen_ids.insert(id) => None,
            Some(_) => Some("Deze voorziening staat al eerder in het bestand."),
            None if owner.is_some_and(|p| checks.read_scope.admits(*p)) => Some(
                "Deze voorziening is van een andere organisatie; u kunt alleen die van uw eigen organisatie wijzigen.",
            ),
            None => Some("Onbekend id. Laat de kolom leeg voor een nieuwe voorziening."),
        };
        if let Some(message) = message {
            errors.push(LineError::new(line, "id", message));
            ok = false;
        }
        parsed
    };
    match validate(&raw, &checks.lookups) {
        Ok(input) if ok => Some(Row { id, raw, input }),
        Ok(_) => None,
        Err(field_errors) => {
            for (column, message) in field_errors.items() {
                errors.push(LineError::new(line, column, message.clone()));
            }
            None
        }
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

/// What the import stored so far.
#[derive(Default)]
struct Stored {
    created: usize,
    updated: usize,
    /// Providers created by the import, by lower-cased name.
    new_providers: HashMap<String, Uuid>,
}

/// Stores one chunk of checked rows: new providers, the facilities, and an audit event each.
async fn store_chunk(
    tx: &mut TenantTx,
    actor: &Actor,
    rows: &[Row],
    stored: &mut Stored,
) -> AppResult<()> {
    let mut events = Vec::with_capacity(rows.len() + 1);
    // The stored state of the facilities the chunk updates, for their history.
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.id).collect();
    let mut before: HashMap<Uuid, Value> = HashMap::new();
    if !ids.is_empty() {
        for snapshot in store::snapshots_of(tx, &ids).await? {
            before.insert(snapshot.facility_id, snapshot.audit_value());
        }
    }
    // Providers named in the file and not yet known: created at once, one per name.
    let mut new_names: Vec<&str> = Vec::new();
    let mut named = HashSet::new();
    for row in rows.iter().filter(|r| r.input.provider_id.is_none()) {
        let key = row.input.provider_name.to_lowercase();
        if !stored.new_providers.contains_key(&key) && named.insert(key) {
            new_names.push(&row.input.provider_name);
        }
    }
    if !new_names.is_empty() {
        let created: Vec<(Uuid, String)> = sqlx::query_as(
            "insert into providers (tenant_id, name) select $1, n from unnest($2::text[]) as n returning provider_id, name",
        )
        .bind(tx.tenant_id())
        .bind(&new_names)
        .fetch_all(&mut **tx)
        .await?;
        for (p, name) in created {
            events.push(
                Event::new("aangemaakt", "aanbieder", p)
                    .after(json!({"naam": name, "bron": "import"})),
            );
            stored.new_providers.insert(name.to_lowercase(), p);
        }
    }
    let writes: Vec<Write> =
        rows.iter()
            .map(|row| Write {
                id: row.id.unwrap_or_else(Uuid::new_v4),
                mode: if row.id.is_some() {
                    Mode::Overwrite
                } else {
                    Mode::New
                },
                provider_id: row.input.provider_id.unwrap_or_else(|| {
                    stored.new_providers[&row.input.provider_name.to_lowercase()]
                }),
                input: &row.input,
            })
            .collect();
    write::write_many(tx, &writes).await?;
    for (row, write) in rows.iter().zip(&writes) {
        let mut event = Event::new("geïmporteerd", "voorziening", write.id);
        if row.id.is_some() {
            stored.updated += 1;
            event.before = before.remove(&write.id);
        } else {
            stored.created += 1;
        }
        event.after = Some(audit_value(&row.raw));
        events.push(event);
    }
    audit::record_many(tx, actor, events).await
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
    let file = match spool_csv(&mut multipart, MAX_IMPORT_BYTES).await {
        Ok(file) => file,
        Err(e) => return import_page(&user, vec![e], None),
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
    let checks = Arc::new(Checks {
        lookups,
        existing,
        scope,
        read_scope: user.read_scope(),
    });
    let (send, mut receive) = mpsc::channel::<Vec<Row>>(2);
    let reading = tokio::task::spawn_blocking(move || read_rows(&file, &checks, &send));
    let actor = Actor::user(&user, &address);
    let mut stored = Stored::default();
    let mut failed = None;
    while let Some(rows) = receive.recv().await {
        if let Err(err) = store_chunk(&mut tx, &actor, &rows, &mut stored).await {
            failed = Some(err);
            break;
        }
    }
    drop(receive); // a reading task still sending stops
    let (errors, _rows) = reading.await.map_err(AppError::internal)?;
    if let Some(err) = failed {
        return Err(err);
    }
    if !errors.is_empty() {
        return import_page(&user, errors.into_list(), None);
    }
    tx.commit().await?;
    import_page(
        &user,
        Vec::new(),
        Some((stored.created, stored.updated, stored.new_providers.len())),
    )
}
