//! The regional checklist: the inventory with derived "aanwezig", recorded statuses with their
//! audit trail, the coverage matrix, bouwstenen per wijk, and who may see and change what.
//! Demand, exports and imports are in `checklist_files.rs`.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};

/// Adds a facility straight into the database: `buurt` and `werkgebied` are CBS codes.
pub(crate) async fn add_facility(
    app: &TestApp,
    tenant: &str,
    name: &str,
    type_code: &str,
    buurt: Option<&str>,
    werkgebied: &[&str],
    bouwstenen: &[&str],
) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "insert into facilities (tenant_id, provider_id, name, buurt_id, bouwstenen, capacity_at_once) \
         select t.tenant_id, (select provider_id from providers p where p.tenant_id = t.tenant_id order by name limit 1), \
           $2, (select area_id from areas a where a.tenant_id = t.tenant_id and a.cbs_code = $3), $4, 10 \
         from tenants t where t.slug = $1 returning facility_id",
    )
    .bind(tenant)
    .bind(name)
    .bind(buurt)
    .bind(bouwstenen.iter().map(|b| b.to_string()).collect::<Vec<_>>())
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    sqlx::query(
        "insert into facility_type_links (tenant_id, facility_id, type_code, is_main) \
         select tenant_id, $2, $3, true from tenants where slug = $1",
    )
    .bind(tenant)
    .bind(id)
    .bind(type_code)
    .execute(&app.db.admin)
    .await
    .unwrap();
    sqlx::query(
        "insert into facility_service_areas (tenant_id, facility_id, area_id) select t.tenant_id, $2, a.area_id \
         from tenants t join areas a on a.tenant_id = t.tenant_id where t.slug = $1 and a.cbs_code = any($3)",
    )
    .bind(tenant)
    .bind(id)
    .bind(werkgebied.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    .execute(&app.db.admin)
    .await
    .unwrap();
    id
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of each `<td>` in the table row whose header starts with `label`. In the compact
/// coverage matrix (the regio column first) the regio cell is moved last, as elsewhere.
pub(crate) fn row_cells(body: &str, label: &str) -> Vec<String> {
    let plain = body.find(&format!("<th scope=\"row\">{label}"));
    let compact = body.find(&format!(
        "<th scope=\"row\" class=\"coverage__type\">{label}"
    ));
    let start = plain.or(compact).unwrap_or_else(|| panic!("row {label}"));
    let end = start + body[start..].find("</tr>").unwrap();
    let mut cells: Vec<String> = body[start..end]
        .split("<td")
        .skip(1)
        .map(|cell| strip_tags(&format!("<td{cell}")))
        .collect();
    if plain.is_none() && body.contains("class=\"coverage__region\"") {
        cells.rotate_left(1);
    }
    cells
}

/// The part of the inventory about one facility type.
fn type_item<'a>(body: &'a str, code: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"type-{code}\""))
        .unwrap_or_else(|| panic!("type {code}"));
    let rest = &body[start + 10..];
    let end = [
        rest.find("<li class=\"checklist-item"),
        rest.find("</section>"),
        rest.find("</details>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap();
    &body[start..start + 10 + end]
}

/// "62 van 148" from "62 van 148 typen beoordeeld".
fn progress(body: &str) -> (usize, usize) {
    let end = body
        .find(" typen beoordeeld</strong>")
        .expect("overall progress");
    let start = body[..end].rfind("<strong>").unwrap() + "<strong>".len();
    let (a, b) = body[start..end].split_once(" van ").unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

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

pub(crate) async fn save(
    b: &mut Browser,
    tenant: &str,
    code: &str,
    gemeente: &str,
    status: &str,
    note: &str,
    version: &str,
) -> crate::helpers::Page {
    b.post(
        &format!("/{tenant}/checklist/{code}"),
        &[
            ("status", status),
            ("toelichting", note),
            ("version", version),
            ("gemeente", gemeente),
        ],
    )
    .await
}

#[tokio::test]
async fn the_inventory_derives_aanwezig_and_records_statuses_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/checklist").await;
    assert_eq!(page.status, StatusCode::OK);
    let night = type_item(&page.body, "nachtopvang");
    let id = app.id("select facility_id from facilities where name = 'Nachtopvang Almelo' and tenant_id = (select tenant_id from tenants where slug = 'almelo')").await;
    assert!(
        night.contains(&format!(
            "href=\"/almelo/voorzieningen/{id}\">Nachtopvang Almelo</a>"
        )),
        "{night}"
    );
    assert!(night.contains(">aanwezig (1)<"));
    assert!(type_item(&page.body, "housing_first").contains(">onbekend<"));
    let (assessed, total) = progress(&page.body);
    let types = app.scalar_i64("select count(*) from facility_types f join tenants t using (tenant_id) where t.slug = 'almelo' and not retired").await;
    assert_eq!(total as i64, types);
    assert!(page.body.contains("Wonen") && page.body.contains("Veiligheid"));
    assert_eq!(
        app.scalar_i64("select count(*) from checklist_entries")
            .await,
        0,
        "aanwezig is never stored"
    );

    let saved = save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_aanwezig",
        "Geen aanbieder in de regio",
        "0",
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.location.as_deref(),
        Some("/almelo/checklist?gemeente=GM0141&open=wonen&melding=opgeslagen#type-housing_first")
    );
    assert_eq!(
        entry(&app, "GM0141", "housing_first").await,
        Some((
            "niet_aanwezig".into(),
            "Geen aanbieder in de regio".into(),
            1
        ))
    );
    let (before, after): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select before, after from audit_events where object_type = 'checklist' and object_id = 'GM0141/housing_first'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(
        (before["status"].as_str(), after["status"].as_str()),
        (Some("onbekend"), Some("niet_aanwezig"))
    );
    assert_eq!(after["toelichting"], "Geen aanbieder in de regio");

    let page = b
        .get("/almelo/checklist?gemeente=GM0141&melding=opgeslagen")
        .await;
    assert!(page.body.contains("De status is opgeslagen."));
    let hf = type_item(&page.body, "housing_first");
    assert!(hf.contains(">niet aanwezig<") && hf.contains("Geen aanbieder in de regio"));
    assert_eq!(progress(&page.body), (assessed + 1, total));

    // A status on a type that is present is kept, but aanwezig still shows, with a hint.
    let saved = save(
        &mut b,
        "almelo",
        "nachtopvang",
        "GM0141",
        "niet_van_toepassing",
        "",
        "0",
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        entry(&app, "GM0141", "nachtopvang").await.unwrap().0,
        "niet_van_toepassing"
    );
    let page = b.get("/almelo/checklist").await;
    let night = type_item(&page.body, "nachtopvang");
    assert!(
        night.contains(">aanwezig (1)<") && night.contains("daarom geldt ‘aanwezig’"),
        "{night}"
    );
    assert_eq!(
        progress(&page.body),
        (assessed + 1, total),
        "a present type was assessed already"
    );

    // Saving what is already stored changes nothing and records nothing.
    let audits = app
        .scalar_i64("select count(*) from audit_events where object_type = 'checklist'")
        .await;
    save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_aanwezig",
        "Geen aanbieder in de regio",
        "1",
    )
    .await;
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where object_type = 'checklist'")
            .await,
        audits
    );
    assert_eq!(
        b.get("/almelo/checklist/housing_first")
            .await
            .location
            .as_deref(),
        Some("/almelo/checklist?open=wonen#type-housing_first")
    );
}

