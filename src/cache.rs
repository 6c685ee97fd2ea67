//! What this process keeps in memory of tenants' registers, so that a public search, facility
//! page or open-data call costs one statement while nothing changes.
//!
//! Everything is keyed by the tenant's `register_generation`, a counter that statement triggers
//! on the register's tables move once per transaction that changes it. A request reads the
//! generation first (in the statement that finds its tenant, or in its transaction) and asks
//! for what is kept *at least* that new; anything older is dropped and built again from the
//! database. So a change made through any app server is seen by every other at its next
//! request, and the cache needs no messages between servers.
//!
//! Per tenant there is one [`TenantCache`] with a typed slot for each kind of thing:
//!
//! - the search projection ([`TenantIndex`]): loaded in a transaction of its own, one load per
//!   tenant at a time (requests that find it stale wait for the load under way);
//! - once per tenant: the HSDS taxonomies, the lists a signed-in facility page names its
//!   codes with (with the referral form's choices), and the signed-in facility list (counted
//!   with its estimated size);
//! - per facility: its public facts (kaart page and handout), its HSDS service and its HSDS
//!   service summary — at most [`MAX_PER_FACILITY`] together; when full they are dropped and
//!   fill again.
//!
//! What is kept is bounded by memory: every tenant's projection counts with its estimated size
//! ([`TenantIndex::bytes`]) and each per-facility thing with [`PER_FACILITY_BYTES`]; when a load
//! takes the total over the budget (the `CACHE_MB` setting), the least recently used tenants
//! go first. [`MAX_TENANTS`] bounds the number of tenants as well.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use uuid::Uuid;

use crate::config::DEFAULT_CACHE_BYTES;
use crate::db::{Db, TenantTx};
use crate::error::AppResult;
use crate::hsds::model::Service;
use crate::hsds::vocabulary::Vocabulary;
use crate::lookup::public_facts::PublicFacts;
use crate::register::facilities::kept::{FacilityPageLists, KeptFacility};
use crate::register::facilities::listing::Listing;
use crate::search::index::TenantIndex;

/// Tenants kept in memory at once, at most (memory usually bounds it first).
pub const MAX_TENANTS: usize = 1_000;
/// What one thing kept per facility (public facts, an HSDS service) is counted as.
pub const PER_FACILITY_BYTES: usize = 2_048;
/// Things kept per facility, of all kinds together, per tenant.
pub const MAX_PER_FACILITY: usize = 2_500;

/// The tenants' [`TenantCache`]s; `AppState::cache`.
pub struct RegisterCache {
    tenants: Mutex<HashMap<Uuid, Held>>,
    /// One projection load at a time per tenant.
    loading: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    clock: AtomicU64,
    /// Projections loaded since start.
    loads: AtomicU64,
    /// Projections asked for and found kept, since start.
    hits: AtomicU64,
    /// What may be kept, in bytes.
    budget: usize,
}

impl Default for RegisterCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_CACHE_BYTES)
    }
}

/// What the cache holds and has done, for the log and the benchmark.
#[derive(Debug, Clone, Copy)]
pub struct CacheStats {
    pub hits: u64,
    pub loads: u64,
    pub tenants: usize,
    pub bytes: usize,
}

struct Held {
    cache: Arc<TenantCache>,
    used: AtomicU64,
}

/// What is kept of one tenant's register, all of it built from `generation` or later.
pub struct TenantCache {
    generation: i64,
    projection: OnceLock<Arc<TenantIndex>>,
    hsds_vocabulary: OnceLock<Arc<Vocabulary>>,
    facility_page_lists: OnceLock<Arc<FacilityPageLists>>,
    facility_listing: tokio::sync::OnceCell<Arc<Listing>>,
    per_facility: Mutex<PerFacility>,
    /// The estimated memory of what is kept here.
    bytes: AtomicUsize,
}

/// The things kept per facility, by kind.
#[derive(Default)]
pub struct PerFacility {
    public_facts: HashMap<Uuid, Arc<PublicFacts>>,
    hsds_services: HashMap<Uuid, Arc<Service>>,
    hsds_summaries: HashMap<Uuid, Arc<Service>>,
    signed_in_facilities: HashMap<Uuid, Arc<KeptFacility>>,
}

impl PerFacility {
    fn len(&self) -> usize {
        self.public_facts.len()
            + self.hsds_services.len()
            + self.hsds_summaries.len()
            + self.signed_in_facilities.len()
    }
}

