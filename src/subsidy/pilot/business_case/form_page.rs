//! The business case's inputs of one year, planned or realised (beleidsmedewerker): maatwerk
//! under unchanged policy, after the change, and (realised) the pilot's costs per funding
//! source, with the reason. Each save is a new version ([`crate::subsidy::pilot::business_case::store`])
//! and an audit event with before and after; a refused form keeps its input (422).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::{euro, field, parse_euro};
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::with_422;
use crate::subsidy::pilot::business_case::rules::Inputs;
use crate::subsidy::pilot::business_case::store::{record, Basis, CaseData, NewVersion};
use crate::subsidy::pilot::scheme::{by, pilot_scheme};
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

/// `{regeling}`, `{jaar}` and `{soort}` (gepland, gerealiseerd); anything else is not found.
pub struct CasePath {
    pub scheme_id: Uuid,
    pub year: i32,
    pub basis: Basis,
}

impl<S: Send + Sync> FromRequestParts<S> for CasePath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<BTreeMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok(CasePath {
            scheme_id: params
                .get("regeling")
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or(AppError::NotFound)?,
            year: params
                .get("jaar")
                .and_then(|s| s.parse().ok())
                .ok_or(AppError::NotFound)?,
            basis: params
                .get("soort")
                .and_then(|s| Basis::parse(s))
                .ok_or(AppError::NotFound)?,
        })
    }
}

