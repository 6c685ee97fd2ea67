//! Issue 26, items 9, 10 and 12: a draft keeps everything typed (also what does not parse), a
//! refused document brings the application page back with the input kept, and one pattern of
//! application references.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};
use crate::subsidy::{pdf, post_form, saved_stamp, start_draft, ExecuteSql, COMPLETE};

fn with(field: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    COMPLETE
        .iter()
        .map(|&(k, v)| if k == field { (k, value) } else { (k, v) })
        .collect()
}

#[tokio::test]
async fn a_draft_with_an_invalid_amount_is_saved_and_still_there_after_signing_in_again() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    let fields = with("vaste_lasten", "12.000,0,0");
    let r = post_form(&mut b, id, &fields, "opslaan").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.unwrap().ends_with("melding=opgeslagen"));
    // Everything that parsed is in its columns; the amount as typed beside them.
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}' \
             and title = 'Huiskamer De Brug' and requested_cents = 1200000 and participants = 60 \
             and unparsed ->> 'vaste_lasten' = '12.000,0,0'"
        ))
        .await,
        1
    );
    b.post("/uitloggen", &[]).await;
    let mut again = app.login("aanbieder@maastricht.demo").await;
    let page = again.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"12.000,0,0\""), "{}", page.body);
    assert!(page.body.contains("Huiskamer De Brug"));
    assert!(
        page.body.contains("Vaste lasten: "),
        "the message at the field"
    );
    assert!(page.body.contains("Controleer het formulier"));

    // Submitting is what validation blocks: nothing is submitted, the draft stays.
    let refused = post_form(&mut again, id, &fields, "indienen").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("value=\"12.000,0,0\""));
    assert!(refused
        .body
        .contains("Uw concept is opgeslagen, maar nog niet ingediend."));
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_applications where application_id = '{id}' and status = 'concept'"
        ))
        .await,
        1
    );
    // Put right, the typed text is no longer kept apart.
    let fixed = post_form(&mut again, id, &COMPLETE, "opslaan").await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}' \
             and unparsed = '{{}}' and fixed_costs_cents = 1200000"
        ))
        .await,
        1
    );
    let shown = again.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(!shown.body.contains("Controleer het formulier"));
}

#[tokio::test]
async fn a_draft_keeps_an_overlong_answer_and_a_bad_count_as_typed() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    let long = "lang ".repeat(2000);
    let mut fields: Vec<(&str, &str)> = with("deelnemers", "zestig");
    fields.retain(|(k, _)| *k != "antwoord_resultaat");
    fields.push(("antwoord_resultaat", &long));
    let r = post_form(&mut b, id, &fields, "opslaan").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains("value=\"zestig\""));
    assert!(page.body.contains(long.trim_end()));
}

/// Posts the whole application form with a file, as the browser does from "Document toevoegen".
async fn upload_from_form(
    b: &mut Browser,
    id: Uuid,
    fields: &[(&str, &str)],
    kind: &str,
    bytes: Vec<u8>,
    name: &str,
) -> (StatusCode, String) {
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", b.csrf.clone())
        .text("bewaard", saved_stamp(&page.body));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let form = form.text("soort", kind.to_string()).part(
        "bestand",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let form = form.text("actie", "document");
    let response = b
        .client
        .post(format!(
            "{}/maastricht/aanvragen/{id}/documenten",
            b.base_url()
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_wrong_file_type_answers_with_the_application_page_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    let fields = [("titel", "Koffie in de Brug"), ("gevraagd", "5.000,5,0")];
    let (status, body) = upload_from_form(
        &mut b,
        id,
        &fields,
        "begroting",
        b"MZ\x90\x00 not a document".to_vec(),
        "begroting.exe",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("<h1>Aanvraag SUB-"), "the application page");
    assert!(body.contains("Dit bestand is geen PDF, ODT, DOCX of XLSX"));
    assert!(
        body.contains("href=\"#bestand\""),
        "the summary links to the field"
    );
    assert!(
        body.contains("id=\"bestand-fout\""),
        "the message at the field"
    );
    assert!(
        body.contains("value=\"Koffie in de Brug\""),
        "typed input kept"
    );
    assert!(
        body.contains("value=\"5.000,5,0\""),
        "even what does not parse"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}' \
             and title = 'Koffie in de Brug'"
        ))
        .await,
        1,
        "the typed input is saved as the draft"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_documents where application_id = '{id}'"
        ))
        .await,
        0
    );
    // The documents come before the submit button, and submitting is the form's last button.
    let documents = body.find("id=\"documenten\"").unwrap();
    let submit = body.find("value=\"indienen\"").unwrap();
    let save = body.find("value=\"opslaan\"").unwrap();
    assert!(documents < save && save < submit);
    let form_end = submit + body[submit..].find("</form>").unwrap();
    assert!(!body[submit..form_end].contains("<button"));

    // A good file from the same form is added, and the typed input saved with it.
    let (status, _) = upload_from_form(
        &mut b,
        id,
        &[("titel", "Koffie in de Brug 2")],
        "begroting",
        pdf(),
        "begroting.pdf",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_documents d join subsidy_application_versions v \
             using (tenant_id, application_id, version) where d.application_id = '{id}' \
             and v.title = 'Koffie in de Brug 2'"
        ))
        .await,
        1
    );
    // No file chosen: the input is saved, the page says what to do.
    let (status, body) =
        upload_from_form(&mut b, id, &[("titel", "Derde")], "jaarverslag", vec![], "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Kies een bestand om toe te voegen."));
    assert!(body.contains("value=\"Derde\""));
}

