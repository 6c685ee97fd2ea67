//! The demand per wijk as typed: one number in the form, or a CSV `code;indicator;waarde`
//! (the older `code;vraag` still reads, into the indicator the page shows).

use std::collections::HashSet;

use uuid::Uuid;

use super::demand_store::Indicator;
use super::scope::Wijk;
use crate::web::upload;
use crate::web::upload::LineError;

/// Highest demand accepted: more than the whole population of the Netherlands is a typo.
const MAX_DEMAND: i64 = 20_000_000;

/// A whole number of at least 0 (`1.200` and `1 200` allowed); empty means unknown. `what`
/// starts the message: "De vraag", "Het aantal inwoners".
pub fn parse_count(input: &str, what: &str, wijk: &str) -> Result<Option<i32>, String> {
    let text: String = input
        .trim()
        .chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{what} in {wijk} kan niet negatief zijn. Vul 0 of meer in.")),
        Ok(n) if n > MAX_DEMAND => Err(format!("{what} in {wijk} is onwaarschijnlijk groot; controleer het getal.")),
        Ok(n) => Ok(Some(n as i32)),
        Err(_) => Err(format!(
            "Vul bij {wijk} een heel getal in, bijvoorbeeld 350, of laat het veld leeg als het onbekend is."
        )),
    }
}

/// A value of an indicator: a whole number, or a percentage from 0 to 100 with at most one
/// decimal (`12,5`, `12.5` or `12,5 %`); empty means unknown.
pub fn parse_value(input: &str, indicator: &Indicator, wijk: &str) -> Result<Option<f64>, String> {
    if !indicator.percentage() {
        return parse_count(input, "De vraag", wijk).map(|v| v.map(f64::from));
    }
    let text: String = input
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) && decimals <= 1 => Ok(Some(v)),
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Err(format!(
            "Vul bij {wijk} een percentage met hoogstens één decimaal in, bijvoorbeeld 12,5."
        )),
        _ => Err(format!(
            "Vul bij {wijk} een percentage van 0 tot en met 100 in, bijvoorbeeld 12,5, of laat het veld leeg als het onbekend is."
        )),
    }
}

/// The value as the form shows it: `1200`, `12,5`.
pub fn input_text(value: f64, indicator: &Indicator) -> String {
    if indicator.percentage() {
        format!("{value:.1}").replace('.', ",")
    } else {
        format!("{value:.0}")
    }
}

/// One line of the file: the wijk and its demand (`None`: make it unknown).
#[derive(Debug, Clone)]
pub struct DemandRecord {
    pub line: usize,
    pub area_id: Uuid,
    pub indicator: String,
    pub value: Option<f64>,
}

