//! The calendar in force while a request (or a job) runs. Each process keeps the calendar it
//! last read from the database and reads it again after [`REFRESH`], so a decree the operator
//! adds reaches every app server within that time without a restart. Each request runs with
//! the calendar as it was when it started ([`super::middleware::within`]); the term functions read it with
//! [`current`]. Outside any scope (unit tests) the calendar holds no decree: terms then count
//! weekends and the holidays of art. 3(1) and (2) only, and warn about the years they reach.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::Calendar;

/// How long a process keeps a calendar before it reads the decrees again.
pub const REFRESH: Duration = Duration::from_secs(5 * 60);

/// After a failed read, how long the process waits before it reads again.
const RETRY: Duration = Duration::from_secs(10);

tokio::task_local! {
    static CALENDAR: Arc<Calendar>;
}

/// The calendar of the request or job running now.
pub fn current() -> Arc<Calendar> {
    CALENDAR
        .try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::new(Calendar::default()))
}

/// Runs `future` with `calendar` in force.
pub async fn with<F: Future>(calendar: Arc<Calendar>, future: F) -> F::Output {
    CALENDAR.scope(calendar, future).await
}

/// What a process keeps: the calendar and when it was read.
#[derive(Default)]
pub struct Calendars {
    kept: RwLock<Option<(Instant, Arc<Calendar>)>>,
}

impl Calendars {
    /// The calendar, read again from the database when older than [`REFRESH`]. When the
    /// database cannot be read, the calendar kept (or none) serves, and that is logged.
    pub async fn get(&self, pool: &sqlx::PgPool) -> Arc<Calendar> {
        let kept = self.kept.read().ok().and_then(|k| k.clone());
        if let Some((at, calendar)) = &kept {
            if at.elapsed() < REFRESH {
                return Arc::clone(calendar);
            }
        }
        match super::store::load(pool).await {
            Ok(calendar) => {
                let calendar = Arc::new(calendar);
                if let Ok(mut k) = self.kept.write() {
                    *k = Some((Instant::now(), Arc::clone(&calendar)));
                }
                calendar
            }
            Err(e) => {
                tracing::warn!(error = %e, "the decrees of the Algemene termijnenwet could not be read");
                let calendar: Arc<Calendar> = kept.map(|(_, c)| c).unwrap_or_default();
                // Tried again after RETRY, not at every request while the database is away
                // (each try waits for the pool).
                if let Ok(mut k) = self.kept.write() {
                    let at = Instant::now()
                        .checked_sub(REFRESH - RETRY)
                        .unwrap_or_else(Instant::now);
                    *k = Some((at, Arc::clone(&calendar)));
                }
                calendar
            }
        }
    }

    /// Forgets the calendar kept, so the next request reads the decrees again.
    pub fn forget(&self) {
        if let Ok(mut k) = self.kept.write() {
            *k = None;
        }
    }
}
