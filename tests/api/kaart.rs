//! The public sociale kaart and referral counts over HTTP: publishing on and off, nothing
//! internal on public pages, referrals without resident data, their counts and export.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::lookup::{names, total};

#[tokio::test]
async fn the_kaart_is_public_only_while_published() {
    let app = TestApp::spawn().await;
    let mut visitor = app.client();
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    // The demo tenants are published.
    let page = visitor.get("/almelo/kaart?q=repair").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(names(&page.body), vec!["Repair Café Almelo"]);
    assert!(page.body.contains(&format!("/almelo/kaart/{id}")));
    assert_eq!(
        visitor.get(&format!("/almelo/kaart/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        visitor
            .get(&format!("/almelo/kaart/{id}/folder"))
            .await
            .status,
        StatusCode::OK
    );

    // Only a beheerder switches it; others may not even see the switch.
    let mut beleid = app.login("beleid@almelo.demo").await;
    assert_eq!(
        beleid.get("/almelo/beheer/publicatie").await.status,
        StatusCode::FORBIDDEN
    );
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer.get("/almelo/beheer/publicatie").await;
    assert!(page.body.contains("is <strong>gepubliceerd</strong>"));
    let odd = beheer
        .post("/almelo/beheer/publicatie", &[("publiceren", "misschien")])
        .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
    assert!(odd.body.contains("ja of nee"));
    assert_eq!(
        visitor.get("/almelo/kaart").await.status,
        StatusCode::OK,
        "an odd value changes nothing"
    );
    beheer.get("/almelo/beheer/publicatie").await;
    let done = beheer
        .post("/almelo/beheer/publicatie", &[("publiceren", "nee")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    for path in [
        "/almelo/kaart".to_string(),
        format!("/almelo/kaart/{id}"),
        format!("/almelo/kaart/{id}/folder"),
    ] {
        let page = visitor.get(&path).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{path} while unpublished"
        );
        assert!(!page.body.contains("Repair"));
    }
    // Other tenants stay published; an unknown tenant looks the same as an unpublished one.
    assert_eq!(
        visitor.get("/maastricht/kaart").await.status,
        StatusCode::OK
    );
    assert_eq!(
        visitor.get("/bestaatniet/kaart").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'sociale_kaart_offline'")
            .await,
        1
    );
    beheer.get("/almelo/beheer/publicatie").await;
    beheer
        .post("/almelo/beheer/publicatie", &[("publiceren", "ja")])
        .await;
    assert_eq!(visitor.get("/almelo/kaart").await.status, StatusCode::OK);
    // Another tenant's facility is not on this kaart.
    let theirs = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await;
    assert_eq!(
        visitor.get(&format!("/almelo/kaart/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor
            .get(&format!("/almelo/kaart/{theirs}/folder"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/almelo/kaart/niet-een-id").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn nothing_internal_reaches_the_public_pages() {
    let app = TestApp::spawn().await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    for sql in [
        "update facilities set access_decided_by = 'GEHEIM-beslisser', welcome_conditions = 'GEHEIM-voorwaarden', \
           verified_by = 'GEHEIM-controleur', approach = 'GEHEIM-aanpak', capacity_at_once = 4321, visitors_last_year = 8765 \
         where name = 'Repair Café Almelo'",
        "update providers set contact_name = 'GEHEIM-contactpersoon' where name = 'Repair Café Almelo'",
        "insert into checklist_entries (tenant_id, area_id, type_code, status, note) \
         select t.tenant_id, a.area_id, 'repair_cafe', 'onbekend', 'GEHEIM-notitie' from tenants t join areas a using (tenant_id) \
         where t.slug = 'almelo' and a.level = 'gemeente' on conflict do nothing",
    ] {
        sqlx::query(sql).execute(&app.db.admin).await.unwrap();
    }
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    for _ in 0..3 {
        wijkteam.get(&format!("/almelo/voorzieningen/{id}")).await;
        let page = wijkteam
            .post(
                &format!("/almelo/voorzieningen/{id}/verwijzing"),
                &[
                    ("datum", "2026-11-01"),
                    ("route", "wijkteam"),
                    ("reden", ""),
                    ("wijk", ""),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let archived = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Maatjesproject Humanitas'").await;
    sqlx::query("update facilities set archived = true where facility_id = $1")
        .bind(archived)
        .execute(&app.db.admin)
        .await
        .unwrap();

    let mut visitor = app.client();
    let pages = [
        "/almelo/kaart".to_string(),
        "/almelo/kaart?q=repair".into(),
        format!("/almelo/kaart/{id}"),
        format!("/almelo/kaart/{id}/folder"),
    ];
    for path in &pages {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for secret in [
            "GEHEIM",
            ">4321",
            " 4321",
            ">8765",
            " 8765",
            "Verwijzing tellen",
            "matrix__number",
            "gecontroleerd",
            "Capaciteit",
            "Financiering",
            "Uitloggen",
        ] {
            assert!(!page.body.contains(secret), "{path} shows {secret}");
        }
    }
    assert_eq!(
        total(&visitor.get("/almelo/kaart?q=GEHEIM").await.body),
        0,
        "internal fields are not searched publicly"
    );
    // Archived facilities are not on the kaart.
    assert_eq!(
        visitor
            .get(&format!("/almelo/kaart/{archived}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(!visitor
        .get("/almelo/kaart")
        .await
        .body
        .contains("Maatjesproject Humanitas"));
    // The public page has what a resident needs, in plain words.
    let page = visitor.get(&format!("/almelo/kaart/{id}")).await;
    for text in [
        "Wat kunt u verwachten?",
        "Waar is het?",
        "Wanneer is het open?",
        "Contact",
        "Aanmelden:",
    ] {
        assert!(page.body.contains(text), "public page has {text}");
    }
}

#[tokio::test]
async fn a_referral_is_counted_in_two_clicks_without_resident_data() {
    let app = TestApp::spawn().await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let before = app.scalar_i64("select count(*) from referrals").await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let show = b.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert!(show.body.contains("Verwijzing tellen"));
    // The form has today's date and the wijkteam route filled in: one click is enough.
    let today = app
        .scalar_i64(
            "select to_char((now() at time zone 'Europe/Amsterdam')::date, 'YYYYMMDD')::bigint",
        )
        .await
        .to_string();
    let today = format!("{}-{}-{}", &today[..4], &today[4..6], &today[6..]);
    assert!(show.body.contains(&format!("value=\"{today}\"")));
    let form_at = show.body.find("class=\"referral-form\"").unwrap();
    let form = &show.body[form_at..form_at + show.body[form_at..].find("</form>").unwrap()];
    let mut fields: Vec<&str> = form
        .split("name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec!["csrf_token", "datum", "reden", "route", "wijk"],
        "no field for the resident"
    );
    let page = b
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[
                ("datum", &today),
                ("route", "wijkteam"),
                ("reden", ""),
                ("wijk", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = b.get(page.location.as_deref().unwrap()).await;
    assert!(page.body.contains("De verwijzing is geteld"));
    // With a reason and a wijk.
    b.post(
        &format!("/almelo/voorzieningen/{id}/verwijzing"),
        &[
            ("datum", &today),
            ("route", "zelfstandig"),
            ("reden", "isolement"),
            ("wijk", "WK014110"),
        ],
    )
    .await;
    assert_eq!(
        app.scalar_i64("select count(*) from referrals").await,
        before + 2
    );
    // The table has no place for anything about a resident.
    let columns = app
        .scalar_i64(
            "select count(*) from information_schema.columns where table_name = 'referrals'",
        )
        .await;
    assert_eq!(
        columns, 11,
        "tenant, id, facility, date, route, reason, wijk, created; the staff account that counted \
         it (for the undo), and a correction's number and reason (issue 16, item 7)"
    );

    // Mistakes come back with the input kept.
    let page = b
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[
                ("datum", "2999-01-01"),
                ("route", "zelfstandig"),
                ("reden", "isolement"),
                ("wijk", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("in de toekomst") && page.body.contains("value=\"2999-01-01\""));
    assert!(page.body.contains("<option value=\"isolement\" selected>"));
    let page = b
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[
                ("datum", "gisteren"),
                ("route", "per_post"),
                ("reden", "geheim"),
                ("wijk", "WK093500"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Vul een datum in",
        "Kies hoe de inwoner",
        "Kies een reden uit de lijst",
        "Kies een wijk uit de lijst",
    ] {
        assert!(page.body.contains(message), "{message}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from referrals").await,
        before + 2
    );
    // Those who may not count: an aanbieder.
    let mut aanbieder = app.login("aanbieder@almelo.demo").await;
    let page = aanbieder
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[("datum", &today), ("route", "wijkteam")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn beleidsmedewerkers_see_and_export_referral_counts() {
    let app = TestApp::spawn().await;
    sqlx::query("delete from referrals")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let mut w = app.login("wijkteam@almelo.demo").await;
    w.get(&format!("/almelo/voorzieningen/{id}")).await;
    let today = app
        .scalar_i64(
            "select to_char((now() at time zone 'Europe/Amsterdam')::date, 'YYYYMMDD')::bigint",
        )
        .await
        .to_string();
    let today = format!("{}-{}-{}", &today[..4], &today[4..6], &today[6..]);
    for (route, reason, wijk) in [
        ("wijkteam", "isolement", "WK014110"),
        ("wijkteam", "", ""),
        ("zelfstandig", "isolement", "WK014110"),
    ] {
        let page = w
            .post(
                &format!("/almelo/voorzieningen/{id}/verwijzing"),
                &[
                    ("datum", &today),
                    ("route", route),
                    ("reden", reason),
                    ("wijk", wijk),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    // The wijkteam does not see the counts.
    assert_eq!(
        w.get("/almelo/verwijzingen").await.status,
        StatusCode::FORBIDDEN
    );
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/verwijzingen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<td>Repair Café Almelo</td><td class=\"matrix__number\">3</td>"),
        "per facility"
    );
    let route = b.get("/almelo/verwijzingen?per=route").await.body;
    assert!(
        route.contains("<td>Via sociaal team of wijkteam</td><td class=\"matrix__number\">2</td>")
    );
    assert!(route.contains("<td>Zelfstandige melding</td><td class=\"matrix__number\">1</td>"));
    let reason = b.get("/almelo/verwijzingen?per=reden").await.body;
    assert!(
        reason.contains("<td class=\"matrix__number\">2</td>")
            && reason.contains("Geen reden opgegeven")
    );
    let wijk = b.get("/almelo/verwijzingen?per=wijk").await.body;
    assert!(wijk.contains("<td>Binnenstad</td><td class=\"matrix__number\">2</td>"));
    let month = b.get("/almelo/verwijzingen?per=maand").await.body;
    assert!(month.contains("<td class=\"matrix__number\">3</td>"));
    let kind = b.get("/almelo/verwijzingen?per=type").await.body;
    assert!(
        kind.contains("Repair Café</td><td class=\"matrix__number\">3</td>")
            || kind.contains("<td class=\"matrix__number\">3</td>")
    );
    // A period without referrals; nonsense dates are ignored with a message.
    let empty = b
        .get("/almelo/verwijzingen?van=2020-01-01&tot=2020-12-31")
        .await
        .body;
    assert!(empty.contains("geen verwijzingen geteld"));
    let odd = b.get("/almelo/verwijzingen?van=gisteren&per=%27").await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("onleesbaar"));
    // The export: one line per month, facility, type, route, reason and wijk.
    let response = b
        .client
        .get(format!("{}/almelo/verwijzingen/export.csv", b.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "maand;voorziening;soort;clientroute;reden;wijk;aantal"
    );
    let total: i64 = lines[1..]
        .iter()
        .map(|l| l.rsplit(';').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 3);
    assert!(lines.iter().any(|l| l
        .contains("Via sociaal team of wijkteam;Isolement;Binnenstad;1")
        || l.contains(";Binnenstad;1")));
}

/// Issue 9, item 7: a value repeated in the URL answers once, and no request makes the server
/// load a tenant's search projection more than once (concurrent requests share one load).
#[tokio::test]
async fn repeated_bad_values_answer_once_and_a_projection_loads_once() {
    let app = TestApp::spawn().await;
    let query = format!(
        "/almelo/kaart?{}{}q=koffie",
        "dag=nooit&".repeat(300),
        "dagdeel=nacht&".repeat(300)
    );
    let before = app.state.cache.loads();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let client = reqwest::Client::new();
        let url = app.url(&query);
        set.spawn(async move {
            let response = client.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        });
    }
    for (status, body) in set.join_all().await {
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.matches("De gekozen dag bestaat niet").count(), 1);
        assert_eq!(body.matches("Het gekozen dagdeel bestaat niet").count(), 1);
    }
    assert_eq!(app.state.cache.loads() - before, 1, "one load for all");

    // The HSDS API reads the same projection.
    let hsds = app.client().get("/api/hsds/almelo/services").await;
    assert_eq!(hsds.status, StatusCode::OK);
    assert_eq!(app.state.cache.loads() - before, 1);

    // A change to the register: the next request loads once, the one after not at all.
    sqlx::query("update facilities set name = name || ' ' where name = 'Repair Café Almelo'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut visitor = app.client();
    assert_eq!(visitor.get(&query).await.status, StatusCode::OK);
    assert_eq!(app.state.cache.loads() - before, 2);
    assert_eq!(visitor.get(&query).await.status, StatusCode::OK);
    assert_eq!(app.state.cache.loads() - before, 2);
}
