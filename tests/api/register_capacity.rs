//! Capacity per weekday and dagdeel (issue 16 item 3): entered in the form, shown, exported
//! and imported per slot; a figure for a closed dagdeel is an error with the input kept.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::register::{avedan, facility_form, post_form, set};

async fn slots(app: &TestApp, name: &str) -> Vec<(i16, String, i32, i32, i32)> {
    sqlx::query_as(
        "select c.weekday, c.dagdeel, c.max_present, c.walk_in, c.by_appointment \
         from facility_dagdeel_capacity c join facilities f using (tenant_id, facility_id) \
         where f.name = $1 order by c.weekday, array_position(array['ochtend','middag','avond'], c.dagdeel)",
    )
    .bind(name)
    .fetch_all(&app.db.admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_weekday_and_dagdeel_keeps_its_own_capacity_through_form_page_and_export() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let mut form = facility_form(&avedan(&app).await);
    // Open: Monday 09:30-12:00, 13:00-16:00 and Thursday 19:00-21:30.
    set(&mut form, "cap_ma_middag_max", "10");
    set(&mut form, "cap_ma_middag_inloop", "2");
    set(&mut form, "cap_do_avond_max", "8");
    set(&mut form, "cap_do_avond_inloop", "8");
    // A figure for a closed dagdeel is an error, the input kept.
    set(&mut form, "cap_di_ochtend_max", "5");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Op dinsdagochtend bent u volgens de openingstijden gesloten"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "name=\"cap_di_ochtend_max\" aria-label=\"dinsdagochtend: maximaal aanwezig\" value=\"5\""
    ));
    assert!(page.body.contains(
        "name=\"cap_do_avond_inloop\" aria-label=\"donderdagavond: vrije inloop\" value=\"8\""
    ));

    set(&mut form, "cap_di_ochtend_max", "");
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        slots(&app, "Huiskamer De Riet").await,
        [
            (1, "ochtend".into(), 15, 5, 10),
            (1, "middag".into(), 10, 2, 0),
            (4, "avond".into(), 8, 8, 0)
        ]
    );
    let show = b.get(&page.location.unwrap()).await;
    assert!(show.body.contains("Capaciteit per dag en dagdeel"));
    for cell in [
        "15 tegelijk (5 vrije inloop, 10 op afspraak)",
        "10 tegelijk (2 vrije inloop, 0 op afspraak)",
        "8 tegelijk (8 vrije inloop, 0 op afspraak)",
    ] {
        assert!(show.body.contains(cell), "{cell}");
    }
    // Dagdelen in the order of the day, on the page and in the edit form.
    let at = |s: &str| show.body.find(s).unwrap();
    assert!(at(">Ochtend<") < at(">Middag<") && at(">Middag<") < at(">Avond<"));
    let id = app
        .id("select facility_id from facilities where name = 'Huiskamer De Riet'")
        .await;
    let edit = b.get(&format!("/almelo/voorzieningen/{id}/wijzigen")).await;
    assert!(edit.body.contains(
        "name=\"cap_ma_middag_max\" aria-label=\"maandagmiddag: maximaal aanwezig\" value=\"10\""
    ));

    let csv = crate::register_import::export(&mut b, "almelo").await;
    let line = csv
        .lines()
        .find(|l| l.contains("Huiskamer De Riet"))
        .expect("exported");
    assert!(
        line.contains("ma ochtend 15/5/10|ma middag 10/2/0|do avond 8/8/0"),
        "{line}"
    );
}

#[tokio::test]
async fn the_import_reads_capacity_per_slot_and_refuses_a_closed_dagdeel() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/voorzieningen/import").await;
    let bad = "naam;aanbieder;typen;openingstijden;capaciteit_dagdelen\n\
               Zaterdagsoos;Avedan;huiskamerproject;za 10:00-12:00;za ochtend 6/3/0|za avond 4/4/0\n";
    let page = b
        .upload("/almelo/voorzieningen/import", bad.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Op zaterdagavond bent u volgens de openingstijden gesloten"),
        "{}",
        page.body
    );
    assert_eq!(
        app.scalar_i64("select count(*) from facilities where name = 'Zaterdagsoos'")
            .await,
        0
    );
    // Per slot, and a dagdeel without a day for every day open in it.
    let good = "naam;aanbieder;typen;openingstijden;capaciteit_dagdelen\n\
                Zaterdagsoos;Avedan;huiskamerproject;wo 13:00-17:00|za 10:00-21:00;za ochtend 6/3/0|za avond 4/4/0|middag 9/1/1\n";
    let page = b
        .upload("/almelo/voorzieningen/import", good.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        slots(&app, "Zaterdagsoos").await,
        [
            (3, "middag".into(), 9, 1, 1),
            (6, "ochtend".into(), 6, 3, 0),
            (6, "middag".into(), 9, 1, 1),
            (6, "avond".into(), 4, 4, 0)
        ]
    );
}

#[tokio::test]
async fn demo_facilities_carry_capacity_per_weekday_and_dagdeel() {
    let app = TestApp::spawn().await;
    let with = app
        .scalar_i64("select count(distinct facility_id) from facility_dagdeel_capacity")
        .await;
    assert!(with >= 50, "{with} demo facilities with capacity");
    // Never for a dagdeel the facility is closed.
    let outside = app
        .scalar_i64(
            "select count(*) from facility_dagdeel_capacity c where not exists (\
               select 1 from facility_hours h where h.tenant_id = c.tenant_id and h.facility_id = c.facility_id \
               and h.weekday = c.weekday and case c.dagdeel \
                 when 'ochtend' then h.opens < '12:00' \
                 when 'middag' then h.opens < '18:00' and h.closes > '12:00' \
                 else h.closes > '18:00' end)",
        )
        .await;
    assert_eq!(outside, 0);
}
