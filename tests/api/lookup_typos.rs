//! Typos in type names and aliases (issue 16, item 8): the names of a facility's types and
//! their aliases are tolerated with small typos, as the facility's own name is.

use crate::helpers::TestApp;
use crate::lookup::names;

#[tokio::test]
async fn small_typos_in_type_names_and_aliases_still_find() {
    let app = TestApp::spawn().await;
    let mut visitor = app.client();
    let huiskamers = app
        .scalar_i64(
            "select count(*) from facilities f join tenants t using (tenant_id) \
             join facility_type_links l on l.tenant_id = f.tenant_id and l.facility_id = f.facility_id \
             where t.slug = 'maastricht' and l.type_code = 'huiskamerproject' and not f.archived",
        )
        .await;
    assert!(huiskamers >= 6);
    // A type name with a typo: no facility is named like it, their type is.
    let page = visitor.get("/maastricht/kaart?q=huiskammerproject").await;
    let found = names(&page.body);
    assert_eq!(found.len() as i64, huiskamers, "{found:?}");
    assert!(
        found.iter().all(|n| n.starts_with("Huiskamer")),
        "{found:?}"
    );
    // A type name (and the facility's own name alike).
    let page = visitor.get("/maastricht/kaart?q=maatjesprojct").await;
    assert!(names(&page.body).contains(&"Maatjesproject MEE".to_string()));
    // An alias with a typo: "buddyproject" and "vriendendienst" are aliases of maatjesproject.
    for q in ["buddyprojekt", "vriendendiest"] {
        let page = visitor.get(&format!("/twente/kaart?q={q}")).await;
        let found = names(&page.body);
        assert!(
            found.contains(&"Maatjesproject Hengelo".to_string())
                && found.contains(&"Maatjesproject Twenterand".to_string()),
            "{q}: {found:?}"
        );
    }
    // The wijkteam's search shares the engine; nonsense still finds nothing.
    let mut wijkteam = app.login("wijkteam@twente.demo").await;
    let page = wijkteam.get("/twente/zoeken?q=buddyprojekt").await;
    assert!(names(&page.body).contains(&"Maatjesproject Hengelo".to_string()));
    let page = visitor.get("/twente/kaart?q=qwertyuiop").await;
    assert!(names(&page.body).is_empty());
    // Another tenant's types never make a match here: Almelo has no huiskamerproject facility.
    let page = visitor.get("/almelo/kaart?q=huiskammerproject").await;
    assert!(names(&page.body).iter().all(|n| !n.contains("Daalhof")));
}
