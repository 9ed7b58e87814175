//! What the reconnect bench prints: the machine, how each case is timed, a table of the cases
//! and the ratios to the anchors.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::common;
use crate::common::stats::{Summary, print_ratio, print_ratio_header, print_summary_table};
use crate::{GroupSample, TABS};

/// The goal for the group reconnect against one fresh OpenSSH login.
const TARGET: f64 = 1.3;

#[derive(Default)]
pub struct Samples {
    /// Reconnects of a group that had been up 10 s or more: the first attempt at once.
    pub group_steady: Vec<Duration>,
    /// When the first tab of the group had its prompt, in the same reconnects.
    pub first_tab_steady: Vec<Duration>,
    /// Reconnects of a group up for less than 10 s: the first attempt after 1 s.
    pub group_young: Vec<Duration>,
    pub openssh_login: Vec<Duration>,
    pub openssh_login_same_kex: Vec<Duration>,
    /// After the machine idled as long as before a steady group's kill.
    pub openssh_login_after_idle: Vec<Duration>,
    pub tabsh_library_login: Vec<Duration>,
    /// The marker the last steady reconnect left in a tab, to show what a person sees.
    pub last_marker: Option<String>,
}

impl Samples {
    pub fn add_group(&mut self, steady: bool, sample: GroupSample) {
        if steady {
            self.group_steady.push(sample.elapsed);
            self.first_tab_steady.push(sample.first_prompt);
            self.last_marker = sample.marker.or(self.last_marker.take());
        } else {
            self.group_young.push(sample.elapsed);
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
    let steady = summary(&samples.group_steady)?;
    let first_tab = summary(&samples.first_tab_steady)?;
    let young = summary(&samples.group_young)?;
    let openssh = summary(&samples.openssh_login)?;
    let openssh_same_kex = summary(&samples.openssh_login_same_kex)?;
    let openssh_after_idle = summary(&samples.openssh_login_after_idle)?;
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
            "tabsh: 10 tabs back after a server restart, connection up >= 10 s (first attempt at once)",
            &steady,
        ),
        ("same reconnects: the first of the 10 tabs back", &first_tab),
        (
            "tabsh: 10 tabs back, connection up < 10 s (first attempt after 1 s)",
            &young,
        ),
        ("OpenSSH fresh login (`ssh -tt`)", &openssh),
        (
            "OpenSSH fresh login after 10.5 s of idle, like the steady group",
            &openssh_after_idle,
        ),
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
        ("(up >= 10 s)", &steady, &target[..]),
        ("(up < 10 s)", &young, &[][..]),
    ];
    for (anchor_name, anchor, with_goal) in [
        ("fresh OpenSSH login", &openssh, true),
        ("fresh OpenSSH login after idle", &openssh_after_idle, false),
        (
            "fresh OpenSSH login with tabsh's kex",
            &openssh_same_kex,
            false,
        ),
        ("tabsh library login", &floor, false),
    ] {
        for (name, group, goals) in groups {
            print_ratio(
                &format!("group reconnect {name} / {anchor_name}"),
                group,
                anchor,
                if with_goal { goals } else { &[] },
            );
        }
    }
    Ok(())
}
