//! Opening exceptions as data: periods a facility is closed (from, to inclusive, with a
//! reason) and the public holidays it closes on. Written `2026-12-24/2027-01-03 Kerstvakantie`
//! in the CSV (column `gesloten_periodes`, several separated by `|`), and entered in rows of the
//! form; holidays by code or name (`gesloten_feestdagen`, or `alle`).

use time::macros::format_description;
use time::Date;

use crate::form_errors::FormErrors;
use crate::holidays;
use crate::web::time_fmt;

/// The field (and CSV column) of the closed periods.
pub const FIELD: &str = "gesloten_periodes";
/// The field (and CSV column) of the holidays closed on.
pub const HOLIDAYS_FIELD: &str = "gesloten_feestdagen";
/// The form's rows: one value per row in each of these fields.
pub const ROW_FIELDS: [&str; 3] = ["sluiting_van", "sluiting_tot", "sluiting_reden"];
/// Empty rows the form offers beside the periods entered.
pub const EMPTY_ROWS: usize = 2;

const MAX_PERIODS: usize = 50;
const MAX_REASON: usize = 200;
/// The longest period, in days (as the database allows).
const MAX_DAYS: i64 = 730;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub from: Date,
    pub to: Date,
    pub reason: String,
}

impl Closure {
    /// `2026-12-24/2027-01-03 Kerstvakantie`.
    pub fn text(&self) -> String {
        format!("{}/{} {}", self.from, self.to, self.reason)
            .trim_end()
            .to_string()
    }

    /// `Gesloten van 24 december 2026 tot en met 3 januari 2027 (Kerstvakantie)`.
    pub fn sentence(&self) -> String {
        let when = if self.from == self.to {
            format!("Gesloten op {}", time_fmt::date(self.from))
        } else {
            format!(
                "Gesloten van {} tot en met {}",
                time_fmt::date(self.from),
                time_fmt::date(self.to)
            )
        };
        if self.reason.is_empty() {
            when
        } else {
            format!("{when} ({})", self.reason)
        }
    }

    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A date as `2026-12-24` (the date field and the CSV) or `24-12-2026`.
fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .or_else(|_| Date::parse(text, format_description!("[day]-[month]-[year]")))
        .ok()
}

/// One period from its dates and reason; `Err` is the message.
fn period(from: &str, to: &str, reason: &str) -> Result<Closure, String> {
    if from.trim() == "?" {
        return Err("Vul bij elke sluiting de eerste dag in.".into());
    }
    let from = parse_date(from).ok_or_else(|| {
        format!(
            "‘{}’ is geen datum: schrijf de eerste dag als 24-12-2026.",
            from.trim()
        )
    })?;
    let to = if to.trim().is_empty() {
        from
    } else {
        parse_date(to).ok_or_else(|| {
            format!(
                "‘{}’ is geen datum: schrijf de laatste dag als 03-01-2027.",
                to.trim()
            )
        })?
    };
    if to < from {
        return Err(format!(
            "De sluiting vanaf {} eindigt vóór ze begint.",
            time_fmt::date(from)
        ));
    }
    if (to - from).whole_days() > MAX_DAYS {
        return Err("Een sluiting duurt hoogstens twee jaar; archiveer een voorziening die langer dicht is.".into());
    }
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON {
        return Err(format!(
            "De reden van een sluiting is hoogstens {MAX_REASON} tekens."
        ));
    }
    Ok(Closure {
        from,
        to,
        reason: reason.to_string(),
    })
}

/// Reads the periods (`2026-12-24/2027-01-03 reden`); errors go to [`FIELD`].
pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>, e: &mut FormErrors) -> Vec<Closure> {
    let mut out: Vec<Closure> = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
        let (dates, reason) = item.split_once(' ').unwrap_or((item, ""));
        let (from, to) = dates.split_once('/').unwrap_or((dates, ""));
        match period(from, to, reason) {
            Ok(c) if out.iter().any(|o| o.from == c.from) => e.add(
                FIELD,
                format!("Er staan twee sluitingen vanaf {}.", time_fmt::date(c.from)),
            ),
            Ok(c) => out.push(c),
            Err(m) => e.add(FIELD, m),
        }
    }
    if out.len() > MAX_PERIODS {
        e.add(
            FIELD,
            format!("Geef hoogstens {MAX_PERIODS} sluitingen op; haal voorbije weg."),
        );
    }
    out.sort_by_key(|c| c.from);
    out
}

/// Reads the holidays by code or name (`alle`: every one); errors go to [`HOLIDAYS_FIELD`].
/// The result is in the order of the year.
pub fn parse_holidays<'a>(
    items: impl IntoIterator<Item = &'a str>,
    e: &mut FormErrors,
) -> Vec<String> {
    let mut chosen = [false; holidays::ALL.len()];
    for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
        if item.eq_ignore_ascii_case("alle") {
            chosen = [true; holidays::ALL.len()];
            continue;
        }
        let key = item.to_lowercase().replace(' ', "_");
        match holidays::ALL
            .iter()
            .position(|h| h.code == key || h.name.eq_ignore_ascii_case(item))
        {
            Some(i) => chosen[i] = true,
            None => e.add(
                HOLIDAYS_FIELD,
                format!("‘{item}’ is geen feestdag die wij kennen (bijvoorbeeld koningsdag, eerste_kerstdag of ‘alle’)."),
            ),
        }
    }
    holidays::ALL
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(h, _)| h.code.to_string())
        .collect()
}

