//! Receiving a CSV upload (multipart field `bestand`) and opening it the way Dutch Excel
//! writes it: UTF-8 with or without BOM, semicolons or commas.

use axum::extract::Multipart;
use axum::http::StatusCode;

use super::MAX_IMPORT_BYTES;
use crate::tenancy::areas_csv::LineError;

/// The uploaded file, or the one error that says why there is none.
pub async fn read(mut multipart: Multipart) -> Result<Vec<u8>, LineError> {
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("bestand") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(err) => return Err(unreadable(err.status())),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => return Err(unreadable(err.status())),
        }
    }
    match file {
        Some(bytes) if bytes.len() > MAX_IMPORT_BYTES => Err(too_large()),
        Some(bytes) if !bytes.is_empty() => Ok(bytes.to_vec()),
        _ => Err(LineError::new(0, "", "Kies een CSV-bestand om te importeren.")),
    }
}

fn unreadable(status: StatusCode) -> LineError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        LineError::new(0, "", "Het bestand kon niet worden ontvangen. Probeer het opnieuw.")
    }
}

fn too_large() -> LineError {
    LineError::new(
        0,
        "",
        format!("Het bestand is te groot. Het mag hoogstens {} MB zijn.", MAX_IMPORT_BYTES / 1024 / 1024),
    )
}

/// A CSV file opened for reading: its lower-cased header and its records (line = index + 2).
pub struct Sheet {
    pub headers: Vec<String>,
    pub records: Vec<Result<csv::StringRecord, ()>>,
}

impl Sheet {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// Opens `bytes` as CSV; the delimiter is whichever of `;` and `,` the header uses most.
pub fn open(bytes: &[u8]) -> Result<Sheet, LineError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(LineError::new(
            0,
            "",
            "Het bestand is geen UTF-8-tekst. Sla het op als ‘CSV UTF-8’ en probeer het opnieuw.",
        ));
    };
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| LineError::new(1, "", "De kopregel kon niet worden gelezen."))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let records = reader.records().map(|r| r.map_err(|_| ())).collect();
    Ok(Sheet { headers, records })
}

/// The message for a line the CSV reader could not read.
pub fn unreadable_line(line: usize) -> LineError {
    LineError::new(line, "", "Deze regel kon niet worden gelezen.")
}
