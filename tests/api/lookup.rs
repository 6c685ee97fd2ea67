//! The wijkteam's lookup over HTTP: search quality in Dutch, every filter and its counts,
//! ordering by nearness, paging, the handout, and strange input.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp};

/// The result count of a search page ("12 voorzieningen …").
pub fn total(body: &str) -> usize {
    let at = body.find("id=\"resultaten\"").expect("result heading");
    let text = &body[at..];
    let start = text.find('>').unwrap() + 1;
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .expect("a number")
}

/// The names of the results on the page, in order.
pub fn names(body: &str) -> Vec<String> {
    body.split("class=\"lookup-result__title\"><a href=\"")
        .skip(1)
        .map(|s| {
            let s = &s[s.find('>').unwrap() + 1..];
            s[..s.find('<').unwrap()]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The options of the filter `key`: (value, count, selected).
pub fn options(body: &str, key: &str) -> Vec<(String, usize, bool)> {
    let marker = format!("name=\"{key}\">");
    let Some(at) = body.find(&marker) else {
        return Vec::new();
    };
    let select = &body[at..at + body[at..].find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| {
            let value = &o[..o.find('"')?];
            let label = &o[o.find('>')? + 1..o.find("</option>")?];
            let count = label
                .rsplit_once('(')?
                .1
                .trim_end_matches(')')
                .parse()
                .ok()?;
            Some((
                value.to_string(),
                count,
                o[..o.find('>')?].contains("selected"),
            ))
        })
        .collect()
}

/// The count shown beside a yes/no filter.
pub fn flag_count(body: &str, key: &str) -> usize {
    let at = body
        .find(&format!("<label for=\"f-{key}\">"))
        .expect("flag");
    let label = &body[at..at + body[at..].find("</label>").unwrap()];
    label
        .rsplit_once('(')
        .unwrap()
        .1
        .trim_end_matches(')')
        .parse()
        .unwrap()
}

/// Removes the demo's closed periods and holidays, whose dates follow the day the test runs,
/// so that "open on" counts compare with the opening hours alone.
pub async fn without_closures(app: &TestApp) {
    sqlx::query("delete from facility_closures")
        .execute(&app.db.admin)
        .await
        .unwrap();
    sqlx::query("update facilities set closed_holidays = '{}' where closed_holidays <> '{}'")
        .execute(&app.db.admin)
        .await
        .unwrap();
}

async fn search(b: &mut Browser, path: &str) -> (usize, Vec<String>, String) {
    let page = b.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "GET {path}");
    (total(&page.body), names(&page.body), page.body)
}

#[tokio::test]
async fn dutch_search_tolerates_plurals_accents_typos_and_aliases() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@maastricht.demo").await;
    // Stemming: the plural finds the singular.
    let (n, found, _) = search(&mut b, "/maastricht/zoeken?q=huiskamers").await;
    assert!(
        n >= 6 && found.contains(&"Huiskamer Daalhof".to_string()),
        "{found:?}"
    );
    // A typo in a name.
    let (_, typo, _) = search(&mut b, "/maastricht/zoeken?q=huiskammer").await;
    assert!(typo.contains(&"Huiskamer Daalhof".to_string()), "{typo:?}");
    let (_, two, _) = search(&mut b, "/maastricht/zoeken?q=Huiskamer+Dalhof").await;
    assert_eq!(two.first().map(String::as_str), Some("Huiskamer Daalhof"));
    // Prefixes.
    let (_, prefix, _) = search(&mut b, "/maastricht/zoeken?q=huiska").await;
    assert!(
        prefix.contains(&"Huiskamer Daalhof".to_string()),
        "{prefix:?}"
    );

    let mut b = app.login("wijkteam@almelo.demo").await;
    // Accents are ignored, both ways.
    let (_, cafe, _) = search(&mut b, "/almelo/zoeken?q=cafe").await;
    assert!(cafe.contains(&"Repair Café Almelo".to_string()), "{cafe:?}");
    let (_, cafe2, _) = search(&mut b, "/almelo/zoeken?q=caf%C3%A9").await;
    assert_eq!(cafe, cafe2);
    // An alias of a type finds facilities of that type: "buddy" → maatjesproject.
    let (_, buddy, _) = search(&mut b, "/almelo/zoeken?q=buddy").await;
    assert!(
        buddy.contains(&"Maatjesproject Humanitas".to_string()),
        "{buddy:?}"
    );
    // Type names and providers are searched too.
    let (_, by_provider, _) = search(&mut b, "/almelo/zoeken?q=humanitas").await;
    assert!(by_provider.len() >= 2, "{by_provider:?}");
    // A word that is nowhere: nothing, and the page says so.
    let (n, _, body) = search(&mut b, "/almelo/zoeken?q=xyzzyplugh").await;
    assert_eq!(n, 0);
    assert!(body.contains("Geen voorzieningen gevonden"));
    assert!(
        body.contains("zonder de zoekwoorden ‘xyzzyplugh’</a>: 35 resultaten")
            || body.contains("zonder de zoekwoorden")
    );
}

#[tokio::test]
async fn search_follows_register_changes() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let (before, _, _) = search(&mut b, "/almelo/zoeken").await;
    // A provider renamed by a beleidsmedewerker: its facilities are found by the new name.
    app.change_register(
        "almelo",
        "update providers set name = 'Stichting Zonnebloemveld' where name = 'Humanitas Almelo'",
    )
    .await;
    let (_, found, _) = search(&mut b, "/almelo/zoeken?q=zonnebloemveld").await;
    assert!(
        found.contains(&"Maatjesproject Humanitas".to_string()),
        "{found:?}"
    );
    // An archived facility leaves the lookup at once (the cached filters follow the register).
    sqlx::query("update facilities set archived = true where name = 'Maatjesproject Humanitas'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let (after, names, _) = search(&mut b, "/almelo/zoeken").await;
    assert_eq!(after, before - 1);
    assert!(!names.contains(&"Maatjesproject Humanitas".to_string()));
}

/// Every option's count is what choosing it gives, and the result agrees with the database.
#[tokio::test]
async fn every_filter_narrows_as_its_count_says() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@twente.demo").await;
    let (all, _, body) = search(&mut b, "/twente/zoeken").await;
    let expected = app.scalar_i64("select count(*) from facilities f join tenants t using (tenant_id) where t.slug = 'twente' and not f.archived").await;
    assert_eq!(all as i64, expected);
    for key in [
        "levensgebied",
        "type",
        "functie",
        "bouwsteen",
        "doelgroep",
        "gebied",
        "dag",
        "dagdeel",
    ] {
        let opts = options(&body, key);
        assert!(!opts.is_empty(), "filter {key} has options");
        for (value, count, _) in opts.iter().take(4) {
            let (n, _, _) = search(&mut b, &format!("/twente/zoeken?{key}={value}")).await;
            assert_eq!(n, *count, "{key}={value}");
            assert!(n <= all);
        }
    }
    for key in ["vrij", "gratis", "rolstoel"] {
        let count = flag_count(&body, key);
        let (n, _, _) = search(&mut b, &format!("/twente/zoeken?{key}=1")).await;
        assert_eq!(n, count, "{key}");
    }
    // The flags mean what they say.
    without_closures(&app).await;
    let sql = |cond: &str| {
        format!("select count(*) from facilities f join tenants t using (tenant_id) where t.slug = 'twente' and not f.archived and {cond}")
    };
    assert_eq!(
        search(&mut b, "/twente/zoeken?rolstoel=1").await.0 as i64,
        app.scalar_i64(&sql("f.wheelchair = 'ja'")).await
    );
    assert_eq!(
        search(&mut b, "/twente/zoeken?vrij=1").await.0 as i64,
        app.scalar_i64(&sql("f.access = 'vrij'")).await
    );
    assert_eq!(
        search(&mut b, "/twente/zoeken?gratis=1").await.0 as i64,
        app.scalar_i64(&sql("f.own_contribution in ('geen', 'consumpties')"))
            .await
    );
    assert_eq!(
        search(&mut b, "/twente/zoeken?type=voedselbank").await.0 as i64,
        app.scalar_i64(&sql("exists (select 1 from facility_type_links l where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id and l.type_code = 'voedselbank')")).await
    );
    assert_eq!(
        search(&mut b, "/twente/zoeken?dag=za&dagdeel=avond").await.0 as i64,
        app.scalar_i64(&sql("exists (select 1 from facility_hours h where h.tenant_id = f.tenant_id and h.facility_id = f.facility_id and h.weekday = 6 and h.closes > '18:00')")).await
    );
    // A wijk: located in it, or serving it (itself, a part or the whole of it), or the whole region.
    let wijk = "WK014110";
    assert_eq!(
        search(&mut b, &format!("/twente/zoeken?gebied={wijk}")).await.0 as i64,
        app.scalar_i64(&sql(&format!(
            "(f.serves_whole_region \
              or exists (select 1 from areas b join areas w on w.tenant_id = b.tenant_id and w.area_id = b.parent_id \
                         where b.tenant_id = f.tenant_id and b.area_id = f.buurt_id and w.cbs_code = '{wijk}') \
              or exists (select 1 from facility_service_areas s join areas a on a.tenant_id = s.tenant_id and a.area_id = s.area_id \
                         left join areas p on p.tenant_id = a.tenant_id and p.area_id = a.parent_id \
                         where s.tenant_id = f.tenant_id and s.facility_id = f.facility_id \
                           and (a.cbs_code = '{wijk}' or p.cbs_code = '{wijk}' \
                                or a.area_id = (select parent_id from areas where tenant_id = f.tenant_id and cbs_code = '{wijk}'))))"
        )))
        .await
    );
    // Filters combine, and the combination is in the URL: the same URL gives the same page.
    let combo = "/twente/zoeken?q=inloop&vrij=1&gratis=1&levensgebied=sociale_contacten";
    let (n1, names1, body) = search(&mut b, combo).await;
    let (n2, names2, _) = search(&mut b, combo).await;
    assert_eq!((n1, &names1), (n2, &names2));
    assert!(body.contains("filter weghalen"));
    // Filtering never adds: each filter added to a search gives at most as many.
    let (words_only, _, _) = search(&mut b, "/twente/zoeken?q=inloop").await;
    assert!(n1 <= words_only);
}

