//! `voorzieningen serve`: its flags, the settings they make, and running the web server until
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::database::{open_database, DatabaseArgs};
use crate::config::{ServeConfig, Settings, SmtpSettings};
use crate::db::{self, Db};
use crate::{demo, AppState};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo tenants, users and areas (once; later starts keep users' changes).
    #[arg(long, env = "VOORZIENINGEN_DEMO")]
    pub demo: bool,
    /// Served over HTTPS by a proxy: Secure cookies with the __Host- prefix, and HSTS.
    #[arg(long, env = "HTTPS")]
    pub https: bool,
    /// Public base URL for links in e-mails, e.g. https://register.example.nl.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
    #[arg(long, env = "TRUST_PROXY")]
    pub trust_proxy: bool,
    /// With --trust-proxy: the proxies (addresses or networks, comma-separated) whose
    /// X-Forwarded-For entries are believed; the client is the rightmost address that is not
    /// one of them. Default: loopback.
    #[arg(
        long,
        env = "TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = "127.0.0.0/8,::1"
    )]
    pub trusted_proxies: Vec<crate::config::cidr::Cidr>,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// Hours after login after which a session ends regardless.
    #[arg(long, env = "SESSION_ABSOLUTE_HOURS", default_value_t = 8)]
    pub session_absolute_hours: u64,
    /// Seconds after which an unanswered request is dropped with a 408 page.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u64,
    /// The same for a signed-in user's file upload.
    #[arg(long, env = "UPLOAD_TIMEOUT_SECONDS", default_value_t = 300)]
    pub upload_timeout_seconds: u64,
    /// Days that system audit events (failed and refused logins of no tenant) are kept; the
    /// tenants' own audit trail is kept regardless.
    #[arg(long, env = "SYSTEM_AUDIT_RETENTION_DAYS", default_value_t = 365)]
    pub system_audit_retention_days: u32,
    /// Megabytes of memory the register cache may keep (search projections of the published
    /// and signed-in tenants, and what is built from them); the least recently used go first.
    #[arg(long, env = "CACHE_MB", default_value_t = 256)]
    pub cache_mb: usize,
    /// SMTP relay host for e-mailing one-time links; unset: no e-mail.
    #[arg(long, env = "SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "SMTP_PORT", default_value_t = 25)]
    pub smtp_port: u16,
    #[arg(
        long,
        env = "SMTP_FROM",
        default_value = "noreply@voorzieningenregister.invalid"
    )]
    pub smtp_from: String,
    #[arg(long, env = "SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// STARTTLS to the relay: `opportunistic` (whenever the relay offers it) or `required`
    /// (no mail without it).
    #[arg(long, env = "SMTP_TLS", default_value = "opportunistic")]
    pub smtp_tls: crate::config::SmtpTls,
    /// A CA certificate (PEM file) to trust for the relay besides the system's.
    #[arg(long, env = "SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// The map's background tiles, `…/{z}/{x}/{y}.png` (default: PDOK's BRT-Achtergrondkaart);
    /// `uit` shows the markers on a plain background.
    #[arg(long, env = "MAP_TILES_URL", default_value = crate::config::map::PDOK_TILES)]
    pub map_tiles_url: String,
    /// Geocode addresses without coordinates when a facility is saved, with the PDOK
    /// Locatieserver (e.g. https://api.pdok.nl/bzk/locatieserver/search/v3_1/free); unset: never.
    #[arg(long, env = "GEOCODER_URL")]
    pub geocoder_url: Option<String>,
    /// Most documents one subsidy application (each version) or one verantwoording holds.
    #[arg(long, env = "MAX_DOCUMENTS", default_value_t = 20)]
    pub max_documents: u16,
    /// The double-funding check refuses an upload of fewer different pseudonyms than this
    /// (at least 5: below that even the counts a partner sees would say something).
    #[arg(long, env = "DOUBLE_FUNDING_MINIMUM", default_value_t = crate::config::DEFAULT_DOUBLE_FUNDING_MINIMUM)]
    pub double_funding_minimum: usize,
}

