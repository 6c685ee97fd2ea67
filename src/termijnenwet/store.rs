//! The decrees under art. 3(3) of the Algemene termijnenwet as stored (`termijnenwet_decrees`,
//! `termijnenwet_days`: reference tables, no tenant), reading them and the operator adding one.

use sqlx::PgPool;
use time::{Date, Weekday};
use uuid::Uuid;

use super::{statutory_holiday, Calendar, Decree};

/// Every decree with its days.
pub async fn load(pool: &PgPool) -> Result<Calendar, sqlx::Error> {
    let decrees: Vec<(Uuid, String, i32, i32)> = sqlx::query_as(
        "select decree_id, title, first_year, last_year from termijnenwet_decrees order by first_year",
    )
    .fetch_all(pool)
    .await?;
    let days: Vec<(Uuid, Date)> =
        sqlx::query_as("select decree_id, day from termijnenwet_days order by day")
            .fetch_all(pool)
            .await?;
    Ok(Calendar::new(
        decrees
            .into_iter()
            .map(|(id, title, first_year, last_year)| Decree {
                title,
                first_year,
                last_year,
                days: days
                    .iter()
                    .filter(|(d, _)| *d == id)
                    .map(|(_, day)| *day)
                    .collect(),
            })
            .collect(),
    ))
}

/// A decree as the operator gives it: its title, its years (`2029-2031`, or one year) and the
/// days it declares (`2029-05-11`).
pub fn parse(
    title: &str,
    years: &str,
    days: &[String],
    known: &Calendar,
) -> Result<Decree, String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err("give the decree's title as published (at most 300 characters), e.g. \
                    \"Besluit gelijkstelling van 4 mei 2029 en 11 mei 2029 met een algemeen erkende feestdag\""
            .into());
    }
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1965..=2200).contains(y))
    };
    let (first_year, last_year) = match years.split_once('-') {
        Some((a, b)) => (year(a), year(b)),
        None => (year(years), year(years)),
    };
    let (Some(first_year), Some(last_year)) = (first_year, last_year) else {
        return Err(format!(
            "--years: give the years the decree covers, e.g. 2029-2031 (not \"{years}\")"
        ));
    };
    if last_year < first_year || last_year - first_year > 9 {
        return Err(
            "--years: the first year comes first, and a decree covers at most ten years".into(),
        );
    }
    if let Some(other) = known
        .decrees()
        .iter()
        .find(|d| d.first_year <= last_year && first_year <= d.last_year)
    {
        return Err(format!(
            "the years {first_year}-{last_year} overlap those of \"{}\" ({}-{}), which is in the register already",
            other.title, other.first_year, other.last_year
        ));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut parsed = Vec::new();
    for text in days {
        let day = Date::parse(text.trim(), &format)
            .map_err(|_| format!("--day: \"{text}\" is no date; write it as 2029-05-11"))?;
        if !(first_year..=last_year).contains(&day.year()) {
            return Err(format!(
                "--day {day}: outside the years {first_year}-{last_year} the decree covers"
            ));
        }
        if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return Err(format!("--day {day}: a Saturday or Sunday already counts"));
        }
        if let Some(name) = statutory_holiday(day) {
            return Err(format!("--day {day}: {name} already counts"));
        }
        if parsed.contains(&day) {
            return Err(format!("--day {day}: given twice"));
        }
        parsed.push(day);
    }
    parsed.sort();
    Ok(Decree {
        title: title.to_string(),
        first_year,
        last_year,
        days: parsed,
    })
}

/// Adds `decree` (checked by [`parse`]) in one transaction.
pub async fn add(admin: &PgPool, decree: &Decree) -> Result<(), String> {
    let mut tx = admin.begin().await.map_err(|e| e.to_string())?;
    let id: Uuid = sqlx::query_scalar(
        "insert into termijnenwet_decrees (title, first_year, last_year) values ($1, $2, $3) returning decree_id",
    )
    .bind(&decree.title)
    .bind(decree.first_year)
    .bind(decree.last_year)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::error::violated_constraint(&e).as_deref() {
        Some("termijnenwet_decrees_years_apart") => {
            "the years overlap those of a decree in the register already".to_string()
        }
        _ => format!("decree not added: {e}"),
    })?;
    sqlx::query(
        "insert into termijnenwet_days (day, decree_id) select d, $2 from unnest($1::date[]) as d",
    )
    .bind(&decree.days)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| format!("decree not added: {e}"))?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// The decrees as the operator's list prints them.
pub fn listing(calendar: &Calendar) -> String {
    let mut out = String::new();
    for d in calendar.decrees() {
        out.push_str(&format!("{}-{}  {}\n", d.first_year, d.last_year, d.title));
        for day in &d.days {
            out.push_str(&format!("           {day}  {}\n", super::describe(*day)));
        }
    }
    if out.is_empty() {
        out.push_str("no decree in the register: terms count weekends and the holidays of art. 3(1) and (2) only\n");
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn days(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_decree_is_checked_before_it_is_stored() {
        let known = super::super::tests::calendar_2026_2028();
        let ok = parse(
            "Besluit gelijkstelling van 11 mei 2029 met een algemeen erkende feestdag",
            "2029-2031",
            &days(&["2029-05-11"]),
            &known,
        )
        .unwrap();
        assert_eq!((ok.first_year, ok.last_year), (2029, 2031));
        assert_eq!(ok.days, vec![date!(2029 - 05 - 11)]);
        let err = |years: &str, d: &[&str]| parse("Besluit", years, &days(d), &known).unwrap_err();
        assert!(err("2028-2030", &[]).contains("overlap"));
        assert!(err("2031-2029", &[]).contains("first year comes first"));
        assert!(err("twintig", &[]).contains("--years"));
        assert!(err("2029-2031", &["2032-05-07"]).contains("outside the years"));
        assert!(err("2029-2031", &["2029-05-12"]).contains("Saturday or Sunday"));
        assert!(err("2029-2031", &["2029-05-10"]).contains("Hemelvaartsdag already counts"));
        assert!(err("2029-2031", &["2029-03-30"]).contains("Goede Vrijdag already counts"));
        assert!(err("2029-2031", &["11-05-2029"]).contains("no date"));
        assert!(err("2029-2031", &["2029-05-11", "2029-05-11"]).contains("twice"));
        assert!(parse(" ", "2029", &[], &known).is_err());
        assert!(listing(&known).contains("2027-05-07  vrijdag na Hemelvaartsdag"));
    }
}
