//! Positieve Gezondheid with the monitoring reports (§6d): a partner gives mean scores and
//! respondents with its quarterly report (bad input comes back with 422 and the input kept);
//! officials never see a mean of fewer than 5 respondents, and the pilot's mean leaves such
//! means out; other partners, roles and tenants are out of reach.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};

async fn demo_pilot(app: &TestApp) -> Uuid {
    app.id("select scheme_id from subsidy_schemes where kind = 'pilot'")
        .await
}

async fn humanitas_user(app: &TestApp) -> Browser {
    let humanitas = app
        .id("select provider_id from providers where name = 'Humanitas Almelo'")
        .await;
    sqlx::query(&format!(
        "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
         select tenant_id, 'coordinator@humanitas.demo', 'Hans Humanitas', password_hash, array['aanbieder'], '{humanitas}' \
         from users where email = 'aanbieder@almelo.demo'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    app.login("coordinator@humanitas.demo").await
}

/// The report form's group figures as stored, so that a submission changes only the scores.
async fn group_fields(app: &TestApp, provider: &str, period: &str) -> Vec<(String, String)> {
    let rows: Vec<(Uuid, Vec<i32>)> = sqlx::query_as(&format!(
        "select r.group_id, array[capacity, participants, professionals, volunteers, inflow_maatwerk, inflow_new, \
         outflow_work, outflow_education, outflow_maatwerk, outflow_other] from pilot_report_groups r \
         join providers p using (tenant_id, provider_id) where p.name = '{provider}' and r.period = '{period}'"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    let keys = [
        "capaciteit",
        "deelnemers",
        "beroepskrachten",
        "vrijwilligers",
        "instroom_maatwerk",
        "instroom_nieuw",
        "uitstroom_werk",
        "uitstroom_onderwijs",
        "uitstroom_maatwerk",
        "uitstroom_overig",
    ];
    let mut out = Vec::new();
    for (g, values) in rows {
        for (k, v) in keys.iter().zip(values) {
            out.push((format!("{k}_{g}"), v.to_string()));
        }
    }
    assert!(!out.is_empty(), "{provider} reported {period}");
    out
}

fn score(respondent: &str, dimension: &str, mean: &str, n: &str) -> [(String, String); 2] {
    [
        (
            format!("pg_{respondent}_{dimension}_gemiddelde"),
            mean.to_string(),
        ),
        (
            format!("pg_{respondent}_{dimension}_respondenten"),
            n.to_string(),
        ),
    ]
}

async fn submit(b: &mut Browser, path: &str, fields: &[(String, String)]) -> crate::helpers::Page {
    b.get(path).await;
    let sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &sent).await
}

#[tokio::test]
async fn pilot_health_scores_are_reported_by_partners_and_small_groups_hidden_from_officials() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let avedan = app
        .id("select provider_id from providers where name = 'Avedan'")
        .await;
    // The demo's scores of this quarter give way to the test's own.
    sqlx::query("delete from pilot_report_health where period = '2021-K3'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let path = format!("/almelo/aanvragen/monitoring/{scheme}/2021-K3");
    let mut partner = app.login("aanbieder@almelo.demo").await;
    let form = partner.get(&path).await;
    assert!(form.body.contains("Positieve Gezondheid"));
    assert!(form
        .body
        .contains("Deelnemers, mentaal welbevinden: gemiddelde score"));

    let groups = group_fields(&app, "Avedan", "2021-K3").await;
    let mut bad = groups.clone();
    bad.extend(score("deelnemers", "lichaamsfuncties", "10,5", "12"));
    bad.extend(score("deelnemers", "zingeving", "7", "-1"));
    bad.extend(score("coordinatoren", "meedoen", "6,5", "0"));
    bad.extend(score("coordinatoren", "zingeving", "7,25", "5"));
    let r = submit(&mut partner, &path, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Deelnemers, lichaamsfuncties: vul een gemiddelde score van 0 tot en met 10 in",
        "Deelnemers, zingeving: vul het aantal respondenten in",
        "Coördinatoren, meedoen: zonder respondenten is er geen gemiddelde",
        "Coördinatoren, zingeving: vul een gemiddelde score",
        "value=\"10,5\"",
        "value=\"-1\"",
        "value=\"7,25\"",
    ] {
        assert!(r.body.contains(expected), "{expected}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from pilot_report_health where period = '2021-K3'")
            .await,
        0,
        "nothing stored"
    );

    let mut good = groups.clone();
    good.extend(score("deelnemers", "lichaamsfuncties", "7,4", "12"));
    good.extend(score("deelnemers", "zingeving", "8", "3"));
    good.extend(score("coordinatoren", "meedoen", "", "0"));
    let r = submit(&mut partner, &path, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64(
            "select mean_tenths::bigint from pilot_report_health where period = '2021-K3' and dimension = 'zingeving'"
        )
        .await,
        80
    );
    // The partner sees its own exact figures, also of 3 respondents.
    let own = partner.get(&path).await;
    assert!(own.body.contains("name=\"pg_deelnemers_zingeving_gemiddelde\" type=\"text\" inputmode=\"decimal\" value=\"8,0\""));
    assert!(own.body.contains("name=\"pg_deelnemers_zingeving_respondenten\" type=\"text\" inputmode=\"decimal\" value=\"3\""));

    // Humanitas reports the same quarter.
    let mut humanitas = humanitas_user(&app).await;
    let mut theirs = group_fields(&app, "Humanitas Almelo", "2021-K3").await;
    theirs.extend(score("deelnemers", "lichaamsfuncties", "6", "6"));
    theirs.extend(score("deelnemers", "zingeving", "5", "10"));
    let r = submit(&mut humanitas, &path, &theirs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let other = humanitas.get(&path).await;
    assert!(!other.body.contains("value=\"7,4\""), "only its own scores");

    // The official's view of Avedan's report.
    let mut beleid = app.login("beleid@almelo.demo").await;
    let report = beleid
        .get(&format!(
            "/almelo/regelingen/{scheme}/pilot/monitoring/{avedan}/2021-K3"
        ))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    for expected in [
        "<th scope=\"row\">Lichaamsfuncties</th><td>7,4 (n=12)</td><td>niet gemeten</td>",
        "<th scope=\"row\">Zingeving</th><td>&#60; 5 respondenten</td>",
        "<th scope=\"row\">Meedoen</th><td>niet gemeten</td><td>&#60; 5 respondenten</td>",
    ] {
        assert!(report.body.contains(expected), "{expected}");
    }
    assert!(
        !report.body.contains("8,0"),
        "a mean of 3 respondents is not shown"
    );

    // Over time: the pilot's mean weighs partners by respondents and leaves means of fewer
    // than 5 out: lichaamsfuncties (7,4 × 12 + 6,0 × 6) / 18 = 6,93 → 6,9; zingeving only
    // Humanitas's 5,0 of 10 (Avedan's 3 respondents do not count).
    let page = beleid
        .get(&format!("/almelo/regelingen/{scheme}/pilot/gezondheid"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "6,9 (n=18)",
        "5,0 (n=10)",
        "<title id=\"pg-pilot-deelnemers-titel\">Deelnemers: alle partners samen</title>",
        "Coördinatoren: Avedan",
        "3e kwartaal 2021",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    assert!(!page.body.contains("8,0 (n=3)"));
    // The pilot, and each of the four partners with scores: participants and coordinators.
    assert_eq!(page.body.matches("<svg class=\"chart__svg\"").count(), 10);
}

#[tokio::test]
async fn pilot_health_of_the_demo_is_shown_and_out_of_reach_of_others() {
    let app = TestApp::spawn().await;
    let scheme = demo_pilot(&app).await;
    let path = format!("/almelo/regelingen/{scheme}/pilot/gezondheid");
    let mut beleid = app.login("beleid@almelo.demo").await;
    let page = beleid.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    // Humanitas has 4 respondents in each first quarter: hidden; Avedan's 5 coordinators shown.
    assert!(page.body.contains("&#60; 5 respondenten"));
    assert!(page.body.contains("(n=5)"));
    let mut beheer = app.login("beheer@almelo.demo").await;
    assert_eq!(beheer.get(&path).await.status, StatusCode::OK);
    for who in ["aanbieder@almelo.demo", "wijkteam@almelo.demo"] {
        let mut other = app.login(who).await;
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let mut foreign = app.login("beleid@maastricht.demo").await;
    assert_eq!(
        foreign
            .get(&path.replace("/almelo/", "/maastricht/"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A partner in another tenant cannot file scores for this pilot.
    let mut partner = app.login("aanbieder@maastricht.demo").await;
    let report = format!("/maastricht/aanvragen/monitoring/{scheme}/2021-K3");
    assert_eq!(partner.get(&report).await.status, StatusCode::NOT_FOUND);
}
