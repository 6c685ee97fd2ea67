//! Issue 24, item 7: a payment is recorded as paid on a date between the decision it rests on
//! and today; 1900-01-01 and the day before the decision are refused at the field, with the
//! date kept, and twenty presses at once record it once.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;

/// An unpaid payment of a grant of last year's Maastricht round (decided when the demo loaded,
/// that is today), and the month of the page that lists it.
async fn unpaid_payment(app: &TestApp) -> (Uuid, String) {
    let payment = app
        .id("select y.payment_id from subsidy_payments y join subsidy_outcomes o using (tenant_id, application_id) \
             where y.paid_on is null and o.granted_cents > 0 order by y.due_on, y.payment_id limit 1")
        .await;
    let month: String = sqlx::query_scalar(
        "select to_char(due_on, 'YYYY-MM') from subsidy_payments where payment_id = $1",
    )
    .bind(payment)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    (payment, month)
}

async fn paid_on(app: &TestApp, payment: Uuid) -> Option<String> {
    sqlx::query_scalar("select paid_on::text from subsidy_payments where payment_id = $1")
        .bind(payment)
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_payment_date_before_the_decision_is_refused_with_the_date_kept() {
    let app = TestApp::spawn().await;
    let (payment, month) = unpaid_payment(&app).await;
    let decided: String = sqlx::query_scalar(
        "select to_char(o.decided_at at time zone 'Europe/Amsterdam', 'YYYY-MM-DD') from subsidy_payments y \
         join subsidy_outcomes o using (tenant_id, application_id) where y.payment_id = $1",
    )
    .bind(payment)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let day_before: String = sqlx::query_scalar("select (($1::date) - 1)::text")
        .bind(&decided)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    let mut beleid = app.login("beleid@maastricht.demo").await;
    beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    let path = format!("/maastricht/regelingen/betalingen/{payment}/betaald");
    for refused in ["1900-01-01", day_before.as_str()] {
        let page = beleid
            .post(&path, &[("betaald_op", refused), ("maand", &month)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(
            page.body
                .contains("De betaaldatum ligt vóór het besluit waarop deze betaling berust"),
            "{refused}: {}",
            page.body
        );
        assert!(page.body.contains("Controleer het formulier"));
        assert!(
            page.body.contains(&format!("value=\"{refused}\"")),
            "the date typed is kept"
        );
        assert!(page.body.contains(&format!("href=\"#betaald-{payment}\"")));
        assert_eq!(paid_on(&app, payment).await, None);
    }
    // Nonsense and the future: also at the field, never a 500.
    for (typed, message) in [
        ("gisteren", "Vul de betaaldatum in als jaar, maand en dag"),
        ("2026-02-30", "Vul de betaaldatum in als jaar, maand en dag"),
        ("9999-12-31", "De betaaldatum ligt in de toekomst"),
    ] {
        let page = beleid
            .post(&path, &[("betaald_op", typed), ("maand", &month)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(page.body.contains(message), "{typed}");
    }
    assert_eq!(paid_on(&app, payment).await, None);

    // The decision's own day is accepted (after the confirmation), and recorded in the audit trail.
    let page = beleid
        .post(
            &path,
            &[
                ("betaald_op", &decided),
                ("maand", &month),
                ("bevestigd", "ja"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(paid_on(&app, payment).await, Some(decided.clone()));
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'betaald' and after->>'betaling' = '{payment}' \
             and after->>'betaald_op' = '{decided}'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_payment_pressed_twenty_times_at_once_is_recorded_once() {
    let app = TestApp::spawn().await;
    let (payment, month) = unpaid_payment(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    let url = app.url(&format!(
        "/maastricht/regelingen/betalingen/{payment}/betaald"
    ));
    let today = crate::payment_undo::today(&app).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = beleid.client.clone();
        let url = url.clone();
        let today = today.clone();
        let token = beleid.csrf.clone();
        set.spawn(async move {
            client
                .post(url)
                .form(&[
                    ("betaald_op", today.as_str()),
                    ("bevestigd", "ja"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    let recorded = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    assert_eq!((recorded, refused), (1, 19), "{statuses:?}");
    assert!(paid_on(&app, payment).await.is_some());
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'betaald' and after->>'betaling' = '{payment}'"
        ))
        .await,
        1
    );
}
