//! A tenant's facility types: rename, alias, retire, add, and return to the national version.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use sqlx::FromRow;

use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{violated_constraint, AppError, AppResult};
use crate::fields::required_text;
use crate::form_errors::FormErrors;
use crate::register::lists::{self, NamedCode};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;
use crate::web::Notice;

#[derive(Debug, Clone, FromRow)]
pub struct FacilityType {
    pub code: String,
    pub national_code: Option<String>,
    pub levensgebied: String,
    pub subgroup: String,
    pub name: String,
    pub description: String,
    pub aliases: Vec<String>,
    pub schil: String,
    pub toegang: String,
    pub innovative: bool,
    pub customized: bool,
    pub retired: bool,
    pub version: i32,
}

impl FacilityType {
    pub fn aliases_text(&self) -> String {
        self.aliases.join(", ")
    }

    fn audit_value(&self) -> serde_json::Value {
        json!({"naam": self.name, "levensgebied": self.levensgebied, "subgroep": self.subgroup,
               "omschrijving": self.description, "aliassen": self.aliases, "innovatief": self.innovative,
               "vervallen": self.retired})
    }
}

const SELECT: &str = "select code, national_code, levensgebied, subgroup, name, description, aliases, schil, toegang, \
     innovative, customized, retired, version from facility_types where tenant_id = $1";

pub async fn all(tx: &mut TenantTx) -> AppResult<Vec<FacilityType>> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_as(&format!("{SELECT} order by position, lower(name)"))
            .bind(tenant_id)
            .fetch_all(&mut **tx)
            .await?,
    )
}

async fn get(tx: &mut TenantTx, code: &str) -> AppResult<FacilityType> {
    let tenant_id = tx.tenant_id();
    sqlx::query_as(&format!("{SELECT} and code = $2"))
        .bind(tenant_id)
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)
}

pub struct Group {
    pub levensgebied: NamedCode,
    pub types: Vec<FacilityType>,
}

#[derive(Template)]
#[template(path = "register/types_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    groups: Vec<Group>,
    total: usize,
}

#[derive(Template)]
#[template(path = "register/type_form.html")]
struct FormPage {
    layout: Layout,
    base: String,
    code: Option<String>,
    national: bool,
    form: TypeForm,
    levensgebieden: Vec<NamedCode>,
    errors: FormErrors,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct TypeForm {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub levensgebied: String,
    #[serde(default)]
    pub subgroep: String,
    #[serde(default)]
    pub omschrijving: String,
    #[serde(default)]
    pub aliassen: String,
    #[serde(default)]
    pub innovatief: Option<String>,
    #[serde(default)]
    pub vervallen: Option<String>,
    #[serde(default)]
    pub version: i32,
}

impl TypeForm {
    fn from_type(t: &FacilityType) -> Self {
        Self {
            naam: t.name.clone(),
            levensgebied: t.levensgebied.clone(),
            subgroep: t.subgroup.clone(),
            omschrijving: t.description.clone(),
            aliassen: t.aliases_text(),
            innovatief: t.innovative.then(|| "1".into()),
            vervallen: t.retired.then(|| "1".into()),
            version: t.version,
        }
    }

