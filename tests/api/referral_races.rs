//! Issue 24, item 6: corrections of a referral count, sent at once, never take a month below
//! zero; nor does undoing a referral that a correction already took off.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;

/// The month count of `facility` by route `wijkteam` in the month of `day`.
async fn month_count(app: &TestApp, facility: Uuid, day: &str) -> i64 {
    app.scalar_i64(&format!(
        "select coalesce(sum(weight), 0)::bigint from referrals where facility_id = '{facility}' \
         and route = 'wijkteam' and date_trunc('month', referred_on) = date_trunc('month', '{day}'::date)"
    ))
    .await
}

async fn repair_cafe(app: &TestApp) -> Uuid {
    app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await
}

#[tokio::test]
async fn concurrent_corrections_never_take_a_month_below_zero() {
    let app = TestApp::spawn().await;
    let id = repair_cafe(&app).await;
    // A month long past that holds exactly one referral by this route.
    let day = "2023-03-15";
    sqlx::query(
        "delete from referrals where facility_id = $1 and route = 'wijkteam' \
         and date_trunc('month', referred_on) = date '2023-03-01'",
    )
    .bind(id)
    .execute(&app.db.admin)
    .await
    .unwrap();
    sqlx::query(
        "insert into referrals (tenant_id, facility_id, referred_on, route) \
         select tenant_id, facility_id, date '2023-03-10', 'wijkteam' from facilities where facility_id = $1",
    )
    .bind(id)
    .execute(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(month_count(&app, id, day).await, 1);

    let mut beleid = app.login("beleid@almelo.demo").await;
    beleid.get(&format!("/almelo/voorzieningen/{id}")).await;
    let url = app.url(&format!(
        "/almelo/voorzieningen/{id}/verwijzingen/correctie"
    ));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..24 {
        let client = beleid.client.clone();
        let url = url.clone();
        let token = beleid.csrf.clone();
        set.spawn(async move {
            let reason = format!("Dubbel geteld, poging {i}");
            client
                .post(url)
                .form(&[
                    ("datum", day),
                    ("route", "wijkteam"),
                    ("aantal", "-1"),
                    ("reden", reason.as_str()),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses: Vec<StatusCode> = set.join_all().await;
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((accepted, refused), (1, 23), "{statuses:?}");
    assert_eq!(month_count(&app, id, day).await, 0);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'verwijzingen_gecorrigeerd' and object_id = '{id}'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_undo_after_a_correction_took_the_referral_off_is_refused() {
    let app = TestApp::spawn().await;
    let id = repair_cafe(&app).await;
    let today: String = sqlx::query_scalar("select current_date::text")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    wijkteam.get(&format!("/almelo/voorzieningen/{id}")).await;
    let page = wijkteam
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[
                ("datum", &today),
                ("route", "wijkteam"),
                ("reden", ""),
                ("wijk", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let referral = app
        .id(&format!(
            "select referral_id from referrals where facility_id = '{id}' order by created_at desc limit 1"
        ))
        .await;
    // The beleidsmedewerker takes the whole month off.
    let before = month_count(&app, id, &today).await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    beleid.get(&format!("/almelo/voorzieningen/{id}")).await;
    let minus = format!("-{before}");
    let page = beleid
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzingen/correctie"),
            &[
                ("datum", &today),
                ("route", "wijkteam"),
                ("aantal", &minus),
                ("reden", "Alles van deze maand was dubbel geteld"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(month_count(&app, id, &today).await, 0);

    // Undoing the referral now would make it -1: refused, the referral stays, the page says why.
    let page = wijkteam
        .post(&format!("/almelo/verwijzingen/{referral}/ongedaan"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = wijkteam.get(page.location.as_deref().unwrap()).await;
    assert!(
        page.body
            .contains("een correctie heeft de telling van die maand al verlaagd"),
        "{}",
        page.body
    );
    assert_eq!(month_count(&app, id, &today).await, 0);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from referrals where referral_id = '{referral}'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'verwijzing_ongedaan' and object_id = '{id}'"
        ))
        .await,
        0
    );
}
