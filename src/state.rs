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
    /// The lookup's in-memory projections of tenants' registers.
    pub lookup: Arc<crate::lookup::index::Cache>,
    /// Slugs of tenants, for the public routes.
    pub slugs: Arc<crate::tenancy::published::Slugs>,
    /// What a facility page calls the codes it shows, per tenant and register generation.
    pub facility_names:
        Arc<crate::tenancy::kept::PerGeneration<crate::register::facilities::view::Names>>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        let mailer = settings
            .smtp
            .as_ref()
            .map(|smtp| Mailer::new(smtp, &settings.smtp_tls));
        Self {
            db,
            settings: Arc::new(settings),
            mailer,
            lookup: Arc::default(),
            slugs: Arc::default(),
            facility_names: Arc::default(),
        }
    }
}
