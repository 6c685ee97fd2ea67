//! Dates and times shown in Europe/Amsterdam (CET/CEST, EU summer-time rule).

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// The Amsterdam offset at instant `utc`: +2 from the last Sunday of March 01:00 UTC until
/// the last Sunday of October 01:00 UTC, else +1.
pub fn amsterdam_offset(utc: OffsetDateTime) -> UtcOffset {
    let utc = utc.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let start = last_sunday(year, Month::March);
    let end = last_sunday(year, Month::October);
    let at_one =
        |d: Date| PrimitiveDateTime::new(d, Time::from_hms(1, 0, 0).expect("valid")).assume_utc();
    let summer = utc >= at_one(start) && utc < at_one(end);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).expect("valid offset")
}

fn last_sunday(year: i32, month: Month) -> Date {
    let mut day =
        Date::from_calendar_date(year, month, 31).expect("March and October have 31 days");
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day().expect("in range");
    }
    day
}

pub fn to_amsterdam(utc: OffsetDateTime) -> OffsetDateTime {
    utc.to_offset(amsterdam_offset(utc))
}

/// The instant (in UTC) at which the Amsterdam clock shows `date` `time`.
pub fn amsterdam_instant(date: Date, time: Time) -> OffsetDateTime {
    let local = PrimitiveDateTime::new(date, time);
    let winter = local.assume_offset(UtcOffset::from_hms(1, 0, 0).expect("valid offset"));
    local
        .assume_offset(amsterdam_offset(winter))
        .to_offset(UtcOffset::UTC)
}

/// The last second of `date` in Amsterdam: a term "up to and including" that day ends then.
pub fn end_of_day(date: Date) -> OffsetDateTime {
    amsterdam_instant(date, Time::from_hms(23, 59, 59).expect("valid time"))
}

/// The Dutch month names, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "22 november 2026, 09:45"
pub fn date_time(utc: OffsetDateTime) -> String {
    let t = to_amsterdam(utc);
    format!(
        "{} {} {}, {:02}:{:02}",
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// "november"
pub fn month_name(month: time::Month) -> &'static str {
    MONTHS[month as usize - 1]
}

/// "22 november 2026"
pub fn date(d: time::Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[d.month() as usize - 1],
        d.year()
    )
}

/// Today in Amsterdam.
pub fn today() -> time::Date {
    to_amsterdam(OffsetDateTime::now_utc()).date()
}

/// "09:45"
pub fn clock(utc: OffsetDateTime) -> String {
    let t = to_amsterdam(utc);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A month key (`2026-11`, as the referral counts group by) as text: "november 2026".
pub fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((y, m)) => match m.parse::<usize>() {
            Ok(n) if (1..=12).contains(&n) => format!("{} {y}", MONTHS[n - 1]),
            _ => key.to_string(),
        },
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn amsterdam_instants_follow_summer_time() {
        use time::macros::{date, time};
        assert_eq!(
            amsterdam_instant(date!(2026 - 01 - 15), time!(12:00)),
            datetime!(2026-01-15 11:00 UTC)
        );
        assert_eq!(
            amsterdam_instant(date!(2026 - 07 - 15), time!(12:00)),
            datetime!(2026-07-15 10:00 UTC)
        );
        assert_eq!(
            end_of_day(date!(2026 - 12 - 31)),
            datetime!(2026-12-31 22:59:59 UTC)
        );
    }

    #[test]
    fn summer_and_winter_time() {
        assert_eq!(
            amsterdam_offset(datetime!(2026-01-15 12:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            amsterdam_offset(datetime!(2026-07-15 12:00 UTC)).whole_hours(),
            2
        );
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            amsterdam_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            amsterdam_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            amsterdam_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            amsterdam_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            date_time(datetime!(2026-11-22 08:45 UTC)),
            "22 november 2026, 09:45"
        );
    }
}
