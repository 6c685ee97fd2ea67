//! Input parsed into checked values at the edge; each error is a Dutch sentence for the form.

/// A lower-cased e-mail address of plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim().to_lowercase();
        let message =
            || "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl.".to_string();
        if email.is_empty() {
            return Err("Vul een e-mailadres in.".into());
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(message());
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(message());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains('@') || local.len() > 64 || !domain_ok {
            return Err(message());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required line of text of at most `max` characters, trimmed.
pub fn required_text(input: &str, max: usize, what: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        Err(format!("Vul {what} in."))
    } else if text.chars().any(char::is_control) {
        Err(format!(
            "Gebruik voor {what} alleen gewone tekens, zonder tabs of regeleinden."
        ))
    } else if text.chars().count() > max {
        Err(format!("Gebruik voor {what} hoogstens {max} tekens."))
    } else {
        Ok(text.to_string())
    }
}

/// A Dutch postcode, normalised to `1234 AB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let bytes = compact.as_bytes();
        let shape = bytes.len() == 6
            && bytes[0].is_ascii_digit()
            && bytes[0] != b'0'
            && bytes[1..4].iter().all(u8::is_ascii_digit)
            && bytes[4..].iter().all(u8::is_ascii_uppercase);
        // SA, SD and SS are not issued.
        if !shape || matches!(&compact[4..], "SA" | "SD" | "SS") {
            return Err("Vul een postcode in als 1234 AB: vier cijfers (niet beginnend met 0) en twee letters.".into());
        }
        Ok(Self(format!("{} {}", &compact[..4], &compact[4..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A KvK number: exactly 8 digits.
pub fn kvk_number(input: &str) -> Result<String, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("Een KvK-nummer bestaat uit precies 8 cijfers, bijvoorbeeld 12345678.".into())
    }
}

/// A web address; `www.voorbeeld.nl` becomes `https://www.voorbeeld.nl`.
pub fn website(input: &str) -> Result<String, String> {
    let text = input.trim();
    let url = if text.starts_with("http://") || text.starts_with("https://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !host_ok
        || url.len() > 500
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<')
    {
        return Err("Vul een geldig webadres in, bijvoorbeeld https://www.voorbeeld.nl.".into());
    }
    Ok(url)
}

/// A phone number: digits with optional spaces, dashes, brackets and a leading +;
/// 10 digits for a Dutch number, 8 to 15 for an international one.
pub fn phone(input: &str) -> Result<String, String> {
    let text = input.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0));
    let ok = allowed
        && if text.starts_with('+') || text.starts_with("00") {
            (8..=15).contains(&digits)
        } else {
            digits == 10
                || (text.starts_with("0800") || text.starts_with("0900"))
                    && (8..=11).contains(&digits)
                || text.starts_with("14") && (5..=6).contains(&digits)
        };
    if ok {
        Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Err("Vul een geldig telefoonnummer in, bijvoorbeeld 0546 541300 of +31 546 541300.".into())
    }
}

/// An optional whole number that may not be negative; empty means unknown.
pub fn count(input: &str, what: &str) -> Result<Option<i32>, String> {
    let text: String = input
        .trim()
        .chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{what} kan niet negatief zijn.")),
        Ok(n) if n > 10_000_000 => Err(format!(
            "{what} is onwaarschijnlijk groot; controleer het getal."
        )),
        Ok(n) => Ok(Some(n as i32)),
        Err(_) => Err(format!(
            "Vul bij {} een heel getal in, zonder letters.",
            what.to_lowercase()
        )),
    }
}

/// An amount in euro (`2,50`, `2.50`, `€ 3`) as cents; empty means none.
pub fn euro_cents(input: &str) -> Result<Option<i64>, String> {
    let text: String = input
        .trim()
        .trim_start_matches('€')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let message = || "Vul een bedrag in euro in, bijvoorbeeld 2,50.".to_string();
    if text.starts_with('-') {
        return Err("Een bedrag kan niet negatief zijn.".into());
    }
    let text = text.replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 2 || whole.len() > 9 {
        return Err(message());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| message())?
    };
    let cents: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().map_err(|_| message())?
    };
    Ok(Some(whole * 100 + cents))
}

/// Cents shown as a Dutch amount: `2,50`.
pub fn cents_text(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// Optional free text of at most `max` characters (line breaks allowed), trimmed.
/// A longer text that must be given (a reason, a motivation, a report): [`optional_text`]'s
/// checks, and `missing` when it is empty.
pub fn long_text(input: &str, max: usize, what: &str, missing: &str) -> Result<String, String> {
    match optional_text(input, max, what)? {
        t if t.is_empty() => Err(missing.to_string()),
        t => Ok(t),
    }
}

pub fn optional_text(input: &str, max: usize, what: &str) -> Result<String, String> {
    let text = input.trim();
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Err(format!("Gebruik voor {what} alleen gewone tekens."))
    } else if text.chars().count() > max {
        Err(format!("Gebruik voor {what} hoogstens {max} tekens."))
    } else {
        Ok(text.replace("\r\n", "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Beheer@Almelo.Demo ").unwrap().as_str(),
            "beheer@almelo.demo"
        );
        for bad in [
            "", "geen", "a@b", "a b@c.nl", "@c.nl", "a@.nl", "a@c..nl", "a@c.nl.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(required_text("  Jan ", 10, "een naam").unwrap(), "Jan");
        assert!(required_text("   ", 10, "een naam").is_err());
        assert!(required_text("abcdefghijk", 10, "een naam").is_err());
        assert!(required_text("a\u{0}b", 10, "een naam").is_err());
    }
    #[test]
    fn postcodes_kvk_urls_phones_numbers() {
        assert_eq!(Postcode::parse("7608ld").unwrap().as_str(), "7608 LD");
        assert_eq!(Postcode::parse(" 6211 AB ").unwrap().as_str(), "6211 AB");
        for bad in [
            "0123 AB", "123 AB", "1234 A", "1234 SS", "12345 AB", "ABCD 12",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(kvk_number("3817 6435").unwrap(), "38176435");
        assert!(kvk_number("1234567").is_err() && kvk_number("1234567a").is_err());
        assert_eq!(website("www.avedan.nl").unwrap(), "https://www.avedan.nl");
        assert!(website("geen site").is_err() && website("http://localhost").is_err());
        assert!(
            phone("0546 541300").is_ok()
                && phone("+31 546 541300").is_ok()
                && phone("14 043").is_ok()
        );
        assert!(phone("12345").is_err() && phone("bel maar").is_err());
        assert_eq!(count("1.200", "Het aantal").unwrap(), Some(1200));
        assert!(count("-3", "Het aantal").is_err() && count("veel", "Het aantal").is_err());
        assert_eq!(euro_cents("€ 2,5").unwrap(), Some(250));
        assert_eq!(euro_cents("3").unwrap(), Some(300));
        assert!(euro_cents("-1").is_err() && euro_cents("1,234").is_err());
        assert_eq!(cents_text(250), "2,50");
    }
}
