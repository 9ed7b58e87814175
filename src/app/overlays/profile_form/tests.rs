//! The profile form driven with keys, and what saving builds.

use super::build::parse_auth;
use super::*;
use crate::profiles::AuthMethod;
use crate::profiles::{
    AntiIdle, ClonePolicy, IdleStringMode, KeepaliveMode, NoopMode, ReconnectPolicy, TcpKeepalive,
};

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn ctrl_s() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
}

pub(crate) fn type_text(form: &mut ProfileForm, text: &str) {
    for c in text.chars() {
        assert_eq!(form.handle_key(key(KeyCode::Char(c))), FormOutcome::None);
    }
}

/// Moves focus to `field` with Tab, as a user would.
pub(crate) fn focus(form: &mut ProfileForm, field: FieldId) {
    for _ in 0..FieldId::ALL.len() {
        if form.focus() == field {
            return;
        }
        form.handle_key(key(KeyCode::Tab));
    }
    panic!("Tab never reached {field:?}");
}

/// Replaces the text of `field` by typing.
pub(crate) fn set_text(form: &mut ProfileForm, field: FieldId, text: &str) {
    focus(form, field);
    form.handle_key(key(KeyCode::End));
    for _ in 0..form.text(field).map_or(0, |t| t.chars().count()) {
        form.handle_key(key(KeyCode::Backspace));
    }
    type_text(form, text);
    assert_eq!(form.text(field), Some(text));
}

pub(crate) fn problem_list(form: &ProfileForm) -> Vec<String> {
    form.problems().iter().map(ToString::to_string).collect()
}

pub(crate) fn valid_form() -> ProfileForm {
    let profile = Profile {
        host: "example.net".to_owned(),
        ..Profile::default()
    };
    ProfileForm::new(&profile, Some("example".to_owned()))
}

#[test]
fn tab_and_arrows_move_between_fields() {
    let mut form = ProfileForm::new(&Profile::default(), None);
    assert_eq!(form.focus(), FieldId::Name);
    form.handle_key(key(KeyCode::Tab));
    assert_eq!(form.focus(), FieldId::Folder);
    form.handle_key(key(KeyCode::Down));
    assert_eq!(form.focus(), FieldId::Host);
    form.handle_key(key(KeyCode::Enter));
    assert_eq!(form.focus(), FieldId::Port);
    form.handle_key(key(KeyCode::Up));
    form.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(form.focus(), FieldId::Folder);

    // Up stops at the top; Shift-Tab wraps to the bottom, Tab wraps back.
    form.handle_key(key(KeyCode::Up));
    form.handle_key(key(KeyCode::Up));
    assert_eq!(form.focus(), FieldId::Name);
    form.handle_key(key(KeyCode::BackTab));
    assert_eq!(form.focus(), FieldId::ReconnectMaxAttempts);
    form.handle_key(key(KeyCode::Down));
    assert_eq!(form.focus(), FieldId::ReconnectMaxAttempts);
    form.handle_key(key(KeyCode::Tab));
    assert_eq!(form.focus(), FieldId::Name);
}

#[test]
fn typing_edits_the_focused_text_field_at_the_cursor() {
    let mut form = ProfileForm::new(&Profile::default(), None);
    focus(&mut form, FieldId::Host);
    type_text(&mut form, "exmple.net");
    for _ in 0..8 {
        form.handle_key(key(KeyCode::Left));
    }
    type_text(&mut form, "a");
    assert_eq!(form.text(FieldId::Host), Some("example.net"));
    form.handle_key(key(KeyCode::Home));
    form.handle_key(key(KeyCode::Delete));
    form.handle_key(key(KeyCode::End));
    form.handle_key(key(KeyCode::Backspace));
    assert_eq!(form.text(FieldId::Host), Some("xample.ne"));
    // Other fields are untouched.
    assert_eq!(form.text(FieldId::Name), Some(""));
    assert_eq!(form.text(FieldId::Port), Some("22"));
}

#[test]
fn space_toggles_booleans_and_cycles_the_spill_over_choice() {
    let mut form = valid_form();
    focus(&mut form, FieldId::IdleStringEnabled);
    form.handle_key(key(KeyCode::Char(' ')));
    focus(&mut form, FieldId::AntiIdleEnabled);
    form.handle_key(key(KeyCode::Char(' ')));
    focus(&mut form, FieldId::SpillOver);
    form.handle_key(key(KeyCode::Char(' ')));
    form.handle_key(key(KeyCode::Right));
    form.handle_key(key(KeyCode::Right));
    form.handle_key(key(KeyCode::Left));
    // ask → new-connection → never → ask → never
    let FormOutcome::Save { profile, .. } = form.handle_key(ctrl_s()) else {
        panic!("valid form must save: {:?}", form.problems());
    };
    assert!(profile.anti_idle.idle_string.enabled);
    assert!(!profile.anti_idle.enabled);
    assert_eq!(profile.clone.spill_over, SpillOver::Never);
}

