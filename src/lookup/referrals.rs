//! Referral counts: a wijkteam worker records that they sent someone to a facility — date,
//! client route, optionally a reason category and the team's wijk. Nothing about the resident
//! exists in the form or the table. Beleidsmedewerkers see the counts per facility, type,
//! route, reason, wijk or month, and export them.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::register::facilities::choices::{self, ROUTES};
use crate::register::facilities::view;
use crate::state::AppState;
use crate::web::layout::FormErrors;
use crate::web::time_fmt;
use crate::web::{ClientAddr, PathId};

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

/// The choices the form offers.
#[derive(Clone)]
pub struct ReferralChoices {
    pub routes: Vec<(String, String)>,
    pub reasons: Vec<(String, String)>,
    pub wijken: Vec<(String, String)>,
}

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

struct Checked {
    date: Date,
    route: String,
    reason: Option<String>,
    wijk: Option<(Uuid, String)>,
}

async fn check(
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

/// POST /{tenant}/voorzieningen/{id}/verwijzing
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    axum::Form(form): axum::Form<ReferralForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let archived: Option<bool> = sqlx::query_scalar(
        "select archived from facilities where tenant_id = $1 and facility_id = $2",
    )
    .bind(user.tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if archived.is_none() {
        return Err(AppError::NotFound);
    }
    let c = choices(&mut tx).await?;
    let checked = match check(&mut tx, &form, &c).await? {
        Ok(checked) => checked,
        Err(errors) => {
            tx.commit().await?;
            return view::show(&state, &user, id, None, Some((form, errors))).await;
        }
    };
    sqlx::query("insert into referrals (tenant_id, facility_id, referred_on, route, reason, wijk_id) values ($1, $2, $3, $4, $5, $6)")
        .bind(user.tenant_id)
        .bind(id)
        .bind(checked.date)
        .bind(&checked.route)
        .bind(&checked.reason)
        .bind(checked.wijk.as_ref().map(|w| w.0))
        .execute(&mut *tx)
        .await?;
    let event = Event::new("verwijzing_geteld", "voorziening", id).after(serde_json::json!({
        "datum": checked.date.to_string(),
        "route": checked.route,
        "reden": checked.reason.unwrap_or_default(),
        "wijk": checked.wijk.map(|w| w.1).unwrap_or_default(),
    }));
    let target = format!(
        "{}/{id}?melding=verwezen#verwijzing",
        user.href(Section::Facilities.path())
    );
    audit::record_commit_redirect(tx, &user, &address, event, &target).await
}

/// How the counts are grouped.
pub const GROUPINGS: [(&str, &str); 6] = [
    ("voorziening", "Voorziening"),
    ("type", "Soort voorziening"),
    ("route", "Cliëntroute"),
    ("reden", "Reden"),
    ("wijk", "Wijk"),
    ("maand", "Maand"),
];

#[derive(Debug, Deserialize, Default)]
pub struct CountsQuery {
    #[serde(default)]
    per: String,
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
}

#[derive(FromRow)]
struct CountRow {
    key: String,
    label: String,
    count: i64,
}

pub struct Count {
    pub label: String,
    pub count: i64,
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "2026-11" → "november 2026".
pub fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((y, m)) => match m.parse::<usize>() {
            Ok(n) if (1..=12).contains(&n) => format!("{} {y}", MONTHS[n - 1]),
            _ => key.to_string(),
        },
        None => key.to_string(),
    }
}

/// The period asked for: from the first of the month eleven months ago up to today by default.
fn period(q: &CountsQuery, notices: &mut Vec<String>) -> (Date, Date) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let today = time_fmt::today();
    let default_from = {
        let mut d = today.replace_day(1).unwrap_or(today);
        for _ in 0..11 {
            d = (d - time::Duration::days(1)).replace_day(1).unwrap_or(d);
        }
        d
    };
    let mut read = |text: &str, fallback: Date, what: &str| -> Date {
        if text.trim().is_empty() {
            return fallback;
        }
        Date::parse(text.trim(), &format).unwrap_or_else(|_| {
            notices.push(format!("De {what}datum is onleesbaar en is genegeerd."));
            fallback
        })
    };
    let from = read(&q.van, default_from, "begin");
    let to = read(&q.tot, today, "eind");
    if from > to {
        notices.push("De begindatum lag na de einddatum; ze zijn omgedraaid.".into());
        (to, from)
    } else {
        (from, to)
    }
}

