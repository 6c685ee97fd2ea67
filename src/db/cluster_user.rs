//! The unprivileged user that runs the embedded cluster when this process is root (initdb and
//! postgres refuse to run as root), and whether that user can reach the data folder.

use std::path::Path;
use std::process::Command;

const CLUSTER_USER: &str = "voorzieningen-pg";

/// The unprivileged user that runs the cluster when this process is root.
#[derive(Debug, Clone)]
pub(super) struct ClusterUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

pub(super) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The unprivileged user that runs the cluster, creating one if needed.
pub(super) fn cluster_user() -> Result<ClusterUser, String> {
    let found = |name: &str| {
        user_ids(name).map(|(uid, gid)| ClusterUser {
            name: name.to_string(),
            uid,
            gid,
        })
    };
    for name in ["postgres", CLUSTER_USER] {
        if let Some(user) = found(name) {
            return Ok(user);
        }
    }
    super::command::run(
        {
            let mut c = Command::new("useradd");
            c.args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                CLUSTER_USER,
            ]);
            c
        },
        "useradd",
    )?;
    found(CLUSTER_USER).ok_or_else(|| format!("user {CLUSTER_USER} was not created"))
}

/// The cluster's user must be able to pass through every folder above the data folder (the
/// search bit), or initdb and postgres cannot even start there. Says which folder stops it and
/// what to do, instead of "initdb could not be started: Permission denied".
pub(super) fn check_reachable(dir: &Path, user: &ClusterUser) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    for folder in dir.ancestors().skip(1) {
        let Ok(meta) = std::fs::metadata(folder) else {
            continue;
        };
        let mode = meta.mode();
        let may_enter = if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !may_enter {
            return Err(format!(
                "the embedded PostgreSQL runs as the unprivileged user '{name}' (this process is \
                 root, and PostgreSQL refuses to run as root), but '{name}' may not enter the \
                 folder {folder} (mode {mode:o}, owner uid {owner}), which holds the data folder \
                 {dir}.\nFix: choose a --data-dir outside {folder}, e.g. /var/lib/voorzieningen, \
                 or let '{name}' through, e.g. `chmod o+x {folder}`.\n\
                 (De ingebouwde PostgreSQL draait als gebruiker '{name}', die de map {folder} niet \
                 in mag. Kies een --data-dir buiten die map, of geef '{name}' toegang.)",
                name = user.name,
                folder = folder.display(),
                mode = mode & 0o7777,
                owner = meta.uid(),
                dir = dir.display(),
            ));
        }
    }
    Ok(())
}

fn user_ids(name: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").arg(flag).arg(name).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}
