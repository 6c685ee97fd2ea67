//! Issue 26 in a real browser: the twente checklist and coverage pages at 1280 px stay short
//! with every levensgebied folded, the coverage header row and type column are sticky, the
//! phone menu opens without script, and every changed page passes axe.

use fantoccini::Locator;
use serde_json::{json, Value};

use crate::browser::start;
use crate::helpers::TestApp;

async fn height(b: &crate::browser::Browser) -> u64 {
    let v = b
        .client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap();
    v.as_u64().unwrap()
}

async fn js(b: &crate::browser::Browser, code: &str) -> Value {
    b.client.execute(code, vec![]).await.unwrap()
}

#[tokio::test]
async fn the_region_pages_are_short_sticky_and_the_phone_menu_works() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1280, "height": 1024, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await;
    b.login("beleid@twente.demo").await;

    b.open("/twente/checklist").await;
    let checklist = height(&b).await;
    let folded = js(
        &b,
        "return [...document.querySelectorAll('details.checklist-group')].map(d => d.open)",
    )
    .await;
    let folded = folded.as_array().unwrap();
    assert!(
        folded.len() >= 5 && folded.iter().all(|o| o == false),
        "{folded:?}"
    );
    assert!(checklist < 8000, "checklist {checklist} px tall at 1280 px");
    let buttons = js(
        &b,
        "return document.querySelectorAll('main button[type=submit]').length",
    )
    .await;
    assert!(buttons.as_u64().unwrap() <= 15, "{buttons} buttons");
    b.check("checklist twente (gevouwen)").await;
    b.open("/twente/checklist?gemeente=GM0164&open=wonen").await;
    let open = js(&b, "return document.querySelector('#lg-wonen').open").await;
    assert_eq!(open, true);
    b.check("checklist twente (wonen open)").await;
    b.open("/twente/checklist?gemeente=GM0164&filter=onbekend&open=alle")
        .await;
    b.check("checklist twente (alleen onbekend)").await;

    b.open("/twente/checklist/dekking").await;
    let coverage = height(&b).await;
    let folded = js(
        &b,
        "return [...document.querySelectorAll('details.coverage-group')].map(d => d.open)",
    )
    .await;
    assert!(folded.as_array().unwrap().iter().all(|o| o == false));
    assert!(coverage < 8000, "coverage {coverage} px tall at 1280 px");
    b.check("dekking twente (gevouwen)").await;
    b.open("/twente/checklist/dekking?open=wonen").await;
    let sticky = js(
        &b,
        "const g = document.querySelector('#dekking-wonen');\n\
         const wrap = g.querySelector('.coverage-wrapper');\n\
         const head = g.querySelector('thead th:nth-child(3)');\n\
         const type = g.querySelector('tbody th[scope=row]');\n\
         const regio = g.querySelector('thead th:nth-child(2)').textContent;\n\
         wrap.scrollTop = 400; wrap.scrollLeft = 300;\n\
         const w = wrap.getBoundingClientRect();\n\
         return { head: getComputedStyle(head).position, type: getComputedStyle(type).position,\n\
           headTop: Math.round(head.getBoundingClientRect().top - w.top),\n\
           typeLeft: Math.round(type.getBoundingClientRect().left - w.left),\n\
           scrolled: wrap.scrollTop, regio,\n\
           pageWidth: document.documentElement.scrollWidth };",
    )
    .await;
    assert_eq!(sticky["head"], "sticky", "{sticky}");
    assert_eq!(sticky["type"], "sticky", "{sticky}");
    assert_eq!(sticky["regio"], "Regio", "the regio column first");
    assert!(
        sticky["scrolled"].as_u64().unwrap() > 0,
        "the wrapper scrolls: {sticky}"
    );
    assert!(
        sticky["headTop"].as_i64().unwrap().abs() <= 1,
        "header row stays on top: {sticky}"
    );
    assert!(
        sticky["typeLeft"].as_i64().unwrap().abs() <= 1,
        "type column stays left: {sticky}"
    );
    b.check("dekking twente (wonen open)").await;
    b.open("/twente/checklist/dekking?ontbrekend=1&innovatief=1")
        .await;
    b.check("dekking twente (filters)").await;
    b.open("/twente/checklist/overzicht").await;
    b.check("regionaal overzicht (breed)").await;
    eprintln!("issue 26 heights at 1280 px: checklist {checklist} px, dekking {coverage} px");

    // The menu at 1280 px: one row of task groups.
    b.open("/twente/voorzieningen").await;
    let rows = js(
        &b,
        "const tops = [...document.querySelectorAll('.nav--wide > .nav__list:not(.nav__list--sub) .nav__link')].map(a => Math.round(a.getBoundingClientRect().top));\n\
         return new Set(tops).size;",
    )
    .await;
    assert_eq!(rows, 1, "the main menu fits one row at 1280 px");

    // A phone: the menu is a details/summary button, opened without script.
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }),
    )
    .await;
    b.open("/twente/voorzieningen").await;
    let shown = js(
        &b,
        "return [getComputedStyle(document.querySelector('.nav--wide')).display, getComputedStyle(document.querySelector('.nav-menu')).display, document.querySelector('.nav-menu').open, document.querySelector('.nav-menu a[href=\"/twente/checklist\"]').checkVisibility()]",
    )
    .await;
    assert_eq!(shown, json!(["none", "block", false, false]), "{shown}");
    b.check("voorzieningen (telefoon, menu dicht)").await;
    b.tick(".nav-menu__button").await;
    let link = b
        .client
        .find(Locator::Css(".nav-menu a[href='/twente/checklist']"))
        .await
        .unwrap();
    assert!(link.is_displayed().await.unwrap(), "the menu opened");
    b.check("voorzieningen (telefoon, menu open)").await;
    link.click().await.unwrap();
    for _ in 0..100 {
        if b.path().await == "/twente/checklist" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(b.path().await, "/twente/checklist");
    b.check("checklist (telefoon)").await;
    b.open("/twente/checklist/dekking").await;
    b.check("dekking (telefoon)").await;

    // A public 404 offers the kaart.
    b.logout().await;
    b.open("/twente/bestaat-niet").await;
    let text = b.text("main").await;
    assert!(
        text.contains("Naar de sociale kaart van Regio Twente"),
        "{text}"
    );
    assert!(!text.contains("inlogpagina"));
    b.check("404 (publiek)").await;

    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
