//! The status of a facility type in a gemeente: *aanwezig* follows from the register, the
//! other three are what an official recorded (no record means *onbekend*).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Aanwezig,
    NietAanwezig,
    Onbekend,
    NietVanToepassing,
}

/// A choice in the status select.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

impl Status {
    /// The statuses an official can record, in the order the form offers them.
    pub const RECORDED: [Status; 3] = [
        Status::Onbekend,
        Status::NietAanwezig,
        Status::NietVanToepassing,
    ];

    /// The code stored in `checklist_entries.status`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Aanwezig => "aanwezig",
            Status::NietAanwezig => "niet_aanwezig",
            Status::Onbekend => "onbekend",
            Status::NietVanToepassing => "niet_van_toepassing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Aanwezig => "aanwezig",
            Status::NietAanwezig => "niet aanwezig",
            Status::Onbekend => "onbekend",
            Status::NietVanToepassing => "niet van toepassing",
        }
    }

    /// The short mark of the coverage matrix (always shown with its legend).
    pub fn mark(self) -> &'static str {
        match self {
            Status::Aanwezig => "",
            Status::NietAanwezig => "–",
            Status::Onbekend => "?",
            Status::NietVanToepassing => "n.v.t.",
        }
    }

    /// The short text of a cell of the compact coverage matrix, beside its colour (so the
    /// status never rests on colour alone); aanwezig shows the count instead.
    pub fn short(self) -> &'static str {
        match self {
            Status::Aanwezig => "ja",
            Status::NietAanwezig => "nee",
            Status::Onbekend => "?",
            Status::NietVanToepassing => "n.v.t.",
        }
    }

    /// Badge style of the inventory.
    pub fn badge(self) -> &'static str {
        match self {
            Status::Aanwezig => "badge--ok",
            Status::NietAanwezig => "badge--error",
            Status::Onbekend => "badge--warning",
            Status::NietVanToepassing => "badge--muted",
        }
    }

    /// A stored code (anything else reads as onbekend: the database allows only the three).
    pub fn from_code(code: &str) -> Status {
        match code {
            "niet_aanwezig" => Status::NietAanwezig,
            "niet_van_toepassing" => Status::NietVanToepassing,
            _ => Status::Onbekend,
        }
    }

    /// A recorded status from the form: exactly one of the three codes.
    pub fn parse_recorded(input: &str) -> Option<Status> {
        Status::RECORDED.into_iter().find(|s| s.code() == input)
    }

    /// A status as people type it in a spreadsheet: code or label, any case, `n.v.t.`;
    /// `aanwezig` too (the import ignores it).
    pub fn parse_text(input: &str) -> Option<Status> {
        let text: String = input.trim().to_lowercase().replace(['_', '-'], " ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        match text.as_str() {
            "aanwezig" => Some(Status::Aanwezig),
            "niet aanwezig" | "afwezig" | "nee" => Some(Status::NietAanwezig),
            "onbekend" | "?" | "" => Some(Status::Onbekend),
            "niet van toepassing" | "n.v.t." | "nvt" | "n.v.t" => Some(Status::NietVanToepassing),
            _ => None,
        }
    }

    /// Assessed: present, or a status other than onbekend.
    pub fn assessed(self) -> bool {
        self != Status::Onbekend
    }

    /// The status of the regio as a whole from those of its gemeenten: aanwezig when present
    /// anywhere; n.v.t. when it applies nowhere; onbekend while any gemeente has not been
    /// assessed; else niet aanwezig (absent wherever it applies).
    pub fn for_region(per_gemeente: &[Status]) -> Status {
        if per_gemeente.contains(&Status::Aanwezig) {
            Status::Aanwezig
        } else if per_gemeente.is_empty() || per_gemeente.contains(&Status::Onbekend) {
            Status::Onbekend
        } else if per_gemeente.iter().all(|s| *s == Status::NietVanToepassing) {
            Status::NietVanToepassing
        } else {
            Status::NietAanwezig
        }
    }

    pub fn choices() -> Vec<Choice> {
        Status::RECORDED
            .iter()
            .map(|s| Choice {
                code: s.code(),
                label: s.choice_label(),
            })
            .collect()
    }

    fn choice_label(self) -> &'static str {
        match self {
            Status::Onbekend => "Onbekend (nog niet beoordeeld)",
            Status::NietAanwezig => "Niet aanwezig",
            Status::NietVanToepassing => "Niet van toepassing",
            Status::Aanwezig => "Aanwezig",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn parsing() {
        assert_eq!(
            Status::parse_recorded("niet_aanwezig"),
            Some(Status::NietAanwezig)
        );
        assert_eq!(Status::parse_recorded("aanwezig"), None);
        assert_eq!(
            Status::parse_text(" Niet aanwezig "),
            Some(Status::NietAanwezig)
        );
        assert_eq!(
            Status::parse_text("N.V.T."),
            Some(Status::NietVanToepassing)
        );
        assert_eq!(
            Status::parse_text("niet_van_toepassing"),
            Some(Status::NietVanToepassing)
        );
        assert_eq!(Status::parse_text("Aanwezig"), Some(Status::Aanwezig));
        assert_eq!(Status::parse_text("misschien"), None);
        assert!(!Status::Onbekend.assessed() && Status::Aanwezig.assessed());
    }

    #[test]
    fn the_regio_as_a_whole() {
        use Status::*;
        assert_eq!(
            Status::for_region(&[NietAanwezig, Aanwezig, Onbekend]),
            Aanwezig
        );
        assert_eq!(Status::for_region(&[NietAanwezig, Onbekend]), Onbekend);
        assert_eq!(
            Status::for_region(&[NietVanToepassing, NietAanwezig]),
            NietAanwezig
        );
        assert_eq!(
            Status::for_region(&[NietVanToepassing, NietVanToepassing]),
            NietVanToepassing
        );
        assert_eq!(Status::for_region(&[]), Onbekend);
    }
}
