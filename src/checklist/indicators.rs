//! The tenant's named demand indicators (eenzaamheid %, 75-plussers, ...): a name, a unit
//! (aantal or percentage of the residents), a source and a year; one is the main indicator
//! the supply is compared with by default. Only those who may change the checklist see this.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::demand_store::{self, Indicator, IndicatorInput};
use super::nav::{subnav, with_status, Tab};
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};
use crate::web::ClientAddr;

#[derive(Debug, Default, Deserialize)]
pub struct IndicatorFields {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    eenheid: String,
    #[serde(default)]
    bron: String,
    #[serde(default)]
    jaar: String,
    #[serde(default)]
    hoofdindicator: Option<String>,
    #[serde(default)]
    version: String,
}

#[derive(Template)]
#[template(path = "checklist/indicators.html")]
struct IndicatorsPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    indicators: Vec<Indicator>,
    /// The indicator being changed; none on the page that adds one.
    editing: Option<String>,
    fields: IndicatorFields,
    errors: FormErrors,
}

async fn page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    editing: Option<String>,
    fields: IndicatorFields,
    errors: FormErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let title = if editing.is_some() {
        "Indicator wijzigen"
    } else {
        "Indicatoren van de vraag"
    };
    let page = IndicatorsPage {
        layout: Layout::for_user(user, title, Some(Section::Checklist)),
        subnav: subnav(user, Tab::Demand),
        base: user.section_href(Section::Checklist),
        indicators: demand_store::indicators(tx).await?,
        editing,
        fields,
        errors,
    };
    Ok(with_status(render(&page)?, status))
}

/// A code made from the name, free in this tenant: `eenzaamheid`, `eenzaamheid_2`.
pub fn code_for(name: &str, taken: &[Indicator]) -> String {
    let mut base = String::new();
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
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('_') {
            base.push('_');
        }
    }
    let mut base: String = base.trim_end_matches('_').chars().take(40).collect();
    if base.is_empty() {
        base = "indicator".into();
    }
    let free = |c: &str| !taken.iter().any(|i| i.code == c);
    let mut code = base.clone();
    let mut n = 2;
    while !free(&code) {
        code = format!("{base}_{n}");
        n += 1;
    }
    code
}

