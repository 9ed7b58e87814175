//! What an OpenSSH user expects of the command line: `~/.ssh/config` hosts for `list`, `open`
//! and `exec`, shell completion, the man page, `--version` and `doctor`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::output::text;
use crate::support::{Agent, Sshd, SshdOptions, test_user, user_keys};

const TABSH: &str = env!("CARGO_BIN_EXE_tabsh");

/// `tabsh ARGS` with its own HOME and no agent, so the developer's files never count.
fn tabsh(home: &Path, args: &[&str]) -> Output {
    Command::new(TABSH)
        .args(args)
        .env("HOME", home)
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("TABSH_CONFIG_DIR")
        .env_remove("TABSH_SSH_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("tabsh runs")
}

/// A home with `~/.ssh/config` naming `alias` for the sshd (key login, its known_hosts).
fn home_with_host(sshd: &Sshd, alias: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    std::fs::create_dir(&ssh).unwrap();
    std::fs::write(
        ssh.join("config"),
        format!(
            "Host {alias}\n    HostName 127.0.0.1\n    Port {}\n    User {}\n    IdentityFile {}\n    \
             UserKnownHostsFile {}\n    ForwardAgent yes\n",
            sshd.port(),
            test_user().name,
            user_keys().ed25519.private.display(),
            sshd.write_known_hosts().display()
        ),
    )
    .unwrap();
    home
}

#[test]
fn exec_and_list_accept_ssh_config_hosts_and_a_saved_profile_of_the_same_name_wins() {
    let sshd = Sshd::start(SshdOptions::default());
    let home = home_with_host(&sshd, "testbox");
    let config = home.path().join("tabsh");
    let config_arg = config.to_str().unwrap();

    let out = tabsh(
        home.path(),
        &[
            "--config-dir",
            config_arg,
            "exec",
            "--batch",
            "testbox",
            "--",
            "echo",
            "via-ssh-config",
        ],
    );
    assert_eq!(
        text(&out.stdout),
        "via-ssh-config\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));

    let out = tabsh(home.path(), &["--config-dir", config_arg, "list"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ssh:testbox"), "{stdout}");
    assert!(stdout.contains("ssh config"), "{stdout}");

    // A saved profile named like the alias, pointing at a closed port, wins over the host.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    std::fs::write(
        config.join("sessions/mine.toml"),
        format!("name = \"testbox\"\nhost = \"127.0.0.1\"\nport = {closed_port}\n"),
    )
    .unwrap();
    let out = tabsh(
        home.path(),
        &[
            "--config-dir",
            config_arg,
            "exec",
            "--batch",
            "testbox",
            "--",
            "true",
        ],
    );
    assert_eq!(out.status.code(), Some(255), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains(&closed_port.to_string()),
        "{}",
        text(&out.stderr)
    );
    // The host stays reachable by its id, and the list says who wins.
    let out = tabsh(
        home.path(),
        &[
            "--config-dir",
            config_arg,
            "exec",
            "--batch",
            "ssh:testbox",
            "--",
            "echo",
            "by-id",
        ],
    );
    assert_eq!(text(&out.stdout), "by-id\n", "{}", text(&out.stderr));
    let out = tabsh(home.path(), &["--config-dir", config_arg, "list"]);
    assert!(
        text(&out.stdout).contains("testbox (saved mine wins)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bash_completion_parses_and_completes_profiles_and_ssh_config_hosts() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("tabsh");
    let sessions = config.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("web-prod.toml"),
        "name = \"Web\"\nhost = \"w\"\n",
    )
    .unwrap();
    std::fs::write(
        sessions.join("db.toml"),
        "name = \"Main database\"\nhost = \"d\"\n",
    )
    .unwrap();
    std::fs::create_dir(home.path().join(".ssh")).unwrap();
    std::fs::write(
        home.path().join(".ssh/config"),
        "Host gitlab bastion\nHost *.corp\n",
    )
    .unwrap();

    let script = home.path().join("tabsh.bash");
    let out = tabsh(home.path(), &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(&script, &out.stdout).unwrap();
    let parse = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(parse.status.success(), "bash -n: {}", text(&parse.stderr));

    // A real bash, as Tab would call the function; tabsh found on PATH as a user has it.
    let bin_dir = Path::new(TABSH).parent().unwrap();
    let complete = |words: &str, cword: usize| -> String {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _tabsh tabsh \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash")
            .args(["-c", &program])
            .env("HOME", home.path())
            .env("TABSH_CONFIG_DIR", &config)
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let mut words: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
        words.sort();
        words.join(" ")
    };
    assert_eq!(
        complete("tabsh open \"\"", 2),
        "Web bastion db gitlab web-prod",
        "ids, one-word names and aliases; no wildcard Host"
    );
    assert_eq!(complete("tabsh exec --batch g", 3), "gitlab");
    assert_eq!(
        complete("tabsh open web-prod b", 3),
        "bastion",
        "open takes several"
    );
    // exec takes several too, until `--`; subcommands still complete through clap.
    assert!(complete("tabsh exec db \"\"", 3).contains("gitlab"));
    assert!(!complete("tabsh exec db -- \"\"", 4).contains("gitlab"));
    assert_eq!(complete("tabsh comp", 1), "completions");
    // An explicit --config-dir on the line is what the profiles come from.
    let other = home.path().join("other");
    std::fs::create_dir_all(other.join("sessions")).unwrap();
    std::fs::write(other.join("sessions/elsewhere.toml"), "host = \"e\"\n").unwrap();
    let words = format!("tabsh --config-dir {} open e", other.display());
    assert_eq!(complete(&words, 4), "elsewhere");

    // Completion sets nothing up: no config dir appears for a fresh user.
    let fresh = tempfile::tempdir().unwrap();
    let out = tabsh(fresh.path(), &["list", "--ids"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!fresh.path().join(".config").exists());
}

#[test]
fn zsh_and_fish_scripts_ask_tabsh_for_profiles() {
    let home = tempfile::tempdir().unwrap();
    let zsh = text(&tabsh(home.path(), &["completions", "zsh"]).stdout);
    assert!(zsh.starts_with("#compdef tabsh"), "{zsh}");
    assert!(zsh.contains("_tabsh_profiles() {"), "{zsh}");
    let fish = text(&tabsh(home.path(), &["completions", "fish"]).stdout);
    assert!(fish.contains("list --ids"), "{fish}");
}

#[test]
fn man_writes_tabsh_1_with_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("man1");
    std::fs::create_dir(&dir).unwrap();
    let out = tabsh(home.path(), &["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(dir.join("tabsh.1")).expect("tabsh.1 written");
    assert!(page.contains(".TH tabsh 1"), "{page}");
    for subcommand in [
        "open",
        "list",
        "import\\-ssh\\-config",
        "exec",
        "doctor",
        "completions",
    ] {
        assert!(page.contains(subcommand), "{subcommand} missing:\n{page}");
    }
    // Without --dir, the same page on stdout.
    assert_eq!(text(&tabsh(home.path(), &["man"]).stdout), page);
}

#[test]
fn version_names_the_git_commit_it_was_built_from() {
    let home = tempfile::tempdir().unwrap();
    let version = text(&tabsh(home.path(), &["--version"]).stdout);
    let package = env!("CARGO_PKG_VERSION");
    let head = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=12",
            "HEAD",
        ])
        .output();
    match head {
        Ok(head) if head.status.success() => assert_eq!(
            version.trim(),
            format!("tabsh {package} (commit {})", text(&head.stdout).trim())
        ),
        // Built outside a checkout (or without git): the package version alone.
        _ => assert_eq!(version.trim(), format!("tabsh {package}")),
    }
}

#[test]
fn doctor_says_all_is_well_then_reports_a_broken_profile_and_a_world_writable_dir() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("tabsh");
    let config_arg = config.to_str().unwrap();
    // A config dir set up by a first run, and an agent holding a key.
    assert_eq!(
        tabsh(home.path(), &["--config-dir", config_arg, "list"])
            .status
            .code(),
        Some(0)
    );
    let agent = Agent::start();
    agent.add(&user_keys().ed25519.private);
    let doctor = |home: &Path| {
        Command::new(TABSH)
            .args(["--config-dir", config_arg, "doctor"])
            .env("HOME", home)
            .env("SSH_AUTH_SOCK", agent.sock())
            .env_remove("TABSH_SSH_CONFIG")
            .output()
            .unwrap()
    };

    let out = doctor(home.path());
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("All is well."), "{report}");
    assert!(
        report.contains("holds 1 key(s) and 0 certificate(s)"),
        "{report}"
    );

    let broken = config.join("sessions/broken.toml");
    std::fs::write(&broken, "host = \"x\"\nport = \"twenty-two\"\n").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = doctor(home.path());
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains(&format!(
            "FAIL  config dir {config_arg}: bad permissions: mode 0777"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("FAIL  {}:2:", broken.display())),
        "{report}"
    );
    assert!(report.contains("2 problems found."), "{report}");
    // Reported, not fixed.
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o777);
}
