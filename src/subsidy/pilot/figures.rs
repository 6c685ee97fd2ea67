//! The pure rules of pilot monitoring: reporting periods and when a report is due, occupancy
//! (bezettingsgraad), the flags (near full, staffing below the agreed minimum), and small
//! numbers: a count of people below 5 is shown as "< 5" to anyone but the reporting partner.

use time::{Date, Month};

/// A reporting period: `2020-K1`, `2020-M03`, `2020-H1` or `2020`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub code: String,
    pub start: Date,
    pub end: Date,
}

fn date(year: i32, month: u8, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn last_of_month(year: i32, month: u8) -> Option<Date> {
    let m = Month::try_from(month).ok()?;
    date(year, month, m.length(year))
}

impl Period {
    /// The period a code names; `None` for anything else.
    pub fn parse(code: &str) -> Option<Period> {
        let (year, rest) = match code.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (code, None),
        };
        if year.len() != 4 {
            return None;
        }
        let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let (first, last) = match rest {
            None => (1, 12),
            Some(r) => {
                // `get` rather than slicing: a path may hold anything, even half a character.
                let (kind, n) = (r.get(..1)?, r.get(1..)?);
                if !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let n: u8 = n.parse().ok()?;
                match (kind, n, r.len()) {
                    ("K", 1..=4, 2) => (3 * n - 2, 3 * n),
                    ("H", 1..=2, 2) => (6 * n - 5, 6 * n),
                    ("M", 1..=12, 3) => (n, n),
                    _ => return None,
                }
            }
        };
        Some(Period {
            code: code.to_string(),
            start: date(year, first, 1)?,
            end: last_of_month(year, last)?,
        })
    }

    /// "1e kwartaal 2020", "maart 2020", "1e halfjaar 2020", "2020".
    pub fn label(&self) -> String {
        let year = self.start.year();
        match self.code.split_once('-') {
            Some((_, r)) if r.starts_with('K') => format!("{}e kwartaal {year}", &r[1..]),
            Some((_, r)) if r.starts_with('H') => format!("{}e halfjaar {year}", &r[1..]),
            Some(_) => format!(
                "{} {year}",
                crate::web::time_fmt::month_name(self.start.month())
            ),
            None => year.to_string(),
        }
    }

    /// A report is due by the end of the month after the period.
    pub fn due(&self) -> Date {
        let (y, m) = if self.end.month() == Month::December {
            (self.end.year() + 1, 1)
        } else {
            (self.end.year(), u8::from(self.end.month()) + 1)
        };
        last_of_month(y, m).unwrap_or(self.end)
    }
}

/// Every period of the years `first..=last` at the agreed frequency.
pub fn periods(reporting: &str, first: i32, last: i32) -> Vec<Period> {
    let mut out = Vec::new();
    for year in first..=last {
        let codes: Vec<String> = match reporting {
            "maand" => (1..=12).map(|m| format!("{year}-M{m:02}")).collect(),
            "halfjaar" => (1..=2).map(|h| format!("{year}-H{h}")).collect(),
            "jaar" => vec![year.to_string()],
            _ => (1..=4).map(|k| format!("{year}-K{k}")).collect(),
        };
        out.extend(codes.iter().filter_map(|c| Period::parse(c)));
    }
    out
}

/// A count of people as shown to others than the reporting partner.
pub fn small(n: i64) -> String {
    if n < 5 {
        "< 5".into()
    } else {
        n.to_string()
    }
}

/// Occupancy in hundredths of a percent, `None` without capacity.
pub fn occupancy_bp(participants: i64, capacity: i64) -> Option<i64> {
    crate::subsidy::pilot::allocation::basis_points(participants, capacity)
}

/// Near full: occupancy at or above the agreed percentage.
pub fn near_full(occupancy_bp: Option<i64>, threshold_pct: i32) -> bool {
    occupancy_bp.is_some_and(|bp| bp >= threshold_pct as i64 * 100)
}

/// Staffing below the agreed minimum for the group.
pub fn understaffed(professionals: i64, volunteers: i64, min_prof: i32, min_vol: i32) -> bool {
    professionals < min_prof as i64 || volunteers < min_vol as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_and_their_due_dates() {
        let k = Period::parse("2020-K1").unwrap();
        assert_eq!(
            (k.start, k.end),
            (date!(2020 - 01 - 01), date!(2020 - 03 - 31))
        );
        assert_eq!(k.due(), date!(2020 - 04 - 30));
        assert_eq!(k.label(), "1e kwartaal 2020");
        let k4 = Period::parse("2021-K4").unwrap();
        assert_eq!(k4.due(), date!(2022 - 01 - 31));
        let m = Period::parse("2020-M02").unwrap();
        assert_eq!(m.end, date!(2020 - 02 - 29), "a leap year");
        assert_eq!(m.due(), date!(2020 - 03 - 31));
        let h = Period::parse("2019-H2").unwrap();
        assert_eq!(
            (h.start, h.end),
            (date!(2019 - 07 - 01), date!(2019 - 12 - 31))
        );
        assert_eq!(Period::parse("2019").unwrap().end, date!(2019 - 12 - 31));
        for bad in [
            "2020-K5", "2020-K0", "2020-M13", "2020-M3", "2020-X1", "20-K1", "", "2020-",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(periods("kwartaal", 2019, 2021).len(), 12);
        assert_eq!(periods("maand", 2020, 2020).len(), 12);
        assert_eq!(periods("halfjaar", 2020, 2021)[3].code, "2021-H2");
        assert_eq!(periods("jaar", 2019, 2021)[0].code, "2019");
    }

    #[test]
    fn small_numbers_occupancy_and_flags() {
        assert_eq!(small(0), "< 5");
        assert_eq!(small(4), "< 5");
        assert_eq!(small(5), "5");
        assert_eq!(occupancy_bp(9, 12), Some(7500));
        assert_eq!(
            occupancy_bp(14, 12),
            Some(11667),
            "over capacity shows as such"
        );
        assert_eq!(occupancy_bp(3, 0), None);
        assert!(near_full(Some(9000), 90));
        assert!(!near_full(Some(8999), 90));
        assert!(!near_full(None, 90));
        assert!(understaffed(0, 3, 1, 2));
        assert!(understaffed(2, 1, 1, 2));
        assert!(!understaffed(1, 2, 1, 2));
    }
}
