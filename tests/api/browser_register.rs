//! The register in a real browser: an official adds a facility through the form (with a
//! mistake first), and every register page passes axe-core (WCAG 2.1 A/AA).

use fantoccini::Locator;

use crate::browser::start;
use crate::helpers::TestApp;

#[tokio::test]
async fn an_official_adds_a_facility_and_every_register_page_passes_axe() {
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
    b.submit("form.form button[type='submit'].button--primary").await;
    assert!(b.text(".error-summary").await.contains("Kies minstens één voorzieningentype."));
    b.check("voorziening toevoegen (fouten)").await;
    // The input is still there; correct it.
    let kept = b.client.find(Locator::Css("#naam")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Huiskamer Het Hart"));
    let provider = app.id("select provider_id from providers where name = 'Avedan'").await.to_string();
    b.client
        .find(Locator::Css(&format!("#aanbieder option[value='{provider}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("postcode", "7601 AB").await;
    b.client.execute("document.querySelectorAll('details').forEach(d => d.open = true)", vec![]).await.unwrap();
    b.tick("#typen-huiskamerproject").await;
    b.tick("#doelgroepen-eenzaamheid").await;
    b.submit("form.form button[type='submit'].button--primary").await;
    assert_eq!(b.text("h1").await, "Huiskamer Het Hart");
    assert!(b.text(".alert--ok").await.contains("opgeslagen"));
    b.check("voorziening").await;
    let id = app.id("select facility_id from facilities where name = 'Huiskamer Het Hart'").await;
    b.open(&format!("/almelo/voorzieningen/{id}/wijzigen")).await;
    b.check("voorziening wijzigen").await;
    b.open(&format!("/almelo/voorzieningen/{id}/geschiedenis")).await;
    b.check("geschiedenis voorziening").await;
    b.open("/almelo/voorzieningen/import").await;
    b.check("voorzieningen importeren").await;
    b.open("/almelo/aanbieders").await;
    b.check("aanbieders").await;
    b.open("/almelo/aanbieders/nieuw").await;
    b.check("aanbieder toevoegen").await;
    b.fill("naam", "Stichting Test").await;
    b.fill("kvk", "123").await;
    b.submit("form.form button[type='submit'].button--primary").await;
    b.check("aanbieder toevoegen (fouten)").await;
    b.open(&format!("/almelo/aanbieders/{provider}")).await;
    b.check("aanbieder wijzigen").await;
    b.open(&format!("/almelo/aanbieders/{provider}/geschiedenis")).await;
    b.check("geschiedenis aanbieder").await;
    b.open("/almelo/actualiteit").await;
    b.check("actualiteit").await;
    b.open("/almelo/typen").await;
    b.check("voorzieningentypen").await;
    b.open("/almelo/typen/maatjesproject").await;
    b.check("voorzieningentype wijzigen").await;
    b.open("/almelo/typen/nieuw").await;
    b.check("voorzieningentype toevoegen").await;
    b.submit("form.form button[type='submit'].button--primary").await;
    b.check("voorzieningentype toevoegen (fouten)").await;
    b.logout().await;

    // The aanbieder's view of their own organisation.
    b.login("aanbieder@almelo.demo").await;
    b.open("/almelo/voorzieningen").await;
    b.check("voorzieningen (aanbieder)").await;
    b.logout().await;

    assert!(b.checked >= 19, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(found.is_empty(), "axe-core found WCAG 2.1 A/AA violations:\n{}", found.join("\n"));
}
