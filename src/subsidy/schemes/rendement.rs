//! The rendement of subsidised day activities (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §3.2, the specification's section on
//! rendement): how much maatwerk the algemene voorziening avoids, and what that saves. Every
//! parameter is the tenant's input; the page shows each formula next to its result.
//!
//! - would need maatwerk = participants × share (rounded down to whole persons);
//! - avoided maatwerk cost = would need maatwerk × cost per place ÷ persons per place
//!   (cents, rounded half up);
//! - saving = avoided maatwerk cost − subsidy;
//! - municipal hours avoided = would need maatwerk × hours per maatwerk request, and the fte
//!   they equal = hours ÷ hours per fte per year;
//! - eigen bijdrage foregone = participants × contribution per month × 12.

use crate::subsidy::common::money::euro;

/// The inputs, as the official entered them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    pub participants: i64,
    /// The share that would otherwise need maatwerk, as a fraction.
    pub share_numerator: i64,
    pub share_denominator: i64,
    pub persons_per_place: i64,
    pub cost_per_place_cents: i64,
    pub subsidy_cents: i64,
    /// Hours of municipal work per maatwerk request, in tenths (3,5 hours = 35).
    pub hours_per_request_tenths: i64,
    pub hours_per_fte: i64,
    pub contribution_per_month_cents: i64,
}

impl Inputs {
    /// Seed 002 §3.2's worked example (the demo's figures).
    pub fn maastricht_2018() -> Self {
        Self {
            participants: 420,
            share_numerator: 2,
            share_denominator: 3,
            persons_per_place: 4,
            cost_per_place_cents: 1_663_200,
            subsidy_cents: 73_563_000,
            hours_per_request_tenths: 35,
            hours_per_fte: 1_300,
            contribution_per_month_cents: 1_900,
        }
    }
}

/// One computed figure with the formula it came from.
pub struct Figure {
    pub label: &'static str,
    pub formula: String,
    pub result: String,
}

pub struct Outcome {
    pub would_need: i64,
    pub avoided_cents: i64,
    pub saving_cents: i64,
    pub hours_tenths: i64,
    /// fte in hundredths.
    pub fte_hundredths: i64,
    pub foregone_cents: i64,
}

/// Computes the rendement; `None` when an input makes it meaningless (a zero denominator).
pub fn compute(i: &Inputs) -> Option<Outcome> {
    if i.share_denominator <= 0 || i.persons_per_place <= 0 || i.hours_per_fte <= 0 {
        return None;
    }
    let would_need = i.participants * i.share_numerator / i.share_denominator;
    let num = would_need as i128 * i.cost_per_place_cents as i128;
    let den = i.persons_per_place as i128;
    let avoided = ((2 * num + den) / (2 * den)) as i64;
    let hours_tenths = would_need * i.hours_per_request_tenths;
    // fte = hours / hours_per_fte, in hundredths, rounded half up.
    let fte_num = hours_tenths as i128 * 10;
    let fte_den = i.hours_per_fte as i128;
    let fte_hundredths = ((2 * fte_num + fte_den) / (2 * fte_den)) as i64;
    Some(Outcome {
        would_need,
        avoided_cents: avoided,
        saving_cents: avoided - i.subsidy_cents,
        hours_tenths,
        fte_hundredths,
        foregone_cents: i.participants * i.contribution_per_month_cents * 12,
    })
}

fn tenths(v: i64) -> String {
    if v % 10 == 0 {
        (v / 10).to_string()
    } else {
        format!("{},{}", v / 10, v % 10)
    }
}

/// The figures with their formulas, for the page.
pub fn figures(i: &Inputs, o: &Outcome) -> Vec<Figure> {
    vec![
        Figure {
            label: "Deelnemers die anders maatwerk nodig hadden",
            formula: format!(
                "{} × {}/{} (naar beneden afgerond)",
                i.participants, i.share_numerator, i.share_denominator
            ),
            result: o.would_need.to_string(),
        },
        Figure {
            label: "Vermeden kosten maatwerk",
            formula: format!(
                "{} × {} ÷ {} personen per plek",
                o.would_need,
                euro(i.cost_per_place_cents),
                i.persons_per_place
            ),
            result: euro(o.avoided_cents),
        },
        Figure {
            label: "Besparing",
            formula: format!(
                "{} − subsidie {}",
                euro(o.avoided_cents),
                euro(i.subsidy_cents)
            ),
            result: euro(o.saving_cents),
        },
        Figure {
            label: "Uren gemeentelijk werk vermeden",
            formula: format!(
                "{} aanvragen × {} uur",
                o.would_need,
                tenths(i.hours_per_request_tenths)
            ),
            result: format!("{} uur", tenths(o.hours_tenths)),
        },
        Figure {
            label: "Formatie (fte)",
            formula: format!(
                "{} uur ÷ {} uur per fte per jaar",
                tenths(o.hours_tenths),
                i.hours_per_fte
            ),
            result: format!(
                "{},{:02} fte",
                o.fte_hundredths / 100,
                o.fte_hundredths % 100
            ),
        },
        Figure {
            label: "Gederfde eigen bijdrage per jaar",
            formula: format!(
                "{} × {} per maand × 12",
                i.participants,
                euro(i.contribution_per_month_cents)
            ),
            result: euro(o.foregone_cents),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_002s_worked_example() {
        let o = compute(&Inputs::maastricht_2018()).unwrap();
        assert_eq!(o.would_need, 280);
        assert_eq!(o.avoided_cents, 116_424_000);
        assert_eq!(o.saving_cents, 42_861_000);
        assert_eq!(o.hours_tenths, 9_800);
        assert_eq!(o.fte_hundredths, 75);
        assert_eq!(o.foregone_cents, 9_576_000);
    }

    #[test]
    fn other_figures_and_rounding() {
        let i = Inputs {
            participants: 101,
            share_numerator: 1,
            share_denominator: 2,
            persons_per_place: 3,
            cost_per_place_cents: 1_000_000,
            subsidy_cents: 20_000_000,
            hours_per_request_tenths: 30,
            hours_per_fte: 1_500,
            contribution_per_month_cents: 0,
        };
        let o = compute(&i).unwrap();
        assert_eq!(o.would_need, 50, "101 × 1/2 = 50,5 → 50 persons");
        assert_eq!(
            o.avoided_cents, 16_666_667,
            "50 × € 10.000 ÷ 3 = € 166.666,67"
        );
        assert_eq!(o.saving_cents, -3_333_333, "a loss shows as negative");
        assert_eq!(o.fte_hundredths, 10, "150 hours ÷ 1.500 = 0,10 fte");
        assert_eq!(o.foregone_cents, 0);
        assert!(compute(&Inputs {
            persons_per_place: 0,
            ..i
        })
        .is_none());
        let f = figures(
            &Inputs::maastricht_2018(),
            &compute(&Inputs::maastricht_2018()).unwrap(),
        );
        assert_eq!(f[1].result, "€ 1.164.240,00");
        assert_eq!(f[1].formula, "280 × € 16.632,00 ÷ 4 personen per plek");
        assert_eq!(f[4].result, "0,75 fte");
    }
}
