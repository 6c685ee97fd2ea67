//! The business case of a pilot (§6b, the table of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): the Almelo demo, an official's own
//! figures planned against realised (totals, savings, differences, formulas), versions with
//! reasons, bad input kept with 422, and isolation between roles and tenants.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};

async fn demo_pilot(app: &TestApp) -> Uuid {
    app.id("select scheme_id from subsidy_schemes where kind = 'pilot'")
        .await
}

/// The row of a year's table whose header is `label`: its cells as text.
fn row<'a>(body: &'a str, label: &str) -> Vec<&'a str> {
    let start = body
        .find(&format!("{label}</th>"))
        .or_else(|| body.find(&format!("{label}</strong></th>")))
        .unwrap_or_else(|| panic!("no row {label}"));
    let rest = &body[start..];
    let end = rest.find("</tr>").unwrap();
    rest[..end]
        .split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            &c[..c.find("</td>").unwrap()]
        })
        .collect()
}

#[tokio::test]
async fn pilot_business_case_of_almelo_shows_seed_003s_table_planned_against_realised() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    let pilot = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot"))
        .await;
    assert!(pilot
        .body
        .contains("/pilot/businesscase\">Business case</a>"));
    let page = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/businesscase"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // The planned figures of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018), in thousands: 1.900; 500/600/630; 1.100/900/830;
    // 1.600/1.500/1.460; savings 300/400/440.
    for expected in [
        "<td class=\"numeric amount\">€ 1.900.000,00</td><td class=\"numeric amount\">€ 1.600.000,00</td><td class=\"numeric amount\">€ 300.000,00</td>",
        "<td class=\"numeric amount\">€ 1.900.000,00</td><td class=\"numeric amount\">€ 1.500.000,00</td><td class=\"numeric amount\">€ 400.000,00</td>",
        "<td class=\"numeric amount\">€ 1.900.000,00</td><td class=\"numeric amount\">€ 1.460.000,00</td><td class=\"numeric amount\">€ 440.000,00</td>",
        "gepland: maatwerk € 1.100.000,00 + pilot € 500.000,00",
        "gepland: Budget maatwerk OMD € 450.000,00 + Innovatiemiddelen € 150.000,00",
        "gepland: ongewijzigd beleid € 1.900.000,00 − totaal na gewijzigd beleid € 1.460.000,00",
        "Collegevoorstel van 18 december 2018",
        "Demogegevens: bedacht voor de demonstratie",
        "Nog geen gerealiseerde cijfers vastgelegd.",
        "<title id=\"businesscase-titel\">Kosten gepland tegenover gerealiseerd (× € 1.000)</title>",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    // 2019 realised (demo): 1.920.000 − (1.180.000 + 484.500) = 255.500, 44.500 less than planned.
    assert!(page.body.contains(
        "gerealiseerd: Budget maatwerk OMD € 300.000,00 + Innovatiemiddelen € 184.500,00"
    ));
    assert!(page.body.contains(
        "<td class=\"numeric amount\">€ 255.500,00</td><td class=\"numeric amount\">€ -44.500,00</td>"
    ));
    assert_eq!(page.body.matches("<svg class=\"chart__svg\"").count(), 1);
    assert!(page.body.contains("<polyline points="));
}

/// The funding sources of the test's pilot, as its forms list them.
const SOURCES: &str = "Budget maatwerk OMD\nInnovatiemiddelen";

