//! Subsidies in a real browser: an aanbieder writes an application (a mistake first, a draft,
//! documents, then submits); after the window closes a beoordelaar declares and scores; an
//! official reads the round, the ranking and the letter. Every page passes axe-core.

use fantoccini::Locator;

use crate::browser::start;
use crate::helpers::TestApp;

#[tokio::test]
async fn an_aanbieder_applies_a_beoordelaar_scores_and_every_subsidy_page_passes_axe() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.login("aanbieder@maastricht.demo").await;
    b.open("/maastricht/aanvragen").await;
    b.check("aanvragen (portaal)").await;
    b.submit("form.form button.button--primary").await;
    assert!(
        b.path().await.starts_with("/maastricht/aanvragen/"),
        "a new draft opens"
    );
    let id = b.path().await.rsplit('/').next().unwrap().to_string();
    b.check("aanvraag (concept)").await;

    // A mistake: the form comes back with the message and the input.
    b.fill("titel", "Huiskamer Caberg-Noord").await;
    b.fill("gevraagd", "twintig").await;
    b.submit("button[value='opslaan']").await;
    assert!(b.text(".error-summary").await.contains("Gevraagd bedrag"));
    b.check("aanvraag (fout)").await;
    let kept = b
        .client
        .find(Locator::Css("#titel"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Huiskamer Caberg-Noord"));

    b.fill(
        "activiteiten",
        "Vier middagen per week een huiskamer voor de buurt.",
    )
    .await;
    b.fill("deelnemers", "45").await;
    b.fill("bereik", "Caberg en Malpertuis.").await;
    b.fill("vaste_lasten", "9.800").await;
    b.fill("activiteitenkosten", "1.200").await;
    b.fill("gevraagd", "9.800").await;
    for (code, text) in [
        ("samenwerking", "Met het buurtnetwerk."),
        ("resultaat", "Buren die elkaar helpen."),
        ("inclusie", "Drempelvrij."),
        ("duurzaamheid", "Vast bestuur."),
    ] {
        b.fill(&format!("antwoord_{code}"), text).await;
    }
    for code in ["bestuur", "vog", "administratie", "toegankelijk"] {
        b.tick(&format!("#verklaring-{code}")).await;
    }
    b.submit("button[value='opslaan']").await;
    assert!(b.text("[role='status']").await.contains("Opgeslagen"));

    // The session expires while typing: after signing in again the typed input comes back.
    b.fill("titel", "Huiskamer Caberg-Noord en Zuid").await;
    sqlx::query("delete from sessions")
        .execute(&app.db.admin)
        .await
        .unwrap();
    b.submit("button[value='opslaan']").await;
    b.login("aanbieder@maastricht.demo").await;
    b.open(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(b
        .text(".alert--warning")
        .await
        .contains("niet-opgeslagen invoer"));
    b.check("aanvraag (invoer terugzetten)").await;
    b.tick(".alert--warning button").await;
    let restored = b
        .client
        .find(Locator::Css("#titel"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(restored.as_deref(), Some("Huiskamer Caberg-Noord en Zuid"));
    b.submit("button[value='opslaan']").await;
    assert!(b.text("[role='status']").await.contains("Opgeslagen"));
    let title: String = sqlx::query_scalar(&format!(
        "select title from subsidy_application_versions where application_id = '{id}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(title, "Huiskamer Caberg-Noord en Zuid");

    // Documents, through the file field.
    let pdf = std::env::temp_dir().join(format!("begroting-{id}.pdf"));
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    for kind in ["begroting", "jaarverslag", "bestuurssamenstelling"] {
        b.client
            .find(Locator::Css(&format!("#soort option[value='{kind}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#bestand"))
            .await
            .unwrap()
            .send_keys(pdf.to_str().unwrap())
            .await
            .unwrap();
        b.submit("button[value='document']").await;
    }
    b.check("aanvraag (documenten)").await;
    b.submit("button[value='indienen']").await;
    assert!(b
        .text("[role='status']")
        .await
        .contains("Uw aanvraag is ingediend."));
    b.check("aanvraag (ingediend)").await;
    b.logout().await;

    // After the window closes, the beoordelaar declares and scores.
    sqlx::query(
        "update subsidy_rounds set closes_at = now() - interval '1 second' where closes_at > now()",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    b.login("beoordelaar@maastricht.demo").await;
    b.open("/maastricht/beoordelen").await;
    b.check("beoordelen (lijst)").await;
    b.open(&format!("/maastricht/beoordelen/{id}")).await;
    b.check("beoordelen (verklaring)").await;
    b.tick("#belang-nee").await;
    b.submit("form.form button.button--primary").await;
    b.check("beoordelen (scores)").await;
    for (code, points) in [
        ("samenwerking", "7"),
        ("resultaat", "8"),
        ("inclusie", "6"),
        ("duurzaamheid", "7"),
    ] {
        b.fill(&format!("punten_{code}"), points).await;
        b.fill(&format!("motivering_{code}"), "Past bij het criterium.")
            .await;
    }
    b.submit("form[action$='/scores'] button.button--primary")
        .await;
    assert!(b
        .text("[role='status']")
        .await
        .contains("Uw scores zijn opgeslagen."));
    b.logout().await;
    let scored = app
        .scalar_i64(&format!(
            "select count(*) from subsidy_scores where application_id = '{id}'"
        ))
        .await;
    assert_eq!(scored, 4);

    // The official's pages.
    b.login("beleid@maastricht.demo").await;
    let scheme = app
        .id("select scheme_id from subsidy_schemes where kind = 'tender' limit 1")
        .await;
    let old = app
        .id("select round_id from subsidy_rounds order by year limit 1")
        .await;
    b.open("/maastricht/regelingen").await;
    b.check("regelingen").await;
    b.open(&format!("/maastricht/regelingen/{scheme}")).await;
    b.check("regeling").await;
    b.open(&format!("/maastricht/regelingen/{scheme}/rondes/{old}"))
        .await;
    b.check("ronde").await;
    b.open(&format!(
        "/maastricht/regelingen/{scheme}/rondes/{old}/rangschikking"
    ))
    .await;
    b.check("rangschikking").await;
    b.open(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    b.check("aanvraag (beoordeling door de gemeente)").await;
    // The closed round, with its notice-of-delay form: sent empty first, then recorded.
    let closed = app
        .id(&format!(
            "select round_id from subsidy_applications where application_id = '{id}'"
        ))
        .await;
    b.open(&format!("/maastricht/regelingen/{scheme}/rondes/{closed}"))
        .await;
    b.check("ronde (verdagen)").await;
    b.submit("form[action$='/verdagen'] button").await;
    assert!(b.text(".error-summary").await.contains("Vul de datum in"));
    b.check("ronde (verdagen, fouten)").await;
    sqlx::query(&format!(
        "update subsidy_rounds set decision_delayed_to = (closes_at at time zone 'Europe/Amsterdam')::date + decision_weeks * 7 + 14, \
         decision_delay_reason = 'Meer aanvragen dan verwacht.', decision_delayed_at = now(), decision_delayed_by = 'B. Leid' \
         where round_id = '{closed}'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    b.open(&format!("/maastricht/regelingen/aanvragen/{id}/verdaging"))
        .await;
    b.check("bericht van verdaging").await;
    b.open("/maastricht/regelingen/nieuw").await;
    b.check("nieuwe regeling").await;
    b.open(&format!("/maastricht/regelingen/{scheme}/wijzigen"))
        .await;
    b.check("regeling wijzigen").await;
    b.open(&format!("/maastricht/regelingen/{scheme}/rondes/nieuw"))
        .await;
    b.check("nieuwe ronde").await;
    let decided = app
        .id(&format!("select application_id from subsidy_applications where round_id = '{old}' and status = 'besloten' limit 1"))
        .await;
    b.open(&format!(
        "/maastricht/regelingen/aanvragen/{decided}/beschikking"
    ))
    .await;
    b.check("beschikking").await;
    b.open("/maastricht/").await;
    b.logout().await;

    // After the grant: the recipient files its verantwoording, the official settles it.
    let first = app
        .id(&format!("select application_id from subsidy_outcomes where round_id = '{old}' and outcome = 'toegekend' order by granted_cents limit 1"))
        .await;
    sqlx::query(&format!(
        "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
         select a.tenant_id, 'penningmeester@huiskamer.demo', 'Pim Penning', u.password_hash, array['aanbieder'], a.provider_id \
         from subsidy_applications a, users u where a.application_id = '{first}' and u.email = 'aanbieder@maastricht.demo'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    b.login("penningmeester@huiskamer.demo").await;
    b.open(&format!("/maastricht/aanvragen/{first}")).await;
    b.check("aanvraag (toegekend, verantwoorden)").await;
    // The activity report first, through the upload form.
    let report = std::env::temp_dir().join(format!("verslag-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(
        &report,
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    )
    .unwrap();
    let input = b
        .client
        .find(Locator::Css("#verantwoording-bestand"))
        .await
        .unwrap();
    input.send_keys(&report.to_string_lossy()).await.unwrap();
    b.submit("form[action$='/verantwoording/documenten'] button")
        .await;
    let _ = std::fs::remove_file(report);
    assert!(b
        .text("[role='status']")
        .await
        .contains("Het document is toegevoegd"));
    b.check("aanvraag (verantwoording met verslag)").await;
    b.fill("gerealiseerd", "Het hele jaar open.").await;
    b.fill("deelnemers_werkelijk", "48").await;
    b.fill("werkelijk_vaste_lasten", "20.000").await;
    b.submit("form[action$='/verantwoording'] button.button--primary")
        .await;
    assert!(b.text("[role='status']").await.contains("Opgeslagen"));
    b.open(&format!("/maastricht/aanvragen/{first}/beschikking"))
        .await;
    b.check("beschikking (aanvrager)").await;
    b.open("/maastricht/aanvragen").await;
    b.logout().await;

    b.login("beleid@maastricht.demo").await;
    b.open(&format!("/maastricht/regelingen/aanvragen/{first}"))
        .await;
    b.check("aanvraag (vaststellen)").await;
    b.fill("reden", "Minder deelnemers dan begroot.").await;
    b.submit("form[action$='/vaststellen'] button.button--primary")
        .await;
    assert!(b.text("[role='status']").await.contains("Opgeslagen"));
    b.open(&format!(
        "/maastricht/regelingen/aanvragen/{first}/vaststelling"
    ))
    .await;
    b.check("vaststelling").await;
    b.open("/maastricht/regelingen/termijnen").await;
    b.check("termijnen").await;
    b.open("/maastricht/regelingen/betalingen").await;
    b.check("betalingen").await;
    // An objection registered through the form, then its page and the receipt.
    let refused = app
        .id(&format!("select application_id from subsidy_outcomes where round_id = '{old}' and not eligible limit 1"))
        .await;
    b.open(&format!("/maastricht/regelingen/aanvragen/{refused}"))
        .await;
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Europe/Amsterdam')::date)::text")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    b.client
        .execute(
            &format!("document.getElementById('ontvangen').value = '{today}'"),
            vec![],
        )
        .await
        .unwrap();
    b.tick("#kanaal-digitaal").await;
    b.fill("gronden", "De score op inclusie klopt niet.").await;
    b.submit("form[action$='/bezwaren'] button").await;
    assert!(b.path().await.contains("/regelingen/bezwaren/"));
    b.check("bezwaar").await;
    let objection = b.path().await;
    b.open(&format!("{objection}/ontvangstbevestiging")).await;
    b.check("ontvangstbevestiging").await;
    sqlx::query(
        "update subsidy_objections set outcome = 'ongegrond', outcome_reason = 'De score is juist gemotiveerd.', \
         decided_at = now(), decided_by = 'B. Leid'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    b.open(&format!("{objection}/beslissing")).await;
    assert!(b
        .text("main")
        .await
        .contains("Wij verklaren uw bezwaar ongegrond."));
    b.check("beslissing op bezwaar").await;
    b.open("/maastricht/regelingen/bezwaren").await;
    b.check("bezwaren").await;
    b.logout().await;
    b.open("/maastricht/kaart/subsidies").await;
    b.check("verleende subsidies (openbaar)").await;

    assert!(b.checked >= 28, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