/// One kind of thing kept per facility: [`FacilitySlot::PUBLIC_FACTS`] and so on.
pub struct FacilitySlot<T>(fn(&mut PerFacility) -> &mut HashMap<Uuid, Arc<T>>);

impl<T> Clone for FacilitySlot<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for FacilitySlot<T> {}

fn public_facts(kept: &mut PerFacility) -> &mut HashMap<Uuid, Arc<PublicFacts>> {
    &mut kept.public_facts
}

fn hsds_services(kept: &mut PerFacility) -> &mut HashMap<Uuid, Arc<Service>> {
    &mut kept.hsds_services
}

fn hsds_summaries(kept: &mut PerFacility) -> &mut HashMap<Uuid, Arc<Service>> {
    &mut kept.hsds_summaries
}

fn signed_in_facilities(kept: &mut PerFacility) -> &mut HashMap<Uuid, Arc<KeptFacility>> {
    &mut kept.signed_in_facilities
}

impl FacilitySlot<KeptFacility> {
    /// Everything stored about a facility and its grants, for the signed-in facility page
    /// (never shown to anyone but the tenant's own users).
    pub const SIGNED_IN_FACILITY: Self = FacilitySlot(signed_in_facilities);
}

impl FacilitySlot<PublicFacts> {
    /// What the public kaart shows of a facility.
    pub const PUBLIC_FACTS: Self = FacilitySlot(public_facts);
}

impl FacilitySlot<Service> {
    /// A facility as `/api/hsds/{tenant}/services/{id}` shows it.
    pub const HSDS_SERVICE: Self = FacilitySlot(hsds_services);
    /// A facility as the HSDS service list shows it (with its organization).
    pub const HSDS_SUMMARY: Self = FacilitySlot(hsds_summaries);
}

impl TenantCache {
    fn new(generation: i64) -> Self {
        TenantCache {
            generation,
            projection: OnceLock::new(),
            hsds_vocabulary: OnceLock::new(),
            facility_page_lists: OnceLock::new(),
            facility_listing: tokio::sync::OnceCell::new(),
            per_facility: Mutex::new(PerFacility::default()),
            bytes: AtomicUsize::new(0),
        }
    }

    /// The generation everything here was built from (or a later one).
    pub fn generation(&self) -> i64 {
        self.generation
    }

    /// The HSDS taxonomies, when built.
    pub fn hsds_vocabulary(&self) -> Option<Arc<Vocabulary>> {
        self.hsds_vocabulary.get().cloned()
    }

    /// Keeps the HSDS taxonomies (the first kept wins when two requests built them).
    pub fn keep_hsds_vocabulary(&self, vocabulary: Vocabulary) -> Arc<Vocabulary> {
        self.hsds_vocabulary
            .get_or_init(|| Arc::new(vocabulary))
            .clone()
    }

    /// What a facility page calls codes, when built.
    pub fn facility_page_lists(&self) -> Option<Arc<FacilityPageLists>> {
        self.facility_page_lists.get().cloned()
    }

    /// Keeps what a facility page calls codes (the first kept wins).
    pub fn keep_facility_page_lists(&self, lists: FacilityPageLists) -> Arc<FacilityPageLists> {
        self.facility_page_lists
            .get_or_init(|| Arc::new(lists))
            .clone()
    }

    /// The facility list of signed-in users, read once (requests that ask while it is read
    /// wait for it); see [`crate::register::facilities::page_data::kept_listing`].
    pub fn facility_listing(&self) -> &tokio::sync::OnceCell<Arc<Listing>> {
        &self.facility_listing
    }

    /// What is kept in `slot` for facility `id`.
    pub fn facility<T>(&self, slot: FacilitySlot<T>, id: Uuid) -> Option<Arc<T>> {
        let mut kept = self.per_facility.lock().expect("per facility");
        (slot.0)(&mut kept).get(&id).cloned()
    }

    /// Keeps `value` in `slot` for facility `id`.
    pub fn keep_facility<T>(&self, slot: FacilitySlot<T>, id: Uuid, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut kept = self.per_facility.lock().expect("per facility");
        if kept.len() >= MAX_PER_FACILITY {
            self.bytes
                .fetch_sub(kept.len() * PER_FACILITY_BYTES, Ordering::Relaxed);
            *kept = PerFacility::default();
        }
        self.bytes.fetch_add(PER_FACILITY_BYTES, Ordering::Relaxed);
        (slot.0)(&mut kept).insert(id, value.clone());
        value
    }
}