impl ServeArgs {
    /// The settings; fails when the SMTP CA file cannot be read or is no certificate.
    pub fn settings(&self) -> Result<Settings, String> {
        let smtp_ca = match &self.smtp_ca_file {
            Some(path) => Some(
                std::fs::read(path).map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let settings = Settings {
            https: self.https,
            public_url: self.public_url.clone().filter(|u| !u.is_empty()),
            trust_proxy: self.trust_proxy,
            trusted_proxies: self.trusted_proxies.clone(),
            session_idle: Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            session_absolute: Duration::from_secs(self.session_absolute_hours.max(1) * 3600),
            request_timeout: Duration::from_secs(self.request_timeout_seconds.max(1)),
            upload_timeout: Duration::from_secs(self.upload_timeout_seconds.max(1)),
            system_audit_retention_days: self.system_audit_retention_days.clamp(1, 36_500) as i32,
            cache_bytes: self.cache_mb.clamp(8, 65_536) * 1024 * 1024,
            map: crate::config::map::MapSettings::from_url(&self.map_tiles_url),
            geocoder_url: self.geocoder_url.clone().filter(|u| !u.trim().is_empty()),
            max_documents: i64::from(self.max_documents.clamp(1, 1000)),
            double_funding_minimum: self.double_funding_minimum.clamp(5, 100_000),
            smtp: self
                .smtp_host
                .clone()
                .filter(|h| !h.is_empty())
                .map(|host| SmtpSettings {
                    host,
                    port: self.smtp_port,
                    from: self.smtp_from.clone(),
                    username: self.smtp_username.clone(),
                    password: self.smtp_password.clone(),
                }),
            smtp_tls: crate::config::SmtpTlsSettings {
                mode: self.smtp_tls,
                ca_pem: smtp_ca,
            },
            ..Settings::default()
        };
        if let Some(smtp) = &settings.smtp {
            crate::mail::tls_parameters(smtp, &settings.smtp_tls)?;
        }
        Ok(settings)
    }
}

pub(super) async fn serve(database: DatabaseArgs, args: ServeArgs) -> Result<String, String> {
    let config = ServeConfig {
        listen: args.listen,
        database: database.source(),
        demo: args.demo,
        settings: args.settings()?,
    };
    tracing::info!(?config, "starting");
    // Held until the process ends (the kernel lets go of it when it dies, however it dies).
    let _data_dir = match &config.database {
        crate::config::DatabaseSource::Embedded { dir } => Some(hold_data_dir(dir)?),
        crate::config::DatabaseSource::External { .. } => None,
    };
    if config.settings.smtp.is_some() && config.settings.public_url.is_none() {
        tracing::warn!(
            "SMTP is set up but PUBLIC_URL is not: one-time links are shown to the beheerder, not \
             e-mailed (without PUBLIC_URL they would be built from the request's Host header)"
        );
    }
    let conns = open_database(&config.database, 16).await?;
    // A cluster this process started is started again when it dies.
    let supervisor = conns
        .embedded
        .as_ref()
        .and_then(db::supervise::Supervisor::start);
    if config.demo {
        demo::load_once(&conns.admin).await?;
    }
    conns.admin.close().await;
    let state = AppState::new(Db::new(conns.app.clone()), config.settings.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Voorzieningenregister luistert op http://{local}/");
    let served = crate::serve(listener, state, shutdown_signal()).await;
    conns.app.close().await;
    if let Some(supervisor) = supervisor {
        supervisor.stop();
    }
    if let Some(pg) = &conns.embedded {
        pg.stop();
    }
    served.map(|_| String::new()).map_err(|e| e.to_string())
}

/// Takes the data folder of the embedded cluster for this server alone: a second `serve` on
/// the same folder would share the cluster, which the first stops when it stops. A lock on a
/// file in the folder says whether another server has it; it goes with the process that held
/// it, also when that process crashed, so a start after a crash is not refused.
fn hold_data_dir(dir: &std::path::Path) -> Result<std::fs::File, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("serve.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "Er draait al een `voorzieningen serve` op de gegevensmap {dir}; twee servers kunnen \
             niet één ingebouwde PostgreSQL delen. Stop die eerst, of start deze met een andere \
             --data-dir (of met DATABASE_URL voor een gedeelde PostgreSQL-server).\n\
             Another `voorzieningen serve` is already running on the data folder {dir}; two \
             servers cannot share one embedded PostgreSQL. Stop it first, or start this one with \
             another --data-dir (or with DATABASE_URL for a shared PostgreSQL server).",
            dir = dir.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
