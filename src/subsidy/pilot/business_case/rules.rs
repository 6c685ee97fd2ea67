//! The business case of a pilot year (the table of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018) "Financiële effecten maatwerk naar
//! voorliggend"), pure: the inputs of one year and basis (planned or realised), the figures
//! computed from them, and every line of the year's table with its formula, so each result can
//! be traced to its inputs. Money in integer cents; nothing divides, so nothing rounds.
//!
//! - costs of the pilot = the sum of its costs per funding source;
//! - total costs after the change = maatwerk after the change + costs of the pilot;
//! - saving = maatwerk under unchanged policy − total costs after the change;
//! - difference = realised − planned, per line.

use crate::subsidy::common::money::euro;

/// One year's inputs of one basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// Maatwerk (OMD) costs under unchanged policy ("bij ongewijzigd beleid").
    pub maatwerk_unchanged_cents: i64,
    /// The pilot's costs per funding source, in the scheme's order of sources.
    pub pilot_costs: Vec<(String, i64)>,
    /// Maatwerk (OMD) costs after the change ("na gewijzigd beleid").
    pub maatwerk_after_cents: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub pilot_cents: i64,
    pub total_after_cents: i64,
    pub saving_cents: i64,
}

pub fn compute(i: &Inputs) -> Outcome {
    let pilot_cents = i.pilot_costs.iter().map(|(_, c)| c).sum();
    let total_after_cents = i.maatwerk_after_cents + pilot_cents;
    Outcome {
        pilot_cents,
        total_after_cents,
        saving_cents: i.maatwerk_unchanged_cents - total_after_cents,
    }
}

impl Inputs {
    /// The cost of `source`, 0 when the basis has none for it.
    pub fn cost(&self, source: &str) -> i64 {
        self.pilot_costs
            .iter()
            .find(|(s, _)| s == source)
            .map(|(_, c)| *c)
            .unwrap_or(0)
    }
}

/// One line of a year's table: an input or a figure computed from inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub computed: bool,
    pub planned: Option<i64>,
    pub realised: Option<i64>,
    /// How a computed line came about, per basis; empty for inputs.
    pub planned_formula: String,
    pub realised_formula: String,
}

impl Line {
    /// Realised − planned, when both are there.
    pub fn difference(&self) -> Option<i64> {
        Some(self.realised? - self.planned?)
    }
}

fn sum_formula(i: &Inputs) -> String {
    if i.pilot_costs.is_empty() {
        return "geen bronnen: € 0,00".into();
    }
    i.pilot_costs
        .iter()
        .map(|(s, c)| format!("{s} {}", euro(*c)))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The lines of a year's table, in the order of the table of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018); `sources` are the funding
/// sources of the scheme (every year's), each a line of its own.
pub fn lines(planned: Option<&Inputs>, realised: Option<&Inputs>, sources: &[String]) -> Vec<Line> {
    let (po, ro) = (planned.map(compute), realised.map(compute));
    let input = |label: String, f: &dyn Fn(&Inputs) -> i64| Line {
        label,
        computed: false,
        planned: planned.map(f),
        realised: realised.map(f),
        planned_formula: String::new(),
        realised_formula: String::new(),
    };
    let computed = |label: &str,
                    value: &dyn Fn(&Outcome) -> i64,
                    formula: &dyn Fn(&Inputs, &Outcome) -> String| Line {
        label: label.to_string(),
        computed: true,
        planned: po.as_ref().map(value),
        realised: ro.as_ref().map(value),
        planned_formula: planned
            .zip(po.as_ref())
            .map(|(i, o)| formula(i, o))
            .unwrap_or_default(),
        realised_formula: realised
            .zip(ro.as_ref())
            .map(|(i, o)| formula(i, o))
            .unwrap_or_default(),
    };
    let mut out = vec![input(
        "Kosten maatwerk (OMD) bij ongewijzigd beleid".into(),
        &|i| i.maatwerk_unchanged_cents,
    )];
    for s in sources {
        out.push(input(format!("Pilot ten laste van {s}"), &|i| i.cost(s)));
    }
    out.push(computed(
        "Kosten pilot (algemene voorziening)",
        &|o| o.pilot_cents,
        &|i, _| sum_formula(i),
    ));
    out.push(input(
        "Kosten maatwerk (OMD) na gewijzigd beleid".into(),
        &|i| i.maatwerk_after_cents,
    ));
    out.push(computed(
        "Totaal kosten na gewijzigd beleid",
        &|o| o.total_after_cents,
        &|i, o| {
            format!(
                "maatwerk {} + pilot {}",
                euro(i.maatwerk_after_cents),
                euro(o.pilot_cents)
            )
        },
    ));
    out.push(computed("Besparing", &|o| o.saving_cents, &|i, o| {
        format!(
            "ongewijzigd beleid {} − totaal na gewijzigd beleid {}",
            euro(i.maatwerk_unchanged_cents),
            euro(o.total_after_cents)
        )
    }));
    out
}

/// A y axis for amounts up to `max` (in thousands of euro): a top and a step of 1, 2 or 5
/// times a power of ten, with at most 6 steps.
pub fn axis(max: f64) -> (f64, f64) {
    let mut step = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            if max <= m * step * 6.0 {
                let s = m * step;
                let top = (max / s).ceil().max(1.0) * s;
                return (top, s);
            }
        }
        step *= 10.0;
    }
}

