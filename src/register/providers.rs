//! Providers (aanbieders): list, add, change, archive, history. Whose records a user reads and
//! changes is the ownership rule ([`crate::auth::ownership`]): an aanbieder changes only its own
//! organisation's record, and only those who change every organisation's records (the
//! beleidsmedewerker) add or archive organisations. The record, its form and its checks are
//! [`super::providers_store`].

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use uuid::Uuid;

use super::providers_store::{get, save, validate, Provider, ProviderForm, SELECT};
use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::{Access, ProviderScope};
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::register::history;
use crate::register::lists::{self, NamedCode};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::Notice;
use crate::web::{ClientAddr, PathId};

#[derive(Template)]
#[template(path = "register/providers_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    rows: Vec<Provider>,
    may_add: bool,
}

#[derive(Template)]
#[template(path = "register/provider_form.html")]
struct FormPage {
    layout: Layout,
    base: String,
    provider_id: Option<String>,
    form: ProviderForm,
    types: Vec<NamedCode>,
    errors: FormErrors,
    archived: bool,
    may_change: bool,
    may_archive: bool,
}

/// Adding and archiving organisations is for those who change every organisation's records.
fn require_all(user: &CurrentUser) -> AppResult<()> {
    match user.write_scope() {
        ProviderScope::All => Ok(()),
        ProviderScope::Own(_) | ProviderScope::Nothing => Err(AppError::Forbidden),
    }
}

/// GET /{tenant}/aanbieders
pub async fn provider_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows: Vec<Provider> = sqlx::query_as(&format!(
        "{SELECT} and ($2::uuid is null or p.provider_id = $2) order by p.archived, lower(p.name)"
    ))
    .bind(user.tenant_id)
    .bind(user.read_scope().only())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let notice =
        (notice.melding.as_deref() == Some("opgeslagen")).then_some("De aanbieder is opgeslagen.");
    render(&ListPage {
        layout: Layout::for_user(&user, "Aanbieders", Some(Section::Providers)).with_notice(notice),
        base: user.section_href(Section::Providers),
        rows,
        may_add: user.write_scope() == ProviderScope::All,
    })
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    id: Option<Uuid>,
    form: ProviderForm,
    errors: FormErrors,
    archived: bool,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let types = lists::codes(&mut tx, "aanbiedertype").await?;
    tx.commit().await?;
    let invalid = !errors.is_empty();
    let title = if id.is_some() {
        "Aanbieder wijzigen"
    } else {
        "Aanbieder toevoegen"
    };
    let mut response = render(&FormPage {
        layout: Layout::for_user(user, title, Some(Section::Providers)),
        base: user.section_href(Section::Providers),
        provider_id: id.map(|i| i.to_string()),
        form,
        types,
        errors,
        archived,
        may_change: match id {
            Some(id) => user.write_scope().admits(id),
            None => user.write_scope() == ProviderScope::All,
        },
        may_archive: user.write_scope() == ProviderScope::All,
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/aanbieders/nieuw
pub async fn provider_new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    require_all(&user)?;
    form_page(
        &state,
        &user,
        None,
        ProviderForm::default(),
        FormErrors::default(),
        false,
    )
    .await
}

/// POST /{tenant}/aanbieders
pub async fn provider_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<ProviderForm>,
) -> AppResult<Response> {
    require_all(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let valid = match validate(&mut tx, None, &form).await? {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &user, None, form, errors, false).await,
    };
    let id = save(&mut tx, None, &form, &valid)
        .await?
        .ok_or_else(|| AppError::internal("provider insert returned nothing"))?;
    let after = get(&mut tx, &user, id, Access::Write).await?;
    let event = Event::new("aangemaakt", "aanbieder", id).after(after.audit_value());
    let to = format!(
        "{}?melding=opgeslagen",
        user.section_href(Section::Providers)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// GET /{tenant}/aanbieders/{id}
pub async fn provider_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let p = get(&mut tx, &user, id, Access::Read).await?;
    tx.commit().await?;
    form_page(
        &state,
        &user,
        Some(id),
        ProviderForm::from_provider(&p),
        FormErrors::default(),
        p.archived,
    )
    .await
}

/// POST /{tenant}/aanbieders/{id}
pub async fn provider_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    Form(mut form): Form<ProviderForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = get(&mut tx, &user, id, Access::Write).await?;
    let conflict = "Iemand anders heeft deze aanbieder opgeslagen nadat u het formulier opende. Uw invoer staat hieronder nog; controleer en sla opnieuw op.";
    let valid = match validate(&mut tx, Some(id), &form).await? {
        Ok(v) if form.version == before.version => v,
        Ok(_) => {
            let mut errors = FormErrors::default();
            errors.add("naam", conflict);
            form.version = before.version;
            return form_page(&state, &user, Some(id), form, errors, before.archived).await;
        }
        Err(errors) => {
            return form_page(&state, &user, Some(id), form, errors, before.archived).await
        }
    };
    if save(&mut tx, Some(id), &form, &valid).await?.is_none() {
        let mut errors = FormErrors::default();
        errors.add("naam", conflict);
        return form_page(&state, &user, Some(id), form, errors, before.archived).await;
    }
    let after = get(&mut tx, &user, id, Access::Write).await?;
    let event = Event::new("gewijzigd", "aanbieder", id)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!(
        "{}?melding=opgeslagen",
        user.section_href(Section::Providers)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/aanbieders/{id}/archiveren: archives or restores (beleidsmedewerkers only).
pub async fn provider_archive(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = get(&mut tx, &user, id, Access::Read).await?;
    require_all(&user)?;
    sqlx::query("update providers set archived = not archived, version = version + 1, updated_at = now() where tenant_id = $1 and provider_id = $2")
        .bind(user.tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let after = get(&mut tx, &user, id, Access::Write).await?;
    let action = if after.archived {
        "gearchiveerd"
    } else {
        "teruggezet"
    };
    let event = Event::new(action, "aanbieder", id)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!(
        "{}?melding=opgeslagen",
        user.section_href(Section::Providers)
    );
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// GET /{tenant}/aanbieders/{id}/geschiedenis
pub async fn provider_history(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let p = get(&mut tx, &user, id, Access::Read).await?;
    let back = format!("{}/{id}", user.section_href(Section::Providers));
    let response = history::history_page(
        &mut tx,
        &user,
        Section::Providers,
        "aanbieder",
        id,
        &p.name,
        back,
    )
    .await;
    tx.commit().await?;
    response
}
