//! A completion (Awb 4:5) changes only what the official named: an applicant asked for a
//! jaarverslag cannot raise the amount, empty the cost basis or multiply the participants in
//! the new version, and the official sees what did change.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::subsidy::{pdf, post_form, rounds, start_draft, upload, ExecuteSql};
use crate::subsidy_integrity::complete_with;

/// The application: € 32.600 asked on € 32.600 vaste lasten for 92 participants,
/// submitted with its documents; the round then closes.
async fn submitted_and_closed(app: &TestApp) -> Uuid {
    let (_, open, _) = rounds(app).await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(app, &mut aanbieder).await;
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    for kind in ["begroting", "jaarverslag", "bestuurssamenstelling"] {
        aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
        let sent = upload(&mut aanbieder, &base, kind, pdf(), "2019.pdf").await;
        assert_eq!(sent, StatusCode::SEE_OTHER);
    }
    let fields = complete_with(&[
        ("vaste_lasten", "32.600,00"),
        ("activiteitenkosten", "0"),
        ("gevraagd", "32.600"),
        ("deelnemers", "92"),
    ]);
    let r = post_form(&mut aanbieder, id, &fields, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.db
        .admin
        .execute_sql(&format!(
            "update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = '{open}'"
        ))
        .await;
    id
}

#[tokio::test]
async fn a_completion_changes_only_the_named_parts() {
    let app = TestApp::spawn().await;
    let id = submitted_and_closed(&app).await;
    let ask = format!("/maastricht/regelingen/aanvragen/{id}/aanvulling");
    let reason = (
        "reden",
        "Het jaarverslag is van 2019 en Samenwerking is te vaag.",
    );

    // Nothing named, or something that is no part: the form comes back with the input kept.
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert!(review.body.contains("Wat moet de aanvrager aanvullen?"));
    assert!(review.body.contains("value=\"document:jaarverslag\""));
    assert!(
        !review.body.contains("value=\"deelnemers\""),
        "amounts and participants cannot be named"
    );
    let r = beleid.post(&ask, &[reason, ("dagen", "14")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Kies wat de aanvrager moet aanvullen"));
    assert!(r.body.contains("Het jaarverslag is van 2019"), "input kept");
    for bogus in ["deelnemers", "gevraagd", "document:onbekend", ""] {
        let r = beleid
            .post(
                &ask,
                &[
                    reason,
                    ("dagen", "14"),
                    ("onderdeel", "document:jaarverslag"),
                    ("onderdeel", bogus),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bogus}");
        assert!(r.body.contains("Kies alleen onderdelen uit de lijst"));
        assert!(
            r.body.contains("value=\"document:jaarverslag\" checked"),
            "the choice is kept"
        );
    }
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}'"
        ))
        .await,
        1
    );

    // Two officials pressing twenty times at once open one new version.
    let mut officials = Vec::new();
    for _ in 0..2 {
        let mut b = app.login("beleid@maastricht.demo").await;
        b.get(&format!("/maastricht/regelingen/aanvragen/{id}"))
            .await;
        officials.push(b);
    }
    let mut requests = tokio::task::JoinSet::new();
    for b in officials.iter().cycle().take(20) {
        let url = format!("{}{ask}", b.base_url());
        let fields = vec![
            ("csrf_token".to_string(), b.csrf.clone()),
            ("reden".into(), reason.1.to_string()),
            ("dagen".into(), "14".into()),
            ("onderdeel".into(), "document:jaarverslag".into()),
            ("onderdeel".into(), "antwoord:samenwerking".into()),
        ];
        let client = b.client.clone();
        requests.spawn(async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = requests.join_all().await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}'"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'aanvulling gevraagd' \
             and after::text like '%Document: jaarverslag%' and after::text like '%Het antwoord bij Samenwerking%'"
        )
        .await,
        1
    );

    // The applicant completes only what was asked; the rest is shown read-only.
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let page = aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains("Aan te vullen"), "{}", page.body);
    assert!(page.body.contains("Blijft zoals ingediend"));
    assert!(page.body.contains("€ 32.600,00"));
    assert!(page.body.contains("name=\"antwoord_samenwerking\""));
    for locked in [
        "titel",
        "vaste_lasten",
        "overig",
        "gevraagd",
        "deelnemers",
        "antwoord_resultaat",
        "verklaring",
    ] {
        assert!(
            !page.body.contains(&format!("name=\"{locked}\"")),
            "{locked} is not a field of the completion"
        );
    }
    // Documents not asked for stay: neither replaced nor removed.
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    let sent = upload(&mut aanbieder, &base, "begroting", pdf(), "nieuw.pdf").await;
    assert_eq!(
        sent,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the page with the message"
    );
    let begroting = app
        .id(&format!(
            "select document_id from subsidy_documents where application_id = '{id}' and version = 2 and kind = 'begroting'"
        ))
        .await;
    aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
    let r = aanbieder
        .post(&format!("{base}/{begroting}/verwijderen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r
        .body
        .contains("niet om aanvulling van dit document gevraagd"));
    aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
    let sent = upload(
        &mut aanbieder,
        &base,
        "jaarverslag",
        pdf(),
        "jaarverslag-2025.pdf",
    )
    .await;
    assert_eq!(sent, StatusCode::SEE_OTHER);

    // What was not asked does not block: a document the round asks for but the completion did
    // not name (here one the round added later) is not the applicant's to complete now.
    app.db
        .admin
        .execute_sql(&format!(
            "update subsidy_rounds set documents = documents || '{{activiteitenplan}}' \
             where round_id = (select round_id from subsidy_applications where application_id = '{id}')"
        ))
        .await;

    // The attempt: 90.000 asked, vaste lasten 0, ten million participants.
    let attempt = complete_with(&[
        ("titel", "Iets heel anders"),
        ("vaste_lasten", "0"),
        ("overig", "90.000,00"),
        ("gevraagd", "90.000"),
        ("deelnemers", "10000000"),
        (
            "antwoord_samenwerking",
            "Met het sociaal team, de bibliotheek en de huisarts.",
        ),
        ("antwoord_resultaat", "Alles wordt beter."),
    ]);
    let mut attempt: Vec<(&str, &str)> = attempt
        .into_iter()
        .filter(|(k, _)| *k != "verklaring")
        .collect();
    attempt.push(("voorziening", "00000000-0000-0000-0000-000000000000"));
    let r = post_form(&mut aanbieder, id, &attempt, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (title, fixed, other, requested, participants, declarations): (String, i64, i64, i64, i32, i32) =
        sqlx::query_as(&format!(
            "select title, fixed_costs_cents, other_costs_cents, requested_cents, participants, cardinality(declarations) \
             from subsidy_application_versions where application_id = '{id}' and version = 2 and submitted_at is not null"
        ))
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(title, "Huiskamer De Brug");
    assert_eq!(
        (fixed, other, requested, participants),
        (3_260_000, 0, 3_260_000, 92)
    );
    assert_eq!(declarations, 4);
    let answers: String = sqlx::query_scalar(&format!(
        "select answers::text from subsidy_application_versions where application_id = '{id}' and version = 2"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(answers.contains("de bibliotheek en de huisarts"));
    assert!(answers.contains("Buren kennen elkaar"), "{answers}");
    assert!(!answers.contains("Alles wordt beter"));

    // The official sees what changed between the versions, and only that.
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    let start = review
        .body
        .find("id=\"wijzigingen-titel\"")
        .expect("changes shown");
    let end = review.body[start..].find("<h2>Inhoud</h2>").unwrap() + start;
    let changes = &review.body[start..end];
    assert!(changes.contains("Versie 2 ten opzichte van versie 1"));
    assert!(changes.contains("Antwoord bij Samenwerking"));
    assert!(changes.contains("de bibliotheek en de huisarts"));
    assert!(changes.contains("Document: Jaarverslag"));
    assert!(changes.contains("jaarverslag-2025.pdf"));
    for unchanged in [
        "Gevraagde subsidie",
        "Vaste lasten",
        "Verwachte deelnemers",
        "Titel",
        "Antwoord bij Resultaat",
        "Document: Begroting",
    ] {
        assert!(!changes.contains(unchanged), "{unchanged} did not change");
    }
}
