//! The search itself: which facilities pass the words and every filter, how many each filter
//! option would leave, the order (relevance or nearness to a buurt) and the page asked for.
//! Facet counts follow the usual rule: an option's count is what the search would give with
//! that option chosen instead, every other filter kept.
//!
//! Every filter is a set of entries ([`Bits`]); "every filter but this one" is an AND of the
//! others, and an option's count is the size of its set within that.

use super::bits::Bits;
use super::index::{open_bit, Entry, TenantIndex};
use super::params::{SearchParams, CODE_FILTERS, FLAGS};
use super::words::Ranks;
use crate::cbs::Level;
use crate::register::facilities::hours::{DAGDELEN, WEEKDAYS};

pub const PAGE_SIZE: usize = 20;
/// Positions of the dimensions: the six code filters, the three flags, then these.
const OPEN: usize = 9;
const TEXT: usize = 10;
const DIMENSIONS: usize = 11;

#[derive(Debug, Clone)]
pub struct FacetOption<'a> {
    pub value: &'a str,
    pub label: &'a str,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Facet<'a> {
    pub key: &'static str,
    pub label: &'static str,
    pub options: Vec<FacetOption<'a>>,
}

/// A way out of an empty result: drop one filter to get `count` results.
#[derive(Debug, Clone)]
pub struct Loosen {
    pub label: String,
    pub query: String,
    pub count: usize,
}

pub struct Outcome<'a> {
    pub params: SearchParams,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<usize>,
    pub facets: Vec<Facet<'a>>,
    pub flags: Vec<FacetOption<'a>>,
    pub days: Vec<FacetOption<'a>>,
    pub dagdelen: Vec<FacetOption<'a>>,
    pub loosen: Vec<Loosen>,
    /// The buurt results are ordered by nearness to.
    pub near: Option<usize>,
}

/// The selected position of each code filter in its list.
fn resolve(index: &TenantIndex, params: &mut SearchParams) -> [Option<usize>; 6] {
    let mut sel = [None; 6];
    for (i, (_, label)) in CODE_FILTERS.iter().enumerate() {
        let Some(code) = params.codes[i].as_deref() else {
            continue;
        };
        sel[i] = index.option_position(i, code);
        if sel[i].is_none() {
            params.codes[i] = None;
            params.notices.push(format!(
                "Het filter ‘{}’ had een onbekende waarde en is weggelaten.",
                label.to_lowercase()
            ));
        }
    }
    sel
}

/// The [`open_bit`]s of a day (1–7) and dagdeel, each `None` for any.
fn open_mask(day: Option<usize>, dagdeel: Option<usize>) -> u32 {
    let mut mask = 0;
    for d in 1..=7 {
        for p in 0..3 {
            if day.is_none_or(|x| x == d) && dagdeel.is_none_or(|x| x == p) {
                mask |= 1 << open_bit(d, p);
            }
        }
    }
    mask
}

/// Per dimension, the entries that pass it (`None`: not filtered on).
fn passes(
    index: &TenantIndex,
    params: &SearchParams,
    sel: &[Option<usize>; 6],
    ranks: Option<&Ranks>,
) -> [Option<Bits>; DIMENSIONS] {
    let mut pass: [Option<Bits>; DIMENSIONS] = Default::default();
    for (d, s) in sel.iter().enumerate() {
        pass[d] = s.map(|x| index.options[d][x].clone());
    }
    for f in 0..3 {
        if params.flags[f] {
            pass[6 + f] = Some(index.flags[f].clone());
        }
    }
    if params.day.is_some() || params.dagdeel.is_some() {
        pass[OPEN] = Some(index.open_in(open_mask(params.day, params.dagdeel)));
    }
    pass[TEXT] = ranks.map(|r| r.matched.clone());
    pass
}

