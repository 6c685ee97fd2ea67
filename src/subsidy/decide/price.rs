//! The price criterion is computed, not judged (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §4.4: "dat initiatief krijgt het
//! maximaal aantal punten"). The rule, stated to assessors and applicants alike:
//!
//! cost per participant = the round's cost basis ÷ expected participants; the cheapest
//! application of the onderdeel gets 10 points, every other one 10 × cheapest ÷ own, rounded to
//! whole points (half up); a service that charges a fee instead of asking a tegenprestatie loses
//! the round's fee deduction (never below 0). All arithmetic is on integers (cents × participants),
//! so the result does not depend on floating point.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the cost basis of the price criterion is, as the round published it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceBasis {
    /// The amount requested.
    Requested,
    /// Fixed costs (vaste lasten) only: the huiskamer rule.
    FixedCosts,
    /// Fixed costs plus paid staff: the dagactiviteiten rule.
    FixedAndStaff,
}

impl PriceBasis {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "gevraagd" => Some(Self::Requested),
            "vaste_lasten" => Some(Self::FixedCosts),
            "vaste_lasten_personeel" => Some(Self::FixedAndStaff),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Requested => "gevraagd",
            Self::FixedCosts => "vaste_lasten",
            Self::FixedAndStaff => "vaste_lasten_personeel",
        }
    }

    /// "vaste lasten per deelnemer"
    pub fn label(self) -> &'static str {
        match self {
            Self::Requested => "gevraagd bedrag",
            Self::FixedCosts => "vaste lasten",
            Self::FixedAndStaff => "vaste lasten en kosten betaalde krachten",
        }
    }
}

/// One application's inputs to the price rule.
#[derive(Debug, Clone)]
pub struct PriceInput {
    pub application_id: Uuid,
    /// The cost basis in cents.
    pub cost_cents: i64,
    pub participants: i64,
    /// A service that charges a fee rather than asking a tegenprestatie.
    pub charges_fee: bool,
}

/// The computed price points of one application, with what they rest on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PricePoints {
    pub application_id: Uuid,
    pub points: i32,
    /// Cost per participant in cents (rounded half up, for display only).
    pub per_participant_cents: i64,
    /// The cheapest cost per participant of the onderdeel, in cents (display only).
    pub cheapest_cents: i64,
    pub fee_deducted: i32,
}

/// The price points of every application of one onderdeel. An application without
/// participants cannot be compared and gets 0 points.
pub fn price_points(inputs: &[PriceInput], fee_deduction: i32) -> Vec<PricePoints> {
    // The cheapest as a fraction cost/participants; compared by cross-multiplication.
    let cheapest = inputs
        .iter()
        .filter(|i| i.participants > 0)
        .map(|i| (i.cost_cents.max(0) as i128, i.participants as i128))
        .min_by(|a, b| (a.0 * b.1).cmp(&(b.0 * a.1)));
    inputs
        .iter()
        .map(|input| {
            let (points, per) = match cheapest {
                Some((cc, cp)) if input.participants > 0 => {
                    let (oc, op) = (input.cost_cents.max(0) as i128, input.participants as i128);
                    let points = if oc == 0 {
                        10
                    } else {
                        // round(10 × (cc/cp) / (oc/op)) = round(10·cc·op / (cp·oc)), half up.
                        let num = 10 * cc * op;
                        let den = cp * oc;
                        ((2 * num + den) / (2 * den)).min(10) as i32
                    };
                    (points, ((2 * oc + op) / (2 * op)) as i64)
                }
                _ => (0, 0),
            };
            let deducted = if input.charges_fee {
                fee_deduction.min(points)
            } else {
                0
            };
            PricePoints {
                application_id: input.application_id,
                points: points - deducted,
                per_participant_cents: per,
                cheapest_cents: cheapest
                    .map(|(c, p)| ((2 * c + p) / (2 * p)) as i64)
                    .unwrap_or(0),
                fee_deducted: deducted,
            }
        })
        .collect()
}

