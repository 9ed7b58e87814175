//! tabsh's anti-idle through the lab's stateful firewall (conntrack forgets idle flows after
//! `CONNTRACK_TIMEOUT_SECS`): NO-OP keeps sessions alive, keepalive-with-reply declares dead
//! ones dead within interval x (misses + 1) plus a second, and the UI stays responsive.

use std::time::{Duration, Instant};

use crate::netlab::{CONNTRACK_TIMEOUT_SECS, WAIT, idle_lab, lab_profile, tracked_flow};
use crate::support::netlab::NetLab;
use crate::support::{SshdOptions, Tmux, wait_until};

const PREFIX: &str = "C-\\";
/// Slack for reading the screen after the deadline (tmux capture, one frame).
const SCREEN_SLACK: Duration = Duration::from_millis(700);
/// Slack for timers firing late on a loaded machine (CI runs the suite on 2 busy cores): the
/// detection itself is still bounded, a session that is never declared dead still fails.
const TIMER_SLACK: Duration = Duration::from_secs(2);

fn anti_idle(noop: Option<u64>, keepalive: Option<(u64, u32)>) -> String {
    let (keepalive_on, interval, misses) = match keepalive {
        Some((interval, misses)) => (true, interval, misses),
        None => (false, 30, 3),
    };
    format!(
        "[anti_idle]\nenabled = true\n[anti_idle.noop]\nenabled = {}\ninterval_secs = {}\n\
         [anti_idle.keepalive]\nenabled = {keepalive_on}\ninterval_secs = {interval}\nmax_misses = {misses}\n\
         [anti_idle.tcp]\nenabled = false\n",
        noop.is_some(),
        noop.unwrap_or(60)
    )
}

/// Runs `echo before-2` in the tab once it is connected and returns when its answer shows.
fn answered_once(tmux: &Tmux) {
    tmux.wait_for("connected", WAIT);
    tmux.type_text("echo before-$((1+1))");
    tmux.press(&["Enter"]);
    tmux.wait_for("before-2", WAIT);
}

/// Whether the session answers a command. A flow the firewall forgot never answers, so the
/// long wait does not let a dead session pass.
fn answers_now(tmux: &Tmux) -> bool {
    tmux.type_text("echo after-$((1+1))");
    tmux.press(&["Enter"]);
    wait_until(WAIT, Duration::from_millis(100), || {
        tmux.screen().contains("after-2")
    })
}

/// Waits for the tab to say anti-idle declared the connection dead; returns how long that took.
fn declared_dead(tmux: &Tmux, since: Instant, bound: Duration) -> Duration {
    let mut screen = String::new();
    let seen = wait_until(
        bound + TIMER_SLACK + Duration::from_secs(5),
        Duration::from_millis(100),
        || {
            screen = tmux.screen();
            screen.contains("keepalive unanswered")
        },
    );
    let took = since.elapsed();
    assert!(seen, "never declared dead; screen:\n{screen}");
    assert!(
        took <= bound + TIMER_SLACK + SCREEN_SLACK,
        "declared dead after {took:?}; bound {bound:?}\n{screen}"
    );
    took
}

#[test]
fn a_noop_shorter_than_the_firewall_timeout_keeps_an_idle_session_alive() {
    let lab = idle_lab();
    let sshd = lab.start_sshd(SshdOptions::default());
    let config = lab_profile(&lab, &sshd, &anti_idle(Some(2), None));
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 110, 30);
    answered_once(&tmux);

    // Idle for three firewall timeouts.
    std::thread::sleep(Duration::from_secs(3 * u64::from(CONNTRACK_TIMEOUT_SECS)));
    assert!(
        tracked_flow(&lab, sshd.port()).is_some(),
        "{}",
        lab.conntrack_entries()
    );
    assert!(answers_now(&tmux), "{}", tmux.screen());
}

#[test]
fn keepalive_declares_a_session_the_firewall_forgot_dead_within_the_bound() {
    let lab = idle_lab();
    let sshd = lab.start_sshd(SshdOptions::default());
    // Longer than the firewall's memory, so the first keepalive already finds the flow gone.
    let (interval, misses) = (u64::from(CONNTRACK_TIMEOUT_SECS) + 1, 2);
    let config = lab_profile(&lab, &sshd, &anti_idle(None, Some((interval, misses))));
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 130, 30);
    answered_once(&tmux);
    let bound = Duration::from_secs(interval * u64::from(misses + 1) + 1);
    declared_dead(&tmux, Instant::now(), bound);
    let screen = tmux.screen();
    assert!(
        screen.contains("keepalive unanswered: 2 in a row"),
        "{screen}"
    );
}

fn fast_keepalive_lab() -> (
    NetLab,
    crate::support::Sshd,
    tempfile::TempDir,
    Tmux,
    Duration,
) {
    let lab = NetLab::start();
    let sshd = lab.start_sshd(SshdOptions::default());
    let (interval, misses) = (1, 2);
    let config = lab_profile(&lab, &sshd, &anti_idle(None, Some((interval, misses))));
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 130, 30);
    answered_once(&tmux);
    // A reply has come back: the round trip shows.
    tmux.wait_for(", rtt ", WAIT);
    (
        lab,
        sshd,
        config,
        tmux,
        Duration::from_secs(interval * u64::from(misses + 1) + 1),
    )
}

#[test]
fn keepalive_detects_a_frozen_server_and_the_ui_stays_responsive() {
    let (lab, sshd, _config, tmux, bound) = fast_keepalive_lab();
    let frozen = lab.freeze_server(&sshd);
    let since = Instant::now();
    // While waiting (before the connection is due to be declared dead), the UI answers keys.
    tmux.press(&[PREFIX, "?"]);
    tmux.wait_for("Keys", bound);
    tmux.press(&["Escape"]);
    declared_dead(&tmux, since, bound);
    frozen.thaw();
}

#[test]
fn keepalive_detects_a_blackholed_path() {
    let (lab, _sshd, _config, tmux, bound) = fast_keepalive_lab();
    lab.blackhole();
    declared_dead(&tmux, Instant::now(), bound);
    lab.restore();
}

#[test]
fn turning_anti_idle_on_in_a_live_tab_keeps_it_alive_without_reconnecting() {
    let lab = idle_lab();
    let sshd = lab.start_sshd(SshdOptions::default());
    // NO-OP is configured but the master switch is off.
    let profile = anti_idle(Some(2), None).replace(
        "enabled = true\n[anti_idle.noop]",
        "enabled = false\n[anti_idle.noop]",
    );
    let config = lab_profile(&lab, &sshd, &profile);
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 110, 30);
    answered_once(&tmux);
    tmux.wait_for("anti-idle off", WAIT);
    tmux.press(&[PREFIX, "a"]);
    tmux.wait_for("anti-idle on", WAIT);

    std::thread::sleep(Duration::from_secs(3 * u64::from(CONNTRACK_TIMEOUT_SECS)));
    assert!(answers_now(&tmux), "{}", tmux.screen());
    assert_eq!(
        sshd.log().matches("Accepted publickey").count(),
        1,
        "no reconnect"
    );
}