/// Per dimension, the entries that pass every other dimension; and those that pass all.
fn all_but_each(n: usize, pass: &[Option<Bits>; DIMENSIONS]) -> (Vec<Bits>, Bits) {
    let mut prefix = vec![Bits::full(n)];
    for p in pass {
        let mut next = prefix.last().expect("prefix").clone();
        if let Some(p) = p {
            next.and(p);
        }
        prefix.push(next);
    }
    let mut suffix = Bits::full(n);
    let mut except = vec![Bits::empty(0); DIMENSIONS];
    for d in (0..DIMENSIONS).rev() {
        let mut e = prefix[d].clone();
        e.and(&suffix);
        except[d] = e;
        if let Some(p) = &pass[d] {
            suffix.and(p);
        }
    }
    (except, prefix.pop().expect("all"))
}

/// Runs the search. `ranks` is the text match (`None`: no words, everything matches).
pub fn run(index: &TenantIndex, mut params: SearchParams, ranks: Option<Ranks>) -> Outcome<'_> {
    let sel = resolve(index, &mut params);
    let near = params
        .near
        .as_deref()
        .and_then(|code| index.area_by_code(code))
        .filter(|a| index.areas[*a].level == Level::Buurt);
    if params.near.is_some() && near.is_none() {
        params.near = None;
        params
            .notices
            .push("De gekozen buurt bestaat niet; de resultaten staan op relevantie.".into());
    }
    let pass = passes(index, &params, &sel, ranks.as_ref());
    let (except, all) = all_but_each(index.len(), &pass);

    let mut result: Vec<(usize, f32)> = all
        .ones()
        .map(|i| (i, ranks.as_ref().map_or(0.0, |r| r.rank[i])))
        .collect();
    let total = result.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.min(pages);
    order(index, &mut result, near, ranks.is_some(), page * PAGE_SIZE);
    let rows = result
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(i, _)| *i)
        .collect();

    let facets = facets(index, &sel, &except);
    let flags = FLAGS
        .iter()
        .enumerate()
        .map(|(f, (key, label))| FacetOption {
            value: key,
            label,
            count: index.flags[f].count_and(&except[6 + f]),
            selected: params.flags[f],
        })
        .collect();
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(d, (short, long))| FacetOption {
            value: short,
            label: long,
            count: index
                .open_in(open_mask(Some(d + 1), params.dagdeel))
                .count_and(&except[OPEN]),
            selected: params.day == Some(d + 1),
        })
        .collect();
    let dagdelen = DAGDELEN
        .iter()
        .enumerate()
        .map(|(p, name)| FacetOption {
            value: name,
            label: name,
            count: index
                .open_in(open_mask(params.day, Some(p)))
                .count_and(&except[OPEN]),
            selected: params.dagdeel == Some(p),
        })
        .collect();
    let loosen = if total == 0 {
        // Per dimension: how many fail only that one.
        let only: Vec<usize> = (0..DIMENSIONS)
            .map(|d| {
                pass[d]
                    .as_ref()
                    .map_or(0, |p| except[d].count() - except[d].count_and(p))
            })
            .collect();
        loosen(&params, &only)
    } else {
        Vec::new()
    };
    Outcome {
        params,
        total,
        page,
        pages,
        rows,
        facets,
        flags,
        days,
        dagdelen,
        loosen,
        near,
    }
}

/// Relevance (best first, then by name), or nearness to `near` first; only the first `upto`
/// need their place (the pages up to the one shown).
fn order(
    index: &TenantIndex,
    result: &mut [(usize, f32)],
    near: Option<usize>,
    ranked: bool,
    upto: usize,
) {
    if near.is_none() && !ranked {
        return; // the index is in name order already
    }
    let wijk = near.and_then(|b| index.areas[b].parent);
    let gemeente = wijk.and_then(|w| index.areas[w].parent);
    let distance = |e: &Entry| -> u8 {
        if near.is_none() || e.buurt == near {
            0
        } else if wijk.is_some() && e.wijk == wijk {
            1
        } else if gemeente.is_some() && e.gemeente == gemeente {
            2
        } else {
            3
        }
    };
    let mut keyed: Vec<(u8, f32, usize)> = result
        .iter()
        .map(|(i, r)| (distance(&index.entries[*i]), *r, *i))
        .collect();
    let cmp = |a: &(u8, f32, usize), b: &(u8, f32, usize)| {
        a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
    };
    if upto < keyed.len() {
        keyed.select_nth_unstable_by(upto, cmp);
        keyed.truncate(upto);
    }
    keyed.sort_unstable_by(cmp);
    for (slot, (_, r, i)) in result.iter_mut().zip(keyed) {
        *slot = (i, r);
    }
}

