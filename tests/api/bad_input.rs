//! Bad input that once answered 500: numbers beyond 32 bits, deleting an area still in use, a
//! return address with a control character, and double submits that hit a unique constraint.
//! Each gets the form back with a message and the input kept, or a clean redirect.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, DEMO_PASSWORD};
use crate::register::{facility_form, post_form};

/// Sends the same form `n` times at once, as a double (or impatient) click does.
pub async fn at_once(
    b: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    n: usize,
) -> Vec<(StatusCode, String)> {
    let mut fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    fields.push(("csrf_token".into(), b.csrf.clone()));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let client = b.client.clone();
        let url = format!("{}{path}", b.base_url());
        let fields = fields.clone();
        set.spawn(async move {
            let response = client.post(url).form(&fields).send().await.unwrap();
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string())
                .unwrap_or_default();
            (
                status,
                format!("{location}\n{}", response.text().await.unwrap()),
            )
        });
    }
    set.join_all().await
}

async fn avedan(app: &TestApp) -> String {
    app.id("select provider_id from providers p join tenants t using (tenant_id) where t.slug = 'almelo' and p.name = 'Avedan'")
        .await
        .to_string()
}

#[tokio::test]
async fn a_dagdeel_capacity_beyond_32_bits_is_a_form_error_in_the_form_and_the_import() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let before = app.scalar_i64("select count(*) from facilities").await;
    let mut form = facility_form(&avedan(&app).await);
    form.retain(|(k, _)| !k.starts_with("cap_ma_ochtend"));
    form.push(("cap_ma_ochtend_max", "15".into()));
    form.push(("cap_ma_ochtend_inloop", "2147483647".into()));
    form.push(("cap_ma_ochtend_afspraak", "2147483647".into()));
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("onwaarschijnlijk groot"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"2147483647\""), "input kept");

    // Within 32 bits each, but their sum is not.
    form.retain(|(k, _)| !k.starts_with("cap_ma_ochtend"));
    form.push(("cap_ma_ochtend_max", "9999999".into()));
    form.push(("cap_ma_ochtend_inloop", "9999999".into()));
    form.push(("cap_ma_ochtend_afspraak", "9999999".into()));
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("vrije inloop en afspraken samen meer dan het maximum"));

    b.get("/almelo/voorzieningen/import").await;
    let file = "naam;aanbieder;typen;capaciteit_dagdelen\n\
                Te groot;Avedan;huiskamerproject;ochtend 15/2147483647/1\n\
                Veel te groot;Avedan;huiskamerproject;middag 99999999999999999999/1/1\n";
    let page = b
        .upload("/almelo/voorzieningen/import", file.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("onwaarschijnlijk groot"));
    assert!(page.body.contains("Schrijf de capaciteit als"));
    assert_eq!(
        app.scalar_i64("select count(*) from facilities").await,
        before
    );
}

