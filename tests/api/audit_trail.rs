//! The audit trail records logins (success and failure) and every change, with before/after.

use serde_json::Value;

use crate::helpers::{TestApp, DEMO_PASSWORD};

/// action, object type, result, origin, before, after, actor
type AuditRow = (
    String,
    String,
    String,
    Option<String>,
    Option<Value>,
    Option<Value>,
    String,
);

#[tokio::test]
async fn logins_and_changes_are_recorded_without_secrets() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    b.login("beheer@almelo.demo", "wrong-password-1").await;
    b.login("onbekend@almelo.demo", "wrong-password-1").await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let id = app
        .id("select user_id from users where email = 'wijkteam@almelo.demo'")
        .await;
    beheer
        .post(
            &format!("/almelo/beheer/gebruikers/{id}"),
            &[
                ("naam", "Wim van het Wijkteam"),
                ("email", "wijkteam@almelo.demo"),
                ("rollen", "wijkteam"),
                ("actief", "1"),
                ("version", "1"),
            ],
        )
        .await;
    beheer
        .post(
            "/almelo/beheer/gebieden",
            &[("code", "WK014170"), ("naam", "Proefwijk")],
        )
        .await;
    beheer.post("/uitloggen", &[]).await;

    let rows: Vec<AuditRow> = sqlx::query_as(
        // The demo data's own decisions (actor "demo") are recorded when it loads; this test is about what users did.
        "select action, object_type, result, origin, before, after, actor_label from audit_events \
         where actor_label <> 'demo' order by occurred_at",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    let summary: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.2.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            ("login", "failure"),
            ("login", "success"),
            ("gewijzigd", "success"),
            ("aangemaakt", "success"),
            ("logout", "success")
        ]
    );
    let change = &rows[2];
    assert_eq!(change.4.as_ref().unwrap()["naam"], "Wim Wijkteam");
    assert_eq!(change.5.as_ref().unwrap()["naam"], "Wim van het Wijkteam");
    assert_eq!(change.6, "beheer@almelo.demo");
    assert_eq!(change.3.as_deref(), Some("127.0.0.1"));

    // A failed login for an unknown address belongs to no tenant.
    let system: i64 = sqlx::query_scalar(
        "select count(*) from system_audit_events where action = 'login' and result = 'failure' and object_id = 'onbekend@almelo.demo'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(system, 1);

    let all: String = sqlx::query_scalar("select string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ' ') from audit_events")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert!(
        !all.contains("argon2") && !all.contains(DEMO_PASSWORD) && !all.contains("wrong-password")
    );

    // The beheerder sees the trail, field by field.
    let mut beheer = app.login("beheer@almelo.demo").await;
    let page = beheer.get("/almelo/beheer/logboek").await;
    assert!(page.body.contains("Wim Wijkteam → Wim van het Wijkteam"));
    assert!(page.body.contains("mislukt"));
}

#[tokio::test]
async fn system_audit_events_are_kept_for_their_retention_period_and_tenant_events_for_good() {
    let db = crate::helpers::test_db(true).await;
    sqlx::query(
        "insert into system_audit_events (actor_label, action, object_type, object_id, result, origin, occurred_at) values \
         ('oud@voorbeeld.nl', 'login', 'gebruiker', 'oud@voorbeeld.nl', 'failure', '192.0.2.1', now() - interval '40 days'), \
         ('recent@voorbeeld.nl', 'login', 'gebruiker', 'recent@voorbeeld.nl', 'denied', '192.0.2.1', now() - interval '10 days')",
    )
    .execute(&db.admin)
    .await
    .unwrap();
    sqlx::query(
        "insert into audit_events (tenant_id, actor_label, action, object_type, object_id, result, occurred_at) \
         select tenant_id, 'oud', 'login', 'gebruiker', 'oud', 'failure', now() - interval '5 years' from tenants where slug = 'almelo'",
    )
    .execute(&db.admin)
    .await
    .unwrap();
    let app = TestApp::serve(
        db,
        voorzieningen::config::Settings {
            system_audit_retention_days: 30,
            ..Default::default()
        },
    )
    .await;
    // The server purges at start and every ten minutes.
    let mut left = 1;
    for _ in 0..100 {
        left = app
            .scalar_i64(
                "select count(*) from system_audit_events where actor_label = 'oud@voorbeeld.nl'",
            )
            .await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "the event past the retention period is gone");
    assert_eq!(
        app.scalar_i64(
            "select count(*) from system_audit_events where actor_label = 'recent@voorbeeld.nl'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where actor_label = 'oud'")
            .await,
        1,
        "the tenant's own trail is kept"
    );
}
