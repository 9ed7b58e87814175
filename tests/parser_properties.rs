//! Property tests over every parser of files a person (or someone else) writes: profiles,
//! keys.toml, known_hosts and ssh_config. Random bytes and random valid-looking files must
//! never panic, and every error must name the file and, where the problem has one, the line.

// Test code: a failed unwrap is a failed test, with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use proptest::prelude::*;
use tabsh::input::keymap::Keymap;
use tabsh::profiles::LoadError;
use tabsh::profiles::ssh_config::{SshEnv, parse_ssh_config};
use tabsh::ssh::known_hosts::KnownHosts;

const PROFILE: &str = "/cfg/sessions/random.toml";
const KNOWN_HOSTS: &str = "/cfg/known_hosts";
const SSH_CONFIG: &str = "/nonexistent-home/.ssh/config";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text from arbitrary bytes, as a file read with a lossy decoder would give.
fn random_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..512)
        .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Values of every kind a hand-edited TOML file might hold, hostile ones included.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("18446744073709551615".to_owned()),
        Just("9223372036854775807".to_owned()),
        Just("-1".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("[\"agent\", \"bogus\"]".to_owned()),
        Just("{ enabled = 1 }".to_owned()),
        "[a-z \\\\\"\u{1b}\u{9b}]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[ -~]{0,8}",
    ]
}

fn profile_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("host"),
        Just("port"),
        Just("user"),
        Just("name"),
        Just("folder"),
        Just("auth"),
        Just("password"),
        Just("interval_secs"),
        Just("enabled"),
        Just("max_misses"),
        Just("idle_secs"),
        Just("count"),
        Just("user_timeout_secs"),
        Just("linger_secs"),
        Just("spill_over"),
        Just("unknown_thing"),
    ];
    let table = prop_oneof![
        Just("[anti_idle]"),
        Just("[anti_idle.noop]"),
        Just("[anti_idle.keepalive]"),
        Just("[anti_idle.idle_string]"),
        Just("[anti_idle.tcp]"),
        Just("[clone]"),
        Just("[nonsense]"),
        Just("[[anti_idle]]"),
    ];
    prop_oneof![
        3 => (key, toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => table.prop_map(str::to_owned),
        1 => "[ -~]{0,20}",
    ]
}

