//! The register through HTTP: facility types, providers and facilities, with their validation,
//! concurrency, the aanbieder's limits, staleness and history.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp};

/// A complete, valid facility form for Almelo.
pub fn facility_form(provider: &str) -> Vec<(&'static str, String)> {
    vec![
        ("naam", "Huiskamer De Riet".into()),
        ("aanbieder", provider.into()),
        ("omschrijving", "Koffie, een praatje en samen eten.".into()),
        ("typen", "huiskamerproject".into()),
        ("typen", "open_eettafel".into()),
        ("vorm", "huiskamer".into()),
        ("functies", "ontmoeting".into()),
        ("bouwstenen", "sociale_contacten_ontmoeting".into()),
        ("doelgroepen", "eenzaamheid".into()),
        ("straat", "Rietstraat".into()),
        ("huisnummer", "12".into()),
        ("postcode", "7601ab".into()),
        ("plaats", "Almelo".into()),
        ("buurt", "BU01411800".into()),
        ("werkgebied", "WK014118".into()),
        ("telefoon", "0546 123456".into()),
        ("email", "Info@DeRiet.nl".into()),
        ("website", "www.deriet.nl".into()),
        ("open_ma", "09:30-12:00, 13:00-16:00".into()),
        ("open_do", "19:00-21:30".into()),
        ("rolstoeltoegankelijk", "ja".into()),
        ("capaciteit_tegelijk", "15".into()),
        ("cap_ma_ochtend_max", "15".into()),
        ("cap_ma_ochtend_inloop", "5".into()),
        ("cap_ma_ochtend_afspraak", "10".into()),
        ("eigen_bijdrage", "per_bezoek".into()),
        ("eigen_bijdrage_bedrag", "2,50".into()),
        ("toegang", "vrij".into()),
        ("clientroutes", "zelfstandig".into()),
        ("clientroutes", "wijkteam".into()),
        ("financiering", "subsidie".into()),
        ("gesubsidieerd", "1".into()),
        ("professionals", "oproepbaar".into()),
        ("vrijwilligers", "6".into()),
        ("ervaringsdeskundigen", "vrijwillig".into()),
        ("welkom", "ja".into()),
        ("gebruikt", "beetje".into()),
        ("version", "0".into()),
    ]
}

