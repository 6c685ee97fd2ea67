//! Subsidy decisions that cannot be gamed or paid twice: objections decided at once, the price
//! rule's sound basis and its outliers, completions limited to what was asked, and conflicts of
//! interest that bind.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::subsidy::{category, rounds, ExecuteSql};

/// The huiskamer application of last year's decided round that was refused (below the pass
/// mark on inclusie), with `n` objections against it registered on time.
async fn refused_with_objections(app: &TestApp, n: usize) -> (Uuid, Vec<Uuid>) {
    let (_, _, old) = rounds(app).await;
    let huiskamer = category(app, old, "huiskamer").await;
    let refused = app
        .id(&format!("select application_id from subsidy_outcomes where category_id = '{huiskamer}' and round_id = '{old}' and not eligible"))
        .await;
    for i in 0..n {
        app.db
            .admin
            .execute_sql(&format!(
                "insert into subsidy_objections (tenant_id, application_id, received_on, channel, grounds, on_time, registered_by) \
                 select tenant_id, application_id, current_date, 'digitaal', 'Bezwaar {i}: de inclusie is onderschat.', true, 'test' \
                 from subsidy_applications where application_id = '{refused}'"
            ))
            .await;
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "select objection_id from subsidy_objections where application_id = '{refused}' order by grounds"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    (refused, ids)
}

#[tokio::test]
async fn objections_decided_at_once_schedule_the_extra_money_once() {
    let app = TestApp::spawn().await;
    let (refused, objections) = refused_with_objections(&app, 24).await;
    // Two officials, each pressing for half of the objections.
    let mut officials = Vec::new();
    for _ in 0..2 {
        let mut b = app.login("beleid@maastricht.demo").await;
        b.get(&format!(
            "/maastricht/regelingen/bezwaren/{}",
            objections[0]
        ))
        .await;
        officials.push(b);
    }
    let form = [
        ("uitkomst", "gegrond"),
        ("motivering", "De inclusie is bij nader inzien voldoende."),
        ("punten_samenwerking", "7"),
        ("punten_resultaat", "7"),
        ("punten_inclusie", "8"),
        ("punten_duurzaamheid", "7"),
        ("actie", "beslissen"),
    ];
    let mut requests = Vec::new();
    for (i, objection) in objections.iter().enumerate() {
        let beleid = &officials[i % 2];
        let url = format!(
            "{}/maastricht/regelingen/bezwaren/{objection}/beslissen",
            beleid.base_url()
        );
        let client = beleid.client.clone();
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields.push(("csrf_token".into(), beleid.csrf.clone()));
        requests.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for r in requests {
        assert_eq!(r.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_objections where application_id = '{refused}' and outcome = 'gegrond'"
        ))
        .await,
        24
    );
    let granted = app
        .scalar_i64(&format!(
            "select granted_cents from subsidy_current_outcomes where application_id = '{refused}'"
        ))
        .await;
    assert!(granted > 0, "the objector is granted after the objection");
    let paid = app
        .scalar_i64(&format!(
            "select coalesce(sum(amount_cents), 0)::bigint from subsidy_payments where application_id = '{refused}'"
        ))
        .await;
    assert_eq!(paid, granted, "the extra money is scheduled once");
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_objections where application_id = '{refused}' and granted_after_cents is not null"
        ))
        .await,
        1,
        "one objection re-decided the grant; the others found it re-decided"
    );
}
