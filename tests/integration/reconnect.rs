//! Reconnect against a real sshd, as a person sees it in tmux: a group of tabs on one
//! connection comes back on one new connection (one more login in sshd's log), keeps its
//! scrollback and says so; a password is asked once for the group; a shell that exits stays
//! ended; a blackholed path comes back once restored.

use std::time::Duration;

use crate::netlab::lab_profile;
use crate::support::netlab::NetLab;
use crate::support::process::descendants_named;
use crate::support::tui::{key_auth, sshd_profile, tabsh_in_tmux};
use crate::support::{Sshd, SshdOptions, TEST_USER_PASSWORD, Tmux, wait_until};

const WAIT: Duration = Duration::from_secs(30);
const PREFIX: &str = "C-\\";

/// Runs `command` in the active tab and waits for `answer`.
fn run(tmux: &Tmux, command: &str, answer: &str) {
    tmux.type_text(command);
    tmux.press(&["Enter"]);
    tmux.wait_for(answer, WAIT);
}

/// Clones the active tab twice: three tabs on one connection.
fn clone_twice(tmux: &Tmux) {
    for sessions in [2, 3] {
        tmux.press(&[PREFIX, "c"]);
        tmux.wait_for(&format!("{sessions} sessions"), WAIT);
        // The count includes a clone as soon as it is asked for; its shell answering shows
        // its channel open, so a kill that follows finds every tab open.
        run(
            tmux,
            &format!("echo clone-$((100+{sessions}))"),
            &format!("clone-{}", 100 + sessions),
        );
    }
}

