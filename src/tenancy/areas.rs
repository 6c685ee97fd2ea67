//! The beheerder's pages for the tenant's areas: gemeenten, wijken and buurten.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::cbs::CbsCode;
use crate::error::{violated_constraint, AppError, AppResult};
use crate::fields::required_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::tenancy::areas_csv;
use crate::tenancy::areas_store::{self, Area};
use crate::web::layout::{render, Layout};
use crate::web::upload::{self, LineError};
use crate::web::Notice;
use crate::web::{ClientAddr, PathId};

/// Largest area file accepted.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub struct AreaRow {
    pub area: Area,
    pub depth: usize,
    pub parent_name: String,
}

#[derive(Template)]
#[template(path = "tenancy/areas_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    rows: Vec<AreaRow>,
    counts: (usize, usize, usize),
}

#[derive(Template)]
#[template(path = "tenancy/area_form.html")]
struct FormPage {
    layout: Layout,
    base: String,
    area_id: Option<String>,
    code: String,
    naam: String,
    version: i32,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "tenancy/areas_import.html")]
struct ImportPage {
    layout: Layout,
    base: String,
    errors: Vec<LineError>,
    summary: Option<(usize, usize)>,
    max_mb: usize,
}

#[derive(Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    version: i32,
}

fn notice_text(notice: &Notice) -> Option<&'static str> {
    match notice.melding.as_deref() {
        Some("opgeslagen") => Some("Het gebied is opgeslagen."),
        Some("verwijderd") => Some("Het gebied is verwijderd."),
        _ => None,
    }
}

/// Sorts gemeente → its wijken → their buurten, by the digits of the CBS code.
fn tree(areas: Vec<Area>) -> Vec<AreaRow> {
    let names: std::collections::HashMap<_, _> =
        areas.iter().map(|a| (a.area_id, a.name.clone())).collect();
    let mut rows: Vec<AreaRow> = areas
        .into_iter()
        .map(|area| AreaRow {
            depth: match area.level.as_str() {
                "gemeente" => 0,
                "wijk" => 1,
                _ => 2,
            },
            parent_name: area
                .parent_id
                .and_then(|p| names.get(&p).cloned())
                .unwrap_or_default(),
            area,
        })
        .collect();
    rows.sort_by(|a, b| a.area.cbs_code[2..].cmp(&b.area.cbs_code[2..]));
    rows
}

/// GET /{tenant}/beheer/gebieden
pub async fn area_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = tree(areas_store::list(&mut tx).await?);
    tx.commit().await?;
    let count = |d| rows.iter().filter(|r| r.depth == d).count();
    let counts = (count(0), count(1), count(2));
    let layout =
        Layout::for_user(&user, "Gebieden", Some(Section::Areas)).with_notice(notice_text(&notice));
    render(&ListPage {
        layout,
        base: user.section_href(Section::Areas),
        rows,
        counts,
    })
}

fn form_page(
    user: &CurrentUser,
    area_id: Option<String>,
    form: AreaForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let title = if area_id.is_some() {
        "Gebied wijzigen"
    } else {
        "Gebied toevoegen"
    };
    let invalid = !errors.is_empty();
    let page = FormPage {
        layout: Layout::for_user(user, title, Some(Section::Areas)),
        base: user.section_href(Section::Areas),
        area_id,
        code: form.code,
        naam: form.naam,
        version: form.version,
        errors,
    };
    let mut response = render(&page)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/beheer/gebieden/nieuw
pub async fn area_new(user: CurrentUser) -> AppResult<Response> {
    form_page(
        &user,
        None,
        AreaForm {
            code: String::new(),
            naam: String::new(),
            version: 0,
        },
        FormErrors::default(),
    )
}

fn check_name(errors: &mut FormErrors, naam: &str) {
    if let Err(message) = required_text(naam, 200, "de naam van het gebied") {
        errors.add("naam", message);
    }
}

/// POST /{tenant}/beheer/gebieden
pub async fn area_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<AreaForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let own = areas_store::tenant_gemeente(&mut tx).await?;
    let code = match CbsCode::parse(&form.code) {
        Ok(code) => {
            if let Err(message) = areas_store::check_within(&code, own.as_deref()) {
                errors.add("code", message);
            } else if areas_store::id_by_code(&mut tx, code.as_str())
                .await?
                .is_some()
            {
                errors.add("code", format!("Gebied {} bestaat al.", code.as_str()));
            }
            Some(code)
        }
        Err(message) => {
            errors.add("code", message);
            None
        }
    };
    check_name(&mut errors, &form.naam);
    let mut parent_id = None;
    if let Some(parent) = code.as_ref().and_then(|c| c.parent()) {
        parent_id = areas_store::id_by_code(&mut tx, parent.as_str()).await?;
        if parent_id.is_none() && errors.get("code").is_none() {
            errors.add(
                "code",
                format!(
                    "Voeg eerst het gebied {} toe waar dit gebied in ligt.",
                    parent.as_str()
                ),
            );
        }
    }
    let (Some(code), true) = (code, errors.is_empty()) else {
        return form_page(&user, None, form, errors);
    };
    let inserted: Result<uuid::Uuid, sqlx::Error> = sqlx::query_scalar(
        "insert into areas (tenant_id, level, cbs_code, name, parent_id) values ($1, $2, $3, $4, $5) returning area_id",
    )
    .bind(user.tenant_id)
    .bind(code.level().as_str())
    .bind(code.as_str())
    .bind(form.naam.trim())
    .bind(parent_id)
    .fetch_one(&mut *tx)
    .await;
    let area_id = match inserted {
        Ok(id) => id,
        // A second submit of the same form, or someone else just added it.
        Err(err)
            if violated_constraint(&err).as_deref() == Some("areas_tenant_id_cbs_code_key") =>
        {
            errors.add("code", format!("Gebied {} bestaat al.", code.as_str()));
            return form_page(&user, None, form, errors);
        }
        Err(err) => return Err(err.into()),
    };
    let event = Event::new("aangemaakt", "gebied", area_id)
        .after(json!({"code": code.as_str(), "naam": form.naam.trim()}));
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Areas));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// GET /{tenant}/beheer/gebieden/{id}
pub async fn area_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let area = areas_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let form = AreaForm {
        code: area.cbs_code,
        naam: area.name,
        version: area.version,
    };
    form_page(&user, Some(id.to_string()), form, FormErrors::default())
}

