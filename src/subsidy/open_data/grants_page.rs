//! Open data on granted subsidies (the specification's legal frame: no statutory register for
//! gemeenten, but many publish recipient organisation, amount and purpose — never a natural
//! person): a public page per published tenant, `/{tenant}/kaart/subsidies`, and the same data
//! as a 360Giving 1.4.3 package at `GET /api/360giving/{tenant}/grants.json`.
//!
//! Identifiers: grants are `360G-vr-<slug>-<application id>`; a recipient with a KvK number is
//! `NL-KVK-<number>` (org-id.guide), one without is `360G-vr-<slug>-org-<provider id>` and is
//! published without its name, since an initiative without a KvK registration may be a person;
//! the funder is `360G-vr-<slug>-<CBS code>` (or `-tenant` for a regio). `vr-<slug>` is a
//! self-assigned publisher prefix until the tenant registers its own with 360Giving.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sqlx::Row as _;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::tenancy::published::{self, Published};
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

/// One granted subsidy, as published.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Grant {
    pub application_id: Uuid,
    pub provider_id: Uuid,
    pub recipient: String,
    pub kvk_number: Option<String>,
    pub city: String,
    pub title: String,
    pub activities: String,
    pub requested_cents: i64,
    pub granted_cents: i64,
    pub decided_at: OffsetDateTime,
    pub period_start: Date,
    pub period_end: Date,
    pub scheme: String,
    pub category: String,
    pub year: i32,
}

impl Grant {
    /// The recipient's name, or a neutral description when it may be a person.
    pub fn recipient_name(&self) -> String {
        if self.kvk_number.is_some() {
            self.recipient.clone()
        } else {
            "Initiatief zonder KvK-inschrijving (naam niet gepubliceerd)".into()
        }
    }
}

/// Every granted subsidy of the tenant, newest decision first.
pub async fn grants(tx: &mut TenantTx) -> AppResult<Vec<Grant>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select a.application_id, a.provider_id, p.name as recipient, p.kvk_number, p.city, v.title, v.activities, \
                o.requested_cents, o.granted_cents, o.decided_at, r.period_start, r.period_end, s.name as scheme, \
                c.name as category, r.year \
         from subsidy_current_outcomes o \
         join subsidy_applications a on a.tenant_id = o.tenant_id and a.application_id = o.application_id \
         join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
              and v.version = a.current_version \
         join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id \
         join subsidy_rounds r on r.tenant_id = o.tenant_id and r.round_id = o.round_id \
         join subsidy_schemes s on s.tenant_id = r.tenant_id and s.scheme_id = r.scheme_id \
         join subsidy_categories c on c.tenant_id = o.tenant_id and c.category_id = o.category_id \
         where o.tenant_id = $1 and o.granted_cents > 0 \
         order by o.decided_at desc, s.name, c.position, a.reference",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?)
}

fn prefix(slug: &str) -> String {
    format!("360G-vr-{slug}")
}

fn amount(cents: i64) -> Value {
    // Cents as a JSON number of euros with two decimals (exact: cents / 100 has at most two).
    serde_json::from_str(&crate::subsidy::common::money::decimal(cents)).unwrap_or(Value::Null)
}

/// The 360Giving package of `grants`.
pub fn package(
    tenant: &Published,
    cbs_code: Option<&str>,
    grants: &[Grant],
    now: OffsetDateTime,
) -> Value {
    let prefix = prefix(&tenant.slug);
    let funder = json!([{
        "id": format!("{prefix}-{}", cbs_code.unwrap_or("tenant")),
        "name": tenant.name,
    }]);
    let items: Vec<Value> = grants
        .iter()
        .map(|g| {
            let recipient_id = match &g.kvk_number {
                Some(kvk) => format!("NL-KVK-{kvk}"),
                None => format!("{prefix}-org-{}", g.provider_id),
            };
            let mut recipient = json!({ "id": recipient_id, "name": g.recipient_name() });
            if g.kvk_number.is_some() && !g.city.is_empty() {
                recipient["addressLocality"] = json!(g.city);
                recipient["addressCountry"] = json!("NL");
            }
            json!({
                "id": format!("{prefix}-{}", g.application_id),
                "title": if g.title.is_empty() { format!("{} – {}", g.scheme, g.category) } else { g.title.clone() },
                "description": if g.activities.is_empty() { g.category.clone() } else { g.activities.clone() },
                "currency": "EUR",
                "amountAppliedFor": amount(g.requested_cents),
                "amountAwarded": amount(g.granted_cents),
                "awardDate": time_fmt::to_amsterdam(g.decided_at).date().to_string(),
                "plannedDates": [{ "startDate": g.period_start.to_string(), "endDate": g.period_end.to_string() }],
                "recipientOrganization": [recipient],
                "fundingOrganization": funder,
                "grantProgramme": [{ "title": format!("{} – {} {}", g.scheme, g.category, g.year) }],
                "fromOpenCall": "Yes",
            })
        })
        .collect();
    json!({
        "version": "1.4",
        "title": format!("Verleende subsidies {}", tenant.name),
        "description": format!(
            "Subsidies die {} heeft verleend voor algemene voorzieningen: ontvangende organisatie, bedrag, doel, periode en regeling.",
            tenant.name
        ),
        "issued": now.date().to_string(),
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "grants": items,
    })
}