#[tokio::test]
async fn an_empty_result_says_what_to_loosen() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@twente.demo").await;
    let (n, _, body) = search(
        &mut b,
        "/twente/zoeken?type=voedselbank&dag=zo&dagdeel=avond",
    )
    .await;
    assert_eq!(n, 0);
    assert!(body.contains("minder streng"), "suggestions are offered");
    assert!(body.contains("op elke dag en elk dagdeel"));
    // Following the suggestion gives the results it promised.
    let (m, _, _) = search(&mut b, "/twente/zoeken?type=voedselbank").await;
    assert!(body.contains(&format!("{m} resultaten")) || body.contains(&format!("{m} resultaat")));
}

#[tokio::test]
async fn results_can_be_ordered_by_nearness_to_a_buurt_and_are_paged() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@twente.demo").await;
    let buurt = "BU01411000";
    let rank = |label: &str| {
        [
            "In deze buurt",
            "In deze wijk",
            "In deze gemeente",
            "Verder weg",
        ]
        .iter()
        .position(|l| *l == label)
        .unwrap()
    };
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let path = format!("/twente/zoeken?bij={buurt}&pagina={page}");
        let body = b.get(&path).await.body;
        for part in body.split("class=\"lookup-result__meta\">").skip(1) {
            let meta = &part[..part.find("</p>").unwrap()];
            let label = meta
                .split("<strong>")
                .nth(1)
                .map(|s| &s[..s.find('<').unwrap()])
                .expect("a nearness label");
            seen.push(rank(label));
        }
        if !body.contains("rel=\"next\"") {
            break;
        }
        page += 1;
    }
    let in_gemeente = app.scalar_i64(
        "select count(*) from facilities f join tenants t using (tenant_id) join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
         join areas w on w.tenant_id = b.tenant_id and w.area_id = b.parent_id join areas g on g.tenant_id = w.tenant_id and g.area_id = w.parent_id \
         where t.slug = 'twente' and not f.archived and g.cbs_code = 'GM0141'",
    ).await;
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "nearest first: {seen:?}"
    );
    assert_eq!(seen.iter().filter(|r| **r <= 2).count() as i64, in_gemeente);
    assert!(page > 1, "the regio's results span several pages");
    assert_eq!(seen.len(), total(&b.get("/twente/zoeken").await.body));
    // A page past the end shows the last page; nonsense pages the first.
    assert_eq!(
        b.get("/twente/zoeken?pagina=9999").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn strange_input_gives_a_page_or_a_400_never_a_500() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let long = "x".repeat(10_000);
    let nasty = [
        "q=%27%3A*%26%7C%21(%29%3C-%3E".to_string(),
        "q=%00".into(),
        "q=%FF%FE".into(),
        format!("q={long}"),
        "q=a&q=b&type=&type=onbekend".into(),
        "levensgebied=%27%3B+drop+table+facilities%3B--".into(),
        "gebied=WK99999999&bij=BU00000000&dag=maandagavond&dagdeel=nacht".into(),
        "pagina=-1".into(),
        "pagina=99999999999999999999999".into(),
        "vrij=%E2%9C%93&rolstoel=ja&gratis=0".into(),
        "q=de+het+een".into(),
        "q=%F0%9F%98%80+caf%C3%A9".into(),
        "q=1234".into(),
        "%%%=%%%".into(),
    ];
    for path in ["/almelo/zoeken", "/almelo/kaart"] {
        for q in &nasty {
            let page = b.get(&format!("{path}?{q}")).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::BAD_REQUEST,
                "{path}?{q}: {}",
                page.status
            );
        }
    }
    let page = b.get("/almelo/zoeken?type=bestaatniet").await;
    assert!(page.body.contains("onbekende waarde"));
}

