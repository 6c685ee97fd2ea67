//! [`run`]'s order on the hand-built register: nearness to the chosen area, relevance of the
//! words, and pages.

use super::*;

#[test]
fn nearness_orders_by_buurt_wijk_gemeente_then_the_rest() {
    let index = almelo();
    let near = search(&index, "bij=BU01410102");
    assert_eq!(near.near, Some(4));
    assert_eq!(
        names(&index, &near),
        [
            "Voedselbank Almelo",    // the buurt itself
            "Buurthuis De Kolk",     // the same wijk
            "Huiskamer Schelfhorst", // the same gemeente
            "Wijkcentrum Noord",     // no buurt
        ]
    );
}

#[test]
fn words_narrow_and_order_by_relevance() {
    let index = almelo();
    let query = |stems: &[&str], plain: &str| {
        let q = Query::new(stems.iter().map(|s| s.to_string()).collect(), plain);
        let ranks = q.ranks(&index.text);
        run(
            &index,
            SearchParams::parse(Some(&format!("q={plain}"))),
            Some(ranks),
        )
    };
    let coffee = query(&["koffie"], "koffie");
    // In the voedselbank's name class (A), in the buurthuis's description (D).
    assert_eq!(
        names(&index, &coffee),
        ["Voedselbank Almelo", "Buurthuis De Kolk"]
    );
    assert_eq!(
        facet(&coffee, "type"),
        owned(&[("huiskamer", 1, false), ("voedselbank", 1, false)])
    );
    let typo = query(&["schelfhorts"], "schelfhorts");
    assert_eq!(names(&index, &typo), ["Huiskamer Schelfhorst"]);

    let nothing = query(&["zwembad"], "zwembad");
    assert_eq!(nothing.total, 0);
    let ways: Vec<(&str, usize)> = nothing
        .loosen
        .iter()
        .map(|l| (l.label.as_str(), l.count))
        .collect();
    assert_eq!(ways, [("zonder de zoekwoorden ‘zwembad’", 4)]);
    let filtered = query(&["koffie"], "koffie").params.query();
    assert_eq!(filtered, "?q=koffie");
    let vrij = run(
        &index,
        SearchParams::parse(Some("q=huiskamer&vrij=1&rolstoel=1")),
        Some(Query::new(vec!["huiskamer".into()], "huiskamer").ranks(&index.text)),
    );
    assert_eq!(vrij.total, 0);
    let ways: Vec<(&str, usize)> = vrij
        .loosen
        .iter()
        .map(|l| (l.query.as_str(), l.count))
        .collect();
    assert_eq!(
        ways,
        [("?vrij=1&rolstoel=1", 1), ("?q=huiskamer&vrij=1", 1)]
    );
}

#[test]
fn pages_of_twenty_and_a_page_past_the_end_shows_the_last() {
    let facts: Vec<Fact> = (0..45)
        .map(|i| Fact {
            name: ["A", "B", "C"][i % 3],
            types: if i % 2 == 0 { &[0] } else { &[1] },
            ..FACT
        })
        .collect();
    let index = register(&facts);
    let second = search(&index, "pagina=2");
    assert_eq!((second.total, second.page, second.pages), (45, 2, 3));
    assert_eq!(second.rows, (20..40).collect::<Vec<_>>());
    let past = search(&index, "pagina=9");
    assert_eq!(past.page, 3);
    assert_eq!(past.rows, (40..45).collect::<Vec<_>>());
    let even = search(&index, "type=huiskamer&pagina=2");
    assert_eq!((even.total, even.pages), (23, 2));
    assert_eq!(even.rows, vec![40, 42, 44]);
    assert_eq!(PAGE_SIZE, 20);
}
