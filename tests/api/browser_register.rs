//! The register in a real browser: an official adds a facility through the form (with a
//! mistake first), sets a checklist status, and every register and checklist page passes
//! axe-core (WCAG 2.1 A/AA).

use fantoccini::Locator;

use crate::browser::start;
use crate::helpers::TestApp;

#[tokio::test]
async fn an_official_adds_a_facility_sets_a_checklist_status_and_every_page_passes_axe() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.login("beleid@almelo.demo").await;
    b.open("/almelo/voorzieningen").await;
    b.check("voorzieningen").await;
    b.open("/almelo/voorzieningen?q=dag").await;
    b.check("voorzieningen (zoeken)").await;
    b.open("/almelo/voorzieningen/nieuw").await;
    b.check("voorziening toevoegen").await;
    b.fill("naam", "Huiskamer Het Hart").await;
    b.fill("postcode", "76O1 AB").await;
    b.fill("open_ma", "09:00-12:00").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    assert!(b
        .text(".error-summary")
        .await
        .contains("Kies minstens één voorzieningentype."));
    b.check("voorziening toevoegen (fouten)").await;
    // The input is still there; correct it.
    let kept = b
        .client
        .find(Locator::Css("#naam"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Huiskamer Het Hart"));
    let provider = app
        .id("select provider_id from providers where name = 'Avedan'")
        .await
        .to_string();
    b.client
        .find(Locator::Css(&format!(
            "#aanbieder option[value='{provider}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("postcode", "7601 AB").await;
    b.client
        .find(Locator::Css("#buurt option[value='BU01411800']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true)",
            vec![],
        )
        .await
        .unwrap();
    b.tick("#typen-huiskamerproject").await;
    b.tick("#doelgroepen-eenzaamheid").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    assert_eq!(b.text("h1").await, "Huiskamer Het Hart");
    assert!(b.text(".alert--ok").await.contains("opgeslagen"));
    b.check("voorziening").await;
    let id = app
        .id("select facility_id from facilities where name = 'Huiskamer Het Hart'")
        .await;
    b.open(&format!("/almelo/voorzieningen/{id}/wijzigen"))
        .await;
    b.check("voorziening wijzigen").await;
    b.open(&format!("/almelo/voorzieningen/{id}/geschiedenis"))
        .await;
    b.check("geschiedenis voorziening").await;
    b.open("/almelo/voorzieningen/import").await;
    b.check("voorzieningen importeren").await;
    b.open("/almelo/aanbieders").await;
    b.check("aanbieders").await;
    b.open("/almelo/aanbieders/nieuw").await;
    b.check("aanbieder toevoegen").await;
    b.fill("naam", "Stichting Test").await;
    b.fill("kvk", "123").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    b.check("aanbieder toevoegen (fouten)").await;
    b.open(&format!("/almelo/aanbieders/{provider}")).await;
    b.check("aanbieder wijzigen").await;
    b.open(&format!("/almelo/aanbieders/{provider}/geschiedenis"))
        .await;
    b.check("geschiedenis aanbieder").await;
    // The checklist: the new huiskamer shows as present; mark a missing type "niet aanwezig".
    b.open("/almelo/checklist").await;
    b.check("checklist").await;
    b.open("/almelo/checklist?open=alle").await;
    b.check("checklist (alles open)").await;
    assert!(b
        .text("#type-huiskamerproject")
        .await
        .contains("Huiskamer Het Hart"));
    b.client
        .find(Locator::Css(
            "#status-skaeve_huse option[value='niet_aanwezig']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Css("#toelichting-skaeve_huse"))
        .await
        .unwrap()
        .send_keys("Geen locatie beschikbaar; besproken in het regio-overleg.")
        .await
        .unwrap();
    b.submit("#lg-wonen button[type='submit']").await;
    let kept = b
        .client
        .find(Locator::Css("#toelichting-skaeve_huse"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert!(kept
        .unwrap_or_default()
        .contains("besproken in het regio-overleg"));
    b.check("checklist (opgeslagen)").await;
    let (status, note): (String, String) = sqlx::query_as(
        "select status, note from checklist_entries where type_code = 'skaeve_huse'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(status, "niet_aanwezig");
    assert!(note.starts_with("Geen locatie"));
    for (path, label) in [
        ("/almelo/checklist/dekking", "dekking"),
        ("/almelo/checklist/bouwstenen", "bouwstenen"),
        ("/almelo/checklist/vraag", "vraag en aanbod"),
        ("/almelo/checklist/import", "checklist importeren"),
    ] {
        b.open(path).await;
        b.check(label).await;
    }
    b.open("/almelo/actualiteit").await;
    b.check("actualiteit").await;
    b.open("/almelo/typen").await;
    b.check("voorzieningentypen").await;
    b.open("/almelo/typen/maatjesproject").await;
    b.check("voorzieningentype wijzigen").await;
    b.open("/almelo/typen/nieuw").await;
    b.check("voorzieningentype toevoegen").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    b.check("voorzieningentype toevoegen (fouten)").await;
    b.logout().await;

    // The regio: a gemeente's checklist and the matrix over 14 gemeenten.
    b.login("beleid@twente.demo").await;
    b.open("/twente/checklist?gemeente=GM0153").await;
    b.check("checklist regio (Enschede)").await;
    b.open("/twente/checklist/dekking").await;
    b.check("dekking regio").await;
    b.logout().await;

    // The aanbieder's view of their own organisation.
    b.login("aanbieder@almelo.demo").await;
    b.open("/almelo/voorzieningen").await;
    b.check("voorzieningen (aanbieder)").await;
    // Its start page with the facilities due for confirmation (issue 16, item 6).
    sqlx::query("update facilities set verified_on = null where provider_id = (select provider_id from users where email = 'aanbieder@almelo.demo')")
        .execute(&app.db.admin)
        .await
        .unwrap();
    b.open("/almelo/").await;
    assert!(b
        .text("#te-controleren")
        .await
        .contains("Kloppen uw gegevens nog?"));
    b.check("startpagina (aanbieder, te controleren)").await;
    b.submit(".home-due button[type='submit']").await;
    assert!(b.text(".alert--ok").await.contains("bevestigd"));
    b.check("startpagina (aanbieder, bevestigd)").await;
    b.logout().await;

    assert!(b.checked >= 26, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
