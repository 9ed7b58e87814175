//! What the reconnect bench prints: the machine, how each case is timed, a table of the cases
//! and the ratios to the anchors.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::common;
use crate::common::stats::{
    Summary, milliseconds, print_ratio, print_ratio_header, print_summary_table,
};
use crate::{FIRST_RECONNECT_WAIT, GroupSample, TABS};

/// The goal for the group reconnect against one fresh OpenSSH login.
const TARGET: f64 = 1.3;

#[derive(Default)]
pub struct Samples {
    pub group_after_backoff: Vec<Duration>,
    /// When the first tab of the group had its prompt, in the same reconnects.
    pub first_tab_after_backoff: Vec<Duration>,
    pub group_retried_at_once: Vec<Duration>,
    pub openssh_login: Vec<Duration>,
    pub openssh_login_same_kex: Vec<Duration>,
    pub tabsh_library_login: Vec<Duration>,
    /// The marker the last reconnect as shipped left in a tab, to show what a person sees.
    pub last_marker: Option<String>,
}

impl Samples {
    pub fn add_group(&mut self, at_once: bool, sample: GroupSample) {
        if at_once {
            self.group_retried_at_once.push(sample.elapsed);
        } else {
            self.group_after_backoff.push(sample.elapsed);
            self.first_tab_after_backoff.push(sample.first_prompt);
            self.last_marker = sample.marker.or(self.last_marker.take());
        }
    }

    pub fn add_openssh(&mut self, same_kex: bool, elapsed: Duration) {
        if same_kex {
            self.openssh_login_same_kex.push(elapsed);
        } else {
            self.openssh_login.push(elapsed);
        }
    }
}

pub fn print(samples: &Samples, runs: usize) -> Result<()> {
    let summary = |samples: &[Duration]| Summary::of(samples).context("a case has no samples");
    let shipped = summary(&samples.group_after_backoff)?;
    let less_first_wait: Vec<Duration> = samples
        .group_after_backoff
        .iter()
        .map(|elapsed| elapsed.saturating_sub(FIRST_RECONNECT_WAIT))
        .collect();
    let less_first_wait = summary(&less_first_wait)?;
    let first_tab = summary(&samples.first_tab_after_backoff)?;
    let at_once = summary(&samples.group_retried_at_once)?;
    let openssh = summary(&samples.openssh_login)?;
    let openssh_same_kex = summary(&samples.openssh_login_same_kex)?;
    let floor = summary(&samples.tabsh_library_login)?;

    common::print_heading("reconnect");
    println!(
        "- {runs} measured rounds after 1 warm-up round; the cases are interleaved per round, \
         taking turns going first"
    );
    println!(
        "- group reconnect: the real binary on a pty owned by the bench, {TABS} tabs on one \
         connection; from SIGKILL of the sshd processes serving it (not the listener) until \
         the tab bar shows every tab open with the title its new shell's first prompt set \
         (and the status bar {TABS} sessions); each tab then checked for the marker and the \
         prompt, and sshd's log for exactly one more login"
    );
    println!(
        "- fresh logins: from spawning `ssh -tt` (pty of the same size) or calling tabsh's \
         `Connection::connect` until the shell prompt"
    );
    if let Some(marker) = &samples.last_marker {
        println!("- the marker in a tab: `{marker}`");
    }
    println!();
    print_summary_table(&[
        (
            "tabsh: 10 tabs back after a server restart (as shipped: first attempt after 1 s)",
            &shipped,
        ),
        (
            &format!(
                "same, less the fixed {:.0} ms first wait",
                milliseconds(FIRST_RECONNECT_WAIT)
            ),
            &less_first_wait,
        ),
        ("same reconnects: the first of the 10 tabs back", &first_tab),
        (
            "tabsh: 10 tabs back, `Ctrl-\\ r` pressed once they wait (no first wait)",
            &at_once,
        ),
        ("OpenSSH fresh login (`ssh -tt`)", &openssh),
        (
            "OpenSSH fresh login, tabsh's kex (`-o KexAlgorithms=curve25519-sha256`)",
            &openssh_same_kex,
        ),
        ("tabsh library fresh login (floor)", &floor),
    ]);
    println!();
    print_ratio_header();
    let target = [("target", TARGET)];
    let groups = [
        ("as shipped", &shipped),
        ("less the first wait", &less_first_wait),
        ("with `Ctrl-\\ r`", &at_once),
    ];
    for (anchor_name, anchor, goals) in [
        ("fresh OpenSSH login", &openssh, &target[..]),
        (
            "fresh OpenSSH login with tabsh's kex",
            &openssh_same_kex,
            &[],
        ),
        ("tabsh library login", &floor, &[]),
    ] {
        for (name, group) in groups {
            print_ratio(
                &format!("group reconnect {name} / {anchor_name}"),
                group,
                anchor,
                goals,
            );
        }
    }
    Ok(())
}
