//! What an upload of the double-funding check may hold, line by line: the key's fingerprint,
//! then pseudonyms, at least a minimum number of different ones, and never anything that
//! looks like a BSN.
//!
//! A pseudonym is HMAC-SHA256 output in hex: 64 characters that look random. A line that does
//! not (a CSV row like `111222333;Jansen`, a BSN written as `111 222 333`, `111.222.333` or
//! in full-width digits, or one padded with zeros to 64 characters) is refused, and when
//! it holds an 11-proef-valid number of eight or nine digits anywhere in it, the whole upload is
//! refused and never shown back. Lines that do look like pseudonyms are not searched for
//! BSNs: about one genuine pseudonym in a hundred holds nine digits in a row that pass the
//! 11-proef, so searching them would refuse honest uploads.

use super::pseudonym::bsn;

/// A line of an upload: a pseudonym, else why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Pseudonym([u8; 32]),
    /// Something holding an 11-proef-valid number: a BSN that must never be stored or shown.
    Bsn,
    Wrong,
}

/// What an upload holds: the key's fingerprint and the different pseudonyms, sorted.
#[derive(Debug)]
pub struct Parsed {
    pub fingerprint: String,
    pub pseudonyms: Vec<[u8; 32]>,
}

/// Why an upload is refused; `holds_bsn` when nothing of it may be shown back.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub holds_bsn: bool,
}

impl Refusal {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            holds_bsn: false,
        }
    }
}

/// At most this many pseudonyms per upload.
const MOST: usize = 100_000;

/// The line as a pseudonym: 64 hex characters that look like HMAC output (some letters, at
/// least ten different characters). A genuine pseudonym fails this about once in 10^12; a
/// number padded with zeros or letters to 64 characters always does.
fn pseudonym_of(text: &str) -> Option<[u8; 32]> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.len() != 64 || !lower.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let letters = lower.bytes().filter(|b| b.is_ascii_alphabetic()).count();
    let mut seen = [false; 256];
    lower.bytes().for_each(|b| seen[b as usize] = true);
    let different = seen.iter().filter(|s| **s).count();
    if letters < 4 || different < 10 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&lower[2 * i..2 * i + 2], 16).expect("hex checked");
    }
    Some(out)
}

/// The first code point of each run of decimal digits 0–9 beside ASCII that a pasted BSN may
/// come in: Arabic-Indic, Extended Arabic-Indic, Devanagari, full-width and the mathematical
/// digit styles.
const ZEROS: [u32; 10] = [
    0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x09E6,
];

fn digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let code = c as u32;
    ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .map(|zero| char::from(b'0' + (code - zero) as u8))
}

/// Characters people write between the digits of a number (spaces of every kind, dots,
/// dashes, slashes, commas, apostrophes) and invisible ones: dropped before looking for runs.
fn separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '.' | ',' | '-' | '_' | '/' | '\'' | '·' | '\u{2010}'..='\u{2015}' | '\u{2212}'
                | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Whether `text` holds, anywhere, an 11-proef-valid number of eight or nine digits: a run of
/// digits that is one after its leading zeros, or any nine digits in a longer run.
pub fn holds_bsn(text: &str) -> bool {
    let mut runs: Vec<String> = vec![String::new()];
    for c in text.chars() {
        if let Some(d) = digit(c) {
            runs.last_mut().expect("one run at least").push(d);
        } else if !separator(c) && !runs.last().is_some_and(String::is_empty) {
            runs.push(String::new());
        }
    }
    runs.iter().any(|run| {
        let significant = run.trim_start_matches('0');
        (8..=9).contains(&significant.len()) && bsn(significant).is_some()
            || run.len() > 9 && (0..=run.len() - 9).any(|i| bsn(&run[i..i + 9]).is_some())
    })
}

/// What one line is.
pub fn read_line(text: &str) -> Line {
    if let Some(p) = pseudonym_of(text) {
        Line::Pseudonym(p)
    } else if holds_bsn(text) {
        Line::Bsn
    } else {
        Line::Wrong
    }
}

fn bsn_refused(line: usize) -> Refusal {
    Refusal {
        message: format!(
            "Regel {line} lijkt een burgerservicenummer te bevatten. Er is niets opgeslagen en niets \
             bewaard, en de invoer wordt niet teruggetoond: upload alleen pseudoniemen, gemaakt met de knop \
             op deze pagina of met het commando voorzieningen pseudonymise."
        ),
        holds_bsn: true,
    }
}

