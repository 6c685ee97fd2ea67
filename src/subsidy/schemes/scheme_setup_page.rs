//! Setting up a regeling (beleidsmedewerker): name, legal basis, years, the budget per year
//! with its funding sources (dekking) and the onderdelen. Budget lines and onderdelen are typed
//! one per line, as officials paste them from their spreadsheets; every wrong line gets its own
//! message and the form comes back as typed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::{long_text, optional_text, required_text};
use crate::state::AppState;
use crate::subsidy::common::money::{parse_euro, plain};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::ClientAddr;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct SchemeForm {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub grondslag: String,
    #[serde(default)]
    pub eerste_jaar: String,
    #[serde(default)]
    pub laatste_jaar: String,
    #[serde(default)]
    pub omschrijving: String,
    #[serde(default)]
    pub bezwaar_bij: String,
    #[serde(default)]
    pub dekking: String,
    #[serde(default)]
    pub onderdelen: String,
    /// `tender` or `pilot`; chosen when the regeling is made, not changed afterwards.
    #[serde(default)]
    pub soort: String,
}

/// A code from a name: lower case, accents dropped, other characters as `_`.
pub fn code_of(name: &str) -> String {
    let mut code = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
    }
    let code: String = code.trim_end_matches('_').chars().take(60).collect();
    code.trim_end_matches('_').to_string()
}

pub struct Checked {
    pub name: String,
    pub legal_basis: String,
    pub first_year: i32,
    pub last_year: i32,
    pub description: String,
    pub objection_body: String,
    /// (year, source, cents)
    pub budget: Vec<(i32, String, i64)>,
    /// (code, name, description)
    pub categories: Vec<(String, String, String)>,
}

fn year(text: &str, field: &'static str, errors: &mut FormErrors) -> i32 {
    match text.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            errors.add(field, "Vul een jaartal in, bijvoorbeeld 2027.");
            0
        }
    }
}

