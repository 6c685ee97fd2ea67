//! Issue 24, item 8: a document's name cannot pretend another type (bidirectional and other
//! invisible characters go, the extension is the content's), and an application or a
//! verantwoording holds at most `MAX_DOCUMENTS` (default 20), also when uploads come at once.

use reqwest::StatusCode;
use uuid::Uuid;
use voorzieningen::config::Settings;

use crate::helpers::{Browser, TestApp};
use crate::subsidy::{pdf, rounds, start_draft, upload};

/// A PDF that is HTML too: it starts as a PDF, and a browser sniffing it sees a script.
fn polyglot() -> Vec<u8> {
    let mut bytes = pdf();
    bytes.extend_from_slice(b"<html><body><script>alert(document.cookie)</script></body></html>");
    bytes
}

/// The right-to-left override makes `rapport\u{202e}fdp.html` read "rapportlmth.pdf".
const SNEAKY: &str = "rapport\u{202e}fdp.html";

/// A granted application of last year's demo round that owes a verantwoording with
/// documents, and an aanbieder user of its organisation, signed in on its page.
async fn recipient(app: &TestApp) -> (Uuid, Browser) {
    let (_, _, old) = rounds(app).await;
    let id = app
        .id(&format!("select application_id from subsidy_outcomes where round_id = '{old}' and outcome = 'toegekend' order by granted_cents desc limit 1"))
        .await;
    for statement in [
        format!("update subsidy_rounds set settle_direct_below_cents = 1, financial_report_from_cents = 2 where round_id = '{old}'"),
        format!(
            "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
             select a.tenant_id, 'penning@namen.demo', 'Pien Penning', u.password_hash, array['aanbieder'], a.provider_id \
             from subsidy_applications a, users u where a.application_id = '{id}' and u.email = 'aanbieder@maastricht.demo'"
        ),
    ] {
        sqlx::query(&statement).execute(&app.db.admin).await.unwrap();
    }
    let mut b = app.login("penning@namen.demo").await;
    b.get(&format!("/maastricht/aanvragen/{id}")).await;
    (id, b)
}

async fn download(b: &Browser, path: &str) -> (String, String) {
    let response = b
        .client
        .get(format!("{}{path}", b.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers();
    (
        headers["content-type"].to_str().unwrap().to_string(),
        headers["content-disposition"].to_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_file_name_with_a_right_to_left_override_is_stored_as_what_its_content_is() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    b.get(&format!("/maastricht/aanvragen/{id}")).await;
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    assert_eq!(
        upload(&mut b, &base, "begroting", polyglot(), SNEAKY).await,
        StatusCode::SEE_OTHER
    );
    let stored: String =
        sqlx::query_scalar("select file_name from subsidy_documents where application_id = $1")
            .bind(id)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert_eq!(stored, "rapportfdp.pdf");
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains(">rapportfdp.pdf</a>"), "{}", page.body);
    assert!(!page.body.contains('\u{202e}'));
    let document = app
        .id(&format!(
            "select document_id from subsidy_documents where application_id = '{id}'"
        ))
        .await;
    let (media_type, disposition) = download(&b, &format!("{base}/{document}")).await;
    assert_eq!(media_type, "application/pdf");
    assert!(
        disposition.contains("filename=\"rapportfdp.pdf\"")
            && disposition.ends_with("filename*=UTF-8''rapportfdp.pdf"),
        "{disposition}"
    );

    // A name stored before this rule (here put there by hand) is shown and sent cleaned too.
    sqlx::query("update subsidy_documents set file_name = $2 where document_id = $1")
        .bind(document)
        .bind(format!("oud\u{2067}{SNEAKY}"))
        .execute(&app.db.admin)
        .await
        .unwrap();
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains(">oudrapportfdp.pdf</a>"));
    let (_, disposition) = download(&b, &format!("{base}/{document}")).await;
    assert!(
        !disposition.contains("%E2%80%AE") && !disposition.contains(".html"),
        "{disposition}"
    );
    assert!(disposition.ends_with("oudrapportfdp.pdf"), "{disposition}");

    // The verantwoording's documents follow the same rule.
    let (granted, mut recipient) = recipient(&app).await;
    let documents = format!("/maastricht/aanvragen/{granted}/verantwoording/documenten");
    assert_eq!(
        upload(
            &mut recipient,
            &documents,
            "overig",
            polyglot(),
            "foto\u{200f}\u{2066}s.exe"
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let page = recipient
        .get(&format!("/maastricht/aanvragen/{granted}"))
        .await;
    assert!(page.body.contains(">fotos.pdf</a>"), "{}", page.body);
    let report_document = app
        .id(&format!(
            "select document_id from subsidy_report_documents where application_id = '{granted}'"
        ))
        .await;
    let (media_type, disposition) =
        download(&recipient, &format!("{documents}/{report_document}")).await;
    assert_eq!(media_type, "application/pdf");
    assert!(disposition.ends_with("fotos.pdf"), "{disposition}");
}

#[tokio::test]
async fn a_verantwoording_holds_at_most_twenty_documents_even_when_they_come_at_once() {
    let app = TestApp::spawn().await;
    let (id, recipient) = recipient(&app).await;
    let url = format!(
        "{}/maastricht/aanvragen/{id}/verantwoording/documenten",
        recipient.base_url()
    );
    let mut set = tokio::task::JoinSet::new();
    for i in 0..26 {
        let client = recipient.client.clone();
        let url = url.clone();
        let token = recipient.csrf.clone();
        set.spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("csrf_token", token)
                .text("soort", "overig")
                .part(
                    "bestand",
                    reqwest::multipart::Part::bytes(pdf()).file_name(format!("bijlage {i}.pdf")),
                );
            let response = client.post(url).multipart(form).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        });
    }
    let answers = set.join_all().await;
    let added = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    let refused: Vec<&String> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::BAD_REQUEST)
        .map(|(_, body)| body)
        .collect();
    assert_eq!((added, refused.len()), (20, 6));
    assert!(refused[0].contains("Er staan al 20 documenten bij; meer dan 20 kan niet"));
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_report_documents where application_id = '{id}'"
        ))
        .await,
        20
    );
}

#[tokio::test]
async fn the_document_limit_is_a_setting_and_a_replacement_fits_within_it() {
    let settings = Settings {
        max_documents: 2,
        ..Settings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;
    b.get(&format!("/maastricht/aanvragen/{id}")).await;
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    for kind in ["begroting", "jaarverslag"] {
        assert_eq!(
            upload(&mut b, &base, kind, pdf(), &format!("{kind}.pdf")).await,
            StatusCode::SEE_OTHER
        );
    }
    // A new begroting takes the old one's place: it fits.
    assert_eq!(
        upload(&mut b, &base, "begroting", pdf(), "begroting-2.pdf").await,
        StatusCode::SEE_OTHER
    );
    // A third kind does not.
    assert_eq!(
        upload(&mut b, &base, "bestuurssamenstelling", pdf(), "bestuur.pdf").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_documents where application_id = '{id}'"
        ))
        .await,
        2
    );

    // Twenty uploads of one kind at once leave one document of that kind.
    let url = format!("{}{base}", b.base_url());
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let client = b.client.clone();
        let url = url.clone();
        let token = b.csrf.clone();
        set.spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("csrf_token", token)
                .text("soort", "jaarverslag")
                .part(
                    "bestand",
                    reqwest::multipart::Part::bytes(pdf())
                        .file_name(format!("jaarverslag {i}.pdf")),
                );
            client
                .post(url)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = set.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_documents where application_id = '{id}' and kind = 'jaarverslag'"
        ))
        .await,
        1
    );
}
