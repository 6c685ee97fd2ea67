//! Issue 26, item 4: "betaald" needs a date (today filled in, visibly) and a confirmation; a
//! payment marked paid by mistake is undone with a reason, audited with before and after; pays
//! and undos pressed at once happen once each, in turn; another tenant cannot reach it.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;

/// Today in Europe/Amsterdam, as the date field holds it.
pub(crate) async fn today(app: &TestApp) -> String {
    sqlx::query_scalar("select ((now() at time zone 'Europe/Amsterdam')::date)::text")
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
}

/// An unpaid payment of last year's decided Maastricht round and its month.
async fn unpaid(app: &TestApp) -> (Uuid, String) {
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
async fn paying_needs_a_date_and_a_confirmation_and_an_empty_date_is_never_today() {
    let app = TestApp::spawn().await;
    let (payment, month) = unpaid(&app).await;
    let today = today(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let page = beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // Today is filled in where it can be seen, and the field is required.
    assert!(
        page.body.contains(&format!(
            "id=\"betaald-{payment}\" name=\"betaald_op\" type=\"date\" required value=\"{today}\""
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("textbox--date"));
    let path = format!("/maastricht/regelingen/betalingen/{payment}/betaald");
    // Empty (even with the confirmation) is refused at the field.
    for fields in [
        vec![("betaald_op", ""), ("maand", month.as_str())],
        vec![("betaald_op", "  "), ("bevestigd", "ja")],
    ] {
        let page = beleid.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Vul de betaaldatum in"), "{}", page.body);
        assert_eq!(paid_on(&app, payment).await, None);
    }
    // A good date asks first: the confirmation page, nothing recorded yet.
    let page = beleid
        .post(&path, &[("betaald_op", &today), ("maand", &month)])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Betaling bevestigen"));
    assert!(page.body.contains("name=\"bevestigd\" value=\"ja\""));
    assert!(page.body.contains(&format!("value=\"{today}\"")));
    assert_eq!(paid_on(&app, payment).await, None);
    // A "bevestigd" other than "ja" is no confirmation.
    let page = beleid
        .post(&path, &[("betaald_op", &today), ("bevestigd", "1")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(paid_on(&app, payment).await, None);
    let page = beleid
        .post(
            &path,
            &[
                ("betaald_op", &today),
                ("maand", &month),
                ("bevestigd", "ja"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(paid_on(&app, payment).await, Some(today.clone()));
    // A month that is no month does not go into the link back.
    let page = beleid
        .post(
            &path,
            &[("betaald_op", &today), ("maand", "x\r\nSet-Cookie: a=b")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "already paid");
}

#[tokio::test]
async fn a_payment_marked_paid_by_mistake_is_undone_with_a_reason_and_audited() {
    let app = TestApp::spawn().await;
    let (payment, month) = unpaid(&app).await;
    let today = today(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    let pay = format!("/maastricht/regelingen/betalingen/{payment}/betaald");
    let undo = format!("/maastricht/regelingen/betalingen/{payment}/ongedaan");
    // Nothing to undo yet.
    let page = beleid
        .post(&undo, &[("reden", "per vergissing"), ("maand", &month)])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    beleid
        .post(&pay, &[("betaald_op", &today), ("bevestigd", "ja")])
        .await;
    let page = beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    assert!(page.body.contains("Ongedaan maken"));
    // No reason, or too short or too long: the form back at the row, still paid.
    for reason in ["", "  ", "oeps", &"x".repeat(1001)] {
        let page = beleid
            .post(&undo, &[("reden", reason), ("maand", &month)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains(&format!("href=\"#terug-{payment}\"")));
        assert_eq!(paid_on(&app, payment).await, Some(today.clone()));
    }
    let page = beleid
        .post(
            &undo,
            &[
                ("reden", "Per vergissing als betaald gemarkeerd"),
                ("maand", &month),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(paid_on(&app, payment).await, None);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'betaling_ongedaan' \
             and before->>'betaald_op' = '{today}' and before->>'betaling' = '{payment}' \
             and after->>'betaald_op' is null and after->>'reden' = 'Per vergissing als betaald gemarkeerd'"
        ))
        .await,
        1
    );
    // Once undone, twice is refused; it can be paid again.
    let page = beleid.post(&undo, &[("reden", "nog een keer")]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = beleid
        .post(&pay, &[("betaald_op", &today), ("bevestigd", "ja")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // After a settlement on accountability the payment is part of it: no undo here.
    let application = app
        .id(&format!(
            "select application_id from subsidy_payments where payment_id = '{payment}'"
        ))
        .await;
    sqlx::query(
        "insert into subsidy_settlements (tenant_id, application_id, settled_cents, granted_cents, paid_cents, claim_cents, settled_by) \
         select o.tenant_id, o.application_id, o.granted_cents, o.granted_cents, 0, 0, 'test' from subsidy_outcomes o \
         where o.application_id = $1 on conflict (tenant_id, application_id) do update set direct = false",
    )
    .bind(application)
    .execute(&app.db.admin)
    .await
    .unwrap();
    let page = beleid.post(&undo, &[("reden", "per vergissing")]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("al vastgesteld"));
    assert!(paid_on(&app, payment).await.is_some());
}

#[tokio::test]
async fn pays_and_undos_pressed_at_once_each_happen_in_turn() {
    let app = TestApp::spawn().await;
    let (payment, month) = unpaid(&app).await;
    let today = today(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    beleid
        .get(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    let pay = app.url(&format!(
        "/maastricht/regelingen/betalingen/{payment}/betaald"
    ));
    let undo = app.url(&format!(
        "/maastricht/regelingen/betalingen/{payment}/ongedaan"
    ));
    // Twenty undos of a paid payment at once: one undoes it.
    beleid
        .post(
            &format!("/maastricht/regelingen/betalingen/{payment}/betaald"),
            &[("betaald_op", &today), ("bevestigd", "ja")],
        )
        .await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url, token) = (beleid.client.clone(), undo.clone(), beleid.csrf.clone());
        set.spawn(async move {
            client
                .post(url)
                .form(&[("reden", "dubbel geklikt"), ("csrf_token", token.as_str())])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    let done = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(done, 1, "{statuses:?}");
    assert_eq!(paid_on(&app, payment).await, None);

    // Twenty pays and twenty undos mixed: they alternate, and the audit trail tells the state.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (client, token, today) = (beleid.client.clone(), beleid.csrf.clone(), today.clone());
        let url = if i % 2 == 0 {
            pay.clone()
        } else {
            undo.clone()
        };
        set.spawn(async move {
            client
                .post(url)
                .form(&[
                    ("betaald_op", today.as_str()),
                    ("bevestigd", "ja"),
                    ("reden", "dubbel geklikt"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::BAD_REQUEST));
    let paid = app
        .scalar_i64(&format!(
            "select count(*) from audit_events where action = 'betaald' and after->>'betaling' = '{payment}'"
        ))
        .await;
    let undone = app
        .scalar_i64(&format!(
            "select count(*) from audit_events where action = 'betaling_ongedaan' and before->>'betaling' = '{payment}'"
        ))
        .await;
    let now_paid = i64::from(paid_on(&app, payment).await.is_some());
    assert_eq!(paid - undone, now_paid, "paid {paid}, undone {undone}");
}

#[tokio::test]
async fn another_tenant_or_a_reader_cannot_pay_or_undo() {
    let app = TestApp::spawn().await;
    let (payment, _) = unpaid(&app).await;
    let today = today(&app).await;
    let mut almelo = app.login("beleid@almelo.demo").await;
    for action in ["betaald", "ongedaan"] {
        let page = almelo
            .post(
                &format!("/almelo/regelingen/betalingen/{payment}/{action}"),
                &[
                    ("betaald_op", &today),
                    ("bevestigd", "ja"),
                    ("reden", "zomaar iets"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
        let page = almelo
            .post(
                &format!("/maastricht/regelingen/betalingen/{payment}/{action}"),
                &[
                    ("betaald_op", &today),
                    ("bevestigd", "ja"),
                    ("reden", "zomaar iets"),
                ],
            )
            .await;
        assert!(
            matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{action}: {}",
            page.status
        );
    }
    let mut reader = app.login("beoordelaar@maastricht.demo").await;
    let page = reader
        .post(
            &format!("/maastricht/regelingen/betalingen/{payment}/betaald"),
            &[("betaald_op", &today), ("bevestigd", "ja")],
        )
        .await;
    assert!(matches!(
        page.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    assert_eq!(paid_on(&app, payment).await, None);
}
