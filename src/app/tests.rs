//! `update` driven with messages, checking the model and the effects it asks for.

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::oneshot;

use super::*;
use crate::input::keymap::Keymap;
use crate::profiles::{Profile, StoredProfile};
use crate::ssh::{Answer, HostKeyDecision, Prompt};

fn stored(id: &str) -> StoredProfile {
    StoredProfile {
        id: id.to_owned(),
        path: format!("/sessions/{id}.toml").into(),
        profile: Profile {
            name: id.to_owned(),
            host: format!("{id}.example"),
            ..Profile::default()
        },
    }
}

fn model() -> Model {
    let mut model = Model::new(Keymap::default(), 100, 30);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("web"), stored("db")],
            failures: Vec::new(),
        },
    );
    model
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn prefix() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('\\'), KeyModifiers::CONTROL))
}

fn net(model: &mut Model, event: NetEvent) -> Vec<Effect> {
    update(model, Msg::Net(event))
}

/// Opens the `web` profile and returns the new tab, which is connecting.
fn start_tab(model: &mut Model) -> TabId {
    let effects = update(
        model,
        Msg::Start {
            open: vec![stored("web")],
        },
    );
    match effects.as_slice() {
        [Effect::Connect { tab, .. }] => *tab,
        other => panic!("expected Connect, got {other:?}"),
    }
}

/// A model with one open tab on connection 1; returns the tab id.
fn connected(model: &mut Model) -> TabId {
    let tab = start_tab(model);
    let effects = net(
        model,
        NetEvent::Connected {
            activity: Default::default(),
            tab,
            connection: ConnectionId(1),
            target: "me@web.example".to_owned(),
        },
    );
    match effects.as_slice() {
        [
            Effect::OpenChannel {
                connection, pty, ..
            },
        ] => {
            assert_eq!(*connection, ConnectionId(1));
            assert_eq!(
                (pty.cols, pty.rows),
                (100, 28),
                "screen less tab bar and status bar"
            );
        }
        other => panic!("expected OpenChannel, got {other:?}"),
    }
    net(
        model,
        NetEvent::ChannelOpened {
            tab,
            connection: ConnectionId(1),
        },
    );
    assert_eq!(model.tab_mut(tab).unwrap().state, TabState::Open);
    tab
}

#[test]
fn starting_with_nothing_to_open_shows_the_session_manager() {
    let mut model = model();
    let effects = update(&mut model, Msg::Start { open: Vec::new() });
    assert!(effects.is_empty());
    assert!(matches!(model.overlay, Some(Overlay::SessionManager(_))));
}

#[test]
fn keys_go_to_the_remote_and_the_prefix_twice_sends_the_prefix() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = update(&mut model, key(KeyCode::Char('a')));
    assert!(
        matches!(effects.as_slice(), [Effect::Write { tab: t, bytes }] if *t == tab && bytes == b"a")
    );
    let effects = update(&mut model, key(KeyCode::Up));
    assert!(matches!(effects.as_slice(), [Effect::Write { bytes, .. }] if bytes == b"\x1b[A"));

    assert!(update(&mut model, prefix()).is_empty());
    assert!(model.prefix_pending);
    let effects = update(&mut model, prefix());
    assert!(matches!(effects.as_slice(), [Effect::Write { bytes, .. }] if bytes == b"\x1c"));
    assert!(!model.prefix_pending);
}

#[test]
fn clone_opens_a_channel_on_the_same_connection_and_counts_it() {
    let mut model = model();
    let source = connected(&mut model);
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('c')));
    let [
        Effect::OpenChannel {
            tab, connection, ..
        },
    ] = effects.as_slice()
    else {
        panic!("expected OpenChannel, got {effects:?}");
    };
    assert_eq!(*connection, ConnectionId(1));
    assert_ne!(*tab, source);
    assert_eq!(model.tabs.len(), 2);
    assert_eq!(model.active, 1, "the clone is focused");
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 2);
    assert_eq!(model.tabs[1].target, "me@web.example");
}