/// Checks the form; every budget and onderdeel line separately.
pub fn check(form: &SchemeForm) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let name = required_text(&form.naam, 200, "de naam")
        .map_err(|m| errors.add("naam", m))
        .unwrap_or_default();
    let legal_basis = long_text(
        &form.grondslag,
        2000,
        "de grondslag",
        "Vul de grondslag in: de subsidieverordening en het artikel waarop de regeling rust.",
    )
    .map_err(|m| errors.add("grondslag", m))
    .unwrap_or_default();
    let first_year = year(&form.eerste_jaar, "eerste_jaar", &mut errors);
    let last_year = year(&form.laatste_jaar, "laatste_jaar", &mut errors);
    if first_year > 0 && last_year > 0 && (last_year < first_year || last_year - first_year >= 20) {
        errors.add(
            "laatste_jaar",
            "Het laatste jaar ligt op of na het eerste, en de looptijd is hoogstens 20 jaar.",
        );
    }
    let description = optional_text(&form.omschrijving, 4000, "de omschrijving")
        .map_err(|m| errors.add("omschrijving", m))
        .unwrap_or_default();
    let objection_body =
        match required_text(&form.bezwaar_bij, 200, "bij wie bezwaar wordt gemaakt") {
            Ok(t) => t,
            Err(m) => {
                errors.add("bezwaar_bij", m);
                String::new()
            }
        };
    let mut budget: Vec<(i32, String, i64)> = Vec::new();
    let mut budget_problems = Vec::new();
    for (n, line) in form
        .dekking
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        let problem = match parts.as_slice() {
            [y, source, amount] => match (y.parse::<i32>(), parse_euro(amount)) {
                (Ok(y), _)
                    if first_year > 0
                        && last_year > 0
                        && !(first_year..=last_year).contains(&y) =>
                {
                    Some(format!("het jaar {y} valt buiten de looptijd"))
                }
                (Err(_), _) => Some("het jaar is geen getal".to_string()),
                (_, Err(m)) => Some(m.trim_end_matches('.').to_lowercase()),
                (_, Ok(None)) => Some("het bedrag ontbreekt".to_string()),
                (Ok(_), Ok(Some(_))) if source.is_empty() || source.chars().count() > 200 => {
                    Some("noem de bron (hoogstens 200 tekens)".to_string())
                }
                (Ok(y), Ok(Some(cents))) => {
                    if budget.iter().any(|(by, bs, _)| *by == y && bs == source) {
                        Some(format!("de bron ‘{source}’ staat al bij {y}"))
                    } else {
                        budget.push((y, source.to_string(), cents));
                        None
                    }
                }
            },
            _ => Some("schrijf jaar; bron; bedrag".to_string()),
        };
        if let Some(p) = problem {
            budget_problems.push(format!("regel {}: {p}", n + 1));
        }
    }
    if !budget_problems.is_empty() {
        errors.add(
            "dekking",
            format!("Controleer de dekking: {}.", budget_problems.join("; ")),
        );
    }
    let mut categories: Vec<(String, String, String)> = Vec::new();
    let mut category_problems = Vec::new();
    for (n, line) in form
        .onderdelen
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (name, description) = line.split_once('|').unwrap_or((line, ""));
        let (name, description) = (name.trim(), description.trim());
        let code = code_of(name);
        if code.len() < 2 || name.chars().count() > 200 || description.chars().count() > 2000 {
            category_problems.push(format!(
                "regel {}: geef een naam van 2 tot 200 tekens",
                n + 1
            ));
        } else if categories.iter().any(|(c, _, _)| *c == code) {
            category_problems.push(format!("regel {}: ‘{name}’ staat er al", n + 1));
        } else {
            categories.push((code, name.to_string(), description.to_string()));
        }
    }
    if !category_problems.is_empty() {
        errors.add(
            "onderdelen",
            format!(
                "Controleer de onderdelen: {}.",
                category_problems.join("; ")
            ),
        );
    } else if categories.is_empty() {
        errors.add("onderdelen", "Geef minstens één onderdeel, één per regel.");
    }
    if errors.is_empty() {
        Ok(Checked {
            name,
            legal_basis,
            first_year,
            last_year,
            description,
            objection_body,
            budget,
            categories,
        })
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "subsidy/schemes/scheme_form.html")]
struct FormPage {
    layout: Layout,
    is_new: bool,
    back: String,
    action: String,
    form: SchemeForm,
    errors: FormErrors,
}

