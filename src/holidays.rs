//! The Dutch public holidays of a year, computed (Easter by the Gregorian computus), never
//! typed in: the general holidays of the Algemene termijnenwet (art. 3) for legal terms, and
//! Goede Vrijdag beside them, on which many facilities close too.

use time::{Date, Duration, Month, Weekday};

/// A public holiday: its code (as stored), its name and whether it is a general holiday of
/// art. 3(1) of the Algemene termijnenwet (Goede Vrijdag is not, but art. 3(2) makes it count
/// as one for terms: see [`crate::termijnenwet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub code: &'static str,
    pub name: &'static str,
    pub general: bool,
}

/// Every holiday, in the order of the year.
pub const ALL: [Holiday; 11] = [
    h("nieuwjaarsdag", "Nieuwjaarsdag", true),
    h("goede_vrijdag", "Goede Vrijdag", false),
    h("eerste_paasdag", "Eerste Paasdag", true),
    h("tweede_paasdag", "Tweede Paasdag", true),
    h("koningsdag", "Koningsdag", true),
    h("bevrijdingsdag", "Bevrijdingsdag (5 mei)", true),
    h("hemelvaartsdag", "Hemelvaartsdag", true),
    h("eerste_pinksterdag", "Eerste Pinksterdag", true),
    h("tweede_pinksterdag", "Tweede Pinksterdag", true),
    h("eerste_kerstdag", "Eerste Kerstdag", true),
    h("tweede_kerstdag", "Tweede Kerstdag", true),
];

const fn h(code: &'static str, name: &'static str, general: bool) -> Holiday {
    Holiday {
        code,
        name,
        general,
    }
}

/// The holiday with `code`.
pub fn by_code(code: &str) -> Option<&'static Holiday> {
    ALL.iter().find(|h| h.code == code)
}

/// Easter Sunday (the Gregorian computus, anonymous algorithm).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_calendar_date(
        year,
        Month::try_from(month as u8).expect("March or April"),
        day as u8,
    )
    .expect("a valid Easter date")
}

/// The dates of [`ALL`] in `year`, in the same order.
pub fn dates(year: i32) -> [Date; 11] {
    let easter = easter(year);
    let fixed = |m: Month, d: u8| Date::from_calendar_date(year, m, d).expect("valid date");
    // Koningsdag is 27 April, or the 26th when the 27th is a Sunday.
    let kings = if fixed(Month::April, 27).weekday() == Weekday::Sunday {
        fixed(Month::April, 26)
    } else {
        fixed(Month::April, 27)
    };
    [
        fixed(Month::January, 1),
        easter - Duration::days(2),
        easter,
        easter + Duration::days(1),
        kings,
        fixed(Month::May, 5),
        easter + Duration::days(39),
        easter + Duration::days(49),
        easter + Duration::days(50),
        fixed(Month::December, 25),
        fixed(Month::December, 26),
    ]
}

/// The holiday on `day`, if any.
pub fn on(day: Date) -> Option<&'static Holiday> {
    dates(day.year())
        .iter()
        .position(|d| *d == day)
        .map(|i| &ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_holidays_of_2027() {
        let got: Vec<(&str, Date)> = ALL
            .iter()
            .zip(dates(2027))
            .map(|(h, d)| (h.code, d))
            .collect();
        assert_eq!(got[1], ("goede_vrijdag", date!(2027 - 03 - 26)));
        assert_eq!(got[4], ("koningsdag", date!(2027 - 04 - 27)));
        assert_eq!(got[6], ("hemelvaartsdag", date!(2027 - 05 - 06)));
        assert_eq!(got[8], ("tweede_pinksterdag", date!(2027 - 05 - 17)));
        assert_eq!(
            on(date!(2026 - 12 - 26)).map(|h| h.code),
            Some("tweede_kerstdag")
        );
        assert_eq!(on(date!(2026 - 12 - 27)), None);
        assert!(!by_code("goede_vrijdag").unwrap().general);
    }
}