async fn new_pilot(app: &TestApp, beleid: &mut Browser) -> Uuid {
    beleid.get("/almelo/regelingen/nieuw").await;
    let r = beleid
        .post(
            "/almelo/regelingen",
            &[
                ("soort", "pilot"),
                ("naam", "Pilot ontmoeting"),
                ("grondslag", "ASV Almelo, artikel 4"),
                ("eerste_jaar", "2026"),
                ("laatste_jaar", "2027"),
                ("bezwaar_bij", "het college"),
                (
                    "dekking",
                    "2026; Innovatiemiddelen; 700,00\n2026; Budget maatwerk OMD; 300\n2027; Budget maatwerk OMD; 1.000",
                ),
                ("onderdelen", "Ontmoeting"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.id("select scheme_id from subsidy_schemes where name = 'Pilot ontmoeting'")
        .await
}

#[tokio::test]
async fn pilot_business_case_figures_of_an_official_are_computed_versioned_and_traced() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    let scheme = new_pilot(&app, &mut beleid).await;
    let case = format!("/almelo/regelingen/{scheme}/pilot/businesscase");
    let empty = beleid.get(&case).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Er zijn nog geen cijfers vastgelegd."));

    // Planned 2026: the pilot's costs are the dekking (700 + 300).
    let planned = format!("{case}/2026/gepland");
    let form = beleid.get(&planned).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Innovatiemiddelen: € 700,00"));
    let bad = beleid
        .post(
            &planned,
            &[
                ("versie", "0"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "veel"),
                ("na", "-5"),
                ("reden", " "),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "value=\"veel\"",
        "value=\"-5\"",
        "Vul een bedrag in euro in",
        "Een bedrag kan niet negatief zijn.",
        "Schrijf waar de cijfers vandaan komen",
    ] {
        assert!(bad.body.contains(expected), "{expected}");
    }
    let count = "select count(*) from pilot_business_cases";
    let before = app.scalar_i64(count).await;
    let r = beleid
        .post(
            &planned,
            &[
                ("versie", "0"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.000"),
                ("na", "3.500,50"),
                ("reden", "Raadsbesluit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar_i64(count).await, before + 1);

    // Realised 2026, per source (in the order of the dekking: OMD, then Innovatiemiddelen).
    let realised = format!("{case}/2026/gerealiseerd");
    let form = beleid.get(&realised).await;
    assert!(form
        .body
        .contains("Kosten pilot ten laste van Innovatiemiddelen (euro)"));
    let bad = beleid
        .post(
            &realised,
            &[
                ("versie", "0"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.200"),
                ("bron_0", "250"),
                ("bron_1", "achthonderd"),
                ("na", ""),
                ("reden", "Jaarrekening 2026"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"achthonderd\""));
    assert!(bad
        .body
        .contains("Vul de kosten van maatwerk na gewijzigd beleid in, in euro."));
    assert!(bad.body.contains("Jaarrekening 2026</textarea>"));
    let r = beleid
        .post(
            &realised,
            &[
                ("versie", "0"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.200"),
                ("bron_0", "250"),
                ("bron_1", "800,25"),
                ("na", "3.900"),
                ("reden", "Jaarrekening 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = beleid.get(&case).await;
    // Planned: 1.000 pilot; 3.500,50 + 1.000 = 4.500,50; 5.000 − 4.500,50 = 499,50.
    // Realised: 1.050,25 pilot; 4.950,25 total; 249,75 saving; differences realised − planned.
    assert_eq!(
        row(&page.body, "Kosten maatwerk (OMD) bij ongewijzigd beleid")[..3],
        ["€ 5.000,00", "€ 5.200,00", "+€ 200,00"]
    );
    assert_eq!(
        row(&page.body, "Pilot ten laste van Innovatiemiddelen")[..3],
        ["€ 700,00", "€ 800,25", "+€ 100,25"]
    );
    assert_eq!(
        row(&page.body, "Pilot ten laste van Budget maatwerk OMD")[..3],
        ["€ 300,00", "€ 250,00", "€ -50,00"]
    );
    let pilot_costs = row(&page.body, "Kosten pilot (algemene voorziening)");
    assert_eq!(pilot_costs[..3], ["€ 1.000,00", "€ 1.050,25", "+€ 50,25"]);
    assert!(pilot_costs[3]
        .contains("gerealiseerd: Budget maatwerk OMD € 250,00 + Innovatiemiddelen € 800,25"));
    let total = row(&page.body, "Totaal kosten na gewijzigd beleid");
    assert_eq!(total[..3], ["€ 4.500,50", "€ 4.950,25", "+€ 449,75"]);
    assert!(total[3].contains("gepland: maatwerk € 3.500,50 + pilot € 1.000,00"));
    let saving = row(&page.body, "Besparing");
    assert_eq!(saving[..3], ["€ 499,50", "€ 249,75", "€ -249,75"]);
    assert!(saving[3].contains(
        "gerealiseerd: ongewijzigd beleid € 5.200,00 − totaal na gewijzigd beleid € 4.950,25"
    ));
    // The chart's table: per year, and 2027 without figures.
    assert!(page.body.contains("<th scope=\"row\">2026</th><td class=\"numeric amount\">€ 5.000,00</td><td class=\"numeric amount\">€ 4.500,50</td><td class=\"numeric amount\">€ 499,50</td><td class=\"numeric amount\">€ 5.200,00</td><td class=\"numeric amount\">€ 4.950,25</td><td class=\"numeric amount\">€ 249,75</td><td class=\"numeric amount\">€ -249,75</td>"));
    assert!(page
        .body
        .contains("<th scope=\"row\">2027</th><td class=\"numeric amount\">—</td>"));

    // A second official's stale form is refused with the input kept; a new version with a
    // reason replaces the figures, and the old version stays.
    let stale = beleid
        .post(
            &planned,
            &[
                ("versie", "0"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.000"),
                ("na", "3.000"),
                ("reden", "Bijgesteld"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale
        .body
        .contains("Intussen is er een nieuwere versie van deze cijfers vastgelegd (versie 1)"));
    assert!(stale.body.contains("value=\"3.000\""));
    let r = beleid
        .post(
            &planned,
            &[
                ("versie", "1"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.000"),
                ("na", "3.000"),
                ("reden", "Bijgesteld na de voorjaarsnota"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = beleid.get(&case).await;
    assert_eq!(
        row(&page.body, "Besparing")[..3],
        ["€ 1.000,00", "€ 249,75", "€ -750,25"]
    );
    assert!(page.body.contains("versie 2 van "));
    assert!(page.body.contains("Bijgesteld na de voorjaarsnota"));
    assert!(
        page.body.contains("Raadsbesluit"),
        "the first version is kept"
    );
    assert!(!page
        .body
        .contains("De dekking van de regeling voor 2026 is gewijzigd"));

    // The dekking changes afterwards: the version keeps the pilot's costs it was saved with,
    // the page says so, and a form that listed other sources is refused.
    sqlx::query(&format!(
        "update subsidy_budget_lines set amount_cents = 80000 where scheme_id = '{scheme}' \
         and year = 2026 and source = 'Innovatiemiddelen'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let page = beleid.get(&case).await;
    assert!(page
        .body
        .contains("De dekking van de regeling voor 2026 is gewijzigd"));
    assert_eq!(
        row(&page.body, "Kosten pilot (algemene voorziening)")[0],
        "€ 1.000,00"
    );
    let r = beleid
        .post(
            &realised,
            &[
                ("versie", "1"),
                ("bronnen", "Innovatiemiddelen"),
                ("ongewijzigd", "1"),
                ("na", "1"),
                ("reden", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("of is de dekking van de regeling gewijzigd"));
    let r = beleid
        .post(
            &planned,
            &[
                ("versie", "2"),
                ("bronnen", SOURCES),
                ("ongewijzigd", "5.000"),
                ("na", "3.000"),
                ("reden", "Dekking bijgesteld"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = beleid.get(&case).await;
    assert!(!page
        .body
        .contains("De dekking van de regeling voor 2026 is gewijzigd"));
    assert_eq!(
        row(&page.body, "Kosten pilot (algemene voorziening)")[..3],
        ["€ 1.100,00", "€ 1.050,25", "€ -49,75"]
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from pilot_business_cases where scheme_id = '{scheme}' and basis = 'gepland'"
        ))
        .await,
        3
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'business case vastgelegd' and before is not null"
        )
        .await,
        2
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'business case vastgelegd'"
        )
        .await,
        4
    );
}

#[tokio::test]
async fn pilot_business_case_is_out_of_reach_of_other_roles_and_tenants() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let case = format!("/almelo/regelingen/{scheme}/pilot/businesscase");
    let edit = format!("{case}/2020/gerealiseerd");
    // A beheerder reads, but does not change.
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer.get(&case).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("invullen of wijzigen"));
    assert_eq!(beheer.get(&edit).await.status, StatusCode::FORBIDDEN);
    let r = beheer
        .post(
            &edit,
            &[
                ("versie", "1"),
                ("ongewijzigd", "1"),
                ("na", "1"),
                ("reden", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for who in ["wijkteam@almelo.demo", "aanbieder@almelo.demo"] {
        let mut other = app.login(who).await;
        assert_eq!(
            other.get(&case).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            other.get(&edit).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let mut beleid = app.login("beleid@almelo.demo").await;
    for path in [
        format!("{case}/2018/gepland"),
        format!("{case}/2020/verwacht"),
        format!("{case}/twintig/gepland"),
        format!("/almelo/regelingen/{}/pilot/businesscase", Uuid::new_v4()),
    ] {
        assert_eq!(
            beleid.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let tender = app
        .id("select scheme_id from subsidy_schemes where kind = 'tender' limit 1")
        .await;
    assert_eq!(
        beleid
            .get(&format!("/almelo/regelingen/{tender}/pilot/businesscase"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut foreign = app.login("beleid@maastricht.demo").await;
    for path in [
        case.replace("/almelo/", "/maastricht/"),
        edit.replace("/almelo/", "/maastricht/"),
    ] {
        assert_eq!(
            foreign.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    foreign.get("/maastricht/regelingen").await;
    let r = foreign
        .post(
            &edit.replace("/almelo/", "/maastricht/"),
            &[
                ("versie", "1"),
                ("ongewijzigd", "1"),
                ("na", "1"),
                ("reden", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar_i64("select count(*) from pilot_business_cases where basis = 'gerealiseerd' and year = 2020")
            .await,
        1
    );
}
