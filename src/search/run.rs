//! The search itself: which facilities pass the words and every filter, how many each filter
//! option would leave, the order (relevance or nearness to a buurt) and the page asked for.
//! Facet counts follow the usual rule: an option's count is what the search would give with
//! that option chosen instead, every other filter kept.
//!
//! Every filter is a set of entries ([`Bits`]); "every filter but this one" is an AND of the
//! others, and an option's count is the size of its set within that.

use super::bits::Bits;
use super::closed::next_date;
use super::filters::{opening_slot, CodeFilter, Flag, PerCodeFilter};
use super::index::{union_in, Entry, TenantIndex};
use super::params::SearchParams;
use super::query::Ranks;
use crate::cbs::Level;
use crate::register::facilities::hours::{DAGDELEN, WEEKDAYS};
use time::Date;

pub const PAGE_SIZE: usize = 20;

/// What a search filters on, each independently: a code filter, a flag, the opening time
/// (day and dagdeel together) and the words.
#[derive(Debug, Clone, Copy)]
enum Dimension {
    Code(CodeFilter),
    Flag(Flag),
    Opening,
    Words,
}

/// How many [`Dimension`]s there are.
const DIMENSIONS: usize = CodeFilter::COUNT + Flag::COUNT + 2;

impl Dimension {
    /// Its position in the per-dimension arrays of [`passes`] and [`all_but_each`].
    const fn at(self) -> usize {
        match self {
            Dimension::Code(filter) => filter as usize,
            Dimension::Flag(flag) => CodeFilter::COUNT + flag as usize,
            Dimension::Opening => CodeFilter::COUNT + Flag::COUNT,
            Dimension::Words => CodeFilter::COUNT + Flag::COUNT + 1,
        }
    }
}

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
fn resolve(index: &TenantIndex, params: &mut SearchParams) -> PerCodeFilter<Option<usize>> {
    let mut sel = PerCodeFilter::default();
    for filter in CodeFilter::ALL {
        let Some(code) = params.codes[filter].as_deref() else {
            continue;
        };
        sel[filter] = index.option_position(filter, code);
        if sel[filter].is_none() {
            params.codes[filter] = None;
            params.notices.push(format!(
                "Het filter ‘{}’ had een onbekende waarde en is weggelaten.",
                filter.label().to_lowercase()
            ));
        }
    }
    sel
}

/// The [`opening_slot`]s of a day (1–7) and dagdeel, each `None` for any.
fn open_mask(day: Option<usize>, dagdeel: Option<usize>) -> u32 {
    let mut mask = 0;
    for d in 1..=7 {
        for p in 0..3 {
            if day.is_none_or(|x| x == d) && dagdeel.is_none_or(|x| x == p) {
                mask |= 1 << opening_slot(d, p);
            }
        }
    }
    mask
}

/// What a search needs besides the projection and the words: the date it runs on (the "open
/// on" filter asks about the coming date of each weekday, for closed periods and holidays) and,
/// for the wijkteam, the walk-in places per [`opening_slot`] (used with `inloop=1`).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub today: Date,
    pub walk_in: Option<&'a [Bits]>,
}

/// The entries that pass the opening filter for `day` (or any) and `dagdeel` (or any): open
/// then (with `inloop=1`: with walk-in places then) and not closed on the coming date of that
/// weekday.
fn open_then(
    index: &TenantIndex,
    cx: &Context,
    day: Option<usize>,
    dagdeel: Option<usize>,
) -> Bits {
    let n = index.len();
    let slots = cx.walk_in.unwrap_or(&index.opening);
    let mut out = Bits::empty(n);
    for d in (1..=7).filter(|d| day.is_none_or(|x| x == *d)) {
        let mut open = union_in(slots, n, open_mask(Some(d), dagdeel));
        if let Some(closed) = index.closed.on(next_date(cx.today, d), n) {
            open.and_not(&closed);
        }
        out.or(&open);
    }
    out
}

/// Per dimension, the entries that pass it (`None`: not filtered on).
fn passes(
    index: &TenantIndex,
    params: &SearchParams,
    sel: &PerCodeFilter<Option<usize>>,
    ranks: Option<&Ranks>,
    cx: &Context,
) -> [Option<Bits>; DIMENSIONS] {
    let mut pass: [Option<Bits>; DIMENSIONS] = Default::default();
    for (filter, s) in sel.iter() {
        pass[Dimension::Code(filter).at()] = s.map(|x| index.options[filter][x].clone());
    }
    for (flag, set) in params.flags.iter() {
        if *set {
            pass[Dimension::Flag(flag).at()] = Some(index.flags[flag].clone());
        }
    }
    if params.day.is_some() || params.dagdeel.is_some() || cx.walk_in.is_some() {
        pass[Dimension::Opening.at()] = Some(open_then(index, cx, params.day, params.dagdeel));
    }
    pass[Dimension::Words.at()] = ranks.map(|r| r.matched.clone());
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

/// Runs the search today. `ranks` is the text match (`None`: no words, everything matches).
/// `inloop=1` is dropped: only [`run_in`] with the walk-in places knows them.
pub fn run(index: &TenantIndex, params: SearchParams, ranks: Option<Ranks>) -> Outcome<'_> {
    let cx = Context {
        today: crate::web::time_fmt::today(),
        walk_in: None,
    };
    run_in(index, params, ranks, cx)
}

