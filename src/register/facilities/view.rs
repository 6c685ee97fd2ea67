//! Reading the register: the list of facilities, one facility's page, its history, and the
//! list of facilities nobody has verified for a year.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use super::access;
use super::capacity;
use super::choices;
use super::closures;
use super::hours::{self, WEEKDAYS};
use super::listing;
use super::page_data;
use super::record::Lookups;
use super::store::{is_stale, Snapshot};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::{Access, ProviderScope};
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::referrals::form::{CorrectionForm, ReferralChoices, ReferralForm};
use crate::referrals::store as referral_store;
use crate::register::history;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::Notice;
use crate::web::{time_fmt, PathId};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    archief: Option<String>,
    #[serde(default)]
    pagina: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

#[derive(FromRow)]
pub struct ListRow {
    pub facility_id: Uuid,
    pub name: String,
    pub provider_name: String,
    pub type_names: String,
    pub place: String,
    pub verified_on: Option<Date>,
    pub archived: bool,
}

impl ListRow {
    /// Not verified for a year on `today` (worked out once per page).
    pub fn stale(&self, today: Date) -> bool {
        is_stale(self.verified_on, today)
    }

    pub fn verified_text(&self) -> String {
        self.verified_on
            .map(time_fmt::date)
            .unwrap_or_else(|| "nooit".into())
    }
}

#[derive(Template)]
#[template(path = "register/facilities_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    q: String,
    archive: bool,
    rows: Vec<ListRow>,
    today: Date,
    total: i64,
    page: i64,
    pages: i64,
    may_add: bool,
}

impl ListPage {
    /// The link to page `page` of this list (the same search and archive), `None` past its ends.
    fn page_link(&self, page: i64) -> Option<String> {
        if !(1..=self.pages).contains(&page) {
            return None;
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("q", &self.q)
            .append_pair("pagina", &page.to_string());
        if self.archive {
            query.append_pair("archief", "1");
        }
        Some(format!("{}?{}", self.base, query.finish()))
    }
}

/// The columns of a list line, for the tenant's facilities (`$2`: archived ones) of provider `$3`
/// (any when null).
const ROWS: &str = "select f.facility_id, f.name, p.name as provider_name, \
    coalesce((select string_agg(t.name, ', ' order by l.is_main desc, t.name) from facility_type_links l \
      join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
      where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id), '') as type_names, \
    coalesce(b.name, f.city) as place, f.verified_on, f.archived \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
    where f.tenant_id = $1 and f.archived = $2 and ($3::uuid is null or f.provider_id = $3)";

/// GET /{tenant}/voorzieningen
pub async fn facility_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let q: String = query
        .q
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let page: i64 = query
        .pagina
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let archive = query.archief.is_some();
    // The generation as the session check read it, and the search text as PostgreSQL folds
    // names (lower, unaccent; a statement only for a text not folded before).
    let generation = user.tenant_state.register_generation;
    let folded = state.analyses.folded(state.db.pool(), &q).await?;
    let list = page_data::kept_listing(&state.cache, &state.db, user.tenant_id, generation).await?;
    let (lines, total) = list.page(&listing::Wanted {
        archived: archive,
        provider: user.read_scope().only(),
        folded_text: &folded,
        offset: ((page - 1) * PAGE_SIZE) as usize,
        limit: PAGE_SIZE as usize,
    });
    let rows = lines
        .into_iter()
        .map(|l| ListRow {
            facility_id: l.facility_id,
            name: l.name.clone(),
            provider_name: list.provider_name(l).to_string(),
            type_names: l.type_names.clone(),
            place: l.place.clone(),
            verified_on: l.verified_on,
            archived: l.archived,
        })
        .collect();
    let total = total as i64;
    let notice = match query.melding.as_deref() {
        Some("gecontroleerd") => Some("De voorziening is als gecontroleerd gemarkeerd."),
        _ => None,
    };
    let title = if archive {
        "Gearchiveerde voorzieningen"
    } else {
        "Voorzieningen"
    };
    render(&ListPage {
        layout: Layout::for_user(&user, title, Some(Section::Facilities)).with_notice(notice),
        base: user.href(Section::Facilities.path()),
        q,
        archive,
        rows,
        today: time_fmt::today(),
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        may_add: user.write_scope() != ProviderScope::Nothing,
    })
}

