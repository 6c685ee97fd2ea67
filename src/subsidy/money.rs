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

/// The text a form field shows for an amount: `1234,50`; empty for zero when `blank_zero`.
pub fn field(cents: i64, blank_zero: bool) -> String {
    if cents == 0 && blank_zero {
        String::new()
    } else {
        crate::fields::cents_text(cents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