#[tokio::test]
async fn an_area_in_use_is_not_deleted_and_the_page_says_what_uses_it() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beheer@almelo.demo").await;
    for (code, name) in [("WK014199", "Proefwijk"), ("BU01419999", "Proefbuurt")] {
        b.get("/almelo/beheer/gebieden/nieuw").await;
        let created = b
            .post("/almelo/beheer/gebieden", &[("code", code), ("naam", name)])
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    }
    let wijk = app
        .id("select area_id from areas where cbs_code = 'WK014199'")
        .await;
    let buurt = app
        .id("select area_id from areas where cbs_code = 'BU01419999'")
        .await;
    let facility = app
        .id("select facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' order by f.name limit 1")
        .await;
    for sql in [
        "update facilities set buurt_id = $2 where facility_id = $1",
        "insert into facility_service_areas (tenant_id, facility_id, area_id) select tenant_id, $1, $3 from facilities where facility_id = $1",
        "insert into checklist_entries (tenant_id, area_id, type_code, status) select tenant_id, $3, 'huiskamerproject', 'onbekend' from facilities where facility_id = $1",
        "insert into referrals (tenant_id, facility_id, referred_on, route, wijk_id) select tenant_id, $1, current_date, 'wijkteam', $3 from facilities where facility_id = $1",
    ] {
        sqlx::query(sql)
            .bind(facility)
            .bind(buurt)
            .bind(wijk)
            .execute(&app.db.admin)
            .await
            .unwrap();
    }

    b.get(&format!("/almelo/beheer/gebieden/{buurt}")).await;
    let page = b
        .post(&format!("/almelo/beheer/gebieden/{buurt}/verwijderen"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("het wordt nog gebruikt door 1 voorziening in deze buurt"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"Proefbuurt\""), "the form again");

    let page = b
        .post(&format!("/almelo/beheer/gebieden/{wijk}/verwijderen"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(
            "het wordt nog gebruikt door 1 gebied dat erin ligt, 1 voorziening met dit gebied in het \
             werkgebied, 1 checklistregel en 1 verwijzing vanuit deze wijk"
        ),
        "{}",
        page.body
    );
    assert_eq!(
        app.scalar_i64("select count(*) from areas where cbs_code in ('WK014199', 'BU01419999')")
            .await,
        2
    );

    // Once nothing uses them, they go.
    for sql in [
        "update facilities set buurt_id = null where buurt_id = $1",
        "delete from facility_service_areas where area_id = $2",
        "delete from checklist_entries where area_id = $2",
        "delete from referrals where wijk_id = $2",
    ] {
        sqlx::query(sql)
            .bind(buurt)
            .bind(wijk)
            .execute(&app.db.admin)
            .await
            .unwrap();
    }
    for id in [buurt, wijk] {
        let page = b
            .post(&format!("/almelo/beheer/gebieden/{id}/verwijderen"), &[])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
}

#[tokio::test]
async fn a_return_address_with_a_control_character_lands_on_the_start_page() {
    let app = TestApp::spawn().await;
    for back in [
        "/almelo/\u{7f}",
        "/almelo/\nSet-Cookie: x=1",
        "/almelo/\u{0}",
    ] {
        let mut b = app.client();
        b.get("/inloggen?terug=/almelo/%7F").await;
        let token = b.csrf.clone();
        let before = app.scalar_i64("select count(*) from sessions").await;
        let page = b
            .post_raw(
                "/inloggen",
                &[
                    ("email", "beheer@almelo.demo"),
                    ("password", DEMO_PASSWORD),
                    ("terug", back),
                    ("csrf_token", &token),
                ],
            )
            .await;
        if back.contains('\u{0}') {
            // NUL is refused before anything runs.
            assert_eq!(page.status, StatusCode::BAD_REQUEST);
            continue;
        }
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{back:?}");
        assert_eq!(page.location.as_deref(), Some("/almelo/"));
        assert_eq!(
            app.scalar_i64("select count(*) from sessions").await,
            before + 1
        );
        assert_eq!(b.get("/almelo/").await.status, StatusCode::OK);
    }
    // The login form does not offer such an address either.
    let mut b = app.client();
    let form = b.get("/inloggen?terug=/almelo/%7F").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"terug\" value=\"\""));
}

#[tokio::test]
async fn a_double_submit_of_a_new_area_or_type_gives_one_record_and_the_form_for_the_rest() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    beheer.get("/almelo/beheer/gebieden/nieuw").await;
    let answers = at_once(
        &beheer,
        "/almelo/beheer/gebieden",
        &[("code", "WK014199"), ("naam", "Dubbel")],
        6,
    )
    .await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(
        created,
        1,
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::SEE_OTHER) {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("Gebied WK014199 bestaat al."));
        assert!(body.contains("value=\"Dubbel\""));
    }
    assert_eq!(
        app.scalar_i64("select count(*) from areas where cbs_code = 'WK014199'")
            .await,
        1
    );

    let mut beleid = app.login("beleid@almelo.demo").await;
    beleid.get("/almelo/typen/nieuw").await;
    let answers = at_once(
        &beleid,
        "/almelo/typen",
        &[("naam", "Dubbel Café"), ("levensgebied", "vrije_tijd")],
        6,
    )
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.0).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(
        app.scalar_i64("select count(*) from facility_types where name = 'Dubbel Café'")
            .await,
        1
    );
}
