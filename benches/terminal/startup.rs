//! Start-up: exec until the session manager's first frame with 1,000 saved sessions.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::WAIT;
use super::own_pty::OwnPty;

pub(crate) const SAVED_SESSIONS: usize = 1000;
pub(crate) const STARTUP_COLS: u16 = 120;
pub(crate) const STARTUP_ROWS: u16 = 40;

pub(crate) fn measure_startup(runs: usize) -> Result<Vec<Duration>> {
    let config = tempfile::Builder::new()
        .prefix("tabsh-bench-sessions-")
        .tempdir()?;
    write_saved_sessions(config.path())?;
    let argv = vec![
        env!("CARGO_BIN_EXE_tabsh").to_owned(),
        "--config-dir".to_owned(),
        config.path().display().to_string(),
    ];
    let wanted = format!("{SAVED_SESSIONS} sessions");
    let mut samples = Vec::with_capacity(runs);
    // One discarded round: the first ever read of 1,000 files comes from disk, later ones not.
    for round in 0..=runs {
        let spawned = Instant::now();
        let mut pty = OwnPty::spawn(&argv, STARTUP_COLS, STARTUP_ROWS)?;
        let shown = pty
            .wait_screen(WAIT, |screen| screen.contents().contains(&wanted))
            .context("the session manager did not show")?;
        if round > 0 {
            samples.push(shown - spawned);
        }
    }
    Ok(samples)
}

/// Profiles as people keep them: spread over folders, each with its own host and user.
fn write_saved_sessions(config: &Path) -> Result<()> {
    let sessions = config.join("sessions");
    std::fs::create_dir_all(&sessions)?;
    for index in 0..SAVED_SESSIONS {
        std::fs::write(
            sessions.join(format!("host-{index:04}.toml")),
            format!(
                "name = \"host {index:04}\"\nfolder = \"team-{}/env-{}\"\n\
                 host = \"10.{}.{}.{}\"\nuser = \"deploy\"\n",
                index % 20,
                index % 3,
                index / 65536,
                (index / 256) % 256,
                index % 256
            ),
        )?;
    }
    Ok(())
}