struct Field {
    name: String,
    label: String,
    hint: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/business_case/form.html")]
struct FormPage {
    layout: Layout,
    back: String,
    action: String,
    heading: String,
    planned: bool,
    planned_sources: Vec<(String, String)>,
    sources: String,
    scheme_edit_href: String,
    fields: Vec<Field>,
    reason: String,
    based_on: i32,
    errors: FormErrors,
}

fn form_of(i: &Inputs, sources: &[String]) -> BTreeMap<String, String> {
    let mut form = BTreeMap::new();
    form.insert(
        "ongewijzigd".into(),
        field(i.maatwerk_unchanged_cents, false),
    );
    form.insert("na".into(), field(i.maatwerk_after_cents, false));
    for (n, s) in sources.iter().enumerate() {
        form.insert(format!("bron_{n}"), field(i.cost(s), false));
    }
    form
}

fn audit_value(i: &Inputs) -> Value {
    json!({
        "maatwerk_ongewijzigd": euro(i.maatwerk_unchanged_cents),
        "pilot": i.pilot_costs.iter().map(|(s, c)| json!({"bron": s, "bedrag": euro(*c)})).collect::<Vec<_>>(),
        "maatwerk_na": euro(i.maatwerk_after_cents),
    })
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    at: &CasePath,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, at.scheme_id).await?;
    if !(scheme.first_year..=scheme.last_year).contains(&at.year) {
        return Err(AppError::NotFound);
    }
    let d = CaseData::load(&mut tx, at.scheme_id).await?;
    tx.commit().await?;
    let sources = d.sources();
    let current = d.current(at.year, at.basis);
    let stored = current
        .map(|v| form_of(&d.inputs(v), &sources))
        .unwrap_or_default();
    let typed = typed.unwrap_or_default();
    let value = |k: &str| {
        typed
            .get(k)
            .or_else(|| stored.get(k))
            .cloned()
            .unwrap_or_default()
    };
    let planned = at.basis == Basis::Planned;
    let mut fields = vec![Field {
        name: "ongewijzigd".into(),
        label: "Kosten maatwerk (OMD) bij ongewijzigd beleid (euro)".into(),
        hint: "Wat maatwerk dit jaar had gekost zonder de pilot.",
        value: value("ongewijzigd"),
    }];
    if !planned {
        for (n, s) in sources.iter().enumerate() {
            let name = format!("bron_{n}");
            fields.push(Field {
                label: format!("Kosten pilot ten laste van {s} (euro)"),
                hint: "Leeg is € 0,00.",
                value: value(&name),
                name,
            });
        }
    }
    fields.push(Field {
        name: "na".into(),
        label: "Kosten maatwerk (OMD) na gewijzigd beleid (euro)".into(),
        hint: "",
        value: value("na"),
    });
    let here = format!("{}/businesscase", pilot_href(user, at.scheme_id));
    let kind = if planned { "Geplande" } else { "Gerealiseerde" };
    let invalid = !errors.is_empty();
    let response = render(&FormPage {
        layout: Layout::for_user(
            user,
            format!("{kind} cijfers {}: {}", at.year, scheme.name),
            Some(Section::Schemes),
        ),
        back: format!("{here}#jaar-{}", at.year),
        action: format!("{here}/{}/{}", at.year, at.basis.code()),
        heading: format!("{kind} cijfers {}", at.year),
        planned,
        planned_sources: d
            .dekking(at.year)
            .into_iter()
            .map(|(s, c)| (s, euro(c)))
            .collect(),
        sources: sources.join("\n"),
        scheme_edit_href: format!(
            "{}/{}/wijzigen",
            crate::subsidy::common::nav_page::schemes_base(user),
            at.scheme_id
        ),
        fields,
        reason: typed.get("reden").cloned().unwrap_or_default(),
        based_on: typed
            .get("versie")
            .and_then(|v| v.parse().ok())
            .unwrap_or(current.map(|v| v.version).unwrap_or(0)),
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/pilot/businesscase/{jaar}/{soort}
pub async fn case_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    at: CasePath,
) -> AppResult<Response> {
    page(&state, &user, &at, None, FormErrors::default()).await
}

fn money(
    form: &BTreeMap<String, String>,
    key: &str,
    what: &str,
    empty_is_zero: bool,
) -> Result<i64, String> {
    match parse_euro(form.get(key).map(String::as_str).unwrap_or("")) {
        Ok(Some(c)) if c <= 100_000_000_000_000 => Ok(c),
        Ok(Some(_)) => Err(format!("{what}: dat bedrag is te groot.")),
        Ok(None) if empty_is_zero => Ok(0),
        Ok(None) => Err(format!("Vul {what} in, in euro.")),
        Err(m) => Err(format!("{what}: {m}")),
    }
}

/// POST /{tenant}/regelingen/{regeling}/pilot/businesscase/{jaar}/{soort}: a new version.
pub async fn case_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: CasePath,
    body: Bytes,
) -> AppResult<Response> {
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, at.scheme_id).await?;
    if !(scheme.first_year..=scheme.last_year).contains(&at.year) {
        return Err(AppError::NotFound);
    }
    let d = CaseData::load(&mut tx, at.scheme_id).await?;
    let sources = d.sources();
    let mut errors = FormErrors::default();
    let mut take = |key: String, what: &str, empty_is_zero: bool| {
        money(&form, &key, what, empty_is_zero).unwrap_or_else(|m| {
            errors.add(key, m);
            0
        })
    };
    let unchanged = take(
        "ongewijzigd".into(),
        "de kosten van maatwerk bij ongewijzigd beleid",
        false,
    );
    // Planned: the dekking as it stands now is what this version holds.
    let mut pilot_costs = d.dekking(at.year);
    if at.basis == Basis::Realised {
        pilot_costs.clear();
        for (n, s) in sources.iter().enumerate() {
            let cents = take(
                format!("bron_{n}"),
                &format!("de kosten ten laste van {s}"),
                true,
            );
            pilot_costs.push((s.clone(), cents));
        }
    }
    let after = take(
        "na".into(),
        "de kosten van maatwerk na gewijzigd beleid",
        false,
    );
    let reason = match optional_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        2000,
        "de reden",
    ) {
        Ok(r) if r.is_empty() => {
            errors.add(
                "reden",
                "Schrijf waar de cijfers vandaan komen of waarom ze wijzigen; de reden blijft bij deze versie bewaard.",
            );
            r
        }
        Ok(r) => r,
        Err(m) => {
            errors.add("reden", m);
            String::new()
        }
    };
    let current = d.current(at.year, at.basis);
    let current_number = current.map(|v| v.version).unwrap_or(0);
    let based_on = form
        .get("versie")
        .and_then(|v| v.trim().parse::<i32>().ok());
    // The fields are numbered by source: the form must have shown the same sources.
    // (A browser sends the line breaks of a field as CR LF.)
    let sources_changed =
        form.get("bronnen").map(|b| b.replace('\r', "")) != Some(sources.join("\n"));
    if errors.is_empty() && (based_on != Some(current_number) || sources_changed) {
        errors.add(
            "reden",
            format!(
                "Intussen is er een nieuwere versie van deze cijfers vastgelegd (versie {current_number}) of is \
                 de dekking van de regeling gewijzigd. Uw invoer staat hieronder; controleer hem en sla opnieuw op."
            ),
        );
        let mut typed = form.clone();
        typed.insert("versie".into(), current_number.to_string());
        tx.commit().await?;
        return page(&state, &user, &at, Some(typed), errors).await;
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, &at, Some(form), errors).await;
    }
    let inputs = Inputs {
        maatwerk_unchanged_cents: unchanged,
        pilot_costs,
        maatwerk_after_cents: after,
    };
    let before = current.map(|v| audit_value(&d.inputs(v)));
    let version = record(
        &mut tx,
        at.scheme_id,
        &NewVersion {
            year: at.year,
            basis: at.basis,
            inputs: &inputs,
            reason: &reason,
            by: &by(&user),
        },
    )
    .await?;
    let mut after_value = audit_value(&inputs);
    after_value["jaar"] = json!(at.year);
    after_value["soort"] = json!(at.basis.code());
    after_value["versie"] = json!(version);
    after_value["reden"] = json!(reason);
    let mut event =
        Event::new("business case vastgelegd", "subsidieregeling", at.scheme_id).after(after_value);
    if let Some(b) = before {
        event = event.before(b);
    }
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/businesscase?melding=opgeslagen#jaar-{}",
        pilot_href(&user, at.scheme_id),
        at.year
    ))
    .into_response())
}
