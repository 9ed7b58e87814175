//! The server side of a restart: which sshd processes serve the tab group's connection, ending
//! them, and the logins sshd logged.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};

use crate::common;
use crate::support::Sshd;
use crate::support::process::{descendants_named, is_alive};
use crate::support::wait_until;

/// How long the anchors' connections may take to end before a kill; they end in milliseconds.
const QUIET_TIMEOUT: Duration = Duration::from_secs(5);
const QUIET_STEP: Duration = Duration::from_millis(5);

/// "Restarts" the server for the one connection it serves: kills the processes sshd runs for
/// it (below the listener: the privileged monitor and the child holding the socket), not the
/// listener and not the shells. To the client that is what a restart looks like: its
/// connection ends under its sessions, and a new one is accepted as before. Returns the moment
/// just before the first kill, where the measurement starts.
pub fn kill_the_connection(sshd: &Sshd) -> Result<Instant> {
    wait_until_one_connection(sshd)?;
    let served: Vec<i32> = descendants_named(sshd.pid(), "sshd");
    ensure!(!served.is_empty(), "sshd serves no connection to kill");
    let killed_at = Instant::now();
    for pid in served {
        // SAFETY: kill(2) on processes the bench's own sshd forked; a pid that is already gone
        // is harmless (ESRCH).
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    Ok(killed_at)
}

/// The connections sshd serves now: one forked child of the listener each. Zombies are not
/// counted: they are connections that ended and wait to be reaped.
pub fn connections(sshd: &Sshd) -> usize {
    common::children_of(sshd.pid())
        .into_iter()
        .filter(|&pid| is_alive(pid as i32))
        .count()
}

/// Waits (bounded) until the tab group's connection is the only one, so that the kill hits it
/// and nothing else: the anchors' logins end just before.
fn wait_until_one_connection(sshd: &Sshd) -> Result<()> {
    let mut count = 0;
    let alone = wait_until(QUIET_TIMEOUT, QUIET_STEP, || {
        count = connections(sshd);
        count == 1
    });
    ensure!(
        alone,
        "sshd serves {count} connections after {QUIET_TIMEOUT:?}, not only the tab group's"
    );
    Ok(())
}

/// Public-key logins sshd accepted so far.
pub fn logins(sshd: &Sshd) -> usize {
    sshd.log().matches("Accepted publickey for").count()
}
