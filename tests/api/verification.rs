//! Providers keep their data current (issue 16, item 6): an aanbieder confirms "gegevens
//! kloppen nog" on its own facilities, saving counts as confirming, its start page lists what
//! is due (11 months and older), and with SMTP a weekly e-mail reminds it.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::register::{facility_form, post_form};

async fn set_verified(app: &TestApp, id: Uuid, days_ago: i32) {
    sqlx::query("update facilities set verified_on = (now() at time zone 'Europe/Amsterdam')::date - $2, verified_by = 'Iemand' where facility_id = $1")
        .bind(id)
        .bind(days_ago)
        .execute(&app.db.admin)
        .await
        .unwrap();
}

async fn verified(app: &TestApp, id: Uuid) -> (bool, String) {
    sqlx::query_as(
        "select coalesce(verified_on = (now() at time zone 'Europe/Amsterdam')::date, false), verified_by from facilities where facility_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.admin)
    .await
    .unwrap()
}

const OWN: &str = "select f.facility_id from facilities f join users u on u.tenant_id = f.tenant_id and u.provider_id = f.provider_id \
                   where u.email = 'aanbieder@almelo.demo' and not f.archived order by f.name";

#[tokio::test]
async fn an_aanbieder_confirms_its_data_and_sees_what_is_due() {
    let app = TestApp::spawn().await;
    let own: Vec<Uuid> = sqlx::query_scalar(OWN)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    assert!(own.len() >= 2, "the demo aanbieder has two facilities");
    let (due, recent) = (own[0], own[1]);
    let other = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' \
                        and f.provider_id <> (select provider_id from users where email = 'aanbieder@almelo.demo') limit 1").await;
    let elsewhere = app
        .id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1")
        .await;
    sqlx::query("update facilities set verified_on = (now() at time zone 'Europe/Amsterdam')::date, verified_by = 'Iemand'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    set_verified(&app, due, 340).await;
    set_verified(&app, recent, 300).await;
    set_verified(&app, other, 400).await;
    let name = |id: Uuid| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>("select name from facilities where facility_id = $1")
                .bind(id)
                .fetch_one(&app.db.admin)
                .await
                .unwrap()
        }
    };
    let (due_name, recent_name, other_name) =
        (name(due).await, name(recent).await, name(other).await);

    // The start page: its own facility past 11 months, not the fresher one, not another's.
    let mut b = app.login("aanbieder@almelo.demo").await;
    let home = b.get("/almelo/").await;
    assert!(home.body.contains("Kloppen uw gegevens nog?"));
    let section = &home.body[home.body.find("te-controleren").unwrap()..];
    assert!(section.contains(&due_name), "due: {due_name}");
    assert!(
        !section.contains(&format!(">{recent_name}<")),
        "not due yet"
    );
    assert!(!home.body.contains(&other_name));
    assert!(section.contains(&format!("/almelo/voorzieningen/{due}/gecontroleerd")));

    // Confirming, from the start page (the answer before was 403).
    let page = b
        .post(
            &format!("/almelo/voorzieningen/{due}/gecontroleerd"),
            &[("terug", "start")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/almelo/?melding=gecontroleerd")
    );
    assert_eq!(verified(&app, due).await, (true, "Anouk Aanbieder".into()));
    let home = b.get("/almelo/?melding=gecontroleerd").await;
    assert!(home.body.contains("de gegevens zijn bevestigd"));
    assert!(home
        .body
        .contains("Alle voorzieningen van uw organisatie zijn in het afgelopen jaar bevestigd"));
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from audit_events where action = 'gecontroleerd' and object_id = '{due}' and actor_label = 'aanbieder@almelo.demo'")).await,
        1
    );
    // The facility page offers it to the aanbieder.
    let show = b.get(&format!("/almelo/voorzieningen/{recent}")).await;
    assert!(show.body.contains("Gegevens kloppen nog"));

    // Not another organisation's, not another tenant's, not as wijkteam.
    for id in [other, elsewhere] {
        let page = b
            .post(&format!("/almelo/voorzieningen/{id}/gecontroleerd"), &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{id}");
    }
    let page = b
        .post(
            &format!("/maastricht/voorzieningen/{elsewhere}/gecontroleerd"),
            &[],
        )
        .await;
    assert!(matches!(
        page.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    assert!(!verified(&app, other).await.0);
    assert_eq!(verified(&app, elsewhere).await.1, "Iemand");
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    wijkteam
        .get(&format!("/almelo/voorzieningen/{recent}"))
        .await;
    assert_eq!(
        wijkteam
            .post(
                &format!("/almelo/voorzieningen/{recent}/gecontroleerd"),
                &[]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Saving the facility counts as confirming it.
    let version: i32 = sqlx::query_scalar("select version from facilities where facility_id = $1")
        .bind(recent)
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    let provider = app
        .id("select provider_id from users where email = 'aanbieder@almelo.demo'")
        .await;
    let mut form = facility_form(&provider.to_string());
    form.retain(|(k, _)| *k != "version" && *k != "naam");
    form.push(("version", version.to_string()));
    form.push(("naam", recent_name.clone()));
    b.get(&format!("/almelo/voorzieningen/{recent}/wijzigen"))
        .await;
    let page = post_form(&mut b, &format!("/almelo/voorzieningen/{recent}"), &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        verified(&app, recent).await,
        (true, "Anouk Aanbieder".into())
    );
}

#[tokio::test]
async fn aanbieders_get_a_weekly_reminder_of_what_is_due() {
    let (port, mut mails) = crate::mail::smtp_sink().await;
    let settings = voorzieningen::config::Settings {
        public_url: Some("https://register.example.nl".into()),
        smtp: Some(voorzieningen::config::SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        ..voorzieningen::config::Settings::default()
    };
    let app = TestApp::spawn_with(settings.clone()).await;
    sqlx::query("update facilities set verified_on = (now() at time zone 'Europe/Amsterdam')::date, verified_by = 'Iemand'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let state =
        voorzieningen::AppState::new(voorzieningen::db::Db::new(app.db.app.clone()), settings);
    let send = || voorzieningen::register::facilities::verification::send_reminders(&state);
    assert_eq!(send().await.unwrap(), 0, "nothing due, no mail");
    let own: Vec<Uuid> = sqlx::query_scalar(OWN)
        .fetch_all(&app.db.admin)
        .await
        .unwrap();
    sqlx::query("update facilities set verified_on = null where facility_id = $1")
        .bind(own[0])
        .execute(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(
        send().await.unwrap(),
        1,
        "the one aanbieder user of that organisation"
    );
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    // Quoted-printable: undo its soft line breaks.
    let mail = mail.replace("=\r\n", "").replace("=\n", "");
    assert!(mail.contains("To: aanbieder@almelo.demo"), "{mail}");
    assert!(mail.contains("nog nooit"), "{mail}");
    assert!(
        mail.contains(&format!(
            "https://register.example.nl/almelo/voorzieningen/{}",
            own[0]
        )),
        "{mail}"
    );
    assert_eq!(send().await.unwrap(), 0, "once a week");
    assert_eq!(
        app.scalar_i64("select count(*) from verification_reminders")
            .await,
        1
    );
}
