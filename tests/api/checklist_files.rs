//! The checklist's files: the exports (CSV for Dutch Excel, XLSX) and the import of an
//! existing inventory. Demand per wijk is in `checklist_demand.rs`.

use reqwest::StatusCode;

use crate::checklist::save;
use crate::helpers::TestApp;

#[tokio::test]
async fn the_exports_are_a_csv_for_dutch_excel_and_a_spreadsheet() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/checklist").await;
    save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_aanwezig",
        "Geen aanbieder; wel gewenst",
        "0",
    )
    .await;
    let response = b
        .client
        .get(app.url("/almelo/checklist/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"checklist-almelo.csv\""
    );
    let body = response.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("gemeente;levensgebied;subgroep;type;status;aantal;voorzieningen;toelichting")
    );
    assert!(text.contains("\nAlmelo;Wonen;Kortdurend verblijf (per nacht);Nachtopvang;aanwezig;1;Nachtopvang Almelo;\n"), "{text}");
    assert!(text.contains(";Housing First;niet aanwezig;0;;\"Geen aanbieder; wel gewenst\"\n"));
    for (path, name) in [
        ("/almelo/checklist/export.xlsx", "checklist-almelo.xlsx"),
        ("/almelo/checklist/dekking.xlsx", "dekking-almelo.xlsx"),
    ] {
        let response = b.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"{name}\"").as_str()
        );
        assert!(
            response.bytes().await.unwrap().starts_with(b"PK"),
            "a zip container"
        );
    }
    let response = b
        .client
        .get(app.url("/almelo/checklist/dekking.csv"))
        .send()
        .await
        .unwrap();
    let text = String::from_utf8(response.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("levensgebied;subgroep;type;innovatief;Almelo")
    );
    assert!(text.contains("\nWonen;Kortdurend verblijf (per nacht);Nachtopvang;nee;1\n"));
    assert!(text.contains(";Housing First;ja;niet aanwezig\n"));
    let page = b.get("/almelo/checklist").await;
    assert!(
        page.body.contains("href=\"/almelo/checklist/export.csv\"")
            && page.body.contains("href=\"/almelo/checklist/export.xlsx\"")
    );
}