#[tokio::test]
async fn wrong_input_and_a_concurrent_change_are_refused_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/checklist").await;
    let bad = save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "misschien",
        "Mijn notitie",
        "0",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("Kies bij ‘Housing First’ een status uit de lijst"));
    assert!(
        bad.body.contains("href=\"#status-housing_first\""),
        "error summary links to the field"
    );
    assert!(type_item(&bad.body, "housing_first").contains(">Mijn notitie</textarea>"));
    let long = "x".repeat(2001);
    let bad = save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_aanwezig",
        &long,
        "0",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("hoogstens 2000 tekens") && bad.body.contains(&long));
    assert_eq!(entry(&app, "GM0141", "housing_first").await, None);

    let first = save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_aanwezig",
        "Eerste",
        "0",
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = save(
        &mut b,
        "almelo",
        "housing_first",
        "GM0141",
        "niet_van_toepassing",
        "Tweede",
        "0",
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second
        .body
        .contains("Iemand anders heeft ‘Housing First’ intussen gewijzigd"));
    let item = type_item(&second.body, "housing_first");
    assert!(
        item.contains(">Tweede</textarea>")
            && item.contains("name=\"version-housing_first\" value=\"1\""),
        "{item}"
    );
    assert!(item.contains("<option value=\"niet_van_toepassing\" selected>"));
    assert_eq!(
        entry(&app, "GM0141", "housing_first").await,
        Some(("niet_aanwezig".into(), "Eerste".into(), 1))
    );

    assert_eq!(
        save(
            &mut b,
            "almelo",
            "bestaat_niet",
            "GM0141",
            "onbekend",
            "",
            "0"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        save(
            &mut b,
            "almelo",
            "housing_first",
            "GM0935",
            "onbekend",
            "",
            "1"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_regio_fills_in_the_checklist_per_gemeente() {
    let app = TestApp::spawn().await;
    // Serves one wijk of Enschede, lies nowhere: counts for Enschede only.
    add_facility(
        &app,
        "twente",
        "Enschedese Munt",
        "lokale_munt",
        None,
        &["WK015302"],
        &["preventie"],
    )
    .await;
    let mut b = app.login("beleid@twente.demo").await;
    let first = b.get("/twente/checklist").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.body.matches("<option value=\"GM").count(),
        14,
        "a select of the 14 gemeenten"
    );
    assert!(
        first.body.contains("<option value=\"GM0141\" selected>"),
        "the first gemeente by name"
    );
    let enschede = b.get("/twente/checklist?gemeente=GM0153").await;
    assert!(enschede.body.contains("<h1>Checklist Enschede</h1>"));
    let munt = type_item(&enschede.body, "lokale_munt");
    assert!(munt.contains("Enschedese Munt") && munt.contains(">aanwezig (1)<"));
    assert!(type_item(&enschede.body, "gebruikersruimte").contains("Gebruikersruimte Enschede"));
    for other in ["GM0164", "GM0141"] {
        let page = b.get(&format!("/twente/checklist?gemeente={other}")).await;
        let munt = type_item(&page.body, "lokale_munt");
        assert!(
            !munt.contains("Enschedese Munt") && munt.contains(">onbekend<"),
            "{other}"
        );
        assert!(!page.body.contains("Gebruikersruimte Enschede"), "{other}");
    }
    // Serving the whole region counts everywhere.
    let hengelo = b.get("/twente/checklist?gemeente=GM0164").await;
    assert!(type_item(&hengelo.body, "herstelacademie").contains("Herstelacademie Twente"));

    let saved = save(
        &mut b,
        "twente",
        "lokale_munt",
        "GM0164",
        "niet_aanwezig",
        "Niet in Hengelo",
        "0",
    )
    .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/twente/checklist?gemeente=GM0164&open=inkomen_schulden&melding=opgeslagen#type-lokale_munt")
    );
    assert_eq!(
        entry(&app, "GM0164", "lokale_munt").await.unwrap().0,
        "niet_aanwezig"
    );
    assert_eq!(entry(&app, "GM0153", "lokale_munt").await, None);

    for wanted in [
        "GM9999",
        "GM0935",
        &"GM".repeat(3000),
        "%F0%9F%98%80%E2%80%AE",
        "%3Cscript%3E",
    ] {
        let page = b.get(&format!("/twente/checklist?gemeente={wanted}")).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{}",
            &wanted[..wanted.len().min(20)]
        );
        assert!(page.body.contains("hoort niet bij deze organisatie"));
        assert!(!page.body.contains("<script>"));
    }
}

