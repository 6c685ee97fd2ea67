//! Supply against demand per wijk: named indicators with a source and a year, residents and
//! values entered or imported, places at once per 1,000 residents, and facilities for a whole
//! gemeente counted in proportion.

use reqwest::StatusCode;

use crate::checklist::{add_facility, row_cells};
use crate::helpers::{Browser, TestApp};

fn stand(body: &str) -> String {
    let at = body.find("name=\"stand\" value=\"").unwrap() + 20;
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

/// The comparison table only (the indicator table above it has rows with the same names).
fn comparison(body: &str) -> &str {
    &body[body.find("id=\"vergelijking\"").expect("comparison")..]
}

async fn value(app: &TestApp, code: &str, indicator: &str) -> Option<f64> {
    sqlx::query_scalar::<_, f64>(
        "select d.value::float8 from area_demand d join areas a using (tenant_id, area_id) \
         where a.cbs_code = $1 and d.indicator = $2",
    )
    .bind(code)
    .bind(indicator)
    .fetch_optional(&app.db.admin)
    .await
    .unwrap()
}

async fn set_residents(app: &TestApp, code: &str, residents: i32) {
    sqlx::query(
        "update areas set residents = $2 where cbs_code = $1 \
         and tenant_id = (select tenant_id from tenants where slug = 'almelo')",
    )
    .bind(code)
    .bind(residents)
    .execute(&app.db.admin)
    .await
    .unwrap();
}

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
    assert!(
        page.body.contains("name=\"vraag-WK014110\"")
            && page.body.contains("name=\"inwoners-WK014110\"")
    );
    let stand = stand(&page.body);
    let bad = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand),
                ("indicator", "vraag"),
                ("vraag-WK014110", "-5"),
                ("vraag-WK014111", "veel"),
                ("vraag-WK014112", "300"),
                ("inwoners-WK014112", "1,5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("De vraag in Binnenstad kan niet negatief zijn"));
    assert!(bad.body.contains("Vul bij De Riet een heel getal in"));
    for kept in [
        "value=\"-5\"",
        "value=\"veel\"",
        "value=\"300\"",
        "value=\"1,5\"",
    ] {
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
                ("indicator", "vraag"),
                ("vraag-WK014110", "1.000"),
                ("vraag-WK014111", "1000"),
                ("vraag-WK014112", "100000"),
                ("inwoners-WK014110", "8.000"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        (
            value(&app, "WK014110", "vraag").await,
            value(&app, "WK014112", "vraag").await
        ),
        (Some(1000.0), Some(100000.0))
    );
    assert_eq!(
        app.scalar_i64("select residents::bigint from areas where cbs_code = 'WK014110'")
            .await,
        8000
    );
    let after: serde_json::Value = sqlx::query_scalar(
        "select after from audit_events where object_type = 'vraag' and object_id = 'vraag'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(after["WK014112"], 100000.0);
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'inwoners'")
            .await,
        1
    );
    let stale = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand),
                ("indicator", "vraag"),
                ("vraag-WK014110", "5"),
            ],
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
    let body = comparison(&page.body);
    // Cells: inwoners, indicator, vraag, voorzieningen, plaatsen, per 1.000 vraag, plaatsen per 1.000 inwoners, signaal.
    let binnenstad = row_cells(body, "Binnenstad");
    let number = |text: &str| {
        text.replace('.', "")
            .replace(',', ".")
            .parse::<f64>()
            .unwrap()
    };
    let facilities = number(&binnenstad[3]);
    assert!(facilities > 0.0);
    assert_eq!(
        binnenstad[5], binnenstad[3],
        "per 1,000 of a demand of 1,000"
    );
    let places = number(&binnenstad[4]);
    assert!(
        (number(&binnenstad[6]) - places / 8.0).abs() < 0.12,
        "{binnenstad:?}"
    );
    let noorderkwartier = row_cells(body, "Noorderkwartier");
    let n = number(&noorderkwartier[3]);
    assert!(
        (number(&noorderkwartier[5]) - n / 100.0).abs() < 0.051,
        "{noorderkwartier:?}"
    );
    assert!(noorderkwartier[7].contains("ver onder de mediaan"));
    assert!(!binnenstad[7].contains("ver onder de mediaan"));
    assert_eq!(row_cells(body, "Aadorp")[5], "–", "no demand, no figure");

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
        (
            value(&app, "WK014110", "vraag").await,
            value(&app, "WK014111", "vraag").await
        ),
        (Some(500.0), None)
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
    assert_eq!(value(&app, "WK014110", "vraag").await, Some(500.0));
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

async fn post_indicator(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    b.get("/almelo/checklist/vraag/indicatoren").await;
    b.post(path, fields).await
}

