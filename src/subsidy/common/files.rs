//! The documents applicants add (to an application or a verantwoording): what is accepted, checked
//! by content rather than by name, and the name kept.

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

/// A file name safe to store and to send back: the last path part, no control characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(150)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned
    }
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
    Ok((name, bytes, media_type))
}

/// Where a kind of document is kept.
#[derive(Clone, Copy)]
pub enum Stored {
    /// Documents of an application (`subsidy_documents`).
    Application,
    /// Documents of a verantwoording (`subsidy_report_documents`).
    Report,
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
    }
}