pub async fn post_form(
    b: &mut Browser,
    path: &str,
    form: &[(&'static str, String)],
) -> crate::helpers::Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

pub fn set(form: &mut Vec<(&'static str, String)>, key: &'static str, value: &str) {
    form.retain(|(k, _)| *k != key);
    form.push((key, value.to_string()));
}

pub async fn avedan(app: &TestApp) -> String {
    app.id("select provider_id from providers p join tenants t using (tenant_id) where t.slug = 'almelo' and p.name = 'Avedan'")
        .await
        .to_string()
}

#[tokio::test]
async fn an_official_adds_a_facility_with_every_part_stored() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    assert_eq!(
        b.get("/almelo/voorzieningen/nieuw").await.status,
        StatusCode::OK
    );
    let page = post_form(
        &mut b,
        "/almelo/voorzieningen",
        &facility_form(&avedan(&app).await),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location.unwrap();
    let show = b.get(&location).await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(show.body.contains("Huiskamer De Riet"));
    assert!(show.body.contains("De voorziening is opgeslagen."));
    assert!(show.body.contains("09:30 – 12:00, 13:00 – 16:00"));
    assert!(show.body.contains("€ 2,50 per bezoek"));
    assert!(show
        .body
        .contains("15 tegelijk (5 vrije inloop, 10 op afspraak)"));
    assert!(
        show.body.contains("Sociale contacten"),
        "levensgebied follows from the types"
    );
    let row: (String, String, String, Option<i64>, i64, i64, i64) = sqlx::query_as(
        "select f.postcode, f.email, f.website, f.own_contribution_cents, \
           (select count(*) from facility_hours h where h.facility_id = f.facility_id), \
           (select count(*) from facility_type_links l where l.facility_id = f.facility_id), \
           (select count(*) from facility_dagdeel_capacity c where c.facility_id = f.facility_id) \
         from facilities f where f.name = 'Huiskamer De Riet'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "7601 AB".into(),
            "info@deriet.nl".into(),
            "https://www.deriet.nl".into(),
            Some(250),
            3,
            2,
            1
        )
    );
    let main: String = sqlx::query_scalar("select type_code from facility_type_links where is_main and facility_id = (select facility_id from facilities where name = 'Huiskamer De Riet')")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(main, "huiskamerproject");
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'voorziening' and action = 'aangemaakt' and actor_label = 'beleid@almelo.demo'").await,
        1
    );
}

#[tokio::test]
async fn wrong_fields_come_back_with_dutch_messages_and_all_input_kept() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let before = app.scalar_i64("select count(*) from facilities").await;
    let mut form = facility_form(&avedan(&app).await);
    set(&mut form, "postcode", "123 AB");
    set(&mut form, "capaciteit_tegelijk", "-4");
    set(&mut form, "open_ma", "17:00-09:00");
    set(&mut form, "email", "geen-adres");
    set(&mut form, "website", "niet een site");
    set(&mut form, "telefoon", "12");
    set(&mut form, "eigen_bijdrage_bedrag", "");
    set(&mut form, "cap_ma_ochtend_inloop", "20");
    form.retain(|(k, _)| *k != "typen");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Controleer het formulier",
        "Vul een postcode in als 1234 AB",
        "De capaciteit tegelijk kan niet negatief zijn.",
        "sluit een blok (17:00-09:00) niet na het openen",
        "Vul een geldig e-mailadres in",
        "Vul een geldig webadres in",
        "Vul een geldig telefoonnummer in",
        "Vul het bedrag van de eigen bijdrage in.",
        "Kies minstens één voorzieningentype.",
        "vrije inloop en afspraken samen meer dan het maximum",
    ] {
        assert!(page.body.contains(message), "{message}");
    }
    // Input kept, as typed.
    for kept in [
        "value=\"Huiskamer De Riet\"",
        "value=\"123 AB\"",
        "value=\"-4\"",
        "value=\"17:00-09:00\"",
        "value=\"geen-adres\"",
        "Koffie, een praatje en samen eten.",
        "value=\"20\"",
    ] {
        assert!(page.body.contains(kept), "{kept}");
    }
    assert!(page.body.contains(
        "id=\"doelgroepen-eenzaamheid\" name=\"doelgroepen\" value=\"eenzaamheid\" checked"
    ));
    assert_eq!(
        app.scalar_i64("select count(*) from facilities").await,
        before
    );
}