impl RegisterCache {
    /// A cache that keeps about `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        RegisterCache {
            tenants: Mutex::default(),
            loading: Mutex::default(),
            clock: AtomicU64::new(0),
            loads: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            budget,
        }
    }

    /// Hits, loads, and what is kept now.
    pub fn stats(&self) -> CacheStats {
        let tenants = self.tenants.lock().expect("register cache");
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            loads: self.loads.load(Ordering::Relaxed),
            tenants: tenants.len(),
            bytes: tenants
                .values()
                .map(|h| h.cache.bytes.load(Ordering::Relaxed))
                .sum(),
        }
    }

    /// Counts `bytes` just kept in `tenant` (the cache of `tenant_id`), and drops the least
    /// recently used other tenants while the total is over budget.
    pub fn kept(&self, tenant_id: Uuid, tenant: &TenantCache, bytes: usize) {
        tenant.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.shrink(tenant_id);
    }

    /// Drops the least recently used tenants (never `keep`) while the total is over budget.
    fn shrink(&self, keep: Uuid) {
        let mut tenants = self.tenants.lock().expect("register cache");
        let mut total: usize = tenants
            .values()
            .map(|h| h.cache.bytes.load(Ordering::Relaxed))
            .sum();
        while total > self.budget {
            let Some((oldest, bytes)) = tenants
                .iter()
                .filter(|(k, _)| **k != keep)
                .min_by_key(|(_, h)| h.used.load(Ordering::Relaxed))
                .map(|(k, h)| (*k, h.cache.bytes.load(Ordering::Relaxed)))
            else {
                break;
            };
            tenants.remove(&oldest);
            total -= bytes;
        }
    }

    /// The tenant's cache at `generation` or later: the kept one, or an empty one in its place.
    pub fn tenant(&self, tenant_id: Uuid, generation: i64) -> Arc<TenantCache> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut tenants = self.tenants.lock().expect("register cache");
        if let Some(held) = tenants
            .get(&tenant_id)
            .filter(|h| h.cache.generation >= generation)
        {
            held.used.store(tick, Ordering::Relaxed);
            return held.cache.clone();
        }
        if tenants.len() >= MAX_TENANTS && !tenants.contains_key(&tenant_id) {
            if let Some(oldest) = tenants
                .iter()
                .min_by_key(|(_, h)| h.used.load(Ordering::Relaxed))
                .map(|(k, _)| *k)
            {
                tenants.remove(&oldest);
            }
        }
        let cache = Arc::new(TenantCache::new(generation));
        tenants.insert(
            tenant_id,
            Held {
                cache: cache.clone(),
                used: AtomicU64::new(tick),
            },
        );
        cache
    }

    /// How many search projections this process has loaded: one per tenant and generation
    /// however many requests asked at once, and never more than one for a single request.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// The tenant's cache and search projection at `generation` (read from
    /// `tenants.register_generation`) or later; the projection is loaded through `db` when the
    /// kept one is older, by one request at a time.
    pub async fn projection(
        &self,
        db: &Db,
        tenant_id: Uuid,
        generation: i64,
    ) -> AppResult<(Arc<TenantCache>, Arc<TenantIndex>)> {
        let cache = self.tenant(tenant_id, generation);
        if let Some(index) = cache.projection.get().cloned() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok((cache, index));
        }
        let lock = self
            .loading
            .lock()
            .expect("projection loads")
            .entry(tenant_id)
            .or_default()
            .clone();
        let _loading = lock.lock().await;
        let cache = self.tenant(tenant_id, generation);
        if let Some(index) = cache.projection.get().cloned() {
            // Loaded by the request this one waited for.
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok((cache, index));
        }
        let started = std::time::Instant::now();
        let mut tx = db.tenant_tx(tenant_id).await?;
        // What the transaction sees is at least `generation`; label it with what it is.
        let seen = register_generation(&mut tx).await?.max(generation);
        let index = Arc::new(crate::search::load::load(&mut tx, seen).await?);
        self.loads.fetch_add(1, Ordering::Relaxed);
        tx.commit().await?;
        let cache = self.tenant(tenant_id, seen);
        if cache.generation == seen && cache.projection.set(index.clone()).is_ok() {
            cache.bytes.fetch_add(index.bytes(), Ordering::Relaxed);
            self.shrink(tenant_id);
        }
        let stats = self.stats();
        tracing::info!(
            tenant = %tenant_id,
            generation = seen,
            facilities = index.entries.len(),
            ms = started.elapsed().as_millis() as u64,
            kb = index.bytes() / 1024,
            kept_tenants = stats.tenants,
            kept_mb = stats.bytes / (1024 * 1024),
            hits = stats.hits,
            loads = stats.loads,
            "projection loaded"
        );
        Ok((cache, index))
    }
}

