//! The documents applicants add (to an application or a verantwoording): what is accepted, checked
//! by content rather than by name, and the name kept: cleaned of anything that makes it read
//! otherwise than it is, with the extension of the type its content shows.

use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// Largest document accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted: what the content must show, and the media type stored.
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    // An OpenDocument file stores its media type uncompressed as the first zip entry.
    let head = &bytes[..bytes.len().min(200)];
    if contains(head, b"mimetypeapplication/vnd.oasis.opendocument.text") {
        return Some("application/vnd.oasis.opendocument.text");
    }
    // Office Open XML: entry names are stored uncompressed in the zip headers.
    if contains(bytes, b"word/document.xml") {
        return Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    if contains(bytes, b"xl/workbook.xml") {
        return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A file name safe to store and to send back: the last path part, without control characters
/// and without the invisible ones that change how a name reads (bidirectional overrides and
/// isolates, zero-width characters, soft hyphens): `rapport\u{202e}fdp.html` would show as
/// "rapportlmth.pdf".
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !invisible(*c) && *c != '"')
        .take(150)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

/// Characters of Unicode's format category (Cf) and the separators that names have no use
/// for, which render as nothing or reorder the text around them.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// The extension of a media type we accept.
fn extension(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        _ => "bin",
    }
}

/// `name` (cleaned) with the extension of `media_type`, the type its content shows: the name's
/// own extension goes when it is another (what it claims does not count), and a name without
/// one gets it. So a download opens as what it is.
pub fn stored_name(name: &str, media_type: &str) -> String {
    let name = clean_name(name);
    let wanted = extension(media_type);
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if ext.eq_ignore_ascii_case(wanted) && !stem.trim().is_empty() => {
            return format!("{stem}.{wanted}")
        }
        // What follows the last dot is an extension when it looks like one (`html`, `exe`,
        // `tar`); `verslag 2.1` keeps its `.1`.
        Some((stem, ext))
            if !stem.trim().is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            stem.trim_end()
        }
        _ => name.as_str(),
    };
    format!("{stem}.{wanted}")
}

/// A file as sent: its cleaned name and its bytes.
pub type Sent = (String, bytes::Bytes);

/// The file of an upload when it is one we accept: name, bytes and the media type its content
/// shows.
pub fn checked(file: Option<Sent>) -> Result<(String, bytes::Bytes, &'static str), &'static str> {
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err("Kies een bestand om toe te voegen.");
    };
    if bytes.len() > MAX_BYTES {
        return Err("Het bestand is te groot: het mag hoogstens 10 MB zijn.");
    }
    let Some(media_type) = detect(&bytes) else {
        return Err("Dit bestand is geen PDF, ODT, DOCX of XLSX. Sla het in een van die vormen op en voeg het opnieuw toe.");
    };
    Ok((stored_name(&name, media_type), bytes, media_type))
}

/// The refusal when `count` documents are already there and a new one would exceed `max`
/// (`replaces`: the upload takes the place of one already counted).
pub fn over_limit(count: i64, replaces: bool, max: i64) -> Option<String> {
    let after = count + i64::from(!replaces);
    (after > max).then(|| {
        format!(
            "Er staan al {count} documenten bij; meer dan {max} kan niet. Verwijder eerst een document dat niet meer nodig is, of voeg stukken samen tot één bestand."
        )
    })
}

/// Where a kind of document is kept.
#[derive(Clone, Copy)]
pub enum Stored {
    /// Documents of an application (`subsidy_documents`), per version.
    Application,
    /// Documents of a verantwoording (`subsidy_report_documents`).
    Report,
}

