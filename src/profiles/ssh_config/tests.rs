use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::profiles::{AntiIdle, Profile};

fn env_in(home: &Path) -> SshEnv {
    SshEnv {
        home: home.to_owned(),
        local_user: "me".to_owned(),
    }
}

fn parse(text: &str) -> ImportReport {
    parse_ssh_config(
        text,
        Path::new("/home/me/.ssh/config"),
        &env_in(Path::new("/home/me")),
    )
    .expect("no include recursion in inline texts")
}

fn profile<'a>(report: &'a ImportReport, alias: &str) -> &'a Profile {
    &report
        .profiles
        .iter()
        .find(|p| p.alias == alias)
        .unwrap_or_else(|| panic!("no profile for {alias} in {report:#?}"))
        .profile
}

fn aliases(report: &ImportReport) -> Vec<&str> {
    report.profiles.iter().map(|p| p.alias.as_str()).collect()
}

/// `(subject, line)` of every skipped item.
fn skipped_lines(report: &ImportReport) -> Vec<(&str, Option<usize>)> {
    report
        .skipped
        .iter()
        .map(|s| (s.subject.as_str(), s.origin.as_ref().map(|o| o.line)))
        .collect()
}

#[test]
fn each_concrete_host_becomes_a_profile_in_the_imported_folder() {
    let report = parse(
        "Host web1 web2\n\
         \x20   HostName %h.example.com\n\
         \x20   User deploy\n\
         \x20   Port 2222\n\
         \n\
         Host db\n\
         \x20   IdentityFile ~/.ssh/db_%r_%h\n\
         \x20   UserKnownHostsFile ~/.ssh/known_db /etc/other\n\
         \n\
         Host *.corp !bastion.corp\n\
         \x20   User corp\n",
    );
    assert_eq!(aliases(&report), ["web1", "web2", "db"]);

    let web2 = profile(&report, "web2");
    assert_eq!(web2.name, "web2");
    assert_eq!(web2.folder, "imported");
    assert_eq!(web2.host, "web2.example.com");
    assert_eq!(web2.user.as_deref(), Some("deploy"));
    assert_eq!(web2.port, 2222);

    let db = profile(&report, "db");
    assert_eq!(db.host, "db", "HostName defaults to the alias");
    assert_eq!(db.user, None);
    assert_eq!(db.port, 22);
    assert_eq!(
        db.identity_file.as_deref(),
        Some(Path::new("/home/me/.ssh/db_me_db"))
    );
    assert_eq!(
        db.known_hosts_file.as_deref(),
        Some(Path::new("/home/me/.ssh/known_db"))
    );
    assert_eq!(skipped_lines(&report), [("UserKnownHostsFile", Some(8))]);
    assert!(matches!(
        &report.skipped[0].reason,
        SkipReason::ExtraValue { value, .. } if value == "/etc/other"
    ));
}

#[test]
fn wildcard_blocks_supply_defaults_and_the_first_value_wins() {
    let report = parse(
        "Host *\n\
         \x20   User early\n\
         \n\
         Host app\n\
         \x20   User late\n\
         \x20   Port 2200\n\
         \x20   Port 2300\n\
         \n\
         Host a*\n\
         \x20   Port 9999\n\
         \x20   HostName app.internal\n\
         \n\
         Host other\n",
    );
    let app = profile(&report, "app");
    assert_eq!(app.user.as_deref(), Some("early"), "Host * came first");
    assert_eq!(app.port, 2200);
    assert_eq!(app.host, "app.internal", "later block fills what is unset");
    let other = profile(&report, "other");
    assert_eq!(other.user.as_deref(), Some("early"));
    assert_eq!(other.port, 22);
    assert_eq!(other.host, "other");
}

#[test]
fn negated_patterns_keep_defaults_away() {
    let report = parse(
        "Host bastion.corp db.corp\n\
         Host *.corp !bastion.corp\n\
         \x20   User corp\n",
    );
    assert_eq!(profile(&report, "bastion.corp").user, None);
    assert_eq!(profile(&report, "db.corp").user.as_deref(), Some("corp"));
}

