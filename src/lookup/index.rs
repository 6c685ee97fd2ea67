//! An in-memory projection of one tenant's register for the lookup: per filter option the set
//! of facilities that have it (a bit vector), what a result line shows, the words for the text
//! match, and the public facts of recently shown facilities. Searching, counting the filters'
//! options and showing a facility then cost no database work. The projection is rebuilt when
//! the tenant's `register_generation` (moved by triggers on every change of the register) has
//! moved; see [`super::load`].

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::bits::Bits;
use super::filters::{CodeFilter, PerCodeFilter, PerFlag};
use super::public_facts::PublicFacts;
use super::words::TextIndex;
use crate::cbs::Level;
use crate::db::Db;
use crate::error::AppResult;
use crate::register::lists::NamedCode;

/// Tenants kept in memory at once; the least recently used one goes first.
const MAX_TENANTS: usize = 24;
/// Things kept per tenant in its [`Memo`]; when full, the kept ones are dropped and it fills
/// again.
const MAX_MEMO: usize = 2_500;

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
    pub name: String,
    pub provider: String,
    pub summary: String,
    pub city: String,
    pub types: Vec<usize>,
    /// Where it is: buurt, wijk, gemeente (each when known).
    pub buurt: Option<usize>,
    pub wijk: Option<usize>,
    pub gemeente: Option<usize>,
}

impl Entry {
    pub fn place(&self, index: &TenantIndex) -> String {
        match self.buurt {
            Some(b) if !self.city.is_empty() => format!("{}, {}", index.areas[b].name, self.city),
            Some(b) => index.areas[b].name.clone(),
            None => self.city.clone(),
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
    pub text: TextIndex,
    pub by_id: HashMap<Uuid, usize>,
    pub area_codes: HashMap<String, usize>,
    /// What was built from this generation of the register: public facts, API documents.
    pub memo: Memo,
}

/// Things built from one generation of a tenant's register, by kind and id, so they are built
/// once per change of the register rather than per request.
#[derive(Default)]
pub struct Memo(Mutex<HashMap<(&'static str, Uuid), Kept>>);

type Kept = Arc<dyn Any + Send + Sync>;

impl Memo {
    pub fn get<T: Send + Sync + 'static>(&self, kind: &'static str, id: Uuid) -> Option<Arc<T>> {
        self.0
            .lock()
            .expect("memo")
            .get(&(kind, id))
            .cloned()
            .and_then(|v| v.downcast::<T>().ok())
    }

    pub fn put<T: Send + Sync + 'static>(&self, kind: &'static str, id: Uuid, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut map = self.0.lock().expect("memo");
        if map.len() >= MAX_MEMO {
            map.clear();
        }
        map.insert((kind, id), value.clone());
        value
    }
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
            text,
            memo: Memo::default(),
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
        let mut out = Bits::empty(self.len());
        for (bit, set) in self.opening.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                out.or(set);
            }
        }
        out
    }

    /// The public facts of facility `id` (a listed one), loaded through `db` the first time.
    pub async fn public_facts(
        &self,
        db: &Db,
        tenant_id: Uuid,
        id: Uuid,
    ) -> AppResult<Option<Arc<PublicFacts>>> {
        if !self.by_id.contains_key(&id) {
            return Ok(None);
        }
        if let Some(facts) = self.memo.get("public-facts", id) {
            return Ok(Some(facts));
        }
        let mut tx = db.tenant_tx(tenant_id).await?;
        let Some(facts) = PublicFacts::load(&mut tx, id).await? else {
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(self.memo.put("public-facts", id, facts)))
    }
}

struct Cached {
    index: Arc<TenantIndex>,
    used: AtomicU64,
}

/// The projections of recently searched tenants.
#[derive(Default)]
pub struct Cache {
    tenants: Mutex<HashMap<Uuid, Cached>>,
    /// One load at a time per tenant: requests that find it stale wait for it.
    loading: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    clock: AtomicU64,
}

impl Cache {
    fn cached(&self, tenant_id: Uuid, generation: i64) -> Option<Arc<TenantIndex>> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let tenants = self.tenants.lock().expect("index cache");
        let cached = tenants
            .get(&tenant_id)
            .filter(|c| c.index.generation >= generation)?;
        cached.used.store(tick, Ordering::Relaxed);
        Some(cached.index.clone())
    }

    /// The tenant's projection at `generation` (from `tenants.register_generation`), loaded
    /// in a transaction of its own when the cached one is older.
    pub async fn get(
        &self,
        db: &Db,
        tenant_id: Uuid,
        generation: i64,
    ) -> AppResult<Arc<TenantIndex>> {
        if let Some(index) = self.cached(tenant_id, generation) {
            return Ok(index);
        }
        let lock = self
            .loading
            .lock()
            .expect("index loads")
            .entry(tenant_id)
            .or_default()
            .clone();
        let _loading = lock.lock().await;
        if let Some(index) = self.cached(tenant_id, generation) {
            return Ok(index);
        }
        let mut tx = db.tenant_tx(tenant_id).await?;
        // What the transaction sees is at least `generation`; record what it is.
        let seen = crate::tenancy::kept::generation(&mut tx)
            .await?
            .max(generation);
        let index = Arc::new(super::load::load(&mut tx, seen).await?);
        tx.commit().await?;
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut tenants = self.tenants.lock().expect("index cache");
        if tenants.len() >= MAX_TENANTS && !tenants.contains_key(&tenant_id) {
            if let Some(oldest) = tenants
                .iter()
                .min_by_key(|(_, c)| c.used.load(Ordering::Relaxed))
                .map(|(k, _)| *k)
            {
                tenants.remove(&oldest);
            }
        }
        tenants.insert(
            tenant_id,
            Cached {
                index: index.clone(),
                used: AtomicU64::new(tick),
            },
        );
        Ok(index)
    }
}