/// Locks application `application_id` until the transaction ends, so that uploads to it
/// (of every kind, and their replacements) happen one after another; then whether one more
/// document of `kind` fits within `max`. An upload of a kind that replaces the earlier one
/// (`replaces_kind`) takes that one's place. `version`: the application's version the
/// documents belong to (only for [`Stored::Application`]).
pub async fn room_for(
    tx: &mut TenantTx,
    stored: Stored,
    application_id: Uuid,
    version: i32,
    kind: &str,
    replaces_kind: bool,
    max: i64,
) -> AppResult<Result<(), String>> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "select 1 from subsidy_applications where tenant_id = $1 and application_id = $2 for update",
    )
    .bind(tenant_id)
    .bind(application_id)
    .execute(&mut **tx)
    .await?;
    let (count, same_kind): (i64, i64) = match stored {
        Stored::Application => sqlx::query_as(
            "select count(*), count(*) filter (where kind = $4) from subsidy_documents \
             where tenant_id = $1 and application_id = $2 and version = $3",
        )
        .bind(tenant_id)
        .bind(application_id)
        .bind(version)
        .bind(kind),
        Stored::Report => sqlx::query_as(
            "select count(*), count(*) filter (where kind = $3) from subsidy_report_documents \
             where tenant_id = $1 and application_id = $2",
        )
        .bind(tenant_id)
        .bind(application_id)
        .bind(kind),
    }
    .fetch_one(&mut **tx)
    .await?;
    Ok(
        match over_limit(count, replaces_kind && same_kind > 0, max) {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some("application/pdf"));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(
            detect(&odt),
            Some("application/vnd.oasis.opendocument.text")
        );
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert!(detect(&docx).unwrap().contains("wordprocessingml"));
        let mut xlsx = b"PK\x03\x04".to_vec();
        xlsx.extend_from_slice(b"....xl/workbook.xml");
        assert!(detect(&xlsx).unwrap().contains("spreadsheetml"));
        assert_eq!(detect(b"PK\x03\x04 just a zip"), None);
        assert_eq!(detect(b"MZ\x90\x00 an exe named begroting.pdf"), None);
        assert_eq!(detect(b"<html>"), None);
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_name("C:\\Users\\x\\begroting 2027.pdf"),
            "begroting 2027.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{7}\"b.pdf"), "ab.pdf");
        assert_eq!(clean_name(""), "document");
        assert_eq!(clean_name("\u{202e}\u{200b}\u{feff}"), "document");
    }

    #[test]
    fn a_name_cannot_pretend_another_type() {
        // Shown as "rapportlmth.pdf", and it was saved as .html.
        assert_eq!(clean_name("rapport\u{202e}fdp.html"), "rapportfdp.html");
        assert_eq!(
            stored_name("rapport\u{202e}fdp.html", "application/pdf"),
            "rapportfdp.pdf"
        );
        for sneaky in [
            "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{200f}", "\u{061c}", "\u{202a}",
        ] {
            assert_eq!(
                stored_name(&format!("a{sneaky}b.pdf"), "application/pdf"),
                "ab.pdf"
            );
        }
        assert_eq!(
            stored_name("begroting 2027.PDF", "application/pdf"),
            "begroting 2027.pdf"
        );
        assert_eq!(
            stored_name("begroting.pdf", "application/vnd.oasis.opendocument.text"),
            "begroting.odt"
        );
        assert_eq!(stored_name("setup.exe", "application/pdf"), "setup.pdf");
        assert_eq!(
            stored_name("verslag 2.1", "application/pdf"),
            "verslag 2.1.pdf"
        );
        assert_eq!(
            stored_name("jaarverslag", "application/pdf"),
            "jaarverslag.pdf"
        );
        assert_eq!(stored_name(".pdf", "application/pdf"), ".pdf.pdf");
        assert_eq!(stored_name("", "application/pdf"), "document.pdf");
        assert_eq!(
            stored_name(
                "cijfers.pdf.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            "cijfers.pdf.xlsx"
        );
        let long = "a".repeat(400);
        assert!(stored_name(&long, "application/pdf").ends_with(".pdf"));
    }

    #[test]
    fn at_most_the_limit_of_documents() {
        assert_eq!(over_limit(19, false, 20), None);
        assert!(over_limit(20, false, 20)
            .unwrap()
            .contains("al 20 documenten"));
        assert_eq!(over_limit(20, true, 20), None);
        assert!(over_limit(25, true, 20).is_some());
        assert!(over_limit(0, false, 0).is_some());
    }
}
