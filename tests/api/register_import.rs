//! The register's CSV export and all-or-nothing import.

use reqwest::StatusCode;

use crate::helpers::TestApp;

pub async fn export(b: &mut crate::helpers::Browser, tenant: &str) -> String {
    let response = b
        .client
        .get(format!(
            "{}/{tenant}/voorzieningen/export.csv",
            b.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    response.text().await.unwrap()
}

/// Per Almelo facility: its name and how many linked rows (hours, types, areas, capacity) it has.
async fn linked_rows(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as(
        "select f.name, (select count(*) from facility_hours h where h.facility_id = f.facility_id) + \
           (select count(*) from facility_type_links l where l.facility_id = f.facility_id) + \
           (select count(*) from facility_service_areas s where s.facility_id = f.facility_id) + \
           (select count(*) from facility_dagdeel_capacity c where c.facility_id = f.facility_id) \
         from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' order by f.facility_id",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn export_edit_import_round_trips_and_updates_by_id() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let csv = export(&mut b, "almelo").await;
    let csv = csv.trim_start_matches('\u{feff}');
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("id;naam;aanbieder;typen;vorm;"));
    let count = app.scalar_i64("select count(*) from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and not archived").await;
    assert_eq!(csv.lines().count() as i64, count + 1);
    assert!(
        csv.contains("Dagstructurering Schelfhorst")
            && csv.contains("ma 09:30-15:30|di 09:30-15:30")
    );
    let before = linked_rows(&app).await;

    // Unchanged file: everything is read back as it was.
    b.get("/almelo/voorzieningen/import").await;
    let page = b
        .upload("/almelo/voorzieningen/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!(
        "{count} voorzieningen ingelezen: 0 nieuw en {count} bijgewerkt"
    )));
    let after = linked_rows(&app).await;
    assert_eq!(before, after);
    assert_eq!(
        export(&mut b, "almelo")
            .await
            .trim_start_matches('\u{feff}'),
        csv,
        "export is stable"
    );

    // Edited in a spreadsheet: one renamed, one new line (comma separated this time, no BOM).
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[1] = lines[1].replacen(';', ";Hernoemd: ", 1);
    let joined = lines.join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(joined.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b',')
        .from_writer(Vec::new());
    writer.write_record(reader.headers().unwrap()).unwrap();
    for r in reader.records() {
        writer.write_record(&r.unwrap()).unwrap();
    }
    let mut new_row = vec![String::new(); header.split(';').count()];
    new_row[1] = "Repair Café Noord".into();
    new_row[2] = "Stichting Nieuw Initiatief".into();
    new_row[3] = "repair_cafe".into();
    new_row[11] = "7602 AA".into();
    writer.write_record(&new_row).unwrap();
    let page = b
        .upload("/almelo/voorzieningen/import", writer.into_inner().unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("1 nieuw en") && page.body.contains("1 nieuwe aanbieders toegevoegd")
    );
    assert_eq!(
        app.scalar_i64("select count(*) from facilities where name like 'Hernoemd: %'")
            .await,
        1
    );
    assert_eq!(
        app.scalar_i64("select count(*) from providers where name = 'Stichting Nieuw Initiatief'")
            .await,
        1
    );
    assert!(
        app.scalar_i64("select count(*) from audit_events where action = 'geïmporteerd'")
            .await
            > count
    );
}