#[tokio::test]
async fn an_exported_inventory_imports_back_to_the_same_statuses() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    b.get("/twente/checklist").await;
    save(
        &mut b,
        "twente",
        "housing_first",
        "GM0147",
        "niet_aanwezig",
        "=Borne heeft geen plek",
        "0",
    )
    .await;
    save(
        &mut b,
        "twente",
        "lokale_munt",
        "GM1774",
        "niet_van_toepassing",
        "Dinkelland: niet nodig",
        "0",
    )
    .await;
    save(
        &mut b,
        "twente",
        "nachtopvang",
        "GM0153",
        "onbekend",
        "Aanwezig, maar met wachtlijst",
        "0",
    )
    .await;
    let snapshot = "select a.cbs_code, e.type_code, e.status, e.note from checklist_entries e join areas a using (tenant_id, area_id) order by 1, 2";
    let before: Vec<(String, String, String, String)> = sqlx::query_as(snapshot)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(before.len(), 3);
    let export = b
        .client
        .get(app.url("/twente/checklist/export.csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert!(
        String::from_utf8_lossy(&export).contains("'=Borne heeft geen plek"),
        "formula defused"
    );
    sqlx::query("delete from checklist_entries")
        .execute(&app.db.admin)
        .await
        .unwrap();

    let form = b.get("/twente/checklist/import").await;
    assert_eq!(form.status, StatusCode::OK);
    let imported = b.upload("/twente/checklist/import", export.clone()).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let rows = (String::from_utf8_lossy(&export).lines().count() - 1).to_string();
    assert!(
        imported
            .body
            .contains(&format!("{rows} statussen ingelezen, waarvan 3 gewijzigd")),
        "{rows}"
    );
    let after: Vec<(String, String, String, String)> = sqlx::query_as(snapshot)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(after, before);
    assert_eq!(app.scalar_i64("select count(*) from audit_events where object_type = 'checklist' and action = 'geimporteerd'").await, 1);

    let bad = "gemeente;type;status;toelichting\nEnschede;housing_first;niet aanwezig;ok\nGM0935;nachtopvang;onbekend;\nHengelo;bestaat_niet;misschien;\nBorne;Housing First;niet_van_toepassing;\n";
    let page = b
        .upload("/twente/checklist/import", bad.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for line in [
        "<td>3</td><td>gemeente</td>",
        "<td>4</td><td>type</td>",
        "<td>4</td><td>status</td>",
    ] {
        assert!(page.body.contains(line), "{line}");
    }
    assert!(page.body.contains("Er is niets geïmporteerd"));
    let unchanged: Vec<(String, String, String, String)> = sqlx::query_as(snapshot)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(unchanged, before, "all or nothing");
    let latin1 = b
        .upload(
            "/twente/checklist/import",
            b"gemeente;type;status\nEnschede;nachtopvang;\xe9\n".to_vec(),
        )
        .await;
    assert!(latin1.body.contains("geen UTF-8"));
}

#[tokio::test]
async fn the_bouwstenen_and_the_demand_export_as_csv_and_spreadsheet() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "update areas a set residents = 4000 from tenants t where t.tenant_id = a.tenant_id \
         and t.slug = 'almelo' and a.cbs_code = 'WK014110'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    sqlx::query(
        "update area_demand d set value = 12.5 from areas a join tenants t using (tenant_id) \
         where t.slug = 'almelo' and a.cbs_code = 'WK014110' and d.tenant_id = a.tenant_id \
         and d.area_id = a.area_id and d.indicator = 'eenzaamheid'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    // A name that a spreadsheet would run as a formula.
    sqlx::query(
        "update demand_indicators d set name = '=1+1' from tenants t \
         where t.tenant_id = d.tenant_id and t.slug = 'almelo' and d.code = 'laag_inkomen'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut b = app.login("beleid@almelo.demo").await;
    let csv = |path: &'static str| {
        let client = b.client.clone();
        let url = app.url(path);
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                response.headers()["content-type"],
                "text/csv; charset=utf-8"
            );
            let disposition = response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_string();
            let body = response.bytes().await.unwrap();
            assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
            (disposition, String::from_utf8(body[3..].to_vec()).unwrap())
        }
    };
    let (name, text) = csv("/almelo/checklist/bouwstenen.csv").await;
    assert_eq!(name, "attachment; filename=\"bouwstenen-almelo.csv\"");
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("gemeente;wijk;code;") && header.ends_with(";ontbrekende bouwstenen"),
        "{header}"
    );
    assert_eq!(header.split(';').count(), 3 + 7 + 1, "seven bouwstenen");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Almelo;Binnenstad;WK014110;")),
        "{text}"
    );

    let (name, text) = csv("/almelo/checklist/vraag.csv?indicator=eenzaamheid").await;
    assert_eq!(name, "attachment; filename=\"vraag-en-aanbod-almelo.csv\"");
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("gemeente;wijk;code;inwoners;"),
        "{header}"
    );
    assert!(
        header.contains(";Eenzaamheid (%);") && header.contains(";vraag (Eenzaamheid);"),
        "{header}"
    );
    assert!(
        header.contains(";plaatsen tegelijk per 1.000 inwoners;"),
        "{header}"
    );
    assert!(!header.contains(";=1+1"), "formula neutralised: {header}");
    let row = text
        .lines()
        .find(|l| l.starts_with("Almelo;Binnenstad;WK014110;4000;"))
        .unwrap_or_else(|| panic!("{text}"));
    let cells: Vec<&str> = row.split(';').collect();
    let columns: Vec<&str> = header.split(';').collect();
    let at = |name: &str| cells[columns.iter().position(|c| c.contains(name)).unwrap()];
    assert_eq!(at("Eenzaamheid (%)"), "12,5");
    assert_eq!(at("vraag (Eenzaamheid)"), "500,0", "12,5 % of 4.000");
    assert!(matches!(at("ver onder"), "ja" | "nee"));

    for (path, name) in [
        (
            "/almelo/checklist/bouwstenen.xlsx",
            "bouwstenen-almelo.xlsx",
        ),
        (
            "/almelo/checklist/vraag.xlsx",
            "vraag-en-aanbod-almelo.xlsx",
        ),
    ] {
        let response = b.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"{name}\"").as_str()
        );
        assert!(
            response.bytes().await.unwrap().starts_with(b"PK"),
            "a zip container"
        );
    }
    let page = b.get("/almelo/checklist/bouwstenen").await;
    assert!(
        page.body
            .contains("href=\"/almelo/checklist/bouwstenen.csv\"")
            && page
                .body
                .contains("href=\"/almelo/checklist/bouwstenen.xlsx\"")
    );
    let page = b.get("/almelo/checklist/vraag").await;
    assert!(page
        .body
        .contains("href=\"/almelo/checklist/vraag.csv?indicator=vraag\""));
}
