//! What a completion (Awb 4:5) may change. The official names the parts to complete: documents,
//! the declarations, the answer to a criterion, the description of the activities or of the
//! reach. Only those change in the version the completion opens; the title, the amounts, the
//! budget lines, the participants, the funded facilities and every other answer stay as
//! submitted, whatever the applicant sends.

use crate::subsidy::apply::form::{Parsed, RawApplication};
use crate::subsidy::common::store::{self, Round, RoundCategory, Version};

/// The description of the activities.
pub const ACTIVITIES: &str = "activiteiten";
/// The description of the reach.
pub const REACH: &str = "bereik";
/// The declarations, as a whole.
pub const DECLARATIONS: &str = "verklaringen";

/// The part of document kind `code`.
pub fn document_part(code: &str) -> String {
    format!("document:{code}")
}

/// The part of the answer to criterion `code`.
pub fn answer_part(code: &str) -> String {
    format!("antwoord:{code}")
}

/// A part an official can ask to complete: its code and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub code: String,
    pub label: String,
}

/// The parts of an application in `category` of `round` that a completion can name, in the
/// order of the form.
pub fn namable(round: &Round, category: &RoundCategory) -> Vec<Part> {
    let mut parts = vec![
        Part {
            code: ACTIVITIES.into(),
            label: "De beschrijving van de activiteiten".into(),
        },
        Part {
            code: REACH.into(),
            label: "Het bereik".into(),
        },
    ];
    for c in category.criteria.iter().filter(|c| !c.computed) {
        parts.push(Part {
            code: answer_part(&c.code),
            label: format!("Het antwoord bij {}", c.name),
        });
    }
    if !round.declarations.is_empty() {
        parts.push(Part {
            code: DECLARATIONS.into(),
            label: "De verklaringen".into(),
        });
    }
    for d in &round.documents {
        parts.push(Part {
            code: document_part(d),
            label: format!("Document: {}", store::document_name(d).to_lowercase()),
        });
    }
    parts
}

/// The parts chosen from `selected`, in the order of `namable`; a clear message when none is
/// chosen or one is not a part of this application.
pub fn chosen(selected: &[String], namable: &[Part]) -> Result<Vec<String>, &'static str> {
    if selected
        .iter()
        .any(|s| !namable.iter().any(|p| &p.code == s))
    {
        return Err("Kies alleen onderdelen uit de lijst.");
    }
    let parts: Vec<String> = namable
        .iter()
        .filter(|p| selected.contains(&p.code))
        .map(|p| p.code.clone())
        .collect();
    if parts.is_empty() {
        return Err(
            "Kies wat de aanvrager moet aanvullen: alleen dat kan in de nieuwe versie veranderen.",
        );
    }
    Ok(parts)
}

/// The labels of `parts`, as the applicant and the letter read them.
pub fn labels(parts: &[String], namable: &[Part]) -> Vec<String> {
    namable
        .iter()
        .filter(|p| parts.contains(&p.code))
        .map(|p| p.label.clone())
        .collect()
}

/// What the applicant may change in the current version.
#[derive(Debug, Clone, Default)]
pub struct Editable {
    /// A draft before submission: everything.
    all: bool,
    parts: Vec<String>,
}

impl Editable {
    /// Everything: a draft.
    pub fn everything() -> Self {
        Self {
            all: true,
            parts: Vec::new(),
        }
    }

    /// The parts a completion named. A completion asked before parts were named may change
    /// the descriptions, answers, declarations and documents: never the amounts.
    pub fn completion(parts: Option<&[String]>, namable: &[Part]) -> Self {
        let parts = match parts {
            Some(p) => p.to_vec(),
            None => namable.iter().map(|p| p.code.clone()).collect(),
        };
        Self { all: false, parts }
    }

    /// What `version` of an application in `status` may change.
    pub fn of(status: &str, version: &Version, namable: &[Part]) -> Self {
        if status == "aanvulling" {
            Self::completion(version.completion_parts.as_deref(), namable)
        } else {
            Self::everything()
        }
    }

    /// A completion limits what can change.
    pub fn limited(&self) -> bool {
        !self.all
    }

    fn has(&self, part: &str) -> bool {
        self.all || self.parts.iter().any(|p| p == part)
    }

    /// The title, amounts, budget lines, participants, facilities and counter-service: only
    /// in a draft.
    pub fn core(&self) -> bool {
        self.all
    }

    pub fn activities(&self) -> bool {
        self.has(ACTIVITIES)
    }

    pub fn reach(&self) -> bool {
        self.has(REACH)
    }

    pub fn answer(&self, code: &str) -> bool {
        self.has(&answer_part(code))
    }

    pub fn declarations(&self) -> bool {
        self.has(DECLARATIONS)
    }

    pub fn document(&self, code: &str) -> bool {
        self.has(&document_part(code))
    }

    /// Whether the applicant can fix what the form reports at `field`: in a completion, a
    /// part that was not named is not the applicant's to complete, so it does not block.
    pub fn may_fix(&self, field: &str) -> bool {
        if self.all {
            return true;
        }
        match field {
            "activiteiten" => self.activities(),
            "bereik" => self.reach(),
            "verklaring" => self.declarations(),
            "documenten" => true,
            f => f
                .strip_prefix("antwoord_")
                .is_some_and(|code| self.answer(code)),
        }
    }

