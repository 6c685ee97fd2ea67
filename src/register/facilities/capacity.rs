//! Capacity per weekday and dagdeel, the weekly schedule of the handreiking Open blijven Algemene Voorzieningen (2020): how many people can be
//! present at once, how many places are kept free for walk-ins and how many are by appointment.
//! Written `ma ochtend 12/4/8` (the CSV and the stored text); `ochtend 12/4/8` without a day is
//! short for every weekday the facility is open that dagdeel. A figure for a dagdeel the opening
//! hours leave closed is an error, never dropped.

use super::hours::{self, Period, DAGDELEN, WEEKDAYS};
use crate::form_errors::FormErrors;

/// The field (and CSV column) the items are read from and errors are reported on.
pub const FIELD: &str = "capaciteit_dagdelen";

/// The largest capacity a dagdeel takes, as for the other counts (`fields::count`).
const MAX_CAPACITY: i64 = 10_000_000;

/// The three figures of a capacity, in the order they are written.
pub const PARTS: [(&str, &str); 3] = [
    ("max", "maximaal aanwezig"),
    ("inloop", "vrije inloop"),
    ("afspraak", "op afspraak"),
];

/// The capacity of one weekday's dagdeel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotCapacity {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i16,
    /// Position in [`DAGDELEN`].
    pub dagdeel: usize,
    pub max: i32,
    pub walk_in: i32,
    pub appointment: i32,
}

impl SlotCapacity {
    pub fn dagdeel_name(&self) -> &'static str {
        DAGDELEN[self.dagdeel]
    }

    /// `ma ochtend 12/4/8`.
    pub fn text(&self) -> String {
        format!(
            "{} {} {}/{}/{}",
            WEEKDAYS[(self.weekday - 1) as usize].0,
            self.dagdeel_name(),
            self.max,
            self.walk_in,
            self.appointment
        )
    }

    /// `maandagochtend`.
    fn slot_name(&self) -> String {
        format!(
            "{}{}",
            WEEKDAYS[(self.weekday - 1) as usize].1,
            self.dagdeel_name()
        )
    }
}

/// Reads one item; `Err` is the message. Without a day, `weekday` is 0.
fn parse_item(item: &str) -> Result<SlotCapacity, String> {
    let bad = || {
        "Schrijf de capaciteit als ‘ma ochtend 12/4/8’: dag, dagdeel, dan maximaal aanwezig, waarvan vrije inloop, waarvan op afspraak.".to_string()
    };
    let words: Vec<&str> = item.split_whitespace().collect();
    let (day, dagdeel, numbers) = match words.as_slice() {
        [d, p, n] => (Some(*d), *p, *n),
        [p, n] => (None, *p, *n),
        _ => return Err(bad()),
    };
    let weekday = match day {
        None => 0,
        Some(d) => {
            let d = d.to_lowercase();
            WEEKDAYS
                .iter()
                .position(|(short, long)| *short == d || *long == d)
                .ok_or_else(bad)? as i16
                + 1
        }
    };
    let dagdeel = DAGDELEN
        .iter()
        .position(|p| p.eq_ignore_ascii_case(dagdeel))
        .ok_or_else(bad)?;
    // Parsed wide: a number beyond 32 bits is a typing error to report, not an overflow.
    let parts: Vec<Option<i64>> = numbers
        .split('/')
        .map(|n| n.trim().parse::<i64>().ok().filter(|n| *n >= 0))
        .collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(Option::is_none) {
        return Err(bad());
    }
    let n: Vec<i64> = parts.into_iter().flatten().collect();
    let name = DAGDELEN[dagdeel];
    if n.iter().any(|n| *n > MAX_CAPACITY) {
        return Err(format!(
            "De capaciteit in de {name} is onwaarschijnlijk groot; controleer de getallen."
        ));
    }
    let [max, walk_in, appointment] = [0, 1, 2].map(|i| n.get(i).map_or(0, |v| *v as i32));
    if i64::from(walk_in) + i64::from(appointment) > i64::from(max) {
        return Err(format!(
            "In de {name} zijn vrije inloop en afspraken samen meer dan het maximum ({max})."
        ));
    }
    Ok(SlotCapacity {
        weekday,
        dagdeel,
        max,
        walk_in,
        appointment,
    })
}

/// The (weekday, dagdeel) slots the opening hours cover.
fn open_slots(periods: &[Period]) -> Vec<(i16, usize)> {
    hours::open_dagdelen(periods)
        .into_iter()
        .filter_map(|(weekday, name)| Some((weekday, DAGDELEN.iter().position(|p| *p == name)?)))
        .collect()
}

