//! The demand per wijk as typed: one number in the form, or a CSV `code;vraag`.

use std::collections::HashSet;

use uuid::Uuid;

use super::scope::Wijk;
use crate::web::upload;
use crate::web::upload::LineError;

/// Highest demand accepted: more than the whole population of the Netherlands is a typo.
const MAX_DEMAND: i64 = 20_000_000;

/// A whole number of at least 0 (`1.200` and `1 200` allowed); empty means unknown.
pub fn parse_demand(input: &str, wijk: &str) -> Result<Option<i32>, String> {
    let text: String = input
        .trim()
        .chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("De vraag in {wijk} kan niet negatief zijn. Vul 0 of meer in.")),
        Ok(n) if n > MAX_DEMAND => Err(format!("De vraag in {wijk} is onwaarschijnlijk groot; controleer het getal.")),
        Ok(n) => Ok(Some(n as i32)),
        Err(_) => Err(format!(
            "Vul bij {wijk} een heel getal in, bijvoorbeeld 350, of laat het veld leeg als de vraag onbekend is."
        )),
    }
}

/// One line of the file: the wijk and its demand (`None`: make it unknown).
#[derive(Debug, Clone)]
pub struct DemandRecord {
    pub line: usize,
    pub area_id: Uuid,
    pub value: Option<i32>,
}

/// The whole file or every error in it (header = line 1); codes must be wijken of the tenant.
pub fn parse(bytes: &[u8], wijken: &[Wijk]) -> Result<Vec<DemandRecord>, Vec<LineError>> {
    let file = upload::read_csv(bytes).map_err(|e| vec![e])?;
    let (Some(code_col), Some(value_col)) = (file.column("code"), file.column("vraag")) else {
        return Err(vec![LineError::new(
            1,
            "",
            "De kopregel moet de kolommen ‘code’ en ‘vraag’ hebben.",
        )]);
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut unreadable = Vec::new();
    for (line, row) in file.rows(&mut unreadable) {
        let code = row.get(code_col).unwrap_or("").trim().to_uppercase();
        let shown: String = code.chars().filter(|c| !c.is_control()).take(20).collect();
        let wijk = wijken.iter().find(|w| w.code == code);
        let value = row.get(value_col).unwrap_or("");
        match wijk {
            None if code.is_empty() => errors.push(LineError::new(line, "code", "Vul de CBS-code van de wijk in.")),
            None if !code.starts_with("WK") => errors.push(LineError::new(
                line,
                "code",
                format!("‘{shown}’ is geen wijkcode. Vul per regel een wijk in: WK + 6 cijfers, bijvoorbeeld WK014110."),
            )),
            None => errors.push(LineError::new(
                line,
                "code",
                format!("Wijk {shown} hoort niet bij deze organisatie. Voeg de wijk eerst toe onder Gebieden."),
            )),
            Some(w) if !seen.insert(w.code.clone()) => errors.push(LineError::new(
                line,
                "code",
                format!("Wijk {} staat al eerder in het bestand.", w.code),
            )),
            Some(w) => match parse_demand(value, &format!("{} ({})", w.name, w.code)) {
                Ok(value) => records.push(DemandRecord { line, area_id: w.area_id, value }),
                Err(message) => errors.push(LineError::new(line, "vraag", message)),
            },
        }
    }
    errors.extend(unreadable);
    errors.sort_by_key(|e| e.line);
    if records.is_empty() && errors.is_empty() {
        errors.push(LineError::new(0, "", "Het bestand bevat geen wijken."));
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

    fn wijk(code: &str) -> Wijk {
        Wijk {
            area_id: Uuid::new_v4(),
            code: code.into(),
            name: "Binnenstad".into(),
            gemeente_code: "GM0141".into(),
            gemeente_name: "Almelo".into(),
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_demand(" 1.200 ", "X"), Ok(Some(1200)));
        assert_eq!(parse_demand("", "X"), Ok(None));
        assert!(parse_demand("-3", "X").unwrap_err().contains("negatief"));
        assert!(parse_demand("veel", "X")
            .unwrap_err()
            .contains("heel getal"));
        assert!(parse_demand("12,5", "X").is_err());
    }

    #[test]
    fn files() {
        let wijken = [wijk("WK014110"), wijk("WK014111")];
        let ok = parse(
            "\u{feff}Code;Vraag\nWK014110;350\nwk014111;\n".as_bytes(),
            &wijken,
        )
        .unwrap();
        assert_eq!((ok.len(), ok[0].value, ok[1].value), (2, Some(350), None));
        assert_eq!(
            parse(b"code,vraag\nWK014110,12\n", &wijken).unwrap()[0].value,
            Some(12)
        );
        let errors = parse(
            b"code;vraag\nWK014110;-1\nBU01411000;3\nWK093501;4\nWK014111;x\nWK014111;2\n",
            &wijken,
        )
        .unwrap_err();
        let found: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (2, "vraag"),
                (3, "code"),
                (4, "code"),
                (5, "vraag"),
                (6, "code")
            ]
        );
        assert_eq!(parse(b"wijk;aantal\n", &wijken).unwrap_err()[0].line, 1);
    }
}
