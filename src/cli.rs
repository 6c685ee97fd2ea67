//! The `voorzieningen` command line: serve, migrate, and operator commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::auth::password_links;
use crate::auth::roles::Role;
use crate::config::{DatabaseSource, ServeConfig, Settings, SmtpSettings};
use crate::db::{self, Db, TenantTx};
use crate::fields::Email;
use crate::tenancy::tenants::{self, NewTenant};
use crate::{demo, AppState};

#[derive(Parser, Debug)]
#[command(
    name = "voorzieningen",
    version,
    about = "Register van algemene voorzieningen"
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Log as JSON lines instead of text.
    #[arg(long, global = true, env = "LOG_JSON")]
    pub json_logs: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Folder for the embedded PostgreSQL cluster (used when DATABASE_URL is unset).
    #[arg(
        long,
        global = true,
        env = "VOORZIENINGEN_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL URL of the owner role (runs migrations). Unset: start an embedded cluster.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// PostgreSQL URL of the unprivileged login `voorzieningen_app` (with DATABASE_URL).
    #[arg(long, global = true, env = "APP_DATABASE_URL", hide_env_values = true)]
    pub app_database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn source(&self) -> DatabaseSource {
        match &self.database_url {
            Some(url) if !url.is_empty() => DatabaseSource::External {
                admin: url.clone(),
                app: self.app_database_url.clone().filter(|u| !u.is_empty()),
            },
            _ => DatabaseSource::Embedded {
                dir: self.data_dir.clone(),
            },
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Run the database migrations and exit.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Turn BSNs (one per line, on standard input) into pseudonyms for the double-funding
    /// check (on standard output), with the tenant's key. Needs no database; the BSNs stay here.
    Pseudonymise {
        /// File holding the key (64 hex characters) the municipality gave.
        #[arg(long)]
        key_file: PathBuf,
    },
    /// Write the whole database to a file (pg_dump custom format); safe while serving.
    Backup {
        /// The file to write, e.g. voorzieningen-2026-11-29.dump.
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the database by a backup; refuses a database that holds data without --force.
    /// Stop `serve` first.
    Restore {
        /// The backup file (from `voorzieningen backup`).
        #[arg(long)]
        from: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
}

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

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant: a gemeente (with its CBS code) or a regio.
    Create {
        /// Short name in URLs, e.g. `almelo`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. `Gemeente Almelo`.
        #[arg(long)]
        name: String,
        /// `gemeente` or `regio`.
        #[arg(long, default_value = "gemeente")]
        kind: String,
        /// CBS code of the gemeente, e.g. GM0141 (required for a gemeente).
        #[arg(long)]
        cbs_code: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user and print a one-time link (valid 72 hours) to choose a password.
    Create {
        /// Slug of the tenant the user belongs to.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Role; repeat for more: beheerder, beleidsmedewerker, beoordelaar, wijkteam, aanbieder.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Base URL to print the link with, e.g. https://register.example.nl.
        #[arg(long, env = "PUBLIC_URL")]
        public_url: Option<String>,
    },
}

/// Runs the parsed command; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Pseudonymise { key_file } => return pseudonymise(&key_file),
        Command::Serve(args) => serve(cli.database, args).await,
        Command::Migrate => {
            with_database(&cli.database, |_| async {
                Ok("migrations are up to date".into())
            })
            .await
        }
        Command::Backup { to } => db::backup::backup(&cli.database.source(), &to).await,
        Command::Restore { from, force } => {
            db::backup::restore(&cli.database.source(), &from, force).await
        }
        Command::Tenant(TenantCommand::Create {
            slug,
            name,
            kind,
            cbs_code,
        }) => {
            let tenant = NewTenant {
                slug,
                name,
                kind,
                cbs_code: cbs_code.map(|c| c.to_uppercase()),
            };
            with_database(&cli.database, |admin| async move {
                let mut tx = admin.begin().await.map_err(|e| e.to_string())?;
                let id = tenants::create(&mut tx, &tenant).await?;
                tx.commit().await.map_err(|e| e.to_string())?;
                Ok(format!("tenant '{}' created ({id})", tenant.slug))
            })
            .await
        }
        Command::User(UserCommand::Create {
            tenant,
            email,
            name,
            roles,
            public_url,
        }) => {
            with_database(&cli.database, |admin| async move {
                create_user(
                    &admin,
                    &tenant,
                    &email,
                    &name,
                    &roles,
                    public_url.as_deref(),
                )
                .await
            })
            .await
        }
    };
    match result {
        Ok(message) => {
            if !message.is_empty() {
                println!("{message}");
            }
            0
        }
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

/// Connects and migrates ([`db::open`]), then brings the national taxonomy up to date.
async fn open_database(
    source: &DatabaseSource,
    app_pool_size: u32,
) -> Result<db::Connections, String> {
    let conns = db::open(source, app_pool_size).await?;
    crate::register::taxonomy::sync_national(&conns.admin)
        .await
        .map_err(|e| format!("loading the national taxonomy failed: {e}"))?;
    Ok(conns)
}

async fn with_database<F, Fut>(args: &DatabaseArgs, f: F) -> Result<String, String>
where
    F: FnOnce(sqlx::PgPool) -> Fut,
    Fut: std::future::Future<Output = Result<String, String>>,
{
    let conns = open_database(&args.source(), 1).await?;
    let result = f(conns.admin.clone()).await;
    conns.admin.close().await;
    if let Some(pg) = &conns.embedded {
        pg.stop();
    }
    result
}

async fn create_user(
    admin: &sqlx::PgPool,
    tenant: &str,
    email: &str,
    name: &str,
    roles: &[String],
    public_url: Option<&str>,
) -> Result<String, String> {
    let tenant_id = tenants::id_by_slug(admin, tenant).await?;
    let email = Email::parse(email)?;
    let parsed = Role::parse_all(roles);
    if parsed.is_empty() || parsed.len() != roles.len() {
        return Err(
            "unknown role; use beheerder, beleidsmedewerker, beoordelaar, wijkteam or aanbieder"
                .into(),
        );
    }
    if parsed.contains(&Role::Aanbieder) {
        return Err(
            "aanbieder users belong to a provider: create them in the web interface".into(),
        );
    }
    let roles: Vec<&str> = parsed.iter().map(|r| r.as_str()).collect();
    let owner_tx = admin.begin().await.map_err(|e| e.to_string())?;
    let mut tx = TenantTx::adopt(owner_tx, tenant_id)
        .await
        .map_err(|e| e.to_string())?;
    let user_id: uuid::Uuid = sqlx::query_scalar(
        "insert into users (tenant_id, email, display_name, roles) values ($1, $2, $3, $4) returning user_id",
    )
    .bind(tenant_id)
    .bind(email.as_str())
    .bind(name.trim())
    .bind(&roles)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::error::violated_constraint(&e).as_deref() {
        Some("login_emails_pkey") | Some("users_tenant_id_email_key") => "this e-mail address is already in use".into(),
        _ => format!("user not created: {e}"),
    })?;
    let token = password_links::issue(&mut tx, user_id)
        .await
        .map_err(|e| e.to_string())?;
    let actor = crate::audit::Actor::system("voorzieningen user create");
    let event = crate::audit::Event::new("aangemaakt", "gebruiker", user_id)
        .after(serde_json::json!({"naam": name.trim(), "email": email.as_str(), "rollen": roles}));
    crate::audit::record(&mut tx, &actor, event)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    let path = password_links::path(&token);
    let link = match public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path,
    };
    Ok(format!(
        "user {} created; one-time link to choose a password (valid 72 hours):\n{link}",
        email.as_str()
    ))
}

async fn serve(database: DatabaseArgs, args: ServeArgs) -> Result<String, String> {
    let config = ServeConfig {
        listen: args.listen,
        database: database.source(),
        demo: args.demo,
        settings: args.settings()?,
    };
    tracing::info!(?config, "starting");
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

/// `voorzieningen pseudonymise --key-file FILE < bsns > pseudonyms`: the first output line names
/// the key's fingerprint (`sleutel;…`), then one pseudonym per BSN. Lines that fail the 11-proef
/// are reported with their numbers and nothing is written.
fn pseudonymise(key_file: &std::path::Path) -> i32 {
    use crate::subsidy::double_funding::pseudonym::{bsn, fingerprint, parse_key, pseudonym};
    use std::io::{BufRead, Write};
    let key = match std::fs::read_to_string(key_file)
        .ok()
        .and_then(|t| parse_key(&t))
    {
        Some(k) => k,
        None => {
            eprintln!(
                "{}: geen sleutel van 64 tekens (0-9, a-f) gevonden",
                key_file.display()
            );
            return 2;
        }
    };
    let mut bsns = Vec::new();
    let mut wrong = Vec::new();
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let Ok(line) = line else {
            eprintln!("regel {}: niet te lezen", n + 1);
            return 2;
        };
        let text = line.trim().trim_matches('"');
        // A header such as "bsn" on the first line is skipped.
        if text.is_empty() || (n == 0 && text.chars().all(|c| c.is_alphabetic() || c == '_')) {
            continue;
        }
        match bsn(text) {
            Some(b) => bsns.push(b),
            None => wrong.push(n + 1),
        }
    }
    if !wrong.is_empty() {
        let shown: Vec<String> = wrong.iter().take(20).map(|n| n.to_string()).collect();
        eprintln!(
            "geen geldig BSN (11-proef) op regel {}; er is niets geschreven",
            shown.join(", ")
        );
        return 1;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut text = format!("sleutel;{}\n", fingerprint(&key));
    for b in &bsns {
        text.push_str(&pseudonym(&key, b));
        text.push('\n');
    }
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    0
}