pub struct Labelled {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "register/facility_show.html")]
struct ShowPage {
    layout: Layout,
    base: String,
    f: std::sync::Arc<Snapshot>,
    stale: bool,
    verified: String,
    may_edit: bool,
    may_verify: bool,
    types: Vec<String>,
    levensgebieden: Vec<String>,
    hours: Vec<Labelled>,
    dagdelen: Vec<capacity::ScheduleRow>,
    dagdeel_names: [&'static str; 3],
    /// Closed periods not over yet, and the holidays closed on, in words.
    closures_ahead: Vec<String>,
    holidays_text: String,
    details: Vec<Labelled>,
    referral: ReferralForm,
    errors: FormErrors,
    referral_choices: Option<ReferralChoices>,
    /// This user's referrals to the facility that may still be undone.
    recent: Vec<referral_store::Recent>,
    /// The beleidsmedewerker's correction form (with its own errors), else `None`.
    correction: Option<(CorrectionForm, FormErrors)>,
    undo_minutes: i32,
    routes: choices::Choices,
    /// Granted subsidies that fund this facility: "regeling jaar: bedrag".
    funding: Vec<String>,
}

fn names_of(codes: &[String], list: &[crate::register::lists::NamedCode]) -> String {
    codes
        .iter()
        .map(|c| {
            list.iter()
                .find(|n| n.code == *c)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn labels(codes: &[String], list: choices::Choices) -> String {
    codes
        .iter()
        .map(|c| choices::label(list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn details(f: &Snapshot, l: &Lookups) -> Vec<Labelled> {
    let n = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    let cost = match f.own_contribution.as_str() {
        "per_bezoek" | "per_maand" => format!(
            "€ {} {}",
            f.own_contribution_cents
                .map(crate::fields::cents_text)
                .unwrap_or_default(),
            if f.own_contribution == "per_bezoek" {
                "per bezoek"
            } else {
                "per maand"
            }
        ),
        other => choices::label(choices::OWN_CONTRIBUTION, other).to_string(),
    };
    let areas: Vec<String> = f
        .service_areas
        .iter()
        .map(|c| {
            l.area(c)
                .map(|a| format!("{} ({c})", a.name))
                .unwrap_or_else(|| c.clone())
        })
        .collect();
    let werkgebied = if f.serves_whole_region {
        "Het hele gebied".to_string()
    } else {
        areas.join(", ")
    };
    let deals: Vec<&str> = [
        (f.contracted, "gecontracteerd"),
        (f.subsidised, "gesubsidieerd"),
        (f.pgb, "pgb-aanbieder"),
    ]
    .into_iter()
    .filter_map(|(on, label)| on.then_some(label))
    .collect();
    let rows = [
        (
            "Vorm",
            f.form
                .as_ref()
                .map(|v| names_of(std::slice::from_ref(v), &l.vormen))
                .unwrap_or_default(),
        ),
        ("Functies", names_of(&f.functions, &l.functies)),
        ("Bouwstenen", names_of(&f.bouwstenen, &l.bouwstenen)),
        ("Doelgroepen", names_of(&f.target_groups, &l.doelgroepen)),
        ("Werkgebied", werkgebied),
        (
            "Toegang",
            choices::label(choices::ACCESS, &f.access).to_string(),
        ),
        ("Wie beslist over de toegang", f.access_decided_by.clone()),
        ("Cliëntroutes", labels(&f.client_routes, choices::ROUTES)),
        ("Eigen bijdrage", cost),
        ("Financiering", labels(&f.funding_sources, choices::FUNDING)),
        ("Afspraken met de gemeente", deals.join(", ")),
        ("Plaatsen tegelijk", n(f.capacity_at_once)),
        ("Plaatsen per dag", n(f.capacity_per_day)),
        ("Plaatsen per week", n(f.capacity_per_week)),
        (
            "Verschillende bezoekers vorig jaar",
            n(f.visitors_last_year),
        ),
        ("Bezoeken vorig jaar", n(f.visits_last_year)),
        ("Aanpak", f.approach.clone()),
        (
            "Beroepskrachten",
            choices::label(choices::PROFESSIONALS, &f.professionals).to_string(),
        ),
        ("Vrijwilligers", n(f.volunteers)),
        (
            "Ervaringsdeskundigen",
            choices::label(choices::EXPERTS, &f.experts_by_experience).to_string(),
        ),
        (
            "Doelgroep regionaal plan welkom",
            format!(
                "{}{}",
                choices::label(choices::WELCOME, &f.welcome),
                if f.welcome_conditions.is_empty() {
                    String::new()
                } else {
                    format!(": {}", f.welcome_conditions)
                }
            ),
        ),
        (
            "Doelgroep maakt er gebruik van",
            choices::label(choices::USED, &f.used).to_string(),
        ),
        (
            "Rolstoeltoegankelijk",
            choices::label(choices::WHEELCHAIR, &f.wheelchair).to_string(),
        ),
        ("Hoe kom je er", f.directions.clone()),
        (
            "Uitzonderingen op de openingstijden",
            f.opening_exceptions.clone(),
        ),
    ];
    rows.into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(label, value)| Labelled {
            label: label.into(),
            value,
        })
        .collect()
}

/// GET /{tenant}/voorzieningen/{id}
pub async fn facility_show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    show(&state, &user, id, notice.melding.as_deref(), None).await
}

/// A form of the facility page that did not pass its checks, to show again with its messages.
pub enum Returned {
    Referral(ReferralForm, FormErrors),
    Correction(CorrectionForm, FormErrors),
}

/// The facility page; `returned` brings back a form that did not pass its checks (422).
pub async fn show(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    melding: Option<&str>,
    returned: Option<Returned>,
) -> AppResult<Response> {
    let may_refer = user.may_change(Section::Lookup);
    let page_data::PageData {
        facility,
        lists,
        recent,
    } = page_data::load(&state.db, &state.cache, user, id, may_refer).await?;
    let f = facility.snapshot.clone();
    let funding = &facility.funding;
    let lookups = &lists.lookups;
    let invalid = returned.is_some();
    let (referral, correction) = match returned {
        Some(Returned::Referral(form, errors)) => (Some((form, errors)), None),
        Some(Returned::Correction(form, errors)) => (None, Some((form, errors))),
        None => (None, None),
    };
    let correction = user
        .may_change(Section::Referrals)
        .then(|| correction.unwrap_or_else(|| (CorrectionForm::fresh(), FormErrors::default())));
    let referral_choices = may_refer.then(|| lists.referral.clone());
    let types: Vec<String> = f
        .types
        .iter()
        .map(|c| {
            lookups
                .types
                .iter()
                .find(|t| t.code == *c)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect();
    let mut levensgebieden: Vec<String> = Vec::new();
    for g in &lookups.levensgebieden {
        if f.types.iter().any(|c| {
            lookups
                .types
                .iter()
                .any(|t| t.code == *c && t.levensgebied == g.code)
        }) {
            levensgebieden.push(g.name.clone());
        }
    }
    let periods = f.periods();
    let hours = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, (_, day))| {
            let text = hours::day_text(&periods, i as i16 + 1).replace('-', " – ");
            Labelled {
                label: (*day).into(),
                value: if text.is_empty() {
                    "gesloten".into()
                } else {
                    text
                },
            }
        })
        .collect();
    let dagdelen = capacity::schedule(f.dagdelen.iter().map(String::as_str));
    let notice = match melding {
        Some("verwezen") => {
            Some("De verwijzing is geteld. Er is niets over de inwoner opgeslagen.")
        }
        Some("opgeslagen") => Some("De voorziening is opgeslagen."),
        Some("gearchiveerd") => Some("De voorziening is gearchiveerd."),
        Some("teruggezet") => Some("De voorziening is teruggezet uit het archief."),
        Some("gecontroleerd") => Some("De gegevens zijn als gecontroleerd gemarkeerd."),
        Some("ongedaan") => Some("De verwijzing is ongedaan gemaakt: ze telt niet meer mee."),
        Some("te-laat") => Some(
            "Ongedaan maken kan tot 10 minuten na het tellen. Vraag een beleidsmedewerker de telling te corrigeren.",
        ),
        Some("gecorrigeerd") => Some("De correctie is verwerkt en staat in het logboek."),
        _ => None,
    };
    let may_edit = user.write_scope().admits(f.provider_id);
    let (referral, errors) =
        referral.unwrap_or_else(|| (ReferralForm::fresh(), FormErrors::default()));
    let page = render(&ShowPage {
        funding: funding
            .iter()
            .map(|(scheme, year, cents)| {
                format!(
                    "{scheme} {year}: {}",
                    crate::subsidy::common::money::euro(*cents)
                )
            })
            .collect(),
        layout: Layout::for_user(user, f.name.clone(), Some(Section::Facilities))
            .with_notice(notice),
        base: user.href(Section::Facilities.path()),
        stale: f.stale(time_fmt::today()),
        verified: match f.verified_on {
            Some(d) => format!(
                "{}{}",
                time_fmt::date(d),
                if f.verified_by.is_empty() {
                    String::new()
                } else {
                    format!(" door {}", f.verified_by)
                }
            ),
            None => "nog nooit".into(),
        },
        may_edit,
        // Whoever may change the facility confirms its data (its own aanbieder too).
        may_verify: may_edit,
        details: details(&f, lookups),
        types,
        levensgebieden,
        hours,
        dagdelen,
        dagdeel_names: hours::DAGDELEN,
        closures_ahead: closures::upcoming(
            &closures::parse(
                f.closures.iter().map(String::as_str),
                &mut FormErrors::default(),
            ),
            crate::web::time_fmt::today(),
        ),
        holidays_text: closures::holidays_sentence(&f.closed_holidays),
        f,
        referral,
        errors,
        referral_choices,
        recent,
        correction,
        undo_minutes: referral_store::UNDO_MINUTES,
        routes: choices::ROUTES,
    })?;
    Ok(if invalid {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    })
}

/// GET /{tenant}/voorzieningen/{id}/geschiedenis
pub async fn facility_history(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let f = access::facility(&mut tx, &user, id, Access::Read).await?;
    let back = format!("{}/{id}", user.href(Section::Facilities.path()));
    let response = history::history_page(
        &mut tx,
        &user,
        Section::Facilities,
        "voorziening",
        id,
        &f.name,
        back,
    )
    .await;
    tx.commit().await?;
    response
}

#[derive(Template)]
#[template(path = "register/stale_list.html")]
struct StalePage {
    layout: Layout,
    base: String,
    rows: Vec<ListRow>,
    /// Beheerders read this list; only those who change every facility verify.
    may_verify: bool,
}

/// GET /{tenant}/actualiteit: facilities not verified for 12 months, oldest first.
pub async fn stale_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let raw: Vec<sqlx::postgres::PgRow> = sqlx::query(&format!(
        "{ROWS} and (f.verified_on is null or f.verified_on < current_date - 365) order by f.verified_on nulls first, lower(f.name) limit 1000"
    ))
    .bind(user.tenant_id)
    .bind(false)
    .bind(user.read_scope().only())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let rows = raw
        .iter()
        .map(ListRow::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let notice = (notice.melding.as_deref() == Some("gecontroleerd"))
        .then_some("De voorziening is als gecontroleerd gemarkeerd.");
    render(&StalePage {
        layout: Layout::for_user(&user, "Actualiteit", Some(Section::Stale)).with_notice(notice),
        base: user.href(Section::Facilities.path()),
        rows,
        may_verify: user.may_change(Section::Stale) && user.write_scope() == ProviderScope::All,
    })
}
