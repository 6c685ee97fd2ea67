//! The search itself: which facilities pass the words and every filter, how many each filter
//! option would leave, the order (relevance or nearness to a buurt) and the page asked for.
//! Facet counts follow the usual rule: an option's count is what the search would give with
//! that option chosen instead, every other filter kept.

use super::index::{open_bit, Entry, TenantIndex};
use super::params::{SearchParams, CODE_FILTERS, FLAGS};
use crate::register::facilities::hours::{DAGDELEN, WEEKDAYS};

pub const PAGE_SIZE: usize = 20;
/// Bit positions of the dimensions: the six code filters, the three flags, then these.
const OPEN: usize = 9;
const TEXT: usize = 10;

#[derive(Debug, Clone)]
pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Facet {
    pub key: &'static str,
    pub label: &'static str,
    pub options: Vec<FacetOption>,
}

/// A way out of an empty result: drop one filter to get `count` results.
#[derive(Debug, Clone)]
pub struct Loosen {
    pub label: String,
    pub query: String,
    pub count: usize,
}

pub struct Outcome {
    pub params: SearchParams,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<usize>,
    pub facets: Vec<Facet>,
    pub flags: Vec<FacetOption>,
    pub days: Vec<FacetOption>,
    pub dagdelen: Vec<FacetOption>,
    pub loosen: Vec<Loosen>,
    /// The buurt results are ordered by nearness to.
    pub near: Option<usize>,
}

/// The selected position of each code filter in its list.
fn resolve(index: &TenantIndex, params: &mut SearchParams) -> [Option<usize>; 6] {
    let mut sel = [None; 6];
    for (i, (_, label)) in CODE_FILTERS.iter().enumerate() {
        let Some(code) = params.codes[i].clone() else { continue };
        sel[i] = match i {
            0 => index.levensgebieden.iter().position(|n| n.code == code),
            1 => index.types.iter().position(|t| t.code == code),
            2 => index.functies.iter().position(|n| n.code == code),
            3 => index.bouwstenen.iter().position(|n| n.code == code),
            4 => index.doelgroepen.iter().position(|n| n.code == code),
            _ => index.area_by_code(&code.to_uppercase()),
        };
        if sel[i].is_none() {
            params.codes[i] = None;
            params.notices.push(format!("Het filter ‘{}’ had een onbekende waarde en is weggelaten.", label.to_lowercase()));
        }
    }
    sel
}

fn open_mask(day: Option<usize>, dagdeel: Option<usize>) -> u32 {
    let mut mask = 0;
    for d in 1..=7 {
        for p in 0..3 {
            if day.is_none_or(|x| x == d) && dagdeel.is_none_or(|x| x == p) {
                mask |= open_bit(d, p);
            }
        }
    }
    mask
}

fn list_of(e: &Entry, dim: usize) -> &[usize] {
    match dim {
        0 => &e.levensgebieden,
        1 => &e.types,
        2 => &e.functions,
        3 => &e.bouwstenen,
        4 => &e.target_groups,
        _ => &e.areas,
    }
}

fn flag_of(e: &Entry, i: usize) -> bool {
    [e.free_access, e.no_cost, e.wheelchair][i]
}

