//! The application state handlers share: cheap to clone.

use std::sync::Arc;

use crate::config::Settings;
use crate::db::Db;
use crate::mail::Mailer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub mailer: Option<Mailer>,
    /// What this process keeps of tenants' registers, by register generation: search
    /// projections, public facts, HSDS documents, facility-page lists ([`crate::cache`]).
    pub cache: Arc<crate::cache::RegisterCache>,
    /// Slugs of tenants, for the public routes.
    pub slugs: Arc<crate::tenancy::published::Slugs>,
    /// Sessions kept between requests ([`crate::auth::session_cache`]).
    pub sessions: Arc<crate::auth::session_cache::SessionCache>,
    /// Search texts analysed so far ([`crate::search::analysis`]).
    pub analyses: Arc<crate::search::analysis::Analyses>,
    /// The decrees of the Algemene termijnenwet as last read ([`crate::termijnenwet::scope`]).
    pub calendars: Arc<crate::termijnenwet::scope::Calendars>,
    /// The content security policy (it names the map's tile host).
    pub csp: axum::http::HeaderValue,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        let budget = settings.cache_bytes;
        let mailer = settings
            .smtp
            .as_ref()
            .map(|smtp| Mailer::new(smtp, &settings.smtp_tls));
        let csp = axum::http::HeaderValue::from_str(&settings.map.csp())
            .expect("the policy is ASCII without control characters");
        let sessions = crate::auth::session_cache::SessionCache::new(settings.session_idle);
        Self {
            sessions: Arc::new(sessions),
            analyses: Arc::default(),
            calendars: Arc::default(),
            db,
            csp,
            settings: Arc::new(settings),
            mailer,
            cache: Arc::new(crate::cache::RegisterCache::with_budget(budget)),
            slugs: Arc::default(),
        }
    }
}
