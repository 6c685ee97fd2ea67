//! An in-memory projection of one tenant's register for the lookup: per filter option the set
//! of facilities that have it (a bit vector), what a result line shows, and the words for the
//! text match. Searching and counting the filters' options then cost no database work. It is
//! built by [`super::load`] and kept in the tenant's [`crate::cache::TenantCache`] until the
//! tenant's `register_generation` (moved by triggers on every change of the register) moves.

use std::collections::HashMap;

use uuid::Uuid;

use super::bits::Bits;
use super::closed::ClosedDays;
use super::filters::{CodeFilter, PerCodeFilter, PerFlag};
use super::words::TextIndex;
use crate::cbs::Level;
use crate::register::lists::NamedCode;

#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub code: String,
    pub name: String,
    pub levensgebied: usize,
}

#[derive(Debug, Clone)]
pub struct Area {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<usize>,
    /// How it is shown among the filter's options ("– " per level below the top).
    pub label: String,
}

/// One facility as a result line shows it. Lists hold positions in the index's lists.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub provider_id: Uuid,
    /// When it or its provider last changed.
    pub modified: time::OffsetDateTime,
    pub name: Box<str>,
    /// Shared by the entries of one provider.
    pub provider: std::sync::Arc<str>,
    pub summary: Box<str>,
    pub city: Box<str>,
    pub types: Vec<usize>,
    /// Where it is: buurt, wijk, gemeente (each when known).
    pub buurt: Option<usize>,
    pub wijk: Option<usize>,
    pub gemeente: Option<usize>,
    /// Latitude and longitude, for the map.
    pub position: Option<(f64, f64)>,
}

impl Entry {
    pub fn place(&self, index: &TenantIndex) -> String {
        match self.buurt {
            Some(b) if !self.city.is_empty() => format!("{}, {}", index.areas[b].name, self.city),
            Some(b) => index.areas[b].name.clone(),
            None => self.city.to_string(),
        }
    }

