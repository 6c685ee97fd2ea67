//! Every CSV export neutralises spreadsheet formulas (cells starting with = + - @ tab or CR,
//! header cells included), and the imports read back what the exports wrote.

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// The cells of a semicolon CSV (no quoted semicolons in these tests' data).
fn cells(csv: &str) -> Vec<String> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .flat_map(|l| {
            l.split(';')
                .map(|c| c.trim_matches('"').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_safe(label: &str, csv: &str) {
    for cell in cells(csv) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{label}: a cell a spreadsheet would run: {cell:?}"
        );
    }
}

#[tokio::test]
async fn no_export_lets_a_typed_formula_reach_a_spreadsheet() {
    let app = TestApp::spawn().await;
    let evil = "=HYPERLINK(\"https://example.invalid\",\"klik\")";
    sqlx::query("update facilities set name = $1 where facility_id = (select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' order by f.name limit 1)")
        .bind(evil)
        .execute(&app.db.admin)
        .await
        .unwrap();
    sqlx::query("update areas set name = '+31 wijk' where area_id = (select a.area_id from areas a join tenants t using (tenant_id) where t.slug = 'almelo' and a.level = 'wijk' limit 1)")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut beleid = app.login("beleid@almelo.demo").await;
    let facility = app
        .id("select f.facility_id from facilities f where f.name like '=HYPERLINK%'")
        .await;
    // A referral to it, so the referral export names it.
    beleid
        .get(&format!("/almelo/voorzieningen/{facility}"))
        .await;
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Europe/Amsterdam')::date)::text")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    let r = beleid
        .post(
            &format!("/almelo/voorzieningen/{facility}/verwijzing"),
            &[("datum", &today), ("route", "wijkteam")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let export = beleid.get("/almelo/voorzieningen/export.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("'=HYPERLINK"));
    assert_safe("voorzieningen", &export.body);
    let referrals = beleid.get("/almelo/verwijzingen/export.csv").await;
    assert_eq!(referrals.status, StatusCode::OK);
    assert_safe("verwijzingen", &referrals.body);
    for path in [
        "/almelo/checklist/export.csv",
        "/almelo/checklist/dekking.csv",
        "/almelo/checklist/bouwstenen.csv",
        "/almelo/checklist/vraag.csv",
    ] {
        let r = beleid.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_safe(path, &r.body);
    }
    let mut beheer = app.login("beheer@almelo.demo").await;
    let areas = beheer.get("/almelo/beheer/gebieden/export.csv").await;
    assert!(areas.body.contains("'+31 wijk"));
    assert_safe("gebieden", &areas.body);

    // The facility export imports back to the same name (the apostrophe is the export's own).
    let bytes = export
        .body
        .trim_start_matches('\u{feff}')
        .as_bytes()
        .to_vec();
    beleid.get("/almelo/voorzieningen/import").await;
    let r = beleid.upload("/almelo/voorzieningen/import", bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("ingelezen"), "{}", r.body);
    let name: String = sqlx::query_scalar(&format!(
        "select name from facilities where facility_id = '{facility}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(name, evil);
}
