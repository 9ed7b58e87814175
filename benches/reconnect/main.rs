//! Reconnect after a server restart, compared with one fresh OpenSSH login.
//!
//! Run with `cargo bench --bench reconnect` (as root, like the integration tests: it uses their
//! private sshd and login user). `TABSH_BENCH_RUNS` sets the measured rounds (default 10).
//!
//! The real `tabsh` binary runs on a pty this bench owns, with 10 tabs on one connection (one
//! login, cloned 9 times). Each sample "restarts the server" for that connection: it kills the
//! sshd processes serving it (not the listener), and times from the kill until every one of
//! the 10 tabs has the prompt of its new shell, seen in the tab bar (`tab_group.rs` and
//! `shell_title.rs` say how). A walk over the tabs then checks, outside the time, that each
//! shows the reconnect marker with the prompt below it. In the same run, taking turns round
//! by round:
//!
//! - tabsh's group reconnect after the connection had been up 10 s or more (the bench waits
//!   for that before the kill): its first attempt is made at once, as after a real restart;
//! - the same with a connection up for less than 10 s: the first attempt waits 1 s, the guard
//!   against a server that takes every login and drops it;
//! - one fresh OpenSSH login, `ssh -tt` on a pty of the same size, from spawn until its prompt,
//!   once with OpenSSH's default key exchange, once after the machine idled as long as the
//!   steady group did before its kill, and once with the key exchange tabsh negotiates;
//! - the floor: one fresh login by tabsh's library (connect, authenticate, one pty + shell
//!   channel, its prompt).

// The test bed is shared with the integration tests rather than copied, so the benchmark runs
// against exactly the sshd setup the tests check.
#[path = "../../tests/integration/support/mod.rs"]
mod support;

#[path = "../common/mod.rs"]
mod common;

mod report;
mod server;
mod shell_title;
mod tab_group;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use common::own_pty::{OwnPty, cursor_row};
use common::ssh_target::{SshTarget, TABSH_KEX_OPTION};
use common::tabsh_login::{SETTLE_PAUSE, time_tabsh_fresh};
use report::Samples;
use support::{Sshd, test_user, user_keys};
use tab_group::{PTY_COLS, PTY_ROWS, TabGroup};

const DEFAULT_RUNS: usize = 10;
/// Keeps a mistyped `TABSH_BENCH_RUNS` from occupying the machine for long: a round takes
/// about 25 seconds (most of it idling: the group left up before the kill, and
/// the idle before one OpenSSH login).
const MAX_RUNS: usize = 100;
const TABS: usize = 10;
/// Bounds every wait for something on a screen; only a broken setup gets near it.
const WAIT: Duration = Duration::from_secs(30);
/// How long the group is left up before a kill for tabsh to try again at once:
/// `STEADY_UPTIME` in src/app/reconnect.rs (10 s), and a margin.
const STEADY_UPTIME: Duration = Duration::from_millis(10_500);
/// A kill this soon after the group came back finds it young: its first attempt waits 1 s.
const YOUNG_UPTIME: Duration = Duration::from_secs(8);

#[derive(Clone, Copy)]
enum Case {
    GroupSteady,
    GroupYoung,
    OpenSshLogin,
    OpenSshLoginAfterIdle,
    OpenSshLoginWithTabshKex,
    TabshLibraryLogin,
}

const CASES: [Case; 6] = [
    Case::GroupSteady,
    Case::GroupYoung,
    Case::OpenSshLogin,
    Case::OpenSshLoginAfterIdle,
    Case::OpenSshLoginWithTabshKex,
    Case::TabshLibraryLogin,
];