/// Kills the sshd processes that serve the connection (below the listener: the privileged
/// monitor and the child holding the socket), not the shells: to tabsh the connection ends
/// under its sessions, as when sshd is restarted.
fn kill_the_connection(sshd: &Sshd) {
    let served = descendants_named(sshd.pid(), "sshd");
    assert!(!served.is_empty(), "sshd serves the connection in a child");
    for pid in served {
        // SAFETY: kill(2) on processes this test's own sshd forked.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

fn logins(sshd: &Sshd, method: &str) -> usize {
    sshd.log()
        .matches(&format!("Accepted {method} for"))
        .count()
}

#[test]
fn three_tabs_come_back_on_one_new_connection_with_their_scrollback() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(&sshd, &key_auth());
    let tmux = tabsh_in_tmux(config.path(), "open real", 120, 40);
    tmux.wait_for("1 session", WAIT);
    run(&tmux, "echo first-tab-$((20+1))", "first-tab-21");
    clone_twice(&tmux);
    run(&tmux, "echo third-tab-$((30+3))", "third-tab-33");
    assert_eq!(logins(&sshd, "publickey"), 1);

    kill_the_connection(&sshd);
    // The loss says why and that it is coming back; then every tab is back.
    tmux.wait_for("reconnect", WAIT);
    let screen = tmux.wait_for("-- reconnected after", WAIT);
    assert!(screen.contains("third-tab-33"), "scrollback kept: {screen}");
    tmux.wait_for("3 sessions", WAIT);
    assert_eq!(
        logins(&sshd, "publickey"),
        2,
        "exactly one more login for the three tabs:\n{}",
        sshd.log()
    );
    run(&tmux, "echo back-$((2+2))", "back-4");

    // The first tab too: its own scrollback, the marker, a live shell.
    tmux.press(&[PREFIX, "1"]);
    let screen = tmux.wait_for("first-tab-21", WAIT);
    assert!(screen.contains("-- reconnected after"), "{screen}");
    run(&tmux, "echo first-back-$((5+5))", "first-back-10");

    // The inspector counts the reconnect and names its cause.
    tmux.press(&[PREFIX, "i"]);
    let screen = tmux.wait_for("reconnects", WAIT);
    assert!(screen.contains("reconnects      1:"), "{screen}");
    assert!(screen.contains("key exchange"), "{screen}");
    // The new connection's algorithms: russh asks for ChaCha20-Poly1305 first and sshd has
    // it. It authenticates by itself, so no MAC is named.
    assert!(
        screen.contains("cipher          chacha20-poly1305@openssh.com"),
        "{screen}"
    );
    let mac_line = format!("MAC             {}", tabsh::ui::words::IMPLICIT_MAC);
    assert!(screen.contains(&mac_line), "no `{mac_line}`:\n{screen}");
}

#[test]
fn a_password_is_asked_once_for_the_whole_group() {
    let sshd = Sshd::start(SshdOptions {
        kbd_interactive: false,
        ..SshdOptions::default()
    });
    let config = sshd_profile(&sshd, "auth = [\"password\"]\n");
    let tmux = tabsh_in_tmux(config.path(), "open real", 120, 40);
    tmux.wait_for("Password for", WAIT);
    tmux.wait_for("Enter: answer", WAIT);
    tmux.type_text(TEST_USER_PASSWORD);
    tmux.press(&["Enter"]);
    tmux.wait_for("1 session", WAIT);
    clone_twice(&tmux);

    kill_the_connection(&sshd);
    tmux.wait_for("Password for", WAIT);
    tmux.wait_for("Enter: answer", WAIT);
    tmux.type_text(TEST_USER_PASSWORD);
    tmux.press(&["Enter"]);
    tmux.wait_for("3 sessions", WAIT);
    // No tab asks again: every one of them is back, on that one login.
    for tab in ["1", "2", "3"] {
        tmux.press(&[PREFIX, tab]);
        let screen = tmux.wait_for("-- reconnected after", WAIT);
        assert!(!screen.contains("Password for"), "asked again: {screen}");
    }
    assert_eq!(logins(&sshd, "password"), 2, "{}", sshd.log());
}

#[test]
fn a_shell_that_exits_does_not_reconnect() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(&sshd, &key_auth());
    let tmux = tabsh_in_tmux(config.path(), "open real", 120, 40);
    tmux.wait_for("1 session", WAIT);
    run(&tmux, "exit 3", "exited with status 3");
    // Well past the first reconnect's 1 s wait: nothing tries.
    std::thread::sleep(Duration::from_secs(3));
    let screen = tmux.screen();
    assert!(!screen.contains("reconnect"), "{screen}");
    assert_eq!(logins(&sshd, "publickey"), 1);
}

#[test]
fn a_path_blackholed_for_ten_seconds_comes_back_once_restored() {
    let lab = NetLab::start();
    let sshd = lab.start_sshd(SshdOptions::default());
    // Keepalive every second, dead after two misses: the loss is seen within ~3 s.
    let anti_idle = "[anti_idle]\nenabled = true\n[anti_idle.noop]\nenabled = false\n\
                     [anti_idle.keepalive]\nenabled = true\ninterval_secs = 1\nmax_misses = 2\n\
                     [anti_idle.tcp]\nenabled = false\n";
    let config = lab_profile(&lab, &sshd, anti_idle);
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 130, 30);
    tmux.wait_for("connected", WAIT);
    run(&tmux, "echo before-$((1+1))", "before-2");

    lab.blackhole();
    let screen = tmux.wait_for("keepalive unanswered", WAIT);
    assert!(
        screen.contains("attempt"),
        "waiting, with the attempt: {screen}"
    );
    std::thread::sleep(Duration::from_secs(10));
    // Still out of reach: attempts fail and wait longer each time, the tab waits on.
    let screen = tmux.screen();
    assert!(screen.contains("Reconnecting"), "{screen}");
    lab.restore();

    let back = wait_until(Duration::from_secs(90), Duration::from_millis(200), || {
        tmux.screen().contains("-- reconnected after")
    });
    assert!(back, "never came back: {}", tmux.screen());
    run(&tmux, "echo after-$((2+2))", "after-4");
}
