//! Setting up a regeling (beleidsmedewerker): name, legal basis, years, the budget per year
//! with its funding sources (dekking) and the onderdelen. Budget lines and onderdelen are typed
//! one per line, as officials paste them from their spreadsheets; every wrong line gets its own
//! message and the form comes back as typed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::plain;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store;
use crate::subsidy::schemes::scheme_rules::{check, SchemeForm};
use crate::subsidy::schemes::scheme_store::{audit_value, write_lines};
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

#[derive(Template)]
#[template(path = "subsidy/schemes/scheme_form.html")]
struct FormPage {
    layout: Layout,
    is_new: bool,
    back: String,
    action: String,
    form: SchemeForm,
    errors: FormErrors,
}

fn form_page(
    user: &CurrentUser,
    id: Option<Uuid>,
    form: SchemeForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let title = if id.is_some() {
        "Regeling wijzigen"
    } else {
        "Nieuwe regeling"
    };
    let invalid = !errors.is_empty();
    let response = render(&FormPage {
        layout: Layout::for_user(user, title, Some(Section::Schemes)),
        is_new: id.is_none(),
        back: match id {
            Some(id) => format!("{}/{id}", schemes_base(user)),
            None => schemes_base(user),
        },
        action: match id {
            Some(id) => format!("{}/{id}", schemes_base(user)),
            None => schemes_base(user),
        },
        form,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/nieuw
pub async fn scheme_new(user: CurrentUser) -> AppResult<Response> {
    let form = SchemeForm {
        bezwaar_bij: "het college van burgemeester en wethouders".into(),
        ..SchemeForm::default()
    };
    form_page(&user, None, form, FormErrors::default())
}

/// POST /{tenant}/regelingen
pub async fn scheme_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<SchemeForm>,
) -> AppResult<Response> {
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return form_page(&user, None, form, errors),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let tenant_id = tx.tenant_id();
    let id: Uuid = sqlx::query_scalar(
        "insert into subsidy_schemes (tenant_id, name, legal_basis, first_year, last_year, description, objection_body, kind) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning scheme_id",
    )
    .bind(tenant_id)
    .bind(&checked.name)
    .bind(&checked.legal_basis)
    .bind(checked.first_year)
    .bind(checked.last_year)
    .bind(&checked.description)
    .bind(&checked.objection_body)
    .bind(if form.soort == "pilot" { "pilot" } else { "tender" })
    .fetch_one(&mut *tx)
    .await?;
    if let Err(message) = write_lines(&mut tx, id, &checked).await? {
        let mut errors = FormErrors::default();
        errors.add("onderdelen", message);
        return form_page(&user, None, form, errors);
    }
    let event = Event::new("aangemaakt", "subsidieregeling", id).after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", schemes_base(&user))).into_response())
}

/// GET /{tenant}/regelingen/{regeling}/wijzigen
pub async fn scheme_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(_q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = store::budget_lines(&mut tx, id).await?;
    let tenant_id = tx.tenant_id();
    let categories: Vec<(String, String)> = sqlx::query_as(
        "select name, description from subsidy_categories where tenant_id = $1 and scheme_id = $2 order by position, name",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let form = SchemeForm {
        naam: scheme.name,
        grondslag: scheme.legal_basis,
        eerste_jaar: scheme.first_year.to_string(),
        laatste_jaar: scheme.last_year.to_string(),
        omschrijving: scheme.description,
        bezwaar_bij: scheme.objection_body,
        soort: scheme.kind,
        dekking: lines
            .iter()
            .map(|l| format!("{}; {}; {}", l.year, l.source, plain(l.amount_cents)))
            .collect::<Vec<_>>()
            .join("\n"),
        onderdelen: categories
            .iter()
            .map(|(n, d)| {
                if d.is_empty() {
                    n.clone()
                } else {
                    format!("{n} | {d}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    form_page(&user, Some(id), form, FormErrors::default())
}

/// POST /{tenant}/regelingen/{regeling}
pub async fn scheme_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<SchemeForm>,
) -> AppResult<Response> {
    let id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return form_page(&user, Some(id), form, errors),
    };
    let tenant_id = tx.tenant_id();
    let round_years: Vec<i32> = sqlx::query_scalar(
        "select year from subsidy_rounds where tenant_id = $1 and scheme_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if round_years
        .iter()
        .any(|y| *y < checked.first_year || *y > checked.last_year)
    {
        let mut errors = FormErrors::default();
        errors.add(
            "eerste_jaar",
            "Er zijn rondes buiten deze looptijd; de looptijd moet die jaren blijven omvatten.",
        );
        return form_page(&user, Some(id), form, errors);
    }
    sqlx::query(
        "update subsidy_schemes set name = $3, legal_basis = $4, first_year = $5, last_year = $6, description = $7, \
         objection_body = $8, version = version + 1 where tenant_id = $1 and scheme_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&checked.name)
    .bind(&checked.legal_basis)
    .bind(checked.first_year)
    .bind(checked.last_year)
    .bind(&checked.description)
    .bind(&checked.objection_body)
    .execute(&mut *tx)
    .await?;
    if let Err(message) = write_lines(&mut tx, id, &checked).await? {
        drop(tx);
        let mut errors = FormErrors::default();
        errors.add("onderdelen", message);
        return form_page(&user, Some(id), form, errors);
    }
    let event = Event::new("gewijzigd", "subsidieregeling", id)
        .before(json!({"naam": before.name, "grondslag": before.legal_basis, "looptijd": format!("{}–{}", before.first_year, before.last_year)}))
        .after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", schemes_base(&user))).into_response())
}