#[tokio::test]
async fn the_coverage_matrix_shows_counts_gaps_and_innovations_not_yet_present() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    save(
        &mut b,
        "twente",
        "lokale_munt",
        "GM0141",
        "niet_aanwezig",
        "",
        "0",
    )
    .await;
    save(
        &mut b,
        "twente",
        "lokale_munt",
        "GM0147",
        "niet_van_toepassing",
        "",
        "0",
    )
    .await;
    let page = b.get("/twente/checklist/dekking").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(row_cells(&page.body, "Aanwezige typen (van").len(), 15);
    // Columns by name: Almelo, Borne, Dinkelland, Enschede, Haaksbergen, Hellendoorn, Hengelo, ...
    // Nachtopvang Enschede serves the whole region; Nachtopvang Almelo also Almelo, Wierden and
    // Twenterand; the Hengelo shelter also Hengelo, Borne and Haaksbergen.
    let night = row_cells(&page.body, "Nachtopvang<");
    assert_eq!(night.len(), 15, "14 gemeenten and the regio as a whole");
    assert_eq!(
        [&night[0], &night[1], &night[2], &night[3], &night[4], &night[6]],
        ["2", "2", "1", "1", "2", "2"]
    );
    let room = row_cells(&page.body, "Gebruikersruimte<");
    assert_eq!(
        (room[3].as_str(), room[0].as_str()),
        ("1", "? onbekend"),
        "none in Almelo, nothing recorded"
    );
    let munt = row_cells(&page.body, "Regionale munt of ruilsysteem");
    assert_eq!(
        (munt[0].as_str(), munt[1].as_str()),
        ("nee niet aanwezig", "n.v.t. niet van toepassing")
    );
    assert_eq!(munt[14], "? onbekend", "not every gemeente assessed");
    assert!(page.body.contains("Legenda") && page.body.contains("onbekend: nog niet beoordeeld"));
    assert!(page.body.contains("typen ontbreken in de hele regio"));
    let innovations = &page.body[page
        .body
        .find("Innovaties die nog niet in uw regio zijn")
        .expect("innovations")..];
    assert!(
        innovations.contains("Regionale munt of ruilsysteem")
            && innovations.contains("Experiment basisinkomen")
    );
    assert!(
        !innovations.contains("Housing First") && !innovations.contains("Skaeve Huse"),
        "present in Twente"
    );

    // Once there is one, it is no longer a gap.
    add_facility(
        &app,
        "twente",
        "Twentse Munt",
        "lokale_munt",
        None,
        &["GM0153", "GM0164"],
        &[],
    )
    .await;
    let page = b.get("/twente/checklist/dekking").await;
    let munt = row_cells(&page.body, "Regionale munt of ruilsysteem");
    assert_eq!((munt[3].as_str(), munt[6].as_str()), ("1", "1"));
    assert_eq!(
        munt[14], "1",
        "one facility in two gemeenten counts once for the regio"
    );
    let innovations = &page.body[page
        .body
        .find("Innovaties die nog niet in uw regio zijn")
        .unwrap()..];
    assert!(!innovations.contains("Regionale munt of ruilsysteem"));

    let mut almelo = app.login("beleid@almelo.demo").await;
    let one = almelo.get("/almelo/checklist/dekking").await;
    assert!(
        !one.body.contains(">Regio</th>"),
        "a gemeente has no regio column"
    );
    assert_eq!(row_cells(&one.body, "Aanwezige typen (van").len(), 1);
    assert!(one
        .body
        .contains("Innovaties die nog niet in uw gemeente zijn"));
}

