//! The application as typed: the fields read, checked and turned into a version; what a
//! complete application needs; until when it can be edited.

use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::subsidy::common::money::{euro, field};
use crate::subsidy::common::store::{self, Application, Round, RoundCategory, Version};
use crate::subsidy::decide::price::PriceBasis;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The most expected participants an application can state: more than any algemene voorziening
/// of a gemeente reaches, so a larger number is a typing error or an attempt at the price rule.
pub(in crate::subsidy) const MAX_PARTICIPANTS: i32 = 100_000;

/// Longest free-text answer.
pub(in crate::subsidy) const MAX_TEXT: usize = 8000;

/// The most characters of one field a draft keeps as typed when it does not parse.
const MAX_KEPT: usize = 4 * MAX_TEXT;

/// The form as typed: every value kept as text so it can be shown again.
#[derive(Debug, Default, Clone)]
pub struct RawApplication {
    pub titel: String,
    pub activiteiten: String,
    pub vaste_lasten: String,
    pub personeel: String,
    pub activiteitenkosten: String,
    pub overig: String,
    pub gevraagd: String,
    pub deelnemers: String,
    pub bereik: String,
    pub tegenprestatie: String,
    pub antwoorden: BTreeMap<String, String>,
    pub voorzieningen: Vec<String>,
    pub verklaringen: Vec<String>,
    /// The save the form was opened on (optimistic concurrency).
    pub bewaard: String,
    pub actie: String,
}

impl RawApplication {
    pub fn from_body(body: &[u8]) -> Self {
        Self::from_pairs(
            form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        )
    }

    /// The form from its fields as sent (urlencoded, or the text parts of an upload).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut raw = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "titel" => raw.titel = value,
                "activiteiten" => raw.activiteiten = value,
                "vaste_lasten" => raw.vaste_lasten = value,
                "personeel" => raw.personeel = value,
                "activiteitenkosten" => raw.activiteitenkosten = value,
                "overig" => raw.overig = value,
                "gevraagd" => raw.gevraagd = value,
                "deelnemers" => raw.deelnemers = value,
                "bereik" => raw.bereik = value,
                "tegenprestatie" => raw.tegenprestatie = value,
                "voorziening" => raw.voorzieningen.push(value),
                "verklaring" => raw.verklaringen.push(value),
                "bewaard" => raw.bewaard = value,
                "actie" => raw.actie = value,
                k => {
                    if let Some(code) = k.strip_prefix("antwoord_") {
                        raw.antwoorden.insert(code.to_string(), value);
                    }
                }
            }
        }
        raw
    }

    pub(in crate::subsidy) fn from_version(v: &Version) -> Self {
        Self {
            titel: v.title.clone(),
            activiteiten: v.activities.clone(),
            vaste_lasten: field(v.fixed_costs_cents, true),
            personeel: field(v.staff_costs_cents, true),
            activiteitenkosten: field(v.activity_costs_cents, true),
            overig: field(v.other_costs_cents, true),
            gevraagd: field(v.requested_cents, true),
            deelnemers: if v.participants == 0 {
                String::new()
            } else {
                v.participants.to_string()
            },
            bereik: v.reach.clone(),
            tegenprestatie: v.counter_service.clone(),
            antwoorden: v.answers.0.clone(),
            voorzieningen: v.facility_ids.iter().map(Uuid::to_string).collect(),
            verklaringen: v.declarations.clone(),
            bewaard: stamp(v.saved_at),
            actie: String::new(),
        }
    }

    /// Puts back the text typed in fields that did not parse when the draft was saved.
    pub(in crate::subsidy) fn overlay(&mut self, unparsed: &BTreeMap<String, String>) {
        for (field, text) in unparsed {
            let text = text.clone();
            match field.as_str() {
                "titel" => self.titel = text,
                "activiteiten" => self.activiteiten = text,
                "vaste_lasten" => self.vaste_lasten = text,
                "personeel" => self.personeel = text,
                "activiteitenkosten" => self.activiteitenkosten = text,
                "overig" => self.overig = text,
                "gevraagd" => self.gevraagd = text,
                "deelnemers" => self.deelnemers = text,
                "bereik" => self.bereik = text,
                k => {
                    if let Some(code) = k.strip_prefix("antwoord_") {
                        self.antwoorden.insert(code.to_string(), text);
                    }
                }
            }
        }
    }

    /// The text of the typed fields that `errors` names, to be kept with a draft as typed.
    /// Choices (facilities, tegenprestatie) are not kept: only what the form offers can be
    /// chosen again.
    pub(in crate::subsidy) fn unparsed(&self, errors: &FormErrors) -> BTreeMap<String, String> {
        let mut kept = BTreeMap::new();
        for (field, _) in errors.items() {
            let text = match field.as_ref() {
                "titel" => &self.titel,
                "activiteiten" => &self.activiteiten,
                "vaste_lasten" => &self.vaste_lasten,
                "personeel" => &self.personeel,
                "activiteitenkosten" => &self.activiteitenkosten,
                "overig" => &self.overig,
                "gevraagd" => &self.gevraagd,
                "deelnemers" => &self.deelnemers,
                "bereik" => &self.bereik,
                k => match k.strip_prefix("antwoord_") {
                    Some(code) => self.answer(code),
                    None => continue,
                },
            };
            // Bounded, so a pasted book is kept in part rather than refused; NUL cannot be stored.
            let text: String = text.chars().filter(|c| *c != '\0').take(MAX_KEPT).collect();
            kept.insert(field.to_string(), text);
        }
        kept
    }

    pub fn answer(&self, code: &str) -> &str {
        self.antwoorden.get(code).map(String::as_str).unwrap_or("")
    }

    pub fn declared(&self, code: &&str) -> bool {
        self.verklaringen.iter().any(|d| d == code)
    }

    pub fn funds(&self, facility: &Uuid) -> bool {
        let id = facility.to_string();
        self.voorzieningen.contains(&id)
    }
}

