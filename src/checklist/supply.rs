//! Supply per wijk, counted in proportion: a facility that serves several wijken (a whole
//! gemeente, the region, or a few wijken) counts in each for the share of the residents
//! served who live there, so a gemeente-wide facility never fills every wijk in full. Places
//! are places at once only: places per day are another unit and never added to them.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::demand_store::Served;

/// The proportional supply of one wijk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Share {
    /// Facilities, each counted for its share (1 when it serves this wijk only).
    pub facilities: f64,
    /// Places at once, likewise.
    pub places: f64,
    /// Facilities serving the wijk that give places per day only (not counted in `places`).
    pub per_day_only: usize,
}

/// The share of each wijk a facility serves: its residents over the residents of all of them;
/// equal shares when any of them has no resident figure.
fn weights(wijken: &[Uuid], residents: &HashMap<Uuid, i32>) -> Vec<f64> {
    let known: Option<Vec<f64>> = wijken
        .iter()
        .map(|w| residents.get(w).map(|r| *r as f64))
        .collect();
    match known {
        Some(r) if r.iter().sum::<f64>() > 0.0 => {
            let total: f64 = r.iter().sum();
            r.iter().map(|x| x / total).collect()
        }
        _ => vec![1.0 / wijken.len() as f64; wijken.len()],
    }
}

/// A facility's wijken, places at once and places per day.
type Reach = (Vec<Uuid>, Option<i32>, Option<i32>);

/// The proportional supply per wijk.
pub fn shares(served: &[Served], residents: &HashMap<Uuid, i32>) -> HashMap<Uuid, Share> {
    let mut by_facility: HashMap<Uuid, Reach> = HashMap::new();
    let mut seen = HashSet::new();
    for s in served {
        if seen.insert((s.facility_id, s.wijk_id)) {
            let entry =
                by_facility
                    .entry(s.facility_id)
                    .or_insert((Vec::new(), s.at_once, s.per_day));
            entry.0.push(s.wijk_id);
        }
    }
    let mut out: HashMap<Uuid, Share> = HashMap::new();
    for (wijken, at_once, per_day) in by_facility.values() {
        for (wijk, weight) in wijken.iter().zip(weights(wijken, residents)) {
            let share = out.entry(*wijk).or_default();
            share.facilities += weight;
            match at_once {
                Some(places) => share.places += weight * *places as f64,
                None if per_day.is_some() => share.per_day_only += 1,
                None => {}
            }
        }
    }
    out
}

/// `amount` per 1,000 of `base`; nothing without a base above zero.
pub fn per_1000(amount: f64, base: Option<f64>) -> Option<f64> {
    base.filter(|b| *b > 0.0).map(|b| amount * 1000.0 / b)
}

/// The demand as a number of people: a count as it is, a percentage of the residents.
pub fn demand_count(percentage: bool, value: Option<f64>, residents: Option<i32>) -> Option<f64> {
    match (percentage, value) {
        (_, None) => None,
        (false, Some(v)) => Some(v),
        (true, Some(v)) => residents.map(|r| v * r as f64 / 100.0),
    }
}

/// The middle value (mean of the two middle ones for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(f: Uuid, w: Uuid, at_once: Option<i32>, per_day: Option<i32>) -> Served {
        Served {
            facility_id: f,
            wijk_id: w,
            at_once,
            per_day,
        }
    }

    #[test]
    fn a_facility_for_the_whole_gemeente_counts_in_proportion_to_the_residents() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (local, wide, daily) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let residents = HashMap::from([(a, 6_000), (b, 3_000), (c, 1_000)]);
        let rows = vec![
            served(local, a, Some(12), Some(40)),
            served(wide, a, Some(50), None),
            served(wide, b, Some(50), None),
            served(wide, c, Some(50), None),
            served(wide, c, Some(50), None), // twice through buurt and werkgebied: once
            served(daily, b, None, Some(30)),
        ];
        let s = shares(&rows, &residents);
        assert!((s[&a].facilities - 1.6).abs() < 1e-9);
        assert!((s[&a].places - (12.0 + 30.0)).abs() < 1e-9, "never per day");
        assert!((s[&b].facilities - 1.3).abs() < 1e-9);
        assert!((s[&b].places - 15.0).abs() < 1e-9);
        assert_eq!(s[&b].per_day_only, 1);
        assert!((s[&c].facilities - 0.1).abs() < 1e-9);
        assert!((s[&c].places - 5.0).abs() < 1e-9);
    }

    #[test]
    fn without_resident_figures_the_shares_are_equal() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let f = Uuid::new_v4();
        let residents = HashMap::from([(a, 6_000)]);
        let s = shares(
            &[served(f, a, Some(8), None), served(f, b, Some(8), None)],
            &residents,
        );
        assert!((s[&a].facilities - 0.5).abs() < 1e-9 && (s[&b].places - 4.0).abs() < 1e-9);
    }

    #[test]
    fn figures_per_1000_and_demand_from_a_percentage() {
        assert_eq!(per_1000(3.0, Some(1_500.0)), Some(2.0));
        assert_eq!(per_1000(3.0, Some(0.0)), None);
        assert_eq!(demand_count(true, Some(12.5), Some(4_000)), Some(500.0));
        assert_eq!(demand_count(true, Some(12.5), None), None);
        assert_eq!(demand_count(false, Some(820.0), None), Some(820.0));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
