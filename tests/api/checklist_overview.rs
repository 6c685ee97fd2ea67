//! The regio as a whole beside its gemeenten, and the printable Regionaal overzicht (its
//! print to PDF is in `browser_checklist.rs`).

use reqwest::StatusCode;

use crate::checklist::{row_cells, save};
use crate::helpers::TestApp;

#[tokio::test]
async fn the_regio_as_a_whole_has_a_status_beside_its_gemeenten() {
    let app = TestApp::spawn().await;
    let record = |status: &'static str, except: Option<(&'static str, &'static str)>| {
        let pool = app.db.admin.clone();
        async move {
            sqlx::query(
                "insert into checklist_entries (tenant_id, area_id, type_code, status) \
                 select a.tenant_id, a.area_id, 'basisinkomen_experiment', case when a.cbs_code = $2 then $3 else $1 end \
                 from areas a join tenants t using (tenant_id) where t.slug = 'twente' and a.level = 'gemeente' \
                 on conflict (tenant_id, area_id, type_code) do update set status = excluded.status",
            )
            .bind(status)
            .bind(except.map(|e| e.0))
            .bind(except.map(|e| e.1))
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    let mut b = app.login("beleid@twente.demo").await;
    record("niet_van_toepassing", Some(("GM0141", "niet_aanwezig"))).await;
    let page = b.get("/twente/checklist/dekking").await;
    assert_eq!(
        row_cells(&page.body, "Experiment basisinkomen")[14],
        "nee niet aanwezig"
    );
    assert!(page.body.contains("<strong>De regio als geheel:</strong>"));
    record("niet_van_toepassing", None).await;
    let page = b.get("/twente/checklist/dekking").await;
    assert_eq!(
        row_cells(&page.body, "Experiment basisinkomen")[14],
        "n.v.t. niet van toepassing"
    );
    let csv = b
        .client
        .get(app.url("/twente/checklist/dekking.csv"))
        .send()
        .await
        .unwrap();
    let text = String::from_utf8(csv.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert!(text.lines().next().unwrap().ends_with(";Regio (geheel)"));
    assert!(
        text.lines().any(|l| l.contains(";Experiment basisinkomen;") && l.ends_with(";niet van toepassing")),
        "{text}"
    );
}

#[tokio::test]
async fn the_regional_overview_holds_summary_matrix_gaps_bouwstenen_and_demand() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    save(
        &mut b,
        "twente",
        "lokale_munt",
        "GM0141",
        "niet_aanwezig",
        "",
        "0",
    )
    .await;
    let page = b.get("/twente/checklist/overzicht").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Regionaal overzicht Regio Twente",
        "1. Checklist",
        "2. Dekking",
        "3. Tekorten",
        "4. Bouwstenen per wijk",
        "5. Vraag en aanbod per wijk",
        "id=\"dekking-titel\"",
        "id=\"bouwstenen-titel\"",
        "Aanbod tegen Inwoners met een psychische kwetsbaarheid (schatting) per wijk",
        "Innovaties die nog niet in uw regio zijn",
        "class=\"report-section report-section--wide\"",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert_eq!(
        page.body.matches("<section class=\"report-section").count(),
        5
    );
    let almelo = row_cells(&page.body, "Almelo</th>");
    assert_eq!(almelo.len(), 5);
    let total = {
        let at = page.body.find("Van de ").unwrap() + 7;
        page.body[at..at + page.body[at..].find(' ').unwrap()].to_string()
    };
    let present: usize = almelo[1].parse().unwrap();
    assert_eq!(
        almelo[0],
        format!("{} van {total}", present + 1),
        "present plus one recorded"
    );
    assert_eq!(almelo[2], "1", "niet aanwezig");
    assert_eq!(row_cells(&page.body, "Regio als geheel").len(), 5);
    let gaps = &page.body[page.body.find("id=\"tekorten-kop\"").unwrap()..];
    let gap = row_cells(gaps, "Regionale munt of ruilsysteem");
    assert_eq!(
        gap,
        ["Inkomen en schulden", "onbekend"],
        "not every gemeente assessed"
    );
    let mut almelo = app.login("beleid@almelo.demo").await;
    let one = almelo.get("/almelo/checklist/overzicht").await;
    assert!(one.status == StatusCode::OK && !one.body.contains("Regio als geheel"));
}
