//! The real `tabsh` binary in tmux against a real OpenSSH sshd: logins, host keys, reused
//! connections and anti-idle, driven with keys and read from the screen.

use std::time::Duration;

use crate::support::tui::{key_auth, last_line, sshd_profile, tabsh_in_tmux, wait_for_remote_size};
use crate::support::{Sshd, SshdOptions, TEST_USER_PASSWORD, test_user, user_keys};

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

#[test]
fn against_openssh_sshd_a_key_login_runs_commands_and_window_changes_reach_it() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(&sshd, &key_auth());
    let tmux = tabsh_in_tmux(config.path(), "open real", 90, 25);
    let screen = tmux.wait_for("1 session", WAIT);
    assert!(
        last_line(&screen).contains(&format!("{}@[127.0.0.1]:{}", test_user().name, sshd.port())),
        "{screen}"
    );
    tmux.type_text("echo sshd-says-$((6*7)); stty size");
    tmux.press(&["Enter"]);
    tmux.wait_for("sshd-says-42", WAIT);
    tmux.wait_for("23 90", WAIT);
    tmux.resize(100, 30);
    wait_for_remote_size(&tmux, 28, 100, WAIT);

    // The remote shell exits: the tab says why and the app stays up.
    tmux.type_text("exit 3");
    tmux.press(&["Enter"]);
    tmux.wait_for("exited with status 3", WAIT);
    tmux.press(&[PREFIX, "r"]);
    tmux.wait_for("connected", WAIT);
    tmux.type_text("echo reopened");
    tmux.press(&["Enter"]);
    tmux.wait_for("reopened", WAIT);
}

#[test]
fn a_wrong_password_shows_an_error_and_the_app_stays_up() {
    let sshd = Sshd::start(SshdOptions {
        kbd_interactive: false,
        ..SshdOptions::default()
    });
    let config = sshd_profile(&sshd, "auth = [\"password\"]\n");
    let tmux = tabsh_in_tmux(config.path(), "open real", 100, 30);
    for attempt in 1..=3 {
        let shown = if attempt > 1 {
            format!(" (attempt {attempt}):")
        } else {
            ":".to_owned()
        };
        let question = format!(
            "Password for {}@[127.0.0.1]:{}{shown}",
            test_user().name,
            sshd.port()
        );
        tmux.wait_for(&question, WAIT);
        // A question takes keys once it has been on screen a moment; its keys line says so.
        let screen = tmux.wait_for("Enter: answer", WAIT);
        assert!(screen.contains("typing is hidden"), "{screen}");
        tmux.type_text("not-the-password");
        let screen = tmux.screen();
        assert!(
            !screen.contains("not-the-password"),
            "secrets are not echoed: {screen}"
        );
        tmux.press(&["Enter"]);
    }
    let screen = tmux.wait_for("authentication failed", WAIT);
    assert!(screen.contains("password (rejected)"), "{screen}");
    assert!(screen.contains("Connection failed"), "{screen}");

    // Still alive: try again with the right password.
    tmux.press(&[PREFIX, "r"]);
    tmux.wait_for("Password for", WAIT);
    tmux.wait_for("Enter: answer", WAIT);
    tmux.type_text(TEST_USER_PASSWORD);
    tmux.press(&["Enter"]);
    tmux.wait_for("connected", WAIT);
    // Typed before the shell's first prompt it still runs; the marker makes the check
    // independent of where the prompt lands.
    tmux.type_text("echo logged-in-as-$(whoami)");
    tmux.press(&["Enter"]);
    tmux.wait_for(&format!("logged-in-as-{}", test_user().name), WAIT);
}

#[test]
fn esc_cancels_a_host_key_question_and_the_tab_says_so() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = tempfile::tempdir().unwrap();
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("new.toml"),
        format!(
            "host = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"key\"]\nidentity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
            sshd.port(),
            test_user().name,
            user_keys().ed25519.private.display(),
            config.path().join("known_hosts").display()
        ),
    )
    .unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open new", 110, 30);
    let screen = tmux.wait_for("Unknown host key", WAIT);
    assert!(screen.contains("SHA256:"), "{screen}");
    tmux.wait_for("n: refuse", WAIT);
    tmux.press(&["Escape"]);
    tmux.wait_for("Cancelled", WAIT);
    assert!(!config.path().join("known_hosts").exists());

    tmux.press(&[PREFIX, "r"]);
    tmux.wait_for("Unknown host key", WAIT);
    tmux.wait_for("n: refuse", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("connected", WAIT);
    assert!(
        std::fs::read_to_string(config.path().join("known_hosts"))
            .unwrap()
            .contains("ssh-ed25519")
    );
}

#[test]
fn a_lingering_connection_is_reused_without_logging_in_again() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(&sshd, &format!("{}[clone]\nlinger_secs = 60\n", key_auth()));
    let logins = || sshd.log().matches("Accepted publickey").count();
    let tmux = tabsh_in_tmux(config.path(), "open real", 100, 30);
    tmux.wait_for("connected", WAIT);
    assert_eq!(logins(), 1);

    // Close the only tab; the connection stays for its linger time.
    tmux.press(&[PREFIX, "x"]);
    tmux.wait_for("No open sessions", WAIT);
    tmux.press(&[PREFIX, "s"]);
    tmux.type_text("real");
    tmux.wait_for("1 of", WAIT);
    tmux.press(&["Enter"]);
    tmux.wait_for("connected", WAIT);
    tmux.type_text("echo reused-$((2*21))");
    tmux.press(&["Enter"]);
    tmux.wait_for("reused-42", WAIT);
    assert_eq!(
        logins(),
        1,
        "reopened on the kept connection: no second login"
    );
}

#[test]
fn the_anti_idle_key_toggles_live_connections_and_saves_the_profile() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(
        &sshd,
        &format!(
            "{}[anti_idle]\nenabled = true\n[anti_idle.noop]\nenabled = false\n\
             [anti_idle.keepalive]\nenabled = true\ninterval_secs = 1\nmax_misses = 3\n",
            key_auth()
        ),
    );
    let keepalives = || {
        sshd.log()
            .matches("rtype keepalive@openssh.com want_reply 1")
            .count()
    };
    let tmux = tabsh_in_tmux(config.path(), "open real", 120, 30);
    tmux.wait_for("connected", WAIT);
    // Replies show a round-trip time in the status bar.
    tmux.wait_for(", rtt ", WAIT);
    let sent_while_on = keepalives();
    assert!(sent_while_on >= 1);

    tmux.press(&[PREFIX, "a"]);
    tmux.wait_for("anti-idle off", WAIT);
    let saved = std::fs::read_to_string(config.path().join("sessions/real.toml")).unwrap();
    let profile: tabsh::profiles::Profile = toml::from_str(&saved).unwrap();
    assert!(!profile.anti_idle.enabled, "{saved}");
    // A keepalive in flight at the switch is logged once the count stops moving.
    let after_off = crate::support::wait_until_stable(
        WAIT,
        Duration::from_millis(1500),
        Duration::from_millis(100),
        keepalives,
    )
    .expect("keepalives stop once anti-idle is off");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(keepalives(), after_off, "no keepalives while off");

    // On again, on the same connection: keepalives resume without a new login.
    tmux.press(&[PREFIX, "a"]);
    tmux.wait_for("anti-idle on", WAIT);
    let resumed = crate::support::wait_until(WAIT, Duration::from_millis(100), || {
        keepalives() > after_off
    });
    assert!(resumed, "keepalives resumed: {}", sshd.log());
    assert_eq!(sshd.log().matches("Accepted publickey").count(), 1);
}
