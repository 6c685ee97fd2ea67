//! What the applicant reads of a completion: what was asked, and the parts that stay as
//! submitted, shown read-only beside the form of the parts to complete.

use crate::subsidy::apply::completion::Editable;
use crate::subsidy::common::store::{self, RoundCategory};
use crate::subsidy::common::view::{DocumentRow, VersionView};

/// The parts of `submitted` the applicant may not change, as (part, how it reads).
pub fn locked_rows(
    submitted: &VersionView,
    editable: &Editable,
    category: &RoundCategory,
) -> Vec<(String, String)> {
    let mut rows = vec![
        ("Titel".to_string(), submitted.title.clone()),
        (
            "Verwachte deelnemers".into(),
            submitted.participants.to_string(),
        ),
    ];
    if !editable.activities() {
        rows.push(("Activiteiten".into(), submitted.activities.clone()));
    }
    if !editable.reach() {
        rows.push(("Bereik".into(), submitted.reach.clone()));
    }
    if !submitted.counter_service.is_empty() {
        rows.push((
            "Tegenprestatie of vergoeding".into(),
            submitted.counter_service.clone(),
        ));
    }
    rows.push((
        "Voorzieningen".into(),
        if submitted.facilities.is_empty() {
            "geen gekozen".into()
        } else {
            submitted.facilities.join(", ")
        },
    ));
    for line in &submitted.budget {
        rows.push((
            format!("Begroting: {}", line.label.to_lowercase()),
            line.text.clone(),
        ));
    }
    rows.push(("Gevraagde subsidie".into(), submitted.requested.clone()));
    for c in category.criteria.iter().filter(|c| !c.computed) {
        if !editable.answer(&c.code) {
            let text = submitted
                .answers
                .iter()
                .find(|a| a.criterion == c.name)
                .map(|a| a.text.clone())
                .unwrap_or_default();
            rows.push((format!("Antwoord bij {}", c.name), text));
        }
    }
    if !editable.declarations() {
        rows.push(("Verklaringen".into(), submitted.declarations.join("\n")));
    }
    rows
}

/// The code of the document kind a row shows.
pub fn document_code(row: &DocumentRow) -> &'static str {
    store::DOCUMENTS
        .iter()
        .find(|(_, name)| *name == row.kind)
        .map(|(code, _)| *code)
        .unwrap_or("")
}
