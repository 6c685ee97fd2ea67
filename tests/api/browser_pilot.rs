//! The Almelo pilot in a real browser: an official reads the pilot and a year, enters a wrong
//! count (the message and the input come back), adjusts the allocation and reads an older
//! version; a partner files a quarterly report with its Positieve Gezondheid scores; the
//! official reads it, the dashboard, the scores over time and the business case, and enters
//! the realised figures of a year. Every page passes axe-core.

use fantoccini::Locator;

use crate::browser::start;
use crate::helpers::TestApp;

#[tokio::test]
async fn pilot_pages_pass_axe_while_an_official_allocates() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    let scheme = app
        .id("select scheme_id from subsidy_schemes where kind = 'pilot'")
        .await;
    let avedan = app
        .id("select provider_id from providers where name = 'Avedan'")
        .await;
    b.login("beleid@almelo.demo").await;
    b.open(&format!("/almelo/regelingen/{scheme}")).await;
    b.check("pilotregeling").await;
    b.open(&format!("/almelo/regelingen/{scheme}/pilot")).await;
    b.check("pilot").await;
    b.open(&format!("/almelo/regelingen/{scheme}/pilot/2021"))
        .await;
    b.check("pilotjaar").await;

    b.fill(&format!("behoefte_{avedan}"), "veel").await;
    b.submit("form.form:first-of-type button[type='submit']")
        .await;
    assert!(b.text(".error-summary").await.contains("Vul bij Avedan"));
    let kept = b
        .client
        .find(Locator::Css(&format!("#behoefte_{avedan}")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("veel"));
    b.check("pilotjaar (fout)").await;

    b.open(&format!("/almelo/regelingen/{scheme}/pilot/2021"))
        .await;
    b.fill(&format!("bedrag_{avedan}"), "1").await;
    b.fill("reden", "Proef").await;
    b.submit("form[action$='/aanpassing'] button[type='submit']")
        .await;
    assert!(b.text("#totaal").await.contains("over om te verdelen"));
    b.check("pilotjaar (aanpassing fout)").await;

    b.open(&format!("/almelo/regelingen/{scheme}/pilot/2020?versie=1"))
        .await;
    b.check("pilotjaar (oudere versie)").await;
    b.open(&format!(
        "/almelo/regelingen/{scheme}/pilot/partners/{avedan}/overeenkomst"
    ))
    .await;
    b.check("uitvoeringsovereenkomst").await;
    b.fill("bezettingsdoel", "veel").await;
    b.submit("form[action$='/overeenkomst'] button[type='submit']")
        .await;
    assert!(b.text(".error-summary").await.contains("bezettingsgraad"));
    b.check("uitvoeringsovereenkomst (fout)").await;
    b.open("/almelo/regelingen/nieuw").await;
    b.check("nieuwe regeling (soort)").await;
    b.logout().await;

    // A partner files its quarterly report: a mistake first, then the figures.
    let riet = app
        .id("select group_id from pilot_groups where name = 'Inloop De Riet'")
        .await;
    b.login("aanbieder@almelo.demo").await;
    b.open("/almelo/aanvragen").await;
    b.check("aanvragen met monitoring").await;
    b.open("/almelo/aanvragen/monitoring").await;
    b.check("monitoring (partner)").await;
    b.open(&format!(
        "/almelo/aanvragen/monitoring/{scheme}/overeenkomst"
    ))
    .await;
    b.check("eigen uitvoeringsovereenkomst").await;
    b.open(&format!("/almelo/aanvragen/monitoring/{scheme}/2021-K4"))
        .await;
    b.check("rapportage (formulier)").await;
    b.fill(&format!("deelnemers_{riet}"), "veertien").await;
    b.fill("pg_deelnemers_zingeving_gemiddelde", "11").await;
    b.fill("pg_deelnemers_zingeving_respondenten", "9").await;
    b.submit("form.form button.button--primary").await;
    let summary = b.text(".error-summary").await;
    assert!(summary.contains("Inloop De Riet"));
    assert!(summary.contains("Deelnemers, zingeving: vul een gemiddelde score"));
    b.check("rapportage (fout)").await;
    b.fill(&format!("deelnemers_{riet}"), "14").await;
    b.fill("pg_deelnemers_zingeving_gemiddelde", "7,6").await;
    b.fill("pg_coordinatoren_zingeving_gemiddelde", "8,1").await;
    b.fill("pg_coordinatoren_zingeving_respondenten", "2").await;
    b.submit("form.form button.button--primary").await;
    assert!(b
        .text("[role='status']")
        .await
        .contains("Uw rapportage is ingediend."));
    b.logout().await;

    // The official reads the monitoring and the report.
    b.login("beleid@almelo.demo").await;
    b.open(&format!("/almelo/regelingen/{scheme}/pilot/monitoring"))
        .await;
    b.check("monitoring (gemeente)").await;
    b.open(&format!(
        "/almelo/regelingen/{scheme}/pilot/monitoring/{avedan}/2021-K4"
    ))
    .await;
    let report = b.text("main").await;
    assert!(report.contains("Bijna vol"));
    assert!(report.contains("7,6 (n=9)"));
    assert!(report.contains("< 5 respondenten"));
    assert!(
        !report.contains("8,1"),
        "the partner's 2 coordinators stay hidden"
    );
    b.check("rapportage (gemeente)").await;
    b.open(&format!("/almelo/regelingen/{scheme}/pilot/dashboard"))
        .await;
    assert!(b
        .text("main")
        .await
        .contains("Overweeg een nieuwe groep of langere openingstijden"));
    b.check("dashboard").await;

    // Positieve Gezondheid over time, and the business case.
    b.open(&format!("/almelo/regelingen/{scheme}/pilot/gezondheid"))
        .await;
    assert!(b
        .text("main")
        .await
        .contains("Deelnemers: alle partners samen"));
    b.check("positieve gezondheid").await;
    b.open(&format!("/almelo/regelingen/{scheme}/pilot/businesscase"))
        .await;
    assert!(b.text("main").await.contains("Besparing"));
    b.check("business case").await;
    b.open(&format!(
        "/almelo/regelingen/{scheme}/pilot/businesscase/2021/gerealiseerd"
    ))
    .await;
    b.check("business case (formulier)").await;
    b.fill("ongewijzigd", "1.900.000").await;
    b.fill("na", "veel").await;
    b.submit("form.form button.button--primary").await;
    assert!(b
        .text(".error-summary")
        .await
        .contains("maatwerk na gewijzigd beleid"));
    b.check("business case (fout)").await;
    b.fill("na", "800.000").await;
    b.fill("reden", "Jaarrekening 2021 (proef)").await;
    b.submit("form.form button.button--primary").await;
    assert!(b.text("[role='status']").await.contains("Opgeslagen."));
    assert!(b.text("main").await.contains("Jaarrekening 2021 (proef)"));
    assert_eq!(b.checked, 21);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
