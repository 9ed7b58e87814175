//! Profiles and the config dir must be the user's (or root's) and not writable by others, as
//! OpenSSH requires of `~/.ssh/config`. The tests run as root: files handed to the test user
//! are someone else's.

use std::os::unix::fs::{PermissionsExt, chown};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::output::text;
use crate::support::test_user;

fn tabsh_list(config_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config_dir)
        .arg("list")
        .stdin(Stdio::null())
        .output()
        .expect("tabsh runs")
}

/// A config dir with two profiles, `mine` and `theirs`.
fn config_with_two_profiles() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    for id in ["mine", "theirs"] {
        let path = sessions.join(format!("{id}.toml"));
        std::fs::write(&path, format!("host = \"{id}.example\"\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    dir
}

#[test]
fn a_profile_owned_by_another_user_is_refused_by_name() {
    let config = config_with_two_profiles();
    let theirs = config.path().join("sessions/theirs.toml");
    chown(&theirs, Some(test_user().uid), None).unwrap();

    let out = tabsh_list(config.path());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("mine"), "{stdout}");
    assert!(!stdout.contains("theirs.example"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{}: not loaded: bad owner: owned by uid {}",
            theirs.display(),
            test_user().uid
        )),
        "{stderr}"
    );
}

#[test]
fn a_profile_others_may_write_is_refused_by_name() {
    let config = config_with_two_profiles();
    let theirs = config.path().join("sessions/theirs.toml");
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o666)).unwrap();

    let out = tabsh_list(config.path());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("mine"), "{stdout}");
    assert!(!stdout.contains("theirs.example"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{}: not loaded: bad permissions: mode 0666",
            theirs.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_config_dir_owned_by_another_user_is_refused_by_name() {
    let config = config_with_two_profiles();
    chown(config.path(), Some(test_user().uid), None).unwrap();

    let out = tabsh_list(config.path());
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: refusing to use it: bad owner",
            config.path().display()
        )),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty(), "nothing listed");
}

#[test]
fn a_sessions_dir_others_may_write_is_refused_by_name() {
    let config = config_with_two_profiles();
    let sessions = config.path().join("sessions");
    // Owned by the test user, so tabsh does not tighten it as it does its own.
    chown(&sessions, Some(test_user().uid), None).unwrap();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o777)).unwrap();

    let out = tabsh_list(config.path());
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: refusing to use it", sessions.display())),
        "{stderr}"
    );
}

#[test]
fn a_keys_toml_owned_by_another_user_stops_the_tui_by_name() {
    let config = config_with_two_profiles();
    let keys = config.path().join("keys.toml");
    std::fs::write(&keys, "prefix = \"ctrl-a\"\n").unwrap();
    chown(&keys, Some(test_user().uid), None).unwrap();

    // The TUI wants a terminal on stdout; the check comes before it takes the screen.
    let (_master, slave) = crate::support::pty::open_pty();
    let out = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::from(slave))
        .stderr(Stdio::piped())
        .output()
        .expect("tabsh runs");
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: refusing to use it: bad owner",
            keys.display()
        )),
        "{stderr}"
    );
}
