//! [`run`] on a projection built by hand, without a database: the hand-built register and
//! the helpers that read an outcome here; the tests by topic in [`filters`] (filters, facet
//! counts, the ways out of an empty result) and [`order`] (nearness, relevance and pages).

mod filters;
mod order;

use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::register::lists::NamedCode;
use crate::search::filters::{PerFlag, OPENING_SLOTS};
use crate::search::index::{lineage_in, Area, TypeInfo};
use crate::search::params::SearchParams;
use crate::search::query::Query;
use crate::search::words::TextIndexBuilder;

/// One facility of the hand-built register.
struct Fact {
    name: &'static str,
    /// Positions in the types of [`register`].
    types: &'static [usize],
    buurt: Option<&'static str>,
    whole_region: bool,
    /// Free access, no own contribution, wheelchair accessible.
    flags: [bool; 3],
    /// (weekday 1–7, dagdeel 0–2) it is open at.
    open: &'static [(usize, usize)],
    /// Its search document's stems, as `stem weight`.
    stems: &'static [&'static str],
}

const FACT: Fact = Fact {
    name: "",
    types: &[],
    buurt: None,
    whole_region: false,
    flags: [false; 3],
    open: &[],
    stems: &[],
};

fn named(code: &str, name: &str) -> NamedCode {
    NamedCode {
        code: code.into(),
        name: name.into(),
    }
}

/// One gemeente with two wijken (two buurten and one), two levensgebieden, two types, and
/// `facts` in the order given (name order, as the index keeps them).
fn register(facts: &[Fact]) -> TenantIndex {
    let n = facts.len();
    let area = |code: &str, name: &str, level, parent, label: &str| Area {
        id: Uuid::new_v4(),
        code: code.into(),
        name: name.into(),
        level,
        parent,
        label: label.into(),
    };
    let areas = vec![
        area("GM0141", "Almelo", Level::Gemeente, None, "Almelo"),
        area("WK014101", "Centrum", Level::Wijk, Some(0), "Centrum"),
        area("WK014102", "Noord", Level::Wijk, Some(0), "Noord"),
        area(
            "BU01410101",
            "Binnenstad",
            Level::Buurt,
            Some(1),
            "– Binnenstad",
        ),
        area(
            "BU01410102",
            "Stationsbuurt",
            Level::Buurt,
            Some(1),
            "– Stationsbuurt",
        ),
        area(
            "BU01410201",
            "Schelfhorst",
            Level::Buurt,
            Some(2),
            "– Schelfhorst",
        ),
    ];
    let levensgebieden = vec![named("1", "Meedoen"), named("2", "Bestaanszekerheid")];
    let types = vec![
        TypeInfo {
            code: "huiskamer".into(),
            name: "Huiskamer".into(),
            levensgebied: 0,
        },
        TypeInfo {
            code: "voedselbank".into(),
            name: "Voedselbank".into(),
            levensgebied: 1,
        },
    ];
    let codes = [
        vec![named("ontmoeten", "Ontmoeten")],
        vec![named("b1", "Bouwsteen 1")],
        vec![named("ouderen", "Ouderen")],
    ];
    let sizes = [2, 2, 1, 1, 1, areas.len()];
    let mut options = PerCodeFilter(sizes.map(|k| vec![Bits::empty(n); k]));
    let mut flags = PerFlag(Flag::ALL.map(|_| Bits::empty(n)));
    let mut opening = vec![Bits::empty(n); OPENING_SLOTS];
    let mut text = TextIndexBuilder::default();
    let mut entries = Vec::new();
    for (i, fact) in facts.iter().enumerate() {
        for t in fact.types {
            options[CodeFilter::Type][*t].set(i);
            options[CodeFilter::Levensgebied][types[*t].levensgebied].set(i);
        }
        let buurt = fact
            .buurt
            .map(|code| areas.iter().position(|a| a.code == code).expect("buurt"));
        let located = buurt.map(|b| lineage_in(&areas, b)).unwrap_or_default();
        for a in &located {
            options[CodeFilter::Gebied][*a].set(i);
        }
        if fact.whole_region {
            options[CodeFilter::Gebied]
                .iter_mut()
                .for_each(|set| set.set(i));
        }
        for (flag, yes) in Flag::ALL.into_iter().zip(fact.flags) {
            if yes {
                flags[flag].set(i);
            }
        }
        for (day, dagdeel) in fact.open {
            opening[opening_slot(*day, *dagdeel)].set(i);
        }
        let stems: Vec<String> = fact.stems.iter().map(|s| s.to_string()).collect();
        text.add(&stems, &fact.name.to_lowercase(), &[]);
        let level = |l: Level| located.iter().copied().find(|a| areas[*a].level == l);
        entries.push(Entry {
            id: Uuid::new_v4(),
            provider_id: Uuid::new_v4(),
            modified: OffsetDateTime::UNIX_EPOCH,
            name: fact.name.into(),
            provider: "Stichting".into(),
            summary: "".into(),
            city: "Almelo".into(),
            types: fact.types.to_vec(),
            buurt,
            wijk: level(Level::Wijk),
            gemeente: level(Level::Gemeente),
            position: None,
        });
    }
    TenantIndex::new(
        1,
        entries,
        levensgebieden,
        types,
        codes,
        areas,
        options,
        flags,
        opening,
        crate::search::closed::ClosedDays::default(),
        text.build(),
    )
}

/// Four facilities: two huiskamers, a voedselbank, and a wijkcentrum serving the whole region.
fn almelo() -> TenantIndex {
    register(&[
        Fact {
            name: "Buurthuis De Kolk",
            types: &[0],
            buurt: Some("BU01410101"),
            flags: [true, false, false],
            open: &[(1, 0)],
            stems: &["buurthuis A", "kolk A", "huiskamer B", "koffie D"],
            ..FACT
        },
        Fact {
            name: "Huiskamer Schelfhorst",
            types: &[0],
            buurt: Some("BU01410201"),
            flags: [false, true, false],
            open: &[(2, 1)],
            stems: &["huiskamer A", "schelfhorst A"],
            ..FACT
        },
        Fact {
            name: "Voedselbank Almelo",
            types: &[1],
            buurt: Some("BU01410102"),
            flags: [true, false, true],
            open: &[(1, 2)],
            stems: &["voedselbank A", "almelo A", "koffie A"],
            ..FACT
        },
        Fact {
            name: "Wijkcentrum Noord",
            whole_region: true,
            stems: &["wijkcentrum A", "noord A"],
            ..FACT
        },
    ])
}

fn search<'a>(index: &'a TenantIndex, query: &str) -> Outcome<'a> {
    run(index, SearchParams::parse(Some(query)), None)
}

fn names(index: &TenantIndex, outcome: &Outcome) -> Vec<String> {
    outcome
        .rows
        .iter()
        .map(|i| index.entries[*i].name.to_string())
        .collect()
}

/// The options of facet `key` as (value, count, selected).
fn facet(outcome: &Outcome, key: &str) -> Vec<(String, usize, bool)> {
    outcome
        .facets
        .iter()
        .find(|f| f.key == key)
        .expect("facet")
        .options
        .iter()
        .map(|o| (o.value.to_string(), o.count, o.selected))
        .collect()
}

fn counts(options: &[FacetOption]) -> Vec<(String, usize)> {
    options
        .iter()
        .map(|o| (o.value.to_string(), o.count))
        .collect()
}

fn owned(list: &[(&str, usize, bool)]) -> Vec<(String, usize, bool)> {
    list.iter()
        .map(|(v, c, s)| (v.to_string(), *c, *s))
        .collect()
}
