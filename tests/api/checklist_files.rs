//! The checklist's figures and files: demand per wijk against supply, the exports (CSV for
//! Dutch Excel, XLSX) and the import of an existing inventory.

use reqwest::StatusCode;

use crate::checklist::{row_cells, save};
use crate::helpers::TestApp;

#[tokio::test]
async fn demand_per_wijk_is_entered_checked_and_compared_with_the_median() {
    let app = TestApp::spawn().await;
    // Start without the demo's demand figures.
    sqlx::query("delete from area_demand")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/checklist/vraag").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"vraag-WK014110\""));
    let stand = {
        let at = page.body.find("name=\"stand\" value=\"").unwrap() + 20;
        page.body[at..at + page.body[at..].find('"').unwrap()].to_string()
    };
    let bad = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand),
                ("vraag-WK014110", "-5"),
                ("vraag-WK014111", "veel"),
                ("vraag-WK014112", "300"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("De vraag in Binnenstad kan niet negatief zijn"));
    assert!(bad.body.contains("Vul bij De Riet een heel getal in"));
    for kept in ["value=\"-5\"", "value=\"veel\"", "value=\"300\""] {
        assert!(bad.body.contains(kept), "{kept}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from area_demand").await,
        0,
        "nothing stored"
    );

    let saved = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand),
                ("vraag-WK014110", "1.000"),
                ("vraag-WK014111", "1000"),
                ("vraag-WK014112", "100000"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let value = |code: &'static str| {
        let pool = app.db.admin.clone();
        async move {
            sqlx::query_scalar::<_, i32>("select d.value from area_demand d join areas a using (tenant_id, area_id) where a.cbs_code = $1")
                .bind(code)
                .fetch_optional(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        (value("WK014110").await, value("WK014112").await),
        (Some(1000), Some(100000))
    );
    let after: serde_json::Value =
        sqlx::query_scalar("select after from audit_events where object_type = 'vraag'")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!(after["WK014112"], 100000);
    let stale = b
        .post(
            "/almelo/checklist/vraag",
            &[("stand", &stand), ("vraag-WK014110", "5")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .body
            .contains("Iemand anders heeft de vraag intussen gewijzigd")
            && stale.body.contains("value=\"5\"")
    );

    let page = b.get("/almelo/checklist/vraag?melding=opgeslagen").await;
    assert!(page.body.contains("De vraag per wijk is opgeslagen."));
    let binnenstad = row_cells(&page.body, "Binnenstad");
    let facilities: i64 = binnenstad[1].parse().unwrap();
    assert!(facilities > 0);
    assert_eq!(
        binnenstad[3],
        format!("{facilities},0"),
        "per 1,000 of a demand of 1,000"
    );
    assert_eq!(binnenstad[4], format!("{},0", binnenstad[2]));
    let noorderkwartier = row_cells(&page.body, "Noorderkwartier");
    let n: i64 = noorderkwartier[1].parse().unwrap();
    assert_eq!(
        noorderkwartier[3],
        format!("{:.1}", n as f64 / 100.0).replace('.', ","),
        "{noorderkwartier:?}"
    );
    assert!(noorderkwartier[5].contains("ver onder de mediaan"));
    assert!(!binnenstad[5].contains("ver onder de mediaan"));
    assert_eq!(
        row_cells(&page.body, "Aadorp")[3],
        "–",
        "no demand, no figure"
    );

    // Import: a good file replaces values (empty clears), a bad one changes nothing.
    let good = b
        .upload(
            "/almelo/checklist/vraag/import",
            "\u{feff}code;vraag\nWK014110;500\nwk014111;\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(good.status, StatusCode::OK);
    assert!(good
        .body
        .contains("2 waarden ingelezen, waarvan 2 gewijzigd."));
    assert_eq!(
        (value("WK014110").await, value("WK014111").await),
        (Some(500), None)
    );
    let bad = b
        .upload(
            "/almelo/checklist/vraag/import",
            b"code,vraag\nWK014110,12\nWK014199,5\nWK014112,-1\nBU01411000,4\n".to_vec(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Er is niets geïmporteerd")
            && bad.body.contains("Het bestand heeft 3 fouten")
    );
    for line in [
        "<td>3</td><td>code</td>",
        "<td>4</td><td>vraag</td>",
        "<td>5</td><td>code</td>",
    ] {
        assert!(bad.body.contains(line), "{line}");
    }
    assert_eq!(value("WK014110").await, Some(500));
    let huge = b
        .upload(
            "/almelo/checklist/vraag/import",
            vec![b'x'; 3 * 1024 * 1024],
        )
        .await;
    assert!(
        huge.status.is_client_error() && huge.body.contains("Het bestand is te groot"),
        "{}",
        huge.status
    );
}

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