#[test]
fn esc_cancels_and_save_keys_save() {
    let mut form = valid_form();
    assert_eq!(form.handle_key(key(KeyCode::Esc)), FormOutcome::Cancel);
    let expected = FormOutcome::Save {
        id: Some("example".to_owned()),
        profile: Profile {
            host: "example.net".to_owned(),
            ..Profile::default()
        },
    };
    assert_eq!(form.handle_key(ctrl_s()), expected);
    assert_eq!(form.handle_key(key(KeyCode::F(10))), expected);
    // Enter saves only on the last field.
    assert_eq!(form.handle_key(key(KeyCode::Enter)), FormOutcome::None);
    focus(&mut form, FieldId::ReconnectMaxAttempts);
    assert_eq!(form.handle_key(key(KeyCode::Enter)), expected);
}

#[test]
fn parse_errors_name_the_field_and_quote_the_input() {
    let mut form = valid_form();
    set_text(&mut form, FieldId::Port, "abc");
    set_text(&mut form, FieldId::Auth, "agent, passwd");
    set_text(&mut form, FieldId::KeepaliveMaxMisses, "-1");
    set_text(&mut form, FieldId::TcpCount, "99999999999");
    set_text(&mut form, FieldId::IdleString, r"\q");
    assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
    assert_eq!(
        problem_list(&form),
        [
            "port: must be a number from 1 to 65535, got \"abc\"",
            "auth: unknown method \"passwd\"; use agent, key, keyboard-interactive or password",
            "anti_idle.keepalive.max_misses: must be a whole number, 0 or more, got \"-1\"",
            "anti_idle.idle_string.string: unknown escape \\q: use \\xHH (00 to 7f), \\r, \\n, \\t or \\\\",
            "anti_idle.tcp.count: must be at most 4294967295, got \"99999999999\"",
        ]
    );
    assert_eq!(form.focus(), FieldId::Port);
    assert!(
        form.summary()
            .is_some_and(|s| s.starts_with("5 problems: port: must be a number"))
    );
}

#[test]
fn auth_words_are_case_insensitive_and_duplicates_are_refused() {
    assert_eq!(
        parse_auth(" Password ,agent,, keyboard-interactive "),
        Ok(vec![
            AuthMethod::Password,
            AuthMethod::Agent,
            AuthMethod::KeyboardInteractive
        ])
    );
    assert_eq!(
        parse_auth("key, key"),
        Err("\"key\" is listed twice".to_owned())
    );
}

#[test]
fn validation_errors_show_on_their_fields_and_focus_the_first() {
    let mut form = valid_form();
    set_text(&mut form, FieldId::Host, "");
    set_text(&mut form, FieldId::Port, "0");
    set_text(&mut form, FieldId::KeepaliveInterval, "0");
    set_text(&mut form, FieldId::Auth, " , ");
    assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
    assert_eq!(
        problem_list(&form),
        [
            "host: must not be empty",
            "port: must be between 1 and 65535",
            "auth: needs at least one method",
            "anti_idle.keepalive.interval_secs: must be at least 1 while the mode is enabled",
        ]
    );
    assert_eq!(form.focus(), FieldId::Host);
}

#[test]
fn a_zero_interval_is_fine_while_its_mode_is_off() {
    let mut form = valid_form();
    set_text(&mut form, FieldId::KeepaliveInterval, "0");
    focus(&mut form, FieldId::KeepaliveEnabled);
    form.handle_key(key(KeyCode::Char(' ')));
    assert!(matches!(
        form.handle_key(ctrl_s()),
        FormOutcome::Save { .. }
    ));
    assert!(form.problems().is_empty());
}

#[test]
fn fixing_the_problems_clears_them_and_saves() {
    let mut form = valid_form();
    set_text(&mut form, FieldId::Port, "x");
    assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
    assert_eq!(form.focus(), FieldId::Port);
    set_text(&mut form, FieldId::Port, "2222");
    assert!(matches!(
        form.handle_key(ctrl_s()),
        FormOutcome::Save { .. }
    ));
    assert!(form.problems().is_empty());
    assert_eq!(form.summary(), None);
}

