//! Issue 26, items 6 and 7: the ranking page keeps the draw seed in "verantwoording van de
//! loting" and no e-mail address; a round decided after its term says so; the tie-break is a
//! choice among the round's criteria; rangschikking.csv writes decimal commas; the letter of an
//! application that is not eligible names the pass mark it missed and no cut-off total.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::subsidy::rounds;

#[tokio::test]
async fn the_ranking_accounts_for_the_draw_and_a_late_decision_without_an_email() {
    let app = TestApp::spawn().await;
    let (scheme, _, old) = rounds(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let base = format!("/maastricht/regelingen/{scheme}/rondes/{old}");
    let page = beleid.get(&format!("{base}/rangschikking")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("beleid@maastricht.demo"),
        "no e-mail address"
    );
    assert!(page
        .body
        .contains("<summary>Verantwoording van de loting</summary>"));
    let seed: i64 = app
        .scalar_i64("select draw_seed from subsidy_decisions order by decided_at limit 1")
        .await;
    let at = page
        .body
        .find(&seed.to_string())
        .expect("the seed is shown");
    assert!(
        at > page.body.find("Verantwoording van de loting").unwrap(),
        "only in the detail"
    );
    // The demo round was decided when the demo loaded, after its term, without a notice.
    assert!(page.body.contains("Te laat besloten"), "{}", page.body);
    assert!(page.body.contains("geen verdagingsbericht verstuurd"));
    // Decided within the term: no such line.
    sqlx::query("update subsidy_decisions d set decided_at = r.closes_at + interval '2 weeks' from subsidy_rounds r where r.round_id = d.round_id and r.round_id = $1")
        .bind(old)
        .execute(&app.db.admin)
        .await
        .unwrap();
    let page = beleid.get(&format!("{base}/rangschikking")).await;
    assert!(!page.body.contains("Te laat besloten"));

    let csv = beleid.get(&format!("{base}/rangschikking.csv")).await;
    let first = csv.body.lines().nth(1).unwrap();
    assert!(first.ends_with(",00") && !first.contains(".00"), "{first}");
}

#[tokio::test]
async fn the_tie_break_is_chosen_from_the_criteria_and_a_typed_code_is_refused() {
    let app = TestApp::spawn().await;
    let (scheme, _, _) = rounds(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let page = beleid
        .get(&format!("/maastricht/regelingen/{scheme}/rondes/nieuw"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<select class=\"select\" id=\"gelijkspel_huiskamer\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("<option value=\"resultaat\""));
    assert!(!page.body.contains("code van een criterium"));
}

#[tokio::test]
async fn the_letter_of_an_ineligible_application_names_the_pass_mark_not_the_cutoff() {
    let app = TestApp::spawn().await;
    let id = app
        .id("select o.application_id from subsidy_outcomes o where o.rank is null and o.outcome = 'afgewezen' limit 1")
        .await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let page = beleid
        .get(&format!(
            "/maastricht/regelingen/aanvragen/{id}/beschikking"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("de drempel niet haalt"), "{}", page.body);
    assert!(page
        .body
        .contains("het totaal aantal punten speelt dan geen rol"));
    assert!(!page.body.contains("Laagste totaal dat nog subsidie kreeg"));
    // A granted one still shows where the line lay.
    let granted = app
        .id("select application_id from subsidy_outcomes where rank is not null and granted_cents > 0 limit 1")
        .await;
    let page = beleid
        .get(&format!(
            "/maastricht/regelingen/aanvragen/{granted}/beschikking"
        ))
        .await;
    assert!(page.body.contains("Laagste totaal dat nog subsidie kreeg"));
}