#[tokio::test]
async fn the_bouwstenen_per_wijk_count_what_lies_in_or_serves_the_wijk() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let page = b.get("/almelo/checklist/bouwstenen").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "Specialistische zorg en begeleiding",
        "Vroegsignalering",
        "Preventie",
        "24-uurszorg",
        "Zinvolle daginvulling",
        "Sociale contacten en ontmoeting",
        "Ervaringsdeskundigheid",
    ] {
        assert!(page.body.contains(&format!(">{name}</th>")), "{name}");
    }
    let aadorp: Vec<i64> = row_cells(&page.body, "Aadorp")
        .iter()
        .map(|c| c.split(' ').next().unwrap().parse().unwrap())
        .collect();
    let binnenstad = row_cells(&page.body, "Binnenstad");
    assert_eq!(aadorp.len(), 7);
    add_facility(
        &app,
        "almelo",
        "Herstelgroep Aadorp",
        "herstelacademie",
        Some("BU01412000"),
        &[],
        &["ervaringsdeskundigheid"],
    )
    .await;
    let page = b.get("/almelo/checklist/bouwstenen").await;
    let after: Vec<i64> = row_cells(&page.body, "Aadorp")
        .iter()
        .map(|c| c.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(after[6], aadorp[6] + 1);
    assert_eq!(after[..6], aadorp[..6]);
    assert_eq!(
        row_cells(&page.body, "Binnenstad"),
        binnenstad,
        "another wijk is unchanged"
    );

    // A wijk with nothing of a bouwsteen says so in text.
    sqlx::query("update facilities set archived = true where tenant_id = (select tenant_id from tenants where slug = 'almelo')")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let page = b.get("/almelo/checklist/bouwstenen").await;
    assert!(row_cells(&page.body, "Aadorp")
        .iter()
        .all(|c| c == "0 ontbreekt"));
    assert!(page
        .body
        .contains("<strong>0 van 12 wijken</strong> hebben alle zeven bouwstenen"));
}

