//! Subsidy schemes, part 2, over HTTP: the documents of a verantwoording (required by the amount
//! band, kept with the report, read by the official, nobody else's), and the notice of delay
//! (Awb 4:14): sent before the term ends with a reason and a new date, once, a letter to every
//! applicant waiting, and the deadlines page counting from the new date.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::subsidy::{pdf, rounds, submitted, upload};

async fn sql(app: &TestApp, statement: &str) {
    sqlx::query(statement).execute(&app.db.admin).await.unwrap();
}

/// A granted application of last year's demo round whose grant owes a financial report, and a
/// new aanbieder user of its organisation, signed in.
async fn recipient_of_a_large_grant(app: &TestApp) -> (Uuid, crate::helpers::Browser) {
    let (_, _, old) = rounds(app).await;
    let first = app
        .id(&format!("select application_id from subsidy_outcomes where round_id = '{old}' and outcome = 'toegekend' order by granted_cents desc limit 1"))
        .await;
    // The band from which a financial report is owed, below this grant.
    sql(
        app,
        &format!("update subsidy_rounds set settle_direct_below_cents = 1, financial_report_from_cents = 2 where round_id = '{old}'"),
    )
    .await;
    sql(app, &format!(
        "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
         select a.tenant_id, 'penningmeester@groot.demo', 'Pim Penning', u.password_hash, array['aanbieder'], a.provider_id \
         from subsidy_applications a, users u where a.application_id = '{first}' and u.email = 'aanbieder@maastricht.demo'"
    ))
    .await;
    (first, app.login("penningmeester@groot.demo").await)
}

