//! [`run`]'s filters on the hand-built register: what each filter keeps, what each option
//! counts, areas, opening times and walk-in places, and what an empty result suggests.

use super::*;

#[test]
fn without_filters_everything_in_name_order_with_every_option_counted() {
    let index = almelo();
    let all = search(&index, "");
    assert_eq!(all.total, 4);
    assert_eq!((all.page, all.pages), (1, 1));
    assert_eq!(
        names(&index, &all),
        [
            "Buurthuis De Kolk",
            "Huiskamer Schelfhorst",
            "Voedselbank Almelo",
            "Wijkcentrum Noord"
        ]
    );
    assert_eq!(
        facet(&all, "levensgebied"),
        owned(&[("1", 2, false), ("2", 1, false)])
    );
    assert_eq!(
        facet(&all, "type"),
        owned(&[("huiskamer", 2, false), ("voedselbank", 1, false)])
    );
    assert!(
        facet(&all, "functie").is_empty(),
        "options with 0 are left out"
    );
    // One gemeente: its wijken only, no buurten until a wijk is chosen.
    assert_eq!(
        facet(&all, "gebied"),
        owned(&[("WK014101", 3, false), ("WK014102", 2, false)])
    );
    assert_eq!(
        counts(&all.flags),
        [
            ("vrij".into(), 2),
            ("gratis".into(), 1),
            ("rolstoel".into(), 1)
        ]
    );
    assert_eq!(counts(&all.days)[..2], [("ma".into(), 2), ("di".into(), 1)]);
    assert_eq!(
        counts(&all.dagdelen),
        [
            ("ochtend".into(), 1),
            ("middag".into(), 1),
            ("avond".into(), 1)
        ]
    );
    assert!(all.loosen.is_empty() && all.params.notices.is_empty());
}

#[test]
fn an_options_count_is_what_choosing_it_instead_would_give() {
    let index = almelo();
    let huiskamers = search(&index, "type=huiskamer");
    assert_eq!(
        names(&index, &huiskamers),
        ["Buurthuis De Kolk", "Huiskamer Schelfhorst"]
    );
    // The type facet ignores its own choice; the others count within it.
    assert_eq!(
        facet(&huiskamers, "type"),
        owned(&[("huiskamer", 2, true), ("voedselbank", 1, false)])
    );
    assert_eq!(
        facet(&huiskamers, "levensgebied"),
        owned(&[("1", 2, false)])
    );
    assert_eq!(
        counts(&huiskamers.flags),
        [
            ("vrij".into(), 1),
            ("gratis".into(), 1),
            ("rolstoel".into(), 0)
        ]
    );

    let free = search(&index, "type=huiskamer&vrij=1");
    assert_eq!(names(&index, &free), ["Buurthuis De Kolk"]);
    // Within the type alone, one huiskamer is free.
    assert_eq!(
        counts(&free.flags),
        [
            ("vrij".into(), 1),
            ("gratis".into(), 0),
            ("rolstoel".into(), 0)
        ]
    );
    assert!(free.flags[0].selected && !free.flags[1].selected);
    assert_eq!(
        facet(&free, "type"),
        owned(&[("huiskamer", 1, true), ("voedselbank", 1, false)])
    );
}

#[test]
fn an_area_holds_what_lies_in_it_and_what_serves_the_whole_region() {
    let index = almelo();
    let centrum = search(&index, "gebied=wk014101");
    assert_eq!(
        names(&index, &centrum),
        [
            "Buurthuis De Kolk",
            "Voedselbank Almelo",
            "Wijkcentrum Noord"
        ]
    );
    // The chosen wijk shows its buurten.
    assert_eq!(
        facet(&centrum, "gebied"),
        owned(&[
            ("WK014101", 3, true),
            ("BU01410101", 2, false),
            ("BU01410102", 2, false),
            ("WK014102", 2, false),
        ])
    );
    let buurt = search(&index, "gebied=BU01410201");
    assert_eq!(
        names(&index, &buurt),
        ["Huiskamer Schelfhorst", "Wijkcentrum Noord"]
    );
}

#[test]
fn opening_filters_by_day_and_dagdeel() {
    let index = almelo();
    let monday = search(&index, "dag=ma");
    assert_eq!(
        names(&index, &monday),
        ["Buurthuis De Kolk", "Voedselbank Almelo"]
    );
    assert!(monday.days[0].selected);
    assert_eq!(
        counts(&monday.dagdelen),
        [
            ("ochtend".into(), 1),
            ("middag".into(), 0),
            ("avond".into(), 1)
        ]
    );
    let evening = search(&index, "dag=ma&dagdeel=avond");
    assert_eq!(names(&index, &evening), ["Voedselbank Almelo"]);
    // The days count within the dagdeel, ignoring the chosen day.
    assert_eq!(
        counts(&evening.days)[..2],
        [("ma".into(), 1), ("di".into(), 0)]
    );
    let afternoons = search(&index, "dagdeel=middag");
    assert_eq!(names(&index, &afternoons), ["Huiskamer Schelfhorst"]);
}