async fn open(state: &AppState, slug: &str) -> AppResult<(Published, TenantTx, Option<String>)> {
    let (tenant, mut tx) = published::by_slug(&state.slugs, &state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let cbs: Option<String> =
        sqlx::query_scalar("select cbs_code from tenants where tenant_id = $1")
            .bind(tenant.tenant_id)
            .fetch_one(&mut *tx)
            .await?;
    Ok((tenant, tx, cbs))
}

/// GET /api/360giving/{tenant}/grants.json: the package (a tenant without grants has none:
/// the standard asks for at least one grant per package, so that answers 404).
pub async fn grants_json(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let result = async {
        let (tenant, mut tx, cbs) = open(&state, &slug).await?;
        let grants = grants(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, AppError>((tenant, cbs, grants))
    }
    .await;
    let mut response = match result {
        Ok((tenant, cbs, grants)) if !grants.is_empty() => Json(package(
            &tenant,
            cbs.as_deref(),
            &grants,
            OffsetDateTime::now_utc(),
        ))
        .into_response(),
        Ok(_) => crate::hsds::api::error_body(
            axum::http::StatusCode::NOT_FOUND,
            "Deze gemeente heeft nog geen verleende subsidies gepubliceerd.",
        ),
        Err(err) => crate::hsds::api::ApiError::from(err).into_response(),
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

struct Row {
    recipient: String,
    purpose: String,
    amount: String,
    period: String,
    scheme: String,
}

#[derive(Template)]
#[template(path = "subsidy/open_data/public_grants.html")]
struct GrantsPage {
    layout: Layout,
    tenant: String,
    json_href: String,
    rows: Vec<Row>,
    total: String,
}

/// GET /{tenant}/kaart/subsidies: the granted subsidies of a published tenant.
pub async fn grants_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (tenant, mut tx, _) = open(&state, &slug).await?;
    let grants = grants(&mut tx).await?;
    tx.commit().await?;
    let mut layout = Layout::anonymous(
        format!("Verleende subsidies {}", tenant.name),
        String::new(),
    );
    layout.tenant_name = Some(format!("Sociale kaart {}", tenant.name));
    layout.home_href = format!("/{}/kaart", tenant.slug);
    render(&GrantsPage {
        total: euro(grants.iter().map(|g| g.granted_cents).sum()),
        rows: grants
            .iter()
            .map(|g| Row {
                recipient: g.recipient_name(),
                purpose: if g.title.is_empty() {
                    g.category.clone()
                } else {
                    g.title.clone()
                },
                amount: euro(g.granted_cents),
                period: format!(
                    "{} – {}",
                    time_fmt::date(g.period_start),
                    time_fmt::date(g.period_end)
                ),
                scheme: format!("{}, {} ({})", g.scheme, g.category, g.year),
            })
            .collect(),
        json_href: format!("/api/360giving/{}/grants.json", tenant.slug),
        tenant: tenant.name,
        layout,
    })
}

/// The granted subsidies that fund facility `facility_id` (its application chose it): scheme,
/// year and amount, newest first (`facility_funding`, migration …039).
pub async fn funding_of(
    tx: &mut TenantTx,
    facility_id: Uuid,
) -> AppResult<Vec<(String, i32, i64)>> {
    let tenant_id = tx.tenant_id();
    let row = sqlx::query("select names, years, cents from facility_funding($1, $2)")
        .bind(tenant_id)
        .bind(facility_id)
        .fetch_one(&mut **tx)
        .await?;
    let (names, years, cents) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    Ok(funding_from(names, years, cents))
}

/// Scheme, year and amount of each grant, from the parallel arrays of
/// `facility_funding` (null: none).
pub fn funding_from(
    names: Option<Vec<String>>,
    years: Option<Vec<i32>>,
    cents: Option<Vec<i64>>,
) -> Vec<(String, i32, i64)> {
    names
        .unwrap_or_default()
        .into_iter()
        .zip(years.unwrap_or_default())
        .zip(cents.unwrap_or_default())
        .map(|((name, year), cents)| (name, year, cents))
        .collect()
}
