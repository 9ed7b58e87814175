//! The `tabsh` binary end to end: `list`, `import-ssh-config` and `exec` against a real sshd.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::output::{tabsh, text};
use crate::support::{Sshd, SshdOptions, test_user, user_keys};

/// A config dir holding one profile `target` for the given sshd, logging in with a key.
pub fn profile_for(sshd: &Sshd, known_hosts: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("target.toml"),
        format!(
            "name = \"Target\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"key\"]\n\
             identity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
            sshd.port(),
            test_user().name,
            user_keys().ed25519.private.display(),
            known_hosts.display()
        ),
    )
    .unwrap();
    dir
}

#[test]
fn exec_relays_output_and_exit_status_like_ssh() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let config = profile_for(&sshd, &known_hosts);

    let out = tabsh(
        config.path(),
        &[
            "exec", "--batch", "target", "--", "echo", "out;", "echo", "err", ">&2;", "exit", "5",
        ],
    );
    assert_eq!(text(&out.stdout), "out\n");
    assert_eq!(text(&out.stderr), "err\n");
    assert_eq!(out.status.code(), Some(5));

    // By display name too, and stdin reaches the remote command.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config.path())
        .args(["exec", "--batch", "Target", "--", "tr", "a-z", "A-Z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"piped input\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(text(&out.stdout), "PIPED INPUT\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn exec_in_batch_mode_refuses_an_unknown_host_without_asking() {
    let sshd = Sshd::start(SshdOptions::default());
    let empty = tempfile::tempdir().unwrap();
    let known_hosts = empty.path().join("known_hosts");
    let config = profile_for(&sshd, &known_hosts);

    let out = tabsh(config.path(), &["exec", "--batch", "target", "--", "true"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(stderr.contains("trusting the host key"), "{stderr}");
    assert!(stderr.contains("nobody could be asked"), "{stderr}");
    assert!(
        stderr.contains(&format!("[127.0.0.1]:{}", sshd.port())),
        "{stderr}"
    );
    assert!(stderr.contains("SHA256:"), "{stderr}");
    assert!(!known_hosts.exists(), "nothing is saved without consent");
}

#[test]
fn exec_reports_a_changed_host_key_and_refuses() {
    let sshd = Sshd::start(SshdOptions::default());
    let other = Sshd::start(SshdOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let known_hosts = dir.path().join("known_hosts");
    std::fs::write(
        &known_hosts,
        format!("[127.0.0.1]:{} {}\n", sshd.port(), other.host_key_public()),
    )
    .unwrap();
    let config = profile_for(&sshd, &known_hosts);

    let out = tabsh(config.path(), &["exec", "--batch", "target", "--", "true"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(255));
    assert!(stderr.contains("HOST KEY CHANGED"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:1", known_hosts.display())),
        "{stderr}"
    );
}

#[test]
fn exec_names_an_unknown_profile() {
    let config = tempfile::tempdir().unwrap();
    let out = tabsh(config.path(), &["exec", "--batch", "nope", "--", "true"]);
    assert_eq!(out.status.code(), Some(255));
    assert!(
        text(&out.stderr).contains("no saved session \"nope\""),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn list_shows_good_profiles_and_reports_broken_files_with_line() {
    let config = tempfile::tempdir().unwrap();
    // First run seeds the shipped examples.
    let out = tabsh(config.path(), &["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("demo"), "{}", text(&out.stdout));

    let sessions = config.path().join("sessions");
    std::fs::write(
        sessions.join("good.toml"),
        "host = \"good.example\"\nport = 2201\n",
    )
    .unwrap();
    std::fs::write(
        sessions.join("broken.toml"),
        "host = \"x\"\nport = \"twenty-two\"\n",
    )
    .unwrap();
    let out = tabsh(config.path(), &["list"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("good.example:2201"), "{stdout}");
    assert!(!stdout.contains("broken"), "{stdout}");
    assert!(
        stderr.contains(&format!("{}:2", sessions.join("broken.toml").display())),
        "{stderr}"
    );
    assert!(stderr.contains("port"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    // The broken file is left exactly as it was.
    assert_eq!(
        std::fs::read_to_string(sessions.join("broken.toml")).unwrap(),
        "host = \"x\"\nport = \"twenty-two\"\n"
    );
}

#[test]
fn import_ssh_config_creates_profiles_and_lists_what_it_skipped() {
    let config = tempfile::tempdir().unwrap();
    let ssh_config = config.path().join("ssh_config");
    std::fs::write(
        &ssh_config,
        "Host web\n  HostName web.example.org\n  User deploy\n  Port 2202\n  ServerAliveInterval 15\n  ForwardX11 yes\n\
         Host *\n  ServerAliveCountMax 5\n",
    )
    .unwrap();
    let out = tabsh(
        config.path(),
        &["import-ssh-config", ssh_config.to_str().unwrap()],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("created web (Host web)"), "{stdout}");
    assert!(stdout.contains("ForwardX11"), "{stdout}");
    assert!(
        stdout.contains(&format!("{}:6", ssh_config.display())),
        "{stdout}"
    );

    let saved = std::fs::read_to_string(config.path().join("sessions/web.toml")).unwrap();
    let profile: tabsh::profiles::Profile = toml::from_str(&saved).unwrap();
    assert_eq!(profile.host, "web.example.org");
    assert_eq!(profile.user.as_deref(), Some("deploy"));
    assert_eq!(profile.port, 2202);
    assert_eq!(profile.anti_idle.keepalive.interval_secs, 15);
    assert_eq!(profile.anti_idle.keepalive.max_misses, 5);

    // A second import skips the existing id rather than overwriting it.
    let out = tabsh(
        config.path(),
        &["import-ssh-config", ssh_config.to_str().unwrap()],
    );
    assert!(
        text(&out.stdout).contains("already exists"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn exec_asks_on_the_terminal_for_host_key_and_password() {
    let sshd = Sshd::start(SshdOptions {
        kbd_interactive: false,
        ..SshdOptions::default()
    });
    let config = tempfile::tempdir().unwrap();
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let known_hosts = config.path().join("known_hosts");
    std::fs::write(
        sessions.join("pw.toml"),
        format!(
            "host = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"password\"]\nknown_hosts_file = \"{}\"\n",
            sshd.port(),
            test_user().name,
            known_hosts.display()
        ),
    )
    .unwrap();
    let command = format!(
        "{} --config-dir {} exec pw -- echo logged-in-as '$(id -un)'; echo exit=$?",
        env!("CARGO_BIN_EXE_tabsh"),
        config.path().display()
    );
    let tmux = crate::support::Tmux::start(&command, 120, 30);
    let wait = std::time::Duration::from_secs(20);

    let screen = tmux.wait_for("[yes / once / no]", wait);
    assert!(
        screen.contains(&format!("[127.0.0.1]:{}", sshd.port())),
        "{screen}"
    );
    assert!(screen.contains("SHA256:"), "{screen}");
    tmux.type_text("yes");
    tmux.press(&["Enter"]);

    tmux.wait_for("'s password:", wait);
    // The prompt shows a moment before echo goes off; typed earlier, the password would echo.
    let echo_off = crate::support::wait_until(wait, std::time::Duration::from_millis(50), || {
        tmux.echo_is_off()
    });
    assert!(echo_off, "echo stayed on at the password prompt");
    tmux.type_text(crate::support::TEST_USER_PASSWORD);
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("exit=0", wait);
    assert!(
        screen.contains(&format!("logged-in-as {}", test_user().name)),
        "{screen}"
    );
    // The password was typed without echo.
    assert!(
        !screen.contains(crate::support::TEST_USER_PASSWORD),
        "{screen}"
    );
    let saved = std::fs::read_to_string(&known_hosts).unwrap();
    assert_eq!(saved.trim(), sshd.known_hosts_line());
}

fn exec_with_log(config_dir: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tabsh"));
    command
        .arg("--config-dir")
        .arg(config_dir)
        .args(extra)
        .args(["exec", "--batch", "target", "--", "echo", "out"])
        .env("TABSH_LOG", "debug")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("tabsh runs")
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn tabsh_log_goes_to_a_private_file_never_to_stderr() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let config = profile_for(&sshd, &known_hosts);
    let logs = tempfile::tempdir().unwrap();

    // --log-file names the file.
    let log = logs.path().join("named/tabsh-debug.log");
    let log_arg = log.to_string_lossy().into_owned();
    let out = exec_with_log(config.path(), &["--log-file", &log_arg], &[]);
    assert_eq!(text(&out.stdout), "out\n");
    assert_eq!(text(&out.stderr), "", "logs reached stderr");
    assert_eq!(out.status.code(), Some(0));
    let logged = std::fs::read_to_string(&log).expect("log file written");
    assert!(logged.contains("DEBUG"), "{logged}");
    assert!(
        !logged.contains('\u{1b}'),
        "colour codes in the file: {logged}"
    );
    assert_eq!(mode_of(&log), 0o600);

    // Without it, the data dir's tabsh.log.
    let data_home = logs.path().join("data");
    let out = exec_with_log(config.path(), &[], &[("XDG_DATA_HOME", &data_home)]);
    assert_eq!(text(&out.stderr), "", "logs reached stderr");
    assert_eq!(out.status.code(), Some(0));
    let default_log = data_home.join("tabsh/tabsh.log");
    assert!(
        std::fs::read_to_string(&default_log)
            .expect("default log file written")
            .contains("DEBUG")
    );
    assert_eq!(mode_of(&default_log), 0o600);
    assert_eq!(mode_of(default_log.parent().unwrap()), 0o700);
}

#[test]
fn every_command_takes_the_demo_profile_to_the_built_in_server() {
    let config = tempfile::tempdir().unwrap();
    let out = tabsh(config.path(), &["list"]);
    let stdout = text(&out.stdout);
    let demo = stdout
        .lines()
        .find(|line| line.starts_with("demo "))
        .unwrap_or_default();
    assert!(demo.contains("built-in demo server"), "{stdout}");
    assert!(!demo.contains(":22"), "{stdout}");

    // exec reaches the built-in server, not port 22 of this machine.
    let out = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config.path())
        .args([
            "exec",
            "--batch",
            "demo",
            "--",
            "echo",
            "from-the-demo-$((6*7))",
        ])
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null())
        .output()
        .expect("tabsh runs");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "from-the-demo-42\n".to_owned()),
        "{}",
        text(&out.stderr)
    );
}
