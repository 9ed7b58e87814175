//! `tabsh exec` on many sessions against a real sshd: 20 profiles in a folder tree plus one
//! that nothing answers; every line prefixed, every status right, the unreachable one reported
//! without stopping the others.

use std::path::Path;

use crate::support::output::{tabsh, text};
use crate::support::ports::ClosedPort;
use crate::support::{Sshd, SshdOptions, test_user, user_keys};

/// An sshd that takes 20 logins at once: its default `MaxStartups 10:30:100` drops some of the
/// unauthenticated connections past 10, which 20 profiles of one server would meet.
pub fn busy_sshd() -> Sshd {
    Sshd::start(SshdOptions {
        extra: vec!["MaxStartups 100".to_owned()],
        ..SshdOptions::default()
    })
}

/// `count` profiles `p01`... of `sshd`, half in folder `lab/a`, half in `lab/b`.
pub fn lab_profiles(config: &Path, sshd: &Sshd, count: usize) -> Vec<String> {
    let sessions = config.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let known_hosts = sshd.write_known_hosts();
    (1..=count)
        .map(|n| {
            let id = format!("p{n:02}");
            let folder = if n % 2 == 0 { "lab/a" } else { "lab/b" };
            std::fs::write(
                sessions.join(format!("{id}.toml")),
                format!(
                    "folder = \"{folder}\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\n\
                     auth = [\"key\"]\nidentity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
                    sshd.port(),
                    test_user().name,
                    user_keys().ed25519.private.display(),
                    known_hosts.display()
                ),
            )
            .unwrap();
            id
        })
        .collect()
}

/// A profile `down` in the same folder whose port nothing listens on, for as long as the
/// returned port is held.
fn unreachable_profile(config: &Path) -> ClosedPort {
    let closed = ClosedPort::hold();
    std::fs::write(
        config.join("sessions/down.toml"),
        format!(
            "folder = \"lab\"\nhost = \"127.0.0.1\"\nport = {}\nauth = [\"key\"]\n",
            closed.port()
        ),
    )
    .unwrap();
    closed
}

/// The summary row of `id` (below the table's header, after the output), split into words.
fn row<'a>(stderr: &'a str, id: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .skip_while(|line| !line.starts_with("profile "))
        .find(|line| line.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no row for {id}:\n{stderr}"))
        .split_whitespace()
        .collect()
}

#[test]
fn exec_on_a_folder_of_20_runs_each_prefixes_lines_and_reports_the_unreachable_one() {
    let sshd = busy_sshd();
    let config = tempfile::tempdir().unwrap();
    let ids = lab_profiles(config.path(), &sshd, 20);
    let _down = unreachable_profile(config.path());

    let out = tabsh(
        config.path(),
        &[
            "exec",
            "--folder",
            "lab",
            "--",
            "echo",
            "out-$((6*7));",
            "echo",
            "err",
            ">&2",
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "one failed:\n{stderr}");
    for id in &ids {
        assert!(
            stdout.lines().any(|line| line == format!("{id}  | out-42")),
            "{id}:\n{stdout}"
        );
        assert!(
            stderr.lines().any(|line| line == format!("{id}  ! err")),
            "{id}:\n{stderr}"
        );
        let row = row(&stderr, id);
        assert_eq!(row[1..3], ["exit", "0"], "{stderr}");
        assert_eq!(row.last(), Some(&"s"), "{stderr}");
    }
    assert_eq!(stdout.lines().count(), 20, "{stdout}");
    let down = row(&stderr, "down");
    assert_eq!(down[1], "error:", "{stderr}");
    assert!(
        stderr.contains("refused"),
        "the typed error says why:\n{stderr}"
    );
    assert!(stderr.contains("1 of 21 failed"), "{stderr}");
    assert_eq!(sshd.log().matches("Accepted publickey").count(), 20);
}

#[test]
fn exec_on_several_sessions_reports_each_exit_status_and_one_keeps_ssh_behaviour() {
    let sshd = busy_sshd();
    let config = tempfile::tempdir().unwrap();
    lab_profiles(config.path(), &sshd, 4);

    let out = tabsh(
        config.path(),
        &[
            "exec",
            "--parallel",
            "2",
            "p01",
            "p02",
            "--folder",
            "lab/a",
            "--",
            "exit",
            "3",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for id in ["p01", "p02", "p04"] {
        assert_eq!(row(&stderr, id)[1..3], ["exit", "3"], "{stderr}");
    }
    assert!(!stderr.contains("p03"), "p03 is in lab/b:\n{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("p02")).count(),
        1,
        "named and in the folder: run once\n{stderr}"
    );

    let out = tabsh(config.path(), &["exec", "--folder", "lab", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("all 4 succeeded"));

    // One session: no prefix, no table, the remote status.
    let out = tabsh(
        config.path(),
        &["exec", "p01", "--", "echo", "plain;", "exit", "7"],
    );
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(text(&out.stdout), "plain\n");
    assert_eq!(text(&out.stderr), "");
}
