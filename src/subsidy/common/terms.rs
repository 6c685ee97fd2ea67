//! Legal terms computed from the dates entered, never typed by hand (Awb and the Algemene
//! termijnenwet):
//! - a term that ends on a Saturday, Sunday or a general holiday of the Algemene termijnenwet
//!   (art. 1 and 3: Nieuwjaarsdag, Eerste en Tweede Paasdag, Hemelvaartsdag, Eerste en Tweede
//!   Pinksterdag, Eerste en Tweede Kerstdag, Koningsdag, 5 mei) runs on to the next working day;
//! - the objection term is six weeks from the day after the decision was sent (Awb 6:7, 6:8); an
//!   objection received later is still on time when sent by post before the term ended and
//!   received no later than a week after it (Awb 6:9);
//! - an objection is decided within six weeks after the objection term ends (Awb 7:10), once
//!   postponable by at most six weeks.

use time::{Date, Duration, Weekday};

pub use crate::holidays::easter;

/// A general holiday in the sense of the Algemene termijnenwet.
pub fn is_holiday(day: Date) -> bool {
    crate::holidays::on(day).is_some_and(|h| h.general)
}

pub fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(day)
}

/// The last day of a term that nominally ends on `day`: moved to the next working day.
pub fn extended(mut day: Date) -> Date {
    while !is_working_day(day) {
        day += Duration::days(1);
    }
    day
}

/// The last day to object against a decision sent on `sent`.
pub fn objection_deadline(sent: Date) -> Date {
    extended(sent + Duration::weeks(6))
}

/// How an objection arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Post,
    Digital,
}

/// Whether an objection is on time: received by the deadline, or by post when it was posted by
/// the deadline and received within a week after it (Awb 6:9).
pub fn objection_on_time(
    sent: Date,
    received: Date,
    channel: Channel,
    posted: Option<Date>,
) -> bool {
    let deadline = objection_deadline(sent);
    received <= deadline
        || (channel == Channel::Post
            && posted.is_some_and(|p| p <= deadline)
            && received <= deadline + Duration::weeks(1))
}

/// The day by which an objection must be decided: six weeks after the objection term ended,
/// plus a postponement of at most six weeks when one was made.
pub fn objection_decision_due(sent: Date, postponed_weeks: i64) -> Date {
    extended(objection_deadline(sent) + Duration::weeks(6 + postponed_weeks.clamp(0, 6)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn easter_and_the_holidays() {
        assert_eq!(easter(2024), date!(2024 - 03 - 31));
        assert_eq!(easter(2025), date!(2025 - 04 - 20));
        assert_eq!(easter(2026), date!(2026 - 04 - 05));
        assert_eq!(easter(2027), date!(2027 - 03 - 28));
        assert!(is_holiday(date!(2026 - 04 - 06)), "Tweede Paasdag");
        assert!(is_holiday(date!(2026 - 05 - 14)), "Hemelvaartsdag");
        assert!(is_holiday(date!(2026 - 05 - 25)), "Tweede Pinksterdag");
        assert!(
            is_holiday(date!(2025 - 04 - 26)),
            "Koningsdag on the 26th when the 27th is a Sunday"
        );
        assert!(!is_holiday(date!(2025 - 04 - 27)));
        assert!(is_holiday(date!(2026 - 05 - 05)));
        assert!(
            !is_holiday(date!(2026 - 04 - 03)),
            "Goede Vrijdag is no general holiday"
        );
    }

    #[test]
    fn a_term_ending_on_a_weekend_or_holiday_runs_on() {
        assert_eq!(
            extended(date!(2026 - 11 - 28)),
            date!(2026 - 11 - 30),
            "Saturday → Monday"
        );
        assert_eq!(
            extended(date!(2026 - 12 - 25)),
            date!(2026 - 12 - 28),
            "Christmas, Boxing Day, weekend"
        );
        assert_eq!(
            extended(date!(2026 - 04 - 06)),
            date!(2026 - 04 - 07),
            "Easter Monday"
        );
        assert_eq!(extended(date!(2026 - 11 - 27)), date!(2026 - 11 - 27));
    }

    #[test]
    fn the_objection_term_and_the_post_rule() {
        // Sent Monday 1 March 2027: the term starts on 2 March and ends on Monday 12 April.
        let sent = date!(2027 - 03 - 01);
        assert_eq!(objection_deadline(sent), date!(2027 - 04 - 12));
        assert!(objection_on_time(
            sent,
            date!(2027 - 04 - 12),
            Channel::Digital,
            None
        ));
        assert!(!objection_on_time(
            sent,
            date!(2027 - 04 - 13),
            Channel::Digital,
            None
        ));
        // By post: posted on the last day, received within the week after.
        assert!(objection_on_time(
            sent,
            date!(2027 - 04 - 19),
            Channel::Post,
            Some(date!(2027 - 04 - 12))
        ));
        assert!(!objection_on_time(
            sent,
            date!(2027 - 04 - 20),
            Channel::Post,
            Some(date!(2027 - 04 - 12))
        ));
        assert!(!objection_on_time(
            sent,
            date!(2027 - 04 - 14),
            Channel::Post,
            Some(date!(2027 - 04 - 13))
        ));
        // A term ending on Koningsdag (Tuesday 27 April 2027) runs to the 28th.
        assert_eq!(
            objection_deadline(date!(2027 - 03 - 16)),
            date!(2027 - 04 - 28)
        );
    }

    #[test]
    fn deciding_an_objection() {
        let sent = date!(2027 - 03 - 01);
        assert_eq!(objection_decision_due(sent, 0), date!(2027 - 05 - 24));
        assert_eq!(objection_decision_due(sent, 6), date!(2027 - 07 - 05));
        assert_eq!(
            objection_decision_due(sent, 10),
            date!(2027 - 07 - 05),
            "at most six weeks"
        );
    }
}
