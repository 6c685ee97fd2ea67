//! Issue 26, officials at the size of a real region: the checklist as one folded form per
//! levensgebied (filter, progress, position kept, concurrency per type), the compact
//! coverage matrix, the main menu by task, and a public 404 that offers the kaart.

use reqwest::StatusCode;

use crate::helpers::TestApp;

async fn entry(app: &TestApp, gemeente: &str, code: &str) -> Option<(String, String, i32)> {
    sqlx::query_as(
        "select e.status, e.note, e.version from checklist_entries e join areas a on a.tenant_id = e.tenant_id \
         and a.area_id = e.area_id where a.cbs_code = $1 and e.type_code = $2",
    )
    .bind(gemeente)
    .bind(code)
    .fetch_optional(&app.db.admin)
    .await
    .unwrap()
}

/// The value of the hidden input `name` on the page.
fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("{name}")) + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_checklist_saves_a_whole_levensgebied_at_once_and_keeps_the_position() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    let page = b.get("/twente/checklist?gemeente=GM0164").await;
    assert_eq!(page.status, StatusCode::OK);
    // One form and one save button per levensgebied, all folded, progress at the top.
    let forms = page
        .body
        .matches("/twente/checklist/levensgebieden/")
        .count();
    let groups = page
        .body
        .matches("<details class=\"checklist-group\"")
        .count();
    assert_eq!(forms, groups);
    assert!((5..=15).contains(&groups), "{groups} levensgebieden");
    assert!(!page
        .body
        .contains("<details class=\"checklist-group\" id=\"lg-wonen\" open"));
    assert!(page.body.contains("Voortgang per levensgebied"));
    assert!(page.body.contains("<progress max="));

    let was_pn = hidden(&page.body, "was-particuliere_nachtopvang");
    let was_nz = hidden(&page.body, "was-nachtopvang_zelfbeheer");
    let saved = b
        .post(
            "/twente/checklist/levensgebieden/wonen",
            &[
                ("gemeente", "GM0164"),
                ("type", "particuliere_nachtopvang"),
                ("status-particuliere_nachtopvang", "niet_aanwezig"),
                ("toelichting-particuliere_nachtopvang", "Geen aanbieder"),
                ("version-particuliere_nachtopvang", "0"),
                ("was-particuliere_nachtopvang", &was_pn),
                ("type", "nachtopvang_zelfbeheer"),
                ("status-nachtopvang_zelfbeheer", "niet_van_toepassing"),
                ("toelichting-nachtopvang_zelfbeheer", ""),
                ("version-nachtopvang_zelfbeheer", "0"),
                ("was-nachtopvang_zelfbeheer", &was_nz),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let location = saved.location.unwrap();
    assert_eq!(
        location,
        "/twente/checklist?gemeente=GM0164&open=wonen&melding=opgeslagen&gewijzigd=2#lg-wonen"
    );
    assert_eq!(
        entry(&app, "GM0164", "particuliere_nachtopvang").await,
        Some(("niet_aanwezig".into(), "Geen aanbieder".into(), 1))
    );
    assert_eq!(
        entry(&app, "GM0164", "nachtopvang_zelfbeheer")
            .await
            .unwrap()
            .0,
        "niet_van_toepassing"
    );
    assert_eq!(
        entry(&app, "GM0153", "particuliere_nachtopvang").await,
        None
    );
    let back = b.get(&location).await;
    assert!(
        back.body
            .contains("<details class=\"checklist-group\" id=\"lg-wonen\" open>"),
        "the saved levensgebied is open again"
    );
    assert!(back.body.contains("Opgeslagen: 2 typen gewijzigd."));

    // The filters: only unknown hides what was assessed, only missing shows just that.
    let unknown = b
        .get("/twente/checklist?gemeente=GM0164&filter=onbekend")
        .await;
    assert!(!unknown
        .body
        .contains("id=\"type-particuliere_nachtopvang\""));
    assert!(!unknown.body.contains("id=\"type-nachtopvang_zelfbeheer\""));
    assert!(
        unknown.body.contains("id=\"type-woonmaatjes\"")
            || unknown.body.matches("id=\"type-").count() > 50
    );
    let missing = b
        .get("/twente/checklist?gemeente=GM0164&filter=ontbrekend")
        .await;
    assert_eq!(missing.body.matches("id=\"type-").count(), 1);
    assert!(missing
        .body
        .contains("id=\"type-particuliere_nachtopvang\""));
    let odd = b
        .get("/twente/checklist?filter=%3Cscript%3E&open=%3Cx%3E")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(!odd.body.contains("<x>") && !odd.body.contains("<script>"));

    // Someone else changes particuliere_nachtopvang. A form that leaves it alone still saves the rest;
    // a form that changes it too is refused as a whole, with the input kept.
    let stale = b.get("/twente/checklist?gemeente=GM0164").await.body;
    let mut other = app.login("beleid@twente.demo").await;
    other.get("/twente/checklist?gemeente=GM0164").await;
    let changed = crate::checklist::save(
        &mut other,
        "twente",
        "particuliere_nachtopvang",
        "GM0164",
        "onbekend",
        "Toch navragen",
        "1",
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let fields = |hf_status: &'static str, note: &'static str| {
        vec![
            ("gemeente", "GM0164".to_string()),
            ("type", "particuliere_nachtopvang".into()),
            ("status-particuliere_nachtopvang", hf_status.into()),
            ("toelichting-particuliere_nachtopvang", note.into()),
            (
                "version-particuliere_nachtopvang",
                hidden(&stale, "version-particuliere_nachtopvang"),
            ),
            (
                "was-particuliere_nachtopvang",
                hidden(&stale, "was-particuliere_nachtopvang"),
            ),
            ("type", "nachtopvang_zelfbeheer".into()),
            ("status-nachtopvang_zelfbeheer", "niet_aanwezig".into()),
            ("toelichting-nachtopvang_zelfbeheer", "".into()),
            (
                "version-nachtopvang_zelfbeheer",
                hidden(&stale, "version-nachtopvang_zelfbeheer"),
            ),
            (
                "was-nachtopvang_zelfbeheer",
                hidden(&stale, "was-nachtopvang_zelfbeheer"),
            ),
        ]
    };
    let refused = fields("niet_van_toepassing", "Mijn versie");
    let refused: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b
        .post("/twente/checklist/levensgebieden/wonen", &refused)
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page
        .body
        .contains("Iemand anders heeft ‘Particuliere nachtopvang’ intussen gewijzigd"));
    assert!(page.body.contains(">Mijn versie</textarea>"));
    assert_eq!(
        entry(&app, "GM0164", "nachtopvang_zelfbeheer")
            .await
            .unwrap()
            .0,
        "niet_van_toepassing",
        "nothing saved while one type conflicts"
    );
    let untouched = fields("niet_aanwezig", "Geen aanbieder");
    let untouched: Vec<(&str, &str)> = untouched.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b
        .post("/twente/checklist/levensgebieden/wonen", &untouched)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        entry(&app, "GM0164", "particuliere_nachtopvang").await,
        Some(("onbekend".into(), "Toch navragen".into(), 2)),
        "the other official's change stays"
    );
    assert_eq!(
        entry(&app, "GM0164", "nachtopvang_zelfbeheer")
            .await
            .unwrap()
            .0,
        "niet_aanwezig"
    );

    // Bad input: the form back with a Dutch message, nothing saved; a strange levensgebied 404.
    let bad = b
        .post(
            "/twente/checklist/levensgebieden/wonen",
            &[
                ("gemeente", "GM0164"),
                ("type", "nachtopvang_zelfbeheer"),
                ("status-nachtopvang_zelfbeheer", "misschien"),
                ("version-nachtopvang_zelfbeheer", "2"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("Kies bij ‘Nachtopvang in zelfbeheer’ een status uit de lijst"));
    assert!(bad.body.contains("href=\"#status-nachtopvang_zelfbeheer\""));
    let unknown = b
        .post(
            "/twente/checklist/levensgebieden/bestaat_niet",
            &[("gemeente", "GM0164")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let foreign = b
        .post(
            "/twente/checklist/levensgebieden/wonen",
            &[("gemeente", "GM0935"), ("type", "nachtopvang_zelfbeheer")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_coverage_matrix_is_compact_with_the_regio_first_and_filters() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    let page = b.get("/twente/checklist/dekking").await;
    assert_eq!(page.status, StatusCode::OK);
    let groups = page
        .body
        .matches("<details class=\"coverage-group\"")
        .count();
    assert!(groups >= 5, "{groups}");
    assert!(!page
        .body
        .contains("class=\"coverage-group\" id=\"dekking-wonen\" open"));
    assert!(page.body.contains("page-main--wide"));
    // The regio column comes right after the type column.
    let head = &page.body[page
        .body
        .find("<th scope=\"col\" class=\"coverage__type\">")
        .unwrap()..];
    let after_type = &head[head.find("</th>").unwrap() + 5..];
    assert!(after_type.starts_with("<th scope=\"col\" class=\"coverage__region\">Regio</th>"));
    // Status in text beside the colour.
    assert!(page.body.contains("coverage__cell--onbekend\"><span aria-hidden=\"true\">?</span> <span class=\"visually-hidden\">onbekend</span>"));

    let gaps = b.get("/twente/checklist/dekking?ontbrekend=1").await;
    let innovations = b.get("/twente/checklist/dekking?innovatief=1").await;
    let both = b
        .get("/twente/checklist/dekking?ontbrekend=1&innovatief=1")
        .await;
    let rows = |body: &str| {
        body.matches("<th scope=\"row\" class=\"coverage__type\">")
            .count()
    };
    let all = rows(&page.body);
    assert!(rows(&gaps.body) < all && rows(&innovations.body) < all);
    assert!(rows(&both.body) <= rows(&gaps.body).min(rows(&innovations.body)));
    assert!(
        !gaps.body.contains(">Nachtopvang<") && gaps.body.contains("badge--error\">ontbreekt"),
        "only gaps"
    );
    assert!(gaps.body.contains(" open>"), "filtered groups are open");
    assert!(both.body.contains("checked"));
}

#[tokio::test]
async fn the_menu_is_grouped_by_task_with_a_phone_menu_and_a_public_404_offers_the_kaart() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    let page = b.get("/twente/voorzieningen").await;
    let wide = &page.body[page.body.find("class=\"nav nav--wide\"").unwrap()..];
    let wide = &wide[..wide.find("</nav>").unwrap()];
    let top = &wide[..wide.find("nav__list--sub").unwrap()];
    assert_eq!(top.matches("class=\"nav__link\"").count(), 5, "{top}");
    for label in [
        ">Start<",
        ">Zoeken<",
        ">Register<",
        ">Checklist<",
        ">Subsidies<",
    ] {
        assert!(top.contains(label), "{label}");
    }
    assert!(top.contains("aria-current=\"true\">Register<"));
    let sub = &wide[wide.find("nav__list--sub").unwrap()..];
    assert!(
        sub.contains("aria-current=\"page\">Voorzieningen<")
            && sub.contains(">Voorzieningentypen<")
    );
    assert!(page.body.contains("<details class=\"nav-menu\">"));
    assert!(page
        .body
        .contains("<summary class=\"nav-menu__button\">Menu</summary>"));
    assert!(page.body.contains(">Mijn account</a>"));
    // A beheerder gets Beheer; an aanbieder no Beheer and no Checklist.
    let beheer = app.login("beheer@twente.demo").await.get("/twente/").await;
    assert!(beheer.body.contains(">Beheer</a>"));
    let aanbieder = app
        .login("aanbieder@twente.demo")
        .await
        .get("/twente/")
        .await;
    assert!(!aanbieder.body.contains(">Beheer</a>") && !aanbieder.body.contains(">Checklist</a>"));

    // Not signed in: a 404 offers the kaart, not the login page.
    let anon = app.client();
    for (path, kaart) in [
        ("/twente/bestaat-niet", "href=\"/twente/kaart\""),
        (
            "/twente/kaart/00000000-0000-0000-0000-000000000000",
            "href=\"/twente/kaart\"",
        ),
        ("/nergens/iets", "/kaart\""),
    ] {
        let response = anon.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(kaart), "{path}: {body}");
        assert!(!body.contains("href=\"/inloggen\""), "{path}");
    }
    // Signed in: the start page.
    let own = b.get("/twente/bestaat-niet").await;
    assert!(own.body.contains("Naar de startpagina"));
}