pub(in crate::subsidy) fn stamp(at: OffsetDateTime) -> String {
    at.unix_timestamp_nanos().to_string()
}

/// The form checked for storing: numbers parsed, texts bounded.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub title: String,
    pub activities: String,
    pub fixed: i64,
    pub staff: i64,
    pub activity: i64,
    pub other: i64,
    pub requested: i64,
    pub participants: i32,
    pub reach: String,
    pub counter_service: String,
    pub answers: BTreeMap<String, String>,
    pub facilities: Vec<Uuid>,
    pub declarations: Vec<String>,
}

impl Parsed {
    pub fn budget_total(&self) -> i64 {
        self.fixed + self.staff + self.activity + self.other
    }
}

pub(in crate::subsidy) fn amount(
    raw: &str,
    field_name: &'static str,
    what: &str,
    errors: &mut FormErrors,
) -> i64 {
    match crate::subsidy::common::money::parse_euro(raw) {
        Ok(Some(cents)) if cents > 99_999_999_999 => {
            errors.add(
                field_name,
                format!("{what}: dit bedrag is onwaarschijnlijk groot; controleer het."),
            );
            0
        }
        Ok(value) => value.unwrap_or(0),
        Err(message) => {
            errors.add(field_name, format!("{what}: {message}"));
            0
        }
    }
}

/// Checks the form: malformed numbers and overlong texts are errors; missing parts are not
/// (yet). A submission needs it without errors.
pub fn parse(
    raw: &RawApplication,
    round: &Round,
    category: &RoundCategory,
    facilities: &[(Uuid, String)],
) -> Result<Parsed, FormErrors> {
    let (parsed, errors) = parse_draft(raw, round, category, facilities);
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// The form as far as it parses, and what did not: a draft stores the first and keeps the
/// typed text of the second (see [`RawApplication::unparsed`]).
pub fn parse_draft(
    raw: &RawApplication,
    round: &Round,
    category: &RoundCategory,
    facilities: &[(Uuid, String)],
) -> (Parsed, FormErrors) {
    let mut errors = FormErrors::default();
    let mut text =
        |value: &str, field_name: &'static str, what: &str, max: usize| match optional_text(
            value, max, what,
        ) {
            Ok(t) => t,
            Err(message) => {
                errors.add(field_name, message);
                String::new()
            }
        };
    let title = text(&raw.titel, "titel", "de titel", 200);
    let activities = text(
        &raw.activiteiten,
        "activiteiten",
        "de beschrijving van de activiteiten",
        MAX_TEXT,
    );
    let reach = text(&raw.bereik, "bereik", "het bereik", 2000);
    let mut answers = BTreeMap::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let what = format!("het antwoord bij {}", c.name);
        match optional_text(raw.answer(&c.code), MAX_TEXT, &what) {
            Ok(t) => {
                answers.insert(c.code.clone(), t);
            }
            Err(message) => errors.add(answer_field(&c.code), message),
        }
    }
    let fixed = amount(
        &raw.vaste_lasten,
        "vaste_lasten",
        "Vaste lasten",
        &mut errors,
    );
    let staff = amount(
        &raw.personeel,
        "personeel",
        "Betaalde krachten",
        &mut errors,
    );
    let activity = amount(
        &raw.activiteitenkosten,
        "activiteitenkosten",
        "Activiteiten",
        &mut errors,
    );
    let other = amount(&raw.overig, "overig", "Overige kosten", &mut errors);
    let requested = amount(&raw.gevraagd, "gevraagd", "Gevraagd bedrag", &mut errors);
    let participants = match crate::fields::count(&raw.deelnemers, "Het aantal deelnemers") {
        Ok(Some(n)) if n > MAX_PARTICIPANTS => {
            errors.add(
                "deelnemers",
                format!(
                    "Het verwachte aantal deelnemers is onwaarschijnlijk groot (meer dan {}); vul het aantal verschillende \
                     deelnemers in dat u in de subsidieperiode verwacht.", 
                    "100.000"
                ),
            );
            0
        }
        Ok(n) => n.unwrap_or(0),
        Err(message) => {
            errors.add("deelnemers", message);
            0
        }
    };
    let counter_service = match raw.tegenprestatie.trim() {
        "" | "tegenprestatie" | "vergoeding" => raw.tegenprestatie.trim().to_string(),
        _ => {
            errors.add("tegenprestatie", "Kies tegenprestatie of vergoeding.");
            String::new()
        }
    };
    let mut chosen = Vec::new();
    for f in &raw.voorzieningen {
        match Uuid::parse_str(f)
            .ok()
            .filter(|id| facilities.iter().any(|(fid, _)| fid == id))
        {
            Some(id) if !chosen.contains(&id) => chosen.push(id),
            Some(_) => {}
            None => errors.add(
                "voorziening",
                "Kies alleen voorzieningen van uw eigen organisatie uit de lijst.",
            ),
        }
    }
    let declarations: Vec<String> = round
        .declarations
        .iter()
        .filter(|d| raw.declared(&d.as_str()))
        .cloned()
        .collect();
    (
        Parsed {
            title,
            activities,
            fixed,
            staff,
            activity,
            other,
            requested,
            participants,
            reach,
            counter_service,
            answers,
            facilities: chosen,
            declarations,
        },
        errors,
    )
}

