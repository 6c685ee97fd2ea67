//! The inventory: for one gemeente, every facility type per levensgebied with the facilities
//! that count there, the (derived or recorded) status, the note and the progress. The page
//! ([`super::inventory_page`]) shows one form per levensgebied, folded; this file holds what
//! it is built from: the rows, the filter, which group is open, and the fingerprint that tells
//! a type the user changed from one they only sent back.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::status::Status;
use super::store::{ChecklistType, Entry, Listed};
use crate::register::lists;

/// A message at one field of one type's form.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// What a user sent for one type, shown again with the errors.
#[derive(Debug, Clone)]
pub struct Edit {
    pub code: String,
    pub status: String,
    pub note: String,
    pub version: i32,
    /// The fingerprint of what the form showed ([`fingerprint`]).
    pub was: String,
}

/// A refused save: the input of every type in the form, and why.
#[derive(Debug, Clone, Default)]
pub struct Edits {
    pub rows: Vec<Edit>,
    pub errors: Vec<FieldError>,
    /// Someone else saved a type in between: 409 instead of 422.
    pub conflict: bool,
    /// The levensgebied whose form was sent: it stays open.
    pub levensgebied: String,
}

/// The fingerprint of a status and note as a form shows them: sent back unchanged, it says
/// the user left that type alone, so a save by someone else in between is no conflict.
pub fn fingerprint(status: &str, note: &str) -> String {
    let digest = Sha256::digest(format!("{status}\u{0}{note}").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Which types the inventory shows: all, only the ones not yet assessed, or only the ones
/// recorded as missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Unknown,
    Missing,
}

impl Filter {
    /// `?filter=`: anything else shows all.
    pub fn parse(input: Option<&str>) -> Filter {
        match input.map(str::trim) {
            Some("onbekend") => Filter::Unknown,
            Some("ontbrekend") => Filter::Missing,
            _ => Filter::All,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Filter::All => "",
            Filter::Unknown => "onbekend",
            Filter::Missing => "ontbrekend",
        }
    }

    pub fn keeps(self, row: &Row) -> bool {
        match self {
            Filter::All => true,
            Filter::Unknown => row.status() == Status::Onbekend,
            Filter::Missing => row.status() == Status::NietAanwezig,
        }
    }

    /// The choices of the filter form: (code, label).
    pub fn choices() -> [(&'static str, &'static str); 3] {
        [
            ("", "Alle typen"),
            ("onbekend", "Alleen onbekend (nog niet beoordeeld)"),
            ("ontbrekend", "Alleen ontbrekend (niet aanwezig)"),
        ]
    }
}

pub struct Row {
    pub t: ChecklistType,
    pub facilities: Vec<(Uuid, String)>,
    /// The recorded status; onbekend without a record.
    pub recorded: Status,
    pub note: String,
    pub version: i32,
    pub form_status: String,
    pub form_note: String,
    pub form_version: i32,
    pub form_was: String,
    pub errors: Vec<FieldError>,
}

impl Row {
    pub fn status(&self) -> Status {
        if self.facilities.is_empty() {
            self.recorded
        } else {
            Status::Aanwezig
        }
    }

    /// Present by the register while an official recorded something else.
    pub fn overruled(&self) -> bool {
        !self.facilities.is_empty() && self.recorded.assessed()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        let id = format!("{field}-{}", self.t.code);
        self.errors
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }

    /// Puts what the user sent back into the form.
    pub fn apply(&mut self, edit: &Edit, errors: &[FieldError]) {
        self.form_status = edit.status.clone();
        self.form_note = edit.note.clone();
        self.form_version = edit.version;
        self.form_was = edit.was.clone();
        let mine = |e: &&FieldError| e.id.ends_with(&format!("-{}", self.t.code));
        self.errors = errors.iter().filter(mine).cloned().collect();
    }
}

pub struct Group {
    pub code: String,
    pub name: String,
    pub rows: Vec<Row>,
    /// Shown unfolded: asked for, just saved, or with errors.
    pub open: bool,
    /// The link that opens this group (keeping gemeente and filter).
    pub href: String,
}

impl Group {
    pub fn assessed(&self) -> usize {
        self.rows.iter().filter(|r| r.status().assessed()).count()
    }

    pub fn count(&self, status: Status) -> usize {
        self.rows.iter().filter(|r| r.status() == status).count()
    }

    pub fn shown(&self, filter: &Filter) -> usize {
        self.rows.iter().filter(|r| filter.keeps(r)).count()
    }

    pub fn has_errors(&self) -> bool {
        self.rows.iter().any(|r| !r.errors.is_empty())
    }
}

/// Types grouped by levensgebied, each with its facilities and recorded status in one gemeente.
pub fn assemble(
    types: &[ChecklistType],
    levensgebieden: &[lists::NamedCode],
    listed: &[&Listed],
    entries: &[&Entry],
) -> Vec<Group> {
    let mut facilities: HashMap<&str, Vec<(Uuid, String)>> = HashMap::new();
    for l in listed {
        facilities
            .entry(l.type_code.as_str())
            .or_default()
            .push((l.facility_id, l.name.clone()));
    }
    let recorded: HashMap<&str, &Entry> =
        entries.iter().map(|e| (e.type_code.as_str(), *e)).collect();
    levensgebieden
        .iter()
        .map(|g| Group {
            code: g.code.clone(),
            name: g.name.clone(),
            open: false,
            href: String::new(),
            rows: types
                .iter()
                .filter(|t| t.levensgebied == g.code)
                .map(|t| {
                    let entry = recorded.get(t.code.as_str());
                    let status = entry
                        .map(|e| Status::from_code(&e.status))
                        .unwrap_or(Status::Onbekend);
                    let note = entry.map(|e| e.note.clone()).unwrap_or_default();
                    let version = entry.map(|e| e.version).unwrap_or(0);
                    Row {
                        t: t.clone(),
                        facilities: facilities.remove(t.code.as_str()).unwrap_or_default(),
                        recorded: status,
                        form_status: status.code().to_string(),
                        form_was: fingerprint(status.code(), &note),
                        form_note: note.clone(),
                        form_version: version,
                        note,
                        version,
                        errors: Vec::new(),
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fingerprint, Filter};

    #[test]
    fn fingerprints_tell_status_and_note_apart() {
        assert_eq!(fingerprint("onbekend", ""), fingerprint("onbekend", ""));
        assert_ne!(
            fingerprint("onbekend", ""),
            fingerprint("niet_aanwezig", "")
        );
        assert_ne!(fingerprint("onbekend", "x"), fingerprint("onbekend", "y"));
        assert_eq!(fingerprint("onbekend", "").len(), 16);
    }

    #[test]
    fn the_filter_reads_only_its_two_codes() {
        assert_eq!(Filter::parse(Some("onbekend")), Filter::Unknown);
        assert_eq!(Filter::parse(Some("ontbrekend")), Filter::Missing);
        assert_eq!(Filter::parse(Some("<script>")), Filter::All);
        assert_eq!(Filter::parse(None), Filter::All);
    }
}