/// The tenant's register generation as its transaction sees it (read it before what it labels).
pub async fn register_generation(tx: &mut TenantTx) -> AppResult<i64> {
    let tenant_id = tx.tenant_id();
    Ok(
        sqlx::query_scalar("select register_generation from tenants where tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_generation_replaces_what_was_kept_and_an_older_one_finds_it() {
        let cache = RegisterCache::default();
        let tenant = Uuid::new_v4();
        let at_3 = cache.tenant(tenant, 3);
        assert_eq!(at_3.generation(), 3);
        assert!(
            Arc::ptr_eq(&at_3, &cache.tenant(tenant, 2)),
            "older asks get the newer"
        );
        let at_4 = cache.tenant(tenant, 4);
        assert!(!Arc::ptr_eq(&at_3, &at_4));
        assert_eq!(at_4.generation(), 4);
    }

    #[test]
    fn at_most_max_tenants_the_least_recently_used_goes() {
        let cache = RegisterCache::default();
        let first = Uuid::new_v4();
        let kept = cache.tenant(first, 1);
        let others: Vec<Uuid> = (0..MAX_TENANTS).map(|_| Uuid::new_v4()).collect();
        cache.tenant(others[0], 1);
        cache.tenant(first, 1); // used again: no longer the least recently used
        for t in &others[1..] {
            cache.tenant(*t, 1);
        }
        let tenants = cache.tenants.lock().unwrap();
        assert_eq!(tenants.len(), MAX_TENANTS);
        assert!(!tenants.contains_key(&others[0]));
        assert!(Arc::ptr_eq(&kept, &tenants[&first].cache));
    }

    #[test]
    fn over_budget_the_least_recently_used_go_but_never_the_one_just_loaded() {
        let cache = RegisterCache::with_budget(10_000);
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for t in [a, b, c] {
            cache.tenant(t, 1).bytes.store(4_000, Ordering::Relaxed);
        }
        cache.tenant(a, 1); // a used again: b is now the least recently used
        cache.shrink(c);
        let stats = cache.stats();
        assert_eq!((stats.tenants, stats.bytes), (2, 8_000));
        let tenants = cache.tenants.lock().unwrap();
        assert!(tenants.contains_key(&a) && tenants.contains_key(&c) && !tenants.contains_key(&b));
        drop(tenants);
        // One tenant bigger than the budget alone is still kept.
        let big = RegisterCache::with_budget(1_000);
        big.tenant(a, 1).bytes.store(5_000, Ordering::Relaxed);
        big.shrink(a);
        assert_eq!(big.stats().tenants, 1);
    }

    fn service() -> Service {
        Service {
            id: Uuid::new_v4(),
            organization_id: Uuid::new_v4(),
            name: String::new(),
            description: String::new(),
            url: None,
            email: None,
            status: "active",
            application_process: String::new(),
            fees_description: String::new(),
            eligibility_description: None,
            last_modified: String::new(),
            organization: None,
            detail: None,
        }
    }

    #[test]
    fn per_facility_slots_are_typed_and_bounded_together() {
        let tenant = TenantCache::new(1);
        let id = Uuid::new_v4();
        assert!(tenant.facility(FacilitySlot::HSDS_SERVICE, id).is_none());
        tenant.keep_facility(FacilitySlot::HSDS_SUMMARY, id, service());
        assert!(tenant.facility(FacilitySlot::HSDS_SUMMARY, id).is_some());
        assert!(
            tenant.facility(FacilitySlot::HSDS_SERVICE, id).is_none(),
            "another slot"
        );
        for _ in 0..MAX_PER_FACILITY {
            tenant.keep_facility(FacilitySlot::HSDS_SERVICE, Uuid::new_v4(), service());
        }
        assert!(tenant.per_facility.lock().unwrap().len() <= MAX_PER_FACILITY);
        assert!(
            tenant.facility(FacilitySlot::HSDS_SUMMARY, id).is_none(),
            "dropped when full"
        );
    }
}
