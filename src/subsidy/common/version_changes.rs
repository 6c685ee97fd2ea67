//! What changed between two versions of an application, part by part, as the official reads
//! it before assessing a completed application.

use crate::subsidy::common::view::VersionView;

/// One part that differs: its name and how it read in each version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub part: String,
    pub before: String,
    pub after: String,
}

/// The parts of `after` that differ from `before`, in the order of the form.
pub fn changes(before: &VersionView, after: &VersionView) -> Vec<Change> {
    let mut out = Vec::new();
    let mut compare = |part: &str, b: String, a: String| {
        if b != a {
            out.push(Change {
                part: part.to_string(),
                before: b,
                after: a,
            });
        }
    };
    compare("Titel", before.title.clone(), after.title.clone());
    compare(
        "Activiteiten",
        before.activities.clone(),
        after.activities.clone(),
    );
    compare(
        "Verwachte deelnemers",
        before.participants.to_string(),
        after.participants.to_string(),
    );
    compare("Bereik", before.reach.clone(), after.reach.clone());
    compare(
        "Tegenprestatie of vergoeding",
        before.counter_service.clone(),
        after.counter_service.clone(),
    );
    compare(
        "Voorzieningen",
        before.facilities.join(", "),
        after.facilities.join(", "),
    );
    for (b, a) in before.budget.iter().zip(&after.budget) {
        compare(&b.label, b.text.clone(), a.text.clone());
    }
    compare(
        "Gevraagde subsidie",
        before.requested.clone(),
        after.requested.clone(),
    );
    for a in &after.answers {
        let b = before
            .answers
            .iter()
            .find(|b| b.criterion == a.criterion)
            .map(|b| b.text.clone())
            .unwrap_or_default();
        compare(&format!("Antwoord bij {}", a.criterion), b, a.text.clone());
    }
    compare(
        "Verklaringen",
        before.declarations.join("\n"),
        after.declarations.join("\n"),
    );
    let mut kinds: Vec<&str> = before
        .documents
        .iter()
        .chain(&after.documents)
        .map(|d| d.kind.as_str())
        .collect();
    kinds.dedup();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let shown = |v: &VersionView| {
            v.documents
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| format!("{} ({}, toegevoegd {})", d.file_name, d.size, d.uploaded))
                .collect::<Vec<_>>()
                .join("; ")
        };
        compare(&format!("Document: {kind}"), shown(before), shown(after));
    }
    for change in &mut out {
        for text in [&mut change.before, &mut change.after] {
            if text.is_empty() {
                *text = "(leeg)".into();
            }
        }
    }
    out
}
