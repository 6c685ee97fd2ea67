//! The embedded cluster looks after itself: when this process started it and it dies (a crash,
//! `pg_ctl stop -m immediate`, the postmaster killed), it is started again, with backoff while
//! starting fails, and every step logged. Requests meanwhile get 503 pages; the application's
//! pool reconnects by itself once the cluster is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::EmbeddedPostgres;

/// How often the postmaster is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(250);
/// The longest wait between two failed starts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Looks after a cluster until [`Supervisor::stop`].
pub struct Supervisor {
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Supervisor {
    /// Starts looking after `pg`; nothing to do for a cluster someone else started.
    pub fn start(pg: &EmbeddedPostgres) -> Option<Self> {
        if !pg.started_here() {
            return None;
        }
        let pg = pg.clone();
        let stopping = Arc::new(AtomicBool::new(false));
        let flag = stopping.clone();
        let thread = std::thread::Builder::new()
            .name("postgres-supervisor".into())
            .spawn(move || watch(&pg, &flag))
            .map_err(|e| tracing::warn!(error = %e, "could not start the PostgreSQL supervisor"))
            .ok()?;
        Some(Self {
            stopping,
            thread: Some(thread),
        })
    }

    /// Stops looking after the cluster (before the server stops it on purpose).
    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(pg: &EmbeddedPostgres, stopping: &AtomicBool) {
    let mut failures: u32 = 0;
    let mut next_try = Instant::now();
    let mut down_since: Option<Instant> = None;
    while !stopping.load(Ordering::SeqCst) {
        std::thread::sleep(LOOK_EVERY);
        if stopping.load(Ordering::SeqCst) || pg.is_alive() {
            continue;
        }
        let since = *down_since.get_or_insert_with(|| {
            tracing::error!(folder = %pg.dir().display(), "the embedded PostgreSQL stopped; starting it again");
            Instant::now()
        });
        if Instant::now() < next_try {
            continue;
        }
        match pg.relaunch() {
            Ok(()) => {
                tracing::warn!(
                    down_seconds = since.elapsed().as_secs_f64(),
                    attempts = failures + 1,
                    "the embedded PostgreSQL runs again"
                );
                failures = 0;
                down_since = None;
            }
            Err(err) => {
                failures += 1;
                // ½, 1, 2, 4 … seconds, at most MAX_BACKOFF: the first retries are quick (after a
                // crash the old backends take a moment to go), while a cluster that cannot start
                // (a full disk, a broken data folder) is not hammered, and the log says why.
                let backoff = Duration::from_millis(250 << failures.min(8)).min(MAX_BACKOFF);
                tracing::error!(
                    error = %err,
                    attempt = failures,
                    retry_in_seconds = backoff.as_secs_f64(),
                    "the embedded PostgreSQL could not be started again"
                );
                next_try = Instant::now() + backoff;
            }
        }
    }
}