fn grouping(per: &str) -> &'static str {
    GROUPINGS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| *k == per)
        .unwrap_or("voorziening")
}

async fn grouped(tx: &mut TenantTx, per: &str, from: Date, to: Date) -> AppResult<Vec<Count>> {
    let tenant_id = tx.tenant_id();
    let (key, label) = match per {
        "type" => ("coalesce(t.code, '')", "coalesce(t.name, 'Zonder soort')"),
        "route" => ("r.route", "r.route"),
        "reden" => (
            "coalesce(r.reason, '')",
            "coalesce(c.name, 'Geen reden opgegeven')",
        ),
        "wijk" => (
            "coalesce(w.cbs_code, '')",
            "coalesce(w.name, 'Geen wijk opgegeven')",
        ),
        "maand" => (
            "to_char(r.referred_on, 'YYYY-MM')",
            "to_char(r.referred_on, 'YYYY-MM')",
        ),
        _ => ("f.facility_id::text", "f.name"),
    };
    let order = if per == "maand" { "1" } else { "3 desc, 2" };
    let rows: Vec<CountRow> = sqlx::query_as(&format!(
        "select {key} as key, {label} as label, count(*) as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2 order by {order}"
    ))
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Count {
            label: match per {
                "route" => choices::label(ROUTES, &r.key).to_string(),
                "maand" => month_label(&r.key),
                _ => r.label,
            },
            count: r.count,
        })
        .collect())
}

#[derive(askama::Template)]
#[template(path = "lookup/referrals.html")]
struct CountsPage {
    layout: crate::web::layout::Layout,
    per: &'static str,
    groupings: &'static [(&'static str, &'static str)],
    van: String,
    tot: String,
    rows: Vec<Count>,
    total: i64,
    export: String,
}

/// GET /{tenant}/verwijzingen
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountsQuery>,
) -> AppResult<Response> {
    let mut notices = Vec::new();
    let (from, to) = period(&q, &mut notices);
    let per = grouping(&q.per);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = grouped(&mut tx, per, from, to).await?;
    tx.commit().await?;
    let export = format!(
        "{}/export.csv?van={from}&tot={to}",
        user.href(Section::Referrals.path())
    );
    let notice = (!notices.is_empty()).then(|| notices.join(" "));
    crate::web::layout::render(&CountsPage {
        layout: crate::web::layout::Layout::for_user(
            &user,
            "Verwijzingen",
            Some(Section::Referrals),
        )
        .with_notice(notice.as_deref()),
        per,
        groupings: &GROUPINGS,
        van: from.to_string(),
        tot: to.to_string(),
        total: rows.iter().map(|r| r.count).sum(),
        rows,
        export,
    })
}

#[derive(FromRow)]
struct ExportRow {
    month: String,
    facility: String,
    facility_type: String,
    route: String,
    reason: String,
    wijk: String,
    count: i64,
}

/// GET /{tenant}/verwijzingen/export.csv: counts per month, facility, main type, route,
/// reason and wijk, ready for a pivot table.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountsQuery>,
) -> AppResult<Response> {
    let (from, to) = period(&q, &mut Vec::new());
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows: Vec<ExportRow> = sqlx::query_as(
        "select to_char(r.referred_on, 'YYYY-MM') as month, f.name as facility, coalesce(t.name, '') as facility_type, \
         r.route, coalesce(c.name, '') as reason, coalesce(w.name, '') as wijk, count(*) as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2, 3, 4, 5, 6 order by 1, 2, 4, 5, 6",
    )
    .bind(user.tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let io = |e: csv::Error| AppError::internal(e);
    w.write_record([
        "maand",
        "voorziening",
        "soort",
        "clientroute",
        "reden",
        "wijk",
        "aantal",
    ])
    .map_err(io)?;
    for r in rows {
        w.write_record([
            r.month,
            r.facility,
            r.facility_type,
            choices::label(ROUTES, &r.route).to_string(),
            r.reason,
            r.wijk,
            r.count.to_string(),
        ])
        .map_err(io)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(crate::web::upload::csv_attachment(
        &format!("verwijzingen-{from}-{to}.csv"),
        body,
    ))
}
