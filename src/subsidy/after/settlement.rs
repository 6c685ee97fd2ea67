//! After the grant (Awb 4:44–4:57): the payment schedule (one payment or advances in parts on
//! computed dates, adding up exactly), the accountability each amount band owes and when, and
//! the settlement: at the granted amount or lower with a reason; what was paid is offset, the
//! rest paid within six weeks, or a claim made for what was paid too much.

use time::{Date, Duration, Month};

/// What a grant owes as accountability, by the round's amount bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Settled at once with the grant.
    Direct,
    ActivityReport,
    /// An activity report and a financial report with the realised budget.
    FinancialReport,
}

impl Duty {
    pub fn of(granted_cents: i64, direct_below: i64, financial_from: i64) -> Self {
        if granted_cents < direct_below {
            Self::Direct
        } else if granted_cents < financial_from {
            Self::ActivityReport
        } else {
            Self::FinancialReport
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Self::Direct => {
                "geen verantwoording: de subsidie wordt bij de verlening meteen vastgesteld"
            }
            Self::ActivityReport => "een activiteitenverslag",
            Self::FinancialReport => {
                "een activiteitenverslag en een financieel verslag met de gerealiseerde begroting"
            }
        }
    }
}

/// `date` moved by `months` calendar months, on the same day or the month's last day.
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).expect("1..=12");
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).expect("a valid date")
}

/// The day accountability is due: the period's end plus the round's months.
pub fn accountability_due(period_end: Date, months: i32) -> Date {
    add_months(period_end, months)
}

/// One planned payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub part: i32,
    pub due_on: Date,
    pub amount_cents: i64,
}

/// The schedule of `granted` in `parts`: equal parts (the first ones carry the cents that do
/// not divide), due at even steps through the period, never earlier than two weeks after the
/// decision.
pub fn schedule(
    granted: i64,
    parts: i32,
    period_start: Date,
    period_end: Date,
    decided: Date,
) -> Vec<Planned> {
    if granted <= 0 {
        return Vec::new();
    }
    let parts = parts.clamp(1, 12) as i64;
    let months = ((period_end.year() - period_start.year()) * 12 + period_end.month() as i32
        - period_start.month() as i32
        + 1)
    .max(1);
    let earliest = decided + Duration::weeks(2);
    let base = granted / parts;
    let extra = granted % parts;
    (0..parts)
        .map(|i| Planned {
            part: i as i32 + 1,
            due_on: add_months(period_start, (i as i32 * months) / parts as i32).max(earliest),
            amount_cents: base + if i < extra { 1 } else { 0 },
        })
        .collect()
}

/// The outcome of settling at `settled` when `paid` was paid: what is still to pay (within six
/// weeks, Awb 4:52) and what is claimed back (Awb 4:57).
pub fn offset(settled: i64, paid: i64) -> (i64, i64) {
    if settled >= paid {
        (settled - paid, 0)
    } else {
        (0, paid - settled)
    }
}

/// Own-initiative settlement is possible this many weeks after accountability was due.
pub const OWN_INITIATIVE_AFTER_WEEKS: i64 = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn amount_bands() {
        assert_eq!(Duty::of(499_999, 500_000, 5_000_000), Duty::Direct);
        assert_eq!(Duty::of(500_000, 500_000, 5_000_000), Duty::ActivityReport);
        assert_eq!(
            Duty::of(5_000_000, 500_000, 5_000_000),
            Duty::FinancialReport
        );
    }

    #[test]
    fn months_keep_the_day_or_the_months_end() {
        assert_eq!(add_months(date!(2027 - 12 - 31), 4), date!(2028 - 04 - 30));
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2027 - 11 - 15), 3), date!(2028 - 02 - 15));
        assert_eq!(
            accountability_due(date!(2027 - 12 - 31), 4),
            date!(2028 - 04 - 30)
        );
    }

    #[test]
    fn advances_add_up_and_fall_through_the_period() {
        let plan = schedule(
            10_000_001,
            4,
            date!(2027 - 01 - 01),
            date!(2027 - 12 - 31),
            date!(2026 - 11 - 01),
        );
        assert_eq!(plan.iter().map(|p| p.amount_cents).sum::<i64>(), 10_000_001);
        assert_eq!(plan[0].amount_cents, 2_500_001);
        assert_eq!(plan[3].amount_cents, 2_500_000);
        let dates: Vec<Date> = plan.iter().map(|p| p.due_on).collect();
        assert_eq!(
            dates,
            vec![
                date!(2027 - 01 - 01),
                date!(2027 - 04 - 01),
                date!(2027 - 07 - 01),
                date!(2027 - 10 - 01)
            ]
        );
        // Decided late: nothing falls due before two weeks after the decision.
        let plan = schedule(
            300,
            3,
            date!(2027 - 01 - 01),
            date!(2027 - 12 - 31),
            date!(2027 - 05 - 10),
        );
        assert_eq!(plan[0].due_on, date!(2027 - 05 - 24));
        assert_eq!(plan[1].due_on, date!(2027 - 05 - 24));
        assert_eq!(plan[2].due_on, date!(2027 - 09 - 01));
        assert_eq!(
            schedule(
                0,
                4,
                date!(2027 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2027 - 01 - 01)
            ),
            vec![]
        );
    }

    #[test]
    fn settling_offsets_what_was_paid() {
        assert_eq!(offset(10_000, 7_500), (2_500, 0));
        assert_eq!(offset(6_000, 7_500), (0, 1_500));
        assert_eq!(offset(7_500, 7_500), (0, 0));
    }
}
