//! Start-up with 10,000 saved sessions: exec until the session manager's first frame, and
//! until it lists them all.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::WAIT;
use super::common::own_pty::OwnPty;

pub(crate) const SAVED_SESSIONS: usize = 10_000;
pub(crate) const STARTUP_COLS: u16 = 120;
pub(crate) const STARTUP_ROWS: u16 = 40;

/// Spawn to first frame and spawn to the whole list, per round.
pub(crate) struct Startup {
    pub first_frame: Vec<Duration>,
    pub listed: Vec<Duration>,
}

pub(crate) fn measure_startup(runs: usize) -> Result<Startup> {
    let config = tempfile::Builder::new()
        .prefix("tabsh-bench-sessions-")
        .tempdir()?;
    write_saved_sessions(config.path())?;
    let argv = vec![
        env!("CARGO_BIN_EXE_tabsh").to_owned(),
        "--config-dir".to_owned(),
        config.path().display().to_string(),
    ];
    let listed = format!("{SAVED_SESSIONS} sessions");
    let mut startup = Startup {
        first_frame: Vec::with_capacity(runs),
        listed: Vec::with_capacity(runs),
    };
    // One discarded round: the first ever read of the files comes from disk, later ones not.
    for round in 0..=runs {
        let spawned = Instant::now();
        let mut pty = OwnPty::spawn(&argv, STARTUP_COLS, STARTUP_ROWS)?;
        // The session manager's border and title: its first frame, listed or not yet.
        let first = pty
            .wait_screen(WAIT, |screen| screen.contents().contains("Sessions"))
            .context("the session manager did not show")?;
        let all = pty
            .wait_screen(WAIT, |screen| screen.contents().contains(&listed))
            .context("the session manager did not list the sessions")?;
        if round > 0 {
            startup.first_frame.push(first - spawned);
            startup.listed.push(all - spawned);
        }
    }
    Ok(startup)
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
