//! Which facilities are closed on a given date: their closed periods and the public holidays
//! they close on (both public facts). The projection keeps them; the "open on" filter asks for
//! the coming date of each weekday, so a facility on holiday drops out of "open op maandag".

use time::{Date, Duration};

use super::bits::Bits;
use crate::holidays;

#[derive(Debug, Default, Clone)]
pub struct ClosedDays {
    /// (entry, first day, last day).
    periods: Vec<(usize, Date, Date)>,
    /// (entry, a bit per holiday of [`holidays::ALL`] it closes on).
    holidays: Vec<(usize, u16)>,
}

impl ClosedDays {
    pub fn add_period(&mut self, entry: usize, from: Date, to: Date) {
        self.periods.push((entry, from, to));
    }

    pub fn add_holidays(&mut self, entry: usize, codes: &[String]) {
        let mask = holidays::ALL
            .iter()
            .enumerate()
            .filter(|(_, h)| codes.iter().any(|c| c == h.code))
            .fold(0u16, |m, (i, _)| m | (1 << i));
        if mask != 0 {
            self.holidays.push((entry, mask));
        }
    }

    /// The entries (of `n`) closed on `day`; `None` when none is.
    pub fn on(&self, day: Date, n: usize) -> Option<Bits> {
        // The year's holidays are computed once per date asked about, not once per holiday.
        let holiday =
            holidays::on(day).and_then(|h| holidays::ALL.iter().position(|x| x.code == h.code));
        let mut out: Option<Bits> = None;
        let mut mark = |entry: usize| out.get_or_insert_with(|| Bits::empty(n)).set(entry);
        for (entry, from, to) in &self.periods {
            if *from <= day && day <= *to {
                mark(*entry);
            }
        }
        if let Some(h) = holiday {
            for (entry, mask) in &self.holidays {
                if mask & (1 << h) != 0 {
                    mark(*entry);
                }
            }
        }
        out
    }

    pub fn bytes(&self) -> usize {
        self.periods.capacity() * 24 + self.holidays.capacity() * 16
    }
}

/// The date of weekday `day` (1 = Monday … 7 = Sunday) on or after `today`.
pub fn next_date(today: Date, day: usize) -> Date {
    let from = today.weekday().number_from_monday() as i64;
    today + Duration::days((day as i64 - from).rem_euclid(7))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_and_holidays_close_entries_on_their_dates() {
        let mut c = ClosedDays::default();
        c.add_period(0, date!(2026 - 12 - 21), date!(2027 - 01 - 03));
        c.add_holidays(1, &["eerste_kerstdag".to_string()]);
        c.add_holidays(2, &[]);
        let closed = c.on(date!(2026 - 12 - 25), 3).unwrap();
        assert_eq!(closed.ones().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(
            c.on(date!(2026 - 12 - 26), 3)
                .unwrap()
                .ones()
                .collect::<Vec<_>>(),
            [0]
        );
        assert!(c.on(date!(2027 - 01 - 04), 3).is_none());
    }

    #[test]
    fn the_next_date_of_a_weekday_counts_today() {
        // Sunday 29 November 2026.
        let today = date!(2026 - 11 - 29);
        assert_eq!(next_date(today, 7), today);
        assert_eq!(next_date(today, 1), date!(2026 - 11 - 30));
        assert_eq!(next_date(today, 6), date!(2026 - 12 - 05));
    }
}
