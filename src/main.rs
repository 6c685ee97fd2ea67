//! `voorzieningen`: parses the command line and runs it.

use clap::Parser;
use tracing_subscriber::EnvFilter;
use voorzieningen::cli::{run, Cli};

/// mimalloc: a server allocates and frees many small strings per request; glibc's allocator
/// spent a tenth of the search page's time doing that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if cli.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    }
    std::process::exit(run(cli).await);
}
