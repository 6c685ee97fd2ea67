//! A large CSV upload received as a stream: the field `bestand` is written to a temporary
//! file chunk by chunk (never whole in memory), checked on the way for what
//! [`super::upload::csv_text`] checks of a file in memory (UTF-8, no NUL bytes, within the
//! limit), and its separator taken from the header line. The file is removed when the
//! [`SpooledCsv`] is dropped.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;

use axum::extract::Multipart;
use tokio::io::AsyncWriteExt;

use super::upload::LineError;

/// The longest header line looked at for the separator.
const HEADER_BYTES: usize = 64 * 1024;

/// An uploaded CSV file on disk, valid UTF-8.
pub struct SpooledCsv {
    path: PathBuf,
    pub delimiter: u8,
    pub bytes: usize,
}

impl Drop for SpooledCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl SpooledCsv {
    /// The file's text from its start, past a byte order mark.
    pub fn open(&self) -> std::io::Result<BufReader<File>> {
        let mut file = File::open(&self.path)?;
        let mut bom = [0u8; 3];
        let read = file.read(&mut bom)?;
        let skip = if read == 3 && bom == *b"\xEF\xBB\xBF" {
            3
        } else {
            0
        };
        file.seek(SeekFrom::Start(skip))?;
        Ok(BufReader::with_capacity(256 * 1024, file))
    }
}

/// Checks that a stream of byte chunks is UTF-8 without NUL bytes, and keeps its first line.
#[derive(Default)]
struct TextCheck {
    /// The start of a character cut off at the end of the last chunk.
    pending: Vec<u8>,
    header: Vec<u8>,
    header_done: bool,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) -> Result<(), LineError> {
        let joined;
        let bytes = if self.pending.is_empty() {
            chunk
        } else {
            joined = [self.pending.as_slice(), chunk].concat();
            &joined
        };
        let tail = match std::str::from_utf8(bytes) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() => bytes.len() - e.valid_up_to(),
            Err(_) => return Err(not_utf8()),
        };
        if bytes.contains(&0) {
            return Err(not_csv());
        }
        if !self.header_done {
            let complete = &bytes[..bytes.len() - tail];
            let end = complete.iter().position(|b| *b == b'\n');
            let take = end.unwrap_or(complete.len());
            let room = HEADER_BYTES.saturating_sub(self.header.len());
            self.header.extend_from_slice(&complete[..take.min(room)]);
            self.header_done = end.is_some() || self.header.len() >= HEADER_BYTES;
        }
        self.pending = bytes[bytes.len() - tail..].to_vec();
        Ok(())
    }

    /// The separator of the header line: `;` unless it has more commas.
    fn finish(self) -> Result<u8, LineError> {
        if !self.pending.is_empty() {
            return Err(not_utf8());
        }
        let header = String::from_utf8_lossy(&self.header);
        let header = header.trim_start_matches('\u{feff}');
        Ok(
            if header.matches(';').count() >= header.matches(',').count() {
                b';'
            } else {
                b','
            },
        )
    }
}

fn not_utf8() -> LineError {
    LineError::new(
        0,
        "",
        "Het bestand is geen UTF-8-tekst. Sla het op als ‘CSV UTF-8’ en probeer het opnieuw.",
    )
}

fn not_csv() -> LineError {
    LineError::new(
        0,
        "",
        "Dit is geen CSV-bestand. Sla het spreadsheet op als ‘CSV UTF-8’.",
    )
}

fn not_received() -> LineError {
    LineError::new(
        0,
        "",
        "Het bestand kon niet worden ontvangen. Probeer het opnieuw.",
    )
}

/// Receives the field `bestand` into a temporary file, at most `max_bytes`; a message for
/// the whole file when it is missing, empty, too large, not UTF-8 text or not received.
pub async fn spool_csv(
    multipart: &mut Multipart,
    max_bytes: usize,
) -> Result<SpooledCsv, LineError> {
    let path =
        std::env::temp_dir().join(format!("vr-upload-{}.csv", uuid::Uuid::new_v4().simple()));
    let mut spooled = None;
    let mut check = TextCheck::default();
    let mut failure = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                failure.get_or_insert(received_error(err.status(), max_bytes));
                break;
            }
        };
        if field.name() != Some("bestand") || spooled.is_some() {
            continue;
        }
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|_| not_received())?;
        let guard = SpooledCsv {
            path: path.clone(),
            delimiter: b';',
            bytes: 0,
        };
        let mut field = field;
        let mut bytes = 0usize;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes += chunk.len();
                    if failure.is_some() {
                        continue; // read on to the end of the request, writing nothing
                    }
                    if bytes > max_bytes {
                        failure = Some(super::upload::too_large(max_bytes));
                        continue;
                    }
                    if let Err(e) = check.feed(&chunk) {
                        failure = Some(e);
                        continue;
                    }
                    if file.write_all(&chunk).await.is_err() {
                        failure = Some(not_received());
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    failure.get_or_insert(received_error(err.status(), max_bytes));
                    break;
                }
            }
        }
        if file.flush().await.is_err() {
            failure.get_or_insert(not_received());
        }
        spooled = Some((guard, bytes));
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    match spooled {
        None => Err(LineError::new(
            0,
            "",
            "Kies een CSV-bestand om te importeren.",
        )),
        Some((_, 0)) => Err(LineError::new(0, "", "Het gekozen bestand is leeg.")),
        Some((mut file, bytes)) => {
            file.delimiter = check.finish()?;
            file.bytes = bytes;
            Ok(file)
        }
    }
}

fn received_error(status: axum::http::StatusCode, max_bytes: usize) -> LineError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        super::upload::too_large(max_bytes)
    } else {
        not_received()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(chunks: &[&[u8]]) -> Result<(u8, String), LineError> {
        let mut c = TextCheck::default();
        for chunk in chunks {
            c.feed(chunk)?;
        }
        let header = String::from_utf8(c.header.clone()).unwrap();
        Ok((c.finish()?, header))
    }

    #[test]
    fn text_is_checked_across_chunk_boundaries() {
        let text = "naam,aanbieder;typen,x\nCafé ‘é’;Avedan\n".as_bytes();
        for cut in 0..text.len() {
            let (a, b) = text.split_at(cut);
            assert_eq!(
                check(&[a, b]),
                Ok((b',', "naam,aanbieder;typen,x".to_string())),
                "cut at {cut}"
            );
        }
        assert_eq!(check(&[b"a;b", b";c\nd"]).unwrap(), (b';', "a;b;c".into()));
        assert_eq!(check(&[b"\xEF\xBB\xBFa,b\n"]).unwrap().0, b',');
        assert_eq!(check(&[b"\xff\xfe\x00A"]).unwrap_err(), not_utf8());
        assert_eq!(
            check(&[b"ab\xC3"]).unwrap_err(),
            not_utf8(),
            "cut off at the end"
        );
        assert_eq!(check(&[b"a;b\n", b"c\x00"]).unwrap_err(), not_csv());
    }
}