fn lines(line: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

fn check_profile_errors(text: &str, errors: &[LoadError]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "an Err holds at least one error");
    let line_count = text.lines().count().max(1);
    for error in errors {
        prop_assert_eq!(error.path(), Path::new(PROFILE));
        let message = error.to_string();
        prop_assert!(message.starts_with(PROFILE), "{}", message);
        let has_a_line = matches!(
            error,
            LoadError::Syntax { .. }
                | LoadError::UnknownField { .. }
                | LoadError::Password { .. }
                | LoadError::BadValue { .. }
        );
        if has_a_line {
            let line = error.line();
            prop_assert!(line.is_some(), "no line in {}", message);
            prop_assert!(line.is_some_and(|l| l <= line_count + 1), "{}", message);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn profiles_from_random_bytes_never_panic_and_errors_name_the_file(text in random_text()) {
        if let Err(errors) = tabsh::profiles::parse_profile(Path::new(PROFILE), &text) {
            check_profile_errors(&text, &errors)?;
        }
    }

    #[test]
    fn valid_looking_profiles_never_panic_and_errors_name_file_and_line(
        body in lines(profile_line()),
    ) {
        let text = format!("host = \"h\"\n{body}\n");
        if let Err(errors) = tabsh::profiles::parse_profile(Path::new(PROFILE), &text) {
            check_profile_errors(&text, &errors)?;
        }
    }
}

fn chord() -> impl Strategy<Value = String> {
    prop_oneof![
        "(ctrl-|alt-|shift-){0,3}[ -~]",
        Just("f13".to_owned()),
        Just("pgup".to_owned()),
        Just("ctrl-".to_owned()),
        "[ -~]{0,6}",
    ]
}

fn keys_line() -> impl Strategy<Value = String> {
    prop_oneof![
        chord().prop_map(|c| format!("prefix = \"{}\"", c.replace(['"', '\\'], ""))),
        Just("[bindings]".to_owned()),
        (
            chord(),
            "(none|help|quit|goto-tab-[0-9]{1,3}|bogus|clone-session)"
        )
            .prop_map(|(c, a)| format!("\"{}\" = \"{a}\"", c.replace(['"', '\\'], ""))),
        "[ -~]{0,16}",
    ]
}

fn load_keys(text: &str) -> Result<Keymap, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("keys.toml");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Keymap::load(&path).map_err(|error| {
        // Names the file it came from, whatever went wrong.
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        error
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn keys_toml_from_random_bytes_never_panics_and_errors_name_the_file(text in random_text()) {
        let _ = Keymap::parse(&text);
        let _ = load_keys(&text);
    }

    #[test]
    fn valid_looking_keys_toml_never_panics_and_errors_name_the_file(text in lines(keys_line())) {
        let _ = load_keys(&text);
    }
}

const KEY_BLOB: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";

fn known_hosts_line() -> impl Strategy<Value = String> {
    let marker = prop_oneof![
        Just(""),
        Just("@revoked "),
        Just("@cert-authority "),
        Just("@bogus ")
    ];
    let host = prop_oneof![
        "[a-zA-Z0-9.*?!,-]{0,16}",
        "\\[[0-9.]{1,15}\\]:[0-9]{1,6}",
        "\\|1\\|[A-Za-z0-9+/=]{0,30}\\|[A-Za-z0-9+/=|]{0,30}",
    ];
    let key_type = prop_oneof![
        Just("ssh-ed25519"),
        Just("ssh-rsa"),
        Just("ecdsa-sha2-nistp256"),
        Just("x"),
        Just(""),
    ];
    let blob = prop_oneof![Just(KEY_BLOB.to_owned()), "[A-Za-z0-9+/=]{0,80}"];
    prop_oneof![
        4 => (marker, host, key_type, blob)
            .prop_map(|(m, h, t, b)| format!("{m}{h} {t} {b}")),
        1 => "[ -~\t]{0,40}",
    ]
}

fn check_known_hosts(text: &str) -> Result<(), TestCaseError> {
    let known = KnownHosts::parse(Path::new(KNOWN_HOSTS), text);
    let line_count = text.lines().count();
    for problem in known.problems() {
        // `path:line: ...`
        let rest = problem.strip_prefix(&format!("{KNOWN_HOSTS}:"));
        prop_assert!(rest.is_some(), "{}", problem);
        let line: Option<usize> = rest
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok());
        prop_assert!(
            line.is_some_and(|l| (1..=line_count).contains(&l)),
            "{}",
            problem
        );
    }
    let key = russh::keys::parse_public_key_base64(KEY_BLOB).expect("a valid key");
    for host in ["h", "Example.COM", "127.0.0.1", ""] {
        for port in [22, 2222] {
            let _ = known.check(host, port, &key);
            let _ = known.recorded_algorithms(host, port);
            let _ = known.authorities_for(host, port);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn known_hosts_from_random_bytes_never_panics(text in random_text()) {
        check_known_hosts(&text)?;
    }

    #[test]
    fn valid_looking_known_hosts_never_panics_and_problems_name_file_and_line(
        text in lines(known_hosts_line()),
    ) {
        check_known_hosts(&text)?;
    }
}

fn ssh_config_line() -> impl Strategy<Value = String> {
    let keyword = prop_oneof![
        Just("Host"),
        Just("HostName"),
        Just("User"),
        Just("Port"),
        Just("IdentityFile"),
        Just("UserKnownHostsFile"),
        Just("ServerAliveInterval"),
        Just("ServerAliveCountMax"),
        Just("TCPKeepAlive"),
        Just("RemoteCommand"),
        Just("Match"),
        Just("ForwardAgent"),
    ];
    let argument = prop_oneof![
        Just("18446744073709551615".to_owned()),
        Just("99999999999999999999w".to_owned()),
        "[0-9]{1,20}[smhdw]?",
        "[a-z%~.*!-]{0,10}",
        Just("\"unterminated".to_owned()),
        Just("none".to_owned()),
    ];
    prop_oneof![
        4 => (keyword, prop::collection::vec(argument, 0..3), prop::bool::ANY).prop_map(
            |(k, args, equals)| {
                let joiner = if equals { "=" } else { " " };
                format!("{k}{joiner}{}", args.join(" "))
            }
        ),
        1 => "[ -~\t]{0,30}".prop_filter("no Include", |l| !l.to_ascii_lowercase().contains("include")),
    ]
}

fn check_ssh_config(text: &str) -> Result<(), TestCaseError> {
    let env = SshEnv {
        home: "/nonexistent-home".into(),
        local_user: "me".to_owned(),
    };
    let line_count = text.lines().count();
    match parse_ssh_config(text, Path::new(SSH_CONFIG), &env) {
        Ok(report) => {
            for skipped in &report.skipped {
                if let Some(origin) = &skipped.origin {
                    prop_assert_eq!(&origin.file, Path::new(SSH_CONFIG));
                    prop_assert!((1..=line_count).contains(&origin.line), "{}", skipped);
                    prop_assert!(skipped.to_string().starts_with(SSH_CONFIG), "{}", skipped);
                }
            }
        }
        Err(error) => prop_assert!(error.to_string().starts_with(SSH_CONFIG), "{}", error),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ssh_config_from_random_bytes_never_panics(
        text in random_text().prop_filter("no Include", |t| !t.to_ascii_lowercase().contains("include")),
    ) {
        check_ssh_config(&text)?;
    }

    #[test]
    fn valid_looking_ssh_config_never_panics_and_skips_name_file_and_line(
        text in lines(ssh_config_line()),
    ) {
        check_ssh_config(&text)?;
    }
}
