//! The hosts of `~/.ssh/config` in the real TUI, as a person moving from OpenSSH meets them:
//! listed without an import, re-read when the config changes, opened like a saved session and
//! turned into an editable one with "duplicate".

use std::path::Path;
use std::time::Duration;

use crate::support::{Sshd, SshdOptions, Tmux, test_user, user_keys, wait_until};

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

fn write_ssh_config(home: &Path, sshd: &Sshd) {
    let ssh = home.join(".ssh");
    std::fs::create_dir_all(ssh.join("conf.d")).unwrap();
    std::fs::write(
        ssh.join("config"),
        format!(
            "Include conf.d/*.conf\n\
             Host testbox\n    HostName 127.0.0.1\n    Port {}\n    User {}\n    IdentityFile {}\n    \
             UserKnownHostsFile {}\n    ForwardX11 yes\n\
             Host *\n    User someone-else\n",
            sshd.port(),
            test_user().name,
            user_keys().ed25519.private.display(),
            sshd.write_known_hosts().display()
        ),
    )
    .unwrap();
}

#[test]
fn ssh_config_hosts_are_listed_live_open_like_profiles_and_duplicate_into_saved_ones() {
    let sshd = Sshd::start(SshdOptions::default());
    let home = tempfile::tempdir().unwrap();
    write_ssh_config(home.path(), &sshd);
    let config = home.path().join("tabsh");
    // An empty sessions dir: no shipped examples, only the ssh config's hosts.
    std::fs::create_dir_all(config.join("sessions")).unwrap();
    let command = format!(
        "HOME={} SHELL=/bin/sh {} --config-dir {}; echo tabsh-exited=$?; sleep 60",
        home.path().display(),
        env!("CARGO_BIN_EXE_tabsh"),
        config.display()
    );
    let tmux = Tmux::start(&command, 140, 30);

    let screen = tmux.wait_for("ssh config/ (1)", WAIT);
    assert!(screen.contains("testbox"), "{screen}");
    // The selected host's detail line: where it is written and what tabsh does not use.
    assert!(screen.contains(".ssh/config:2"), "{screen}");
    assert!(screen.contains("not used: ForwardX11"), "{screen}");

    // Live: a new file matching the Include shows up without a restart.
    std::fs::write(
        home.path().join(".ssh/conf.d/extra.conf"),
        "Host added-later\n    HostName 127.0.0.1\n",
    )
    .unwrap();
    let screen = tmux.wait_for("ssh config/ (2)", WAIT);
    assert!(screen.contains("added-later"), "{screen}");

    // Opening it works like a saved session: a key login to the sshd, as testbox's User (the
    // first value wins over `Host *`).
    tmux.type_text("testbox");
    tmux.wait_for("1 of 2", WAIT);
    tmux.press(&["Enter"]);
    tmux.wait_for("1 session", WAIT);
    tmux.type_text("echo from-ssh-config-$((6*7)) $(id -un)");
    tmux.press(&["Enter"]);
    tmux.wait_for(&format!("from-ssh-config-42 {}", test_user().name), WAIT);

    // Read-only: editing says so; duplicate saves an editable profile, which then wins.
    tmux.press(&[PREFIX, "s"]);
    tmux.wait_for("Filter:", WAIT);
    tmux.type_text("testbox");
    tmux.wait_for("1 of 2", WAIT);
    tmux.press(&["C-e"]);
    tmux.wait_for("cannot be edited here", WAIT);
    tmux.press(&["C-d"]);
    tmux.wait_for("saved profile wins", WAIT);
    let saved = config.join("sessions/testbox.toml");
    assert!(
        wait_until(WAIT, Duration::from_millis(50), || saved.exists()),
        "no {} after duplicate",
        saved.display()
    );
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains(&format!("port = {}", sshd.port())), "{text}");
    assert!(text.contains("folder = \"imported\""), "{text}");

    // Esc clears the filter, a second Esc closes the manager.
    tmux.press(&["Escape"]);
    tmux.wait_for("type to filter", WAIT);
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("Filter:", WAIT);
    tmux.press(&[PREFIX, "q"]);
    tmux.wait_for("Quit and close them?", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("tabsh-exited=0", WAIT);
}

#[test]
fn tabsh_open_alias_starts_with_the_host_in_a_tab() {
    let sshd = Sshd::start(SshdOptions::default());
    let home = tempfile::tempdir().unwrap();
    write_ssh_config(home.path(), &sshd);
    let config = home.path().join("tabsh");
    std::fs::create_dir_all(config.join("sessions")).unwrap();
    let command = format!(
        "HOME={} SHELL=/bin/sh {} --config-dir {} open testbox; echo tabsh-exited=$?; sleep 60",
        home.path().display(),
        env!("CARGO_BIN_EXE_tabsh"),
        config.display()
    );
    let tmux = Tmux::start(&command, 120, 30);
    let screen = tmux.wait_for("1 session", WAIT);
    assert!(
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("testbox"),
        "{screen}"
    );
    tmux.type_text("echo opened-by-alias");
    tmux.press(&["Enter"]);
    tmux.wait_for("opened-by-alias", WAIT);
    tmux.press(&[PREFIX, "q"]);
    tmux.wait_for("Quit and close them?", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("tabsh-exited=0", WAIT);
}