#[tokio::test]
async fn every_application_reference_follows_one_pattern() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.scalar_i64(
            "select count(*) from subsidy_applications where reference !~ '^SUB-\\d{4}-\\d{4,}$'"
        )
        .await,
        0
    );
    let highest = app
        .scalar_i64(
            "select max(substring(a.reference from '-(\\d+)$')::bigint) from subsidy_applications a \
             join subsidy_rounds r using (tenant_id, round_id) join tenants t using (tenant_id) \
             where t.slug = 'maastricht' and r.closes_at > now()",
        )
        .await;
    let year = app
        .scalar_i64("select year::bigint from subsidy_rounds where closes_at > now()")
        .await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    let expected = format!("SUB-{year}-{:04}", highest + 1);
    assert!(
        page.body.contains(&format!("<h1>Aanvraag {expected}</h1>")),
        "{expected}"
    );
}

#[tokio::test]
async fn the_migration_renumbers_old_references_consistently_and_audits_it() {
    let app = TestApp::spawn().await;
    let admin = &app.db.admin;
    // Two applications as the old demo data numbered them; one number already taken.
    let (first, second): (Uuid, Uuid) = sqlx::query_as(
        "select (array_agg(application_id order by reference))[1], (array_agg(application_id order by reference))[2] \
         from subsidy_applications a join tenants t using (tenant_id) where t.slug = 'maastricht'",
    )
    .fetch_one(admin)
    .await
    .unwrap();
    let year: i32 = sqlx::query_scalar(
        "select substring(reference from 5 for 4)::int from subsidy_applications where application_id = $1",
    )
    .bind(first)
    .fetch_one(admin)
    .await
    .unwrap();
    let taken: String =
        sqlx::query_scalar("select reference from subsidy_applications where application_id = $1")
            .bind(second)
            .fetch_one(admin)
            .await
            .unwrap();
    let taken_no: i32 = taken[9..].parse().unwrap();
    admin
        .execute_sql(&format!(
            "update subsidy_applications set reference = 'SAV-{year}-907' where application_id = '{first}'"
        ))
        .await;
    let clash = format!("SAV-{year}-{taken_no:03}");
    // The second keeps its SUB number; a third old-style one asks for the same number.
    let third: Uuid = sqlx::query_scalar(
        "select application_id from subsidy_applications a join tenants t using (tenant_id) \
         where t.slug = 'maastricht' and application_id not in ($1, $2) limit 1",
    )
    .bind(first)
    .bind(second)
    .fetch_one(admin)
    .await
    .unwrap();
    admin
        .execute_sql(&format!(
            "update subsidy_applications set reference = '{clash}' where application_id = '{third}'"
        ))
        .await;
    admin
        .execute_sql(include_str!(
            "../../migrations/20261208300001_one_reference_pattern.sql"
        ))
        .await;
    let reference = |id: Uuid| {
        let admin = admin.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "select reference from subsidy_applications where application_id = $1",
            )
            .bind(id)
            .fetch_one(&admin)
            .await
            .unwrap()
        }
    };
    assert_eq!(reference(first).await, format!("SUB-{year}-0907"));
    assert_eq!(reference(second).await, taken);
    let renumbered = reference(third).await;
    assert!(renumbered.starts_with(&format!("SUB-{year}-")) && renumbered != taken);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where action = 'kenmerk gewijzigd' \
             and object_id = '{first}' and before ->> 'kenmerk' = 'SAV-{year}-907' \
             and after ->> 'kenmerk' = 'SUB-{year}-0907'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from subsidy_applications where reference !~ '^SUB-\\d{4}-\\d{4,}$'"
        )
        .await,
        0
    );
}
