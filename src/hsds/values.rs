//! How the register's text becomes HSDS values: web addresses, e-mail addresses, amounts and
//! timestamps as the schema wants them.

use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A date-time as HSDS shows it: UTC with milliseconds.
pub fn timestamp(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

/// A web address HSDS accepts as a URI; anything else is left out.
pub fn uri(text: &str) -> Option<String> {
    let text = text.trim();
    let ok = (text.starts_with("https://") || text.starts_with("http://"))
        && text.is_ascii()
        && !text
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control() || "\"<>\\^`{|}".contains(c));
    ok.then(|| text.to_string())
}

/// An e-mail address, or `None` when empty.
pub fn email(text: &str) -> Option<String> {
    let text = text.trim();
    (text.contains('@') && !text.contains(char::is_whitespace)).then(|| text.to_string())
}

/// "2,50" for 250 cents.
pub fn euros(cents: i64) -> String {
    format!("€ {}", crate::fields::cents_text(cents))
}