    fn aliases(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for alias in self
            .aliassen
            .split([',', '\n'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if !out.iter().any(|a| a.eq_ignore_ascii_case(alias)) {
                out.push(alias.to_string());
            }
        }
        out
    }
}

/// GET /{tenant}/typen
pub async fn type_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let types = all(&mut tx).await?;
    let gebieden = lists::levensgebieden(&mut tx).await?;
    tx.commit().await?;
    let total = types.len();
    let groups = gebieden
        .into_iter()
        .map(|g| Group {
            types: types
                .iter()
                .filter(|t| t.levensgebied == g.code)
                .cloned()
                .collect(),
            levensgebied: g,
        })
        .collect();
    let notice = (notice.melding.as_deref() == Some("opgeslagen"))
        .then_some("Het voorzieningentype is opgeslagen.");
    let layout =
        Layout::for_user(&user, "Voorzieningentypen", Some(Section::Types)).with_notice(notice);
    render(&ListPage {
        layout,
        base: user.section_href(Section::Types),
        groups,
        total,
    })
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    code: Option<String>,
    national: bool,
    form: TypeForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let levensgebieden = lists::levensgebieden(&mut tx).await?;
    tx.commit().await?;
    let title = if code.is_some() {
        "Voorzieningentype wijzigen"
    } else {
        "Voorzieningentype toevoegen"
    };
    let invalid = !errors.is_empty();
    let page = FormPage {
        layout: Layout::for_user(user, title, Some(Section::Types)),
        base: user.section_href(Section::Types),
        code,
        national,
        form,
        levensgebieden,
        errors,
    };
    let mut response = render(&page)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/typen/nieuw
pub async fn type_new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    form_page(
        &state,
        &user,
        None,
        false,
        TypeForm::default(),
        FormErrors::default(),
    )
    .await
}

/// GET /{tenant}/typen/{code}
pub async fn type_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((_, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let t = get(&mut tx, &code).await?;
    tx.commit().await?;
    form_page(
        &state,
        &user,
        Some(code),
        t.national_code.is_some(),
        TypeForm::from_type(&t),
        FormErrors::default(),
    )
    .await
}

async fn validate(
    tx: &mut TenantTx,
    form: &TypeForm,
    errors: &mut FormErrors,
) -> AppResult<Option<String>> {
    let name = required_text(&form.naam, 200, "een naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    if !lists::levensgebieden(tx)
        .await?
        .iter()
        .any(|g| g.code == form.levensgebied)
    {
        errors.add("levensgebied", "Kies een levensgebied uit de lijst.");
    }
    if form.subgroep.chars().count() > 200 || form.subgroep.chars().any(char::is_control) {
        errors.add(
            "subgroep",
            "Gebruik voor de subgroep hoogstens 200 gewone tekens.",
        );
    }
    if form.omschrijving.chars().count() > 2000 {
        errors.add(
            "omschrijving",
            "Gebruik voor de omschrijving hoogstens 2000 tekens.",
        );
    }
    if form.aliases().iter().any(|a| a.chars().count() > 100) {
        errors.add("aliassen", "Een alias mag hoogstens 100 tekens hebben.");
    }
    Ok(name.filter(|_| errors.is_empty()))
}

/// A code for a tenant's own type, from its name: `eigen_` + ascii letters.
fn own_code(name: &str) -> String {
    let mut slug = String::from("eigen_");
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ï' | 'î' => 'i',
            'ó' | 'ö' | 'ô' => 'o',
            'ú' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(50);
    slug.trim_end_matches('_').to_string()
}

/// POST /{tenant}/typen
pub async fn type_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<TypeForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let Some(name) = validate(&mut tx, &form, &mut errors).await? else {
        drop(tx);
        return form_page(&state, &user, None, false, form, errors).await;
    };
    // New types of one tenant take turns: a double submit would otherwise find the name free
    // twice and, one commit later, add the type again under the next free code.
    sqlx::query("select pg_advisory_xact_lock(hashtext($1::text || '/facility-type-create'))")
        .bind(user.tenant_id)
        .execute(&mut *tx)
        .await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from facility_types where tenant_id = $1 and lower(name) = lower($2))")
        .bind(user.tenant_id)
        .bind(&name)
        .fetch_one(&mut *tx)
        .await?;
    if exists {
        // The page needs a connection of its own: give this one (and the lock) back first.
        drop(tx);
        errors.add("naam", "Er is al een voorzieningentype met deze naam. Kies een andere naam of voeg een alias toe aan het bestaande type.");
        return form_page(&state, &user, None, false, form, errors).await;
    }
    let mut code = own_code(&name);
    let mut n = 1;
    while sqlx::query_scalar::<_, bool>(
        "select exists (select 1 from facility_types where tenant_id = $1 and code = $2)",
    )
    .bind(user.tenant_id)
    .bind(&code)
    .fetch_one(&mut *tx)
    .await?
    {
        n += 1;
        code = format!("{}_{n}", own_code(&name));
    }
    let inserted = sqlx::query(
        "insert into facility_types (tenant_id, code, levensgebied, subgroup, name, description, aliases, schil, toegang, \
           innovative, customized) values ($1, $2, $3, $4, $5, $6, $7, 'sociaal_domein', 'algemeen', $8, true)",
    )
    .bind(user.tenant_id)
    .bind(&code)
    .bind(&form.levensgebied)
    .bind(form.subgroep.trim())
    .bind(&name)
    .bind(form.omschrijving.trim())
    .bind(form.aliases())
    .bind(form.innovatief.is_some())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        // The same form submitted twice at once: both found the code free.
        Err(err) if violated_constraint(&err).as_deref() == Some("facility_types_pkey") => {
            drop(tx);
            errors.add("naam", "Er is al een voorzieningentype met deze naam. Kies een andere naam of voeg een alias toe aan het bestaande type.");
            return form_page(&state, &user, None, false, form, errors).await;
        }
        Err(err) => return Err(err.into()),
    }
    let created = get(&mut tx, &code).await?;
    let event = Event::new("aangemaakt", "voorzieningentype", &code).after(created.audit_value());
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Types));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/typen/{code}
pub async fn type_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, code)): Path<(String, String)>,
    Form(mut form): Form<TypeForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = get(&mut tx, &code).await?;
    let national = before.national_code.is_some();
    let name = validate(&mut tx, &form, &mut errors).await?;
    if errors.is_empty() && form.version != before.version {
        errors.add("naam", "Iemand anders heeft dit type intussen gewijzigd. Uw invoer staat hieronder nog; controleer en sla opnieuw op.");
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        form.version = before.version;
        return form_page(&state, &user, Some(code), national, form, errors).await;
    };
    let updated = sqlx::query(
        "update facility_types set name = $4, levensgebied = $5, subgroup = $6, description = $7, aliases = $8, \
           innovative = $9, retired = $10, customized = true, version = version + 1, updated_at = now() \
         where tenant_id = $1 and code = $2 and version = $3",
    )
    .bind(user.tenant_id)
    .bind(&code)
    .bind(form.version)
    .bind(&name)
    .bind(&form.levensgebied)
    .bind(form.subgroep.trim())
    .bind(form.omschrijving.trim())
    .bind(form.aliases())
    .bind(form.innovatief.is_some())
    .bind(form.vervallen.is_some())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        errors.add("naam", "Iemand anders heeft dit type intussen gewijzigd. Uw invoer staat hieronder nog; controleer en sla opnieuw op.");
        form.version = before.version;
        return form_page(&state, &user, Some(code), national, form, errors).await;
    }
    let after = get(&mut tx, &code).await?;
    crate::register::search_documents::refresh_types(&mut tx, std::slice::from_ref(&code)).await?;
    let event = Event::new("gewijzigd", "voorzieningentype", &code)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Types));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/typen/{code}/herstellen: back to the national version (keeps added aliases).
pub async fn type_reset(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = get(&mut tx, &code).await?;
    if before.national_code.is_none() {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "update facility_types f set customized = false, retired = false, version = f.version + 1, updated_at = now(), \
           name = n.name, levensgebied = n.levensgebied, subgroup = n.subgroup, description = n.description, \
           innovative = n.innovative, aliases = n.aliases || array(select a from unnest(f.aliases) a where a <> all (n.aliases)) \
         from national_facility_types n where f.tenant_id = $1 and f.code = $2 and n.code = f.national_code",
    )
    .bind(user.tenant_id)
    .bind(&code)
    .execute(&mut *tx)
    .await?;
    let after = get(&mut tx, &code).await?;
    crate::register::search_documents::refresh_types(&mut tx, std::slice::from_ref(&code)).await?;
    let event = Event::new("hersteld", "voorzieningentype", &code)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Types));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn own_codes() {
        assert_eq!(
            super::own_code("Repair Café Noord!"),
            "eigen_repair_cafe_noord"
        );
    }
}
