//! The provider record: reading one as a user may ([`get`]), its form as typed
//! ([`ProviderForm`]), checking the form ([`validate`]) and saving it ([`save`]). The pages are
//! [`super::providers`].

use serde::Deserialize;
use serde_json::json;
use sqlx::FromRow;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::Access;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::{self, Email, Postcode};
use crate::form_errors::FormErrors;
use crate::register::lists;

#[derive(Debug, Clone, FromRow)]
pub struct Provider {
    pub provider_id: Uuid,
    pub name: String,
    pub provider_type: Option<String>,
    pub type_name: Option<String>,
    pub kvk_number: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: Option<String>,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub contact_name: String,
    /// Its own contact details may be published although it has no KvK number.
    pub contact_public: bool,
    pub archived: bool,
    pub version: i32,
    pub facilities: i64,
}

impl Provider {
    pub(super) fn audit_value(&self) -> serde_json::Value {
        json!({"naam": self.name, "type": self.type_name.clone().unwrap_or_default(), "kvk": self.kvk_number.clone().unwrap_or_default(),
               "straat": self.street, "huisnummer": self.house_number, "postcode": self.postcode.clone().unwrap_or_default(),
               "plaats": self.city, "telefoon": self.phone, "email": self.email, "website": self.website,
               "contactpersoon": self.contact_name, "contact_openbaar": if self.contact_public { "ja" } else { "" },
               "gearchiveerd": if self.archived { "ja" } else { "" }})
    }
}

pub(super) const SELECT: &str = "select p.provider_id, p.name, p.provider_type, c.name as type_name, p.kvk_number, p.street, \
    p.house_number, p.postcode, p.city, p.phone, p.email, p.website, p.contact_name, p.contact_public, p.archived, p.version, \
    (select count(*) from facilities f where f.tenant_id = p.tenant_id and f.provider_id = p.provider_id and not f.archived) as facilities \
    from providers p left join code_lists c on c.kind = 'aanbiedertype' and c.code = p.provider_type where p.tenant_id = $1";

