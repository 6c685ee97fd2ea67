//! The rules of a round as typed in its form: dates and times, criteria with their weights,
//! plafonds per onderdeel, checked before anything is stored.

use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::subsidy::common::money::parse_euro;
use crate::subsidy::common::store::{self, Scheme};
use crate::subsidy::schemes::scheme_rules::code_of;
use crate::web::time_fmt;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

/// The form as typed; repeated fields (documents, declarations) as lists.
#[derive(Debug, Default, Clone)]
pub struct RoundForm {
    pub(in crate::subsidy) fields: BTreeMap<String, String>,
    pub(in crate::subsidy) documents: Vec<String>,
    pub(in crate::subsidy) declarations: Vec<String>,
}

impl RoundForm {
    pub(in crate::subsidy) fn from_body(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "documenten" => form.documents.push(v.into_owned()),
                "verklaringen" => form.declarations.push(v.into_owned()),
                _ => {
                    form.fields.insert(k.into_owned(), v.into_owned());
                }
            }
        }
        form
    }

    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn of(&self, key: &str, code: &str) -> &str {
        self.get(&format!("{key}_{code}"))
    }

    pub fn asks_document(&self, code: &&str) -> bool {
        self.documents.iter().any(|d| d == code)
    }

    pub fn asks_declaration(&self, code: &&str) -> bool {
        self.declarations.iter().any(|d| d == code)
    }

    pub(in crate::subsidy) fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.fields.insert(key.into(), value.into());
    }
}

/// One criterion as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionIn {
    pub code: String,
    pub name: String,
    pub pass_mark: i32,
    pub question: String,
    pub computed: bool,
}

/// Criteria lines `Naam | drempel | wat wordt beoordeeld`; the one named Prijs is computed.
pub fn parse_criteria(text: &str) -> Result<Vec<CriterionIn>, String> {
    let mut out: Vec<CriterionIn> = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        let (name, mark, question) = match parts.as_slice() {
            [name, mark, question] => (*name, *mark, *question),
            [name, mark] => (*name, *mark, ""),
            _ => {
                problems.push(format!(
                    "regel {}: schrijf naam | drempel | wat wordt beoordeeld",
                    n + 1
                ));
                continue;
            }
        };
        let code: String = code_of(name).chars().take(40).collect();
        match mark.parse::<i32>() {
            Ok(m)
                if (0..=10).contains(&m)
                    && code.len() >= 2
                    && !out.iter().any(|c| c.code == code) =>
            {
                out.push(CriterionIn {
                    computed: code == "prijs",
                    code,
                    name: name.chars().take(200).collect(),
                    pass_mark: m,
                    question: question.chars().take(2000).collect(),
                })
            }
            Ok(m) if (0..=10).contains(&m) => problems.push(format!(
                "regel {}: geef elk criterium een eigen naam",
                n + 1
            )),
            _ => problems.push(format!(
                "regel {}: de drempel is een heel getal van 0 tot en met 10",
                n + 1
            )),
        }
    }
    if !problems.is_empty() {
        Err(format!("Controleer de criteria: {}.", problems.join("; ")))
    } else if out.is_empty() {
        Err("Geef minstens één criterium.".into())
    } else {
        Ok(out)
    }
}

/// The criteria of the Maastricht beleidsnotitie Algemene voorzieningen 2020 §4.4, for a first round.
pub const DEFAULT_CRITERIA: &str = "Samenwerking | 6 | Op welke wijze wordt met anderen samengewerkt?\n\
Resultaat | 6 | Welke bijdrage levert het initiatief aan de saamhorigheid in de buurt en het ondersteunen van elkaar?\n\
Prijs | 6 | Berekend: de kosten per deelnemer in verhouding tot de goedkoopste aanvraag.\n\
Inclusie | 6 | Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen mee kan doen?\n\
Duurzaamheid | 6 | Op welke wijze is de voorziening georganiseerd zodat de continuïteit geborgd is?";

/// One onderdeel of the round, as checked.
pub struct CategoryIn {
    pub category_id: Uuid,
    pub ceiling_cents: i64,
    pub combine_rule: String,
    pub price_basis: String,
    pub fee_deduction: i32,
    pub tie_criterion: Option<String>,
    pub remainder_rule: String,
    pub criteria: Vec<CriterionIn>,
}