/// `+€ 1.000,00`, `€ -500,00` or `—` for no difference.
pub fn signed(cents: i64) -> String {
    match cents {
        0 => "—".into(),
        c if c > 0 => format!("+{}", euro(c)),
        c => euro(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_2019() -> Inputs {
        Inputs {
            maatwerk_unchanged_cents: 190_000_000,
            pilot_costs: vec![
                ("Innovatiemiddelen".into(), 20_000_000),
                ("Budget maatwerk OMD".into(), 30_000_000),
            ],
            maatwerk_after_cents: 110_000_000,
        }
    }

    #[test]
    fn seed_003s_table() {
        let o = compute(&seed_2019());
        assert_eq!(o.pilot_cents, 50_000_000);
        assert_eq!(o.total_after_cents, 160_000_000);
        assert_eq!(o.saving_cents, 30_000_000);
    }

    #[test]
    fn other_figures_a_loss_and_planned_against_realised() {
        let planned = Inputs {
            maatwerk_unchanged_cents: 1_000_000,
            pilot_costs: vec![("A".into(), 250_050), ("B".into(), 0)],
            maatwerk_after_cents: 700_000,
        };
        let realised = Inputs {
            maatwerk_unchanged_cents: 1_050_000,
            pilot_costs: vec![("A".into(), 300_000), ("B".into(), 99)],
            maatwerk_after_cents: 800_000,
        };
        let o = compute(&realised);
        assert_eq!(o.pilot_cents, 300_099);
        assert_eq!(o.total_after_cents, 1_100_099);
        assert_eq!(o.saving_cents, -50_099, "a loss shows as negative");
        let sources = vec!["A".to_string(), "B".to_string(), "C".to_string()];
        let l = lines(Some(&planned), Some(&realised), &sources);
        let labels: Vec<&str> = l.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Kosten maatwerk (OMD) bij ongewijzigd beleid",
                "Pilot ten laste van A",
                "Pilot ten laste van B",
                "Pilot ten laste van C",
                "Kosten pilot (algemene voorziening)",
                "Kosten maatwerk (OMD) na gewijzigd beleid",
                "Totaal kosten na gewijzigd beleid",
                "Besparing",
            ]
        );
        assert_eq!(l[0].difference(), Some(50_000));
        assert_eq!(l[3].planned, Some(0), "a source without costs is 0");
        assert_eq!(l[4].planned, Some(250_050));
        assert_eq!(l[4].difference(), Some(50_049));
        assert_eq!(l[6].planned, Some(950_050));
        assert_eq!(l[7].planned, Some(49_950));
        assert_eq!(l[7].difference(), Some(-100_049));
        assert_eq!(
            l[4].realised_formula, "A € 3.000,00 + B € 0,99",
            "the pilot's costs trace to each source"
        );
        assert_eq!(
            l[6].planned_formula,
            "maatwerk € 7.000,00 + pilot € 2.500,50"
        );
        assert_eq!(
            l[7].realised_formula,
            "ongewijzigd beleid € 10.500,00 − totaal na gewijzigd beleid € 11.000,99"
        );
        assert!(!l[0].computed && l[7].computed);
        assert!(l[0].planned_formula.is_empty());
        // Without realised figures there is no difference.
        let only = lines(Some(&planned), None, &sources);
        assert_eq!(only[7].realised, None);
        assert_eq!(only[7].difference(), None);
        assert!(only[7].realised_formula.is_empty());
    }

    #[test]
    fn axes_and_signs() {
        assert_eq!(axis(1_950.0), (2_000.0, 500.0));
        assert_eq!(axis(1_900.0), (2_000.0, 500.0));
        assert_eq!(axis(40.0), (40.0, 10.0));
        assert_eq!(axis(0.0), (1.0, 1.0));
        assert_eq!(axis(13_000.0), (15_000.0, 5_000.0));
        assert_eq!(signed(100), "+€ 1,00");
        assert_eq!(signed(-100), "€ -1,00");
        assert_eq!(signed(0), "—");
    }
}