#[tokio::test]
async fn named_indicators_have_a_unit_source_and_year_and_values_per_wijk() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    // The demo's indicators, each with its source and a year that is not hard-coded.
    let page = b.get("/almelo/checklist/vraag").await;
    for text in [
        "Eenzaamheid",
        "75-plussers",
        "Huishoudens met een laag inkomen",
        "GGD Gezondheidsmonitor Volwassenen en Ouderen",
        "CBS Kerncijfers wijken en buurten",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let indicator_table = &page.body[..page.body.find("id=\"vergelijking\"").unwrap()];
    let cells = row_cells(indicator_table, "Binnenstad");
    assert_eq!(cells.len(), 5, "residents and four indicators: {cells:?}");
    assert!(cells.iter().any(|c| c.ends_with(" %")), "{cells:?}");

    // Adding: wrong input is kept with Dutch messages and 422.
    let bad = post_indicator(
        &mut b,
        "/almelo/checklist/vraag/indicatoren",
        &[
            ("naam", " eenzaamheid "),
            ("eenheid", "procent"),
            ("bron", "GGD"),
            ("jaar", "twintig"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for text in [
        "Er is al een indicator met deze naam",
        "Kies de eenheid",
        "Vul een jaartal van 1900",
        "value=\"twintig\"",
        "value=\"GGD\"",
    ] {
        assert!(bad.body.contains(text), "{text}");
    }
    let made = post_indicator(
        &mut b,
        "/almelo/checklist/vraag/indicatoren",
        &[
            ("naam", "Mantelzorgers (zwaar belast)"),
            ("eenheid", "percentage"),
            ("bron", "GGD Gezondheidsmonitor"),
            ("jaar", "2024"),
            ("hoofdindicator", "1"),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64(
            "select count(*) from demand_indicators d join tenants t using (tenant_id) \
             where t.slug = 'almelo' and main"
        )
        .await,
        1,
        "one main indicator"
    );
    assert_eq!(
        app.scalar_i64("select count(*) from demand_indicators where code = 'mantelzorgers_zwaar_belast' and main and year = 2024").await,
        1
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'vraagindicator' and action = 'aangemaakt'").await,
        1
    );
    // The new main indicator is compared by default; values by form as a percentage.
    let page = b.get("/almelo/checklist/vraag").await;
    assert!(page
        .body
        .contains("Aanbod tegen Mantelzorgers (zwaar belast)"));
    set_residents(&app, "WK014110", 4000).await;
    let page = b.get("/almelo/checklist/vraag").await;
    let saved = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand(&page.body)),
                ("indicator", "mantelzorgers_zwaar_belast"),
                ("vraag-WK014110", "12,5"),
                ("vraag-WK014111", "101"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(saved
        .body
        .contains("Vul bij De Riet een percentage van 0 tot en met 100 in"));
    let saved = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", &stand(&page.body)),
                ("indicator", "mantelzorgers_zwaar_belast"),
                ("vraag-WK014110", "12,5"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        value(&app, "WK014110", "mantelzorgers_zwaar_belast").await,
        Some(12.5)
    );
    let page = b.get("/almelo/checklist/vraag").await;
    let row = row_cells(comparison(&page.body), "Binnenstad");
    assert_eq!(row[2], "500", "12,5 % of 4.000 residents: {row:?}");

    // Import with an indicator column, by name or code; an unknown one changes nothing.
    let bad = b
        .upload(
            "/almelo/checklist/vraag/import",
            b"code;indicator;waarde\nWK014111;Eenzaamheid;9,5\nWK014112;armoede;3\n".to_vec(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Indicator ‘armoede’ bestaat niet"));
    let good = b
        .upload(
            "/almelo/checklist/vraag/import",
            b"code;indicator;waarde\nWK014111;Eenzaamheid;9,5\nWK014112;plus75;420\nWK014113;;7\n"
                .to_vec(),
        )
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    assert_eq!(value(&app, "WK014111", "eenzaamheid").await, Some(9.5));
    assert_eq!(value(&app, "WK014112", "plus75").await, Some(420.0));
    assert_eq!(
        value(&app, "WK014113", "mantelzorgers_zwaar_belast").await,
        Some(7.0),
        "empty: the main"
    );

    // Changing: another comparison by choice, the unit is fixed once values exist, and a
    // stale version is refused with the input kept.
    let page = b.get("/almelo/checklist/vraag?indicator=plus75").await;
    assert!(page.body.contains("Aanbod tegen 75-plussers"));
    let edit = b.get("/almelo/checklist/vraag/indicatoren/plus75").await;
    assert_eq!(edit.status, StatusCode::OK);
    let unit = b
        .post(
            "/almelo/checklist/vraag/indicatoren/plus75",
            &[
                ("naam", "75-plussers"),
                ("eenheid", "percentage"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(unit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unit.body.contains("De eenheid kan niet meer veranderen"));
    let ok = b
        .post(
            "/almelo/checklist/vraag/indicatoren/plus75",
            &[
                ("naam", "Inwoners van 75 jaar en ouder"),
                ("eenheid", "aantal"),
                ("bron", "CBS"),
                ("jaar", "2024"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = b
        .post(
            "/almelo/checklist/vraag/indicatoren/plus75",
            &[("naam", "Oud"), ("eenheid", "aantal"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("intussen gewijzigd") && stale.body.contains("value=\"Oud\""));
    assert_eq!(
        app.scalar_i64(
            "select count(*) from demand_indicators where name = 'Inwoners van 75 jaar en ouder'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn places_at_once_per_1000_residents_and_wide_facilities_counted_in_proportion() {
    let app = TestApp::spawn().await;
    // Only our own facilities, and residents chosen for round figures: Binnenstad has a tenth
    // of Almelo's residents, De Riet the rest.
    sqlx::query("update facilities set archived = true")
        .execute(&app.db.admin)
        .await
        .unwrap();
    sqlx::query("update areas set residents = 0 where level = 'wijk' and cbs_code like 'WK0141%'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    set_residents(&app, "WK014110", 4000).await;
    set_residents(&app, "WK014111", 36000).await;
    sqlx::query("update area_demand set value = 500 where indicator = 'vraag' and area_id = (select area_id from areas a join tenants t using (tenant_id) where t.slug = 'almelo' and a.cbs_code = 'WK014110')")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let wide = add_facility(
        &app,
        "almelo",
        "Gemeentebrede steunpunt",
        "nachtopvang",
        None,
        &["GM0141"],
        &[],
    )
    .await;
    let local = add_facility(
        &app,
        "almelo",
        "Buurthuis Binnenstad",
        "nachtopvang",
        Some("BU01411000"),
        &[],
        &[],
    )
    .await;
    let daily = add_facility(
        &app,
        "almelo",
        "Inloop per dag",
        "nachtopvang",
        Some("BU01411000"),
        &[],
        &[],
    )
    .await;
    for (id, at_once, per_day) in [
        (wide, Some(60), Some(900)),
        (local, Some(20), None),
        (daily, None, Some(400)),
    ] {
        sqlx::query("update facilities set capacity_at_once = $2, capacity_per_day = $3 where facility_id = $1")
            .bind(id)
            .bind(at_once)
            .bind(per_day)
            .execute(&app.db.admin)
            .await
            .unwrap();
    }
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/checklist/vraag").await;
    assert!(page.body.contains("naar rato van het aantal inwoners"));
    assert!(page.body.contains("plaatsen tegelijk</strong>, per 1.000 inwoners; plaatsen per dag zijn een andere eenheid en tellen niet mee"));
    let body = comparison(&page.body);
    let binnenstad = row_cells(body, "Binnenstad");
    // 1 + 1 local facilities and a tenth of the wide one; 20 + 6 places at once, none per day.
    assert_eq!(
        &binnenstad[3..7],
        ["2,1", "26", "4,2", "6,5"],
        "{binnenstad:?}"
    );
    let riet = row_cells(body, "De Riet");
    assert_eq!(&riet[3..5], ["0,9", "54"], "{riet:?}");
    assert_eq!(riet[6], "1,5");
    let other = row_cells(body, "Noorderkwartier");
    assert_eq!(
        &other[3..5],
        ["0,0", "0"],
        "no residents, no share: {other:?}"
    );
}

#[tokio::test]
async fn indicator_forms_are_for_beleidsmedewerkers_of_the_own_tenant_only() {
    let app = TestApp::spawn().await;
    for user in ["beheer@almelo.demo", "wijkteam@almelo.demo"] {
        let mut b = app.login(user).await;
        for path in [
            "/almelo/checklist/vraag/indicatoren",
            "/almelo/checklist/vraag/indicatoren/eenzaamheid",
        ] {
            assert_eq!(
                b.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
        b.get("/almelo/").await;
        let post = b
            .post(
                "/almelo/checklist/vraag/indicatoren",
                &[("naam", "X"), ("eenheid", "aantal")],
            )
            .await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{user}");
    }
    sqlx::query(
        "insert into demand_indicators (tenant_id, code, name, unit) select tenant_id, 'alleen_maastricht', 'M', 'aantal' \
         from tenants where slug = 'maastricht'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut b = app.login("beleid@almelo.demo").await;
    assert_eq!(
        b.get("/almelo/checklist/vraag/indicatoren/alleen_maastricht")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/maastricht/checklist/vraag/indicatoren")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = b
        .get("/almelo/checklist/vraag?indicator=alleen_maastricht")
        .await;
    assert!(page.status == StatusCode::OK && !page.body.contains("Aanbod tegen M<"));
    let post = b
        .post(
            "/almelo/checklist/vraag",
            &[
                ("stand", "x"),
                ("indicator", "alleen_maastricht"),
                ("vraag-WK014110", "5"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let post = b
        .post(
            "/almelo/checklist/vraag/indicatoren/alleen_maastricht",
            &[("naam", "Y"), ("eenheid", "aantal"), ("version", "1")],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let post = b
        .post(
            "/almelo/checklist/vraag",
            &[("stand", "x"), ("vraag-WK093501", "5")],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar_i64("select count(*) from demand_indicators where name in ('M') and code = 'alleen_maastricht'").await,
        1
    );
}