#[test]
fn keywords_ignore_case_and_accept_equals() {
    let report = parse(
        "HOST=box\n\
         \x20 hostname=10.1.2.3\n\
         \x20 PORT = 2022\n\
         \x20 user \"ops team\"\n",
    );
    let box_ = profile(&report, "box");
    assert_eq!(box_.host, "10.1.2.3");
    assert_eq!(box_.port, 2022);
    assert_eq!(box_.user.as_deref(), Some("ops team"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

#[test]
fn server_alive_and_tcp_keepalive_map_to_anti_idle() {
    let report = parse(
        "Host fast\n\
         \x20   ServerAliveInterval 15\n\
         \x20   ServerAliveCountMax 5\n\
         \x20   TCPKeepAlive no\n\
         Host off\n\
         \x20   ServerAliveInterval 0\n\
         Host units\n\
         \x20   ServerAliveInterval 1m30s\n\
         Host plain\n",
    );
    let fast = &profile(&report, "fast").anti_idle;
    assert!(fast.keepalive.enabled);
    assert_eq!(fast.keepalive.interval_secs, 15);
    assert_eq!(fast.keepalive.max_misses, 5);
    assert!(!fast.tcp.enabled);

    let off = &profile(&report, "off").anti_idle.keepalive;
    assert!(!off.enabled);
    assert_eq!(
        off.interval_secs,
        AntiIdle::default().keepalive.interval_secs,
        "interval kept usable for when it is switched back on"
    );

    assert_eq!(
        profile(&report, "units").anti_idle.keepalive.interval_secs,
        90
    );
    assert_eq!(profile(&report, "plain").anti_idle, AntiIdle::default());
}

#[test]
fn bad_values_are_reported_and_defaults_kept() {
    let report = parse(
        "Host h\n\
         \x20   Port http\n\
         \x20   ServerAliveCountMax 0\n\
         \x20   TCPKeepAlive maybe\n\
         \x20   IdentityFile ~/.ssh/%C\n",
    );
    let h = profile(&report, "h");
    assert_eq!(h.port, 22);
    assert_eq!(h.anti_idle.keepalive.max_misses, 3);
    assert!(h.anti_idle.tcp.enabled);
    assert_eq!(h.identity_file, None);
    assert_eq!(
        skipped_lines(&report),
        [
            ("Port", Some(2)),
            ("ServerAliveCountMax", Some(3)),
            ("TCPKeepAlive", Some(4)),
            ("IdentityFile", Some(5)),
        ]
    );
    assert!(
        report.skipped[3]
            .to_string()
            .contains("`%C` is not supported"),
        "{}",
        report.skipped[3]
    );
}

#[test]
fn time_values_up_to_u64_max_are_reported_with_file_and_line() {
    let report = parse(
        "Host big\n\
         \x20   ServerAliveInterval 18446744073709551615\n\
         \x20   ServerAliveCountMax 18446744073709551615\n\
         Host over\n\
         \x20   ServerAliveInterval 9223372036854775807s\n\
         Host day\n\
         \x20   ServerAliveInterval 2d\n\
         Host wraps\n\
         \x20   ServerAliveInterval 30000000000000000w\n",
    );
    assert_eq!(aliases(&report), ["big", "over", "day", "wraps"]);
    for alias in ["big", "over", "day", "wraps"] {
        assert_eq!(
            profile(&report, alias).anti_idle.keepalive,
            AntiIdle::default().keepalive,
            "{alias}"
        );
    }
    assert_eq!(
        skipped_lines(&report),
        [
            ("ServerAliveInterval", Some(2)),
            ("ServerAliveCountMax", Some(3)),
            ("ServerAliveInterval", Some(5)),
            ("ServerAliveInterval", Some(7)),
            ("ServerAliveInterval", Some(9)),
        ]
    );
    let first = report.skipped[0].to_string();
    assert!(
        first.starts_with(
            "/home/me/.ssh/config:2: ServerAliveInterval: invalid value `18446744073709551615`"
        ),
        "{first}"
    );
    assert!(first.contains("at most 86400 seconds"), "{first}");
    assert!(
        report.skipped[4].to_string().contains("a time value"),
        "{}",
        report.skipped[4]
    );
}

#[test]
fn unsupported_options_are_listed_with_file_and_line() {
    let report = parse(
        "ForwardX11 yes\n\
         Host a\n\
         \x20   HostName a.example\n\
         \x20   ControlMaster auto\n\
         \x20   Compression yes\n",
    );
    assert_eq!(
        skipped_lines(&report),
        [
            ("ForwardX11", Some(1)),
            ("ControlMaster", Some(4)),
            ("Compression", Some(5)),
        ]
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|s| s.reason == SkipReason::UnsupportedOption)
    );
    assert_eq!(
        report.skipped[1].to_string(),
        "/home/me/.ssh/config:4: ControlMaster: option not supported by tabsh; not imported"
    );
    assert_eq!(profile(&report, "a").host, "a.example");
}

#[test]
fn jump_hosts_proxy_commands_forwards_and_agent_are_imported() {
    let report = parse(
        "Host bastion\n\
         \x20   HostName bastion.example\n\
         \x20   ForwardAgent yes\n\
         Host db\n\
         \x20   ProxyJump bastion,ops@other.example:2222\n\
         \x20   ProxyCommand nc %h %p\n\
         \x20   GatewayPorts yes\n\
         \x20   LocalForward 5432 localhost:5432\n\
         \x20   LocalForward 127.0.0.1:8080 web:80\n\
         \x20   RemoteForward 2222 localhost:22\n\
         \x20   DynamicForward 1080\n\
         \x20   LocalForward 9999 /run/socket\n\
         Host legacy\n\
         \x20   ProxyCommand ssh -W %h:%p bastion\n\
         \x20   ProxyJump bastion\n\
         Host direct\n\
         \x20   ProxyJump none\n",
    );
    let db = profile(&report, "db");
    assert_eq!(db.jump, ["bastion", "ops@other.example:2222"]);
    assert_eq!(
        db.proxy_command, None,
        "the first of ProxyJump and ProxyCommand wins"
    );
    let shown: Vec<String> = db.forward.iter().map(|f| f.shown()).collect();
    assert_eq!(
        shown,
        [
            "-L 0.0.0.0:5432:localhost:5432",
            "-L 127.0.0.1:8080:web:80",
            "-R 127.0.0.1:2222:localhost:22",
            "-D 0.0.0.0:1080",
        ]
    );
    assert!(
        skipped_lines(&report).contains(&("LocalForward", Some(12))),
        "a Unix socket forward is reported: {:?}",
        report.skipped
    );
    assert!(profile(&report, "bastion").forward_agent);
    assert!(!db.forward_agent);
    let legacy = profile(&report, "legacy");
    assert_eq!(
        legacy.proxy_command.as_deref(),
        Some("ssh -W %h:%p bastion")
    );
    assert!(legacy.jump.is_empty());
    assert!(profile(&report, "direct").jump.is_empty());
}

#[test]
fn match_blocks_are_skipped_and_listed() {
    let report = parse(
        "Host a\n\
         \x20   User alpha\n\
         Match host a exec \"true\"\n\
         \x20   User from-match\n\
         \x20   Port 2200\n\
         Host b\n\
         \x20   User beta\n",
    );
    assert_eq!(profile(&report, "a").user.as_deref(), Some("alpha"));
    assert_eq!(profile(&report, "a").port, 22);
    assert_eq!(profile(&report, "b").user.as_deref(), Some("beta"));
    assert_eq!(
        skipped_lines(&report),
        [("Match", Some(3)), ("User", Some(4)), ("Port", Some(5))]
    );
    assert_eq!(report.skipped[0].reason, SkipReason::MatchBlock);
    assert_eq!(
        report.skipped[1].reason,
        SkipReason::InsideMatchBlock { match_line: 3 }
    );
}

#[test]
fn options_before_any_host_apply_to_all() {
    let report = parse("User everyone\nHost x\nHost y\n  User why\n");
    assert_eq!(profile(&report, "x").user.as_deref(), Some("everyone"));
    assert_eq!(profile(&report, "y").user.as_deref(), Some("everyone"));
}

#[test]
fn remote_command_keeps_the_rest_of_the_line() {
    let report = parse("Host t\n  RemoteCommand tmux new -A -s \"%n\"\n");
    assert_eq!(
        profile(&report, "t").command.as_deref(),
        Some("tmux new -A -s \"t\"")
    );
}

#[test]
fn unterminated_quote_is_reported() {
    let report = parse("Host q\n  User \"oops\n");
    assert_eq!(profile(&report, "q").user, None);
    assert!(matches!(report.skipped[0].reason, SkipReason::BadLine(_)));
    assert_eq!(report.skipped[0].origin.as_ref().map(|o| o.line), Some(2));
}

struct SshDir {
    _home: tempfile::TempDir,
    env: SshEnv,
}

impl SshDir {
    fn new() -> Self {
        let home = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(home.path().join(".ssh/config.d")).expect("mkdir");
        let env = env_in(home.path());
        Self { _home: home, env }
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.env.ssh_dir().join(relative);
        fs::write(&path, text).expect("write");
        path
    }

    fn import(&self) -> ImportReport {
        read_ssh_config(&self.env.user_config_path(), &self.env).expect("config readable")
    }
}

#[test]
fn include_with_a_glob_relative_to_the_ssh_dir() {
    let ssh = SshDir::new();
    ssh.write(
        "config",
        "Include config.d/*.conf\nHost main\n  User root\n",
    );
    ssh.write("config.d/b.conf", "Host beta\n  Port 2202\n");
    ssh.write(
        "config.d/a.conf",
        "Host alpha\n  Port 2201\n  Compression yes\n",
    );
    ssh.write("config.d/ignored.txt", "Host nope\n");

    let report = ssh.import();
    assert_eq!(aliases(&report), ["alpha", "beta", "main"]);
    assert_eq!(profile(&report, "alpha").port, 2201);
    assert_eq!(profile(&report, "beta").port, 2202);
    assert_eq!(report.skipped.len(), 1);
    let compression = &report.skipped[0];
    assert_eq!(compression.subject, "Compression");
    assert_eq!(
        compression.origin,
        Some(Origin {
            file: ssh.env.ssh_dir().join("config.d/a.conf"),
            line: 3
        })
    );
}

#[test]
fn included_defaults_follow_first_value_wins_in_file_order() {
    let ssh = SshDir::new();
    ssh.write(
        "config",
        "Host web\n  Port 1111\nInclude ~/.ssh/defaults\nHost *\n  User late\n",
    );
    ssh.write("defaults", "Host *\n  Port 2222\n  User early\n");
    let report = ssh.import();
    let web = profile(&report, "web");
    assert_eq!(web.port, 1111);
    assert_eq!(web.user.as_deref(), Some("early"));
}

#[test]
fn include_inside_a_host_block_is_conditional() {
    let ssh = SshDir::new();
    ssh.write(
        "config",
        "Host a\n  Include only-a\nHost b\n  Port 3000\nHost c\n",
    );
    // Inside a non-matching block the included Host * must not switch itself on.
    ssh.write("only-a", "User for-a\nHost *\n  Port 2000\n");
    let report = ssh.import();
    assert_eq!(profile(&report, "a").user.as_deref(), Some("for-a"));
    assert_eq!(profile(&report, "a").port, 2000);
    assert_eq!(profile(&report, "b").user, None);
    assert_eq!(profile(&report, "b").port, 3000);
    assert_eq!(profile(&report, "c").port, 22);
}

fn import_error(ssh: &SshDir) -> ImportError {
    read_ssh_config(&ssh.env.user_config_path(), &ssh.env).expect_err("the read must stop")
}

#[test]
fn a_file_including_itself_is_a_cycle_named_by_file_and_line() {
    let ssh = SshDir::new();
    // Three times on one line: 3^16 reads before the read stopped at the cycle.
    ssh.write("config", "Host loop\nInclude config config config\n");
    let error = import_error(&ssh);
    let config = ssh.env.user_config_path();
    assert!(
        matches!(&error, ImportError::Include(IncludeError::Cycle { origin, path })
            if origin.line == 2 && origin.file == config && path == &config),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with(&format!(
            "{}:2: Include of {}",
            config.display(),
            config.display()
        )),
        "{error}"
    );
}

#[test]
fn a_cycle_through_other_files_and_a_symlink_is_found() {
    let ssh = SshDir::new();
    ssh.write("config", "Include a\n");
    ssh.write("a", "Include b\n");
    std::os::unix::fs::symlink(
        ssh.env.ssh_dir().join("config"),
        ssh.env.ssh_dir().join("b"),
    )
    .expect("symlink");
    let error = import_error(&ssh);
    assert!(
        matches!(&error, ImportError::Include(IncludeError::Cycle { origin, .. })
            if origin.file == ssh.env.ssh_dir().join("a") && origin.line == 1),
        "{error:?}"
    );
}

#[test]
fn includes_nested_deeper_than_openssh_allows_stop_the_read() {
    let ssh = SshDir::new();
    ssh.write("config", "Include f1\n");
    for n in 1..=MAX_INCLUDE_DEPTH + 1 {
        ssh.write(&format!("f{n}"), &format!("Include f{}\n", n + 1));
    }
    let error = import_error(&ssh);
    let text = error.to_string();
    assert!(
        text.contains("Too many recursive configuration includes"),
        "{text}"
    );
    assert!(
        text.starts_with(&format!(
            "{}:1:",
            ssh.env
                .ssh_dir()
                .join(format!("f{MAX_INCLUDE_DEPTH}"))
                .display()
        )),
        "{text}"
    );
}

#[test]
fn sixteen_levels_are_still_followed() {
    let ssh = SshDir::new();
    ssh.write("config", "Include f1\n");
    for n in 1..MAX_INCLUDE_DEPTH {
        ssh.write(&format!("f{n}"), &format!("Include f{}\n", n + 1));
    }
    ssh.write(&format!("f{MAX_INCLUDE_DEPTH}"), "Host deepest\n");
    assert_eq!(aliases(&ssh.import()), ["deepest"]);
}

#[test]
fn fan_out_without_a_cycle_stops_at_the_file_budget() {
    let ssh = SshDir::new();
    // Each level includes the next one three times: 3^12 reads without the budget.
    ssh.write("config", "Include l1 l1 l1\n");
    for n in 1..12 {
        ssh.write(
            &format!("l{n}"),
            &format!("Include l{0} l{0} l{0}\n", n + 1),
        );
    }
    ssh.write("l12", "Host leaf\n");
    let error = import_error(&ssh);
    assert!(
        matches!(
            error,
            ImportError::Include(IncludeError::TooManyFiles { .. })
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("more than 1024 files"),
        "{error}"
    );
}

#[test]
fn include_matching_nothing_is_reported() {
    let ssh = SshDir::new();
    ssh.write("config", "Include missing/*.conf\nHost x\n");
    let report = ssh.import();
    assert_eq!(aliases(&report), ["x"]);
    assert!(matches!(
        &report.skipped[..],
        [Skipped {
            reason: SkipReason::IncludeMatchesNothing { .. },
            ..
        }]
    ));
}

#[test]
fn missing_config_file_is_an_error() {
    let ssh = SshDir::new();
    let error =
        read_ssh_config(&ssh.env.user_config_path(), &ssh.env).expect_err("no config written");
    assert!(error.to_string().contains("config"), "{error}");
}

#[test]
fn import_into_creates_profiles_and_skips_taken_ids() {
    let config = tempfile::tempdir().expect("tempdir");
    fs::create_dir(config.path().join("sessions")).expect("mkdir");
    let mut store = Store::open(config.path()).expect("open");
    store
        .create_with_id(
            "web",
            Profile {
                host: "existing".to_owned(),
                ..Profile::default()
            },
        )
        .expect("pre-existing profile");

    let report = parse("Host web\n  HostName new\nHost Db.Prod\n  Port 5432\n");
    let outcome = import_into(&mut store, &report);

    assert_eq!(
        outcome.created,
        [("Db.Prod".to_owned(), "db-prod".to_owned())]
    );
    assert_eq!(outcome.skipped.len(), 1);
    assert_eq!(outcome.skipped[0].subject, "web");
    assert_eq!(
        outcome.skipped[0].reason,
        SkipReason::AlreadyExists("web".to_owned())
    );
    assert_eq!(
        store.get("web").map(|p| p.profile.host.as_str()),
        Some("existing")
    );

    let reopened = Store::open(config.path()).expect("reopen");
    let imported = &reopened.get("db-prod").expect("written").profile;
    assert_eq!(imported.name, "Db.Prod");
    assert_eq!(imported.folder, "imported");
    assert_eq!(imported.port, 5432);
}

#[test]
fn durations_follow_openssh_time_format() {
    assert_eq!(parse_duration_secs("45"), Some(45));
    assert_eq!(parse_duration_secs("2m"), Some(120));
    assert_eq!(parse_duration_secs("1h1m1s"), Some(3661));
    assert_eq!(parse_duration_secs("1W"), Some(604_800));
    for bad in ["", "m", "5x", "-3"] {
        assert_eq!(parse_duration_secs(bad), None, "{bad:?}");
    }
}

#[test]
fn a_bad_value_shared_by_several_hosts_is_reported_once() {
    let report = parse("Host a b\n  Port x\n");
    assert_eq!(aliases(&report), ["a", "b"]);
    assert_eq!(skipped_lines(&report), [("Port", Some(2))]);
}

#[test]
fn include_inside_a_match_block_is_not_followed() {
    let ssh = SshDir::new();
    ssh.write("config", "Match user me\n  Include extra\nHost main\n");
    ssh.write("extra", "Host hidden\n");
    let report = ssh.import();
    assert_eq!(aliases(&report), ["main"]);
    assert_eq!(
        skipped_lines(&report),
        [("Match", Some(1)), ("Include", Some(2))]
    );
}