/// Reads every item against the opening hours (`None` when they could not be read: then only
/// the items themselves are checked). Errors go to [`FIELD`]; the result is in week order.
pub fn parse<'a>(
    items: impl IntoIterator<Item = &'a str>,
    periods: Option<&[Period]>,
    e: &mut FormErrors,
) -> Vec<SlotCapacity> {
    let open = periods.map(open_slots);
    let mut out: Vec<SlotCapacity> = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
        let c = match parse_item(item) {
            Ok(c) => c,
            Err(m) => {
                e.add(FIELD, m);
                continue;
            }
        };
        let slots: Vec<SlotCapacity> = if c.weekday == 0 {
            let days: Vec<i16> = match &open {
                Some(open) => open
                    .iter()
                    .filter(|(_, p)| *p == c.dagdeel)
                    .map(|(d, _)| *d)
                    .collect(),
                None => Vec::new(),
            };
            if days.is_empty() && open.is_some() {
                e.add(FIELD, format!(
                    "U geeft capaciteit op voor de {}, maar volgens de openingstijden bent u dan op geen enkele dag open. Vul de openingstijden aan of laat de capaciteit weg.",
                    c.dagdeel_name()
                ));
            }
            days.into_iter()
                .map(|weekday| SlotCapacity { weekday, ..c })
                .collect()
        } else {
            if let Some(open) = &open {
                if !open.contains(&(c.weekday, c.dagdeel)) {
                    e.add(FIELD, format!(
                        "Op {} bent u volgens de openingstijden gesloten; vul de openingstijden aan of laat de capaciteit van dat dagdeel leeg.",
                        c.slot_name()
                    ));
                    continue;
                }
            }
            vec![c]
        };
        for s in slots {
            if out
                .iter()
                .any(|o| o.weekday == s.weekday && o.dagdeel == s.dagdeel)
            {
                e.add(
                    FIELD,
                    format!("De capaciteit op {} staat er twee keer in.", s.slot_name()),
                );
            } else {
                out.push(s);
            }
        }
    }
    out.sort_by_key(|s| (s.weekday, s.dagdeel));
    out
}

/// The form field of one figure: `cap_ma_ochtend_max`.
pub fn form_field(day: &str, dagdeel: &str, part: &str) -> String {
    format!("cap_{day}_{dagdeel}_{part}")
}

/// Reads a `cap_{day}_{dagdeel}_{part}` form field into `grid` (per weekday, per dagdeel, per
/// part); false when `key` is no such field.
pub fn read_form_field(grid: &mut [[[String; 3]; 3]; 7], key: &str, value: &str) -> bool {
    let Some(rest) = key.strip_prefix("cap_") else {
        return false;
    };
    let mut words = rest.splitn(3, '_');
    let (Some(day), Some(dagdeel), Some(part)) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    let d = WEEKDAYS.iter().position(|(s, _)| *s == day);
    let p = DAGDELEN.iter().position(|x| *x == dagdeel);
    let k = PARTS.iter().position(|(x, _)| *x == part);
    match (d, p, k) {
        (Some(d), Some(p), Some(k)) => {
            grid[d][p][k] = value.trim().to_string();
            true
        }
        _ => false,
    }
}

/// The items a form grid holds: one per slot with any figure (an empty figure is 0).
pub fn items_of_grid(grid: &[[[String; 3]; 3]; 7]) -> Vec<String> {
    let mut out = Vec::new();
    for (d, day) in grid.iter().enumerate() {
        for (p, parts) in day.iter().enumerate() {
            if parts.iter().all(String::is_empty) {
                continue;
            }
            let n = |s: &String| if s.is_empty() { "0" } else { s.as_str() }.to_string();
            out.push(format!(
                "{} {} {}/{}/{}",
                WEEKDAYS[d].0,
                DAGDELEN[p],
                n(&parts[0]),
                n(&parts[1]),
                n(&parts[2])
            ));
        }
    }
    out
}

/// The form fields of stored items (`ma ochtend 12/4/8`), as (field, value).
pub fn form_fields_of<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in items {
        if let Ok(c) = parse_item(item) {
            if c.weekday == 0 {
                continue;
            }
            let day = WEEKDAYS[(c.weekday - 1) as usize].0;
            for ((part, _), v) in PARTS.iter().zip([c.max, c.walk_in, c.appointment]) {
                out.push((form_field(day, c.dagdeel_name(), part), v.to_string()));
            }
        }
    }
    out
}

