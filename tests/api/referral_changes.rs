//! Changing referral counts (issue 16, item 7): the worker who counted a referral undoes it
//! within 10 minutes; a beleidsmedewerker corrects a count with a reason, in the audit trail;
//! still nothing about the resident.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;

async fn count(app: &TestApp, facility: Uuid) -> i64 {
    app.scalar_i64(&format!(
        "select coalesce(sum(weight), 0)::bigint from referrals where facility_id = '{facility}'"
    ))
    .await
}

async fn post(
    b: &mut crate::helpers::Browser,
    path: &str,
    fields: &[(&'static str, String)],
) -> crate::helpers::Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &pairs).await
}

fn today(app_today: i64) -> String {
    let t = app_today.to_string();
    format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..])
}

#[tokio::test]
async fn the_worker_who_counted_a_referral_undoes_it_within_ten_minutes() {
    let app = TestApp::spawn().await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let day = today(
        app.scalar_i64("select to_char(current_date, 'YYYYMMDD')::bigint")
            .await,
    );
    let base = count(&app, id).await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    b.get(&format!("/almelo/voorzieningen/{id}")).await;
    let fields = [
        ("datum", day.as_str()),
        ("route", "wijkteam"),
        ("reden", ""),
        ("wijk", ""),
    ];
    b.post(&format!("/almelo/voorzieningen/{id}/verwijzing"), &fields)
        .await;
    assert_eq!(count(&app, id).await, base + 1);
    let newest = format!(
        "select referral_id from referrals where facility_id = '{id}' order by created_at desc limit 1"
    );
    let referral = app.id(&newest).await;
    let page = b.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert!(page.body.contains("Zojuist door u geteld"));
    assert!(page
        .body
        .contains(&format!("/almelo/verwijzingen/{referral}/ongedaan")));

    // Nobody else may undo it: not another user of the tenant, not another tenant.
    let mut beleid = app.login("beleid@almelo.demo").await;
    let theirs = beleid.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert!(!theirs.body.contains("Zojuist door u geteld"));
    assert_eq!(
        beleid
            .post(&format!("/almelo/verwijzingen/{referral}/ongedaan"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut other = app.login("wijkteam@maastricht.demo").await;
    other.get("/maastricht/zoeken").await;
    for path in [
        format!("/maastricht/verwijzingen/{referral}/ongedaan"),
        format!("/almelo/verwijzingen/{referral}/ongedaan"),
    ] {
        let status = other.post(&path, &[]).await.status;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{path}: {status}"
        );
    }
    assert_eq!(count(&app, id).await, base + 1);

    // The worker undoes it.
    let page = b
        .post(&format!("/almelo/verwijzingen/{referral}/ongedaan"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = b.get(page.location.as_deref().unwrap()).await;
    assert!(page.body.contains("De verwijzing is ongedaan gemaakt"));
    assert_eq!(count(&app, id).await, base);
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from audit_events where action = 'verwijzing_ongedaan' and object_id = '{id}'")).await,
        1
    );

    // After 10 minutes it stays, and the page says whom to ask.
    b.post(&format!("/almelo/voorzieningen/{id}/verwijzing"), &fields)
        .await;
    let old = app.id(&newest).await;
    sqlx::query(
        "update referrals set created_at = now() - interval '11 minutes' where referral_id = $1",
    )
    .bind(old)
    .execute(&app.db.admin)
    .await
    .unwrap();
    assert!(!b
        .get(&format!("/almelo/voorzieningen/{id}"))
        .await
        .body
        .contains("Zojuist door u geteld"));
    let page = b
        .post(&format!("/almelo/verwijzingen/{old}/ongedaan"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = b.get(page.location.as_deref().unwrap()).await;
    assert!(page.body.contains("tot 10 minuten"));
    assert_eq!(count(&app, id).await, base + 1);
    // The database holds the window too, whatever the application asks.
    let tenant: Uuid = app
        .id("select tenant_id from tenants where slug = 'almelo'")
        .await;
    let mut tx = app.db.app.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let removed = sqlx::query("delete from referrals where referral_id = $1")
        .bind(old)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(removed, 0, "row-level security keeps the 10 minutes");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_beleidsmedewerker_corrects_a_count_with_a_reason() {
    let app = TestApp::spawn().await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let elsewhere = app
        .id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1")
        .await;
    let day = today(
        app.scalar_i64("select to_char(current_date, 'YYYYMMDD')::bigint")
            .await,
    );
    let base = count(&app, id).await;
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    wijkteam.get(&format!("/almelo/voorzieningen/{id}")).await;
    wijkteam
        .post(
            &format!("/almelo/voorzieningen/{id}/verwijzing"),
            &[
                ("datum", &day),
                ("route", "wijkteam"),
                ("reden", ""),
                ("wijk", ""),
            ],
        )
        .await;
    assert!(!wijkteam
        .get(&format!("/almelo/voorzieningen/{id}"))
        .await
        .body
        .contains("Telling van verwijzingen corrigeren"));
    let correction = |n: &str, reason: &str| -> Vec<(&'static str, String)> {
        vec![
            ("datum", day.clone()),
            ("route", "wijkteam".to_string()),
            ("aantal", n.to_string()),
            ("reden", reason.to_string()),
        ]
    };
    let path = format!("/almelo/voorzieningen/{id}/verwijzingen/correctie");
    assert_eq!(
        post(&mut wijkteam, &path, &correction("2", "Turflijst"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let mut beleid = app.login("beleid@almelo.demo").await;
    let page = beleid.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert!(page.body.contains("Telling van verwijzingen corrigeren"));
    // Bad input: 422, a Dutch message at the field, the input kept.
    let month = app.scalar_i64(&format!("select sum(weight)::bigint from referrals where facility_id = '{id}' and route = 'wijkteam' and date_trunc('month', referred_on) = date_trunc('month', current_date)")).await;
    let too_many = format!("-{}", month + 1);
    let page = post(
        &mut beleid,
        &path,
        &correction(&too_many, "Dubbel geteld op de inloop"),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains(&format!("u kunt er niet meer dan {month} aftrekken")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Dubbel geteld op de inloop"));
    assert!(page.body.contains(&format!("value=\"{too_many}\"")));
    let page = post(&mut beleid, &path, &correction("2", "")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Schrijf kort waarom"));
    let page = post(&mut beleid, &path, &correction("twee", "Turflijst")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Vul een geheel getal in"));
    assert_eq!(count(&app, id).await, base + 1);

    // A correction with a reason: counted, listed with its reason, in the audit trail.
    let page = post(
        &mut beleid,
        &path,
        &correction("2", "Turflijst van de inloop nageteld"),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(count(&app, id).await, base + 3);
    let counts = beleid.get("/almelo/verwijzingen").await;
    assert!(counts.body.contains("Turflijst van de inloop nageteld"));
    assert!(counts.body.contains("+2"));
    let page = post(&mut beleid, &path, &correction("-3", "Proef van de inloop")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, id).await, base);
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from audit_events where action = 'verwijzingen_gecorrigeerd' and object_id = '{id}' and after::text like '%Turflijst%'")).await,
        1
    );
    // Another tenant's facility is not there.
    let status = post(
        &mut beleid,
        &format!("/almelo/voorzieningen/{elsewhere}/verwijzingen/correctie"),
        &correction("1", "Turflijst"),
    )
    .await
    .status;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