fn form_page(
    user: &CurrentUser,
    id: Option<Uuid>,
    form: SchemeForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let title = if id.is_some() {
        "Regeling wijzigen"
    } else {
        "Nieuwe regeling"
    };
    let invalid = !errors.is_empty();
    let response = render(&FormPage {
        layout: Layout::for_user(user, title, Some(Section::Schemes)),
        is_new: id.is_none(),
        back: match id {
            Some(id) => format!("{}/{id}", schemes_base(user)),
            None => schemes_base(user),
        },
        action: match id {
            Some(id) => format!("{}/{id}", schemes_base(user)),
            None => schemes_base(user),
        },
        form,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/nieuw
pub async fn scheme_new(user: CurrentUser) -> AppResult<Response> {
    let form = SchemeForm {
        bezwaar_bij: "het college van burgemeester en wethouders".into(),
        ..SchemeForm::default()
    };
    form_page(&user, None, form, FormErrors::default())
}

/// POST /{tenant}/regelingen
pub async fn scheme_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<SchemeForm>,
) -> AppResult<Response> {
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return form_page(&user, None, form, errors),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let tenant_id = tx.tenant_id();
    let id: Uuid = sqlx::query_scalar(
        "insert into subsidy_schemes (tenant_id, name, legal_basis, first_year, last_year, description, objection_body, kind) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning scheme_id",
    )
    .bind(tenant_id)
    .bind(&checked.name)
    .bind(&checked.legal_basis)
    .bind(checked.first_year)
    .bind(checked.last_year)
    .bind(&checked.description)
    .bind(&checked.objection_body)
    .bind(if form.soort == "pilot" { "pilot" } else { "tender" })
    .fetch_one(&mut *tx)
    .await?;
    if let Err(message) = write_lines(&mut tx, id, &checked).await? {
        let mut errors = FormErrors::default();
        errors.add("onderdelen", message);
        return form_page(&user, None, form, errors);
    }
    let event = Event::new("aangemaakt", "subsidieregeling", id).after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", schemes_base(&user))).into_response())
}

fn audit_value(c: &Checked) -> serde_json::Value {
    json!({
        "naam": c.name, "grondslag": c.legal_basis, "looptijd": format!("{}–{}", c.first_year, c.last_year),
        "omschrijving": c.description, "bezwaar_bij": c.objection_body,
        "dekking": c.budget.iter().map(|(y, s, a)| format!("{y}; {s}; {}", plain(*a))).collect::<Vec<_>>(),
        "onderdelen": c.categories.iter().map(|(_, n, _)| n.clone()).collect::<Vec<_>>(),
    })
}

/// Replaces the budget lines and brings the onderdelen in line with the form: new ones are
/// added, changed names and descriptions saved; one that a round uses cannot be removed.
async fn write_lines(tx: &mut TenantTx, id: Uuid, c: &Checked) -> AppResult<Result<(), String>> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from subsidy_budget_lines where tenant_id = $1 and scheme_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (year, source, cents) in &c.budget {
        sqlx::query(
            "insert into subsidy_budget_lines (tenant_id, scheme_id, year, source, amount_cents) values ($1, $2, $3, $4, $5)",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(year)
        .bind(source)
        .bind(cents)
        .execute(&mut **tx)
        .await?;
    }
    let existing: Vec<(String, String)> = sqlx::query_as(
        "select code, name from subsidy_categories c where tenant_id = $1 and scheme_id = $2 \
         and exists (select 1 from subsidy_round_categories rc where rc.tenant_id = c.tenant_id and rc.category_id = c.category_id)",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let kept: Vec<&str> = c
        .categories
        .iter()
        .map(|(code, _, _)| code.as_str())
        .collect();
    let in_use: Vec<String> = existing
        .iter()
        .filter(|(code, _)| !kept.contains(&code.as_str()))
        .map(|(_, name)| name.clone())
        .collect();
    if !in_use.is_empty() {
        return Ok(Err(format!(
            "{} {} in een ronde gebruikt en kan niet weg. Laat de regel staan (de naam mag u aanpassen zolang de code gelijk blijft).",
            in_use.join(", "),
            if in_use.len() == 1 { "wordt" } else { "worden" }
        )));
    }
    sqlx::query("delete from subsidy_categories where tenant_id = $1 and scheme_id = $2 and not (code = any($3))")
        .bind(tenant_id)
        .bind(id)
        .bind(&kept)
        .execute(&mut **tx)
        .await?;
    for (position, (code, name, description)) in c.categories.iter().enumerate() {
        sqlx::query(
            "insert into subsidy_categories (tenant_id, scheme_id, code, name, description, position) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, scheme_id, code) do update set name = excluded.name, \
             description = excluded.description, position = excluded.position",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(name)
        .bind(description)
        .bind(position as i32)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Ok(()))
}

/// GET /{tenant}/regelingen/{regeling}/wijzigen
pub async fn scheme_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(_q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = store::budget_lines(&mut tx, id).await?;
    let tenant_id = tx.tenant_id();
    let categories: Vec<(String, String)> = sqlx::query_as(
        "select name, description from subsidy_categories where tenant_id = $1 and scheme_id = $2 order by position, name",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let form = SchemeForm {
        naam: scheme.name,
        grondslag: scheme.legal_basis,
        eerste_jaar: scheme.first_year.to_string(),
        laatste_jaar: scheme.last_year.to_string(),
        omschrijving: scheme.description,
        bezwaar_bij: scheme.objection_body,
        soort: scheme.kind,
        dekking: lines
            .iter()
            .map(|l| format!("{}; {}; {}", l.year, l.source, plain(l.amount_cents)))
            .collect::<Vec<_>>()
            .join("\n"),
        onderdelen: categories
            .iter()
            .map(|(n, d)| {
                if d.is_empty() {
                    n.clone()
                } else {
                    format!("{n} | {d}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    form_page(&user, Some(id), form, FormErrors::default())
}

/// POST /{tenant}/regelingen/{regeling}
pub async fn scheme_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<SchemeForm>,
) -> AppResult<Response> {
    let id = ids.get("regeling");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = store::scheme(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return form_page(&user, Some(id), form, errors),
    };
    let tenant_id = tx.tenant_id();
    let round_years: Vec<i32> = sqlx::query_scalar(
        "select year from subsidy_rounds where tenant_id = $1 and scheme_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if round_years
        .iter()
        .any(|y| *y < checked.first_year || *y > checked.last_year)
    {
        let mut errors = FormErrors::default();
        errors.add(
            "eerste_jaar",
            "Er zijn rondes buiten deze looptijd; de looptijd moet die jaren blijven omvatten.",
        );
        return form_page(&user, Some(id), form, errors);
    }
    sqlx::query(
        "update subsidy_schemes set name = $3, legal_basis = $4, first_year = $5, last_year = $6, description = $7, \
         objection_body = $8, version = version + 1 where tenant_id = $1 and scheme_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&checked.name)
    .bind(&checked.legal_basis)
    .bind(checked.first_year)
    .bind(checked.last_year)
    .bind(&checked.description)
    .bind(&checked.objection_body)
    .execute(&mut *tx)
    .await?;
    if let Err(message) = write_lines(&mut tx, id, &checked).await? {
        drop(tx);
        let mut errors = FormErrors::default();
        errors.add("onderdelen", message);
        return form_page(&user, Some(id), form, errors);
    }
    let event = Event::new("gewijzigd", "subsidieregeling", id)
        .before(json!({"naam": before.name, "grondslag": before.legal_basis, "looptijd": format!("{}–{}", before.first_year, before.last_year)}))
        .after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=opgeslagen", schemes_base(&user))).into_response())
}

/// The budget per year as a map, for the round form's hint.
pub fn by_year(lines: &[store::BudgetLine]) -> BTreeMap<i32, i64> {
    let mut map = BTreeMap::new();
    for l in lines {
        *map.entry(l.year).or_insert(0) += l.amount_cents;
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_names() {
        assert_eq!(code_of("Huiskamer"), "huiskamer");
        assert_eq!(
            code_of("Inwonersondersteuning: informatie & advies"),
            "inwonersondersteuning_informatie_advies"
        );
        assert_eq!(code_of("Ééntje"), "eentje");
        assert_eq!(code_of("  --  "), "");
    }

    #[test]
    fn lines_are_checked_one_by_one() {
        let form = SchemeForm {
            naam: "Regeling".into(),
            grondslag: "ASV art. 4".into(),
            eerste_jaar: "2027".into(),
            laatste_jaar: "2028".into(),
            bezwaar_bij: "het college".into(),
            dekking: "2027; Wmo; 100.000\n2029; Wmo; 5\n2027; Wmo; 1\nonzin".into(),
            onderdelen: "Huiskamer | Ontmoeting\nHuiskamer".into(),
            ..SchemeForm::default()
        };
        let errors = check(&form).err().unwrap();
        let dekking = errors.get("dekking").unwrap();
        assert!(
            dekking.contains("regel 2: het jaar 2029 valt buiten de looptijd"),
            "{dekking}"
        );
        assert!(dekking.contains("regel 3: de bron ‘Wmo’ staat al bij 2027"));
        assert!(dekking.contains("regel 4: schrijf jaar; bron; bedrag"));
        assert!(errors.get("onderdelen").unwrap().contains("regel 2"));
        let ok = SchemeForm {
            dekking: "2027; Wmo; 100.000,50".into(),
            onderdelen: "Huiskamer | Ontmoeting".into(),
            ..form
        };
        let c = check(&ok).unwrap();
        assert_eq!(c.budget, vec![(2027, "Wmo".to_string(), 10_000_050)]);
        assert_eq!(c.categories[0].0, "huiskamer");
    }
}
