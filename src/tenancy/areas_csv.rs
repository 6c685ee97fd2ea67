//! Reading a CSV of CBS area codes and names (`code;naam`, or comma-separated), as Dutch
//! Excel and CBS downloads write it: UTF-8 with or without BOM.

use std::collections::HashSet;

use crate::cbs::CbsCode;
use crate::web::upload::LineError;

#[derive(Debug, Clone)]
pub struct AreaRecord {
    pub line: usize,
    pub code: CbsCode,
    pub name: String,
}

/// Parses the whole file; either every row or every error (with line numbers, header = 1).
pub fn parse(bytes: &[u8]) -> Result<Vec<AreaRecord>, Vec<LineError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![LineError::new(
            0,
            "",
            "Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8' en probeer het opnieuw.",
        )]);
    };
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.to_lowercase()).collect::<Vec<_>>(),
        Err(_) => {
            return Err(vec![LineError::new(
                1,
                "",
                "De kopregel kon niet worden gelezen.",
            )])
        }
    };
    let find = |name: &str| headers.iter().position(|h| h == name);
    let (Some(code_col), Some(name_col)) = (find("code"), find("naam")) else {
        return Err(vec![LineError::new(
            1,
            "",
            "De kopregel moet de kolommen 'code' en 'naam' hebben.",
        )]);
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(_) => {
                errors.push(LineError::new(
                    line,
                    "",
                    "Deze regel kon niet worden gelezen.",
                ));
                continue;
            }
        };
        if row.iter().all(|f| f.is_empty()) {
            continue;
        }
        let code = match CbsCode::parse(row.get(code_col).unwrap_or("")) {
            Ok(code) => Some(code),
            Err(message) => {
                errors.push(LineError::new(line, "code", message));
                None
            }
        };
        // The export neutralises a name a spreadsheet would run; it comes back as it was.
        let name = crate::web::csv_out::restore(row.get(name_col).unwrap_or("")).to_string();
        if let Err(message) = crate::fields::required_text(&name, 200, "een naam") {
            errors.push(LineError::new(line, "naam", message));
        }
        if let Some(code) = code {
            if !seen.insert(code.clone()) {
                errors.push(LineError::new(
                    line,
                    "code",
                    format!("Code {} staat al eerder in het bestand.", code.as_str()),
                ));
            } else if crate::fields::required_text(&name, 200, "").is_ok() {
                records.push(AreaRecord { line, code, name });
            }
        }
    }
    if records.is_empty() && errors.is_empty() {
        errors.push(LineError::new(0, "", "Het bestand bevat geen gebieden."));
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_bom_and_errors() {
        let ok = parse("\u{feff}code;naam\nGM0141;Almelo\nWK014101;Centrum\n".as_bytes()).unwrap();
        assert_eq!(ok.len(), 2);
        let comma = parse(b"Code,Naam\nGM0141,Almelo\n").unwrap();
        assert_eq!(comma[0].name, "Almelo");
        let errors =
            parse(b"code;naam\nGM0141;Almelo\nXX;Fout\nWK014101;\nGM0141;Dubbel\n").unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.line, e.column.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "code"), (4, "naam"), (5, "code")]
        );
        assert_eq!(parse(b"x;y\n1;2\n").unwrap_err()[0].line, 1);
        assert_eq!(parse(&[0xff, 0xfe, 0x00]).unwrap_err()[0].line, 0);
    }
}