#[test]
fn a_filled_in_new_profile_saves_exactly() {
    let mut form = ProfileForm::new(&Profile::default(), None);
    set_text(&mut form, FieldId::Name, " Prod DB ");
    set_text(&mut form, FieldId::Folder, "work/db");
    set_text(&mut form, FieldId::Host, "db.example.net");
    set_text(&mut form, FieldId::Port, "2222");
    set_text(&mut form, FieldId::User, "ops");
    set_text(&mut form, FieldId::Auth, "key, password");
    set_text(&mut form, FieldId::IdentityFile, "~/.ssh/prod");
    set_text(&mut form, FieldId::CertificateFile, "~/.ssh/prod-cert.pub");
    set_text(&mut form, FieldId::TerminalType, "xterm");
    set_text(&mut form, FieldId::KnownHostsFile, "/etc/ssh/known");
    set_text(&mut form, FieldId::Command, "tmux attach");
    set_text(&mut form, FieldId::Jump, " bastion,  ops@edge:2222 ,");
    set_text(&mut form, FieldId::NoopInterval, "45");
    set_text(&mut form, FieldId::KeepaliveInterval, "15");
    set_text(&mut form, FieldId::KeepaliveMaxMisses, "4");
    focus(&mut form, FieldId::IdleStringEnabled);
    form.handle_key(key(KeyCode::Char(' ')));
    set_text(&mut form, FieldId::IdleStringInterval, "240");
    set_text(&mut form, FieldId::IdleString, r" \x00\r\n\t\\");
    set_text(&mut form, FieldId::TcpIdle, "30");
    set_text(&mut form, FieldId::TcpInterval, "5");
    set_text(&mut form, FieldId::TcpCount, "3");
    set_text(&mut form, FieldId::TcpUserTimeout, "20");
    focus(&mut form, FieldId::SpillOver);
    form.handle_key(key(KeyCode::Char(' ')));
    set_text(&mut form, FieldId::LingerSecs, "600");
    set_text(&mut form, FieldId::ReconnectMaxAttempts, "5");

    let expected = Profile {
        builtin_demo: false,
        jump: vec!["bastion".to_owned(), "ops@edge:2222".to_owned()],
        proxy_command: None,
        forward_agent: false,
        forward: Vec::new(),
        log: crate::profiles::LogSettings::default(),
        name: "Prod DB".to_owned(),
        folder: "work/db".to_owned(),
        host: "db.example.net".to_owned(),
        port: 2222,
        user: Some("ops".to_owned()),
        auth: vec![AuthMethod::Key, AuthMethod::Password],
        identity_file: Some(PathBuf::from("~/.ssh/prod")),
        certificate_file: Some(PathBuf::from("~/.ssh/prod-cert.pub")),
        terminal_type: "xterm".to_owned(),
        known_hosts_file: Some(PathBuf::from("/etc/ssh/known")),
        command: Some("tmux attach".to_owned()),
        anti_idle: AntiIdle {
            enabled: true,
            noop: NoopMode {
                enabled: true,
                interval_secs: 45,
            },
            keepalive: KeepaliveMode {
                enabled: true,
                interval_secs: 15,
                max_misses: 4,
            },
            idle_string: IdleStringMode {
                enabled: true,
                interval_secs: 240,
                string: " \u{0}\r\n\t\\".to_owned(),
            },
            tcp: TcpKeepalive {
                enabled: true,
                idle_secs: 30,
                interval_secs: 5,
                count: 3,
                user_timeout_secs: 20,
            },
        },
        clone: ClonePolicy {
            spill_over: SpillOver::NewConnection,
            linger_secs: 600,
        },
        reconnect: ReconnectPolicy {
            enabled: true,
            max_attempts: 5,
        },
        ..Profile::default()
    };
    assert_eq!(
        form.handle_key(key(KeyCode::Enter)),
        FormOutcome::Save {
            id: None,
            profile: expected
        }
    );
}

#[test]
fn an_unchanged_profile_round_trips_through_the_form() {
    let mut profile = Profile {
        name: "Box".to_owned(),
        host: "box".to_owned(),
        user: Some("me".to_owned()),
        identity_file: Some(PathBuf::from("/k")),
        command: Some("top".to_owned()),
        ..Profile::default()
    };
    profile.anti_idle.idle_string.string = "ls\r\u{1b}".to_owned();
    let mut form = ProfileForm::new(&profile, Some("box".to_owned()));
    assert_eq!(form.text(FieldId::IdleString), Some(r"ls\r\x1b"));
    assert_eq!(
        form.handle_key(ctrl_s()),
        FormOutcome::Save {
            id: Some("box".to_owned()),
            profile
        }
    );
}

#[test]
fn every_validation_path_maps_to_a_form_field() {
    let mut profile = Profile {
        folder: "/x".to_owned(),
        user: Some(String::new()),
        auth: Vec::new(),
        terminal_type: String::new(),
        port: 0,
        ..Profile::default()
    };
    let idle = &mut profile.anti_idle;
    idle.idle_string.enabled = true;
    idle.idle_string.string.clear();
    idle.noop.interval_secs = 0;
    idle.keepalive.interval_secs = 0;
    idle.keepalive.max_misses = 0;
    idle.idle_string.interval_secs = 0;
    idle.tcp.idle_secs = 0;
    idle.tcp.interval_secs = 0;
    idle.tcp.count = 0;
    let errors = profile.validate().expect_err("everything is wrong");
    for error in errors {
        assert!(FieldId::from_path(error.field).is_some(), "{}", error.field);
    }
}
