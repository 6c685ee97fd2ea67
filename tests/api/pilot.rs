//! Pilot regelingen (§6b; the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): the Almelo demo pilot, a pilot set up and allocated by an
//! official (proposal by largest remainder, adjustment with a reason, versions, the realised
//! distribution), bad input, and isolation between tenants and roles.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;

async fn demo_pilot(app: &TestApp) -> Uuid {
    app.id("select scheme_id from subsidy_schemes where kind = 'pilot'")
        .await
}

async fn provider(app: &TestApp, tenant: &str, name: &str) -> Uuid {
    app.id(&format!(
        "select provider_id from providers p join tenants t using (tenant_id) \
         where t.slug = '{tenant}' and p.name = '{name}'"
    ))
    .await
}

#[tokio::test]
async fn pilot_demo_of_almelo_has_its_budget_sources_and_allocation() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    let show = beleid.get(&format!("/almelo/regelingen/{scheme}")).await;
    assert!(show.body.contains("Partners en verdeling van de pilot"));
    let page = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "€ 500.000,00",
        "€ 600.000,00",
        "€ 630.000,00",
        "Innovatiemiddelen: € 200.000,00",
        "Innovatiemiddelen: € 150.000,00",
        "Budget maatwerk OMD: € 300.000,00",
        "Budget maatwerk OMD: € 450.000,00",
        "Budget maatwerk OMD: € 630.000,00",
        "versie 2 (aangepast)",
        "Avedan",
        "RIBW Groep Overijssel",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    // 2019: 500,000 euro over 120 / 45 / 40 / 65 clients, by largest remainder.
    let year = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/2019"))
        .await;
    for expected in [
        "€ 222.222,22",
        "€ 83.333,33",
        "€ 74.074,08",
        "€ 120.370,37",
        "grootste rest",
        "Toegewezen tegenover gerealiseerd 2019 (270 cliënten)",
    ] {
        assert!(year.body.contains(expected), "{expected}");
    }
    // Every year's current version adds up to its budget exactly.
    for (year, cents) in [(2019, 50_000_000), (2020, 60_000_000), (2021, 63_000_000)] {
        let total = app
            .scalar_i64(&format!(
                "select sum(share_cents)::bigint from pilot_allocation_shares s where year = {year} \
                 and version = (select max(version) from pilot_allocations a where a.year = s.year)"
            ))
            .await;
        assert_eq!(total, cents, "{year}");
    }
    let adjusted = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/2020"))
        .await;
    assert!(adjusted.body.contains("extra groep in De Riet"));
    assert!(adjusted.body.contains("+€ 10.000,00"));
}