/// Runs the search. `ranks` is the text match by entry (`None`: no words, everything matches).
pub fn run(index: &TenantIndex, mut params: SearchParams, ranks: Option<Vec<Option<f32>>>) -> Outcome {
    let sel = resolve(index, &mut params);
    let near = params.near.as_deref().and_then(|code| index.area_by_code(code)).filter(|a| index.areas[*a].level == "buurt");
    if params.near.is_some() && near.is_none() {
        params.near = None;
        params.notices.push("De gekozen buurt bestaat niet; de resultaten staan op relevantie.".into());
    }
    let mask = open_mask(params.day, params.dagdeel);
    let timed = params.day.is_some() || params.dagdeel.is_some();
    let list_len = [index.levensgebieden.len(), index.types.len(), index.functies.len(), index.bouwstenen.len(), index.doelgroepen.len(), index.areas.len()];
    let mut counts: Vec<Vec<usize>> = list_len.iter().map(|n| vec![0; *n]).collect();
    let mut region_wide = 0;
    let mut flag_counts = [0usize; 3];
    let mut day_counts = [0usize; 7];
    let mut dagdeel_counts = [0usize; 3];
    let mut single_miss = [0usize; 11];
    let mut result: Vec<(usize, f32)> = Vec::new();
    let day_masks: Vec<u32> = (1..=7).map(|d| open_mask(Some(d), params.dagdeel)).collect();
    let dagdeel_masks: Vec<u32> = (0..3).map(|p| open_mask(params.day, Some(p))).collect();
    for (i, e) in index.entries.iter().enumerate() {
        let rank = match &ranks {
            Some(r) => r[i],
            None => Some(0.0),
        };
        let mut fails: u32 = 0;
        for (d, s) in sel.iter().enumerate() {
            if let Some(x) = s {
                let pass = if d == 5 { e.whole_region || e.areas.binary_search(x).is_ok() } else { list_of(e, d).contains(x) };
                if !pass {
                    fails |= 1 << d;
                }
            }
        }
        for f in 0..3 {
            if params.flags[f] && !flag_of(e, f) {
                fails |= 1 << (6 + f);
            }
        }
        if timed && e.open & mask == 0 {
            fails |= 1 << OPEN;
        }
        if rank.is_none() {
            fails |= 1 << TEXT;
        }
        if fails == 0 {
            result.push((i, rank.unwrap_or(0.0)));
        } else if fails.count_ones() == 1 {
            single_miss[fails.trailing_zeros() as usize] += 1;
        }
        for d in 0..6 {
            if fails & !(1 << d) == 0 {
                for x in list_of(e, d) {
                    counts[d][*x] += 1;
                }
                if d == 5 && e.whole_region {
                    region_wide += 1;
                }
            }
        }
        for f in 0..3 {
            if fails & !(1 << (6 + f)) == 0 && flag_of(e, f) {
                flag_counts[f] += 1;
            }
        }
        if fails & !(1 << OPEN) == 0 {
            for (d, mask) in day_masks.iter().enumerate() {
                if e.open & mask != 0 {
                    day_counts[d] += 1;
                }
            }
            for (p, mask) in dagdeel_masks.iter().enumerate() {
                if e.open & mask != 0 {
                    dagdeel_counts[p] += 1;
                }
            }
        }
    }
    order(index, &mut result, near, ranks.is_some());
    let total = result.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.min(pages);
    let rows = result.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|(i, _)| *i).collect();
    let facets = facets(index, &sel, &counts, region_wide);
    let flags = FLAGS
        .iter()
        .enumerate()
        .map(|(f, (key, label))| FacetOption { value: (*key).into(), label: (*label).into(), count: flag_counts[f], selected: params.flags[f] })
        .collect();
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(d, (short, long))| FacetOption { value: (*short).into(), label: (*long).into(), count: day_counts[d], selected: params.day == Some(d + 1) })
        .collect();
    let dagdelen = DAGDELEN
        .iter()
        .enumerate()
        .map(|(p, name)| FacetOption { value: (*name).into(), label: (*name).into(), count: dagdeel_counts[p], selected: params.dagdeel == Some(p) })
        .collect();
    let loosen = if total == 0 { loosen(&params, &single_miss) } else { Vec::new() };
    Outcome { params, total, page, pages, rows, facets, flags, days, dagdelen, loosen, near }
}