#[tokio::test]
async fn a_file_with_errors_imports_nothing_and_lists_every_error_with_line_and_column() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let before = app
        .scalar_i64("select count(*) + sum(version) from facilities")
        .await;
    b.get("/almelo/voorzieningen/import").await;
    let file = "\u{feff}naam;aanbieder;typen;postcode;capaciteit_tegelijk;openingstijden\n\
                Goed;Avedan;huiskamerproject;7601 AB;10;ma 09:00-12:00\n\
                ;Avedan;bestaat_niet;12;-1;ma 12:00-09:00\n\
                Ook goed;Avedan;voedselbank;;;\n";
    let page = b
        .upload("/almelo/voorzieningen/import", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Er is niets geïmporteerd"));
    for (column, message) in [
        ("naam", "Vul de naam van de voorziening in."),
        ("typen", "Voorzieningentype ‘bestaat_niet’ bestaat niet."),
        ("postcode", "Vul een postcode in als 1234 AB"),
        ("capaciteit_tegelijk", "kan niet negatief zijn"),
        ("openingstijden", "niet na het openen"),
    ] {
        let cell = format!("<tr><td>3</td><td>{column}</td><td>");
        assert!(page.body.contains(&cell), "{column}");
        assert!(page.body.contains(message), "{message}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) + sum(version) from facilities")
            .await,
        before
    );

    let unknown = b
        .upload(
            "/almelo/voorzieningen/import",
            b"naam;aanbieder;typen;kleur\nX;Avedan;voedselbank;rood\n".to_vec(),
        )
        .await;
    assert!(unknown.body.contains("Kolom ‘kleur’ is onbekend."));
    let missing = b
        .upload(
            "/almelo/voorzieningen/import",
            b"naam;typen\nX;voedselbank\n".to_vec(),
        )
        .await;
    assert!(missing.body.contains("De kolom ‘aanbieder’ ontbreekt."));
    let foreign = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await;
    let theirs = b
        .upload(
            "/almelo/voorzieningen/import",
            format!("id;naam;aanbieder;typen\n{foreign};Overgenomen;Avedan;voedselbank\n")
                .into_bytes(),
        )
        .await;
    assert!(
        theirs.body.contains("Onbekend id."),
        "another tenant's facility is unknown here"
    );
    let binary = b
        .upload("/almelo/voorzieningen/import", vec![0xff, 0xfe, 0x00, 0x41])
        .await;
    assert!(binary.body.contains("geen UTF-8-tekst"));
    let big = b
        .upload(
            "/almelo/voorzieningen/import",
            vec![b'a'; voorzieningen::register::facilities::import::MAX_IMPORT_BYTES + 1],
        )
        .await;
    assert!(big.status.is_client_error());
    assert!(
        big.body.contains("Het bestand is te groot"),
        "{}",
        big.status
    );
    assert_eq!(
        app.scalar_i64("select count(*) + sum(version) from facilities")
            .await,
        before
    );
    assert_eq!(
        app.scalar_i64("select count(*) from facilities where name = 'Overgenomen'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_aanbieder_exports_and_imports_only_their_own_facilities() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@almelo.demo").await;
    let csv = export(&mut b, "almelo").await;
    let own = app.scalar_i64("select count(*) from facilities f join users u on u.provider_id = f.provider_id where u.email = 'aanbieder@almelo.demo' and not f.archived").await;
    assert_eq!(csv.lines().count() as i64, own + 1);
    b.get("/almelo/voorzieningen/import").await;
    let page = b
        .upload(
            "/almelo/voorzieningen/import",
            "naam;aanbieder;typen\nEigen inloop;Tactus Verslavingszorg;inloop_buurthuis\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let provider: uuid::Uuid =
        sqlx::query_scalar("select provider_id from facilities where name = 'Eigen inloop'")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!(
        provider,
        app.id("select provider_id from users where email = 'aanbieder@almelo.demo'")
            .await
    );
}

/// A file of several thousand rows is read as a stream and stored chunk by chunk, still all or
/// nothing: updates by id and a new provider across chunks, and an error on the last line
/// that undoes every chunk stored before it.
#[tokio::test]
async fn a_large_file_is_stored_in_chunks_all_or_nothing() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let existing: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "select f.facility_id, f.name from facilities f join tenants t using (tenant_id) \
         where t.slug = 'almelo' and not f.archived order by f.facility_id limit 2",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    let facilities = "select count(*) from facilities f join tenants t using (tenant_id) where t.slug = 'almelo'";
    let before = app.scalar_i64(facilities).await;
    let audit = "select count(*) from audit_events";
    let events_before = app.scalar_i64(audit).await;
    let rows = 4_500;
    let file = |last_line_bad: bool| {
        let mut csv = String::from("id;naam;aanbieder;typen\n");
        for i in 0..rows {
            let (id, name) = match i {
                0 => (
                    existing[0].0.to_string(),
                    format!("{} (bijgewerkt)", existing[0].1),
                ),
                4_200 => (
                    existing[1].0.to_string(),
                    format!("{} (bijgewerkt)", existing[1].1),
                ),
                _ => (String::new(), format!("Stroom {i}")),
            };
            let provider = if i % 1_500 == 7 {
                "Stichting Stroom"
            } else {
                "Avedan"
            };
            let kind = if last_line_bad && i == rows - 1 {
                "bestaat_niet"
            } else {
                "huiskamerproject"
            };
            csv.push_str(&format!("{id};{name};{provider};{kind}\n"));
        }
        csv.into_bytes()
    };
    b.get("/almelo/voorzieningen/import").await;

    let refused = b.upload("/almelo/voorzieningen/import", file(true)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("Voorzieningentype ‘bestaat_niet’ bestaat niet."));
    assert!(
        refused.body.contains(&format!("{}", rows + 1)),
        "the line of the error"
    );
    assert_eq!(app.scalar_i64(facilities).await, before, "nothing stored");
    assert_eq!(app.scalar_i64(audit).await, events_before);
    assert_eq!(
        app.scalar_i64("select count(*) from providers where name = 'Stichting Stroom'")
            .await,
        0
    );

    let page = b.upload("/almelo/voorzieningen/import", file(false)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "{rows} voorzieningen ingelezen: {} nieuw en 2 bijgewerkt",
            rows - 2
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 nieuwe aanbieders toegevoegd"));
    assert_eq!(app.scalar_i64(facilities).await, before + rows as i64 - 2);
    assert_eq!(
        app.scalar_i64(
            "select count(*) from facilities f join providers p using (tenant_id, provider_id) \
             where p.name = 'Stichting Stroom'"
        )
        .await,
        3,
        "one provider for its rows in three chunks"
    );
    for (id, name) in &existing {
        let stored: String =
            sqlx::query_scalar("select name from facilities where facility_id = $1")
                .bind(id)
                .fetch_one(&app.db.admin)
                .await
                .unwrap();
        assert_eq!(stored, format!("{name} (bijgewerkt)"));
        let history: i64 = sqlx::query_scalar(
            "select count(*) from audit_events where object_id = $1::text and action = 'geïmporteerd' \
             and before is not null",
        )
        .bind(id)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
        assert_eq!(history, 1, "the update keeps what the facility was before");
    }
    assert_eq!(
        app.scalar_i64(audit).await,
        events_before + rows as i64 + 1,
        "an event per row and one for the new provider"
    );
}

/// A file full of errors lists the first thousand and counts the rest.
#[tokio::test]
async fn a_file_full_of_errors_lists_a_thousand_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let mut csv = String::from("naam;aanbieder;typen\n");
    for i in 0..1_200 {
        csv.push_str(&format!("Fout {i};Avedan;bestaat_niet\n"));
    }
    b.get("/almelo/voorzieningen/import").await;
    let page = b
        .upload("/almelo/voorzieningen/import", csv.into_bytes())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.body.matches("bestaat_niet’ bestaat niet").count(),
        1_000
    );
    assert!(page.body.contains("En nog 200 fouten."), "the rest counted");
}