/// Clones the active tab and has the server refuse it with `code`; returns the effects of the
/// refusal.
fn refuse_a_clone(model: &mut Model, code: u32) -> Vec<Effect> {
    update(model, prefix());
    let effects = update(model, key(KeyCode::Char('c')));
    let [Effect::OpenChannel { tab: clone, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    net(
        model,
        NetEvent::ChannelRefused {
            tab: *clone,
            connection: ConnectionId(1),
            code,
            error: "the server refused to open a session channel: connect failed (open failed)"
                .to_owned(),
        },
    )
}

fn with_spill_over(model: &mut Model, policy: crate::profiles::SpillOver) {
    for tab in &mut model.tabs {
        tab.profile.profile.clone.spill_over = policy;
    }
}

#[test]
fn a_refused_clone_leaves_no_tab_learns_the_limit_and_asks() {
    let mut model = model();
    connected(&mut model);
    refuse_a_clone(&mut model, 2);
    assert_eq!(model.tabs.len(), 1, "no half-made tab");
    let info = &model.connections[&ConnectionId(1)];
    assert_eq!((info.sessions, info.server_limit), (1, Some(1)));
    let Some(Overlay::SpillOver { message, .. }) = &model.overlay else {
        panic!("the default policy asks: {:?}", model.overlay);
    };
    assert!(
        message.contains("allows 1 session per connection (OpenSSH: MaxSessions)"),
        "{message}"
    );
    assert!(message.contains("open failed"), "{message}");

    // Enter: the tab opens on a new connection, which logs in again.
    let effects = update(&mut model, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { .. }]),
        "{effects:?}"
    );
    assert_eq!(model.tabs.len(), 2);
    assert!(model.overlay.is_none());
}

#[test]
fn a_known_full_budget_is_reported_before_trying() {
    let mut model = model();
    connected(&mut model);
    refuse_a_clone(&mut model, 2);
    update(&mut model, key(KeyCode::Esc));
    assert_eq!(model.notice.as_deref(), Some("clone cancelled"));
    assert_eq!(model.tabs.len(), 1);

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('c')));
    assert!(effects.is_empty(), "no channel is asked for: {effects:?}");
    assert!(matches!(model.overlay, Some(Overlay::SpillOver { .. })));
}

#[test]
fn spill_over_policies_new_connection_and_never() {
    let mut model = model();
    connected(&mut model);
    with_spill_over(&mut model, crate::profiles::SpillOver::NewConnection);
    let effects = refuse_a_clone(&mut model, 2);
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { .. }]),
        "{effects:?}"
    );
    assert!(model.overlay.is_none());
    assert!(
        model
            .notice
            .as_deref()
            .unwrap()
            .contains("opening a new connection")
    );

    let mut model = self::model();
    connected(&mut model);
    with_spill_over(&mut model, crate::profiles::SpillOver::Never);
    let effects = refuse_a_clone(&mut model, 4);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tabs.len(), 1);
    assert!(
        model
            .notice
            .as_deref()
            .unwrap()
            .contains("no channels left"),
        "{:?}",
        model.notice
    );
}

#[test]
fn a_lingering_connection_is_reused_by_the_next_open_and_closed_when_its_time_is_up() {
    let mut model = model();
    let tab = connected(&mut model);
    model
        .tab_mut(tab)
        .unwrap()
        .profile
        .profile
        .clone
        .linger_secs = 30;
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::CloseChannel { .. },
            Effect::ReleaseConnection {
                linger_secs: 30,
                ..
            }
        ]
    ));
    assert_eq!(
        model.connections[&ConnectionId(1)].sessions,
        0,
        "kept, unused"
    );

    // Opening the profile again within the linger time: a channel, no new login.
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec![stored("web")],
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::OpenChannel {
                connection: ConnectionId(1),
                ..
            }]
        ),
        "{effects:?}"
    );
    assert!(
        update(
            &mut model,
            Msg::LingerExpired {
                connection: ConnectionId(1)
            }
        )
        .is_empty()
    );
    for tab in &mut model.tabs {
        tab.profile.profile.clone.linger_secs = 30;
    }

    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('x')));
    let effects = update(
        &mut model,
        Msg::LingerExpired {
            connection: ConnectionId(1),
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::ReleaseConnection {
            connection: ConnectionId(1),
            linger_secs: 0
        }]
    ));
    assert!(model.connections.is_empty());
}

#[test]
fn closing_tabs_closes_channels_and_the_last_releases_the_connection() {
    let mut model = model();
    connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('c')));
    let clone = model.tabs[1].id;
    net(
        &mut model,
        NetEvent::ChannelOpened {
            tab: clone,
            connection: ConnectionId(1),
        },
    );

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert!(matches!(effects.as_slice(), [Effect::CloseChannel { tab }] if *tab == clone));
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 1);

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::CloseChannel { .. },
            Effect::ReleaseConnection {
                connection: ConnectionId(1),
                linger_secs: 0
            }
        ]
    ));
    assert!(model.tabs.is_empty());
}