#[tokio::test]
async fn a_verantwoording_holds_the_documents_its_band_requires() {
    let app = TestApp::spawn().await;
    let (id, mut recipient) = recipient_of_a_large_grant(&app).await;
    let page = format!("/maastricht/aanvragen/{id}");
    let documents = format!("{page}/verantwoording/documenten");
    let own = recipient.get(&page).await;
    assert!(own.body.contains("Documenten bij de verantwoording"));
    assert!(own
        .body
        .contains("Nodig voor het indienen: activiteitenverslag en financieel verslag"));
    let report = [
        ("gerealiseerd", "Het hele jaar open."),
        ("deelnemers_werkelijk", "40"),
        ("werkelijk_personeel", "30.000"),
    ];
    let r = recipient
        .post(&format!("{page}/verantwoording"), &report)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(
        "Voeg eerst toe: activiteitenverslag en financieel verslag (gerealiseerde begroting)"
    ));
    assert!(r.body.contains("Het hele jaar open."), "the input is kept");

    // Not a document we accept, no kind, or nothing at all: refused with the reason.
    let r = upload(
        &mut recipient,
        &documents,
        "activiteitenverslag",
        b"MZ\x90\x00".to_vec(),
        "verslag.pdf",
    )
    .await;
    assert_eq!(r, StatusCode::BAD_REQUEST);
    let r = upload(&mut recipient, &documents, "geheim", pdf(), "verslag.pdf").await;
    assert_eq!(r, StatusCode::BAD_REQUEST);
    // The activity report twice (the second replaces the first), the financial report, one more.
    for (kind, name) in [
        ("activiteitenverslag", "verslag-oud.pdf"),
        ("activiteitenverslag", "verslag.pdf"),
        ("financieel_verslag", "cijfers.pdf"),
        ("overig", "foto's.pdf"),
    ] {
        recipient.get(&page).await;
        assert_eq!(
            upload(&mut recipient, &documents, kind, pdf(), name).await,
            StatusCode::SEE_OTHER
        );
    }
    let count = |kind: &str| {
        format!("select count(*) from subsidy_report_documents where application_id = '{id}' and kind = '{kind}'")
    };
    assert_eq!(app.scalar_i64(&count("activiteitenverslag")).await, 1);
    let own = recipient.get(&page).await;
    assert!(own.body.contains("verslag.pdf") && !own.body.contains("verslag-oud.pdf"));
    // The extra one removed again before filing.
    let extra = app
        .id(&format!("select document_id from subsidy_report_documents where application_id = '{id}' and kind = 'overig'"))
        .await;
    let r = recipient
        .post(&format!("{documents}/{extra}/verwijderen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar_i64(&count("overig")).await, 0);

    let r = recipient
        .post(&format!("{page}/verantwoording"), &report)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Filed: the documents stay as they are.
    assert_eq!(
        upload(&mut recipient, &documents, "overig", pdf(), "laat.pdf").await,
        StatusCode::BAD_REQUEST
    );
    let kept = app
        .id(&format!("select document_id from subsidy_report_documents where application_id = '{id}' and kind = 'financieel_verslag'"))
        .await;
    assert_eq!(
        recipient
            .post(&format!("{documents}/{kept}/verwijderen"), &[])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let audit = app
        .scalar_i64(&format!("select count(*) from audit_events where object_id = '{id}' and action like 'document bij verantwoording%'"))
        .await;
    assert_eq!(audit, 5, "four added, one removed");

    // The official reads them beside the report; the download is the file as sent.
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert!(review.body.contains("cijfers.pdf"));
    let file = beleid
        .client
        .get(format!(
            "{}/maastricht/regelingen/aanvragen/{id}/verantwoording/documenten/{kept}",
            beleid.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().as_ref(), pdf().as_slice());

    // Nobody else's: the demo aanbieder (another organisation) and another tenant's official.
    let mut other = app.login("aanbieder@maastricht.demo").await;
    let theirs = format!("{documents}/{kept}");
    assert_eq!(other.get(&theirs).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        upload(&mut other, &documents, "overig", pdf(), "x.pdf").await,
        StatusCode::NOT_FOUND
    );
    let mut almelo = app.login("beleid@almelo.demo").await;
    for path in [
        format!("/almelo/regelingen/aanvragen/{id}/verantwoording/documenten/{kept}"),
        format!("/maastricht/regelingen/aanvragen/{id}/verantwoording/documenten/{kept}"),
    ] {
        let status = almelo.get(&path).await.status;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{path}: {status}"
        );
    }
}

#[tokio::test]
async fn a_notice_of_delay_goes_before_the_term_ends_once_with_a_letter_to_each_applicant() {
    let app = TestApp::spawn().await;
    let (scheme, open, _) = rounds(&app).await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let waiting = submitted(&app, &mut aanbieder).await;
    let draft = crate::subsidy::start_draft(&app, &mut aanbieder).await;
    // The window closes.
    sql(
        &app,
        &format!("update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = '{open}'"),
    )
    .await;
    let term_end: String = sqlx::query_scalar(&format!(
        "select to_char((closes_at at time zone 'Europe/Amsterdam')::date + decision_weeks * 7, 'YYYY-MM-DD') \
         from subsidy_rounds where round_id = '{open}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let new_date: String = sqlx::query_scalar(&format!(
        "select to_char((closes_at at time zone 'Europe/Amsterdam')::date + decision_weeks * 7 + 21, 'YYYY-MM-DD') \
         from subsidy_rounds where round_id = '{open}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let round_page = format!("/maastricht/regelingen/{scheme}/rondes/{open}");
    let action = format!("{round_page}/verdagen");

    // Only those who may change schemes send it; another tenant's official finds nothing.
    assert_eq!(
        aanbieder
            .post(&action, &[("nieuwe_datum", &new_date), ("reden", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut almelo = app.login("beleid@almelo.demo").await;
    let r = almelo
        .post(
            &format!("/almelo/regelingen/{scheme}/rondes/{open}/verdagen"),
            &[("nieuwe_datum", &new_date), ("reden", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let mut beleid = app.login("beleid@maastricht.demo").await;
    let page = beleid.get(&round_page).await;
    assert!(page.body.contains("Bericht van verdaging versturen"));
    for (date, reason, message) in [
        ("morgen", "Veel aanvragen.", "Vul een geldige datum in"),
        (
            term_end.as_str(),
            "Veel aanvragen.",
            "na het einde van de beslistermijn",
        ),
        (
            "2099-01-01",
            "Veel aanvragen.",
            "zo kort mogelijke redelijke termijn",
        ),
        (new_date.as_str(), "", "Geef de reden"),
    ] {
        let r = beleid
            .post(&action, &[("nieuwe_datum", date), ("reden", reason)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        assert!(r.body.contains(message), "{date}: {message}");
        assert!(r.body.contains(&format!("value=\"{date}\"")), "kept");
    }
    let reason = "Er kwamen drie keer zoveel aanvragen als verwacht; de beoordelingscommissie heeft meer tijd nodig.";
    let r = beleid
        .post(&action, &[("nieuwe_datum", &new_date), ("reden", reason)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = beleid
        .post(&action, &[("nieuwe_datum", &new_date), ("reden", reason)])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("al verdaagd"));
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from audit_events where object_id = '{open}' and action = 'beslissing verdaagd'"))
            .await,
        1
    );

    // The applicant who waits reads the letter; a draft got none.
    let own = aanbieder
        .get(&format!("/maastricht/aanvragen/{waiting}"))
        .await;
    assert!(own.body.contains("Beslissing verdaagd"));
    let letter = aanbieder
        .get(&format!("/maastricht/aanvragen/{waiting}/verdaging"))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains(reason));
    assert!(letter.body.contains("artikel 4:14"));
    let pdf_letter = aanbieder
        .client
        .get(format!(
            "{}/maastricht/aanvragen/{waiting}/verdaging.pdf",
            aanbieder.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf_letter.headers()["content-type"], "application/pdf");
    assert_eq!(
        aanbieder
            .get(&format!("/maastricht/aanvragen/{draft}/verdaging"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let official = beleid
        .get(&format!(
            "/maastricht/regelingen/aanvragen/{waiting}/verdaging"
        ))
        .await;
    assert_eq!(official.status, StatusCode::OK);

    // The deadlines page counts from the new date, and says why.
    let deadlines = beleid.get("/maastricht/regelingen/termijnen").await;
    assert!(deadlines.body.contains("verdaagd (Awb 4:14)"));
    assert!(deadlines.body.contains("drie keer zoveel aanvragen"));
}
