//! The facility form: reading the posted fields, and the page with every list it offers.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use uuid::Uuid;

use super::capacity;
use super::choices::{self, Choices};
use super::closures;
use super::hours::{self, WEEKDAYS};
use super::record::{Lookups, RawFacility};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::web::layout::{render, Layout};

/// One option of a select, radio or checkbox group.
pub struct Opt {
    pub code: String,
    pub label: String,
}

pub struct OptGroup {
    pub label: String,
    pub options: Vec<Opt>,
}

fn opts(list: Choices) -> Vec<Opt> {
    list.iter()
        .map(|(c, l)| Opt {
            code: (*c).into(),
            label: (*l).into(),
        })
        .collect()
}

/// Reads the urlencoded form into the fields the import also uses.
pub fn raw_from_body(body: &[u8]) -> (RawFacility, i32) {
    let mut raw = RawFacility::default();
    let mut version = 0;
    let mut cap: [[[String; 3]; 3]; 7] = Default::default();
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.into_owned();
        if key == "version" {
            version = value.parse().unwrap_or(0);
        } else if let Some(day) = key.strip_prefix("open_") {
            if !value.trim().is_empty() && WEEKDAYS.iter().any(|(d, _)| *d == day) {
                raw.push("openingstijden", format!("{day} {}", value.trim()));
            }
            raw.set(&key, value);
        } else if capacity::read_form_field(&mut cap, &key, &value) {
            raw.set(&key, value);
        } else {
            raw.push(&key, value);
        }
    }
    for item in capacity::items_of_grid(&cap) {
        raw.push(capacity::FIELD, item);
    }
    let [from, to, reason] =
        closures::ROW_FIELDS.map(|f| raw.all(f).into_iter().map(String::from).collect::<Vec<_>>());
    for item in closures::items_of_rows(&from, &to, &reason) {
        raw.push(closures::FIELD, item);
    }
    (raw, version)
}

/// Fills the per-weekday and per-dagdeel form fields from the stored lists.
pub fn with_form_fields(mut raw: RawFacility) -> RawFacility {
    if let Ok(periods) = hours::parse_week(raw.all("openingstijden")) {
        for (i, (day, _)) in WEEKDAYS.iter().enumerate() {
            raw.set(
                &format!("open_{day}"),
                hours::day_text(&periods, i as i16 + 1),
            );
        }
    }
    let rows = closures::rows_of_items(raw.all(closures::FIELD));
    for (i, field) in closures::ROW_FIELDS.iter().enumerate() {
        raw.set_list(field, rows.iter().map(|r| r[i].clone()).collect());
    }
    let fields = capacity::form_fields_of(raw.all(capacity::FIELD));
    for (field, value) in fields {
        raw.set(&field, value);
    }
    raw
}