fn main() -> Result<()> {
    // `cargo test --all-targets` runs this binary without `--bench`; it must not measure then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("reconnect: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    // Holds the shells' start-up file; declared first, so removed after sshd is gone.
    let shell_files = tempfile::Builder::new()
        .prefix("tabsh-bench-shell-")
        .tempdir()
        .context("create a dir for the shells' start-up file")?;
    // Dropped after everything that talks to it, and its drop ends every process it forked,
    // even when a step below failed.
    let sshd = Sshd::start(shell_title::sshd_options(shell_files.path())?);
    let target = SshTarget {
        port: sshd.port(),
        user: test_user().name.to_owned(),
        key: user_keys().ed25519.private.clone(),
        known_hosts: sshd.write_known_hosts(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the tokio runtime")?;
    eprintln!("reconnect: {TABS} tabs, {runs} rounds after a warm-up round");
    let mut group = TabGroup::open(&target, TABS, WAIT)?;
    let mut group_up_since = Instant::now();
    ensure!(
        server::logins(&sshd) == 1,
        "the {TABS} tabs took {} logins",
        server::logins(&sshd)
    );
    let mut samples = Samples::default();
    // Round 0 warms up (sshd's session code, the page cache, lazy set-up in the clients) and is
    // thrown away. The cases take turns going first, so a slow spell of the machine does not
    // always hit the same one.
    for round in 0..=runs {
        for offset in 0..CASES.len() {
            let case = CASES[(round + offset) % CASES.len()];
            let keep = round > 0;
            match case {
                Case::GroupSteady | Case::GroupYoung => {
                    let steady = matches!(case, Case::GroupSteady);
                    let sample = time_group_reconnect(&mut group, &sshd, group_up_since, steady)
                        .with_context(|| format!("round {round}: group reconnect"))?;
                    group_up_since = sample.back_at;
                    if keep {
                        samples.add_group(steady, sample);
                    }
                }
                Case::OpenSshLogin | Case::OpenSshLoginWithTabshKex => {
                    let same_kex = matches!(case, Case::OpenSshLoginWithTabshKex);
                    let options: &[&str] = if same_kex { &TABSH_KEX_OPTION } else { &[] };
                    let elapsed = time_openssh_login(&target, options)
                        .with_context(|| format!("round {round}: OpenSSH login"))?;
                    if keep {
                        samples.add_openssh(same_kex, elapsed);
                    }
                }
                Case::OpenSshLoginAfterIdle => {
                    // The steady group reconnect meets a machine that idled for 10 s; this
                    // anchor meets the same.
                    std::thread::sleep(STEADY_UPTIME);
                    let elapsed = time_openssh_login(&target, &[])
                        .with_context(|| format!("round {round}: OpenSSH login after idle"))?;
                    if keep {
                        samples.openssh_login_after_idle.push(elapsed);
                    }
                }
                Case::TabshLibraryLogin => {
                    let elapsed = runtime
                        .block_on(time_tabsh_fresh(&target))
                        .with_context(|| format!("round {round}: tabsh library login"))?;
                    if keep {
                        samples.tabsh_library_login.push(elapsed);
                    }
                }
            }
        }
    }
    drop(group);
    drop(runtime);
    drop(sshd);
    report::print(&samples, runs)
}

/// One reconnect of the whole group, as measured.
struct GroupSample {
    /// From the kill until the first tab had its new shell's prompt.
    first_prompt: Duration,
    /// From the kill until every tab had its new shell's prompt.
    elapsed: Duration,
    /// When every tab was back.
    back_at: Instant,
    marker: Option<String>,
}

/// Kills the group's connection and times until every tab has its new shell's prompt; with
/// `steady`, first leaves the connection (up since `up_since`) up long enough that tabsh tries
/// again at once, else kills it while it is young. Checks afterwards, outside the time, that it
/// took exactly one login and that every tab shows the marker with the prompt below it.
fn time_group_reconnect(
    group: &mut TabGroup,
    sshd: &Sshd,
    up_since: Instant,
    steady: bool,
) -> Result<GroupSample> {
    if !steady && up_since.elapsed() >= YOUNG_UPTIME {
        // A case that idles ran since the group last came back; one untimed reconnect first
        // makes it young again. The uptime passed is a stand-in: that reconnect is not timed.
        let untimed = time_group_reconnect(group, sshd, Instant::now(), false)?;
        return time_group_reconnect(group, sshd, untimed.back_at, false);
    }
    group.label_tabs(WAIT)?;
    if steady {
        std::thread::sleep((up_since + STEADY_UPTIME).saturating_duration_since(Instant::now()));
    } else {
        ensure!(
            up_since.elapsed() < YOUNG_UPTIME,
            "the group has been up {:?}, too long to be young",
            up_since.elapsed()
        );
    }
    let titles_before = group.titles();
    let logins_before = server::logins(sshd);
    let killed_at = server::kill_the_connection(sshd)?;
    let first_prompted = group.wait_until_first_prompted(&titles_before, WAIT)?;
    let all_prompted = group.wait_until_all_prompted(&titles_before, WAIT)?;

    group.check_all_back(WAIT)?;
    let logins = server::logins(sshd).saturating_sub(logins_before);
    ensure!(
        logins == 1,
        "the group came back with {logins} logins instead of one"
    );
    Ok(GroupSample {
        first_prompt: first_prompted - killed_at,
        elapsed: all_prompted - killed_at,
        back_at: all_prompted,
        marker: group.last_marker(),
    })
}

/// `ssh -tt` with `options` from spawn until its prompt is on the cursor's line, on a pty the
/// size of tabsh's; the pty's drop kills it.
fn time_openssh_login(target: &SshTarget, options: &[&str]) -> Result<Duration> {
    // The case before may have just ended a connection; its teardown is not this login's.
    std::thread::sleep(SETTLE_PAUSE);
    let argv = target.ssh_tt_argv(options);
    let started = Instant::now();
    let mut ssh = OwnPty::spawn(&argv, PTY_COLS, PTY_ROWS)?;
    let shown = ssh
        .wait_screen(WAIT, |screen| cursor_row(screen).trim_end() == "$")
        .context("ssh -tt showed no prompt")?;
    Ok(shown - started)
}
