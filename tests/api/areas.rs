//! Areas: add, rename, delete, and the all-or-nothing CSV import and its export.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_beheerder_adds_renames_and_deletes_an_area() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    b.get("/almelo/beheer/gebieden/nieuw").await;
    let created = b
        .post(
            "/almelo/beheer/gebieden",
            &[("code", "wk014190"), ("naam", "Nieuwbouwwijk")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let (id, level, parent): (uuid::Uuid, String, String) = sqlx::query_as(
        "select a.area_id, a.level, p.cbs_code from areas a join areas p on p.tenant_id = a.tenant_id and p.area_id = a.parent_id \
         where a.cbs_code = 'WK014190'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!((level.as_str(), parent.as_str()), ("wijk", "GM0141"));
    let list = b.get("/almelo/beheer/gebieden?melding=opgeslagen").await;
    assert!(list.body.contains("Nieuwbouwwijk") && list.body.contains("Het gebied is opgeslagen."));

    let renamed = b
        .post(
            &format!("/almelo/beheer/gebieden/{id}"),
            &[("naam", "Het Nieuwe Land"), ("version", "1")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let stale = b
        .post(
            &format!("/almelo/beheer/gebieden/{id}"),
            &[("naam", "Te laat"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale
        .body
        .contains("Iemand anders heeft dit gebied intussen gewijzigd"));
    assert!(stale.body.contains("value=\"Te laat\""));

    let deleted = b
        .post(&format!("/almelo/beheer/gebieden/{id}/verwijderen"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64("select count(*) from areas where cbs_code = 'WK014190'")
            .await,
        0
    );
}

#[tokio::test]
async fn area_codes_are_checked() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    let cases = [
        ("WK14", "is geen CBS-code"),
        ("BU01419901", "Voeg eerst het gebied WK014199 toe"),
        ("WK093501", "ligt niet in gemeente GM0141"),
        ("GM0141", "bestaat al"),
    ];
    for (code, message) in cases {
        let page = b
            .post(
                "/almelo/beheer/gebieden",
                &[("code", code), ("naam", "Proef")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(page.body.contains(message), "{code}: {message}");
        assert!(
            page.body.contains(&format!("value=\"{code}\"")),
            "input kept"
        );
    }
    let empty = b
        .post(
            "/almelo/beheer/gebieden",
            &[("code", "WK014195"), ("naam", "  ")],
        )
        .await;
    assert!(empty.body.contains("Vul de naam van het gebied in."));
}

#[tokio::test]
async fn an_area_with_areas_inside_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    let id = app
        .id("select area_id from areas where cbs_code = 'GM0141'")
        .await;
    let page = b
        .post(&format!("/almelo/beheer/gebieden/{id}/verwijderen"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("kan niet worden verwijderd"));
}

#[tokio::test]
async fn a_regio_holds_several_gemeenten() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@twente.demo").await;
    let page = b.get("/twente/beheer/gebieden").await;
    assert!(
        page.body.contains("14 gemeenten"),
        "the 14 Twente gemeenten"
    );
    for name in ["Almelo", "Enschede", "Hengelo", "Oldenzaal", "Tubbergen"] {
        assert!(page.body.contains(name), "{name}");
    }
    let created = b
        .post(
            "/twente/beheer/gebieden",
            &[("code", "GM1896"), ("naam", "Zwartewaterland")],
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "a regio may add any gemeente"
    );
}

#[tokio::test]
async fn a_file_with_errors_imports_nothing_and_lists_every_error() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    b.get("/almelo/beheer/gebieden/import").await;
    let before = app.scalar_i64("select count(*) from areas").await;
    let file = "code;naam\nWK014180;Goed\nXX12;Fout\nBU01418001;\nBU01417701;Zonder wijk\nWK014180;Dubbel\n";
    let page = b
        .upload("/almelo/beheer/gebieden/import", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Er is niets geïmporteerd"));
    for (line, message) in [
        (3, "is geen CBS-code"),
        (4, "Vul een naam in."),
        (6, "staat al eerder in het bestand"),
    ] {
        assert!(
            page.body.contains(&format!("<td>{line}</td>")),
            "line {line}"
        );
        assert!(page.body.contains(message), "{message}");
    }
    assert_eq!(app.scalar_i64("select count(*) from areas").await, before);

    // Parents are checked against the database and the file once the rows themselves are right.
    let page = b
        .upload(
            "/almelo/beheer/gebieden/import",
            b"code;naam\nWK014180;Goed\nBU01417701;Zonder wijk\n".to_vec(),
        )
        .await;
    assert!(page.body.contains("<td>3</td>") && page.body.contains("WK014177 bestaat niet"));
    assert_eq!(app.scalar_i64("select count(*) from areas").await, before);
}

#[tokio::test]
async fn a_correct_file_imports_in_one_go_with_bom_and_semicolons_or_commas() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    b.get("/almelo/beheer/gebieden/import").await;
    let before = app.scalar_i64("select count(*) from areas").await;
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend_from_slice(
        "code;naam\r\nBU01418001;Buurt één\r\nWK014180;Nieuwe wijk\r\nGM0141;Gemeente Almelo\r\n"
            .as_bytes(),
    );
    let page = b.upload("/almelo/beheer/gebieden/import", file).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("2 gebieden toegevoegd en 1 bijgewerkt"));
    assert_eq!(
        app.scalar_i64("select count(*) from areas").await,
        before + 2
    );
    let page = b
        .upload(
            "/almelo/beheer/gebieden/import",
            b"Code,Naam\nBU01418002,\"Buurt, twee\"\n".to_vec(),
        )
        .await;
    assert!(page.body.contains("1 gebieden toegevoegd"), "{}", page.body);
}

#[tokio::test]
async fn export_then_import_round_trips() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@maastricht.demo").await;
    let response = b
        .client
        .get(app.url("/maastricht/beheer/gebieden/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.bytes().await.unwrap().to_vec();
    assert!(csv.starts_with(b"code;naam\n"));
    let before = app.scalar_i64("select count(*) from areas").await;
    b.get("/maastricht/beheer/gebieden/import").await;
    let page = b.upload("/maastricht/beheer/gebieden/import", csv).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("0 gebieden toegevoegd"));
    assert_eq!(app.scalar_i64("select count(*) from areas").await, before);
}

#[tokio::test]
async fn oversized_and_missing_files_get_a_clear_message() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    b.get("/almelo/beheer/gebieden/import").await;
    let big = vec![b'a'; 6 * 1024 * 1024];
    let page = b.upload("/almelo/beheer/gebieden/import", big).await;
    assert!(page.status.is_client_error());
    assert!(page.body.contains("te groot"), "{}", page.body);
    let empty = b.upload("/almelo/beheer/gebieden/import", Vec::new()).await;
    assert!(empty.body.contains("Kies een CSV-bestand"));
    let binary = b
        .upload(
            "/almelo/beheer/gebieden/import",
            vec![0xff, 0xfe, 0x00, 0x41],
        )
        .await;
    assert!(binary.body.contains("geen UTF-8"));
}