#[test]
fn an_ended_channel_says_why_and_leaves_other_tabs_alone() {
    let mut model = model();
    let first = connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('c')));
    let clone = model.tabs[1].id;
    net(
        &mut model,
        NetEvent::ChannelOpened {
            tab: clone,
            connection: ConnectionId(1),
        },
    );
    net(
        &mut model,
        NetEvent::ChannelEnded {
            tab: first,
            reason: "exited with status 3".to_owned(),
        },
    );
    assert_eq!(
        model.tab_mut(first).unwrap().state,
        TabState::Ended("exited with status 3".to_owned())
    );
    assert_eq!(model.tab_mut(clone).unwrap().state, TabState::Open);

    net(
        &mut model,
        NetEvent::ConnectionLost {
            connection: ConnectionId(1),
            reason: "reset".to_owned(),
        },
    );
    assert_eq!(
        model.tab_mut(clone).unwrap().state,
        TabState::Ended("connection lost: reset".to_owned())
    );
    assert_eq!(
        model.tab_mut(first).unwrap().state,
        TabState::Ended("exited with status 3".to_owned())
    );
}

#[test]
fn output_reaches_the_terminal_and_the_remote_title_names_the_tab() {
    let mut model = model();
    let tab = connected(&mut model);
    net(
        &mut model,
        NetEvent::Output {
            tab,
            bytes: Bytes::from_static(b"\x1b]2;vim notes.txt\x07hello"),
        },
    );
    let tab = model.tab_mut(tab).unwrap();
    assert!(tab.terminal.contents().contains("hello"));
    assert_eq!(tab.title(), "vim notes.txt");
}

#[test]
fn secrets_are_typed_into_the_prompt_and_esc_cancels() {
    let mut model = model();
    let tab = start_tab(&mut model);

    let (sender, mut receiver) = oneshot::channel();
    let prompt = Prompt::Password {
        user: "me".into(),
        host_port: "web.example".into(),
        attempt: 1,
    };
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt: prompt.clone(),
            reply: PromptReply::new(sender),
        },
    );
    for c in "s3cret".chars() {
        assert!(
            update(&mut model, key(KeyCode::Char(c))).is_empty(),
            "typing sends nothing"
        );
    }
    update(&mut model, key(KeyCode::Backspace));
    update(&mut model, key(KeyCode::Char('T')));
    let effects = update(&mut model, key(KeyCode::Enter));
    for effect in effects {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::Secret("s3creT".into())
    );

    let (sender, mut receiver) = oneshot::channel();
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt,
            reply: PromptReply::new(sender),
        },
    );
    let effects = update(&mut model, key(KeyCode::Esc));
    for effect in effects {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(receiver.try_recv().unwrap(), Answer::Cancel);
    net(
        &mut model,
        NetEvent::ConnectFailed {
            tab,
            error: "password was not answered".into(),
            cancelled: true,
        },
    );
    assert!(matches!(
        model.tab_mut(tab).unwrap().state,
        TabState::Cancelled(_)
    ));
}

#[test]
fn host_key_questions_take_y_o_n() {
    let mut model = model();
    let tab = start_tab(&mut model);
    let (sender, mut receiver) = oneshot::channel();
    let prompt = Prompt::UnknownHostKey {
        host_port: "web.example".into(),
        key_type: "ssh-ed25519".into(),
        fingerprint: "SHA256:x".into(),
        known_hosts: "/k".into(),
        other_types: Vec::new(),
    };
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt,
            reply: PromptReply::new(sender),
        },
    );
    assert!(update(&mut model, key(KeyCode::Char('z'))).is_empty());
    for effect in update(&mut model, key(KeyCode::Char('o'))) {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::HostKey(HostKeyDecision::AcceptOnce)
    );
}

#[test]
fn resizing_resizes_every_terminal_and_open_channel() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = update(
        &mut model,
        Msg::Resize {
            cols: 120,
            rows: 40,
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::ResizeChannel { tab: t, cols: 120, rows: 38 }] if *t == tab
    ));
    assert_eq!(model.tab_mut(tab).unwrap().terminal.size(), (38, 120));
}

#[test]
fn quitting_with_open_sessions_asks_first() {
    let mut model = model();
    connected(&mut model);
    update(&mut model, prefix());
    assert!(update(&mut model, key(KeyCode::Char('q'))).is_empty());
    assert!(matches!(model.overlay, Some(Overlay::ConfirmQuit)));
    assert!(update(&mut model, key(KeyCode::Char('n'))).is_empty());
    assert!(model.overlay.is_none());
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('q')));
    assert!(matches!(
        update(&mut model, key(KeyCode::Char('y'))).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn tabs_switch_rename_and_toggle_anti_idle_saves_the_profile() {
    let mut model = model();
    connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('c')));
    assert_eq!(model.active, 1);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('1')));
    assert_eq!(model.active, 0);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('p')));
    assert_eq!(model.active, 1, "previous wraps around");

    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char(',')));
    for _ in 0..10 {
        update(&mut model, key(KeyCode::Backspace));
    }
    for c in "prod".chars() {
        update(&mut model, key(KeyCode::Char(c)));
    }
    update(&mut model, key(KeyCode::Enter));
    assert_eq!(model.tabs[1].title(), "prod");

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('a')));
    let [Effect::SaveProfile { id, profile }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(id.as_deref(), Some("web"));
    assert!(!profile.anti_idle.enabled);
    assert!(
        model
            .tabs
            .iter()
            .all(|t| !t.profile.profile.anti_idle.enabled)
    );
}

