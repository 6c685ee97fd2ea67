//! An in-memory projection of one tenant's register for the lookup: per facility what the
//! filters ask (types, levensgebieden, functions, areas, opening dagdelen, ...) and what a
//! result line shows. Filtering and counting the filters' options then cost no database
//! work; the text match stays in PostgreSQL. The projection is reloaded when the tenant's
//! `register_generation` (moved by triggers on every change of the register) has moved.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sqlx::FromRow;
use time::Time;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::AppResult;
use super::words::Searchable;
use crate::register::facilities::hours::{Period, DAGDELEN};

/// Tenants kept in memory at once; the least recently used one goes first.
const MAX_TENANTS: usize = 24;

/// A code and its name.
#[derive(Debug, Clone, FromRow)]
pub struct Named {
    pub code: String,
    pub name: String,
}

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
    pub level: String,
    pub parent: Option<usize>,
}

/// One facility as the lookup sees it. Lists hold positions in the index's lists.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub name: String,
    pub provider: String,
    pub summary: String,
    pub city: String,
    pub types: Vec<usize>,
    pub levensgebieden: Vec<usize>,
    pub functions: Vec<usize>,
    pub bouwstenen: Vec<usize>,
    pub target_groups: Vec<usize>,
    /// Where it is: buurt, wijk, gemeente (each when known).
    pub buurt: Option<usize>,
    pub wijk: Option<usize>,
    pub gemeente: Option<usize>,
    /// Every area it is located in or serves (served areas with their parts and wholes).
    pub areas: Vec<usize>,
    pub whole_region: bool,
    pub free_access: bool,
    pub no_cost: bool,
    pub wheelchair: bool,
    /// Bit `(weekday - 1) * 3 + dagdeel` is set when open then.
    pub open: u32,
    /// Its words, for the text match.
    pub search: Searchable,
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
        self.types.iter().map(|t| index.types[*t].name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

pub struct TenantIndex {
    pub generation: i64,
    pub entries: Vec<Entry>,
    pub levensgebieden: Vec<Named>,
    pub types: Vec<TypeInfo>,
    pub functies: Vec<Named>,
    pub bouwstenen: Vec<Named>,
    pub doelgroepen: Vec<Named>,
    pub areas: Vec<Area>,
    pub by_id: HashMap<Uuid, usize>,
}

pub fn open_bit(weekday: usize, dagdeel: usize) -> u32 {
    1 << ((weekday - 1) * 3 + dagdeel)
}

impl TenantIndex {
    pub fn area_by_code(&self, code: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.code == code)
    }

    /// The area and all areas above it.
    pub fn lineage(&self, area: usize) -> Vec<usize> {
        let mut out = vec![area];
        let mut at = area;
        while let Some(p) = self.areas[at].parent {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            at = p;
        }
        out
    }

    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.by_id.get(&id).map(|i| &self.entries[*i])
    }

    async fn load(tx: &mut Tx, tenant_id: Uuid, generation: i64) -> AppResult<TenantIndex> {
        let levensgebieden: Vec<Named> = sqlx::query_as("select code, name from levensgebieden order by position")
            .fetch_all(&mut **tx)
            .await?;
        let type_rows: Vec<(String, String, String)> = sqlx::query_as(
            "select code, name, levensgebied from facility_types where tenant_id = $1 order by position, name",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
        let types: Vec<TypeInfo> = type_rows
            .into_iter()
            .map(|(code, name, g)| TypeInfo { code, name, levensgebied: levensgebieden.iter().position(|l| l.code == g).unwrap_or(0) })
            .collect();
        let codes: Vec<(String, String, String)> = sqlx::query_as(
            "select kind, code, name from code_lists where kind in ('functie', 'bouwsteen', 'doelgroep') order by kind, position",
        )
        .fetch_all(&mut **tx)
        .await?;
        let list = |kind: &str| -> Vec<Named> {
            codes.iter().filter(|c| c.0 == kind).map(|c| Named { code: c.1.clone(), name: c.2.clone() }).collect()
        };
        let (functies, bouwstenen, doelgroepen) = (list("functie"), list("bouwsteen"), list("doelgroep"));
        let area_rows: Vec<(Uuid, String, String, String, Option<Uuid>)> = sqlx::query_as(
            "select area_id, cbs_code, name, level, parent_id from areas where tenant_id = $1 \
             order by case level when 'gemeente' then 0 when 'wijk' then 1 else 2 end, cbs_code",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
        let area_pos: HashMap<Uuid, usize> = area_rows.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
        let areas: Vec<Area> = area_rows
            .iter()
            .map(|(id, code, name, level, parent)| Area {
                id: *id,
                code: code.clone(),
                name: name.clone(),
                level: level.clone(),
                parent: parent.and_then(|p| area_pos.get(&p).copied()),
            })
            .collect();
        let hours: Vec<(Uuid, i16, Time, Time)> =
            sqlx::query_as("select facility_id, weekday, opens, closes from facility_hours where tenant_id = $1")
                .bind(tenant_id)
                .fetch_all(&mut **tx)
                .await?;
        let mut open: HashMap<Uuid, u32> = HashMap::new();
        for (id, weekday, opens, closes) in hours {
            let period = Period { weekday, opens, closes };
            for part in period.dagdelen() {
                let d = DAGDELEN.iter().position(|x| *x == part).unwrap_or(0);
                *open.entry(id).or_default() |= open_bit(weekday as usize, d);
            }
        }
        let rows: Vec<FacilityRow> = sqlx::query_as(FACILITIES).bind(tenant_id).fetch_all(&mut **tx).await?;
        let mut index = TenantIndex {
            generation,
            entries: Vec::with_capacity(rows.len()),
            levensgebieden,
            types,
            functies,
            bouwstenen,
            doelgroepen,
            areas,
            by_id: HashMap::with_capacity(rows.len()),
        };
        let children = index.children();
        for row in rows {
            let entry = index.entry_from(row, &area_pos, &children, &open);
            index.by_id.insert(entry.id, index.entries.len());
            index.entries.push(entry);
        }
        Ok(index)
    }

    fn children(&self) -> Vec<Vec<usize>> {
        let mut children = vec![Vec::new(); self.areas.len()];
        for (i, a) in self.areas.iter().enumerate() {
            if let Some(p) = a.parent {
                children[p].push(i);
            }
        }
        children
    }

    fn entry_from(&self, row: FacilityRow, area_pos: &HashMap<Uuid, usize>, children: &[Vec<usize>], open: &HashMap<Uuid, u32>) -> Entry {
        let positions = |codes: &[String], list: &[Named]| -> Vec<usize> {
            codes.iter().filter_map(|c| list.iter().position(|n| n.code == *c)).collect()
        };
        let types: Vec<usize> = row.types.iter().filter_map(|c| self.types.iter().position(|t| t.code == *c)).collect();
        let mut levensgebieden: Vec<usize> = types.iter().map(|t| self.types[*t].levensgebied).collect();
        levensgebieden.sort_unstable();
        levensgebieden.dedup();
        let buurt = row.buurt_id.and_then(|b| area_pos.get(&b).copied());
        let located = buurt.map(|b| self.lineage(b)).unwrap_or_default();
        let level = |l: &str| located.iter().copied().find(|a| self.areas[*a].level == l);
        let mut areas = located.clone();
        for served in row.served.iter().filter_map(|s| area_pos.get(s).copied()) {
            areas.extend(self.lineage(served));
            let mut stack = vec![served];
            while let Some(a) = stack.pop() {
                areas.push(a);
                stack.extend(children[a].iter().copied());
            }
        }
        areas.sort_unstable();
        areas.dedup();
        Entry {
            id: row.facility_id,
            name: row.name,
            provider: row.provider_name,
            summary: row.summary,
            city: row.city,
            levensgebieden,
            types,
            functions: positions(&row.functions, &self.functies),
            bouwstenen: positions(&row.bouwstenen, &self.bouwstenen),
            target_groups: positions(&row.target_groups, &self.doelgroepen),
            buurt,
            wijk: level("wijk"),
            gemeente: level("gemeente"),
            areas,
            whole_region: row.serves_whole_region,
            free_access: row.access == "vrij",
            no_cost: row.own_contribution == "geen",
            wheelchair: row.wheelchair == "ja",
            open: open.get(&row.facility_id).copied().unwrap_or(0),
            search: Searchable::new(row.stems, &row.search_name),
        }
    }
}

#[derive(FromRow)]
struct FacilityRow {
    facility_id: Uuid,
    name: String,
    provider_name: String,
    summary: String,
    city: String,
    buurt_id: Option<Uuid>,
    serves_whole_region: bool,
    access: String,
    own_contribution: String,
    wheelchair: String,
    functions: Vec<String>,
    bouwstenen: Vec<String>,
    target_groups: Vec<String>,
    types: Vec<String>,
    served: Vec<Uuid>,
    stems: Vec<String>,
    search_name: String,
}

const FACILITIES: &str = "select f.facility_id, f.name, p.name as provider_name, \
    left(regexp_replace(f.description, '\\s+', ' ', 'g'), 220) as summary, f.city, f.buurt_id, \
    f.serves_whole_region, f.access, f.own_contribution, f.wheelchair, f.functions, f.bouwstenen, f.target_groups, \
    array(select l.type_code from facility_type_links l where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id \
          order by l.is_main desc, l.type_code) as types, \
    array(select s.area_id from facility_service_areas s where s.tenant_id = f.tenant_id and s.facility_id = f.facility_id) as served, \
    array(select u.lexeme || ' ' || coalesce((select min(w) from unnest(u.weights) w), 'D') from unnest(f.search_doc) u) as stems, \
    f.search_name \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    where f.tenant_id = $1 and not f.archived order by lower(f.name), f.facility_id";

struct Cached {
    index: Arc<TenantIndex>,
    used: AtomicU64,
}

/// The projections of recently searched tenants.
#[derive(Default)]
pub struct Cache {
    tenants: Mutex<HashMap<Uuid, Cached>>,
    clock: AtomicU64,
}

impl Cache {
    /// The tenant's projection at `generation` (from `tenants.register_generation`), loaded
    /// through `tx` when the cached one is older.
    pub async fn get(&self, tx: &mut Tx, tenant_id: Uuid, generation: i64) -> AppResult<Arc<TenantIndex>> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        if let Some(cached) = self.tenants.lock().expect("index cache").get(&tenant_id) {
            if cached.index.generation >= generation {
                cached.used.store(tick, Ordering::Relaxed);
                return Ok(cached.index.clone());
            }
        }
        let index = Arc::new(TenantIndex::load(tx, tenant_id, generation).await?);
        let mut tenants = self.tenants.lock().expect("index cache");
        if tenants.len() >= MAX_TENANTS && !tenants.contains_key(&tenant_id) {
            if let Some(oldest) = tenants.iter().min_by_key(|(_, c)| c.used.load(Ordering::Relaxed)).map(|(k, _)| *k) {
                tenants.remove(&oldest);
            }
        }
        tenants.insert(tenant_id, Cached { index: index.clone(), used: AtomicU64::new(tick) });
        Ok(index)
    }
}

/// The tenant's register generation, read in the tenant's transaction.
pub async fn generation(tx: &mut Tx, tenant_id: Uuid) -> AppResult<i64> {
    Ok(sqlx::query_scalar("select register_generation from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or(0))
}
