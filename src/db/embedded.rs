//! A private PostgreSQL cluster under `<dir>`, reachable only through a Unix socket in that
//! folder. `initdb` and `postgres` refuse to run as root, so when this process is root the
//! cluster is created and run as an unprivileged system user (`postgres` when the Debian
//! package made one, else `voorzieningen-pg`, created on demand).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sqlx::postgres::PgConnectOptions;

use super::cluster_user::{check_reachable, cluster_user, is_root, ClusterUser};
use super::command::run;

/// Socket paths are limited to 107 bytes; `.s.PGSQL.5432` takes 14 of them.
const MAX_SOCKET_DIR_LEN: usize = 90;

#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    dir: PathBuf,
    bin: PathBuf,
    run_as: Option<ClusterUser>,
    started_here: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync on: the product's own data.
    Safe,
    /// fsync off: throwaway test clusters.
    Fast,
}

impl EmbeddedPostgres {
    /// Creates the cluster if needed and starts it unless it already runs.
    pub fn start(dir: &Path, durability: Durability) -> Result<Self, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("kan map {} niet maken: {e}", dir.display()))?;
        let dir = dir
            .canonicalize()
            .map_err(|e| format!("kan map {} niet openen: {e}", dir.display()))?;
        if dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
            return Err(format!(
                "the data folder path {} is too long for a PostgreSQL socket (max {MAX_SOCKET_DIR_LEN} bytes); choose a shorter --data-dir",
                dir.display()
            ));
        }
        let bin = find_bin_dir()?;
        let run_as = if is_root() {
            Some(cluster_user()?)
        } else {
            None
        };
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("chmod {}: {e}", dir.display()))?;
        if let Some(user) = &run_as {
            std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid))
                .map_err(|e| format!("chown {}: {e}", dir.display()))?;
            check_reachable(&dir, user)?;
        }
        let mut pg = Self {
            dir,
            bin,
            run_as,
            started_here: false,
        };
        if !pg.pgdata().join("PG_VERSION").exists() {
            pg.init(durability)?;
        }
        if !pg.is_running() {
            pg.launch()?;
            pg.started_here = true;
            pg.spawn_watchdog();
        }
        Ok(pg)
    }

    /// Connection options for `user` on `database` over the cluster's socket.
    pub fn connect_options(&self, user: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.dir)
            .username(user)
            .database(database)
    }

    /// The cluster's superuser, used for migrations and operator commands.
    pub fn superuser(&self) -> &'static str {
        "postgres"
    }

    /// Whether this process started the cluster (and so looks after it and stops it).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// The folder of the cluster's socket (and its data under `data/`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder of the PostgreSQL programs the cluster runs with (pg_dump, pg_restore too).
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// Whether the postmaster of the pid file is alive: a cheap look at /proc, no process.
    pub fn is_alive(&self) -> bool {
        let Some(pid) = std::fs::read_to_string(self.pgdata().join("postmaster.pid"))
            .ok()
            .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
        else {
            return false;
        };
        // A zombie (state Z) or a dead process (X) is gone for our purpose.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                stat.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().chars().next())
            })
            .flatten()
            .is_some_and(|state| state != 'Z' && state != 'X')
    }

    /// Starts the cluster again after it died, and a new watchdog for the new postmaster.
    pub fn relaunch(&self) -> Result<(), String> {
        self.launch()?;
        self.spawn_watchdog();
        Ok(())
    }

    /// Stops the cluster if this process started it.
    pub fn stop(&self) {
        if self.started_here {
            let _ = self
                .pg_ctl(&["stop", "-m", "fast", "-w"])
                .stdout(Stdio::null())
                .status();
            self.wait_until_stopped();
        }
    }

    /// Waits (up to a minute) until the postmaster has removed its pid file.
    fn wait_until_stopped(&self) {
        let pid_file = self.pgdata().join("postmaster.pid");
        for _ in 0..600 {
            if !pid_file.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        tracing::warn!("PostgreSQL did not stop within a minute");
    }

    /// Stops the cluster now, whoever started it (tests of database outages use this).
    pub fn force_stop(&self) -> Result<(), String> {
        run(self.pg_ctl(&["stop", "-m", "fast", "-w"]), "pg_ctl stop")?;
        self.wait_until_stopped();
        Ok(())
    }

    /// Starts the cluster again after [`force_stop`](Self::force_stop).
    pub fn restart(&self) -> Result<(), String> {
        self.launch()
    }

    fn pgdata(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn init(&self, durability: Durability) -> Result<(), String> {
        let pgdata = self.pgdata();
        let mut cmd = self.command("initdb");
        cmd.arg("-D").arg(&pgdata).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]);
        if durability == Durability::Fast {
            cmd.arg("--no-sync");
        }
        run(cmd, "initdb")?;
        let mut conf = format!(
            "\n# voorzieningen: private cluster, Unix socket only\nlisten_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = 300\nshared_buffers = 128MB\n",
            self.dir.display()
        );
        if durability == Durability::Fast {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = pgdata.join("postgresql.conf");
        let mut existing =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        existing.push_str(&conf);
        std::fs::write(&path, existing).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(())
    }

    fn launch(&self) -> Result<(), String> {
        let log = self.dir.join("postgres.log");
        let mut cmd = self.pg_ctl(&["start", "-w", "-t", "60", "-l"]);
        cmd.arg(&log);
        // After a crash PostgreSQL first syncs the whole data folder, by default file by file
        // (seconds, on a busy disk); syncfs does it at once, so a restart is back sooner.
        cmd.args(["-o", "-c recovery_init_sync_method=syncfs"]);
        run(cmd, "pg_ctl start").map_err(|e| format!("{e}\nsee {}", log.display()))
    }

    fn is_running(&self) -> bool {
        self.pg_ctl(&["status"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Stops the cluster once this process is gone, even if it crashed; it checks that the
    /// postmaster is still the one started here so that a later start is left alone.
    fn spawn_watchdog(&self) {
        let pid_file = self.pgdata().join("postmaster.pid");
        let postmaster = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.lines().next().map(str::to_owned))
            .unwrap_or_default();
        let script = format!(
            "while [ -d /proc/{me} ]; do sleep 1; done; \
             if [ \"$(head -n 1 '{pid_file}' 2>/dev/null)\" = '{postmaster}' ]; then \
             exec '{pg_ctl}' stop -D '{pgdata}' -m fast; fi",
            me = std::process::id(),
            pid_file = pid_file.display(),
            pg_ctl = self.bin.join("pg_ctl").display(),
            pgdata = self.pgdata().display(),
        );
        let mut cmd = self.command_raw("sh");
        cmd.arg("-c").arg(script).process_group(0);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Err(e) = cmd.spawn() {
            tracing::warn!(error = %e, "could not start the PostgreSQL watchdog");
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut cmd = self.command("pg_ctl");
        cmd.arg("-D").arg(self.pgdata());
        cmd.args(args);
        cmd
    }

    fn command(&self, program: &str) -> Command {
        self.command_raw(self.bin.join(program))
    }

    fn command_raw(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.dir);
        cmd.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        if let Some(user) = &self.run_as {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd
    }
}

/// The folder holding `initdb`, `pg_ctl` and `postgres`: from PATH, else the newest
/// `/usr/lib/postgresql/*/bin`.
pub(crate) fn find_bin_dir() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("initdb");
            if candidate.is_file() {
                if let Ok(real) = candidate.canonicalize() {
                    if let Some(parent) = real.parent() {
                        if parent.join("pg_ctl").is_file() && parent.join("postgres").is_file() {
                            return Ok(parent.to_path_buf());
                        }
                    }
                }
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH or under \
         /usr/lib/postgresql/*/bin. Install them, e.g. `apt-get install postgresql postgresql-contrib`, \
         or set DATABASE_URL to use an existing server."
            .to_string()
    })
}
