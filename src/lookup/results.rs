//! The search page, for the wijkteam (/{tenant}/zoeken) and for residents on the public
//! sociale kaart (/{tenant}/kaart): one template, worded for whoever reads it.

use askama::Template;
use axum::response::Response;

use crate::error::AppResult;
use crate::register::facilities::hours::WEEKDAYS;
use crate::search::index::{Entry, TenantIndex};
use crate::search::{Facet, FacetOption, Loosen, Outcome};
use crate::web::layout::{render, Layout};

pub struct ResultRow {
    pub href: String,
    pub name: String,
    pub provider: String,
    pub types: String,
    pub place: String,
    pub summary: String,
    pub nearness: &'static str,
    /// Latitude and longitude as text, for the map.
    pub position: Option<(String, String)>,
}

/// A chosen filter, with the link that drops it.
pub struct Chip {
    pub label: String,
    pub remove: String,
}

pub struct BuurtGroup<'a> {
    pub wijk: &'a str,
    pub buurten: Vec<(&'a str, &'a str, bool)>,
}

#[derive(Template)]
#[template(path = "lookup/search.html")]
struct SearchPage<'a> {
    layout: Layout,
    public: bool,
    action: String,
    q: String,
    total: usize,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    rows: Vec<ResultRow>,
    facets: Vec<Facet<'a>>,
    flags: Vec<FacetOption<'a>>,
    days: Vec<FacetOption<'a>>,
    dagdelen: Vec<FacetOption<'a>>,
    loosen: Vec<Loosen>,
    notices: Vec<String>,
    chips: Vec<Chip>,
    buurten: Vec<BuurtGroup<'a>>,
    near_name: Option<String>,
    /// A filter is chosen: the filters show unfolded.
    filtered: bool,
    /// `inloop=1` is on (the wijkteam's search only).
    walk_in: bool,
}

fn nearness(index: &TenantIndex, near: Option<usize>, entry: &Entry) -> &'static str {
    let Some(b) = near else { return "" };
    let wijk = index.areas[b].parent;
    if entry.buurt == Some(b) {
        "In deze buurt"
    } else if wijk.is_some() && entry.wijk == wijk {
        "In deze wijk"
    } else if wijk
        .and_then(|w| index.areas[w].parent)
        .is_some_and(|g| entry.gemeente == Some(g))
    {
        "In deze gemeente"
    } else {
        "Verder weg"
    }
}

fn chips(outcome: &Outcome) -> Vec<Chip> {
    let p = &outcome.params;
    let mut out = Vec::new();
    for facet in &outcome.facets {
        if let Some(o) = facet.options.iter().find(|o| o.selected) {
            out.push(Chip {
                label: format!("{}: {}", facet.label, o.label.trim_start_matches("– ")),
                remove: p.without(facet.key),
            });
        }
    }
    for (flag, set) in p.flags.iter() {
        if *set {
            out.push(Chip {
                label: flag.label().into(),
                remove: p.without(flag.key()),
            });
        }
    }
    if let Some(d) = p.day {
        out.push(Chip {
            label: format!("Open op {}", WEEKDAYS[d - 1].1),
            remove: p.without("dag"),
        });
    }
    if let Some(d) = p.dagdeel {
        out.push(Chip {
            label: format!(
                "Open in de {}",
                crate::register::facilities::hours::DAGDELEN[d]
            ),
            remove: p.without("dagdeel"),
        });
    }
    if p.walk_in {
        out.push(Chip {
            label: "Met vrije inloopplekken".into(),
            remove: p.without("inloop"),
        });
    }
    out
}

fn buurten(index: &TenantIndex, near: Option<usize>) -> Vec<BuurtGroup<'_>> {
    index
        .buurt_groups
        .iter()
        .map(|g| BuurtGroup {
            wijk: &g.label,
            buurten: g
                .buurten
                .iter()
                .map(|b| {
                    (
                        index.areas[*b].code.as_str(),
                        index.areas[*b].name.as_str(),
                        near == Some(*b),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Renders the outcome. `action` is the search page's path, `detail` the path facility ids
/// are appended to.
pub fn page(
    layout: Layout,
    public: bool,
    action: String,
    detail: &str,
    index: &TenantIndex,
    outcome: Outcome<'_>,
) -> AppResult<Response> {
    let rows = outcome
        .rows
        .iter()
        .map(|i| {
            let e = &index.entries[*i];
            ResultRow {
                href: format!("{detail}/{}", e.id),
                name: e.name.to_string(),
                provider: e.provider.to_string(),
                types: e.type_names(index),
                place: e.place(index),
                summary: e.summary.to_string(),
                nearness: nearness(index, outcome.near, e),
                position: e
                    .position
                    .map(|(lat, lon)| (format!("{lat:.6}"), format!("{lon:.6}"))),
            }
        })
        .collect();
    let p = &outcome.params;
    render(&SearchPage {
        layout,
        public,
        q: p.q.clone(),
        total: outcome.total,
        page: outcome.page,
        pages: outcome.pages,
        prev: (outcome.page > 1).then(|| format!("{action}{}", p.on_page(outcome.page - 1))),
        next: (outcome.page < outcome.pages)
            .then(|| format!("{action}{}", p.on_page(outcome.page + 1))),
        chips: chips(&outcome),
        buurten: buurten(index, outcome.near),
        near_name: outcome.near.map(|b| index.areas[b].name.clone()),
        filtered: p.filtered(),
        walk_in: p.walk_in,
        notices: p.notices.clone(),
        action,
        rows,
        facets: outcome.facets,
        flags: outcome.flags,
        days: outcome.days,
        dagdelen: outcome.dagdelen,
        loosen: outcome.loosen,
    })
}
