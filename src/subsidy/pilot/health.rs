//! Positieve Gezondheid (§6d): with a monitoring report a partner gives, for its participants
//! and for its coordinators, the mean score on each of the six dimensions (0–10, one decimal,
//! kept in tenths) and the number of respondents the mean is based on. Aggregates only, never a
//! person. A mean of fewer than 5 respondents is shown as "< 5 respondenten" to anyone but the
//! reporting partner, like the counts of people in monitoring ([`crate::subsidy::pilot::figures::small`]),
//! and does not count in the pilot's mean either (it could be worked back from the others).

use sqlx::FromRow;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::subsidy::pilot::figures::Period;

pub const DIMENSIONS: [(&str, &str); 6] = [
    ("lichaamsfuncties", "Lichaamsfuncties"),
    ("mentaal_welbevinden", "Mentaal welbevinden"),
    ("zingeving", "Zingeving"),
    ("kwaliteit_van_leven", "Kwaliteit van leven"),
    ("meedoen", "Meedoen"),
    ("dagelijks_functioneren", "Dagelijks functioneren"),
];

pub const RESPONDENTS: [(&str, &str); 2] = [
    ("deelnemers", "Deelnemers"),
    ("coordinatoren", "Coördinatoren"),
];

/// Below this many respondents a mean is not shown to others than the partner.
pub const MIN_RESPONDENTS: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Score {
    pub provider_id: Uuid,
    pub period: String,
    pub respondent: String,
    pub dimension: String,
    pub respondents: i32,
    pub mean_tenths: Option<i32>,
}

/// A score as typed: `7`, `7,2` or `7.2`, from 0 to 10, in tenths.
pub fn parse_score(text: &str) -> Option<i32> {
    let t = text.trim().replace(',', ".");
    let (whole, fraction) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || whole.len() > 2
        || fraction.len() > 1
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let tenths = whole.parse::<i32>().ok()? * 10 + fraction.parse::<i32>().unwrap_or(0);
    (0..=100).contains(&tenths).then_some(tenths)
}

/// `7,2`
pub fn tenths(v: i64) -> String {
    format!("{},{}", v / 10, v % 10)
}

/// A mean as shown to others than the reporting partner.
pub fn shown(mean_tenths: Option<i32>, respondents: i32) -> String {
    match mean_tenths {
        _ if (respondents as i64) < MIN_RESPONDENTS => "< 5 respondenten".into(),
        Some(m) => format!("{} (n={respondents})", tenths(m as i64)),
        None => "—".into(),
    }
}

/// The mean over partners, weighted by their respondents, of the means of 5 or more
/// respondents only; in tenths, rounded half up. `None` when fewer than 5 respondents remain.
pub fn pooled(values: &[(Option<i32>, i32)]) -> Option<(i64, i64)> {
    let counted: Vec<(i64, i64)> = values
        .iter()
        .filter(|(_, n)| *n as i64 >= MIN_RESPONDENTS)
        .filter_map(|(m, n)| Some(((*m)? as i64, *n as i64)))
        .collect();
    let n: i64 = counted.iter().map(|(_, n)| n).sum();
    if n < MIN_RESPONDENTS {
        return None;
    }
    let sum: i64 = counted.iter().map(|(m, n)| m * n).sum();
    Some(((2 * sum + n) / (2 * n), n))
}

pub fn mean_field(respondent: &str, dimension: &str) -> String {
    format!("pg_{respondent}_{dimension}_gemiddelde")
}

pub fn count_field(respondent: &str, dimension: &str) -> String {
    format!("pg_{respondent}_{dimension}_respondenten")
}

