//! The obligations of a grant come from one source: the decision letter and the application
//! page name the same reports by the same day, computed from the round's amount bands and
//! accountability months, and the letter adds only what the round asks besides.

use reqwest::StatusCode;
use time::Date;
use uuid::Uuid;
use voorzieningen::web::time_fmt;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_letter_and_the_application_page_name_the_same_obligations() {
    let app = TestApp::spawn().await;
    // A grant of the demo's decided round that owes a report not yet filed.
    let id: Uuid = app
        .id(
            "select o.application_id from subsidy_outcomes o \
             join subsidy_applications a using (tenant_id, application_id) \
             join subsidy_rounds r on r.tenant_id = a.tenant_id and r.round_id = a.round_id \
             where o.granted_cents >= r.settle_direct_below_cents \
             and not exists (select 1 from subsidy_reports p where p.application_id = o.application_id) \
             and not exists (select 1 from subsidy_settlements s where s.application_id = o.application_id) \
             order by o.granted_cents limit 1",
        )
        .await;
    let (granted, financial_from, due): (i64, i64, Date) = sqlx::query_as(
        "select o.granted_cents, r.financial_report_from_cents, \
                (r.period_end + make_interval(months => r.accountability_months))::date \
         from subsidy_outcomes o join subsidy_applications a using (tenant_id, application_id) \
         join subsidy_rounds r on r.tenant_id = a.tenant_id and r.round_id = a.round_id \
         where o.application_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let reports = if granted >= financial_from {
        "een activiteitenverslag en een financieel verslag met de gerealiseerde begroting"
    } else {
        "een activiteitenverslag"
    };
    let expected = format!("{reports}, uiterlijk op {}", time_fmt::date(due));

    let mut beleid = app.login("beleid@maastricht.demo").await;
    let letter = beleid
        .get(&format!(
            "/maastricht/regelingen/aanvragen/{id}/beschikking"
        ))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains("Uw verplichtingen"));
    assert!(
        letter.body.contains(&expected),
        "the letter says {expected}:\n{}",
        letter.body
    );
    assert!(
        !letter.body.contains("1 mei"),
        "no other day for the reports than the computed one"
    );
    assert!(
        letter
            .body
            .contains("Tussentijds melden als activiteiten niet of niet geheel doorgaan."),
        "what the round asks besides"
    );
    let page = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&expected), "the page says {expected}");
    assert!(page
        .body
        .contains("Tussentijds melden als activiteiten niet of niet geheel doorgaan."));
    // The PDF is the same letter.
    let pdf = beleid
        .client
        .get(format!(
            "{}/maastricht/regelingen/aanvragen/{id}/beschikking.pdf",
            beleid.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);

    // The round says how the obligations follow from the bands, and the form asks only for
    // what comes besides.
    let (scheme, round): (Uuid, Uuid) = sqlx::query_as(
        "select r.scheme_id, r.round_id from subsidy_applications a join subsidy_rounds r using (tenant_id, round_id) \
         where a.application_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let round_page = beleid
        .get(&format!("/maastricht/regelingen/{scheme}/rondes/{round}"))
        .await;
    assert!(round_page
        .body
        .contains(&format!("uiterlijk op {}", time_fmt::date(due))));
    assert!(round_page
        .body
        .contains("Zo staat het in elke beschikking."));
}
