//! The calendar of the Algemene termijnenwet: which days a statutory term may not end on.
//!
//! - Saturdays and Sundays (art. 1);
//! - the general holidays of art. 3(1) (Nieuwjaarsdag, tweede Paas- en Pinksterdag, both
//!   Christmas days, Hemelvaartsdag, Koningsdag, 5 mei), computed in [`crate::holidays`];
//! - Goede Vrijdag, which art. 3(2) makes equal to them, computed too;
//! - the days a decree declares equal (art. 3(3)), published in the Staatscourant for about
//!   three years at a time, such as the Friday after Hemelvaartsdag. Those are data: shipped
//!   with the product in a migration for the years the decrees so far cover, and extended by the
//!   operator (`voorzieningen termijnenwet add`, or a migration), in `termijnenwet_decrees` and
//!   `termijnenwet_days` ([`store`]).
//!
//! A term that reaches a year no decree covers is computed without such days; the
//! [`Calendar`] says so (in the log, once per year and loaded calendar, and on the deadlines
//! page), so someone adds the decree. The calendar in force for a request is set by [`scope`].

pub mod middleware;
pub mod scope;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use time::{Date, Duration, Weekday};

/// A decree under art. 3(3): its title (as published), the years it covers and the days it
/// declares equal to a general holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decree {
    pub title: String,
    pub first_year: i32,
    pub last_year: i32,
    pub days: Vec<Date>,
}

/// The decrees known, with the days they declare.
#[derive(Debug, Default)]
pub struct Calendar {
    decrees: Vec<Decree>,
    declared: BTreeMap<Date, usize>,
    /// Years a warning was logged for, so a page full of terms logs it once.
    warned: Mutex<BTreeSet<i32>>,
}

/// Why a day is no working day for a term, if it is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    Weekend,
    /// A general holiday of art. 3(1), or Goede Vrijdag (art. 3(2)).
    Holiday(&'static str),
    /// Declared equal by a decree (art. 3(3)).
    Declared,
}

/// A general holiday of art. 3(1), or Goede Vrijdag by art. 3(2).
pub fn statutory_holiday(day: Date) -> Option<&'static str> {
    crate::holidays::on(day)
        .filter(|h| h.general || h.code == "goede_vrijdag")
        .map(|h| h.name)
}

impl Calendar {
    pub fn new(mut decrees: Vec<Decree>) -> Self {
        decrees.sort_by_key(|d| d.first_year);
        let declared = decrees
            .iter()
            .enumerate()
            .flat_map(|(i, d)| d.days.iter().map(move |day| (*day, i)))
            .collect();
        Self {
            decrees,
            declared,
            warned: Mutex::default(),
        }
    }

    pub fn decrees(&self) -> &[Decree] {
        &self.decrees
    }

    /// Whether a decree covers `year` (its days declared equal are known).
    pub fn covers(&self, year: i32) -> bool {
        self.decrees
            .iter()
            .any(|d| (d.first_year..=d.last_year).contains(&year))
    }

    /// The years from `from` to `to` (both included) that no decree covers.
    pub fn uncovered_years(&self, from: Date, to: Date) -> Vec<i32> {
        (from.year().min(to.year())..=from.year().max(to.year()))
            .filter(|y| !self.covers(*y))
            .collect()
    }

    /// The first and last year the decrees cover, when they leave no gap between.
    pub fn covered_span(&self) -> Option<(i32, i32)> {
        let first = self.decrees.first()?.first_year;
        let last = self.decrees.iter().map(|d| d.last_year).max()?;
        (first..=last)
            .all(|y| self.covers(y))
            .then_some((first, last))
    }

    /// Why `day` is no working day, if it is none.
    pub fn rest(&self, day: Date) -> Option<Rest> {
        if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            Some(Rest::Weekend)
        } else if let Some(name) = statutory_holiday(day) {
            Some(Rest::Holiday(name))
        } else if self.declared.contains_key(&day) {
            Some(Rest::Declared)
        } else {
            None
        }
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        self.rest(day).is_none()
    }

    /// A general holiday or a day equal to one (whatever the weekday).
    pub fn is_holiday(&self, day: Date) -> bool {
        statutory_holiday(day).is_some() || self.declared.contains_key(&day)
    }

    /// The last day of a term that nominally ends on `day`: the next working day (art. 1).
    /// Logs a warning when the days it passes lie in a year no decree covers.
    pub fn extended(&self, nominal: Date) -> Date {
        let mut day = nominal;
        while !self.is_working_day(day) {
            day += Duration::days(1);
        }
        for year in self.uncovered_years(nominal, day) {
            self.warn(year);
        }
        day
    }

    fn warn(&self, year: i32) {
        let first = self
            .warned
            .lock()
            .map(|mut w| w.insert(year))
            .unwrap_or(true);
        if first {
            tracing::warn!(
                year,
                "a legal term ends in {year}, which no decree under the Algemene termijnenwet \
                 (art. 3(3)) in the register covers: days declared equal to general holidays are \
                 not counted; add the decree with `voorzieningen termijnenwet add`"
            );
        }
    }
}