/// The form's rows of closed periods: those in `raw`, then [`closures::EMPTY_ROWS`] empty ones.
fn closure_rows(raw: &RawFacility) -> Vec<[String; 3]> {
    let lists = closures::ROW_FIELDS.map(|f| raw.all(f));
    let n = lists.iter().map(Vec::len).max().unwrap_or(0);
    (0..n + closures::EMPTY_ROWS)
        .map(|i| {
            lists
                .clone()
                .map(|l| l.get(i).map_or(String::new(), |v| v.to_string()))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "register/facility_form.html")]
struct FormPage {
    layout: Layout,
    base: String,
    facility_id: Option<String>,
    version: i32,
    raw: RawFacility,
    errors: FormErrors,
    provider_fixed: Option<String>,
    providers: Vec<Opt>,
    type_groups: Vec<OptGroup>,
    vormen: Vec<Opt>,
    functies: Vec<Opt>,
    bouwstenen: Vec<Opt>,
    doelgroepen: Vec<Opt>,
    buurten: Vec<OptGroup>,
    werkgebieden: Vec<Opt>,
    weekdays: Vec<(&'static str, &'static str)>,
    dagdelen: [&'static str; 3],
    capacity_parts: [(&'static str, &'static str); 3],
    /// The closed periods entered, then empty rows: (first day, last day, reason).
    closure_rows: Vec<[String; 3]>,
    holidays: Vec<Opt>,
    wheelchair: Vec<Opt>,
    own_contribution: Vec<Opt>,
    access: Vec<Opt>,
    routes: Vec<Opt>,
    funding: Vec<Opt>,
    professionals: Vec<Opt>,
    experts: Vec<Opt>,
    welcome: Vec<Opt>,
    used: Vec<Opt>,
}

fn named_opts(list: &[crate::register::lists::NamedCode]) -> Vec<Opt> {
    list.iter()
        .map(|n| Opt {
            code: n.code.clone(),
            label: n.name.clone(),
        })
        .collect()
}

/// The form, new (`facility_id` None) or for an existing facility, with the user's input.
pub fn facility_form(
    user: &CurrentUser,
    lookups: &Lookups,
    facility_id: Option<Uuid>,
    version: i32,
    raw: RawFacility,
    errors: FormErrors,
    provider_fixed: Option<String>,
) -> AppResult<Response> {
    let closure_rows = closure_rows(&raw);
    let title = if facility_id.is_some() {
        "Voorziening wijzigen"
    } else {
        "Voorziening toevoegen"
    };
    let type_groups = lookups
        .levensgebieden
        .iter()
        .map(|g| OptGroup {
            label: g.name.clone(),
            options: lookups
                .types
                .iter()
                .filter(|t| t.levensgebied == g.code && (!t.retired || raw.has("typen", &t.code)))
                .map(|t| Opt {
                    code: t.code.clone(),
                    label: t.name.clone(),
                })
                .collect(),
        })
        .collect();
    let mut buurten: Vec<OptGroup> = Vec::new();
    for area in &lookups.areas {
        match area.level.as_str() {
            "wijk" => buurten.push(OptGroup {
                label: format!("{} ({})", area.name, area.cbs_code),
                options: vec![],
            }),
            "buurt" => {
                if let Some(group) = buurten.last_mut() {
                    group.options.push(Opt {
                        code: area.cbs_code.clone(),
                        label: format!("{} ({})", area.name, area.cbs_code),
                    });
                }
            }
            _ => {}
        }
    }
    let werkgebieden = lookups
        .areas
        .iter()
        .filter(|a| a.level != "buurt" || raw.has("werkgebied", &a.cbs_code))
        .map(|a| Opt {
            code: a.cbs_code.clone(),
            label: format!(
                "{} {} ({})",
                if a.level == "gemeente" {
                    "Gemeente"
                } else {
                    "Wijk"
                },
                a.name,
                a.cbs_code
            ),
        })
        .collect();
    let invalid = !errors.is_empty();
    let page = FormPage {
        layout: Layout::for_user(user, title, Some(Section::Facilities)),
        base: user.href(Section::Facilities.path()),
        facility_id: facility_id.map(|id| id.to_string()),
        version,
        raw,
        errors,
        provider_fixed,
        providers: lookups
            .providers
            .iter()
            .map(|(id, name)| Opt {
                code: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        type_groups,
        vormen: named_opts(&lookups.vormen),
        functies: named_opts(&lookups.functies),
        bouwstenen: named_opts(&lookups.bouwstenen),
        doelgroepen: named_opts(&lookups.doelgroepen),
        buurten,
        werkgebieden,
        weekdays: WEEKDAYS.to_vec(),
        dagdelen: hours::DAGDELEN,
        capacity_parts: capacity::PARTS,
        closure_rows,
        holidays: crate::holidays::ALL
            .iter()
            .map(|h| Opt {
                code: h.code.into(),
                label: h.name.into(),
            })
            .collect(),
        wheelchair: opts(choices::WHEELCHAIR),
        own_contribution: opts(choices::OWN_CONTRIBUTION),
        access: opts(choices::ACCESS),
        routes: opts(choices::ROUTES),
        funding: opts(choices::FUNDING),
        professionals: opts(choices::PROFESSIONALS),
        experts: opts(choices::EXPERTS),
        welcome: opts(choices::WELCOME),
        used: opts(choices::USED),
    };
    let mut response = render(&page)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
