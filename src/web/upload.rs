//! Uploaded files and downloads: the multipart field `bestand` with a size limit, CSV text as
//! Excel writes it (UTF-8 with or without BOM, semicolons or commas), and CSV attachments.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// What is wrong with an uploaded file: at a line and column, or with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 0 for the file as a whole.
    pub line: usize,
    pub column: String,
    pub message: String,
}

impl LineError {
    pub fn new(line: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_string(),
            message: message.into(),
        }
    }
}

/// The message for a file over `max_bytes`.
pub fn too_large(max_bytes: usize) -> LineError {
    LineError::new(
        0,
        "",
        format!(
            "Het bestand is te groot. Het mag hoogstens {} MB zijn.",
            max_bytes / 1024 / 1024
        ),
    )
}

/// The field `bestand` as it arrived (`None`: the form had no file), at most `max_bytes`; a
/// message for the whole file when it is too large or could not be received.
pub async fn receive(
    multipart: &mut Multipart,
    max_bytes: usize,
) -> Result<Option<Bytes>, LineError> {
    let not_received = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(max_bytes)
        } else {
            LineError::new(
                0,
                "",
                "Het bestand kon niet worden ontvangen. Probeer het opnieuw.",
            )
        }
    };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("bestand") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(err) => return Err(not_received(err.status())),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => return Err(not_received(err.status())),
        }
    }
    match file {
        Some(b) if b.len() > max_bytes => Err(too_large(max_bytes)),
        file => Ok(file),
    }
}

/// The bytes of the field `bestand`, or a message for the whole file (also when it is
/// missing or empty).
pub async fn read_file(multipart: &mut Multipart, max_bytes: usize) -> Result<Bytes, LineError> {
    match receive(multipart, max_bytes).await? {
        None => Err(LineError::new(
            0,
            "",
            "Kies een CSV-bestand om te importeren.",
        )),
        Some(b) if b.is_empty() => Err(LineError::new(0, "", "Het gekozen bestand is leeg.")),
        Some(b) => Ok(b),
    }
}

/// The text of a CSV file and its separator, taken from the header line.
pub fn csv_text(bytes: &[u8]) -> Result<(&str, u8), LineError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        LineError::new(
            0,
            "",
            "Het bestand is geen UTF-8-tekst. Sla het op als ‘CSV UTF-8’ en probeer het opnieuw.",
        )
    })?;
    if text.contains('\0') {
        return Err(LineError::new(
            0,
            "",
            "Dit is geen CSV-bestand. Sla het spreadsheet op als ‘CSV UTF-8’.",
        ));
    }
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    };
    Ok((text, delimiter))
}

/// A CSV file opened for reading: its lower-cased header and its records (line = index + 2).
pub struct CsvFile {
    pub headers: Vec<String>,
    pub records: Vec<Result<csv::StringRecord, ()>>,
}

impl CsvFile {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The non-empty rows with their line numbers (header = 1); unreadable lines go to `errors`.
    pub fn rows<'a>(
        &'a self,
        errors: &'a mut Vec<LineError>,
    ) -> impl Iterator<Item = (usize, &'a csv::StringRecord)> + 'a {
        self.records
            .iter()
            .enumerate()
            .filter_map(move |(index, row)| match row {
                Err(()) => {
                    errors.push(unreadable_line(index + 2));
                    None
                }
                Ok(row) if row.iter().all(str::is_empty) => None,
                Ok(row) => Some((index + 2, row)),
            })
    }
}

/// Opens `bytes` as CSV (see [`csv_text`]), fields trimmed, rows of any length.
pub fn read_csv(bytes: &[u8]) -> Result<CsvFile, LineError> {
    let (text, delimiter) = csv_text(bytes)?;
    let mut reader = csv_reader(delimiter, text.as_bytes());
    let headers = header_names(&mut reader)?;
    // Cells an export neutralised against spreadsheet formulas come back as they were.
    let records = reader
        .records()
        .map(|r| {
            r.map(|row| {
                row.iter()
                    .map(crate::web::csv_out::restore)
                    .collect::<csv::StringRecord>()
            })
            .map_err(|_| ())
        })
        .collect();
    Ok(CsvFile { headers, records })
}

/// A CSV reader as uploads are read: fields trimmed, rows of any length.
pub fn csv_reader<R: std::io::Read>(delimiter: u8, text: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text)
}

/// The header line's column names, lower-cased (and restored where an export neutralised them).
pub fn header_names<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
) -> Result<Vec<String>, LineError> {
    Ok(reader
        .headers()
        .map_err(|_| LineError::new(1, "", "De kopregel kon niet worden gelezen."))?
        .iter()
        .map(|h| crate::web::csv_out::restore(h.trim()).to_lowercase())
        .collect())
}

/// The message for a line the CSV reader could not read.
pub fn unreadable_line(line: usize) -> LineError {
    LineError::new(
        line,
        "",
        "Deze regel kon niet worden gelezen (controleer de aanhalingstekens).",
    )
}

/// A CSV download: UTF-8 with BOM (so Excel shows accents right), as an attachment.
pub fn csv_attachment(filename: &str, body: Vec<u8>) -> Response {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(body);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