pub struct Checked {
    pub year: i32,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub decision_weeks: i32,
    /// Payment in this many parts (advances when more than one).
    pub advance_parts: i32,
    pub settle_direct_below: i64,
    pub financial_from: i64,
    pub accountability_months: i32,
    pub obligations: String,
    pub documents: Vec<String>,
    pub declarations: Vec<String>,
    pub categories: Vec<CategoryIn>,
}

pub(in crate::subsidy) fn moment(
    form: &RoundForm,
    prefix: &str,
    field: &'static str,
    what: &str,
    errors: &mut FormErrors,
) -> Option<OffsetDateTime> {
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let time_format = time::macros::format_description!("[hour]:[minute]");
    let date = Date::parse(form.get(&format!("{prefix}_datum")).trim(), &date_format);
    let clock = Time::parse(form.get(&format!("{prefix}_tijd")).trim(), &time_format);
    match (date, clock) {
        (Ok(d), Ok(t)) => Some(time_fmt::amsterdam_instant(d, t)),
        _ => {
            errors.add(field, format!("Vul bij {what} een datum (bijvoorbeeld 2027-01-15) en een tijd (bijvoorbeeld 09:00) in."));
            None
        }
    }
}

/// Checks the round form against the scheme and its onderdelen.
pub fn check(
    form: &RoundForm,
    scheme: &Scheme,
    categories: &[(Uuid, String, String)],
    now: OffsetDateTime,
) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let year = match form.get("jaar").trim().parse::<i32>() {
        Ok(y) if (scheme.first_year..=scheme.last_year).contains(&y) => y,
        _ => {
            errors.add(
                "jaar",
                format!(
                    "Kies een jaar van {} tot en met {}.",
                    scheme.first_year, scheme.last_year
                ),
            );
            0
        }
    };
    let opens_at = moment(form, "opent", "opent_datum", "de opening", &mut errors);
    // "Tot en met HH:MM" includes all of that minute.
    let closes_at =
        moment(form, "sluit", "sluit_datum", "de sluiting", &mut errors).map(store::end_of_minute);
    if let Some(o) = opens_at {
        if o <= now {
            errors.add("opent_datum", "De ronde opent in de toekomst: plafond en verdeling worden bekendgemaakt voordat aanvragen kan.");
        }
    }
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if c <= o {
            errors.add("sluit_datum", "De ronde sluit na de opening.");
        }
    }
    let decision_weeks = match form.get("beslistermijn").trim().parse::<i32>() {
        Ok(w) if (1..=26).contains(&w) => w,
        _ => {
            errors.add("beslistermijn", "Vul de beslistermijn in weken in (1 tot en met 26; de Awb noemt 8 als de regeling niets zegt).");
            0
        }
    };
    let whole = |key: &'static str,
                 range: std::ops::RangeInclusive<i32>,
                 message: &str,
                 errors: &mut FormErrors| {
        match form.get(key).trim().parse::<i32>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                errors.add(key, message.to_string());
                *range.start()
            }
        }
    };
    let advance_parts = whole(
        "voorschotten",
        1..=12,
        "Betalen in 1 tot en met 12 delen.",
        &mut errors,
    );
    let accountability_months = whole(
        "verantwoording_maanden",
        1..=24,
        "De verantwoording is 1 tot en met 24 maanden na de subsidieperiode verschuldigd.",
        &mut errors,
    );
    let band =
        |key: &'static str, what: &str, errors: &mut FormErrors| match parse_euro(form.get(key)) {
            Ok(Some(c)) => c,
            Ok(None) => 0,
            Err(m) => {
                errors.add(key, format!("{what}: {m}"));
                0
            }
        };
    let settle_direct_below = band("direct_onder", "Meteen vaststellen onder", &mut errors);
    let financial_from = band("financieel_vanaf", "Financieel verslag vanaf", &mut errors);
    if financial_from < settle_direct_below {
        errors.add(
            "financieel_vanaf",
            "De grens voor een financieel verslag ligt op of boven die voor meteen vaststellen.",
        );
    }
    let obligations = optional_text(form.get("verplichtingen"), 4000, "de verplichtingen")
        .map_err(|m| errors.add("verplichtingen", m))
        .unwrap_or_default();
    let documents: Vec<String> = store::DOCUMENTS
        .iter()
        .filter(|(c, _)| form.asks_document(c))
        .map(|(c, _)| c.to_string())
        .collect();
    let declarations: Vec<String> = store::DECLARATIONS
        .iter()
        .filter(|(c, _)| form.asks_declaration(c))
        .map(|(c, _)| c.to_string())
        .collect();
    let mut out = Vec::new();
    for (category_id, code, name) in categories {
        let ceiling = form.of("plafond", code);
        if ceiling.trim().is_empty() {
            continue;
        }
        let field = |f: &str| format!("{f}_{code}");
        let ceiling_cents = match parse_euro(ceiling) {
            Ok(Some(c)) => c,
            _ => {
                errors.add(
                    field("plafond"),
                    format!("{name}: vul het plafond in euro in, bijvoorbeeld 120.000."),
                );
                0
            }
        };
        let pick = |key: &str, allowed: &[&str]| {
            let v = form.of(key, code);
            allowed.contains(&v).then(|| v.to_string())
        };
        let combine_rule = pick("regel", &["gemiddelde", "eindbeoordelaar"]);
        let price_basis = pick(
            "prijsbasis",
            &["gevraagd", "vaste_lasten", "vaste_lasten_personeel"],
        );
        let remainder_rule = pick("restant", &["gedeeltelijk", "geen"]);
        if combine_rule.is_none() || price_basis.is_none() || remainder_rule.is_none() {
            errors.add(
                field("regel"),
                format!("{name}: kies de regels uit de lijsten."),
            );
        }
        let fee_deduction = match form.of("aftrek", code).trim() {
            "" => 0,
            t => match t.parse::<i32>() {
                Ok(d) if (0..=10).contains(&d) => d,
                _ => {
                    errors.add(
                        field("aftrek"),
                        format!("{name}: de aftrek is een heel getal van 0 tot en met 10."),
                    );
                    0
                }
            },
        };
        let criteria = match parse_criteria(form.of("criteria", code)) {
            Ok(c) => c,
            Err(m) => {
                errors.add(field("criteria"), format!("{name}: {m}"));
                Vec::new()
            }
        };
        let tie = form.of("gelijkspel", code).trim();
        let tie_criterion = if tie.is_empty() {
            None
        } else if criteria.iter().any(|c| c.code == tie) {
            Some(tie.to_string())
        } else {
            errors.add(
                field("gelijkspel"),
                format!("{name}: kies voor een gelijke stand een criterium van dit onderdeel."),
            );
            None
        };
        out.push(CategoryIn {
            category_id: *category_id,
            ceiling_cents,
            combine_rule: combine_rule.unwrap_or_default(),
            price_basis: price_basis.unwrap_or_default(),
            fee_deduction,
            tie_criterion,
            remainder_rule: remainder_rule.unwrap_or_default(),
            criteria,
        });
    }
    if out.is_empty() && errors.is_empty() {
        errors.add(
            "jaar",
            "Geef minstens één onderdeel een plafond: onderdelen zonder plafond doen niet mee.",
        );
    }
    match (errors.is_empty(), opens_at, closes_at) {
        (true, Some(opens_at), Some(closes_at)) => Ok(Checked {
            year,
            opens_at,
            closes_at,
            decision_weeks,
            obligations,
            documents,
            declarations,
            categories: out,
            advance_parts,
            settle_direct_below,
            financial_from,
            accountability_months,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_lines() {
        let c = parse_criteria(DEFAULT_CRITERIA).unwrap();
        assert_eq!(c.len(), 5);
        assert!(c[2].computed && c[2].code == "prijs");
        assert_eq!(c[0].pass_mark, 6);
        let err = parse_criteria("Samenwerking | 11 | x\nSamenwerking | 6\nonzin").unwrap_err();
        assert!(err.contains("regel 1: de drempel"), "{err}");
        assert!(err.contains("regel 3: schrijf naam"));
        assert!(parse_criteria("Samenwerking | 6\nSamenwerking | 7")
            .unwrap_err()
            .contains("eigen naam"));
    }
}