    /// The document kinds of `round` a completion leaves as they were: they count as present,
    /// since the applicant was not asked for them.
    pub fn documents_not_asked(&self, round: &Round) -> Vec<String> {
        round
            .documents
            .iter()
            .filter(|d| !self.document(d))
            .cloned()
            .collect()
    }
}

/// The form as typed with every part the applicant may not change put back to `submitted`, so
/// that what was not asked neither changes nor fails a check.
pub fn limit_raw(
    typed: RawApplication,
    submitted: &RawApplication,
    editable: &Editable,
) -> RawApplication {
    if !editable.limited() {
        return typed;
    }
    let mut out = submitted.clone();
    out.bewaard = typed.bewaard;
    out.actie = typed.actie;
    if editable.activities() {
        out.activiteiten = typed.activiteiten;
    }
    if editable.reach() {
        out.bereik = typed.bereik;
    }
    if editable.declarations() {
        out.verklaringen = typed.verklaringen;
    }
    for (code, answer) in typed.antwoorden {
        if editable.answer(&code) {
            out.antwoorden.insert(code, answer);
        }
    }
    out
}

/// `typed` with every part the applicant may not change taken exactly from `submitted`.
pub fn limit(typed: Parsed, submitted: &Version, editable: &Editable) -> Parsed {
    if !editable.limited() {
        return typed;
    }
    let mut answers = submitted.answers.0.clone();
    for (code, answer) in typed.answers {
        if editable.answer(&code) {
            answers.insert(code, answer);
        }
    }
    Parsed {
        title: submitted.title.clone(),
        activities: if editable.activities() {
            typed.activities
        } else {
            submitted.activities.clone()
        },
        fixed: submitted.fixed_costs_cents,
        staff: submitted.staff_costs_cents,
        activity: submitted.activity_costs_cents,
        other: submitted.other_costs_cents,
        requested: submitted.requested_cents,
        participants: submitted.participants,
        reach: if editable.reach() {
            typed.reach
        } else {
            submitted.reach.clone()
        },
        counter_service: submitted.counter_service.clone(),
        answers,
        facilities: submitted.facility_ids.clone(),
        declarations: if editable.declarations() {
            typed.declarations
        } else {
            submitted.declarations.clone()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<Part> {
        [
            "activiteiten",
            "antwoord:samenwerking",
            "document:jaarverslag",
        ]
        .iter()
        .map(|c| Part {
            code: c.to_string(),
            label: c.to_string(),
        })
        .collect()
    }

    #[test]
    fn a_completion_names_at_least_one_known_part() {
        assert!(chosen(&[], &parts()).is_err());
        assert!(chosen(&["deelnemers".into()], &parts()).is_err());
        assert!(chosen(&["document:begroting".into()], &parts()).is_err());
        assert_eq!(
            chosen(
                &[
                    "document:jaarverslag".into(),
                    "activiteiten".into(),
                    "activiteiten".into()
                ],
                &parts()
            )
            .unwrap(),
            vec![
                "activiteiten".to_string(),
                "document:jaarverslag".to_string()
            ]
        );
    }

    #[test]
    fn only_named_parts_are_editable() {
        let e = Editable::completion(Some(&["antwoord:samenwerking".to_string()]), &parts());
        assert!(e.limited() && !e.core());
        assert!(e.answer("samenwerking"));
        assert!(!e.answer("resultaat"));
        assert!(!e.activities() && !e.reach() && !e.declarations());
        assert!(!e.document("jaarverslag"));
        assert!(e.may_fix("antwoord_samenwerking") && e.may_fix("documenten"));
        assert!(!e.may_fix("antwoord_resultaat") && !e.may_fix("gevraagd"));
        assert!(!e.may_fix("verklaring") && !e.may_fix("titel"));
        let all = Editable::everything();
        assert!(all.core() && all.answer("x") && all.document("y"));
        // A completion asked before parts were named: never the amounts.
        let legacy = Editable::completion(None, &parts());
        assert!(!legacy.core() && legacy.activities() && legacy.document("jaarverslag"));
    }

    #[test]
    fn a_limited_form_keeps_what_was_submitted() {
        let mut submitted = RawApplication {
            titel: "Huiskamer".into(),
            vaste_lasten: "32.600,00".into(),
            gevraagd: "32.600,00".into(),
            deelnemers: "92".into(),
            ..RawApplication::default()
        };
        submitted
            .antwoorden
            .insert("samenwerking".into(), "oud".into());
        submitted
            .antwoorden
            .insert("resultaat".into(), "oud".into());
        let mut typed = RawApplication {
            titel: "Anders".into(),
            vaste_lasten: "0".into(),
            gevraagd: "90.000".into(),
            deelnemers: "10000000".into(),
            bewaard: "7".into(),
            ..RawApplication::default()
        };
        typed
            .antwoorden
            .insert("samenwerking".into(), "nieuw".into());
        typed.antwoorden.insert("resultaat".into(), "nieuw".into());
        let e = Editable::completion(Some(&["antwoord:samenwerking".to_string()]), &parts());
        let out = limit_raw(typed, &submitted, &e);
        assert_eq!(out.titel, "Huiskamer");
        assert_eq!(out.vaste_lasten, "32.600,00");
        assert_eq!(out.gevraagd, "32.600,00");
        assert_eq!(out.deelnemers, "92");
        assert_eq!(out.answer("samenwerking"), "nieuw");
        assert_eq!(out.answer("resultaat"), "oud");
        assert_eq!(out.bewaard, "7");
    }
}
