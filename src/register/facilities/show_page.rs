//! One facility's page (`/{tenant}/voorzieningen/{id}`): everything stored about it in words,
//! with the referral form and the correction form; a form that did not pass its checks comes
//! back here with its messages ([`Returned`]). What the page reads is [`super::page_data`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::capacity;
use super::choices;
use super::closures;
use super::hours::{self, WEEKDAYS};
use super::kept::Grants;
use super::page_data;
use super::record::Lookups;
use super::store::Snapshot;
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::referrals::form::{CorrectionForm, ReferralChoices, ReferralForm};
use crate::referrals::store as referral_store;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::Notice;
use crate::web::{time_fmt, PathId};

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
    let types = type_names(&f, lookups);
    let levensgebieden = levensgebieden_of(&f, lookups);
    let hours = week_hours(&f);
    let dagdelen = capacity::schedule(f.dagdelen.iter().map(String::as_str));
    let notice = notice_text(melding);
    let may_edit = user.write_scope().admits(f.provider_id);
    let (referral, errors) =
        referral.unwrap_or_else(|| (ReferralForm::fresh(), FormErrors::default()));
    let page = render(&ShowPage {
        funding: funding_lines(funding),
        layout: Layout::for_user(user, f.name.clone(), Some(Section::Facilities))
            .with_notice(notice),
        base: user.href(Section::Facilities.path()),
        stale: f.stale(time_fmt::today()),
        verified: verified_text(&f),
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

/// The names of the facility's types, in its order (a code no longer listed as itself).
fn type_names(f: &Snapshot, lookups: &Lookups) -> Vec<String> {
    f.types
        .iter()
        .map(|c| {
            lookups
                .types
                .iter()
                .find(|t| t.code == *c)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect()
}

/// The levensgebieden the facility's types fall under, in the levensgebieden's order.
fn levensgebieden_of(f: &Snapshot, lookups: &Lookups) -> Vec<String> {
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
    levensgebieden
}

/// The opening hours per weekday, "gesloten" on a day without any.
fn week_hours(f: &Snapshot) -> Vec<Labelled> {
    let periods = f.periods();
    WEEKDAYS
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
        .collect()
}

/// The confirmation a change sends the page back with (`?melding=`).
fn notice_text(melding: Option<&str>) -> Option<&'static str> {
    match melding {
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
        Some("al-gecorrigeerd") => Some(
            "De verwijzing is niet ongedaan gemaakt: een correctie heeft de telling van die maand al verlaagd. Vraag een beleidsmedewerker de telling te corrigeren.",
        ),
        Some("gecorrigeerd") => Some("De correctie is verwerkt en staat in het logboek."),
        _ => None,
    }
}

/// When the data were last verified, and by whom.
fn verified_text(f: &Snapshot) -> String {
    match f.verified_on {
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
    }
}

/// The grants that fund the facility: "regeling jaar: bedrag".
fn funding_lines(funding: &Grants) -> Vec<String> {
    funding
        .iter()
        .map(|(scheme, year, cents)| {
            format!(
                "{scheme} {year}: {}",
                crate::subsidy::common::money::euro(*cents)
            )
        })
        .collect()
}
