//! The checklist's second pass in a real browser: the demand page with named indicators, the
//! indicator forms, the exports' pages and the Regionaal overzicht pass axe; the overzicht
//! prints as a clean A4 document (printed to PDF in Chromium: a plausible number of pages,
//! table headers repeated, no row split over two pages).

use base64::Engine;
use serde_json::json;

use crate::browser::start;
use crate::helpers::TestApp;

/// Text without whitespace and hyphens: what is on a page still matches when it is wrapped
/// over lines (pdftotext joins a word broken after a hyphen).
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

#[tokio::test]
async fn the_demand_indicators_and_the_regional_overview_pass_axe_and_print_on_a4() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.login("beleid@almelo.demo").await;
    for (path, label) in [
        (
            "/almelo/checklist/vraag",
            "vraag en aanbod (hoofdindicator)",
        ),
        (
            "/almelo/checklist/vraag?indicator=eenzaamheid",
            "vraag en aanbod (percentage)",
        ),
        ("/almelo/checklist/vraag/indicatoren", "indicatoren"),
        (
            "/almelo/checklist/vraag/indicatoren/plus75",
            "indicator wijzigen",
        ),
        ("/almelo/checklist/bouwstenen", "bouwstenen met export"),
        (
            "/almelo/checklist/overzicht",
            "regionaal overzicht (gemeente)",
        ),
    ] {
        b.open(path).await;
        b.check(label).await;
    }
    // The forms with their errors.
    b.open("/almelo/checklist/vraag/indicatoren").await;
    b.fill("naam", "Eenzaamheid").await;
    b.fill("jaar", "later").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    b.check("indicator toevoegen (fouten)").await;
    b.open("/almelo/checklist/vraag?indicator=eenzaamheid")
        .await;
    b.fill("vraag-WK014110", "140").await;
    b.fill("inwoners-WK014110", "veel").await;
    b.submit("form.form button[type='submit'].button--primary")
        .await;
    b.check("vraag en aanbod (fouten)").await;

    // The regio: the matrix with the regio column and the overview of 14 gemeenten.
    b.logout().await;
    b.login("beleid@twente.demo").await;
    b.open("/twente/checklist/dekking").await;
    b.check("dekking regio met regiokolom").await;
    b.open("/twente/checklist/overzicht").await;
    b.check("regionaal overzicht (regio)").await;

    // On paper: every table row kept whole and every header repeated, by the print styles.
    b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    let styles = b
        .client
        .execute(
            "const rows = [...document.querySelectorAll('.report table tr')];\n\
             const heads = [...document.querySelectorAll('.report table thead')];\n\
             const sections = [...document.querySelectorAll('.report-section')].slice(1);\n\
             return {\n\
               rows: rows.length,\n\
               split: rows.filter(r => getComputedStyle(r).breakInside !== 'avoid').length,\n\
               heads: heads.length,\n\
               unrepeated: heads.filter(h => getComputedStyle(h).display !== 'table-header-group').length,\n\
               unbroken: sections.filter(s => getComputedStyle(s).breakBefore !== 'page').length,\n\
               names: [...document.querySelectorAll('.report table tbody th[scope=row]')].map(th => { const c = th.cloneNode(true); c.querySelectorAll('.badge').forEach(x => x.remove()); const muted = [...c.querySelectorAll('.muted')].map(m => { m.remove(); return m.textContent; }); return [c.textContent, ...muted]; }),\n\
             };",
            vec![],
        )
        .await
        .unwrap();
    assert!(styles["rows"].as_u64().unwrap() > 100, "{styles}");
    assert_eq!(styles["split"], 0, "every row break-inside: avoid");
    assert!(styles["heads"].as_u64().unwrap() >= 4);
    assert_eq!(styles["unrepeated"], 0, "every thead a table-header-group");
    assert_eq!(styles["unbroken"], 0, "each part starts on a new page");
    let pdf = b
        .cdp(
            "Page.printToPDF",
            json!({ "preferCSSPageSize": true, "printBackground": false, "displayHeaderFooter": false }),
        )
        .await;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().expect("a PDF"))
        .unwrap();
    let path = std::env::temp_dir().join(format!("overzicht-{}.pdf", app.addr.port()));
    std::fs::write(&path, &bytes).unwrap();
    if let Ok(keep) = std::env::var("VR_PDF") {
        // For looking at the printout: VR_PDF=/tmp/overzicht.pdf cargo test browser_checklist
        std::fs::copy(&path, keep).unwrap();
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let _ = std::fs::remove_file(&path);
    let raw = String::from_utf8_lossy(&bytes);
    let pages = raw.matches("/Type /Page").count() - raw.matches("/Type /Pages").count();
    let pages = if pages == 0 {
        raw.matches("/Type/Page").count() - raw.matches("/Type/Pages").count()
    } else {
        pages
    };
    assert!(
        (5..=60).contains(&pages),
        "five parts on A4, not a runaway: {pages} pages"
    );
    let Ok(text) = text else {
        eprintln!(
            "pdftotext is missing: the page text was not checked (apt-get install poppler-utils)"
        );
        return;
    };
    // pdftotext ends each page with a form feed.
    let sheets: Vec<String> = text.split('\u{c}').map(squeeze).collect();
    assert!(sheets.len() > pages - 1, "{} sheets", sheets.len());
    assert!(
        sheets
            .iter()
            .filter(|s| s.contains("Typevoorziening"))
            .count()
            >= 2,
        "the matrix header repeated on each of its pages"
    );
    let mut missing = Vec::new();
    // Each row header's parts (a name, a wijk code) together on one page.
    for parts in styles["names"].as_array().unwrap() {
        let parts: Vec<String> = parts
            .as_array()
            .unwrap()
            .iter()
            .map(|p| squeeze(p.as_str().unwrap()))
            .collect();
        if !sheets
            .iter()
            .any(|s| parts.iter().all(|p| s.contains(p.as_str())))
        {
            missing.push(parts.join(" "));
        }
    }
    assert!(
        missing.is_empty(),
        "each row header whole on one page; split or lost: {missing:?}"
    );

    assert!(b.checked >= 10, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