/// Reads the scores of a report form. Both fields empty: not measured. Otherwise the number
/// of respondents is required, and a mean exactly when there are respondents.
pub fn parse_form(
    form: &BTreeMap<String, String>,
    provider_id: Uuid,
    period: &Period,
    errors: &mut FormErrors,
) -> Vec<Score> {
    let mut out = Vec::new();
    for (respondent, who) in RESPONDENTS {
        for (dimension, label) in DIMENSIONS {
            let (mk, ck) = (
                mean_field(respondent, dimension),
                count_field(respondent, dimension),
            );
            let get = |k: &str| {
                form.get(k)
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let (mean_text, count_text) = (get(&mk), get(&ck));
            if mean_text.is_empty() && count_text.is_empty() {
                continue;
            }
            let what = format!("{who}, {}", label.to_lowercase());
            let count = match count_text.parse::<i32>() {
                Ok(n) if (0..=100_000).contains(&n) => n,
                _ => {
                    errors.add(
                        ck,
                        format!("{what}: vul het aantal respondenten in, een heel aantal van 0 of meer."),
                    );
                    continue;
                }
            };
            let mean = match (count, mean_text.as_str()) {
                (0, "") => None,
                (0, _) => {
                    errors.add(
                        mk,
                        format!("{what}: zonder respondenten is er geen gemiddelde; laat het leeg of vul het aantal respondenten in."),
                    );
                    continue;
                }
                (_, text) => match parse_score(text) {
                    Some(t) => Some(t),
                    None => {
                        errors.add(
                            mk,
                            format!("{what}: vul een gemiddelde score van 0 tot en met 10 in, met hoogstens één decimaal (bijvoorbeeld 7,2)."),
                        );
                        continue;
                    }
                },
            };
            out.push(Score {
                provider_id,
                period: period.code.clone(),
                respondent: respondent.to_string(),
                dimension: dimension.to_string(),
                respondents: count,
                mean_tenths: mean,
            });
        }
    }
    out
}

/// The scores of a pilot, of one partner or all.
pub async fn scores(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Option<Uuid>,
) -> AppResult<Vec<Score>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select provider_id, period, respondent, dimension, respondents, mean_tenths from pilot_report_health \
         where tenant_id = $1 and scheme_id = $2 and ($3::uuid is null or provider_id = $3)",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Replaces the scores of a partner's report (the report itself must exist).
pub async fn replace(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    period: &str,
    rows: &[Score],
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "delete from pilot_report_health where tenant_id = $1 and scheme_id = $2 and provider_id = $3 and period = $4",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(period)
    .execute(&mut **tx)
    .await?;
    for r in rows {
        sqlx::query(
            "insert into pilot_report_health (tenant_id, scheme_id, provider_id, period, respondent, dimension, \
             respondents, mean_tenths) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(provider_id)
        .bind(period)
        .bind(&r.respondent)
        .bind(&r.dimension)
        .bind(r.respondents)
        .bind(r.mean_tenths)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One input of the scores part of a report form.
pub struct Input {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// One row of the scores part of a report form: a dimension with, per respondent group, the
/// mean and the number of respondents.
pub struct InputRow {
    pub label: &'static str,
    pub inputs: Vec<Input>,
}

/// The rows of the form: what was typed, else what is stored (the partner's own exact values).
pub fn input_rows(typed: &BTreeMap<String, String>, stored: &[Score]) -> Vec<InputRow> {
    DIMENSIONS
        .iter()
        .map(|(dimension, label)| {
            let mut inputs = Vec::new();
            for (respondent, who) in RESPONDENTS {
                let s = stored
                    .iter()
                    .find(|s| s.respondent == respondent && s.dimension == *dimension);
                let (mk, ck) = (
                    mean_field(respondent, dimension),
                    count_field(respondent, dimension),
                );
                inputs.push(Input {
                    value: typed.get(&mk).cloned().unwrap_or_else(|| {
                        s.and_then(|s| s.mean_tenths)
                            .map(|m| tenths(m as i64))
                            .unwrap_or_default()
                    }),
                    label: format!("{who}, {}: gemiddelde score", label.to_lowercase()),
                    name: mk,
                });
                inputs.push(Input {
                    value: typed.get(&ck).cloned().unwrap_or_else(|| {
                        s.map(|s| s.respondents.to_string()).unwrap_or_default()
                    }),
                    label: format!("{who}, {}: aantal respondenten", label.to_lowercase()),
                    name: ck,
                });
            }
            InputRow { label, inputs }
        })
        .collect()
}

/// The scores of one report as officials see them: per dimension, per respondent group.
pub fn shown_rows(scores: &[Score]) -> Vec<(&'static str, Vec<String>)> {
    DIMENSIONS
        .iter()
        .map(|(dimension, label)| {
            (
                *label,
                RESPONDENTS
                    .iter()
                    .map(|(respondent, _)| {
                        scores
                            .iter()
                            .find(|s| s.respondent == *respondent && s.dimension == *dimension)
                            .map(|s| shown(s.mean_tenths, s.respondents))
                            .unwrap_or_else(|| "niet gemeten".into())
                    })
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_as_typed() {
        assert_eq!(parse_score("7"), Some(70));
        assert_eq!(parse_score("7,2"), Some(72));
        assert_eq!(parse_score(" 6.8 "), Some(68));
        assert_eq!(parse_score("10"), Some(100));
        assert_eq!(parse_score("0,0"), Some(0));
        for bad in [
            "10,1", "11", "7,25", "-1", "zeven", "", "7,", ",5", "7.2.1", "٣",
        ] {
            assert_eq!(parse_score(bad), None, "{bad}");
        }
        assert_eq!(tenths(72), "7,2");
        assert_eq!(tenths(100), "10,0");
    }

    #[test]
    fn small_groups_are_hidden_and_left_out_of_the_pooled_mean() {
        assert_eq!(shown(Some(72), 4), "< 5 respondenten");
        assert_eq!(shown(Some(72), 5), "7,2 (n=5)");
        assert_eq!(shown(None, 0), "< 5 respondenten");
        // (6,0 × 10 + 8,0 × 5) / 15 = 6,67 → 6,7; the 3 respondents with 1,0 do not count.
        assert_eq!(
            pooled(&[(Some(60), 10), (Some(80), 5), (Some(10), 3)]),
            Some((67, 15))
        );
        // Half up: (7,0 × 5 + 7,1 × 5) / 10 = 7,05 → 7,1.
        assert_eq!(pooled(&[(Some(70), 5), (Some(71), 5)]), Some((71, 10)));
        assert_eq!(
            pooled(&[(Some(70), 4), (Some(70), 4)]),
            None,
            "8 respondents, but each group under 5"
        );
        assert_eq!(pooled(&[]), None);
    }

    #[test]
    fn form_rules() {
        let p = Period::parse("2021-K1").unwrap();
        let id = Uuid::nil();
        let form: BTreeMap<String, String> = [
            (mean_field("deelnemers", "zingeving"), "7,5"),
            (count_field("deelnemers", "zingeving"), "12"),
            (count_field("deelnemers", "meedoen"), "0"),
            (mean_field("coordinatoren", "zingeving"), "11"),
            (count_field("coordinatoren", "zingeving"), "3"),
            (mean_field("coordinatoren", "meedoen"), "6"),
            (count_field("coordinatoren", "meedoen"), "0"),
            (mean_field("deelnemers", "lichaamsfuncties"), "6"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let mut errors = FormErrors::default();
        let rows = parse_form(&form, id, &p, &mut errors);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].mean_tenths, Some(75));
        assert_eq!((rows[1].respondents, rows[1].mean_tenths), (0, None));
        assert!(errors
            .get(&mean_field("coordinatoren", "zingeving"))
            .unwrap()
            .contains("van 0 tot en met 10"));
        assert!(errors
            .get(&mean_field("coordinatoren", "meedoen"))
            .unwrap()
            .contains("zonder respondenten"));
        assert!(errors
            .get(&count_field("deelnemers", "lichaamsfuncties"))
            .unwrap()
            .contains("Deelnemers, lichaamsfuncties: vul het aantal respondenten in"));
    }
}
