//! Sessions kept in memory between requests, so that a signed-in request checks its session
//! with one statement by primary key instead of the full check (`auth_check_session`).
//!
//! A kept session is trusted only while its tenant's `auth_generation` is the one read with it:
//! triggers move that counter whenever a session ends or a user or the tenant changes
//! (migration …038), and every signed-in request reads it, so a logout, deactivation, role or
//! password change made by any process takes effect at the next request in every process.
//! A kept session is checked in full again after [`SessionCache::reuse`] (which keeps the
//! database's idle clock going) and is never used past its absolute timeout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::auth::current_user::SessionUser;

/// At most this many sessions are kept; past it, those not checked recently are dropped.
const CAPACITY: usize = 20_000;

/// One kept session.
#[derive(Clone)]
pub struct Kept {
    pub user: Arc<SessionUser>,
    /// The tenant's `auth_generation` read with the session.
    pub auth_generation: i64,
    /// When the session was last checked in full.
    checked: Instant,
    /// When the session ends whatever happens (its absolute timeout).
    ends_at: OffsetDateTime,
}

/// The sessions this process keeps, by digest.
pub struct SessionCache {
    kept: Mutex<HashMap<Vec<u8>, Kept>>,
    reuse: Duration,
    full_checks: AtomicU64,
}

impl SessionCache {
    /// A cache for sessions that end after `idle` without a request: a kept session is checked
    /// in full again after a quarter of that, 30 seconds at most, so the database's
    /// `last_seen_at` is never more than that behind the session's last request.
    pub fn new(idle: Duration) -> Self {
        SessionCache {
            kept: Mutex::new(HashMap::new()),
            reuse: (idle / 4).min(Duration::from_secs(30)),
            full_checks: AtomicU64::new(0),
        }
    }

    /// How long a full check is trusted (with the generation checked at every request).
    pub fn reuse(&self) -> Duration {
        self.reuse
    }

    /// The session `hash` if kept, checked in full recently and before its absolute end.
    pub fn get(&self, hash: &[u8]) -> Option<Kept> {
        let kept = self.kept.lock().ok()?.get(hash).cloned()?;
        (kept.checked.elapsed() < self.reuse && OffsetDateTime::now_utc() < kept.ends_at)
            .then_some(kept)
    }

    /// Keeps a session just checked in full.
    pub fn keep(
        &self,
        hash: Vec<u8>,
        user: Arc<SessionUser>,
        auth_generation: i64,
        ends_at: OffsetDateTime,
    ) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if kept.len() >= CAPACITY && !kept.contains_key(&hash) {
            let reuse = self.reuse;
            kept.retain(|_, k| k.checked.elapsed() < reuse);
            if kept.len() >= CAPACITY {
                kept.clear();
            }
        }
        let now = Instant::now();
        kept.insert(
            hash,
            Kept {
                user,
                auth_generation,
                checked: now,
                ends_at,
            },
        );
    }

    /// Forgets session `hash` (ended, or not found by the full check).
    pub fn forget(&self, hash: &[u8]) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.remove(hash);
        }
    }

    /// Counts a full check.
    pub fn counted_full_check(&self) {
        self.full_checks.fetch_add(1, Ordering::Relaxed);
    }

    /// How many full checks this process made: the rest were answered from memory.
    pub fn full_checks(&self) -> u64 {
        self.full_checks.load(Ordering::Relaxed)
    }

    /// How many sessions are kept.
    pub fn len(&self) -> usize {
        self.kept.lock().map(|k| k.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user() -> Arc<SessionUser> {
        Arc::new(SessionUser {
            tenant_id: Uuid::nil(),
            tenant_slug: "almelo".into(),
            tenant_name: "Almelo".into(),
            tenant_kind: "gemeente".into(),
            user_id: Uuid::nil(),
            email: "a@b.nl".into(),
            display_name: "A".into(),
            roles: vec![],
            provider_id: None,
            csrf_token: "x".into(),
            session_hash: vec![1],
        })
    }

    #[test]
    fn kept_sessions_are_trusted_for_a_while_and_never_past_their_end() {
        let cache = SessionCache::new(Duration::from_secs(30 * 60));
        assert_eq!(cache.reuse(), Duration::from_secs(30));
        assert_eq!(
            SessionCache::new(Duration::from_secs(60)).reuse(),
            Duration::from_secs(15)
        );
        let later = OffsetDateTime::now_utc() + time::Duration::hours(1);
        cache.keep(vec![1], user(), 7, later);
        assert_eq!(cache.get(&[1]).map(|k| k.auth_generation), Some(7));
        assert!(cache.get(&[2]).is_none());
        cache.keep(
            vec![2],
            user(),
            7,
            OffsetDateTime::now_utc() - time::Duration::seconds(1),
        );
        assert!(cache.get(&[2]).is_none(), "past its absolute end");
        cache.forget(&[1]);
        assert!(cache.get(&[1]).is_none());

        let stale = SessionCache::new(Duration::ZERO);
        stale.keep(vec![1], user(), 7, later);
        assert!(stale.get(&[1]).is_none(), "checked in full too long ago");
    }
}