/// Relevance (best first, then by name), or nearness to `near` first.
fn order(index: &TenantIndex, result: &mut [(usize, f32)], near: Option<usize>, ranked: bool) {
    let distance = |e: &Entry| -> u8 {
        let Some(b) = near else { return 0 };
        let area = &index.areas[b];
        let wijk = area.parent;
        let gemeente = wijk.and_then(|w| index.areas[w].parent);
        if e.buurt == Some(b) {
            0
        } else if wijk.is_some() && e.wijk == wijk {
            1
        } else if gemeente.is_some() && e.gemeente == gemeente {
            2
        } else {
            3
        }
    };
    if near.is_none() && !ranked {
        return; // the index is in name order already
    }
    result.sort_by(|(a, ra), (b, rb)| {
        let (ea, eb) = (&index.entries[*a], &index.entries[*b]);
        distance(ea).cmp(&distance(eb)).then(rb.total_cmp(ra)).then(a.cmp(b))
    });
}

fn facets(index: &TenantIndex, sel: &[Option<usize>; 6], counts: &[Vec<usize>], region_wide: usize) -> Vec<Facet> {
    let option = |d: usize, x: usize, value: &str, label: String, extra: usize| FacetOption {
        value: value.to_string(),
        label,
        count: counts[d][x] + extra,
        selected: sel[d] == Some(x),
    };
    let keep = |o: &FacetOption| o.count > 0 || o.selected;
    let named = |d: usize, list: &[super::index::Named]| -> Vec<FacetOption> {
        list.iter().enumerate().map(|(x, n)| option(d, x, &n.code, n.name.clone(), 0)).filter(keep).collect()
    };
    let mut types: Vec<FacetOption> =
        index.types.iter().enumerate().map(|(x, t)| option(1, x, &t.code, t.name.clone(), 0)).filter(keep).collect();
    types.sort_by(|a, b| a.label.to_lowercase().cmp(&b.label.to_lowercase()));
    // Areas in tree order: gemeente, its wijken, and the buurten of a chosen wijk or buurt.
    let chosen_wijk = sel[5].map(|a| index.lineage(a)).and_then(|l| l.into_iter().find(|x| index.areas[*x].level == "wijk"));
    let mut areas = Vec::new();
    let several = index.areas.iter().filter(|a| a.level == "gemeente").count() > 1;
    for (g, gemeente) in index.areas.iter().enumerate().filter(|(_, a)| a.level == "gemeente") {
        if several {
            areas.push(option(5, g, &gemeente.code, gemeente.name.clone(), region_wide));
        }
        for (w, wijk) in index.areas.iter().enumerate().filter(|(_, a)| a.parent == Some(g)) {
            areas.push(option(5, w, &wijk.code, format!("{}{}", if several { "– " } else { "" }, wijk.name), region_wide));
            if chosen_wijk == Some(w) {
                for (b, buurt) in index.areas.iter().enumerate().filter(|(_, a)| a.parent == Some(w)) {
                    areas.push(option(5, b, &buurt.code, format!("{}– {}", if several { "– " } else { "" }, buurt.name), region_wide));
                }
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
    CODE_FILTERS.iter().zip(lists).map(|((key, label), options)| Facet { key, label, options }).collect()
}

fn loosen(params: &SearchParams, single_miss: &[usize; 11]) -> Vec<Loosen> {
    let mut out = Vec::new();
    let mut add = |label: String, query: String, count: usize| {
        if count > 0 {
            out.push(Loosen { label, query, count });
        }
    };
    if !params.q.is_empty() {
        add(format!("zonder de zoekwoorden ‘{}’", params.q), params.without("q"), single_miss[TEXT]);
    }
    for (d, (key, label)) in CODE_FILTERS.iter().enumerate() {
        if params.codes[d].is_some() {
            add(format!("zonder het filter ‘{}’", label.to_lowercase()), params.without(key), single_miss[d]);
        }
    }
    for (f, (key, label)) in FLAGS.iter().enumerate() {
        if params.flags[f] {
            add(format!("zonder ‘{}’", label.to_lowercase()), params.without(key), single_miss[6 + f]);
        }
    }
    if params.day.is_some() || params.dagdeel.is_some() {
        let mut p = params.clone();
        p.day = None;
        p.dagdeel = None;
        p.page = 1;
        add("op elke dag en elk dagdeel".into(), p.query(), single_miss[OPEN]);
    }
    out
}
