//! Issue 26, item 8: the beoordelaar's list says what can be scored now and, when nothing can,
//! which round opens for scoring when; on the scoring page the application's answer stands with
//! the score form of each criterion.

use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_assessor_sees_what_can_be_scored_now_and_when_the_next_round_opens() {
    let app = TestApp::spawn().await;
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    let page = assessor.get("/maastricht/beoordelen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wat u nu kunt beoordelen"));
    // The demo's closed round is decided, this year's is open.
    assert!(
        page.body.contains("Er is nu niets te beoordelen"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("ronde 2027: aanvragen kunnen worden ingediend tot en met"));
}

#[tokio::test]
async fn the_answer_stands_with_the_score_form_of_its_criterion() {
    let app = TestApp::spawn().await;
    let (id, answer): (uuid::Uuid, String) = sqlx::query_as(
        "select a.application_id, v.answers->>'samenwerking' from subsidy_applications a \
         join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id and v.version = a.current_version \
         join subsidy_conflict_declarations d on d.tenant_id = a.tenant_id and d.application_id = a.application_id \
         join users u on u.user_id = d.user_id and u.email = 'beoordelaar@maastricht.demo' \
         where not d.conflicted and coalesce(v.answers->>'samenwerking', '') <> '' limit 1",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let fieldset = body
        .find("id=\"antwoord_samenwerking\"")
        .expect("the criterion");
    let first_line = answer.lines().next().unwrap();
    let shown = body[fieldset..]
        .find(&askama_escape(first_line))
        .expect("the answer in the criterion's fieldset");
    let points = body[fieldset..].find("Punten (0–10)").unwrap();
    assert!(
        shown < points,
        "the answer stands before (beside) the score form"
    );
    assert!(body[fieldset..fieldset + points].contains("score-pair__answer"));
}

fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