/// One weekday's row of the schedule as shown: per dagdeel its text, or "–".
pub struct ScheduleRow {
    pub day: &'static str,
    pub cells: Vec<String>,
}

/// The week as a table (only days with any capacity), from stored items.
pub fn schedule<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<ScheduleRow> {
    let parsed: Vec<SlotCapacity> = items
        .into_iter()
        .filter_map(|i| parse_item(i).ok())
        .filter(|c| c.weekday > 0)
        .collect();
    (1..=7)
        .filter(|d| parsed.iter().any(|c| c.weekday == *d))
        .map(|d| ScheduleRow {
            day: WEEKDAYS[(d - 1) as usize].1,
            cells: (0..3)
                .map(|p| {
                    parsed
                        .iter()
                        .find(|c| c.weekday == d && c.dagdeel == p)
                        .map_or("–".to_string(), |c| {
                            format!(
                                "{} tegelijk ({} vrije inloop, {} op afspraak)",
                                c.max, c.walk_in, c.appointment
                            )
                        })
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(items: &[&str]) -> Vec<Period> {
        hours::parse_week(items.iter().copied()).expect("hours")
    }

    #[test]
    fn each_weekday_and_dagdeel_has_its_own_figures() {
        let open = week(&["ma 09:00-17:00", "wo 09:00-12:00,19:00-21:00"]);
        let mut e = FormErrors::default();
        let got = parse(
            ["wo avond 8/8/0", "ma ochtend 12/4/8", "ma middag 10/2/0"],
            Some(&open),
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        let texts: Vec<String> = got.iter().map(SlotCapacity::text).collect();
        assert_eq!(
            texts,
            ["ma ochtend 12/4/8", "ma middag 10/2/0", "wo avond 8/8/0"]
        );
    }

    #[test]
    fn a_figure_for_a_closed_dagdeel_is_an_error_not_dropped() {
        let open = week(&["ma 09:00-12:00"]);
        let mut e = FormErrors::default();
        let got = parse(["ma avond 5/5/0", "di ochtend 3/0/0"], Some(&open), &mut e);
        assert!(got.is_empty());
        let message = e.get(FIELD).expect("error");
        assert!(message.contains("maandagavond"), "{message}");
        let mut e = FormErrors::default();
        parse(["avond 5/5/0"], Some(&open), &mut e);
        assert!(e.get(FIELD).expect("error").contains("avond"));
    }

    #[test]
    fn a_dagdeel_without_a_day_applies_to_every_open_day_of_it() {
        let open = week(&["ma 09:00-12:00", "do 10:00-15:00"]);
        let mut e = FormErrors::default();
        let got = parse(["ochtend 6/2/4"], Some(&open), &mut e);
        assert!(e.is_empty());
        let texts: Vec<String> = got.iter().map(SlotCapacity::text).collect();
        assert_eq!(texts, ["ma ochtend 6/2/4", "do ochtend 6/2/4"]);
    }

    #[test]
    fn bad_items_and_doubles_are_errors() {
        let open = week(&["ma 09:00-21:00"]);
        for item in [
            "maandag",
            "ma nacht 1/1/0",
            "xx ochtend 1/0/0",
            "ma ochtend 1/2/0",
            "ma ochtend 99999999999/0/0",
            "ma ochtend -1/0/0",
        ] {
            let mut e = FormErrors::default();
            assert!(parse([item], Some(&open), &mut e).is_empty(), "{item}");
            assert!(e.get(FIELD).is_some(), "{item}");
        }
        let mut e = FormErrors::default();
        parse(["ma ochtend 4/0/0", "ochtend 5/0/0"], Some(&open), &mut e);
        assert!(e.get(FIELD).expect("double").contains("twee keer"));
    }

    #[test]
    fn the_form_grid_round_trips_to_items() {
        let mut grid: [[[String; 3]; 3]; 7] = Default::default();
        assert!(read_form_field(&mut grid, "cap_di_middag_max", "7"));
        assert!(read_form_field(&mut grid, "cap_di_middag_inloop", " 3 "));
        assert!(!read_form_field(&mut grid, "cap_xx_middag_max", "7"));
        assert!(!read_form_field(&mut grid, "capaciteit", "7"));
        let items = items_of_grid(&grid);
        assert_eq!(items, ["di middag 7/3/0"]);
        let fields = form_fields_of(items.iter().map(String::as_str));
        assert!(fields.contains(&("cap_di_middag_inloop".to_string(), "3".to_string())));
        let rows = schedule(items.iter().map(String::as_str));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].day, "dinsdag");
        assert_eq!(rows[0].cells[0], "–");
    }
}