const PAGES: [&str; 14] = [
    "/checklist",
    "/checklist/overzicht",
    "/checklist/bouwstenen.csv",
    "/checklist/bouwstenen.xlsx",
    "/checklist/vraag.csv",
    "/checklist/vraag.xlsx",
    "/checklist/dekking",
    "/checklist/bouwstenen",
    "/checklist/vraag",
    "/checklist/export.csv",
    "/checklist/export.xlsx",
    "/checklist/dekking.csv",
    "/checklist/dekking.xlsx",
    "/checklist/nachtopvang",
];

const POSTS: [&str; 5] = [
    "/checklist/nachtopvang",
    "/checklist/vraag/indicatoren",
    "/checklist/vraag",
    "/checklist/vraag/import",
    "/checklist/import",
];

/// Pages that exist only to change something: not even for readers.
const CHANGE_ONLY: [&str; 3] = [
    "/checklist/import",
    "/checklist/vraag/indicatoren",
    "/checklist/vraag/indicatoren/vraag",
];

#[tokio::test]
async fn only_policy_staff_see_the_checklist_and_only_beleidsmedewerkers_change_it() {
    let app = TestApp::spawn().await;
    for user in [
        "wijkteam@almelo.demo",
        "aanbieder@almelo.demo",
        "beoordelaar@almelo.demo",
    ] {
        let mut b = app.login(user).await;
        for path in PAGES.iter().chain(CHANGE_ONLY.iter()) {
            assert_eq!(
                b.get(&format!("/almelo{path}")).await.status,
                StatusCode::FORBIDDEN,
                "{user} GET {path}"
            );
        }
        assert!(
            !b.get("/almelo/")
                .await
                .body
                .contains("href=\"/almelo/checklist\""),
            "{user}: not in the menu"
        );
    }
    let mut beheer = app.login("beheer@almelo.demo").await;
    for path in PAGES {
        let status = beheer.get(&format!("/almelo{path}")).await.status;
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "beheerder GET {path}: {status}"
        );
    }
    let page = beheer.get("/almelo/checklist").await;
    assert!(
        !page.body.contains("name=\"toelichting\""),
        "no forms for a reader"
    );
    for path in CHANGE_ONLY {
        assert_eq!(
            beheer.get(&format!("/almelo{path}")).await.status,
            StatusCode::FORBIDDEN,
            "beheerder GET {path}"
        );
    }
    for path in POSTS {
        let page = beheer
            .post(
                &format!("/almelo{path}"),
                &[
                    ("status", "niet_aanwezig"),
                    ("gemeente", "GM0141"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "beheerder POST {path}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from checklist_entries")
            .await,
        0
    );
}

#[tokio::test]
async fn another_tenants_checklist_is_not_found_and_strange_input_never_fails() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "insert into facility_types (tenant_id, code, levensgebied, name, schil, toegang) \
         select tenant_id, 'eigen_maastrichts_project', 'wonen', 'Maastrichts project', 'sociaal_domein', 'algemeen' \
         from tenants where slug = 'maastricht'",
    )
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut b = app.login("beleid@almelo.demo").await;
    b.get("/almelo/checklist").await;
    let audits = app.scalar_i64("select count(*) from audit_events").await;
    for path in PAGES.iter().chain(CHANGE_ONLY.iter()) {
        let page = b.get(&format!("/maastricht{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET /maastricht{path}");
        assert!(!page.body.contains("Maastricht"));
    }
    for path in POSTS {
        let page = b
            .post(
                &format!("/maastricht{path}"),
                &[
                    ("status", "niet_aanwezig"),
                    ("gemeente", "GM0935"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST /maastricht{path}");
    }
    // Their type, gemeente and wijk inside my own URLs and forms.
    assert_eq!(
        save(
            &mut b,
            "almelo",
            "eigen_maastrichts_project",
            "GM0141",
            "onbekend",
            "",
            "0"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/almelo/checklist/eigen_maastrichts_project")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        save(
            &mut b,
            "almelo",
            "nachtopvang",
            "GM0935",
            "niet_aanwezig",
            "",
            "0"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/almelo/checklist?gemeente=GM0935").await.status,
        StatusCode::NOT_FOUND
    );
    let page = b
        .post(
            "/almelo/checklist/vraag",
            &[("stand", "x"), ("vraag-WK093501", "10")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = b
        .upload(
            "/almelo/checklist/vraag/import",
            b"code;vraag\nWK093501;10\n".to_vec(),
        )
        .await;
    assert!(
        page.status == StatusCode::UNPROCESSABLE_ENTITY
            && page.body.contains("hoort niet bij deze organisatie")
    );
    let page = b
        .upload(
            "/almelo/checklist/import",
            "gemeente;type;status\nMaastricht;eigen_maastrichts_project;onbekend\n"
                .as_bytes()
                .to_vec(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Odd input: never a server error.
    let long = "ä".repeat(5000);
    for path in [
        format!("/almelo/checklist?gemeente={long}"),
        "/almelo/checklist?gemeente=%FF%FE".to_string(),
        "/almelo/checklist?gemeente=GM0141&gemeente=GM0935".to_string(),
        "/almelo/checklist/%F0%9F%98%80".to_string(),
        format!("/almelo/checklist/{}", "a".repeat(3000)),
        "/almelo/checklist/vraag?melding=%00".to_string(),
    ] {
        let status = b.get(&path).await.status;
        assert!(
            status.is_client_error(),
            "GET {}: {status}",
            &path[..path.len().min(60)]
        );
    }
    for (code, fields) in [
        (
            "nachtopvang",
            vec![
                ("status", "onbekend"),
                ("toelichting", "nul\u{0}teken"),
                ("version", "0"),
                ("gemeente", "GM0141"),
            ],
        ),
        (
            "nachtopvang",
            vec![
                ("status", "😀"),
                ("toelichting", "\u{202e}omgekeerd"),
                ("version", "99999999999999"),
                ("gemeente", "GM0141"),
            ],
        ),
        ("%F0%9F%98%80", vec![("status", "onbekend")]),
    ] {
        let status = b
            .post(&format!("/almelo/checklist/{code}"), &fields)
            .await
            .status;
        assert!(status.is_client_error(), "POST {code}: {status}");
    }
    assert_eq!(
        b.post("/almelo/checklist/vraag", &[("vraag-WK014110", "1e99999")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.scalar_i64("select count(*) from checklist_entries")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events").await,
        audits
    );
}
