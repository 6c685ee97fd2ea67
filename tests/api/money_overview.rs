//! Issue 26, item 3: the money overview of a round adds up to the ranking CSV and the payments
//! CSV, exports as CSV and XLSX, and is out of reach of another tenant.

use reqwest::StatusCode;
use std::collections::BTreeSet;

use crate::helpers::TestApp;
use crate::subsidy::rounds;

/// `31800,00` or `31800.00` in cents.
fn cents(text: &str) -> i64 {
    let t = text.replace(',', ".");
    let (w, f) = t.split_once('.').unwrap_or((&t, "0"));
    w.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

fn lines(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn the_money_overview_adds_up_to_the_ranking_and_payments_csvs() {
    let app = TestApp::spawn().await;
    let (scheme, _, old) = rounds(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let base = format!("/maastricht/regelingen/{scheme}/rondes/{old}");
    let page = beleid.get(&format!("{base}/geld")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Budget en dekking",
        "Resterend plafond",
        "Teruggevorderd",
        "Totaal",
        "Staafdiagram",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let overview = beleid.get(&format!("{base}/geld.csv")).await;
    assert!(overview.body.trim_start_matches('\u{feff}').starts_with(
        "onderdeel;plafond_eur;gevraagd_eur;toegekend_eur;betaald_eur;nog_te_betalen_eur"
    ));
    let overview = lines(&overview.body);
    let ranking = lines(&beleid.get(&format!("{base}/rangschikking.csv")).await.body);
    assert!(!ranking.is_empty());
    let mut granted_total = 0;
    for row in overview.iter().filter(|r| r[0] != "Totaal") {
        let of = |col: usize| -> i64 {
            ranking
                .iter()
                .filter(|r| r[0] == row[0])
                .map(|r| cents(&r[col]))
                .sum()
        };
        assert_eq!(cents(&row[2]), of(6), "gevraagd {}", row[0]);
        assert_eq!(cents(&row[3]), of(7), "toegekend {}", row[0]);
        // Amounts are written with a decimal comma.
        assert!(row[3].contains(','), "{}", row[3]);
        granted_total += cents(&row[3]);
    }
    let total = overview.iter().find(|r| r[0] == "Totaal").unwrap();
    assert_eq!(cents(&total[3]), granted_total);
    // Every payment of the round, from the monthly CSVs (each lists its month and what is still
    // open from before), counted once: paid plus still to pay is the total of the schedule.
    let months: Vec<String> = sqlx::query_scalar(&format!(
        "select distinct to_char(due_on, 'YYYY-MM') from subsidy_payments y join subsidy_applications a using (tenant_id, application_id) \
         where a.round_id = '{old}' order by 1"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert!(!months.is_empty());
    let mut seen = BTreeSet::new();
    let (mut paid, mut unpaid) = (0, 0);
    for month in months {
        let csv = beleid
            .get(&format!(
                "/maastricht/regelingen/betalingen.csv?maand={month}"
            ))
            .await;
        for r in lines(&csv.body) {
            if r[4] == "2026" && seen.insert((r[0].clone(), r[5].clone(), r[6].clone())) {
                if r[9].is_empty() {
                    unpaid += cents(&r[8])
                } else {
                    paid += cents(&r[8])
                }
            }
        }
    }
    assert_eq!(cents(&total[4]), paid, "betaald");
    assert_eq!(cents(&total[5]), unpaid, "nog te betalen");
    // The start page links to it.
    let home = beleid.get("/maastricht/").await;
    assert!(
        home.body.contains("Geld per regeling en jaar"),
        "{}",
        home.body
    );
    assert!(home.body.contains(&format!("{base}/geld")));
    let xlsx = beleid.get(&format!("{base}/geld.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with("PK"), "a zip (XLSX)");
}

#[tokio::test]
async fn another_tenant_cannot_see_the_money_overview() {
    let app = TestApp::spawn().await;
    let (scheme, _, old) = rounds(&app).await;
    let mut almelo = app.login("beleid@almelo.demo").await;
    for suffix in ["geld", "geld.csv", "geld.xlsx"] {
        let page = almelo
            .get(&format!(
                "/almelo/regelingen/{scheme}/rondes/{old}/{suffix}"
            ))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{suffix}");
        let page = almelo
            .get(&format!(
                "/maastricht/regelingen/{scheme}/rondes/{old}/{suffix}"
            ))
            .await;
        assert!(
            matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{suffix}"
        );
    }
}