/// The rule in words, for the pages that show the price points.
pub fn rule_text(basis: PriceBasis, fee_deduction: i32) -> String {
    let mut text = format!(
        "Prijs wordt berekend: {} gedeeld door het verwachte aantal deelnemers. De goedkoopste \
         aanvraag van het onderdeel krijgt 10 punten, elke andere 10 × goedkoopste ÷ eigen kosten \
         per deelnemer, afgerond op hele punten (vanaf ,5 naar boven).",
        basis.label()
    );
    text.push_str(&format!(
        " De kostenbasis ({}) mag niet € 0 zijn en het verwachte aantal deelnemers is ten hoogste 100.000. Vóór het \
         besluit markeert de rangschikking elke aanvraag waarvan de kosten per deelnemer lager zijn dan een \
         kwart van de mediaan van het onderdeel, of waarvan het verwachte aantal deelnemers hoger is dan \
         drie keer het aantal bezoekers vorig jaar van de genoemde voorzieningen in het register; een \
         beleidsmedewerker controleert elke markering en legt die controle met een reden vast voordat over \
         het onderdeel wordt besloten.",
        basis.label()
    ));
    if fee_deduction > 0 {
        text.push_str(&format!(
            " Een dienst die een vergoeding vraagt in plaats van een tegenprestatie krijgt \
             {fee_deduction} punt{} minder (niet onder 0).",
            if fee_deduction == 1 { "" } else { "en" }
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(n: u128, cost: i64, participants: i64, fee: bool) -> PriceInput {
        PriceInput {
            application_id: Uuid::from_u128(n),
            cost_cents: cost,
            participants,
            charges_fee: fee,
        }
    }

    #[test]
    fn cheapest_gets_ten_and_others_in_proportion() {
        // 100 per participant (cheapest), 125, 160, 300.
        let points = price_points(
            &[
                input(1, 1_000_000, 100, false),
                input(2, 1_250_000, 100, false),
                input(3, 800_000, 50, false),
                input(4, 600_000, 20, false),
            ],
            0,
        );
        let p: Vec<i32> = points.iter().map(|p| p.points).collect();
        // 10×100/125 = 8; 10×100/160 = 6.25 → 6; 10×100/300 = 3.33 → 3.
        assert_eq!(p, vec![10, 8, 6, 3]);
        assert_eq!(points[2].per_participant_cents, 16_000);
        assert_eq!(points[2].cheapest_cents, 10_000);
    }

    #[test]
    fn halves_round_up() {
        // 10 × 13/20 = 6.5 → 7; 10 × 13/26 = 5 exactly; 10 × 13/27 = 4.81 → 5.
        let points = price_points(
            &[
                input(1, 13, 1, false),
                input(2, 40, 2, false),
                input(3, 26, 1, false),
                input(4, 270, 10, false),
            ],
            0,
        );
        let p: Vec<i32> = points.iter().map(|p| p.points).collect();
        assert_eq!(p, vec![10, 7, 5, 5]);
    }

    #[test]
    fn fee_deduction_and_missing_participants() {
        let points = price_points(
            &[
                input(1, 1_000, 10, false),
                input(2, 1_000, 10, true),
                input(3, 1_000, 0, false),
            ],
            2,
        );
        assert_eq!(points[0].points, 10);
        assert_eq!(points[1].points, 8);
        assert_eq!(points[1].fee_deducted, 2);
        assert_eq!(points[2].points, 0);
        // A deduction never goes below 0.
        let points = price_points(&[input(1, 10, 10, false), input(2, 1_000, 1, true)], 2);
        assert_eq!(points[1].points, 0);
        assert_eq!(points[1].fee_deducted, 0);
    }

    #[test]
    fn a_free_application_is_cheapest() {
        let points = price_points(&[input(1, 0, 10, false), input(2, 500, 10, false)], 0);
        assert_eq!(points[0].points, 10);
        assert_eq!(points[1].points, 0);
    }
}