#[test]
fn an_empty_result_says_which_filter_to_drop_and_what_that_gives() {
    let index = almelo();
    let none = search(&index, "type=voedselbank&gratis=1&dag=di");
    assert_eq!((none.total, none.page, none.pages), (0, 1, 1));
    assert!(none.rows.is_empty());
    let ways: Vec<(&str, &str, usize)> = none
        .loosen
        .iter()
        .map(|l| (l.label.as_str(), l.query.as_str(), l.count))
        .collect();
    // Only dropping the type helps: the Schelfhorst huiskamer is free and open on Tuesday.
    assert_eq!(
        ways,
        [(
            "zonder het filter ‘soort voorziening’",
            "?gratis=1&dag=di",
            1
        )]
    );
    let two_ways = search(&index, "type=voedselbank&gratis=1");
    let labels: Vec<(&str, usize)> = two_ways
        .loosen
        .iter()
        .map(|l| (l.label.as_str(), l.count))
        .collect();
    assert_eq!(
        labels,
        [
            ("zonder het filter ‘soort voorziening’", 1),
            ("zonder ‘geen eigen bijdrage’", 1)
        ]
    );
    let closed = search(&index, "type=voedselbank&dag=di");
    assert_eq!(closed.loosen[1].label, "op elke dag en elk dagdeel");
    assert_eq!(closed.loosen[1].query, "?type=voedselbank");
}

#[test]
fn unknown_values_are_dropped_with_a_notice() {
    let index = almelo();
    let outcome = search(&index, "type=bestaat-niet&bij=BU99999999&levensgebied=1");
    assert_eq!(outcome.total, 2);
    assert_eq!(outcome.params.code(CodeFilter::Type), None);
    assert_eq!(outcome.params.near, None);
    assert_eq!(outcome.near, None);
    assert_eq!(
        outcome.params.notices,
        [
            "Het filter ‘soort voorziening’ had een onbekende waarde en is weggelaten.",
            "De gekozen buurt bestaat niet; de resultaten staan op relevantie."
        ]
    );
    // A wijk is no buurt to be near to.
    let wijk = search(&index, "bij=WK014101");
    assert_eq!(wijk.near, None);
    assert_eq!(wijk.params.notices.len(), 1);
}

#[test]
fn walk_in_places_narrow_the_opening_filter_only_where_they_are_given() {
    let index = almelo();
    let by_name = |name: &str| {
        index
            .entries
            .iter()
            .position(|e| &*e.name == name)
            .expect(name)
    };
    // Walk-in places: Buurthuis De Kolk on Monday morning, the Voedselbank on Monday evening.
    let mut slots = vec![Bits::empty(index.len()); OPENING_SLOTS];
    slots[opening_slot(1, 0)].set(by_name("Buurthuis De Kolk"));
    slots[opening_slot(1, 2)].set(by_name("Voedselbank Almelo"));
    let run = |query: &str| {
        super::run_in(
            &index,
            SearchParams::parse(Some(query)),
            None,
            Context {
                today: time::macros::date!(2026 - 11 - 29),
                walk_in: Some(&slots),
            },
        )
    };
    let monday_evening = run("dag=ma&dagdeel=avond&inloop=1");
    assert_eq!(names(&index, &monday_evening), ["Voedselbank Almelo"]);
    let mornings = run("dagdeel=ochtend&inloop=1");
    assert_eq!(names(&index, &mornings), ["Buurthuis De Kolk"]);
    // The days count walk-in places within the dagdeel.
    assert_eq!(
        counts(&mornings.days)[..2],
        [("ma".into(), 1), ("di".into(), 0)]
    );
    let any = run("inloop=1");
    assert_eq!(any.total, 2);
    assert!(any.params.query().contains("inloop=1"));
    // Without the sets (the public kaart) the parameter is dropped.
    let public = search(&index, "dagdeel=ochtend&inloop=1");
    assert!(!public.params.walk_in);
    assert!(!public.params.query().contains("inloop"));
    // An empty result offers to drop it with the day and dagdeel.
    let none = run("dag=di&inloop=1");
    assert_eq!(none.total, 0);
    assert!(none
        .loosen
        .iter()
        .any(|l| l.label.contains("vrije inloopplek") && l.count > 0));
}

#[test]
fn the_open_on_filter_leaves_out_who_is_closed_on_the_coming_date() {
    let mut index = almelo();
    let kolk = index
        .entries
        .iter()
        .position(|e| &*e.name == "Buurthuis De Kolk")
        .unwrap();
    let voedselbank = index
        .entries
        .iter()
        .position(|e| &*e.name == "Voedselbank Almelo")
        .unwrap();
    // Sunday 20 December 2026: the coming Monday is the 21st.
    let today = time::macros::date!(2026 - 12 - 20);
    index.closed.add_period(
        kolk,
        time::macros::date!(2026 - 12 - 21),
        time::macros::date!(2027 - 01 - 03),
    );
    index
        .closed
        .add_holidays(voedselbank, &["tweede_paasdag".to_string()]);
    let run = |query: &str| {
        super::run_in(
            &index,
            SearchParams::parse(Some(query)),
            None,
            Context {
                today,
                walk_in: None,
            },
        )
    };
    let monday = run("dag=ma");
    assert_eq!(names(&index, &monday), ["Voedselbank Almelo"]);
    assert_eq!(counts(&monday.days)[0], ("ma".into(), 1));
    // A week later the Kolk is open again (the period is over on 4 January).
    let later = super::run_in(
        &index,
        SearchParams::parse(Some("dag=ma")),
        None,
        Context {
            today: time::macros::date!(2027 - 01 - 04),
            walk_in: None,
        },
    );
    assert_eq!(later.total, 2);
    // Saturday 27 March 2027: the coming Monday is Tweede Paasdag, when the voedselbank closes.
    let easter = super::run_in(
        &index,
        SearchParams::parse(Some("dagdeel=avond")),
        None,
        Context {
            today: time::macros::date!(2027 - 03 - 27),
            walk_in: None,
        },
    );
    assert_eq!(easter.total, 0);
    assert!(easter.loosen.iter().any(|l| l.label.contains("elke dag")));
    let evening = run("dagdeel=avond");
    assert_eq!(names(&index, &evening), ["Voedselbank Almelo"]);
}
