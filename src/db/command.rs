//! Running an outside program (initdb, pg_ctl, useradd) to its end, with what it printed in
//! the error when it fails.

use std::process::{Command, Stdio};

/// Runs `cmd` (without input); `what` names it in the error.
pub(super) fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what} could not be started: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