/// Reads an upload: the line `sleutel;<fingerprint>`, then one pseudonym per line, at least
/// `minimum` different ones (a repeat counts once).
pub fn parse_upload(text: &str, minimum: usize) -> Result<Parsed, Refusal> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| (i + 1, l));
    let Some((first_no, first)) = lines.next() else {
        return Err(Refusal::plain("Er zijn geen pseudoniemen. Maak ze eerst met de knop hierboven, of plak de uitvoer van voorzieningen pseudonymise."));
    };
    let fingerprint = first
        .strip_prefix("sleutel;")
        .map(|f| f.trim().to_ascii_lowercase());
    match &fingerprint {
        Some(f) if f.len() == 64 && f.bytes().all(|b| b.is_ascii_hexdigit()) => {}
        _ if holds_bsn(first) => return Err(bsn_refused(first_no)),
        Some(_) => {
            return Err(Refusal::plain(
                "Na ‘sleutel;’ hoort de vingerafdruk van de sleutel (64 tekens), zoals de knop en het commando die maken.",
            ))
        }
        None => {
            return Err(Refusal::plain(
                "De eerste regel moet ‘sleutel;…’ zijn, zoals de knop en het commando die maken.",
            ))
        }
    }
    let mut out = Vec::new();
    let mut wrong = Vec::new();
    for (no, line) in lines {
        match read_line(line) {
            Line::Pseudonym(p) => out.push(p),
            // Never stored, never echoed: the whole upload is refused.
            Line::Bsn => return Err(bsn_refused(no)),
            Line::Wrong => wrong.push(no.to_string()),
        }
        if out.len() > MOST {
            return Err(Refusal::plain("Hoogstens 100.000 pseudoniemen per keer."));
        }
    }
    if !wrong.is_empty() {
        let shown: Vec<String> = wrong.iter().take(10).cloned().collect();
        return Err(Refusal::plain(format!(
            "Regel {} {} geen pseudoniem (64 tekens 0–9 en a–f, zoals de knop en het commando ze maken). \
             Er is niets opgeslagen.",
            shown.join(", "),
            if wrong.len() == 1 { "is" } else { "zijn" }
        )));
    }
    out.sort_unstable();
    out.dedup();
    if out.len() < minimum {
        let count = match out.len() {
            1 => "staat 1 pseudoniem".to_string(),
            n => format!("staan {n} verschillende pseudoniemen"),
        };
        return Err(Refusal::plain(format!(
            "Er {count} in (een herhaling telt één keer); er zijn er minstens {minimum} nodig, zodat de \
             uitkomst niets zegt over één persoon. Er is niets opgeslagen."
        )));
    }
    Ok(Parsed {
        fingerprint: fingerprint.expect("checked above"),
        pseudonyms: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subsidy::double_funding::pseudonym::{fingerprint, pseudonym};

    const KEY: &[u8] = &[7u8; 32];

    fn upload(lines: &[String]) -> String {
        format!("sleutel;{}\n{}", fingerprint(KEY), lines.join("\n"))
    }

    fn pseudonyms(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| pseudonym(KEY, &format!("{:09}", 100_000_000 + i)))
            .collect()
    }

    #[test]
    fn a_bsn_in_any_form_is_found() {
        for line in [
            "111222333",
            "111222333;Jansen",
            "Jansen;111222333;1970-01-01",
            "111 222 333",
            "111.222.333",
            "111-22-2333",
            "111\u{00A0}222\u{202F}333",
            "111\u{200B}222333",
            "１１１２２２３３３",
            "١١١٢٢٢٣٣٣",
            "12345672",
            "bsn:012345672",
            &format!("{:0>64}", "111222333"),
            &format!("{:0<64}", "111222333"),
            &format!("{:a>64}", "111222333"),
            "9999111222333999",
        ] {
            assert!(holds_bsn(line), "{line}");
            assert_eq!(read_line(line), Line::Bsn, "{line}");
        }
        for line in ["111222334", "hallo", "2027-Q1", "12 mei 2027", ""] {
            assert!(!holds_bsn(line), "{line}");
        }
    }

    #[test]
    fn genuine_pseudonyms_pass_and_look_alikes_do_not() {
        // Ten thousand genuine pseudonyms: every one is read as a pseudonym, even those that
        // hold nine digits in a row passing the 11-proef.
        let mut with_digits = 0;
        for i in 0..10_000 {
            let p = pseudonym(KEY, &format!("{i:09}"));
            assert!(matches!(read_line(&p), Line::Pseudonym(_)), "{p}");
            with_digits += usize::from(holds_bsn(&p));
        }
        assert!(
            with_digits > 0,
            "some genuine pseudonyms hold an 11-proef number"
        );
        assert_eq!(read_line(&"0".repeat(64)), Line::Wrong);
        assert_eq!(
            read_line(&"ab".repeat(32)),
            Line::Wrong,
            "too few characters"
        );
    }

    #[test]
    fn an_upload_needs_the_minimum_of_different_pseudonyms() {
        let nine = pseudonyms(9);
        let mut repeated = nine.clone();
        repeated.extend(nine.iter().take(5).cloned());
        let refused = parse_upload(&upload(&repeated), 10).unwrap_err();
        assert!(refused
            .message
            .contains("Er staan 9 verschillende pseudoniemen"));
        assert!(!refused.holds_bsn);
        let one = parse_upload(&upload(&pseudonyms(1)), 10).unwrap_err();
        assert!(one.message.contains("Er staat 1 pseudoniem in"));
        let ten = parse_upload(&upload(&pseudonyms(10)), 10).unwrap();
        assert_eq!(ten.pseudonyms.len(), 10);
        assert_eq!(ten.fingerprint, fingerprint(KEY));
    }

    #[test]
    fn a_bsn_anywhere_refuses_the_whole_upload() {
        let mut lines = pseudonyms(20);
        lines.push("111222333;Jansen".into());
        let refused = parse_upload(&upload(&lines), 10).unwrap_err();
        assert!(refused.holds_bsn);
        assert!(refused.message.contains("Regel 22"));
        assert!(!refused.message.contains("111222333"));
        let refused = parse_upload("sleutel;111222333\nx", 10).unwrap_err();
        assert!(refused.holds_bsn, "in the key line too");
        let refused = parse_upload("111222333\n", 10).unwrap_err();
        assert!(refused.holds_bsn);
        let wrong = parse_upload(&upload(&["hallo".to_string()]), 10).unwrap_err();
        assert!(!wrong.holds_bsn);
        assert!(wrong.message.contains("Regel 2 is geen pseudoniem"));
    }
}
