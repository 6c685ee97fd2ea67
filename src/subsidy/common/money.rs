//! Amounts in integer euro cents, shown the Dutch way (`€ 1.164.240,00`). Nothing here rounds:
//! where a rule divides money, the rule says how it rounds.

/// `€ 1.164.240,00`
pub fn euro(cents: i64) -> String {
    format!("€ {}", plain(cents))
}

/// `1.164.240,00` (no currency sign), for tables whose header says euro.
pub fn plain(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02}", abs % 100)
}

/// `1164240.00`: two decimals with a point, for CSV columns named `_eur`.
pub fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `1164240,00`: two decimals with a comma and no grouping, as Dutch Excel reads a number
/// from a CSV (`;`-separated) file.
pub fn comma_decimal(cents: i64) -> String {
    decimal(cents).replace('.', ",")
}

/// The text a form field shows for an amount: `1234,50`; empty for zero when `blank_zero`.
pub fn field(cents: i64, blank_zero: bool) -> String {
    if cents == 0 && blank_zero {
        String::new()
    } else {
        crate::fields::cents_text(cents)
    }
}

/// An amount in euro as people type it — `12.500,50`, `12500,50`, `12.500`, `12500.50`,
/// `€ 1.000` — in cents; empty is `None`. A point followed by exactly three digits groups
/// thousands; otherwise a point or comma is the decimal separator (at most two decimals).
pub fn parse_euro(input: &str) -> Result<Option<i64>, String> {
    let text: String = input
        .trim()
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let wrong = || "Vul een bedrag in euro in, bijvoorbeeld 12.500,00.".to_string();
    if text.starts_with('-') {
        return Err("Een bedrag kan niet negatief zijn.".into());
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(wrong());
    }
    let (whole, fraction) = if let Some((w, f)) = text.rsplit_once(',') {
        (w.to_string(), f.to_string())
    } else {
        match text.rsplit_once('.') {
            Some((w, f)) if f.len() != 3 => (w.to_string(), f.to_string()),
            _ => (text.clone(), String::new()),
        }
    };
    // What is left of the separator may only group thousands with points.
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok || whole.contains(',') || fraction.len() > 2 || fraction.contains(['.', ',']) {
        return Err(wrong());
    }
    let digits = whole.replace('.', "");
    if digits.len() > 11 || (digits.is_empty() && fraction.is_empty()) {
        return Err(wrong());
    }
    let euros: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| wrong())?
    };
    let cents: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().map_err(|_| wrong())?
    };
    Ok(Some(euros * 100 + cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(parse_euro("12.500,50"), Ok(Some(1_250_050)));
        assert_eq!(parse_euro("12.000"), Ok(Some(1_200_000)));
        assert_eq!(parse_euro("1.234.567"), Ok(Some(123_456_700)));
        assert_eq!(parse_euro("12500,5"), Ok(Some(1_250_050)));
        assert_eq!(parse_euro("12500.50"), Ok(Some(1_250_050)));
        assert_eq!(parse_euro("€ 1.000"), Ok(Some(100_000)));
        assert_eq!(parse_euro("0,99"), Ok(Some(99)));
        assert_eq!(parse_euro(""), Ok(None));
        assert!(parse_euro("twaalf").is_err());
        assert!(parse_euro("-5").is_err());
        assert!(parse_euro("12.00.0").is_err());
        assert!(parse_euro("1,2,3").is_err());
        assert!(parse_euro("12,345").is_err());
        assert!(parse_euro("99999999999999").is_err());
    }

    #[test]
    fn dutch_notation() {
        assert_eq!(euro(116_424_000), "€ 1.164.240,00");
        assert_eq!(euro(5), "€ 0,05");
        assert_eq!(euro(-123_456), "€ -1.234,56");
        assert_eq!(plain(100_000), "1.000,00");
        assert_eq!(decimal(73_563_000), "735630.00");
        assert_eq!(decimal(7), "0.07");
        assert_eq!(field(0, true), "");
        assert_eq!(field(250, true), "2,50");
    }
}