/// Provider `id` if `user` may read it ([`Access::Read`]) or change it ([`Access::Write`]):
/// 404 when it does not exist or the user may not read it, 403 when they may only read it.
pub(super) async fn get(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
    access: Access,
) -> AppResult<Provider> {
    user.check_provider(id, access)?;
    sqlx::query_as(&format!("{SELECT} and p.provider_id = $2"))
        .bind(tx.tenant_id())
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProviderForm {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub r#type: String,
    #[serde(default)]
    pub kvk: String,
    #[serde(default)]
    pub straat: String,
    #[serde(default)]
    pub huisnummer: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub plaats: String,
    #[serde(default)]
    pub telefoon: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub contactpersoon: String,
    /// "ja" when its contact details may be published without a KvK number.
    #[serde(default)]
    pub contact_openbaar: String,
    #[serde(default)]
    pub version: i32,
}

impl ProviderForm {
    pub(super) fn from_provider(p: &Provider) -> Self {
        Self {
            naam: p.name.clone(),
            r#type: p.provider_type.clone().unwrap_or_default(),
            kvk: p.kvk_number.clone().unwrap_or_default(),
            straat: p.street.clone(),
            huisnummer: p.house_number.clone(),
            postcode: p.postcode.clone().unwrap_or_default(),
            plaats: p.city.clone(),
            telefoon: p.phone.clone(),
            email: p.email.clone(),
            website: p.website.clone(),
            contactpersoon: p.contact_name.clone(),
            contact_openbaar: if p.contact_public { "ja" } else { "" }.into(),
            version: p.version,
        }
    }
}

/// The checked values, in table order.
pub(super) struct Valid {
    name: String,
    provider_type: Option<String>,
    kvk: Option<String>,
    postcode: Option<String>,
    phone: String,
    email: String,
    website: String,
}

pub(super) async fn validate(
    tx: &mut TenantTx,
    id: Option<Uuid>,
    form: &ProviderForm,
) -> AppResult<Result<Valid, FormErrors>> {
    let mut e = FormErrors::default();
    let name = fields::required_text(&form.naam, 200, "de naam van de aanbieder")
        .map_err(|m| e.add("naam", m))
        .unwrap_or_default();
    let types = lists::codes(tx, "aanbiedertype").await?;
    let provider_type = match form.r#type.trim() {
        "" => None,
        t if types.iter().any(|c| c.code == t) => Some(t.to_string()),
        _ => {
            e.add("type", "Kies een soort aanbieder uit de lijst.");
            None
        }
    };
    let optional = |value: &str,
                    check: fn(&str) -> Result<String, String>,
                    field: &'static str,
                    e: &mut FormErrors| {
        if value.trim().is_empty() {
            return None;
        }
        check(value).map_err(|m| e.add(field, m)).ok()
    };
    let kvk = optional(&form.kvk, fields::kvk_number, "kvk", &mut e);
    for (field, value, max) in [
        ("straat", &form.straat, 200),
        ("huisnummer", &form.huisnummer, 20),
        ("plaats", &form.plaats, 100),
        ("contactpersoon", &form.contactpersoon, 200),
    ] {
        if let Err(m) = fields::optional_text(value, max, field) {
            e.add(field, m);
        }
    }
    let postcode = optional(
        &form.postcode,
        |p| Postcode::parse(p).map(|p| p.as_str().to_string()),
        "postcode",
        &mut e,
    );
    let phone = optional(&form.telefoon, fields::phone, "telefoon", &mut e).unwrap_or_default();
    let email = optional(
        &form.email,
        |m| Email::parse(m).map(|m| m.as_str().to_string()),
        "email",
        &mut e,
    )
    .unwrap_or_default();
    let website = optional(&form.website, fields::website, "website", &mut e).unwrap_or_default();
    if e.get("naam").is_none() {
        let taken: bool = sqlx::query_scalar(
            "select exists (select 1 from providers where tenant_id = $1 and lower(name) = lower($2) and provider_id is distinct from $3)",
        )
        .bind(tx.tenant_id())
        .bind(&name)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if taken {
            e.add("naam", "Er is al een aanbieder met deze naam.");
        }
    }
    Ok(if e.is_empty() {
        Ok(Valid {
            name,
            provider_type,
            kvk,
            postcode,
            phone,
            email,
            website,
        })
    } else {
        Err(e)
    })
}

pub(super) async fn save(
    tx: &mut TenantTx,
    id: Option<Uuid>,
    form: &ProviderForm,
    v: &Valid,
) -> AppResult<Option<Uuid>> {
    let saved: Option<Uuid> = sqlx::query_scalar(
        "insert into providers (tenant_id, provider_id, name, provider_type, kvk_number, street, house_number, postcode, city, \
           phone, email, website, contact_name, contact_public) \
         values ($1, coalesce($2, gen_random_uuid()), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         on conflict (tenant_id, provider_id) do update set name = $4, provider_type = $5, kvk_number = $6, street = $7, \
           house_number = $8, postcode = $9, city = $10, phone = $11, email = $12, website = $13, contact_name = $14, \
           contact_public = $15, \
           version = providers.version + 1, updated_at = now() where providers.version = $3 \
         returning provider_id",
    )
    .bind(tx.tenant_id())
    .bind(id)
    .bind(form.version)
    .bind(&v.name)
    .bind(&v.provider_type)
    .bind(&v.kvk)
    .bind(form.straat.trim())
    .bind(form.huisnummer.trim())
    .bind(&v.postcode)
    .bind(form.plaats.trim())
    .bind(&v.phone)
    .bind(&v.email)
    .bind(&v.website)
    .bind(form.contactpersoon.trim())
    .bind(form.contact_openbaar == "ja")
    .fetch_optional(&mut **tx)
    .await?;
    if let (Some(provider), Some(_)) = (saved, id) {
        // Its facilities are found by the provider's name too.
        crate::register::search_documents::refresh_provider(tx, provider).await?;
    }
    Ok(saved)
}
