//! Ranking and award of one onderdeel (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §4.4, Awb 4:25–4:27), as a pure function of
//! the final scores, the amounts and the published rules, so that a decision can be replayed
//! from its snapshot years later.
//!
//! - An application is eligible when every criterion scores at least its pass mark.
//! - Eligible applications are ranked by total points; ties go to the higher score on the
//!   round's tie criterion, then to a draw: each application's lot is a hash of the recorded
//!   seed and its id, so the same seed always gives the same order.
//! - In rank order each gets what it asked while the plafond allows; the first that no longer
//!   fits gets what remains (partial grant) or nothing, as the round says, and every one after
//!   it gets nothing. The plafond is never exceeded.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happens to the application that no longer fits under the plafond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Remainder {
    /// It gets what remains of the plafond.
    Partial,
    /// It gets nothing.
    Nothing,
}

impl Remainder {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "gedeeltelijk" => Some(Self::Partial),
            "geen" => Some(Self::Nothing),
            _ => None,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Self::Partial => {
                "De aanvraag die niet meer volledig binnen het plafond past, krijgt wat resteert; \
                 de aanvragen daarna krijgen niets."
            }
            Self::Nothing => {
                "De aanvraag die niet meer volledig binnen het plafond past, en de aanvragen \
                 daarna, krijgen niets."
            }
        }
    }
}

/// A criterion as the round published it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub pass_mark: i32,
}

/// One application with its final points per criterion (in the criteria's order).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Candidate {
    pub application_id: Uuid,
    pub reference: String,
    pub applicant: String,
    pub kvk: Option<String>,
    pub requested_cents: i64,
    pub points: Vec<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rules {
    pub ceiling_cents: i64,
    pub tie_criterion: Option<String>,
    pub remainder: Remainder,
    pub draw_seed: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Granted,
    Partial,
    Refused,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Granted => "toegekend",
            Self::Partial => "gedeeltelijk",
            Self::Refused => "afgewezen",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Granted, Self::Partial, Self::Refused]
            .into_iter()
            .find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Granted => "Toegekend",
            Self::Partial => "Gedeeltelijk toegekend",
            Self::Refused => "Afgewezen",
        }
    }
}

/// One line of the ranking.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Placed {
    pub candidate: Candidate,
    /// 1-based; `None` for an application that is not eligible.
    pub rank: Option<u32>,
    pub total: i32,
    pub eligible: bool,
    /// Names of the criteria below their pass mark.
    pub below_pass: Vec<String>,
    pub granted_cents: i64,
    /// The plafond left after this application.
    pub remaining_cents: i64,
    pub outcome: Outcome,
    /// Why, in a sentence of the decision letter.
    pub reason: String,
    /// Set when this application's place was decided by the tie-break.
    pub tie_note: Option<String>,
}