#[test]
fn keys_typed_while_the_channel_opens_are_sent_once_it_is_open() {
    let mut model = model();
    let tab = start_tab(&mut model);
    // While connecting, keys are dropped: they may be a password for a prompt still to come.
    assert!(update(&mut model, key(KeyCode::Char('x'))).is_empty());
    net(
        &mut model,
        NetEvent::Connected {
            activity: Default::default(),
            tab,
            connection: ConnectionId(1),
            target: "t".into(),
        },
    );
    assert!(update(&mut model, key(KeyCode::Char('l'))).is_empty());
    assert!(update(&mut model, key(KeyCode::Char('s'))).is_empty());
    let effects = net(
        &mut model,
        NetEvent::ChannelOpened {
            tab,
            connection: ConnectionId(1),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Write { bytes, .. }] if bytes == b"ls"),
        "{effects:?}"
    );
}

#[test]
fn a_tab_still_opening_its_channel_can_be_cloned() {
    let mut model = model();
    let tab = start_tab(&mut model);
    update(&mut model, prefix());
    assert!(
        update(&mut model, key(KeyCode::Char('c'))).is_empty(),
        "not connected yet"
    );
    net(
        &mut model,
        NetEvent::Connected {
            activity: Default::default(),
            tab,
            connection: ConnectionId(1),
            target: "t".into(),
        },
    );
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('c')));
    assert!(matches!(
        effects.as_slice(),
        [Effect::OpenChannel {
            connection: ConnectionId(1),
            ..
        }]
    ));
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 2);
}

#[test]
fn anti_idle_reports_show_in_the_model_and_a_dead_connection_ends_its_tabs() {
    let mut model = model();
    let tab = connected(&mut model);
    let report = |report| {
        Msg::Net(NetEvent::AntiIdle {
            connection: ConnectionId(1),
            report,
        })
    };
    update(
        &mut model,
        report(crate::anti_idle::Report::Reply {
            rtt: std::time::Duration::from_millis(7),
        }),
    );
    update(
        &mut model,
        report(crate::anti_idle::Report::Miss { misses: 2, max: 3 }),
    );
    let info = &model.connections[&ConnectionId(1)];
    assert_eq!(
        (info.rtt, info.misses),
        (Some(std::time::Duration::from_millis(7)), (2, 3))
    );
    let status = crate::ui::status_bar::AntiIdleStatus::of(true, Some(info)).to_string();
    assert!(
        status.contains("rtt 7ms") && status.contains("missed 2/3"),
        "{status}"
    );

    update(
        &mut model,
        report(crate::anti_idle::Report::Dead {
            reason: "3 keepalive(s) in a row unanswered".into(),
        }),
    );
    let TabState::Ended(reason) = &model.tab_mut(tab).unwrap().state else {
        panic!()
    };
    assert!(
        reason.contains("declared dead by anti-idle: 3 keepalive(s)"),
        "{reason}"
    );
    // The loss that follows does not hide which check failed.
    net(
        &mut model,
        NetEvent::ConnectionLost {
            connection: ConnectionId(1),
            reason: "reset".into(),
        },
    );
    let TabState::Ended(reason) = &model.tab_mut(tab).unwrap().state else {
        panic!()
    };
    assert!(reason.contains("declared dead"), "{reason}");
}

#[test]
fn the_idle_string_is_held_while_a_full_screen_program_runs() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = net(
        &mut model,
        NetEvent::Output {
            tab,
            bytes: Bytes::from_static(b"\x1b[?1049h"),
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::HoldIdleString { hold: true, .. }]
        ),
        "{effects:?}"
    );
    assert!(
        net(
            &mut model,
            NetEvent::Output {
                tab,
                bytes: Bytes::from_static(b"text")
            }
        )
        .is_empty()
    );
    let effects = net(
        &mut model,
        NetEvent::Output {
            tab,
            bytes: Bytes::from_static(b"\x1b[?1049l"),
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::HoldIdleString { hold: false, .. }]
        ),
        "{effects:?}"
    );
}
