//! A round "tot en met HH:MM" takes submissions through HH:MM:59 (the Algemene termijnenwet's
//! reading of a term given to a minute: all of it counts). The closing instant is stored as the
//! minute's last microsecond; HH:MM:00, HH:MM:59 and HH:MM+1:00 themselves are tested on the
//! rule in `subsidy::common::store::rounds`.

use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};
use voorzieningen::web::time_fmt;

use crate::helpers::TestApp;

async fn sql(app: &TestApp, statement: &str) {
    sqlx::query(statement).execute(&app.db.admin).await.unwrap();
}

#[tokio::test]
async fn a_round_until_a_minute_accepts_the_whole_of_that_minute() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@almelo.demo").await;
    beleid.get("/almelo/regelingen/nieuw").await;
    let scheme_form = [
        ("naam", "Inloop"),
        (
            "grondslag",
            "Algemene subsidieverordening Almelo, artikel 3",
        ),
        ("eerste_jaar", "2027"),
        ("laatste_jaar", "2029"),
        (
            "bezwaar_bij",
            "het college van burgemeester en wethouders van Almelo",
        ),
        ("dekking", "2027; Budget maatwerk OMD; 300.000"),
        ("onderdelen", "Dagbesteding | Groepen in de wijk"),
    ];
    let r = beleid.post("/almelo/regelingen", &scheme_form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let scheme = app
        .id("select scheme_id from subsidy_schemes s join tenants t using (tenant_id) where t.slug = 'almelo' and s.kind = 'tender'")
        .await;

    // Far enough from a minute's end that the steps below stay inside one minute.
    if OffsetDateTime::now_utc().second() >= 45 {
        let wait = 61 - OffsetDateTime::now_utc().second() as u64;
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
    // The round opens next minute and closes "tot en met" the minute after (Amsterdam time).
    let now = time_fmt::to_amsterdam(OffsetDateTime::now_utc());
    let opens = now + Duration::minutes(1);
    let closes = now + Duration::minutes(2);
    let day = |t: OffsetDateTime| t.date().to_string();
    let clock = |t: OffsetDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
    let (opens_day, opens_clock, closes_day, closes_clock) =
        (day(opens), clock(opens), day(closes), clock(closes));
    beleid
        .get(&format!("/almelo/regelingen/{scheme}/rondes/nieuw"))
        .await;
    let round_form = [
        ("jaar", "2027"),
        ("opent_datum", opens_day.as_str()),
        ("opent_tijd", opens_clock.as_str()),
        ("sluit_datum", closes_day.as_str()),
        ("sluit_tijd", closes_clock.as_str()),
        ("beslistermijn", "8"),
        ("voorschotten", "1"),
        ("direct_onder", "5.000"),
        ("financieel_vanaf", "50.000"),
        ("verantwoording_maanden", "4"),
        ("verplichtingen", ""),
        ("plafond_dagbesteding", "400.000"),
        ("regel_dagbesteding", "gemiddelde"),
        ("prijsbasis_dagbesteding", "gevraagd"),
        ("aftrek_dagbesteding", "0"),
        ("gelijkspel_dagbesteding", ""),
        ("restant_dagbesteding", "gedeeltelijk"),
        (
            "criteria_dagbesteding",
            "Samenwerking | 6 | Met wie?\nPrijs | 6 | Berekend.",
        ),
    ];
    let r = beleid
        .post(&format!("/almelo/regelingen/{scheme}/rondes"), &round_form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round = app
        .id(&format!(
            "select round_id from subsidy_rounds where scheme_id = '{scheme}'"
        ))
        .await;
    // Stored as the last microsecond of the minute typed.
    let stored: OffsetDateTime = sqlx::query_scalar(&format!(
        "select closes_at from subsidy_rounds where round_id = '{round}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let typed = time_fmt::to_amsterdam(stored);
    assert_eq!(
        (clock(typed), typed.second(), typed.microsecond()),
        (closes_clock.clone(), 59, 999_999),
        "tot en met {closes_clock} is stored as {closes_clock}:59.999999"
    );

    // Two minutes earlier, as the form stored it: the round runs "tot en met" the present
    // minute, and a submission now (some second within it) is on time.
    sql(
        &app,
        &format!(
            "update subsidy_rounds set opens_at = opens_at - interval '1 hour', published_at = now() - interval '2 hours', \
             closes_at = closes_at - interval '2 minutes' where round_id = '{round}'"
        ),
    )
    .await;
    let category = app
        .id(&format!(
            "select category_id from subsidy_round_categories where round_id = '{round}'"
        ))
        .await;
    let mut aanbieder = app.login("aanbieder@almelo.demo").await;
    aanbieder.get("/almelo/aanvragen").await;
    let start = [
        ("ronde", round.to_string()),
        ("onderdeel", category.to_string()),
    ];
    let start: Vec<(&str, &str)> = start.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = aanbieder.post("/almelo/aanvragen", &start).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "accepted within the closing minute: {}",
        r.body
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_applications where round_id = '{round}'"
        ))
        .await,
        1
    );

    // One minute earlier again: the closing minute has passed, the message names it.
    sql(
        &app,
        &format!("update subsidy_rounds set closes_at = closes_at - interval '1 minute' where round_id = '{round}'"),
    )
    .await;
    let closed_at: OffsetDateTime = sqlx::query_scalar(&format!(
        "select closes_at from subsidy_rounds where round_id = '{round}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    aanbieder.get("/almelo/aanvragen").await;
    let r = aanbieder.post("/almelo/aanvragen", &start).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains(&format!(
            "aanvragen kon tot en met {}",
            time_fmt::date_time(closed_at)
        )),
        "{}",
        r.body
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_applications where round_id = '{round}'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_demo_rounds_close_at_the_end_of_their_minute() {
    // No round closes at the start of a minute (the migration moved those); the demo's open round closes
    // "tot en met 23:59" and so accepts through 23:59:59.
    let app = TestApp::spawn().await;
    assert_eq!(
        app.scalar_i64(
            "select count(*) from subsidy_rounds where closes_at = date_trunc('minute', closes_at)"
        )
        .await,
        0
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from subsidy_rounds where closes_at > now() and \
             to_char(closes_at at time zone 'Europe/Amsterdam', 'HH24:MI:SS.US') = '23:59:59.999999'"
        )
        .await,
        1
    );
}