    pub fn type_names(&self, index: &TenantIndex) -> String {
        self.types
            .iter()
            .map(|t| index.types[*t].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The buurten of one wijk, for choosing where "near" is.
#[derive(Debug, Clone)]
pub struct BuurtGroup {
    pub label: String,
    pub buurten: Vec<usize>,
}

pub struct TenantIndex {
    pub generation: i64,
    /// In name order.
    pub entries: Vec<Entry>,
    pub levensgebieden: Vec<NamedCode>,
    pub types: Vec<TypeInfo>,
    /// Positions in `types`, by lowercase name.
    pub types_by_name: Vec<usize>,
    pub functies: Vec<NamedCode>,
    pub bouwstenen: Vec<NamedCode>,
    pub doelgroepen: Vec<NamedCode>,
    /// Gemeenten, then wijken, then buurten.
    pub areas: Vec<Area>,
    pub children: Vec<Vec<usize>>,
    /// More than one gemeente (a regio).
    pub several_gemeenten: bool,
    pub buurt_groups: Vec<BuurtGroup>,
    /// Per code filter, per option: the entries that have it. An area's set holds what is
    /// located in it or serves it, and what serves the whole region.
    pub options: PerCodeFilter<Vec<Bits>>,
    /// Per flag: the entries that have it.
    pub flags: PerFlag<Bits>,
    /// Per [`super::filters::opening_slot`]: the entries open then.
    pub opening: Vec<Bits>,
    /// Closed periods and holidays: who is closed on a date.
    pub closed: ClosedDays,
    pub text: TextIndex,
    pub by_id: HashMap<Uuid, usize>,
    pub area_codes: HashMap<String, usize>,
}

/// Per area, the areas directly below it.
pub(super) fn children_of(areas: &[Area]) -> Vec<Vec<usize>> {
    let mut children = vec![Vec::new(); areas.len()];
    for (i, a) in areas.iter().enumerate() {
        if let Some(p) = a.parent {
            children[p].push(i);
        }
    }
    children
}

/// The area `at` and all areas above it.
pub(super) fn lineage_in(areas: &[Area], mut at: usize) -> Vec<usize> {
    let mut out = vec![at];
    while let Some(p) = areas[at].parent.filter(|p| !out.contains(p)) {
        out.push(p);
        at = p;
    }
    out
}

impl TenantIndex {
    /// An estimate of the memory the projection holds, in bytes (what the register cache
    /// counts against its budget).
    pub fn bytes(&self) -> usize {
        let text = |s: &String| 24 + s.capacity();
        let entries: usize = self
            .entries
            .iter()
            .map(|e| {
                std::mem::size_of::<Entry>()
                    + e.name.len()
                    + e.summary.len()
                    + e.city.len()
                    + e.types.capacity() * 8
            })
            .sum();
        let codes = |v: &Vec<NamedCode>| {
            v.iter()
                .map(|c| 48 + c.code.len() + c.name.len())
                .sum::<usize>()
        };
        let bits: usize = self
            .options
            .0
            .iter()
            .flat_map(|o| o.iter())
            .chain(self.flags.0.iter())
            .chain(self.opening.iter())
            .map(|b| 32 + b.bytes())
            .sum();
        entries
            + codes(&self.levensgebieden)
            + codes(&self.functies)
            + codes(&self.bouwstenen)
            + codes(&self.doelgroepen)
            + self
                .types
                .iter()
                .map(|t| 64 + text(&t.code) + text(&t.name))
                .sum::<usize>()
            + self
                .areas
                .iter()
                .map(|a| 64 + text(&a.code) + text(&a.name) + text(&a.label))
                .sum::<usize>()
            + bits
            + self.text.bytes()
            + self.closed.bytes()
            + self.by_id.capacity() * 32
            + self.area_codes.keys().map(|k| 40 + k.len()).sum::<usize>()
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        generation: i64,
        entries: Vec<Entry>,
        levensgebieden: Vec<NamedCode>,
        types: Vec<TypeInfo>,
        codes: [Vec<NamedCode>; 3],
        areas: Vec<Area>,
        options: PerCodeFilter<Vec<Bits>>,
        flags: PerFlag<Bits>,
        opening: Vec<Bits>,
        closed: ClosedDays,
        text: TextIndex,
    ) -> Self {
        let [functies, bouwstenen, doelgroepen] = codes;
        let mut types_by_name: Vec<usize> = (0..types.len()).collect();
        types_by_name.sort_by_cached_key(|t| types[*t].name.to_lowercase());
        let children = children_of(&areas);
        let several_gemeenten = areas.iter().filter(|a| a.level == Level::Gemeente).count() > 1;
        let buurt_groups = areas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.level == Level::Wijk)
            .map(|(w, wijk)| BuurtGroup {
                label: match (several_gemeenten, wijk.parent) {
                    (true, Some(g)) => format!("{} – {}", areas[g].name, wijk.name),
                    _ => wijk.name.clone(),
                },
                buurten: children[w]
                    .iter()
                    .copied()
                    .filter(|b| areas[*b].level == Level::Buurt)
                    .collect(),
            })
            .filter(|g| !g.buurten.is_empty())
            .collect();
        TenantIndex {
            generation,
            by_id: entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect(),
            area_codes: areas
                .iter()
                .enumerate()
                .map(|(i, a)| (a.code.clone(), i))
                .collect(),
            entries,
            levensgebieden,
            types,
            types_by_name,
            functies,
            bouwstenen,
            doelgroepen,
            areas,
            children,
            several_gemeenten,
            buurt_groups,
            options,
            flags,
            opening,
            closed,
            text,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The code of option `x` of `filter`.
    pub fn option_code(&self, filter: CodeFilter, x: usize) -> &str {
        match filter {
            CodeFilter::Levensgebied => &self.levensgebieden[x].code,
            CodeFilter::Type => &self.types[x].code,
            CodeFilter::Functie => &self.functies[x].code,
            CodeFilter::Bouwsteen => &self.bouwstenen[x].code,
            CodeFilter::Doelgroep => &self.doelgroepen[x].code,
            CodeFilter::Gebied => &self.areas[x].code,
        }
    }

    /// What option `x` of `filter` is called among the filter's options.
    pub fn option_label(&self, filter: CodeFilter, x: usize) -> &str {
        match filter {
            CodeFilter::Levensgebied => &self.levensgebieden[x].name,
            CodeFilter::Type => &self.types[x].name,
            CodeFilter::Functie => &self.functies[x].name,
            CodeFilter::Bouwsteen => &self.bouwstenen[x].name,
            CodeFilter::Doelgroep => &self.doelgroepen[x].name,
            CodeFilter::Gebied => &self.areas[x].label,
        }
    }

    /// The option of `filter` with `code` (an area's CBS code in any case).
    pub fn option_position(&self, filter: CodeFilter, code: &str) -> Option<usize> {
        if filter == CodeFilter::Gebied {
            return self.area_by_code(&code.to_uppercase());
        }
        (0..self.options[filter].len()).find(|x| self.option_code(filter, *x) == code)
    }

    pub fn area_by_code(&self, code: &str) -> Option<usize> {
        self.area_codes.get(code).copied()
    }

    /// The area and all areas above it.
    pub fn lineage(&self, area: usize) -> Vec<usize> {
        lineage_in(&self.areas, area)
    }

    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.by_id.get(&id).map(|i| &self.entries[*i])
    }

    /// The entries open at any of the [`super::filters::opening_slot`]s in `mask` (a bit per slot).
    pub fn open_in(&self, mask: u32) -> Bits {
        union_in(&self.opening, self.len(), mask)
    }
}

/// The union of the per-slot sets `slots` picked by `mask` (a bit per slot), over `n` entries.
pub fn union_in(slots: &[Bits], n: usize, mask: u32) -> Bits {
    let mut out = Bits::empty(n);
    for (bit, set) in slots.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            out.or(set);
        }
    }
    out
}