/// [`run`] in a [`Context`]: on its date, and with the walk-in places when the search asks for
/// them (`inloop=1`; dropped when the context has none).
pub fn run_in<'a>(
    index: &'a TenantIndex,
    mut params: SearchParams,
    ranks: Option<Ranks>,
    mut cx: Context,
) -> Outcome<'a> {
    if !params.walk_in {
        cx.walk_in = None;
    }
    if cx.walk_in.is_none() {
        params.walk_in = false;
    }
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
    let pass = passes(index, &params, &sel, ranks.as_ref(), &cx);
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
    let flags = Flag::ALL
        .into_iter()
        .map(|flag| FacetOption {
            value: flag.key(),
            label: flag.label(),
            count: index.flags[flag].count_and(&except[Dimension::Flag(flag).at()]),
            selected: params.flags[flag],
        })
        .collect();
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(d, (short, long))| FacetOption {
            value: short,
            label: long,
            count: open_then(index, &cx, Some(d + 1), params.dagdeel)
                .count_and(&except[Dimension::Opening.at()]),
            selected: params.day == Some(d + 1),
        })
        .collect();
    let dagdelen = DAGDELEN
        .iter()
        .enumerate()
        .map(|(p, name)| FacetOption {
            value: name,
            label: name,
            count: open_then(index, &cx, params.day, Some(p))
                .count_and(&except[Dimension::Opening.at()]),
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

fn facets<'a>(
    index: &'a TenantIndex,
    sel: &PerCodeFilter<Option<usize>>,
    except: &[Bits],
) -> Vec<Facet<'a>> {
    // An option is listed when it would leave results or is chosen.
    let option = |filter: CodeFilter, x: usize| {
        let count = index.options[filter][x].count_and(&except[Dimension::Code(filter).at()]);
        let selected = sel[filter] == Some(x);
        (count > 0 || selected).then(|| FacetOption {
            value: index.option_code(filter, x),
            label: index.option_label(filter, x),
            count,
            selected,
        })
    };
    let listed = |filter: CodeFilter, positions: &mut dyn Iterator<Item = usize>| {
        positions
            .filter_map(|x| option(filter, x))
            .collect::<Vec<_>>()
    };
    CodeFilter::ALL
        .into_iter()
        .map(|filter| Facet {
            key: filter.key(),
            label: filter.label(),
            options: match filter {
                CodeFilter::Type => listed(filter, &mut index.types_by_name.iter().copied()),
                CodeFilter::Gebied => {
                    let mut areas = Vec::new();
                    areas_in_tree_order(index, sel[filter], |a| {
                        areas.extend(option(filter, a));
                    });
                    areas
                }
                _ => listed(filter, &mut (0..index.options[filter].len())),
            },
        })
        .collect()
}

/// The areas as the filter shows them: each gemeente (in a regio), its wijken, and the
/// buurten of the wijk of the `chosen` area.
fn areas_in_tree_order(index: &TenantIndex, chosen: Option<usize>, mut visit: impl FnMut(usize)) {
    let chosen_wijk = chosen.and_then(|a| {
        index
            .lineage(a)
            .into_iter()
            .find(|x| index.areas[*x].level == Level::Wijk)
    });
    let below = |a: usize, level: Level| {
        index.children[a]
            .iter()
            .copied()
            .filter(move |x| index.areas[*x].level == level)
    };
    let gemeenten = index
        .areas
        .iter()
        .enumerate()
        .filter(|(_, a)| a.level == Level::Gemeente)
        .map(|(g, _)| g);
    for g in gemeenten {
        if index.several_gemeenten {
            visit(g);
        }
        for w in below(g, Level::Wijk) {
            visit(w);
            if chosen_wijk == Some(w) {
                below(w, Level::Buurt).for_each(&mut visit);
            }
        }
    }
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
            only[Dimension::Words.at()],
        );
    }
    for (filter, code) in params.codes.iter() {
        if code.is_some() {
            add(
                format!("zonder het filter ‘{}’", filter.label().to_lowercase()),
                params.without(filter.key()),
                only[Dimension::Code(filter).at()],
            );
        }
    }
    for (flag, set) in params.flags.iter() {
        if *set {
            add(
                format!("zonder ‘{}’", flag.label().to_lowercase()),
                params.without(flag.key()),
                only[Dimension::Flag(flag).at()],
            );
        }
    }
    if params.day.is_some() || params.dagdeel.is_some() || params.walk_in {
        let mut p = params.clone();
        p.day = None;
        p.dagdeel = None;
        p.walk_in = false;
        p.page = 1;
        let label = if params.walk_in {
            "zonder ‘vrije inloopplek’, op elke dag en elk dagdeel"
        } else {
            "op elke dag en elk dagdeel"
        };
        add(label.into(), p.query(), only[Dimension::Opening.at()]);
    }
    out
}

#[cfg(test)]
mod tests;