/// The form field of the answer to criterion `code`.
pub fn answer_field(code: &str) -> String {
    format!("antwoord_{code}")
}

/// What a submission needs beyond a draft: every part filled in, the budget adding up, the
/// declarations made and the documents attached.
pub fn check_complete(
    p: &Parsed,
    round: &Round,
    category: &RoundCategory,
    documents: &[String],
) -> FormErrors {
    let mut errors = FormErrors::default();
    if p.title.is_empty() {
        errors.add("titel", "Geef de aanvraag een titel.");
    }
    if p.activities.is_empty() {
        errors.add(
            "activiteiten",
            "Beschrijf de activiteiten waarvoor u subsidie vraagt.",
        );
    }
    if p.budget_total() == 0 {
        errors.add(
            "vaste_lasten",
            "Vul de begroting in: vaste lasten, betaalde krachten, activiteiten en overige kosten.",
        );
    }
    if p.budget_total() > 0 {
        let basis = PriceBasis::parse(&category.price_basis).unwrap_or(PriceBasis::Requested);
        let basis_cents = match basis {
            PriceBasis::Requested => p.requested.max(1),
            PriceBasis::FixedCosts => p.fixed,
            PriceBasis::FixedAndStaff => p.fixed + p.staff,
        };
        if basis_cents == 0 {
            errors.add(
                "vaste_lasten",
                format!(
                    "In dit onderdeel wordt de prijs berekend als {} per deelnemer. Met € 0 valt er niets te \
                     vergelijken: vul de {} in die bij de activiteiten horen.",
                    basis.label(),
                    basis.label()
                ),
            );
        }
    }
    if p.requested == 0 {
        errors.add("gevraagd", "Vul het bedrag in dat u aanvraagt.");
    } else if p.requested > p.budget_total() {
        errors.add(
            "gevraagd",
            format!(
                "U vraagt {} maar de begroting is {}: het gevraagde bedrag kan niet hoger zijn dan de begroting.",
                euro(p.requested),
                euro(p.budget_total())
            ),
        );
    }
    if p.participants == 0 {
        errors.add("deelnemers", "Vul het verwachte aantal deelnemers in (minstens 1); de prijs wordt per deelnemer berekend.");
    }
    if p.reach.is_empty() {
        errors.add(
            "bereik",
            "Beschrijf het bereik: voor wie, in welke buurten, hoe vaak.",
        );
    }
    if category.fee_deduction > 0 && p.counter_service.is_empty() {
        errors.add(
            "tegenprestatie",
            "Kies of deelnemers een tegenprestatie leveren of een vergoeding betalen.",
        );
    }
    for c in category.criteria.iter().filter(|c| !c.computed) {
        if p.answers.get(&c.code).is_none_or(|a| a.is_empty()) {
            errors.add(
                answer_field(&c.code),
                format!("Beantwoord de vraag bij {}.", c.name),
            );
        }
    }
    if p.declarations.len() < round.declarations.len() {
        errors.add(
            "verklaring",
            "Alle verklaringen zijn nodig om de aanvraag in te dienen.",
        );
    }
    let missing: Vec<&str> = round
        .documents
        .iter()
        .filter(|d| !documents.contains(d))
        .map(|d| store::document_name(d))
        .collect();
    if !missing.is_empty() {
        errors.add(
            "documenten",
            format!("Voeg nog toe: {}.", missing.join(", ")),
        );
    }
    errors
}

/// The moment after which the applicant can no longer change this application.
pub fn edit_deadline(application: &Application, round: &Round) -> Option<OffsetDateTime> {
    match application.status.as_str() {
        "concept" => Some(round.closes_at),
        "aanvulling" => application.completion_due,
        _ => None,
    }
}