#[tokio::test]
async fn the_second_of_two_concurrent_edits_is_refused_with_input_kept() {
    let app = TestApp::spawn().await;
    let mut one = app.login("beleid@almelo.demo").await;
    let id = app
        .id("select facility_id from facilities where name = 'Dagstructurering Schelfhorst'")
        .await;
    let edit = one
        .get(&format!("/almelo/voorzieningen/{id}/wijzigen"))
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(
        edit.body.contains("value=\"09:30-15:30\""),
        "hours shown per weekday"
    );
    let version = app
        .scalar_i64(&format!(
            "select version::int8 from facilities where facility_id = '{id}'"
        ))
        .await
        .to_string();
    let mut form = facility_form(&avedan(&app).await);
    set(&mut form, "version", &version);
    set(&mut form, "naam", "Eerste versie");
    assert_eq!(
        post_form(&mut one, &format!("/almelo/voorzieningen/{id}"), &form)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A second official saves from the same, now outdated, form.
    let mut two = app.login("beleid@almelo.demo").await;
    two.get(&format!("/almelo/voorzieningen/{id}/wijzigen"))
        .await;
    set(&mut form, "naam", "Tweede versie");
    let page = post_form(&mut two, &format!("/almelo/voorzieningen/{id}"), &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("Iemand anders heeft deze voorziening opgeslagen"));
    assert!(page.body.contains("value=\"Tweede versie\""));
    let name: String = sqlx::query_scalar("select name from facilities where facility_id = $1")
        .bind(id)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(name, "Eerste versie");
    // History shows the change field by field.
    let history = one
        .get(&format!("/almelo/voorzieningen/{id}/geschiedenis"))
        .await;
    assert!(
        history.body.contains("Dagstructurering Schelfhorst")
            && history.body.contains("Eerste versie")
    );
    assert!(history.body.contains("beleid@almelo.demo"));
}

#[tokio::test]
async fn an_aanbieder_edits_only_their_own_organisations_facilities() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@almelo.demo").await;
    let own = app.id("select f.facility_id from facilities f join users u on u.provider_id = f.provider_id where u.email = 'aanbieder@almelo.demo' limit 1").await;
    let other = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.provider_id <> (select provider_id from users where email = 'aanbieder@almelo.demo') limit 1").await;
    let list = b.get("/almelo/voorzieningen").await;
    assert!(list.body.contains(&own.to_string()) && !list.body.contains(&other.to_string()));
    assert_eq!(
        b.get(&format!("/almelo/voorzieningen/{other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!("/almelo/voorzieningen/{other}/wijzigen"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = b
        .get(&format!("/almelo/voorzieningen/{own}/wijzigen"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("name=\"aanbieder\""),
        "an aanbieder cannot choose another organisation"
    );
    let version = app
        .scalar_i64(&format!(
            "select version::int8 from facilities where facility_id = '{own}'"
        ))
        .await
        .to_string();
    // Even a forged provider id lands on their own organisation.
    let elsewhere = app.id("select provider_id from providers p join tenants t using (tenant_id) where t.slug = 'almelo' and p.name = 'Tactus Verslavingszorg'").await.to_string();
    let mut form = facility_form(&elsewhere);
    set(&mut form, "version", &version);
    set(&mut form, "naam", "Door de aanbieder bijgewerkt");
    assert_eq!(
        post_form(&mut b, &format!("/almelo/voorzieningen/{own}"), &form)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (name, provider): (String, uuid::Uuid) =
        sqlx::query_as("select name, provider_id from facilities where facility_id = $1")
            .bind(own)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!(name, "Door de aanbieder bijgewerkt");
    assert_eq!(
        provider,
        app.id("select provider_id from users where email = 'aanbieder@almelo.demo'")
            .await
    );
    assert_eq!(
        post_form(&mut b, &format!("/almelo/voorzieningen/{other}"), &form)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'voorziening' and actor_label = 'aanbieder@almelo.demo' and action = 'gewijzigd'").await,
        1
    );
    // Providers: only their own, and no new ones.
    let providers = b.get("/almelo/aanbieders").await;
    assert_eq!(
        providers.body.matches("<tr>").count(),
        2,
        "header and their own organisation"
    );
    assert_eq!(
        b.get("/almelo/aanbieders/nieuw").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get(&format!("/almelo/aanbieders/{elsewhere}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The list of stale facilities is the official's; an aanbieder confirms its own facility
    // on its page (tests/api/verification.rs).
    assert_eq!(
        b.post(&format!("/almelo/actualiteit/{own}"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn wijkteams_read_the_register_but_change_nothing() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let id = app
        .id("select facility_id from facilities where name = 'Dagstructurering Schelfhorst'")
        .await;
    assert_eq!(b.get("/almelo/voorzieningen").await.status, StatusCode::OK);
    let show = b.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(!show.body.contains("/wijzigen"));
    assert_eq!(
        b.get("/almelo/voorzieningen/nieuw").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get(&format!("/almelo/voorzieningen/{id}/wijzigen"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = post_form(
        &mut b,
        "/almelo/voorzieningen",
        &facility_form(&avedan(&app).await),
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.get("/almelo/aanbieders").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get("/almelo/actualiteit").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn stale_facilities_are_flagged_and_an_official_marks_them_verified() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let id = app
        .id("select facility_id from facilities where name = 'Dagstructurering Schelfhorst'")
        .await;
    sqlx::query("update facilities set verified_on = (now() at time zone 'Europe/Amsterdam')::date - 400 where facility_id = $1")
        .bind(id)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let stale = b.get("/almelo/actualiteit").await;
    assert!(stale.body.contains("Dagstructurering Schelfhorst"));
    assert!(b
        .get(&format!("/almelo/voorzieningen/{id}"))
        .await
        .body
        .contains("Verouderd"));
    let page = b
        .post(&format!("/almelo/actualiteit/{id}"), &[("terug", "lijst")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/almelo/actualiteit?melding=gecontroleerd")
    );
    let after = b.get("/almelo/actualiteit").await;
    assert!(!after.body.contains(&id.to_string()));
    let (on_today, by): (bool, String) = sqlx::query_as(
        "select verified_on = (now() at time zone 'Europe/Amsterdam')::date, verified_by from facilities where facility_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(on_today);
    assert_eq!(by, "Lotte Beleid");
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'gecontroleerd'")
            .await,
        1
    );
}

#[tokio::test]
async fn archiving_hides_a_facility_from_the_list_until_it_is_restored() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let id = app
        .id("select facility_id from facilities where name = 'Dagstructurering Schelfhorst'")
        .await;
    b.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert_eq!(
        b.post(&format!("/almelo/voorzieningen/{id}/archiveren"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(!b
        .get("/almelo/voorzieningen?q=Schelfhorst")
        .await
        .body
        .contains(&id.to_string()));
    assert!(b
        .get("/almelo/voorzieningen?archief=1&q=Schelfhorst")
        .await
        .body
        .contains(&id.to_string()));
    b.post(&format!("/almelo/voorzieningen/{id}/archiveren"), &[])
        .await;
    assert!(b
        .get("/almelo/voorzieningen?q=Schelfhorst")
        .await
        .body
        .contains(&id.to_string()));
}

/// The facility ids a list page links to, in its order.
fn listed_ids(body: &str) -> Vec<String> {
    body.split("href=\"/almelo/voorzieningen/")
        .skip(1)
        .filter_map(|rest| rest.get(..36))
        .filter(|id| id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .map(str::to_string)
        .collect()
}

/// The ids SQL gives for `filter` over almelo's facilities, in the list's order.
async fn ids_in_order(app: &TestApp, filter: &str) -> Vec<String> {
    sqlx::query_scalar::<_, uuid::Uuid>(&format!(
        "select f.facility_id from facilities f join tenants t using (tenant_id) \
         join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
         where t.slug = 'almelo' and {filter} order by f.search_name, f.facility_id"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap()
    .into_iter()
    .map(|id| id.to_string())
    .collect()
}

#[tokio::test]
async fn the_facility_list_pages_in_name_order_and_finds_names_and_providers_accents_aside() {
    let app = TestApp::spawn().await;
    // More than one page, names with accents and with LIKE's own characters.
    sqlx::query(
        "insert into facilities (tenant_id, provider_id, name, description) \
         select f.tenant_id, f.provider_id, f.name || ' ' || n, '' from facilities f \
         join tenants t using (tenant_id), generate_series(1, 80) n \
         where t.slug = 'almelo' and f.name = 'Dagstructurering Schelfhorst'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    app.change_register(
        "almelo",
        "update facilities set name = 'Café Émile 100% echt_goed' \
         where name = 'Dagstructurering Schelfhorst 7'",
    )
    .await;
    let mut b = app.login("beleid@almelo.demo").await;

    // The whole list: the count, and every page in the order SQL gives.
    let all = ids_in_order(&app, "not f.archived").await;
    assert!(all.len() > 100, "{} facilities", all.len());
    let first = b.get("/almelo/voorzieningen").await;
    assert!(
        first
            .body
            .contains(&format!("{} voorzieningen.", all.len())),
        "count of {}",
        all.len()
    );
    let mut shown = Vec::new();
    for page in 1..=all.len().div_ceil(50) {
        shown.extend(listed_ids(
            &b.get(&format!("/almelo/voorzieningen?pagina={page}"))
                .await
                .body,
        ));
    }
    assert_eq!(shown, all);

    // A name without its accents, in other case: the facility with accents in its name.
    let cafe = b.get("/almelo/voorzieningen?q=cafe+EMILE").await;
    let cafe_id = ids_in_order(&app, "f.name like 'Café Émile%'").await;
    assert_eq!(listed_ids(&cafe.body), cafe_id);
    assert!(
        cafe.body.contains("1 voorziening gevonden"),
        "{}",
        cafe.body
    );
    // LIKE's own characters are plain characters.
    assert_eq!(
        listed_ids(&b.get("/almelo/voorzieningen?q=100%25+echt_goed").await.body),
        cafe_id
    );
    assert!(listed_ids(&b.get("/almelo/voorzieningen?q=1_0").await.body).is_empty());
    assert!(listed_ids(&b.get("/almelo/voorzieningen?q=%25%25%25x").await.body).is_empty());

    // A word of the name over two pages: the same as SQL, counted in full.
    let schelfhorst = ids_in_order(
        &app,
        "not f.archived and f.search_name like '%schelfhorst%'",
    )
    .await;
    assert!(schelfhorst.len() > 25);
    let page1 = b.get("/almelo/voorzieningen?q=SCHELFHORST").await;
    assert!(page1
        .body
        .contains(&format!("{} voorzieningen gevonden", schelfhorst.len())));
    let page2 = b.get("/almelo/voorzieningen?q=SCHELFHORST&pagina=2").await;
    let mut both = listed_ids(&page1.body);
    both.extend(listed_ids(&page2.body));
    assert_eq!(
        both,
        schelfhorst.iter().take(100).cloned().collect::<Vec<_>>()
    );

    // A provider's name finds all its facilities, whatever they are called.
    let provider: String = sqlx::query_scalar(
        "select p.name from providers p join tenants t using (tenant_id) where t.slug = 'almelo' \
         and exists (select 1 from facilities f where f.tenant_id = p.tenant_id \
                     and f.provider_id = p.provider_id and not f.archived) order by p.name limit 1",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let by_provider = ids_in_order(
        &app,
        &format!(
            "not f.archived and (lower(unaccent(p.name)) like '%' || lower(unaccent('{}')) || '%' \
             or f.search_name like '%' || lower(unaccent('{}')) || '%')",
            provider.replace('\'', "''"),
            provider.replace('\'', "''")
        ),
    )
    .await;
    let found = b
        .get(&format!(
            "/almelo/voorzieningen?q={}",
            form_urlencoded::byte_serialize(provider.to_uppercase().as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(
        listed_ids(&found.body),
        by_provider.iter().take(50).cloned().collect::<Vec<_>>()
    );
    assert!(!by_provider.is_empty());

    // The list is kept between requests, but a change shows at the next one.
    app.change_register(
        "almelo",
        "update facilities set name = 'Zwaluwnest' where name = 'Dagstructurering Schelfhorst 12'",
    )
    .await;
    let renamed = b.get("/almelo/voorzieningen?q=zwaluw").await;
    assert!(renamed.body.contains("Zwaluwnest"), "{}", renamed.body);
    assert!(!b
        .get("/almelo/voorzieningen?q=Schelfhorst+12")
        .await
        .body
        .contains("Schelfhorst 12<"));
}

#[tokio::test]
async fn providers_are_validated_and_changes_audited() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/aanbieders/nieuw").await;
    let bad = b
        .post(
            "/almelo/aanbieders",
            &[
                ("naam", "Buurtkracht"),
                ("kvk", "1234567"),
                ("postcode", "7600"),
                ("email", "x"),
                ("type", "onzin"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "precies 8 cijfers",
        "Vul een postcode in als 1234 AB",
        "Vul een geldig e-mailadres in",
        "Kies een soort aanbieder uit de lijst.",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(bad.body.contains("value=\"Buurtkracht\"") && bad.body.contains("value=\"1234567\""));
    let duplicate = b
        .post(
            "/almelo/aanbieders",
            &[("naam", "avedan"), ("version", "0")],
        )
        .await;
    assert!(duplicate
        .body
        .contains("Er is al een aanbieder met deze naam."));
    let ok = b
        .post(
            "/almelo/aanbieders",
            &[
                ("naam", "Buurtkracht"),
                ("kvk", "1234 5678"),
                ("postcode", "7601ab"),
                ("type", "vrijwilligersorganisatie"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let (kvk, postcode): (String, String) =
        sqlx::query_as("select kvk_number, postcode from providers where name = 'Buurtkracht'")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!((kvk.as_str(), postcode.as_str()), ("12345678", "7601 AB"));
    let id = app
        .id("select provider_id from providers where name = 'Buurtkracht'")
        .await;
    // Two editors: the second save is refused.
    let ok = b
        .post(
            &format!("/almelo/aanbieders/{id}"),
            &[("naam", "Buurtkracht Almelo"), ("version", "1")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let late = b
        .post(
            &format!("/almelo/aanbieders/{id}"),
            &[("naam", "Buurtkracht Oost"), ("version", "1")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.body
            .contains("Iemand anders heeft deze aanbieder opgeslagen")
            && late.body.contains("value=\"Buurtkracht Oost\"")
    );
    let history = b
        .get(&format!("/almelo/aanbieders/{id}/geschiedenis"))
        .await;
    assert!(history.body.contains("Buurtkracht Almelo") && history.body.contains("12345678"));
}

#[tokio::test]
async fn a_tenant_renames_aliases_retires_and_adds_types_and_a_national_update_keeps_that() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let list = b.get("/almelo/typen").await;
    assert!(list.body.contains("Housing First") && list.body.contains("Innovatief"));
    let types = app.scalar_i64("select count(*) from facility_types t join tenants using (tenant_id) where slug = 'almelo'").await;
    assert!(types > 120, "{types}");
    let edit = b.get("/almelo/typen/maatjesproject").await;
    assert!(edit.body.contains("buddyproject"));
    let version = app.scalar_i64("select version::int8 from facility_types t join tenants using (tenant_id) where slug = 'almelo' and code = 'maatjesproject'").await.to_string();
    let saved = b
        .post(
            "/almelo/typen/maatjesproject",
            &[
                ("naam", "Maatje Almelo"),
                ("levensgebied", "sociale_contacten"),
                ("aliassen", "buddyproject, Samen Sterk"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let retire = app.scalar_i64("select version::int8 from facility_types t join tenants using (tenant_id) where slug = 'almelo' and code = 'skaeve_huse'").await.to_string();
    b.post(
        "/almelo/typen/skaeve_huse",
        &[
            ("naam", "Skaeve Huse"),
            ("levensgebied", "wonen"),
            ("vervallen", "1"),
            ("version", &retire),
        ],
    )
    .await;
    let own = b
        .post(
            "/almelo/typen",
            &[("naam", "Repair Café Plus"), ("levensgebied", "vrije_tijd")],
        )
        .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    let bad = b
        .post("/almelo/typen", &[("naam", ""), ("levensgebied", "maan")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Kies een levensgebied uit de lijst."));

    // A national update (the sync at every start) leaves the tenant's changes alone. Simulate
    // an older national text in the tenant's copies: the untouched one is refreshed.
    sqlx::query("update facility_types set name = 'Oude naam', description = 'Oude landelijke omschrijving' where code = 'nachtopvang'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    voorzieningen::register::taxonomy::sync_national(&app.db.admin)
        .await
        .unwrap();
    let rows: Vec<(String, String, Vec<String>, bool)> = sqlx::query_as(
        "select t.code, t.name, t.aliases, t.retired from facility_types t join tenants using (tenant_id) \
         where slug = 'almelo' and code in ('maatjesproject', 'skaeve_huse', 'eigen_repair_cafe_plus') order by code",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(rows[0].0, "eigen_repair_cafe_plus");
    assert_eq!(rows[1].1, "Maatje Almelo");
    assert!(rows[1].2.contains(&"Samen Sterk".to_string()));
    assert!(rows[2].3, "skaeve huse stays retired");
    // The sync is idempotent and does update what the tenant did not change.
    let nacht: String = sqlx::query_scalar("select t.description from facility_types t join tenants using (tenant_id) where slug = 'almelo' and code = 'nachtopvang'")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert!(nacht.starts_with("Slaapplek"), "{nacht}");
    // A retired type is no longer offered for new facilities.
    let form = b.get("/almelo/voorzieningen/nieuw").await;
    assert!(!form.body.contains("value=\"skaeve_huse\""));
    assert!(form.body.contains("Repair Café Plus"));
    assert!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'voorzieningentype'")
            .await
            >= 3
    );
}

#[tokio::test]
async fn the_facility_page_shows_renamed_types_and_wijken_at_once() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let path = format!("/almelo/voorzieningen/{id}");
    let before = b.get(&path).await;
    assert!(before.body.contains("Repair Café") && before.body.contains("Schelfhorst"));
    // The names the page shows are kept until the register changes; renames are changes.
    for sql in [
        "update facility_types set name = 'Herstelplaats' where code = 'repair_cafe' and tenant_id = (select tenant_id from tenants where slug = 'almelo')",
        "update areas set name = 'Schelfhorst-Oost' where cbs_code = 'WK014118' and tenant_id = (select tenant_id from tenants where slug = 'almelo')",
    ] {
        sqlx::query(sql).execute(&app.db.admin).await.unwrap();
    }
    let after = b.get(&path).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains("Herstelplaats"), "the renamed type");
    assert!(
        after.body.contains("Schelfhorst-Oost"),
        "the renamed wijk in the referral form"
    );
}
