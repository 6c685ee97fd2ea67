//! Settings taken from command-line flags and the environment. The configuration is the
//! bottom layer: it names nothing else of the app; the values it is made of live in its own
//! modules ([`cidr`], [`map`]).

pub mod cidr;
pub mod map;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cidr::Cidr;
use map::MapSettings;

/// The register cache's memory budget (`cache_bytes`) when none is set.
pub const DEFAULT_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// Most documents one subsidy application (each version) or one verantwoording holds, by
/// default (`MAX_DOCUMENTS`).
pub const DEFAULT_MAX_DOCUMENTS: i64 = 20;

/// Runtime settings of the web server.
#[derive(Clone)]
pub struct Settings {
    /// Served over HTTPS (behind a TLS-terminating proxy): Secure cookies, `__Host-` prefix, HSTS.
    pub https: bool,
    /// Public base URL used in e-mailed links, e.g. `https://register.example.nl`.
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// The proxies whose `X-Forwarded-For` entries are believed (default: loopback).
    pub trusted_proxies: Vec<Cidr>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// A request not answered within this time gets a 408 page.
    pub request_timeout: Duration,
    /// The same for a signed-in user's upload (multipart).
    pub upload_timeout: Duration,
    /// Failed logins per account, and per client address, within `login_window`.
    pub login_max_failures: i64,
    pub login_window: Duration,
    /// How long system audit events (failed and refused logins of no tenant) are kept.
    pub system_audit_retention_days: i32,
    /// Memory the register cache may keep (search projections and what is built from them).
    pub cache_bytes: usize,
    pub smtp: Option<SmtpSettings>,
    pub smtp_tls: SmtpTlsSettings,
    /// The map's background tiles (and so the content security policy).
    pub map: MapSettings,
    /// The PDOK Locatieserver's `free` search (or one that answers like it); `None`: no
    /// geocoding, nothing needs the network.
    pub geocoder_url: Option<String>,
    /// Most documents one application (each version) or one verantwoording holds.
    pub max_documents: i64,
    /// The double-funding check refuses an upload of fewer different pseudonyms than this.
    pub double_funding_minimum: usize,
}

/// The smallest upload of the double-funding check when none is set.
pub const DEFAULT_DOUBLE_FUNDING_MINIMUM: usize = 10;

impl Default for Settings {
    fn default() -> Self {
        Self {
            https: false,
            public_url: None,
            trust_proxy: false,
            trusted_proxies: Cidr::loopback(),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(8 * 60 * 60),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            login_max_failures: 10,
            login_window: Duration::from_secs(15 * 60),
            system_audit_retention_days: 365,
            cache_bytes: DEFAULT_CACHE_BYTES,
            smtp: None,
            smtp_tls: SmtpTlsSettings::default(),
            map: MapSettings::default(),
            geocoder_url: None,
            max_documents: DEFAULT_MAX_DOCUMENTS,
            double_funding_minimum: DEFAULT_DOUBLE_FUNDING_MINIMUM,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("https", &self.https)
            .field("public_url", &self.public_url)
            .field("trust_proxy", &self.trust_proxy)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("session_idle", &self.session_idle)
            .field("session_absolute", &self.session_absolute)
            .field("request_timeout", &self.request_timeout)
            .field("upload_timeout", &self.upload_timeout)
            .field("login_max_failures", &self.login_max_failures)
            .field("login_window", &self.login_window)
            .field(
                "system_audit_retention_days",
                &self.system_audit_retention_days,
            )
            .field("cache_bytes", &self.cache_bytes)
            .field("smtp", &self.smtp)
            .field("smtp_tls", &self.smtp_tls.mode)
            .field("map", &self.map)
            .field("geocoder_url", &self.geocoder_url)
            .field("max_documents", &self.max_documents)
            .field("double_funding_minimum", &self.double_funding_minimum)
            .finish()
    }
}

/// Outgoing mail over SMTP to a relay (typically the organisation's own mail relay).
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// How the connection to the SMTP relay is encrypted (apart from [`SmtpSettings`], whose
/// fields every test spells out).
#[derive(Debug, Clone, Default)]
pub struct SmtpTlsSettings {
    /// STARTTLS: when the relay offers it, or always (then nothing is sent without it).
    pub mode: SmtpTls,
    /// A CA certificate (PEM) to trust for the relay besides the system's, e.g. an internal CA.
    pub ca_pem: Option<Vec<u8>>,
}

/// When the connection to the relay is encrypted (STARTTLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpTls {
    /// Whenever the relay offers STARTTLS; plain only when it does not.
    #[default]
    Opportunistic,
    /// Always: a relay without STARTTLS (or with a certificate that does not check out) gets
    /// no mail.
    Required,
}

impl std::str::FromStr for SmtpTls {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "opportunistic" | "" => Ok(Self::Opportunistic),
            "required" => Ok(Self::Required),
            other => Err(format!(
                "'{other}': use opportunistic (STARTTLS when offered) or required"
            )),
        }
    }
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Where the database comes from.
#[derive(Clone)]
pub enum DatabaseSource {
    /// Start a private PostgreSQL cluster under this folder.
    Embedded { dir: PathBuf },
    /// Use an existing server: `admin` runs migrations; `app` (if given) is the
    /// unprivileged application login.
    External { admin: String, app: Option<String> },
}

impl fmt::Debug for DatabaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Embedded { dir } => f.debug_struct("Embedded").field("dir", dir).finish(),
            Self::External { app, .. } => f
                .debug_struct("External")
                .field("admin", &"***")
                .field("app", &app.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub database: DatabaseSource,
    pub demo: bool,
    pub settings: Settings,
}
