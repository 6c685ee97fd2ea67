//! The `voorzieningen` command line: serve, migrate, and operator commands. This file is the
//! commands and their dispatch; the database flags are [`database`], `serve` is [`serve`],
//! creating a user and making pseudonyms are [`operator`], the Algemene termijnenwet's decrees
//! [`termijnenwet`].

mod database;
mod operator;
mod serve;
mod termijnenwet;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::db;
use crate::tenancy::tenants::{self, NewTenant};
use database::open_database;
pub use database::DatabaseArgs;
use operator::{create_user, pseudonymise};
pub use serve::{shutdown_signal, ServeArgs};
pub use termijnenwet::TermijnenwetCommand;

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
    /// The days declared equal to general holidays by decree (Algemene termijnenwet art. 3(3)).
    #[command(subcommand)]
    Termijnenwet(TermijnenwetCommand),
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
        Command::Serve(args) => serve::serve(cli.database, args).await,
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
        Command::Termijnenwet(command) => {
            with_database(&cli.database, |admin| async move {
                termijnenwet::run(&admin, command).await
            })
            .await
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