/// The lot of an application in the draw: splitmix64 of the seed mixed with the id.
pub fn lot(seed: i64, id: Uuid) -> u64 {
    let (hi, lo) = id.as_u64_pair();
    let mut x = (seed as u64) ^ hi.rotate_left(17) ^ lo;
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Ranks and awards one onderdeel.
pub fn rank(criteria: &[Criterion], candidates: Vec<Candidate>, rules: &Rules) -> Vec<Placed> {
    let tie_index = rules
        .tie_criterion
        .as_deref()
        .and_then(|code| criteria.iter().position(|c| c.code == code));
    let mut placed: Vec<Placed> = candidates
        .into_iter()
        .map(|candidate| {
            let below_pass: Vec<String> = criteria
                .iter()
                .zip(&candidate.points)
                .filter(|(c, p)| **p < c.pass_mark)
                .map(|(c, _)| c.name.clone())
                .collect();
            let total = candidate.points.iter().sum();
            Placed {
                eligible: below_pass.is_empty() && candidate.points.len() == criteria.len(),
                below_pass,
                total,
                candidate,
                rank: None,
                granted_cents: 0,
                remaining_cents: 0,
                outcome: Outcome::Refused,
                reason: String::new(),
                tie_note: None,
            }
        })
        .collect();
    // An application not yet scored on every criterion has no points to break a tie with.
    let tie_points = |p: &Placed| {
        tie_index
            .and_then(|i| p.candidate.points.get(i).copied())
            .unwrap_or(0)
    };
    placed.sort_by(|a, b| {
        b.eligible
            .cmp(&a.eligible)
            .then(b.total.cmp(&a.total))
            .then(tie_points(b).cmp(&tie_points(a)))
            .then(
                lot(rules.draw_seed, a.candidate.application_id)
                    .cmp(&lot(rules.draw_seed, b.candidate.application_id)),
            )
            .then(a.candidate.reference.cmp(&b.candidate.reference))
    });
    // Tie notes: where neighbours share the total, say what separated them.
    let tie_name = tie_index.map(|i| criteria[i].name.clone());
    for i in 0..placed.len() {
        let same_total = |j: usize| {
            placed[j].eligible && placed[i].eligible && placed[j].total == placed[i].total
        };
        let tied = (i > 0 && same_total(i - 1)) || (i + 1 < placed.len() && same_total(i + 1));
        if !tied {
            continue;
        }
        let same_tie = |j: usize| same_total(j) && tie_points(&placed[j]) == tie_points(&placed[i]);
        let drawn = (i > 0 && same_tie(i - 1)) || (i + 1 < placed.len() && same_tie(i + 1));
        placed[i].tie_note = Some(match (&tie_name, drawn) {
            (Some(name), false) => {
                format!("gelijk totaal; volgorde bepaald door de score op {name}")
            }
            (Some(name), true) => {
                format!("gelijk totaal en gelijke score op {name}; volgorde bepaald door loting")
            }
            (None, _) => "gelijk totaal; volgorde bepaald door loting".to_string(),
        });
    }
    let mut remaining = rules.ceiling_cents;
    let mut exhausted = false;
    let mut next_rank = 1;
    for p in &mut placed {
        let requested = p.candidate.requested_cents;
        if !p.eligible {
            p.reason = if p.candidate.points.len() != criteria.len() {
                "Niet op alle criteria beoordeeld.".to_string()
            } else {
                format!(
                    "Niet subsidiabel: onvoldoende (onder de drempel) op {}.",
                    p.below_pass.join(", ")
                )
            };
            p.remaining_cents = remaining;
            continue;
        }
        p.rank = Some(next_rank);
        next_rank += 1;
        if !exhausted && requested <= remaining {
            p.granted_cents = requested;
            p.outcome = Outcome::Granted;
            p.reason = "Toegekend: de aanvraag past binnen het subsidieplafond.".to_string();
        } else if !exhausted && rules.remainder == Remainder::Partial && remaining > 0 {
            p.granted_cents = remaining;
            p.outcome = Outcome::Partial;
            p.reason = "Gedeeltelijk toegekend: het subsidieplafond laat alleen het resterende \
                        bedrag toe."
                .to_string();
            exhausted = true;
        } else {
            exhausted = true;
            p.reason = "Afgewezen: het subsidieplafond is bereikt door hoger gerangschikte \
                        aanvragen."
                .to_string();
        }
        remaining -= p.granted_cents;
        p.remaining_cents = remaining;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        ["samenwerking", "resultaat", "prijs"]
            .iter()
            .map(|c| Criterion {
                code: c.to_string(),
                name: c.to_string(),
                pass_mark: 6,
            })
            .collect()
    }

    fn candidate(n: u128, requested: i64, points: [i32; 3]) -> Candidate {
        Candidate {
            application_id: Uuid::from_u128(n),
            reference: format!("A-{n:03}"),
            applicant: format!("Aanvrager {n}"),
            kvk: None,
            requested_cents: requested,
            points: points.to_vec(),
        }
    }

    fn rules(ceiling: i64, remainder: Remainder) -> Rules {
        Rules {
            ceiling_cents: ceiling,
            tie_criterion: Some("resultaat".into()),
            remainder,
            draw_seed: 42,
        }
    }

    #[test]
    fn an_application_without_every_score_is_ranked_below_and_never_granted() {
        // A conflicted assessor's scores left it without points: it must not break the ranking.
        let mut unscored = candidate(2, 10_000, [0, 0, 0]);
        unscored.points.clear();
        let placed = rank(
            &criteria(),
            vec![unscored, candidate(1, 10_000, [7, 7, 7])],
            &rules(100_000, Remainder::Nothing),
        );
        assert_eq!(placed[0].candidate.reference, "A-001");
        assert!(placed[0].granted_cents > 0);
        assert!(!placed[1].eligible);
        assert_eq!(placed[1].granted_cents, 0);
    }

    #[test]
    fn grants_in_rank_order_and_the_marginal_one_partially() {
        let placed = rank(
            &criteria(),
            vec![
                candidate(1, 40_000, [7, 7, 7]),
                candidate(2, 50_000, [9, 9, 9]),
                candidate(3, 30_000, [8, 8, 8]),
                candidate(4, 10_000, [6, 6, 6]),
                candidate(5, 99_000, [10, 10, 5]),
            ],
            &rules(100_000, Remainder::Partial),
        );
        let order: Vec<u128> = placed
            .iter()
            .map(|p| p.candidate.application_id.as_u128())
            .collect();
        assert_eq!(order, vec![2, 3, 1, 4, 5]);
        assert_eq!(placed[0].granted_cents, 50_000);
        assert_eq!(placed[1].granted_cents, 30_000);
        assert_eq!(placed[2].granted_cents, 20_000);
        assert_eq!(placed[2].outcome, Outcome::Partial);
        assert_eq!(placed[2].remaining_cents, 0);
        assert_eq!(placed[3].outcome, Outcome::Refused);
        assert_eq!(placed[3].rank, Some(4));
        assert!(!placed[4].eligible);
        assert_eq!(placed[4].rank, None);
        assert_eq!(placed[4].below_pass, vec!["prijs".to_string()]);
        let total: i64 = placed.iter().map(|p| p.granted_cents).sum();
        assert_eq!(total, 100_000);
    }

    #[test]
    fn without_partial_grants_the_marginal_one_gets_nothing_and_the_rest_neither() {
        let placed = rank(
            &criteria(),
            vec![
                candidate(1, 60_000, [9, 9, 9]),
                candidate(2, 50_000, [8, 8, 8]),
                candidate(3, 10_000, [7, 7, 7]),
            ],
            &rules(100_000, Remainder::Nothing),
        );
        assert_eq!(placed[0].granted_cents, 60_000);
        assert_eq!(placed[1].granted_cents, 0);
        assert_eq!(placed[1].outcome, Outcome::Refused);
        assert_eq!(placed[2].granted_cents, 0);
        assert_eq!(placed[2].remaining_cents, 40_000);
    }

    #[test]
    fn ties_go_to_the_tie_criterion_then_to_a_replayable_draw() {
        let list = vec![
            candidate(1, 1, [8, 6, 8]),
            candidate(2, 1, [6, 8, 8]),
            candidate(3, 1, [7, 7, 8]),
            candidate(4, 1, [7, 7, 8]),
        ];
        let placed = rank(&criteria(), list.clone(), &rules(10, Remainder::Partial));
        assert_eq!(placed[0].candidate.application_id.as_u128(), 2);
        assert!(placed[0].tie_note.as_deref().unwrap().contains("resultaat"));
        assert_eq!(placed[3].candidate.application_id.as_u128(), 1);
        let drawn: Vec<u128> = placed[1..3]
            .iter()
            .map(|p| p.candidate.application_id.as_u128())
            .collect();
        assert!(placed[1].tie_note.as_deref().unwrap().contains("loting"));
        // The same seed gives the same order, whatever the input order.
        let mut reversed = list.clone();
        reversed.reverse();
        let again = rank(&criteria(), reversed, &rules(10, Remainder::Partial));
        let drawn_again: Vec<u128> = again[1..3]
            .iter()
            .map(|p| p.candidate.application_id.as_u128())
            .collect();
        assert_eq!(drawn, drawn_again);
        // Some seed puts them the other way round: the draw is a draw.
        let flipped = (0..64).any(|seed| {
            let r = Rules {
                draw_seed: seed,
                ..rules(10, Remainder::Partial)
            };
            rank(&criteria(), list.clone(), &r)[1]
                .candidate
                .application_id
                .as_u128()
                != drawn[0]
        });
        assert!(flipped);
    }

    #[test]
    fn a_pass_mark_is_a_threshold_not_a_total() {
        let placed = rank(
            &criteria(),
            vec![candidate(1, 1, [10, 10, 5]), candidate(2, 1, [6, 6, 6])],
            &rules(100, Remainder::Partial),
        );
        assert_eq!(placed[0].candidate.application_id.as_u128(), 2);
        assert!(placed[0].eligible);
        assert!(!placed[1].eligible);
        assert!(placed[1].reason.contains("prijs"));
    }
}