/// POST /{tenant}/beheer/gebieden/{id}: renames; the CBS code is the area's identity.
pub async fn area_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    Form(mut form): Form<AreaForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let area = areas_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    form.code = area.cbs_code.clone();
    let mut errors = FormErrors::default();
    check_name(&mut errors, &form.naam);
    if errors.is_empty() && form.version != area.version {
        errors.add(
            "naam",
            "Iemand anders heeft dit gebied intussen gewijzigd. Uw invoer staat hieronder nog; \
             controleer de huidige gegevens en sla opnieuw op.",
        );
        form.version = area.version;
    }
    if !errors.is_empty() {
        return form_page(&user, Some(id.to_string()), form, errors);
    }
    let updated = sqlx::query(
        "update areas set name = $4, version = version + 1, updated_at = now() \
         where tenant_id = $1 and area_id = $2 and version = $3",
    )
    .bind(user.tenant_id)
    .bind(id)
    .bind(form.version)
    .bind(form.naam.trim())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        errors.add(
            "naam",
            "Iemand anders heeft dit gebied intussen gewijzigd. Sla opnieuw op.",
        );
        return form_page(&user, Some(id.to_string()), form, errors);
    }
    // Facilities are found by the names of their buurt and wijk too.
    crate::register::search_documents::refresh(&mut tx, None).await?;
    let event = Event::new("gewijzigd", "gebied", id)
        .before(json!({"naam": area.name}))
        .after(json!({"naam": form.naam.trim()}));
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Areas));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/beheer/gebieden/{id}/verwijderen: only areas nothing lies in or refers to.
pub async fn area_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let area = areas_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(used_by) = areas_store::usage(&mut tx, id).await?.describe() {
        let mut errors = FormErrors::default();
        errors.add(
            "naam",
            format!(
                "Dit gebied kan niet worden verwijderd: het wordt nog gebruikt door {used_by}. \
                 Haal het daar eerst weg, of wijzig alleen de naam."
            ),
        );
        let form = AreaForm {
            code: area.cbs_code,
            naam: area.name,
            version: area.version,
        };
        return form_page(&user, Some(id.to_string()), form, errors);
    }
    sqlx::query("delete from areas where tenant_id = $1 and area_id = $2")
        .bind(user.tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let event = Event::new("verwijderd", "gebied", id)
        .before(json!({"code": area.cbs_code, "naam": area.name}));
    let to = format!("{}?melding=verwijderd", user.section_href(Section::Areas));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

fn import_page(
    user: &CurrentUser,
    errors: Vec<LineError>,
    summary: Option<(usize, usize)>,
) -> AppResult<Response> {
    let invalid = !errors.is_empty();
    let page = ImportPage {
        layout: Layout::for_user(user, "Gebieden importeren", Some(Section::Areas)),
        base: user.section_href(Section::Areas),
        errors,
        summary,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    let mut response = render(&page)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/beheer/gebieden/import
pub async fn area_import_form(user: CurrentUser) -> AppResult<Response> {
    import_page(&user, Vec::new(), None)
}

/// POST /{tenant}/beheer/gebieden/import (multipart, field `bestand`): all or nothing.
pub async fn area_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let received = upload::receive(&mut multipart, MAX_IMPORT_BYTES).await;
    let bytes = match received {
        Ok(Some(bytes)) if !bytes.is_empty() => bytes,
        Ok(_) => {
            let choose = LineError::new(0, "", "Kies een CSV-bestand om te importeren.");
            return import_page(&user, vec![choose], None);
        }
        Err(error) => return import_page(&user, vec![error], None),
    };
    let records = match areas_csv::parse(&bytes) {
        Ok(records) => records,
        Err(errors) => return import_page(&user, errors, None),
    };
    let rows = records.len();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    match areas_store::apply(&mut tx, records).await? {
        Err(errors) => import_page(&user, errors, None),
        Ok(summary) => {
            let event = Event::new("geimporteerd", "gebieden", user.tenant_id).after(
                json!({"regels": rows, "nieuw": summary.created, "bijgewerkt": summary.updated}),
            );
            audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
            tx.commit().await?;
            import_page(&user, Vec::new(), Some((summary.created, summary.updated)))
        }
    }
}

/// GET /{tenant}/beheer/gebieden/export.csv: the same columns the import reads.
pub async fn area_export(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = tree(areas_store::list(&mut tx).await?);
    tx.commit().await?;
    let body = crate::web::csv_out::write(
        &["code", "naam"],
        rows.iter()
            .map(|row| [row.area.cbs_code.as_str(), row.area.name.as_str()]),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"gebieden-{}.csv\"", user.tenant_slug),
            ),
        ],
        body,
    )
        .into_response())
}