/// The fields checked; every message is Dutch and at its field.
fn check(
    fields: &IndicatorFields,
    others: &[Indicator],
    current_year: i32,
) -> Result<IndicatorInput, FormErrors> {
    let mut errors = FormErrors::default();
    let name = fields.naam.trim().to_string();
    if name.is_empty() {
        errors.add(
            "naam",
            "Vul een naam in, bijvoorbeeld ‘Eenzaamheid’ of ‘75-plussers’.",
        );
    } else if name.chars().count() > 120 {
        errors.add("naam", "De naam is te lang: hoogstens 120 tekens.");
    } else if others
        .iter()
        .any(|i| i.name.trim().eq_ignore_ascii_case(&name))
    {
        errors.add(
            "naam",
            "Er is al een indicator met deze naam. Kies een andere naam.",
        );
    }
    if !matches!(fields.eenheid.as_str(), "aantal" | "percentage") {
        errors.add(
            "eenheid",
            "Kies de eenheid: een aantal of een percentage van de inwoners.",
        );
    }
    let source = fields.bron.trim().to_string();
    if source.chars().count() > 200 {
        errors.add("bron", "De bron is te lang: hoogstens 200 tekens.");
    }
    let year = match fields.jaar.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(y) if (1900..=current_year + 1).contains(&y) => Some(y),
            _ => {
                errors.add(
                    "jaar",
                    format!("Vul een jaartal van 1900 tot en met {} in, bijvoorbeeld 2024, of laat het leeg.", current_year + 1),
                );
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(IndicatorInput {
        name,
        unit: fields.eenheid.clone(),
        source,
        year,
        main: fields.hoofdindicator.is_some(),
    })
}

async fn record(
    tx: &mut TenantTx,
    user: &CurrentUser,
    address: &str,
    action: &str,
    code: &str,
    input: &IndicatorInput,
) -> AppResult<()> {
    let after = json!({"naam": input.name, "eenheid": input.unit, "bron": input.source,
        "jaar": input.year, "hoofdindicator": input.main});
    let event = Event::new(action, "vraagindicator", code).after(after);
    audit::record(tx, &Actor::user(user, address), event).await
}

fn done(user: &CurrentUser, code: &str) -> Response {
    Redirect::to(&format!(
        "{}/vraag?indicator={code}&melding=indicator",
        user.section_href(Section::Checklist)
    ))
    .into_response()
}

/// GET /{tenant}/checklist/vraag/indicatoren: the list and the form to add one.
pub async fn indicators_show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let fields = IndicatorFields {
        eenheid: "aantal".into(),
        ..IndicatorFields::default()
    };
    page(
        &mut tx,
        &user,
        None,
        fields,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /{tenant}/checklist/vraag/indicatoren
pub async fn indicator_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(fields): Form<IndicatorFields>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    demand_store::lock(&mut tx).await?;
    let all = demand_store::indicators(&mut tx).await?;
    let year = crate::web::time_fmt::today().year();
    let input = match check(&fields, &all, year) {
        Ok(input) => input,
        Err(errors) => {
            return page(
                &mut tx,
                &user,
                None,
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let code = code_for(&input.name, &all);
    // The first indicator is the main one: the comparison needs one.
    let input = IndicatorInput {
        main: input.main || all.is_empty(),
        ..input
    };
    demand_store::insert(&mut tx, &code, &input).await?;
    record(&mut tx, &user, &address, "aangemaakt", &code, &input).await?;
    tx.commit().await?;
    Ok(done(&user, &code))
}

/// GET /{tenant}/checklist/vraag/indicatoren/{code}
pub async fn indicator_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((_, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let all = demand_store::indicators(&mut tx).await?;
    let Some(i) = all.into_iter().find(|i| i.code == code) else {
        return Ok(super::nav::not_found("Deze indicator bestaat niet (meer)."));
    };
    let fields = IndicatorFields {
        naam: i.name,
        eenheid: i.unit,
        bron: i.source,
        jaar: i.year.map(|y| y.to_string()).unwrap_or_default(),
        hoofdindicator: i.main.then(|| "1".into()),
        version: i.version.to_string(),
    };
    page(
        &mut tx,
        &user,
        Some(code),
        fields,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /{tenant}/checklist/vraag/indicatoren/{code}
pub async fn indicator_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Path((_, code)): Path<(String, String)>,
    Form(fields): Form<IndicatorFields>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    demand_store::lock(&mut tx).await?;
    let all = demand_store::indicators(&mut tx).await?;
    let Some(current) = all.iter().find(|i| i.code == code).cloned() else {
        return Ok(super::nav::not_found("Deze indicator bestaat niet (meer)."));
    };
    let others: Vec<Indicator> = all.into_iter().filter(|i| i.code != code).collect();
    let year = crate::web::time_fmt::today().year();
    let mut input = check(&fields, &others, year);
    if let Ok(i) = &input {
        let has_values = demand_store::values(&mut tx)
            .await?
            .keys()
            .any(|(_, c)| *c == code);
        if i.unit != current.unit && has_values {
            let mut errors = FormErrors::default();
            errors.add(
                "eenheid",
                "De eenheid kan niet meer veranderen: er staan al waarden bij deze indicator. Maak een nieuwe indicator aan.",
            );
            input = Err(errors);
        }
    }
    let input = match input {
        Ok(input) => input,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&mut tx, &user, Some(code), fields, errors, status).await;
        }
    };
    let version = fields.version.trim().parse().unwrap_or(-1);
    if !demand_store::update(&mut tx, &code, version, &input).await? {
        drop(tx);
        let mut tx = state.db.tenant_tx(user.tenant_id).await?;
        let mut errors = FormErrors::default();
        errors.add(
            "naam",
            "Iemand anders heeft deze indicator intussen gewijzigd. Uw invoer staat hieronder nog; laad de pagina opnieuw om de nieuwe versie te zien.",
        );
        return page(
            &mut tx,
            &user,
            Some(code),
            fields,
            errors,
            StatusCode::CONFLICT,
        )
        .await;
    }
    record(&mut tx, &user, &address, "gewijzigd", &code, &input).await?;
    tx.commit().await?;
    Ok(done(&user, &code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(code: &str) -> Indicator {
        Indicator {
            code: code.into(),
            name: code.into(),
            unit: "aantal".into(),
            source: String::new(),
            year: None,
            main: false,
            version: 1,
        }
    }

    #[test]
    fn codes_from_names() {
        assert_eq!(code_for("Eenzaamheid (%)", &[]), "eenzaamheid");
        assert_eq!(
            code_for("75-plussers", &[named("75_plussers")]),
            "75_plussers_2"
        );
        assert_eq!(code_for("Één ", &[]), "een");
        assert_eq!(code_for("%%", &[]), "indicator");
    }

    #[test]
    fn checked_fields() {
        let fields = IndicatorFields {
            naam: "Eenzaamheid".into(),
            eenheid: "procent".into(),
            jaar: "3000".into(),
            ..IndicatorFields::default()
        };
        let errors = check(&fields, &[], 2026).unwrap_err();
        assert!(errors.get("eenheid").is_some() && errors.get("jaar").is_some());
        let fields = IndicatorFields {
            naam: " eenzaamheid ".into(),
            eenheid: "percentage".into(),
            ..IndicatorFields::default()
        };
        let mut taken = named("x");
        taken.name = "Eenzaamheid".into();
        assert!(check(&fields, &[taken], 2026)
            .unwrap_err()
            .get("naam")
            .is_some());
        let ok = check(&fields, &[], 2026).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.year, ok.main),
            ("eenzaamheid", None, false)
        );
    }
}