/// The whole file or every error in it (header = line 1); codes must be wijken of the tenant,
/// indicators (code or name) the tenant's; without an indicator column, or in an empty cell,
/// `default`.
pub fn parse(
    bytes: &[u8],
    wijken: &[Wijk],
    indicators: &[Indicator],
    default: &Indicator,
) -> Result<Vec<DemandRecord>, Vec<LineError>> {
    let file = upload::read_csv(bytes).map_err(|e| vec![e])?;
    let value_name = if file.column("waarde").is_some() {
        "waarde"
    } else {
        "vraag"
    };
    let indicator_col = file.column("indicator");
    let (Some(code_col), Some(value_col)) = (file.column("code"), file.column(value_name)) else {
        return Err(vec![LineError::new(
            1,
            "",
            "De kopregel moet de kolommen ‘code’ en ‘waarde’ hebben (en eventueel ‘indicator’).",
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
        let wanted = indicator_col.and_then(|c| row.get(c)).unwrap_or("").trim();
        let indicator = if wanted.is_empty() {
            Some(default)
        } else {
            indicators.iter().find(|i| {
                i.code.eq_ignore_ascii_case(wanted) || i.name.trim().eq_ignore_ascii_case(wanted)
            })
        };
        let Some(indicator) = indicator else {
            let shown: String = wanted
                .chars()
                .filter(|c| !c.is_control())
                .take(60)
                .collect();
            errors.push(LineError::new(
                line,
                "indicator",
                format!("Indicator ‘{shown}’ bestaat niet. Voeg hem eerst toe onder Indicatoren, of laat de cel leeg."),
            ));
            continue;
        };
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
            Some(w) if !seen.insert((w.code.clone(), indicator.code.clone())) => errors.push(LineError::new(
                line,
                "code",
                format!("Wijk {} staat al eerder in het bestand bij {}.", w.code, indicator.name),
            )),
            Some(w) => match parse_value(value, indicator, &format!("{} ({})", w.name, w.code)) {
                Ok(value) => records.push(DemandRecord { line, area_id: w.area_id, indicator: indicator.code.clone(), value }),
                Err(message) => errors.push(LineError::new(line, value_name, message)),
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

    fn indicator(code: &str, name: &str, unit: &str) -> Indicator {
        Indicator {
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            source: String::new(),
            year: None,
            main: false,
            version: 1,
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_count(" 1.200 ", "De vraag", "X"), Ok(Some(1200)));
        assert_eq!(parse_count("", "De vraag", "X"), Ok(None));
        assert!(parse_count("-3", "Het aantal inwoners", "X")
            .unwrap_err()
            .starts_with("Het aantal inwoners in X kan niet negatief"));
        assert!(parse_count("veel", "De vraag", "X")
            .unwrap_err()
            .contains("heel getal"));
        assert!(parse_count("12,5", "De vraag", "X").is_err());
        let pct = indicator("eenzaam", "Eenzaamheid", "percentage");
        assert_eq!(parse_value("12,5 %", &pct, "X"), Ok(Some(12.5)));
        assert!(parse_value("7.25", &pct, "X")
            .unwrap_err()
            .contains("één decimaal"));
        assert!(parse_value("101", &pct, "X").is_err());
        assert!(parse_value("-1", &pct, "X").is_err());
        assert_eq!(input_text(12.5, &pct), "12,5");
    }

    #[test]
    fn files_with_an_indicator_column() {
        let wijken = [wijk("WK014110"), wijk("WK014111")];
        let list = [
            indicator("vraag", "Vraag", "aantal"),
            indicator("eenzaam", "Eenzaamheid", "percentage"),
        ];
        let ok = parse(
            b"code;indicator;waarde\nWK014110;eenzaamheid;12,5\nWK014110;;300\nWK014111;vraag;4\n",
            &wijken,
            &list,
            &list[0],
        )
        .unwrap();
        let got: Vec<(&str, Option<f64>)> =
            ok.iter().map(|r| (r.indicator.as_str(), r.value)).collect();
        assert_eq!(
            got,
            vec![
                ("eenzaam", Some(12.5)),
                ("vraag", Some(300.0)),
                ("vraag", Some(4.0))
            ]
        );
        let errors = parse(
            b"code;indicator;waarde\nWK014110;onbekend;1\nWK014110;eenzaam;150\nWK014111;;2\nWK014111;vraag;3\n",
            &wijken,
            &list,
            &list[0],
        )
        .unwrap_err();
        let found: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(found, vec![(2, "indicator"), (3, "waarde"), (5, "code")]);
    }

    #[test]
    fn files() {
        let wijken = [wijk("WK014110"), wijk("WK014111")];
        let list = [indicator("vraag", "Vraag", "aantal")];
        let ok = parse(
            "\u{feff}Code;Vraag\nWK014110;350\nwk014111;\n".as_bytes(),
            &wijken,
            &list,
            &list[0],
        )
        .unwrap();
        assert_eq!((ok.len(), ok[0].value, ok[1].value), (2, Some(350.0), None));
        assert_eq!(
            parse(b"code,vraag\nWK014110,12\n", &wijken, &list, &list[0]).unwrap()[0].value,
            Some(12.0)
        );
        let errors = parse(
            b"code;vraag\nWK014110;-1\nBU01411000;3\nWK093501;4\nWK014111;x\nWK014111;2\n",
            &wijken,
            &list,
            &list[0],
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
        assert_eq!(
            parse(b"wijk;aantal\n", &wijken, &list, &list[0]).unwrap_err()[0].line,
            1
        );
    }
}