#[tokio::test]
async fn the_handout_is_a_page_of_its_own_for_the_resident() {
    let app = TestApp::spawn().await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let id = app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'almelo' and f.name = 'Repair Café Almelo'").await;
    let show = b.get(&format!("/almelo/voorzieningen/{id}")).await;
    assert!(show
        .body
        .contains(&format!("/almelo/voorzieningen/{id}/folder")));
    let page = b.get(&format!("/almelo/voorzieningen/{id}/folder")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Repair Café Almelo"));
    assert!(
        page.body.contains("Wanneer is het open?")
            && page.body.contains("Contact")
            && page.body.contains("Kosten")
    );
    assert!(!page.body.contains("class=\"nav\""), "no navigation");
    assert!(page.body.contains("handout.css"));
    // An aanbieder prints only their own organisation's handouts.
    let mut aanbieder = app.login("aanbieder@almelo.demo").await;
    assert_eq!(
        aanbieder
            .get(&format!("/almelo/voorzieningen/{id}/folder"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The search page is for wijkteams and beleidsmedewerkers only.
    assert_eq!(
        aanbieder.get("/almelo/zoeken").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn walk_in_places_on_a_day_and_dagdeel_are_a_wijkteam_filter_only() {
    let app = TestApp::spawn().await;
    without_closures(&app).await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let count = |cond: &str| {
        format!(
            "select count(*) from facilities f join tenants t using (tenant_id) \
             where t.slug = 'almelo' and not f.archived and exists (select 1 from facility_dagdeel_capacity c \
             where c.tenant_id = f.tenant_id and c.facility_id = f.facility_id and {cond})"
        )
    };
    let tuesday_afternoon = "c.weekday = 2 and c.dagdeel = 'middag'";
    let expected = app
        .scalar_i64(&count(&format!("{tuesday_afternoon} and c.walk_in > 0")))
        .await;
    assert!(expected > 1, "the demo carries walk-in places");
    // Keep no walk-in place at one facility that is open then: it drops out.
    sqlx::query(&format!(
        "update facility_dagdeel_capacity c set walk_in = 0 from facilities f \
         where f.facility_id = c.facility_id and f.name = 'Dagstructurering Schelfhorst' and {tuesday_afternoon}"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let (open, open_names, _) = search(&mut b, "/almelo/zoeken?dag=di&dagdeel=middag").await;
    let (n, names, body) = search(&mut b, "/almelo/zoeken?dag=di&dagdeel=middag&inloop=1").await;
    assert_eq!(n as i64, expected - 1);
    assert!(n < open);
    assert!(open_names.contains(&"Dagstructurering Schelfhorst".to_string()));
    assert!(!names.contains(&"Dagstructurering Schelfhorst".to_string()));
    assert!(body.contains("Met vrije inloopplekken"), "the chip");
    assert!(body.contains("name=\"inloop\" value=\"1\" checked"));
    // Any day, any dagdeel: every facility with a walk-in place at all.
    let any = app.scalar_i64(&count("c.walk_in > 0")).await;
    assert_eq!(
        search(&mut b, "/almelo/zoeken?inloop=1").await.0 as i64,
        any
    );

    // The capacity is internal: the public kaart neither offers nor applies the filter.
    let mut visitor = app.client();
    let public = visitor
        .get("/almelo/kaart?dag=di&dagdeel=middag&inloop=1")
        .await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(total(&public.body), open);
    assert!(!public.body.contains("name=\"inloop\""));
}

/// The projection reads `search_doc` in its text form: every facility's stems, and odd lexemes
/// (quotes, backslashes, no positions), read as PostgreSQL's own unnest gives them.
#[tokio::test]
async fn stems_read_from_the_text_form_are_those_postgresql_unnests() {
    let app = TestApp::spawn().await;
    let unnested =
        "array(select u.lexeme || ' ' || coalesce((select min(w) from unnest(u.weights) w), 'D') \
                    from unnest(d) u)";
    let rows: Vec<(String, Vec<String>)> = sqlx::query_as(&format!(
        "select d::text, {unnested} from (select search_doc as d from facilities \
         union all select setweight(to_tsvector('simple', $$O'Neil back\\slash 'quoted' x$$), 'B') \
         union all select strip(to_tsvector('dutch', 'huiskamers koffie')) \
         union all select to_tsvector('dutch', 'koffie') || setweight(to_tsvector('dutch', 'koffie thee'), 'C') \
         union all select ''::tsvector) docs"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert!(rows.len() > 30);
    for (text, mut expected) in rows {
        let mut read = voorzieningen::search::words::stems_of(&text);
        read.sort();
        expected.sort();
        assert_eq!(read, expected, "{text}");
    }
    // And the summary of a description is the one SQL made before.
    let descriptions: Vec<(String, String)> = sqlx::query_as(
        "select d, left(regexp_replace(d, '\\s+', ' ', 'g'), 220) from (select description as d \
         from facilities union all select E'  twee\\n\\n\\tregels\\r\\n ' || repeat('é ', 300)) x",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    for (description, expected) in descriptions {
        assert_eq!(voorzieningen::search::load::summary(&description), expected);
    }
}