fn facets<'a>(index: &'a TenantIndex, sel: &[Option<usize>; 6], except: &[Bits]) -> Vec<Facet<'a>> {
    let option = |d: usize, x: usize, value: &'a str, label: &'a str| FacetOption {
        value,
        label,
        count: index.options[d][x].count_and(&except[d]),
        selected: sel[d] == Some(x),
    };
    let keep = |o: &FacetOption| o.count > 0 || o.selected;
    let named = |d: usize, list: &'a [super::index::Named]| -> Vec<FacetOption<'a>> {
        list.iter()
            .enumerate()
            .map(|(x, n)| option(d, x, &n.code, &n.name))
            .filter(keep)
            .collect()
    };
    let types = index
        .types_by_name
        .iter()
        .map(|x| option(1, *x, &index.types[*x].code, &index.types[*x].name))
        .filter(keep)
        .collect();
    // Areas in tree order: gemeente (in a regio), its wijken, and the buurten of a chosen
    // wijk or buurt.
    let chosen_wijk = sel[5].and_then(|a| {
        index
            .lineage(a)
            .into_iter()
            .find(|x| index.areas[*x].level == Level::Wijk)
    });
    let mut areas = Vec::new();
    let mut add = |a: usize| areas.push(option(5, a, &index.areas[a].code, &index.areas[a].label));
    let gemeenten = index
        .areas
        .iter()
        .enumerate()
        .filter(|(_, a)| a.level == Level::Gemeente)
        .map(|(g, _)| g);
    for g in gemeenten {
        if index.several_gemeenten {
            add(g);
        }
        for w in index.children[g]
            .iter()
            .copied()
            .filter(|w| index.areas[*w].level == Level::Wijk)
        {
            add(w);
            if chosen_wijk == Some(w) {
                index.children[w]
                    .iter()
                    .copied()
                    .filter(|b| index.areas[*b].level == Level::Buurt)
                    .for_each(&mut add);
            }
        }
    }
    areas.retain(keep);
    let lists = [
        named(0, &index.levensgebieden),
        types,
        named(2, &index.functies),
        named(3, &index.bouwstenen),
        named(4, &index.doelgroepen),
        areas,
    ];
    CODE_FILTERS
        .iter()
        .zip(lists)
        .map(|((key, label), options)| Facet {
            key,
            label,
            options,
        })
        .collect()
}

/// `only[d]`: how many entries fail dimension `d` and pass all others.
fn loosen(params: &SearchParams, only: &[usize]) -> Vec<Loosen> {
    let mut out = Vec::new();
    let mut add = |label: String, query: String, count: usize| {
        if count > 0 {
            out.push(Loosen {
                label,
                query,
                count,
            });
        }
    };
    if !params.q.is_empty() {
        add(
            format!("zonder de zoekwoorden ‘{}’", params.q),
            params.without("q"),
            only[TEXT],
        );
    }
    for (d, (key, label)) in CODE_FILTERS.iter().enumerate() {
        if params.codes[d].is_some() {
            add(
                format!("zonder het filter ‘{}’", label.to_lowercase()),
                params.without(key),
                only[d],
            );
        }
    }
    for (f, (key, label)) in FLAGS.iter().enumerate() {
        if params.flags[f] {
            add(
                format!("zonder ‘{}’", label.to_lowercase()),
                params.without(key),
                only[6 + f],
            );
        }
    }
    if params.day.is_some() || params.dagdeel.is_some() {
        let mut p = params.clone();
        p.day = None;
        p.dagdeel = None;
        p.page = 1;
        add("op elke dag en elk dagdeel".into(), p.query(), only[OPEN]);
    }
    out
}

#[cfg(test)]
mod tests;
