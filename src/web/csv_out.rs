//! The one CSV writer for downloads: semicolons (Dutch Excel), and every cell — header cells
//! too — that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! CR) is neutralised with a leading apostrophe, so text a user typed can never become a live
//! formula in someone else's spreadsheet. [`crate::web::upload::csv_attachment`] sends it.

use std::borrow::Cow;

/// The cell as written: neutralised when a spreadsheet would read it as a formula.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The inverse of [`safe_cell`], applied by the CSV reader of every import, so that what an
/// export wrote comes back as it was.
pub fn restore(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// A CSV document of `headers` and `rows`, every cell through [`safe_cell`].
pub fn write<R, C>(headers: &[&str], rows: R) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(headers.iter().map(|h| safe_cell(h).into_owned()));
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| safe_cell(c.as_ref()).into_owned())
            .collect();
        let _ = writer.write_record(&cells);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+31"), "'+31");
        assert_eq!(safe_cell("- kapot"), "'- kapot");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("Huiskamer"), "Huiskamer");
        for text in ["=1+1", "+31", "- x", "@a", "-5"] {
            assert_eq!(restore(&safe_cell(text)), text);
        }
        assert_eq!(restore("'t Hoekje"), "'t Hoekje");
        let out = String::from_utf8(write(&["=a", "b"], [["1", "=2"]])).unwrap();
        assert_eq!(out, "'=a;b\n1;'=2\n");
    }
}
