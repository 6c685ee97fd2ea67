//! Demo data of the Almelo pilot's outcomes: the business case of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018) (planned, from the
//! proposal's table), realised figures for 2019 and 2020 that are made up for the demo and say
//! so in their reason, and Positieve Gezondheid scores with every quarterly report.

use uuid::Uuid;

use crate::db::TenantTx;
use crate::subsidy::pilot::business_case::rules::Inputs;
use crate::subsidy::pilot::business_case::store::{record, Basis, NewVersion};
use crate::subsidy::pilot::health::{self, Score, DIMENSIONS};

const BY: &str = "Lotte Beleid (beleid@almelo.demo)";

/// Seed 003, "Financiële effecten maatwerk naar voorliggend (x € 1.000)": year, costs of OMD
/// under unchanged policy, costs of OMD after the change. The pilot's costs are the dekking
/// (the scheme's budget lines, loaded before).
const PLANNED: [(i32, i64, i64); 3] = [
    (2019, 1_900_000, 1_100_000),
    (2020, 1_900_000, 900_000),
    (2021, 1_900_000, 830_000),
];

/// Made up for the demo: year, OMD under unchanged policy (re-estimated), pilot costs from
/// Budget maatwerk OMD and Innovatiemiddelen, OMD after the change. Savings 255.500 and
/// 427.700 euro against the planned 300.000 and 400.000.
const REALISED: [(i32, i64, i64, i64, i64); 2] = [
    (2019, 1_920_000, 300_000, 184_500, 1_180_000),
    (2020, 1_950_000, 450_000, 142_300, 930_000),
];

fn err(e: impl std::fmt::Display) -> String {
    format!("pilot outcomes demo data: {e}")
}

async fn business_case(tx: &mut TenantTx, scheme: Uuid) -> Result<(), String> {
    let lines = crate::subsidy::common::store::budget_lines(tx, scheme)
        .await
        .map_err(err)?;
    for (year, unchanged, after) in PLANNED {
        let inputs = Inputs {
            maatwerk_unchanged_cents: unchanged * 100,
            pilot_costs: lines
                .iter()
                .filter(|l| l.year == year)
                .map(|l| (l.source.clone(), l.amount_cents))
                .collect(),
            maatwerk_after_cents: after * 100,
        };
        let new = NewVersion {
            year,
            basis: Basis::Planned,
            inputs: &inputs,
            reason: "Collegevoorstel van 18 december 2018, tabel ‘Financiële effecten maatwerk naar voorliggend’.",
            by: BY,
        };
        record(tx, scheme, &new).await.map_err(err)?;
    }
    for (year, unchanged, omd, innovation, after) in REALISED {
        let inputs = Inputs {
            maatwerk_unchanged_cents: unchanged * 100,
            pilot_costs: vec![
                ("Budget maatwerk OMD".into(), omd * 100),
                ("Innovatiemiddelen".into(), innovation * 100),
            ],
            maatwerk_after_cents: after * 100,
        };
        let new = NewVersion {
            year,
            basis: Basis::Realised,
            inputs: &inputs,
            reason: "Demogegevens: bedacht voor de demonstratie, geen cijfers uit de jaarrekening van Almelo.",
            by: BY,
        };
        record(tx, scheme, &new).await.map_err(err)?;
    }
    Ok(())
}

/// Scores with every report that was filed: participants' means rising slowly through the
/// pilot, Humanitas with 4 respondents in the first quarter of each year (shown as "< 5"),
/// coordinators: 5 at Avedan, 2 elsewhere.
async fn positive_health(
    tx: &mut TenantTx,
    scheme: Uuid,
    partners: &[(&str, Uuid)],
) -> Result<(), String> {
    const BASE: [i64; 6] = [66, 61, 63, 64, 58, 65];
    for (pi, (name, provider)) in partners.iter().enumerate() {
        let periods: Vec<String> = sqlx::query_scalar(
            "select period from pilot_reports where tenant_id = $1 and scheme_id = $2 and provider_id = $3 \
             order by period_start",
        )
        .bind(tx.tenant_id())
        .bind(scheme)
        .bind(provider)
        .fetch_all(&mut **tx)
        .await
        .map_err(err)?;
        for (q, period) in periods.iter().enumerate() {
            let q = q as i64;
            let pi = pi as i64;
            let mut rows = Vec::new();
            for (d, (dimension, _)) in DIMENSIONS.iter().enumerate() {
                let participants = match *name {
                    "Humanitas Almelo" if q % 4 == 0 => 4,
                    _ => 6 + q % 4 + 3 * pi,
                };
                let coordinators = if *name == "Avedan" { 5 } else { 2 };
                let mean = (BASE[d] + q + 2 * pi - 3 + (d as i64 + q) % 3).clamp(0, 100);
                for (respondent, n, m) in [
                    ("deelnemers", participants, mean),
                    ("coordinatoren", coordinators, (mean + 6).min(100)),
                ] {
                    rows.push(Score {
                        provider_id: *provider,
                        period: period.clone(),
                        respondent: respondent.into(),
                        dimension: dimension.to_string(),
                        respondents: n as i32,
                        mean_tenths: Some(m as i32),
                    });
                }
            }
            health::replace(tx, scheme, *provider, period, &rows)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}

pub async fn load(
    tx: &mut TenantTx,
    scheme: Uuid,
    partners: &[(&str, Uuid)],
) -> Result<(), String> {
    business_case(tx, scheme).await?;
    positive_health(tx, scheme, partners).await
}
