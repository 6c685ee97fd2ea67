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
}
