//! The objection term by the Algemene termijnenwet: Goede Vrijdag counts as a general holiday,
//! the days a decree declares equal come from data shipped with the product (2023–2028) and
//! extended by the operator, and a term reaching a year no decree covers is flagged on the
//! deadlines page.

use reqwest::StatusCode;
use uuid::Uuid;
use voorzieningen::termijnenwet::store;

use crate::helpers::{Browser, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_voorzieningen");

async fn sql(app: &TestApp, statement: &str) {
    sqlx::query(statement).execute(&app.db.admin).await.unwrap();
}

/// A decided application of the demo, its decision now "sent" on `sent` (Amsterdam, 10:00).
async fn decided_on(app: &TestApp, id: Uuid, sent: &str) {
    sql(
        app,
        &format!(
            "update subsidy_outcomes set decided_at = ('{sent} 10:00'::timestamp at time zone 'Europe/Amsterdam') \
             where application_id = '{id}'"
        ),
    )
    .await;
}

async fn letter(beleid: &mut Browser, id: Uuid) -> String {
    let page = beleid
        .get(&format!(
            "/maastricht/regelingen/aanvragen/{id}/beschikking"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.body
}

#[tokio::test]
async fn the_objection_term_skips_goede_vrijdag_and_the_friday_after_hemelvaartsdag() {
    let app = TestApp::spawn().await;
    let id = app
        .id("select application_id from subsidy_outcomes order by application_id limit 1")
        .await;
    let mut beleid = app.login("beleid@maastricht.demo").await;

    // Sent 12 februari 2027: six weeks end on Goede Vrijdag, then the Easter weekend and
    // Tweede Paasdag.
    decided_on(&app, id, "2027-02-12").await;
    let body = letter(&mut beleid, id).await;
    assert!(
        body.contains("Deze brief is verzonden op 12 februari 2027"),
        "{body}"
    );
    assert!(
        body.contains("uiterlijk op 30 maart 2027 zijn ontvangen"),
        "not 26 maart (Goede Vrijdag): {body}"
    );
    // Sent 26 maart 2027: six weeks end on Friday 7 mei, which the decree for 2026–2028
    // declares equal to a general holiday.
    decided_on(&app, id, "2027-03-26").await;
    let body = letter(&mut beleid, id).await;
    assert!(
        body.contains("uiterlijk op 10 mei 2027 zijn ontvangen"),
        "not 7 mei: {body}"
    );

    // The deadlines page: an objection on that decision is decided six weeks after 10 mei.
    sql(
        &app,
        &format!(
            "insert into subsidy_objections (tenant_id, application_id, received_on, channel, grounds, on_time, registered_by) \
             select tenant_id, application_id, date '2027-04-20', 'digitaal', 'Te weinig punten', true, 'test' \
             from subsidy_applications where application_id = '{id}'"
        ),
    )
    .await;
    let page = beleid.get("/maastricht/regelingen/termijnen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("21 juni 2027"), "{}", page.body);
    assert!(page
        .body
        .contains("zijn in het register bekend voor 2023 tot en met 2028"));
    assert!(!page.body.contains("termijnenwet-waarschuwing"));
}

#[tokio::test]
async fn a_term_reaching_a_year_no_decree_covers_is_flagged_until_the_operator_adds_the_decree() {
    let app = TestApp::spawn().await;
    let id = app
        .id("select application_id from subsidy_outcomes order by application_id limit 1")
        .await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    // Sent 24 november 2028: the objection term ends in 2029, the decision on an objection too.
    decided_on(&app, id, "2028-11-24").await;
    sql(
        &app,
        &format!(
            "insert into subsidy_objections (tenant_id, application_id, received_on, channel, grounds, on_time, registered_by) \
             select tenant_id, application_id, date '2028-12-01', 'digitaal', 'Te weinig punten', true, 'test' \
             from subsidy_applications where application_id = '{id}'"
        ),
    )
    .await;
    let page = beleid.get("/maastricht/regelingen/termijnen").await;
    assert!(
        page.body.contains("id=\"termijnenwet-waarschuwing\""),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("termijnen op deze pagina lopen tot in 2029"));
    assert!(page
        .body
        .contains("2029: geen besluit gelijkgestelde dagen"));

    // Sent 30 maart 2029: six weeks end on Friday 11 mei 2029, the day after Hemelvaartsdag;
    // no decree covers 2029 yet, so it is no holiday.
    decided_on(&app, id, "2029-03-30").await;
    let body = letter(&mut beleid, id).await;
    assert!(
        body.contains("uiterlijk op 11 mei 2029 zijn ontvangen"),
        "{body}"
    );

    // The operator adds the decree (what `voorzieningen termijnenwet add` does).
    let known = store::load(&app.db.admin).await.unwrap();
    let decree = store::parse(
        "Besluit gelijkstelling van 11 mei 2029 met een algemeen erkende feestdag",
        "2029-2031",
        &["2029-05-11".to_string()],
        &known,
    )
    .unwrap();
    store::add(&app.db.admin, &decree).await.unwrap();
    // The server reads the decrees again within five minutes; here at once.
    app.state.calendars.forget();
    let body = letter(&mut beleid, id).await;
    assert!(
        body.contains("uiterlijk op 14 mei 2029 zijn ontvangen"),
        "{body}"
    );
    decided_on(&app, id, "2028-11-24").await;
    let page = beleid.get("/maastricht/regelingen/termijnen").await;
    assert!(!page.body.contains("termijnenwet-waarschuwing"));
    assert!(page
        .body
        .contains("zijn in het register bekend voor 2023 tot en met 2031"));
}

#[tokio::test]
async fn the_operator_lists_and_extends_the_decrees_from_the_command_line() {
    let data = crate::helpers::cluster_dir("termijnenwet-cli");
    let _ = std::fs::remove_dir_all(&data);
    let run = |args: &[&str]| {
        std::process::Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let list = run(&["termijnenwet", "list"]);
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let out = String::from_utf8_lossy(&list.stdout);
    assert!(
        out.contains("2026-2028  Besluit gelijkstelling van 2 januari 2026"),
        "{out}"
    );
    assert!(
        out.contains("2027-05-07  vrijdag na Hemelvaartsdag"),
        "{out}"
    );
    let overlap = run(&[
        "termijnenwet",
        "add",
        "--title",
        "Dubbel",
        "--years",
        "2028-2030",
    ]);
    assert!(!overlap.status.success());
    assert!(String::from_utf8_lossy(&overlap.stderr).contains("overlap"));
    let saturday = run(&[
        "termijnenwet",
        "add",
        "--title",
        "Besluit",
        "--years",
        "2029-2031",
        "--day",
        "2029-05-12",
    ]);
    assert!(!saturday.status.success());
    assert!(String::from_utf8_lossy(&saturday.stderr).contains("Saturday or Sunday"));
    let added = run(&[
        "termijnenwet",
        "add",
        "--title",
        "Besluit gelijkstelling van 11 mei 2029 met een algemeen erkende feestdag",
        "--years",
        "2029-2031",
        "--day",
        "2029-05-11",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = String::from_utf8_lossy(&run(&["termijnenwet", "list"]).stdout).to_string();
    assert!(
        out.contains("2029-2031  Besluit gelijkstelling van 11 mei 2029"),
        "{out}"
    );
    assert!(
        out.contains("2029-05-11  vrijdag na Hemelvaartsdag"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&data);
}