#[tokio::test]
async fn pilot_set_up_allocated_adjusted_and_compared_by_an_official() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    let form = beleid.get("/almelo/regelingen/nieuw").await;
    assert!(form.body.contains("Soort regeling"));
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
    let scheme: Uuid = app
        .id("select scheme_id from subsidy_schemes where name = 'Pilot ontmoeting' and kind = 'pilot'")
        .await;
    let pilot = format!("/almelo/regelingen/{scheme}/pilot");
    let page = beleid.get(&pilot).await;
    assert!(page.body.contains("nog niet verdeeld"));

    // Partners: providers of the tenant only.
    let (humanitas, mediant, tactus) = (
        provider(&app, "almelo", "Humanitas Almelo").await,
        provider(&app, "almelo", "Mediant GGZ").await,
        provider(&app, "almelo", "Tactus Verslavingszorg").await,
    );
    let foreign = app
        .id("select provider_id from providers p join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1")
        .await;
    for bad in [foreign.to_string(), "geen".to_string(), String::new()] {
        let r = beleid
            .post(&format!("{pilot}/partners"), &[("aanbieder", &bad)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(r.body.contains("Kies een aanbieder uit de lijst"));
    }
    for p in [mediant, tactus, humanitas] {
        let r = beleid
            .post(
                &format!("{pilot}/partners"),
                &[("aanbieder", &p.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = beleid
        .post(
            &format!("{pilot}/partners"),
            &[("aanbieder", &mediant.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "twice");

    let year = format!("{pilot}/2026");
    let page = beleid.get(&year).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Er zijn nog geen cliënten ingevuld"));
    let r = beleid.post(&format!("{year}/voorstel"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The need: a wrong count comes back with the input kept.
    let field = |basis: &str, id: Uuid| format!("{basis}_{id}");
    let (fh, fm, ft) = (
        field("behoefte", humanitas),
        field("behoefte", mediant),
        field("behoefte", tactus),
    );
    let r = beleid
        .post(
            &format!("{year}/clienten"),
            &[
                ("basis", "behoefte"),
                (&fh, "1"),
                (&fm, "veel"),
                (&ft, "-2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Vul bij Mediant GGZ een heel aantal cliënten in"));
    assert!(r
        .body
        .contains("Vul bij Tactus Verslavingszorg een heel aantal"));
    assert!(r.body.contains("value=\"veel\""));
    let r = beleid
        .post(
            &format!("{year}/clienten"),
            &[("basis", "behoefte"), (&fh, "1"), (&fm, "1"), (&ft, "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // 1,000 euro in thirds: the cent left goes to the first by name.
    let page = beleid.get(&year).await;
    assert!(page.body.contains("€ 333,34"));
    assert!(page.body.contains("€ 333,33"));
    let r = beleid.post(&format!("{year}/voorstel"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location.unwrap().contains("melding=verdeling"));
    assert_eq!(
        app.scalar_i64(&format!(
            "select share_cents from pilot_allocation_shares where scheme_id = '{scheme}' and version = 1 \
             and provider_id = '{humanitas}'"
        ))
        .await,
        33_334
    );

    // Adjusting: the total must be the budget; a reason; based on the current version.
    let (ah, am, at) = (
        field("bedrag", humanitas),
        field("bedrag", mediant),
        field("bedrag", tactus),
    );
    let adjust = format!("{year}/aanpassing");
    let cases: [(&str, &str, &str, &str, &str, &str); 4] = [
        (
            "400",
            "300",
            "200",
            "Mediant start later",
            "1",
            "er is nog € 100,00 over om te verdelen",
        ),
        (
            "500",
            "300",
            "300",
            "Mediant start later",
            "1",
            "dat is € 100,00 te veel",
        ),
        (
            "400",
            "300",
            "300",
            "",
            "1",
            "Schrijf waarom de verdeling afwijkt",
        ),
        (
            "400",
            "300",
            "300",
            "Mediant start later",
            "0",
            "Intussen is er een nieuwere versie",
        ),
    ];
    for (h, m, t, reason, version, message) in cases {
        let r = beleid
            .post(
                &adjust,
                &[
                    (&ah, h),
                    (&am, m),
                    (&at, t),
                    ("reden", reason),
                    ("versie", version),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains(message), "{message}");
        assert!(r.body.contains(&format!("value=\"{h}\"")), "input kept");
    }
    let r = beleid
        .post(
            &adjust,
            &[
                (&ah, "twintig"),
                (&am, "300"),
                (&at, "300"),
                ("reden", "x y z"),
                ("versie", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Humanitas Almelo: Vul een bedrag in euro in"));
    let r = beleid
        .post(
            &adjust,
            &[
                (&ah, "400"),
                (&am, "300,00"),
                (&at, "300"),
                ("reden", "Mediant start pas in het najaar"),
                ("versie", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = beleid.get(&year).await;
    assert!(page.body.contains("Versie 2 (aangepast)"));
    assert!(page.body.contains("Mediant start pas in het najaar"));
    assert!(
        page.body.contains("+€ 66,66"),
        "the deviation from the rule"
    );
    assert!(page.body.contains("€ -33,33"));
    // Every version stays readable.
    let v1 = beleid.get(&format!("{year}?versie=1")).await;
    assert_eq!(v1.status, StatusCode::OK);
    assert!(v1
        .body
        .contains("Versie 1 (voorstel volgens de verdeelregel)"));
    for missing in ["?versie=9", "?versie=x"] {
        assert_eq!(
            beleid.get(&format!("{year}{missing}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from pilot_allocations where scheme_id = '{scheme}'"
        ))
        .await,
        2
    );

    // The realised distribution against the allocation: 2 : 1 : 1 clients.
    let r = beleid
        .post(
            &format!("{year}/clienten"),
            &[
                ("basis", "gerealiseerd"),
                (&field("gerealiseerd", humanitas), "2"),
                (&field("gerealiseerd", mediant), "1"),
                (&field("gerealiseerd", tactus), "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = beleid.get(&year).await;
    for expected in [
        "Toegewezen tegenover gerealiseerd 2026 (4 cliënten)",
        "40,00%",
        "50,00%",
        "+10,00 procentpunt",
        "€ 500,00",
        "+€ 100,00",
        "€ -50,00",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }

    // Years outside the pilot are not found.
    for path in [format!("{pilot}/2028"), format!("{pilot}/twee")] {
        assert_eq!(
            beleid.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Every change is in the audit trail.
    for (action, n) in [
        ("pilotpartner toegevoegd", 3),
        ("pilotbehoefte vastgelegd", 1),
        ("gerealiseerde cliënten vastgelegd", 1),
        ("pilotverdeling vastgelegd", 1),
        ("pilotverdeling aangepast", 1),
    ] {
        assert_eq!(
            app.scalar_i64(&format!(
                "select count(*) from audit_events where action = '{action}'"
            ))
            .await,
            n,
            "{action}"
        );
    }
}

#[tokio::test]
async fn pilot_of_one_tenant_is_out_of_reach_of_others_and_other_roles() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let tender = app
        .id("select scheme_id from subsidy_schemes where kind = 'tender' limit 1")
        .await;
    let versions = "select count(*) from pilot_allocations";
    let before = app.scalar_i64(versions).await;
    let mut other = app.login("beleid@maastricht.demo").await;
    for path in [
        format!("/almelo/regelingen/{scheme}/pilot"),
        format!("/maastricht/regelingen/{scheme}/pilot"),
        format!("/maastricht/regelingen/{scheme}/pilot/2019"),
        format!("/maastricht/regelingen/{tender}/pilot"),
        format!("/maastricht/regelingen/{tender}/pilot/2026"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    other.get("/maastricht/").await;
    for path in [
        format!("/maastricht/regelingen/{scheme}/pilot/2019/voorstel"),
        format!("/maastricht/regelingen/{scheme}/pilot/2019/aanpassing"),
        format!("/maastricht/regelingen/{scheme}/pilot/2019/clienten"),
        format!("/maastricht/regelingen/{scheme}/pilot/partners"),
    ] {
        let r = other.post(&path, &[("reden", "x"), ("versie", "2")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Roles without the schemes section see nothing; a beheerder reads but changes nothing.
    for who in ["aanbieder", "wijkteam", "beoordelaar"] {
        let mut b = app.login(&format!("{who}@almelo.demo")).await;
        let r = b
            .get(&format!("/almelo/regelingen/{scheme}/pilot/2019"))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer
        .get(&format!("/almelo/regelingen/{scheme}/pilot/2019"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Voorstel vastleggen"));
    let r = beheer
        .post(
            &format!("/almelo/regelingen/{scheme}/pilot/2019/voorstel"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar_i64(versions).await, before);
}

#[tokio::test]
async fn pilot_agreement_per_partner_holds_groups_principles_and_reporting() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let avedan = provider(&app, "almelo", "Avedan").await;
    let path = format!("/almelo/regelingen/{scheme}/pilot/partners/{avedan}/overeenkomst");
    let mut beleid = app.login("beleid@almelo.demo").await;
    let page = beleid.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Inloop De Riet",
        "Groepen: 27 plekken in totaal",
        "rapporteert per kwartaal",
        "Open voor iedereen",
        "Wijkgericht",
        "Betekenisgericht",
        "Ontwikkelingsgericht",
        "Kwaliteit, veiligheid en continuïteit",
        "Personele normen",
        "€ 222.222,22",
        "€ 251.290,32",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let bad = beleid
        .post(
            &path,
            &[
                ("versie", "1"),
                ("rapportage", "wekelijks"),
                ("bezettingsdoel", "120"),
                ("vol_vanaf", "90"),
                ("groepen", "Kookgroep | nul | di 10-14 | 1 | 1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Kies hoe vaak de partner rapporteert",
        "Vul de beoogde bezettingsgraad in",
        "regel 1: het aantal plekken",
        "Kookgroep | nul | di 10-14 | 1 | 1",
    ] {
        assert!(bad.body.contains(expected), "{expected}");
    }
    let good = [
        ("versie", "1"),
        ("rapportage", "maand"),
        ("bezettingsdoel", "80"),
        ("vol_vanaf", "95%"),
        (
            "groepen",
            "Inloop De Riet | 18 | ma–vr 9.00–16.00 | 2 | 2\nKookgroep | 8 | di 10.00–14.00 | 1 | 1\n\
             Ontmoetingsgroep Ossenkoppelerhoek | 12 | ma, wo, vr 9.30–14.30 | 1 | 2",
        ),
        ("beginsel_2", "Ook in Aadorp."),
    ];
    // A group that has been reported on cannot be left out.
    let mut dropped = good;
    dropped[4].1 = "Inloop De Riet | 18 | ma–vr 9.00–16.00 | 2 | 2";
    let r = beleid.post(&path, &dropped).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Over Ontmoetingsgroep Ossenkoppelerhoek is al gerapporteerd"));
    let r = beleid.post(&path, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = beleid.get(&path).await;
    assert!(page.body.contains("rapporteert per maand"));
    assert!(page.body.contains("Groepen: 38 plekken in totaal"));
    assert!(page.body.contains("Kookgroep"));
    assert!(page.body.contains("Uitwerking: Ook in Aadorp."));
    // The same form again is based on an older version: refused, input kept.
    let stale = beleid.post(&path, &good).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("intussen gewijzigd"));
    assert!(stale.body.contains("Ook in Aadorp."));
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'uitvoeringsovereenkomst gewijzigd'"
        )
        .await,
        1
    );
    // Not a partner, another tenant, another role: nothing to see.
    let tactus = provider(&app, "almelo", "Tactus Verslavingszorg").await;
    assert_eq!(
        beleid
            .get(&format!(
                "/almelo/regelingen/{scheme}/pilot/partners/{tactus}/overeenkomst"
            ))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut other = app.login("beleid@maastricht.demo").await;
    assert_eq!(
        other
            .get(&path.replace("/almelo/", "/maastricht/"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    assert_eq!(wijkteam.get(&path).await.status, StatusCode::FORBIDDEN);
}

async fn group(app: &TestApp, name: &str) -> Uuid {
    app.id(&format!(
        "select group_id from pilot_groups where name = '{name}'"
    ))
    .await
}

#[tokio::test]
async fn pilot_partner_reports_its_own_groups_and_officials_see_small_numbers_hidden() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let avedan = provider(&app, "almelo", "Avedan").await;
    let (riet, ossen) = (
        group(&app, "Inloop De Riet").await,
        group(&app, "Ontmoetingsgroep Ossenkoppelerhoek").await,
    );
    let mut partner = app.login("aanbieder@almelo.demo").await;
    let list = partner.get("/almelo/aanvragen/monitoring").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list
        .body
        .contains("Pilot welzijnsactiviteiten dagstructurering"));
    assert!(list.body.contains("4e kwartaal 2021"));
    let own = partner
        .get(&format!(
            "/almelo/aanvragen/monitoring/{scheme}/overeenkomst"
        ))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Inloop De Riet"));
    assert!(!own.body.contains("Overeenkomst opslaan"), "read only");

    let path = format!("/almelo/aanvragen/monitoring/{scheme}/2021-K4");
    let form = partner.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let figures = |g: Uuid, values: [&str; 10]| -> Vec<(String, String)> {
        [
            "capaciteit",
            "deelnemers",
            "beroepskrachten",
            "vrijwilligers",
            "instroom_maatwerk",
            "instroom_nieuw",
            "uitstroom_werk",
            "uitstroom_onderwijs",
            "uitstroom_maatwerk",
            "uitstroom_overig",
        ]
        .iter()
        .zip(values)
        .map(|(k, v)| (format!("{k}_{g}"), v.to_string()))
        .collect()
    };
    let mut fields = figures(riet, ["15", "veel", "0", "2", "3", "6", "1", "0", "0", "2"]);
    fields.extend(figures(
        ossen,
        ["12", "7", "1", "2", "5", "5", "0", "0", "0", "0"],
    ));
    let as_refs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bad = partner.post(&path, &sent).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("Inloop De Riet: vul bij deelnemers een heel aantal in"));
    assert!(bad.body.contains("value=\"veel\""));
    let mut fields = as_refs(&fields);
    fields[1].1 = "14".into();
    let sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = partner.post(&path, &sent).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The partner sees its own exact figures.
    let mine = partner.get(&path).await;
    assert!(mine.body.contains(&format!("id=\"instroom_maatwerk_{riet}\" name=\"instroom_maatwerk_{riet}\" type=\"text\" inputmode=\"numeric\" value=\"3\"")));

    // The official: small counts hidden, occupancy computed, the flags.
    let mut beleid = app.login("beleid@almelo.demo").await;
    let report = format!("/almelo/regelingen/{scheme}/pilot/monitoring/{avedan}/2021-K4");
    let page = beleid.get(&report).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "<th scope=\"row\">Instroom vanuit een maatwerkindicatie</th><td class=\"numeric\">&#60; 5</td>",
        "<th scope=\"row\">Nieuwe instroom</th><td class=\"numeric\">6</td>",
        "<th scope=\"row\">Deelnemers</th><td class=\"numeric\">14</td>",
        "93,33%",
        "Bijna vol (vanaf 90%): overweeg een nieuwe groep of langere openingstijden.",
        "Bezetting onder de norm",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    assert!(!page.body.contains(">3</td>"), "no count below 5 shown");
    let r = beleid
        .post(
            &format!("{report}/beoordelen"),
            &[("opmerking", "Dank, graag een extra begeleider.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let again = beleid
        .post(&format!("{report}/beoordelen"), &[("opmerking", "")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Reviewed is final for the partner.
    partner.get(&path).await;
    let late = partner.post(&path, &sent).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("al beoordeeld"));
    // Late reports are flagged.
    let overview = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/monitoring"))
        .await;
    assert_eq!(overview.body.matches("<strong>te laat</strong>").count(), 3);
    for (action, n) in [
        ("monitoringsrapportage ingediend", 1),
        ("monitoringsrapportage beoordeeld", 1),
    ] {
        assert_eq!(
            app.scalar_i64(&format!(
                "select count(*) from audit_events where action = '{action}'"
            ))
            .await,
            n,
            "{action}"
        );
    }
}

#[tokio::test]
async fn pilot_monitoring_of_another_partner_or_tenant_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let avedan = provider(&app, "almelo", "Avedan").await;
    let humanitas = provider(&app, "almelo", "Humanitas Almelo").await;
    sqlx::query(&format!(
        "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
         select tenant_id, 'coordinator@humanitas.demo', 'Hans Humanitas', password_hash, array['aanbieder'], '{humanitas}' \
         from users where email = 'aanbieder@almelo.demo'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut other = app.login("coordinator@humanitas.demo").await;
    let form = other
        .get(&format!("/almelo/aanvragen/monitoring/{scheme}/2021-K4"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Huiskamer Nieuwstraat-Kwartier"));
    assert!(!form.body.contains("Inloop De Riet"), "only its own groups");
    // A partner never reaches the officials' pages, whose figures name other partners.
    for path in [
        format!("/almelo/regelingen/{scheme}/pilot/monitoring/{avedan}/2021-K4"),
        format!("/almelo/regelingen/{scheme}/pilot/monitoring"),
        format!("/almelo/regelingen/{scheme}/pilot/dashboard"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Periods outside the agreement, schemes it is no partner of: not found.
    let tender = app
        .id("select scheme_id from subsidy_schemes where kind = 'tender' limit 1")
        .await;
    for path in [
        format!("/almelo/aanvragen/monitoring/{scheme}/2018-K4"),
        format!("/almelo/aanvragen/monitoring/{scheme}/2021-K9"),
        format!("/almelo/aanvragen/monitoring/{scheme}/2020-M01"),
        format!("/almelo/aanvragen/monitoring/{scheme}/2020-"),
        format!("/almelo/aanvragen/monitoring/{scheme}/2020-%C3%A91"),
        format!("/almelo/aanvragen/monitoring/{tender}/2021-K1"),
        format!("/almelo/aanvragen/monitoring/{tender}/overeenkomst"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let mut foreign = app.login("aanbieder@maastricht.demo").await;
    for path in [
        format!("/maastricht/aanvragen/monitoring/{scheme}/2021-K4"),
        format!("/maastricht/aanvragen/monitoring/{scheme}/overeenkomst"),
        format!("/almelo/aanvragen/monitoring/{scheme}/2021-K4"),
    ] {
        assert_eq!(
            foreign.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let mut official = app.login("beleid@maastricht.demo").await;
    assert_eq!(
        official
            .get(&format!(
                "/maastricht/regelingen/{scheme}/pilot/monitoring/{avedan}/2021-K4"
            ))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pilot_dashboard_flags_full_groups_short_staff_late_reports_and_shows_inflow() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let (riet, ossen) = (
        group(&app, "Inloop De Riet").await,
        group(&app, "Ontmoetingsgroep Ossenkoppelerhoek").await,
    );
    // Avedan corrects its last report: no professional at De Riet, 3 participants elsewhere.
    let mut partner = app.login("aanbieder@almelo.demo").await;
    let path = format!("/almelo/aanvragen/monitoring/{scheme}/2021-K4");
    partner.get(&path).await;
    let keys = [
        "capaciteit",
        "deelnemers",
        "beroepskrachten",
        "vrijwilligers",
        "instroom_maatwerk",
        "instroom_nieuw",
        "uitstroom_werk",
        "uitstroom_onderwijs",
        "uitstroom_maatwerk",
        "uitstroom_overig",
    ];
    let mut fields: Vec<(String, String)> = Vec::new();
    for (g, values) in [
        (riet, ["15", "14", "0", "2", "6", "7", "1", "0", "0", "1"]),
        (ossen, ["12", "3", "1", "2", "1", "2", "0", "0", "0", "0"]),
    ] {
        for (k, v) in keys.iter().zip(values) {
            fields.push((format!("{k}_{g}"), v.to_string()));
        }
    }
    let sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        partner.post(&path, &sent).await.status,
        StatusCode::SEE_OTHER
    );

    let mut beleid = app.login("beleid@almelo.demo").await;
    let page = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/dashboard"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Avedan – Inloop De Riet: bezetting 93,33% in 4e kwartaal 2021 (bijna vol vanaf 90%). Overweeg een nieuwe groep of langere openingstijden.",
        "Avedan – Inloop De Riet: in 4e kwartaal 2021 0 beroepskracht(en) en 2 vrijwilliger(s) aanwezig; afgesproken minstens 1 en 2.",
        "RIBW Groep Overijssel: 3e kwartaal 2021, 4e kwartaal 2021",
        "Leger des Heils Oost Nederland: 4e kwartaal 2021",
        "<title id=\"bezetting-0-titel\">Bezettingsgraad Avedan per periode</title>",
        "Totaal Avedan",
        "&#60; 5 deelnemers",
        "Instroom per periode: vanuit een maatwerkindicatie en nieuw",
        "doel 85%",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    assert_eq!(page.body.matches("<svg class=\"chart__svg\"").count(), 5);
    assert!(page.body.contains("<polyline points="));
    // The De Riet column of 2021-K4 shows its occupancy; the small group does not.
    assert!(page.body.contains("93,33%"));
    assert!(!page.body.contains("25,00%"), "3 of 12 would give 3 away");
    // Other tenants: not found.
    let mut other = app.login("beleid@maastricht.demo").await;
    assert_eq!(
        other
            .get(&format!("/maastricht/regelingen/{scheme}/pilot/dashboard"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pilot_need_is_imported_per_wijk_all_or_nothing() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let year = format!("/almelo/regelingen/{scheme}/pilot/2021");
    let need =
        "select sum(clients)::bigint from pilot_clients where year = 2021 and basis = 'behoefte'";
    assert_eq!(app.scalar_i64(need).await, 330);
    let mut beleid = app.login("beleid@almelo.demo").await;
    beleid.get(&year).await;
    let bad = beleid
        .upload(
            &format!("{year}/behoefte.csv"),
            "aanbieder;wijk;clienten\nTactus Verslavingszorg;;5\nAvedan;Enschede;3\nAvedan;De Riet;veel\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Regel 2, kolom aanbieder: ‘Tactus Verslavingszorg’ is geen partner van deze pilot.",
        "Regel 3, kolom wijk: ‘Enschede’ is geen wijk van deze gemeente",
        "Regel 4, kolom clienten",
    ] {
        assert!(bad.body.contains(expected), "{expected}");
    }
    assert_eq!(app.scalar_i64(need).await, 330, "nothing read");
    let good = beleid
        .upload(
            &format!("{year}/behoefte.csv"),
            "\u{feff}aanbieder;wijk;clienten\nAvedan;De Riet;100\nAvedan;WK014116;40\nHumanitas Almelo;;60\n\
             Leger des Heils Oost Nederland;Binnenstad;50\nRIBW Groep Overijssel;Schelfhorst;80\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(app.scalar_i64(need).await, 330);
    let page = beleid.get(&year).await;
    assert!(page.body.contains("Behoefte per wijk"));
    assert!(page
        .body
        .contains("<td>Ossenkoppelerhoek</td><td class=\"numeric\">40</td>"));
    assert!(
        page.body.contains("value=\"140\""),
        "Avedan's total over its wijken"
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'pilotbehoefte geïmporteerd'"
        )
        .await,
        1
    );
}
