//! The referral form of the facility page: its fields as typed, the choices it offers and
//! the checks a referral must pass before it is counted; and the beleidsmedewerker's
//! correction form on the same page ([`CorrectionForm`], checked by [`super::changes`]).

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::register::facilities::choices::ROUTES;
use crate::web::time_fmt;

/// The referral form as typed; its values come back with the errors.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ReferralForm {
    #[serde(default)]
    pub datum: String,
    #[serde(default)]
    pub route: String,
    #[serde(default)]
    pub reden: String,
    #[serde(default)]
    pub wijk: String,
}

impl ReferralForm {
    /// Today, via the wijkteam, no reason, no wijk.
    pub fn fresh() -> Self {
        ReferralForm {
            datum: time_fmt::today().to_string(),
            route: "wijkteam".into(),
            ..Default::default()
        }
    }
}

/// The correction form as typed; its values come back with the errors.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct CorrectionForm {
    #[serde(default)]
    pub datum: String,
    #[serde(default)]
    pub route: String,
    #[serde(default)]
    pub aantal: String,
    #[serde(default)]
    pub reden: String,
}

impl CorrectionForm {
    pub fn fresh() -> Self {
        CorrectionForm {
            datum: time_fmt::today().to_string(),
            route: "wijkteam".into(),
            ..Default::default()
        }
    }
}

/// The choices the form offers.
#[derive(Clone)]
pub struct ReferralChoices {
    pub routes: Vec<(String, String)>,
    pub reasons: Vec<(String, String)>,
    pub wijken: Vec<(String, String)>,
}

/// The routes, reasons and the tenant's wijken to choose from.
pub async fn choices(tx: &mut TenantTx) -> AppResult<ReferralChoices> {
    let tenant_id = tx.tenant_id();
    let reasons: Vec<(String, String)> = sqlx::query_as(
        "select code, name from code_lists where kind = 'verwijsreden' order by position",
    )
    .fetch_all(&mut **tx)
    .await?;
    let wijken: Vec<(String, String)> = sqlx::query_as(
        "select w.cbs_code, case when (select count(*) from areas g where g.tenant_id = $1 and g.level = 'gemeente') > 1 \
         then g.name || ' – ' || w.name else w.name end from areas w left join areas g on g.tenant_id = w.tenant_id \
         and g.area_id = w.parent_id where w.tenant_id = $1 and w.level = 'wijk' order by 2",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ReferralChoices {
        routes: ROUTES
            .iter()
            .map(|(c, l)| ((*c).to_string(), (*l).to_string()))
            .collect(),
        reasons,
        wijken,
    })
}

/// A referral that passed its checks.
pub struct Checked {
    pub date: Date,
    pub route: String,
    /// A code of the `verwijsreden` list.
    pub reason: Option<String>,
    /// The wijk's id and CBS code.
    pub wijk: Option<(Uuid, String)>,
}

/// The form checked against the choices it offered: what to store, or a message per field.
pub async fn check(
    tx: &mut TenantTx,
    form: &ReferralForm,
    c: &ReferralChoices,
) -> AppResult<Result<Checked, FormErrors>> {
    let tenant_id = tx.tenant_id();
    let mut errors = FormErrors::default();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let today = time_fmt::today();
    let date = match Date::parse(form.datum.trim(), &format) {
        Ok(d) if d > today => {
            errors.add(
                "datum",
                "De datum ligt in de toekomst. Kies vandaag of een eerdere dag.",
            );
            None
        }
        Ok(d) if d < today - time::Duration::days(366) => {
            errors.add(
                "datum",
                "De datum ligt meer dan een jaar terug. Kies een recentere dag.",
            );
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add("datum", "Vul een datum in, bijvoorbeeld 23-11-2026.");
            None
        }
    };
    if !c.routes.iter().any(|(code, _)| *code == form.route) {
        errors.add("route", "Kies hoe de inwoner bij de voorziening komt.");
    }
    let reason = form.reden.trim();
    if !reason.is_empty() && !c.reasons.iter().any(|(code, _)| code == reason) {
        errors.add("reden", "Kies een reden uit de lijst, of geen reden.");
    }
    let mut wijk = None;
    if !form.wijk.trim().is_empty() {
        let found: Option<Uuid> = sqlx::query_scalar(
            "select area_id from areas where tenant_id = $1 and cbs_code = $2 and level = 'wijk'",
        )
        .bind(tenant_id)
        .bind(form.wijk.trim())
        .fetch_optional(&mut **tx)
        .await?;
        match found {
            Some(id) => wijk = Some((id, form.wijk.trim().to_string())),
            None => errors.add("wijk", "Kies een wijk uit de lijst, of geen wijk."),
        }
    }
    Ok(match (errors.is_empty(), date) {
        (true, Some(date)) => Ok(Checked {
            date,
            route: form.route.clone(),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            wijk,
        }),
        _ => Err(errors),
    })
}
