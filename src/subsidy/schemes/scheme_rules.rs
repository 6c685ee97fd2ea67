//! The rules of a regeling as typed in its form: name and code, legal basis, the budget per
//! year and its dekking, checked before anything is stored.

use crate::fields::{long_text, optional_text, required_text};
use crate::form_errors::FormErrors;
use crate::subsidy::common::money::parse_euro;
use crate::subsidy::common::store;
use serde::Deserialize;
use std::collections::BTreeMap;

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

pub(in crate::subsidy) fn year(text: &str, field: &'static str, errors: &mut FormErrors) -> i32 {
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
