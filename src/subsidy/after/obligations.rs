//! What a grant obliges the recipient to (Awb 4:30–4:32, 4:37): spending it on the activities,
//! the accountability its amount band owes and by when, and what else the round asks. One
//! source for the decision letter and the application pages, so they cannot disagree.

use time::Date;

use crate::subsidy::after::settlement::Duty;
use crate::subsidy::common::store::Round;
use crate::web::time_fmt;

/// The obligations of a grant of some amount in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligations {
    /// What the amount band owes as accountability.
    pub duty: Duty,
    /// The day the accountability is due: the period's end plus the round's months.
    pub due: Date,
    /// What else the round asks, in its own words (may be empty).
    pub other: String,
}

impl Obligations {
    /// The obligations of a grant of `granted_cents` in `round`.
    pub fn of(round: &Round, granted_cents: i64) -> Self {
        Self {
            duty: round.duty(granted_cents),
            due: round.accountability_due(),
            other: round.obligations.trim().to_string(),
        }
    }

    /// The accountability in one phrase, as the letter and the pages say it: "een
    /// activiteitenverslag, uiterlijk op 30 april 2028".
    pub fn accountability(&self) -> String {
        match self.duty {
            Duty::Direct => self.duty.text().to_string(),
            _ => format!(
                "{}, uiterlijk op {}",
                self.duty.text(),
                time_fmt::date(self.due)
            ),
        }
    }

    /// Every obligation as a labelled line, in the order of the letter.
    pub fn lines(&self) -> Vec<(String, String)> {
        let mut lines = vec![
            (
                "Besteding".to_string(),
                "U besteedt de subsidie aan de activiteiten waarvoor zij is verleend.".to_string(),
            ),
            ("Verantwoording".to_string(), self.accountability()),
        ];
        if !self.other.is_empty() {
            lines.push(("Verder".to_string(), self.other.clone()));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn obligations(granted: i64, other: &str) -> Obligations {
        Obligations {
            duty: Duty::of(granted, 500_000, 5_000_000),
            due: crate::subsidy::after::settlement::accountability_due(date!(2027 - 12 - 31), 4),
            other: other.into(),
        }
    }

    #[test]
    fn the_band_and_the_computed_day_make_the_accountability() {
        let o = obligations(2_490_000, "");
        assert_eq!(o.due, date!(2028 - 04 - 30));
        assert_eq!(
            o.accountability(),
            "een activiteitenverslag, uiterlijk op 30 april 2028"
        );
        assert_eq!(
            o.lines().len(),
            2,
            "nothing else when the round asks nothing else"
        );
        let o = obligations(
            7_000_000,
            "Tussentijds melden als activiteiten niet doorgaan.",
        );
        assert!(o
            .accountability()
            .starts_with("een activiteitenverslag en een financieel verslag"));
        assert_eq!(
            o.lines()[2].1,
            "Tussentijds melden als activiteiten niet doorgaan."
        );
        let o = obligations(100_000, "");
        assert!(
            !o.accountability().contains("uiterlijk"),
            "a grant settled at once owes no report"
        );
    }
}