/// What a day declared equal usually is, for the operator's list: "vrijdag na Hemelvaartsdag".
pub fn describe(day: Date) -> String {
    let weekday = match day.weekday() {
        Weekday::Monday => "maandag",
        Weekday::Tuesday => "dinsdag",
        Weekday::Wednesday => "woensdag",
        Weekday::Thursday => "donderdag",
        Weekday::Friday => "vrijdag",
        Weekday::Saturday => "zaterdag",
        Weekday::Sunday => "zondag",
    };
    if let Some(before) = statutory_holiday(day - Duration::days(1)) {
        format!("{weekday} na {before}")
    } else if let Some(after) = statutory_holiday(day + Duration::days(1)) {
        format!("{weekday} vóór {after}")
    } else {
        weekday.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The decree in force for 2026–2028, as published (its title names its days).
    pub(crate) fn calendar_2026_2028() -> Calendar {
        Calendar::new(vec![Decree {
            title: "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag".into(),
            first_year: 2026,
            last_year: 2028,
            days: vec![
                date!(2026 - 01 - 02),
                date!(2026 - 05 - 15),
                date!(2027 - 05 - 07),
                date!(2028 - 04 - 28),
                date!(2028 - 05 - 26),
            ],
        }])
    }

    #[test]
    fn goede_vrijdag_is_equal_to_a_general_holiday() {
        let none = Calendar::default();
        assert_eq!(
            statutory_holiday(date!(2027 - 03 - 26)),
            Some("Goede Vrijdag")
        );
        assert!(none.is_holiday(date!(2027 - 03 - 26)));
        assert!(none.is_holiday(date!(2026 - 04 - 03)));
        assert!(none.is_holiday(date!(2026 - 04 - 06)), "tweede Paasdag");
        assert!(!none.is_holiday(date!(2026 - 04 - 07)));
        assert_eq!(none.rest(date!(2026 - 04 - 04)), Some(Rest::Weekend));
    }

    #[test]
    fn declared_days_count_only_when_a_decree_declares_them() {
        let none = Calendar::default();
        let cal = calendar_2026_2028();
        assert!(none.is_working_day(date!(2027 - 05 - 07)));
        assert_eq!(cal.rest(date!(2027 - 05 - 07)), Some(Rest::Declared));
        assert_eq!(cal.extended(date!(2027 - 05 - 07)), date!(2027 - 05 - 10));
        assert_eq!(cal.extended(date!(2026 - 01 - 01)), date!(2026 - 01 - 05));
        assert_eq!(cal.extended(date!(2028 - 04 - 27)), date!(2028 - 05 - 01));
        assert!(cal.covers(2026) && cal.covers(2028) && !cal.covers(2029));
        assert_eq!(
            cal.uncovered_years(date!(2028 - 11 - 24), date!(2029 - 01 - 05)),
            vec![2029]
        );
        assert_eq!(cal.covered_span(), Some((2026, 2028)));
        assert_eq!(describe(date!(2027 - 05 - 07)), "vrijdag na Hemelvaartsdag");
        assert_eq!(describe(date!(2028 - 04 - 28)), "vrijdag na Koningsdag");
        assert_eq!(describe(date!(2026 - 01 - 02)), "vrijdag na Nieuwjaarsdag");
    }

    #[test]
    fn the_holidays_the_shipped_decrees_name_are_where_they_say() {
        // The decree titles name Fridays after a holiday; the computed holidays agree.
        for day in [
            date!(2023 - 04 - 28),
            date!(2023 - 05 - 19),
            date!(2024 - 05 - 10),
            date!(2024 - 12 - 27),
            date!(2025 - 05 - 30),
            date!(2026 - 01 - 02),
            date!(2026 - 05 - 15),
            date!(2027 - 05 - 07),
            date!(2028 - 04 - 28),
            date!(2028 - 05 - 26),
        ] {
            assert_eq!(day.weekday(), Weekday::Friday, "{day}");
            assert!(
                statutory_holiday(day - Duration::days(1)).is_some(),
                "{day} follows a holiday"
            );
        }
    }
}
