//! Opening hours: periods per weekday, written `ma 09:30-15:30` (several periods of one day
//! separated by commas), and the dagdelen (ochtend, middag, avond) that follow from them.

use time::Time;

pub const WEEKDAYS: [(&str, &str); 7] = [
    ("ma", "maandag"),
    ("di", "dinsdag"),
    ("wo", "woensdag"),
    ("do", "donderdag"),
    ("vr", "vrijdag"),
    ("za", "zaterdag"),
    ("zo", "zondag"),
];

pub const DAGDELEN: [&str; 3] = ["ochtend", "middag", "avond"];

/// One opening period; weekday 1 = Monday … 7 = Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub weekday: i16,
    pub opens: Time,
    pub closes: Time,
}

impl Period {
    /// Dagdelen this period touches: ochtend before 12:00, middag 12:00–18:00, avond after 18:00.
    pub fn dagdelen(&self) -> Vec<&'static str> {
        let noon = Time::from_hms(12, 0, 0).expect("noon");
        let six = Time::from_hms(18, 0, 0).expect("six");
        let mut out = Vec::new();
        if self.opens < noon {
            out.push("ochtend");
        }
        if self.opens < six && self.closes > noon {
            out.push("middag");
        }
        if self.closes > six {
            out.push("avond");
        }
        out
    }
}

fn time_text(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once([':', '.'])?;
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if h == 24 && m == 0 {
        return Time::from_hms(23, 59, 0).ok();
    }
    Time::from_hms(h, m, 0).ok()
}

/// The periods of one weekday from `09:00-12:00, 13:00-17:00`.
pub fn parse_day(weekday: i16, text: &str) -> Result<Vec<Period>, String> {
    let day = WEEKDAYS[(weekday - 1) as usize].1;
    let mut periods: Vec<Period> = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let bad = || {
            format!("Schrijf de openingstijden op {day} als 09:00-12:00; meerdere blokken gescheiden door een komma.")
        };
        let (from, to) = part.split_once(['-', '–']).ok_or_else(bad)?;
        let (opens, closes) = (
            parse_time(from).ok_or_else(bad)?,
            parse_time(to).ok_or_else(bad)?,
        );
        if closes <= opens {
            return Err(format!("Op {day} sluit een blok ({part}) niet na het openen. Een blok over middernacht splitst u in twee dagen."));
        }
        if periods.iter().any(|p| opens < p.closes && closes > p.opens) {
            return Err(format!("De blokken op {day} overlappen elkaar."));
        }
        periods.push(Period {
            weekday,
            opens,
            closes,
        });
    }
    if periods.len() > 6 {
        return Err(format!("Geef op {day} hoogstens 6 blokken op."));
    }
    periods.sort_by_key(|p| p.opens);
    Ok(periods)
}

/// The text of one weekday's periods: `09:00-12:00, 13:00-17:00`.
pub fn day_text(periods: &[Period], weekday: i16) -> String {
    periods
        .iter()
        .filter(|p| p.weekday == weekday)
        .map(|p| format!("{}-{}", time_text(p.opens), time_text(p.closes)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The whole week in one line: `ma 09:00-12:00|do 09:00-12:00,19:00-21:00` (the CSV form).
pub fn week_text(periods: &[Period]) -> String {
    (1..=7)
        .filter_map(|d| {
            let text = day_text(periods, d).replace(", ", ",");
            (!text.is_empty()).then(|| format!("{} {}", WEEKDAYS[(d - 1) as usize].0, text))
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Parses the CSV form; each item is `ma 09:00-12:00[,13:00-17:00]`.
pub fn parse_week<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<Period>, String> {
    let mut by_day: [String; 7] = Default::default();
    for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
        let (day, rest) = item.split_once(' ').unwrap_or((item, ""));
        let index = WEEKDAYS
            .iter()
            .position(|(short, long)| day.eq_ignore_ascii_case(short) || day.eq_ignore_ascii_case(long))
            .ok_or_else(|| format!("‘{day}’ is geen dag; gebruik ma, di, wo, do, vr, za of zo, bijvoorbeeld ‘ma 09:00-12:00’."))?;
        if !by_day[index].is_empty() {
            by_day[index].push(',');
        }
        by_day[index].push_str(rest);
    }
    let mut out = Vec::new();
    for (i, text) in by_day.iter().enumerate() {
        out.extend(parse_day(i as i16 + 1, text)?);
    }
    Ok(out)
}

/// The dagdelen of a week, as (weekday, dagdeel) pairs in order.
pub fn open_dagdelen(periods: &[Period]) -> Vec<(i16, &'static str)> {
    let mut out: Vec<(i16, &'static str)> = Vec::new();
    for d in 1..=7 {
        for dagdeel in DAGDELEN {
            if periods
                .iter()
                .any(|p| p.weekday == d && p.dagdelen().contains(&dagdeel))
            {
                out.push((d, dagdeel));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_round_trip_and_dagdelen() {
        let week = parse_week("ma 09:00-12:00|do 09:00-16:00,19:00-22:00".split('|')).unwrap();
        assert_eq!(week.len(), 3);
        assert_eq!(
            week_text(&week),
            "ma 09:00-12:00|do 09:00-16:00,19:00-22:00"
        );
        assert_eq!(day_text(&week, 4), "09:00-16:00, 19:00-22:00");
        assert_eq!(
            open_dagdelen(&week),
            vec![(1, "ochtend"), (4, "ochtend"), (4, "middag"), (4, "avond")]
        );
    }

    #[test]
    fn bad_hours_are_refused() {
        assert!(parse_day(1, "12:00-09:00").is_err());
        assert!(parse_day(1, "09:00-12:00, 11:00-13:00").is_err());
        assert!(parse_day(1, "negen tot vijf").is_err());
        assert!(parse_day(1, "25:00-26:00").is_err());
        assert!(parse_week(["maandag 09:00-10:00", "xx 10:00-11:00"]).is_err());
        assert_eq!(parse_day(2, "00:00-24:00").unwrap().len(), 1);
    }
}
