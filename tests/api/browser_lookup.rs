//! Finding facilities in a real browser: a wijkteam worker searches with filters, opens a
//! facility, prints its handout and counts the referral; every new page, the public ones
//! included, passes axe-core (WCAG 2.1 A/AA).

use fantoccini::Locator;

use crate::browser::start;
use crate::helpers::TestApp;

#[tokio::test]
async fn a_wijkteam_worker_goes_from_search_to_handout_to_a_counted_referral() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    let before = app.scalar_i64("select count(*) from referrals").await;
    b.login("wijkteam@almelo.demo").await;
    b.open("/almelo/zoeken").await;
    b.check("zoeken").await;
    // Type words with a typo, open the filters, choose one, search.
    b.fill("q", "repair cafe").await;
    b.client
        .execute(
            "document.querySelector('details.lookup-filters').open = true",
            vec![],
        )
        .await
        .unwrap();
    b.tick("#f-vrij").await;
    b.submit("form.lookup-form button[type='submit'].button--primary")
        .await;
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/almelo/zoeken");
    assert!(
        url.query().unwrap_or_default().contains("q=repair+cafe"),
        "the search is in the URL"
    );
    assert!(b.text("#resultaten").await.starts_with("1 voorziening"));
    b.check("zoeken (resultaten)").await;
    b.client
        .find(Locator::LinkText("Repair Café Almelo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.text("h1").await, "Repair Café Almelo");
    b.check("voorziening (wijkteam)").await;
    // The handout: its own page, no navigation.
    b.client
        .find(Locator::LinkText("Folder voor de inwoner"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.text("h1").await, "Repair Café Almelo");
    assert!(
        b.client.find(Locator::Css("nav")).await.is_err(),
        "no navigation on the handout"
    );
    assert!(
        b.client
            .find(Locator::Css("[data-print]"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "print button shown"
    );
    b.check("folder").await;
    b.client.back().await.unwrap();
    // Count the referral: the date and route are filled in, one click.
    b.submit("#verwijzing button[type='submit']").await;
    assert!(b
        .text(".alert--ok")
        .await
        .contains("De verwijzing is geteld"));
    assert_eq!(
        app.scalar_i64("select count(*) from referrals").await,
        before + 1
    );
    // A mistake comes back at the field.
    // (A date field takes keys in the browser's locale; set the value as a date picker would.)
    b.client
        .execute(
            "document.getElementById('datum').value = '2999-01-01'",
            vec![],
        )
        .await
        .unwrap();
    b.submit("#verwijzing button[type='submit']").await;
    assert!(b.text(".error-summary").await.contains("toekomst"));
    b.check("voorziening (verwijzing met fout)").await;
    // The referral just counted can be undone by its worker (issue 16, item 7).
    assert!(b.text(".referral-recent").await.contains("Ongedaan maken"));
    b.open("/almelo/zoeken?q=xyzzy&rolstoel=1").await;
    b.check("zoeken (niets gevonden)").await;
    b.logout().await;

    b.login("beleid@almelo.demo").await;
    // The correction form of the referral counts (issue 16, item 7), unfolded.
    let repair = app
        .id("select facility_id from facilities where name = 'Repair Café Almelo'")
        .await;
    b.open(&format!("/almelo/voorzieningen/{repair}")).await;
    b.client
        .execute(
            "document.getElementById('verwijzingen-corrigeren').open = true",
            vec![],
        )
        .await
        .unwrap();
    b.check("voorziening (telling corrigeren)").await;
    b.open("/almelo/verwijzingen").await;
    b.check("verwijzingen").await;
    b.open("/almelo/verwijzingen?per=maand").await;
    b.check("verwijzingen per maand").await;
    b.logout().await;
    b.login("beheer@almelo.demo").await;
    b.open("/almelo/beheer/publicatie").await;
    b.check("sociale kaart publiceren").await;
    b.logout().await;

    // The public kaart, signed out, on a phone-sized window too.
    let id = app
        .id("select facility_id from facilities where name = 'Repair Café Almelo'")
        .await;
    b.open("/twente/kaart").await;
    b.check("sociale kaart").await;
    b.open("/twente/kaart?q=huiskamer&bij=BU01411000").await;
    b.check("sociale kaart (zoeken, dichtbij)").await;
    b.open(&format!("/almelo/kaart/{id}")).await;
    b.check("sociale kaart: voorziening").await;
    b.open(&format!("/almelo/kaart/{id}/folder")).await;
    b.check("sociale kaart: folder").await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.open("/almelo/kaart?q=koffie").await;
    b.check("sociale kaart (telefoon)").await;
    let overflow: bool = b
        .client
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(
        !overflow,
        "the kaart fits a phone without sideways scrolling"
    );

    // The handout of the facility with the most to say prints on one A4 page.
    let longest = app
        .id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and not f.archived \
             order by length(f.description) + length(f.directions) + length(f.opening_exceptions) desc limit 1")
        .await;
    let pdf = std::env::temp_dir().join(format!("folder-{longest}.pdf"));
    // (tokio's Command: the server under test runs on this same runtime.)
    let status = tokio::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("http://{}/almelo/kaart/{longest}/folder", app.addr))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .status();
    let status = tokio::time::timeout(std::time::Duration::from_secs(60), status)
        .await
        .expect("chromium prints in time")
        .expect("chromium runs");
    assert!(status.success());
    let bytes = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    let pages = if pages == 0 {
        text.matches("/Type/Page").count() - text.matches("/Type/Pages").count()
    } else {
        pages
    };
    assert_eq!(pages, 1, "the handout fits one A4 page");
    let _ = std::fs::remove_file(&pdf);

    assert!(b.checked >= 14, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}

/// Issue 16, item 2: on a phone the results come first and the filters are folded in a details
/// element after them; they work without script (their fields belong to the search form).
#[tokio::test]
async fn on_a_phone_the_results_come_before_the_folded_filters() {
    let app = TestApp::spawn().await;
    // Without script: the page as served has the results before the filters.
    let body = app.client().get("/maastricht/kaart?q=huiskamer").await.body;
    let first_result = body.find("class=\"lookup-result\"").expect("a result");
    let filters = body
        .find("<details class=\"lookup-filters")
        .expect("folded filters");
    assert!(first_result < filters, "results first in the page");
    assert!(
        !body[filters..filters + 200].contains(" open"),
        "folded when nothing is chosen"
    );
    assert_eq!(
        body.matches("form=\"lookup\"").count(),
        body[filters..].matches("<select").count()
            + body[filters..].matches("type=\"checkbox\"").count()
            + 1,
        "every filter field and its button belong to the search form"
    );

    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.client.set_window_size(390, 844).await.unwrap();
    b.open("/maastricht/kaart?q=huiskamer").await;
    let (result_top, viewport, selects_shown): (f64, f64, bool) = {
        let v = b
            .client
            .execute(
                "return [document.querySelector('.lookup-result').getBoundingClientRect().top, window.innerHeight, \
                 Array.from(document.querySelectorAll('.lookup-filters select')).some(s => s.checkVisibility())]",
                vec![],
            )
            .await
            .unwrap();
        (
            v[0].as_f64().unwrap(),
            v[1].as_f64().unwrap(),
            v[2].as_bool().unwrap(),
        )
    };
    b.check("sociale kaart (telefoon, resultaten eerst)").await;
    assert!(
        result_top < viewport,
        "the first result is on the first screen: {result_top} of {viewport}"
    );
    assert!(
        !selects_shown,
        "no select shows before the filters are unfolded"
    );
    // Unfold, choose, apply: the words typed above are kept.
    b.tick("details.lookup-filters > summary").await;
    b.tick("#f-gratis").await;
    b.submit("details.lookup-filters button[type='submit']")
        .await;
    let url = b.client.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_string();
    assert!(
        query.contains("q=huiskamer") && query.contains("gratis=1"),
        "{query}"
    );
    let open = b
        .client
        .execute(
            "return document.querySelector('details.lookup-filters').open",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        open,
        serde_json::json!(true),
        "a chosen filter shows unfolded"
    );
    b.check("sociale kaart (telefoon, filter gekozen)").await;
    // On a wide screen the filters stand beside the results.
    b.client.set_window_size(1280, 1024).await.unwrap();
    b.open("/maastricht/kaart?q=huiskamer").await;
    let beside = b
        .client
        .execute(
            "const r = document.querySelector('.lookup-layout__results').getBoundingClientRect(); \
             const f = document.querySelector('.lookup-layout__filters').getBoundingClientRect(); \
             return f.left >= r.right && f.top < r.bottom",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(beside, serde_json::json!(true));
    b.check("sociale kaart (breed)").await;
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}

/// Issue 16 item 1: the kaart shows the results on a map beside the list, each a marker that
/// the keyboard reaches; without tiles the markers still show on a plain background.
#[tokio::test]
async fn the_results_show_on_a_map_whose_markers_the_keyboard_reaches() {
    let settings = voorzieningen::config::Settings {
        map: voorzieningen::web::map::MapSettings::from_url("uit"),
        ..Default::default()
    };
    let app = TestApp::spawn_with(settings).await;
    // Served without script: the list carries the places, the map stays hidden.
    let body = app.client().get("/almelo/kaart").await.body;
    let placed = body.matches("class=\"lookup-result\" data-lat=").count();
    assert!(placed >= 10, "{placed} results with a place");
    assert!(body.contains("data-map data-map-items"));

    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.open("/almelo/kaart").await;
    let count = |b: &crate::browser::Browser, css: &'static str| {
        let client = b.client.clone();
        async move {
            client
                .execute(
                    &format!("return document.querySelectorAll('{css}').length"),
                    vec![],
                )
                .await
                .unwrap()
                .as_u64()
                .unwrap()
        }
    };
    let mut markers = 0;
    for _ in 0..100 {
        markers = count(&b, ".lookup-map .leaflet-marker-icon").await;
        if markers > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        markers,
        count(&b, ".lookup-result[data-lat]").await,
        "a marker per result with a place"
    );
    assert_eq!(
        count(&b, ".lookup-map.map--plain").await,
        1,
        "no tiles: a plain background"
    );
    assert_eq!(count(&b, ".lookup-map .leaflet-tile").await, 0);
    // The keyboard: from the map, Tab goes to the first marker, which names its facility.
    let focused: Vec<String> = {
        let v = b
            .client
            .execute(
                "const map = document.querySelector('.lookup-map'); map.focus(); \
                 return [document.activeElement === map ? 'map' : 'elsewhere', \
                         document.querySelector('.lookup-map .leaflet-marker-icon').getAttribute('tabindex')];",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    };
    assert_eq!(focused, ["map", "0"]);
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let label = b
        .client
        .execute(
            "return document.activeElement.classList.contains('leaflet-marker-icon') ? document.activeElement.getAttribute('aria-label') : ''",
            vec![],
        )
        .await
        .unwrap();
    let label = label.as_str().unwrap().to_string();
    assert!(!label.is_empty(), "Tab reaches a marker");
    assert!(body.contains(&format!("data-name=\"{label}\"")) || body.contains(&label));
    b.check("sociale kaart met kaart").await;

    // The facility page and the handout show a small map of the place.
    let id = app
        .id("select facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.latitude is not null order by f.name limit 1")
        .await;
    for path in [
        format!("/almelo/kaart/{id}"),
        format!("/almelo/kaart/{id}/folder"),
    ] {
        b.open(&path).await;
        let mut shown = 0;
        for _ in 0..100 {
            shown = count(&b, ".facility-map .leaflet-marker-icon").await;
            if shown > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(shown, 1, "{path}");
        b.check(&format!("kaartje op {path}")).await;
    }
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
