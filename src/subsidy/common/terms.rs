//! Legal terms computed from the dates entered, never typed by hand (Awb and the Algemene
//! termijnenwet):
//! - a term that ends on a Saturday, Sunday, a general holiday of the Algemene termijnenwet
//!   (art. 3(1): Nieuwjaarsdag, tweede Paas- en Pinksterdag, Eerste en Tweede Kerstdag,
//!   Hemelvaartsdag, Koningsdag, 5 mei), Goede Vrijdag (art. 3(2)) or a day a decree declares
//!   equal (art. 3(3), such as the Friday after Hemelvaartsdag) runs on to the next working day,
//!   by the calendar in force ([`crate::termijnenwet`]);
//! - the objection term is six weeks from the day after the decision was sent (Awb 6:7, 6:8); an
//!   objection received later is still on time when sent by post before the term ended and
//!   received no later than a week after it (Awb 6:9);
//! - an objection is decided within six weeks after the objection term ends (Awb 7:10), once
//!   postponable by at most six weeks.

use time::{Date, Duration};

pub use crate::holidays::easter;
use crate::termijnenwet::scope::current;

/// A general holiday in the sense of the Algemene termijnenwet, or a day equal to one.
pub fn is_holiday(day: Date) -> bool {
    current().is_holiday(day)
}

pub fn is_working_day(day: Date) -> bool {
    current().is_working_day(day)
}

/// The last day of a term that nominally ends on `day`: moved to the next working day.
pub fn extended(day: Date) -> Date {
    current().extended(day)
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
            is_holiday(date!(2026 - 04 - 03)),
            "Goede Vrijdag is equal to a general holiday (art. 3(2))"
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
    fn the_objection_term_skips_goede_vrijdag_and_the_declared_days() {
        // Sent 12 February 2027: six weeks end on Goede Vrijdag 26 March, then the weekend,
        // Eerste and Tweede Paasdag: Tuesday 30 March.
        assert_eq!(
            objection_deadline(date!(2027 - 02 - 12)),
            date!(2027 - 03 - 30)
        );
        // Sent 26 March 2027: six weeks end on Friday 7 May, the day after Hemelvaartsdag that
        // the decree for 2026–2028 declares equal: Monday 10 May. Without it, 7 May.
        let decree = crate::termijnenwet::Decree {
            title: "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag".into(),
            first_year: 2026,
            last_year: 2028,
            days: vec![date!(2027 - 05 - 07)],
        };
        let calendar = std::sync::Arc::new(crate::termijnenwet::Calendar::new(vec![decree]));
        let with_decree = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(crate::termijnenwet::scope::with(calendar, async {
                objection_deadline(date!(2027 - 03 - 26))
            }));
        assert_eq!(with_decree, date!(2027 - 05 - 10));
        assert_eq!(
            objection_deadline(date!(2027 - 03 - 26)),
            date!(2027 - 05 - 07)
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