/// The items the form's rows hold (rows with only empty fields are skipped).
pub fn items_of_rows(from: &[String], to: &[String], reason: &[String]) -> Vec<String> {
    let n = from.len().max(to.len()).max(reason.len());
    let get = |list: &[String], i: usize| list.get(i).map_or("", |s| s.trim()).to_string();
    (0..n)
        .filter_map(|i| {
            let (f, t, r) = (get(from, i), get(to, i), get(reason, i));
            if f.is_empty() && t.is_empty() && r.is_empty() {
                return None;
            }
            // A missing first day is kept visible as such, so the error names it.
            let f = if f.is_empty() { "?".to_string() } else { f };
            Some(if t.is_empty() {
                format!("{f} {r}")
            } else {
                format!("{f}/{t} {r}")
            })
        })
        .collect()
}

/// The form's rows of stored items: (first day as `yyyy-mm-dd`, last day, reason).
pub fn rows_of_items<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<[String; 3]> {
    items
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .map(|item| {
            let (dates, reason) = item.split_once(' ').unwrap_or((item, ""));
            let (from, to) = dates.split_once('/').unwrap_or((dates, dates));
            let iso = |s: &str| parse_date(s).map_or(s.to_string(), |d| d.to_string());
            [iso(from), iso(to), reason.trim().to_string()]
        })
        .collect()
}

/// Why the facility is closed on `day`, if it is: a period (its reason) or a holiday (its name).
pub fn closed_on(day: Date, periods: &[Closure], holiday_codes: &[String]) -> Option<String> {
    if let Some(c) = periods.iter().find(|c| c.covers(day)) {
        return Some(if c.reason.is_empty() {
            "gesloten".into()
        } else {
            c.reason.clone()
        });
    }
    holidays::on(day)
        .filter(|h| holiday_codes.iter().any(|c| c == h.code))
        .map(|h| h.name.to_string())
}

/// The names of the holidays closed on, in the order of the year.
pub fn holiday_names(codes: &[String]) -> Vec<&'static str> {
    holidays::ALL
        .iter()
        .filter(|h| codes.iter().any(|c| c == h.code))
        .map(|h| h.name)
        .collect()
}

/// "Gesloten op Koningsdag en Eerste Kerstdag.", or empty.
pub fn holidays_sentence(codes: &[String]) -> String {
    let names = holiday_names(codes);
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("Gesloten op {one}."),
        [rest @ .., last] => format!("Gesloten op {} en {last}.", rest.join(", ")),
    }
}

/// The periods that have not ended by `today`, as sentences.
pub fn upcoming(periods: &[Closure], today: Date) -> Vec<String> {
    periods
        .iter()
        .filter(|c| c.to >= today)
        .map(Closure::sentence)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_are_read_in_both_date_forms_and_sorted() {
        let mut e = FormErrors::default();
        let got = parse(
            [
                "2027-07-19/2027-08-13 Zomersluiting",
                "24-12-2026/03-01-2027 Kerstvakantie",
                "2027-04-27",
            ],
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].from, date!(2026 - 12 - 24));
        assert_eq!(got[0].text(), "2026-12-24/2027-01-03 Kerstvakantie");
        assert_eq!(
            got[0].sentence(),
            "Gesloten van 24 december 2026 tot en met 3 januari 2027 (Kerstvakantie)"
        );
        assert_eq!(got[1].sentence(), "Gesloten op 27 april 2027");
    }

    #[test]
    fn bad_periods_say_what_is_wrong() {
        for (item, says) in [
            ("2027-01-10/2027-01-03 x", "eindigt vóór ze begint"),
            ("31-02-2027 x", "geen datum"),
            ("2027-01-01/2030-01-01 lang", "twee jaar"),
        ] {
            let mut e = FormErrors::default();
            assert!(parse([item], &mut e).is_empty(), "{item}");
            assert!(e.get(FIELD).unwrap().contains(says), "{item}");
        }
        let mut e = FormErrors::default();
        parse(["2027-01-01 a", "2027-01-01/2027-01-02 b"], &mut e);
        assert!(e.get(FIELD).unwrap().contains("twee sluitingen"));
    }

    #[test]
    fn holidays_by_code_name_or_all() {
        let mut e = FormErrors::default();
        assert_eq!(
            parse_holidays(["Eerste Kerstdag", "koningsdag"], &mut e),
            ["koningsdag", "eerste_kerstdag"]
        );
        assert_eq!(parse_holidays(["alle"], &mut e).len(), 11);
        assert!(e.is_empty());
        parse_holidays(["sinterklaas"], &mut e);
        assert!(e.get(HOLIDAYS_FIELD).unwrap().contains("sinterklaas"));
    }

    #[test]
    fn closed_on_a_period_or_a_chosen_holiday() {
        let mut e = FormErrors::default();
        let periods = parse(["2026-12-28/2027-01-02 Onderhoud"], &mut e);
        let codes = vec!["eerste_kerstdag".to_string()];
        assert_eq!(
            closed_on(date!(2026 - 12 - 25), &periods, &codes).as_deref(),
            Some("Eerste Kerstdag")
        );
        assert_eq!(closed_on(date!(2026 - 12 - 26), &periods, &codes), None);
        assert_eq!(
            closed_on(date!(2027 - 01 - 02), &periods, &codes).as_deref(),
            Some("Onderhoud")
        );
        assert_eq!(
            upcoming(&periods, date!(2027 - 01 - 03)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn form_rows_round_trip() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let items = items_of_rows(
            &s(&["2026-12-24", "", ""]),
            &s(&["2027-01-03", "", ""]),
            &s(&["Kerst", "", "alleen reden"]),
        );
        assert_eq!(items, ["2026-12-24/2027-01-03 Kerst", "? alleen reden"]);
        let rows = rows_of_items(["2026-12-24/2027-01-03 Kerst"]);
        assert_eq!(
            rows[0],
            ["2026-12-24", "2027-01-03", "Kerst"].map(String::from)
        );
    }
}
