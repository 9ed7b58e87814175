//! Reconnect: a lost connection comes back with its whole group of tabs, on one new
//! connection under the same id, one login.

use std::time::{Duration, Instant};

use super::*;

/// Three tabs on connection 1 (the first and two clones), all open.
fn group_of_three(model: &mut Model) -> Vec<TabId> {
    connected(model);
    for _ in 0..2 {
        update(model, prefix());
        let effects = update(model, key(KeyCode::Char('c')));
        let [Effect::OpenChannel { tab, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let tab = *tab;
        net(
            model,
            NetEvent::ChannelOpened {
                tab,
                connection: ConnectionId(1),
            },
        );
    }
    model.tabs.iter().map(|tab| tab.id).collect()
}

fn lose(model: &mut Model, cause: LossCause, at: Instant) -> Vec<Effect> {
    net(
        model,
        NetEvent::ConnectionLost {
            connection: ConnectionId(1),
            cause,
            at,
        },
    )
}

fn failed(model: &mut Model, permanent: bool, at: Instant) -> Vec<Effect> {
    net(
        model,
        NetEvent::ConnectFailed {
            connection: ConnectionId(1),
            error: "connection refused".into(),
            cancelled: false,
            permanent,
            at,
        },
    )
}

fn due(model: &mut Model, attempt: u32) -> Vec<Effect> {
    update(
        model,
        Msg::ReconnectDue {
            connection: ConnectionId(1),
            attempt,
        },
    )
}

fn states(model: &Model) -> Vec<TabState> {
    model.tabs.iter().map(|tab| tab.state.clone()).collect()
}

#[test]
fn the_whole_group_comes_back_on_one_new_connection_with_a_marker_in_each_tab() {
    let mut model = model();
    let tabs = group_of_three(&mut model);
    let lost_at = Instant::now();
    let effects = lose(&mut model, LossCause::Reset, lost_at);
    let forgotten = effects
        .iter()
        .filter(|e| matches!(e, Effect::CloseChannel { .. }))
        .count();
    assert_eq!(forgotten, 3, "the dead channels are let go: {effects:?}");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::ScheduleReconnect { connection: ConnectionId(1), attempt: 1, delay }
            if *delay == Duration::from_secs(1)
    )));
    assert_eq!(states(&model), vec![TabState::Reconnecting; 3]);
    assert!(model.shows_a_clock(), "the countdown ticks");

    // One attempt: one Connect, the same id, its questions in the active tab.
    let effects = due(&mut model, 1);
    let [
        Effect::Connect {
            connection, tab, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*connection, ConnectionId(1));
    assert_eq!(*tab, model.tabs[model.active].id);
    assert!(
        due(&mut model, 1).is_empty(),
        "a stale wake-up does nothing"
    );

    // Up again after 14 s: every tab asks for a channel on it, and says what happened.
    let effects = connection_up(&mut model, lost_at + Duration::from_secs(14));
    let reopened: Vec<TabId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::OpenChannel {
                tab,
                connection: ConnectionId(1),
                pty,
                ..
            } => {
                assert_eq!(
                    (pty.cols, pty.rows, pty.term.as_str()),
                    (100, 28, "xterm-256color")
                );
                Some(*tab)
            }
            _ => None,
        })
        .collect();
    assert_eq!(reopened, tabs);
    let info = &model.connections[&ConnectionId(1)];
    assert!(info.is_up());
    assert_eq!(
        info.sessions, 3,
        "counted against the new connection's budget"
    );
    assert_eq!(
        info.reconnects,
        [Reconnected {
            cause: LossCause::Reset,
            after: Duration::from_secs(14)
        }]
    );
    for tab in &model.tabs {
        let shown = tab.terminal.contents();
        assert!(
            shown.contains("-- reconnected after 14 s: connection reset"),
            "{shown}"
        );
        assert_eq!(tab.state, TabState::Opening);
    }
    for tab in tabs {
        net(
            &mut model,
            NetEvent::ChannelOpened {
                tab,
                connection: ConnectionId(1),
            },
        );
    }
    assert_eq!(states(&model), vec![TabState::Open; 3]);
}

#[test]
fn a_shell_that_exited_does_not_come_back() {
    let mut model = model();
    let tabs = group_of_three(&mut model);
    net(
        &mut model,
        NetEvent::ChannelEnded {
            tab: tabs[0],
            end: ChannelEnd::Exited(0),
        },
    );
    lose(&mut model, LossCause::ServerClosed, Instant::now());
    due(&mut model, 1);
    let effects = connection_up(&mut model, Instant::now());
    let reopened = effects
        .iter()
        .filter(|e| matches!(e, Effect::OpenChannel { .. }))
        .count();
    assert_eq!(reopened, 2);
    assert_eq!(
        model.tab_mut(tabs[0]).unwrap().state,
        TabState::Ended(Ending::Channel(ChannelEnd::Exited(0)))
    );
}

#[test]
fn failed_attempts_wait_longer_each_time_until_the_attempts_run_out() {
    let mut model = model();
    connected(&mut model);
    edit_web(&mut model, |web| web.reconnect.max_attempts = 3);
    let at = Instant::now();
    lose(&mut model, LossCause::TcpTimeout, at);
    let mut delays = Vec::new();
    for attempt in 1..=2 {
        due(&mut model, attempt);
        let effects = failed(&mut model, false, at);
        let [
            Effect::ScheduleReconnect {
                attempt: next,
                delay,
                ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!(*next, attempt + 1);
        delays.push(delay.as_secs());
        let reconnect = model.connections[&ConnectionId(1)].reconnect().unwrap();
        assert_eq!(reconnect.last_error.as_deref(), Some("connection refused"));
    }
    assert_eq!(delays, [2, 4]);
    due(&mut model, 3);
    let effects = failed(&mut model, false, at);
    assert!(matches!(
        effects.as_slice(),
        [Effect::CancelConnect {
            connection: ConnectionId(1)
        }]
    ));
    assert_eq!(
        model.tabs[0].state,
        TabState::Ended(Ending::ReconnectStopped {
            cause: LossCause::TcpTimeout,
            error: Some("connection refused".into())
        })
    );
    assert!(model.connections.is_empty());
}

#[test]
fn a_connection_that_was_up_a_while_is_tried_again_at_once_then_after_one_second() {
    let mut model = model();
    connected(&mut model);
    let since = match model.connections[&ConnectionId(1)].phase {
        LinkPhase::Up { since } => since,
        ref other => panic!("{other:?}"),
    };
    let at = since + crate::app::reconnect::STEADY_UPTIME;
    let effects = lose(&mut model, LossCause::Reset, at);
    let connects = effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Connect {
                    connection: ConnectionId(1),
                    ..
                }
            )
        })
        .count();
    assert_eq!(connects, 1, "no wait before the first attempt: {effects:?}");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ScheduleReconnect { .. })),
        "{effects:?}"
    );
    let effects = failed(&mut model, false, at);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::ScheduleReconnect { attempt: 2, delay, .. }] if delay.as_secs() == 1
        ),
        "{effects:?}"
    );
}

#[test]
fn a_refused_login_or_changed_host_key_stops_at_once() {
    let mut model = model();
    connected(&mut model);
    lose(&mut model, LossCause::Reset, Instant::now());
    due(&mut model, 1);
    failed(&mut model, true, Instant::now());
    assert!(matches!(
        model.tabs[0].state,
        TabState::Ended(Ending::ReconnectStopped { .. })
    ));
}

#[test]
fn retry_now_skips_the_wait_and_esc_stops() {
    let mut model = model();
    connected(&mut model);
    lose(&mut model, LossCause::Reset, Instant::now());
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('r')));
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { .. }]),
        "{effects:?}"
    );
    update(&mut model, prefix());
    assert!(update(&mut model, key(KeyCode::Char('r'))).is_empty());
    assert_eq!(model.notice, Some(Notice::AlreadyReconnecting));

    let effects = update(&mut model, key(KeyCode::Esc));
    assert!(matches!(effects.as_slice(), [Effect::CancelConnect { .. }]));
    assert_eq!(
        model.tabs[0].state,
        TabState::Ended(Ending::ReconnectStopped {
            cause: LossCause::Reset,
            error: None
        })
    );
}

#[test]
fn closing_the_last_waiting_tab_stops_reconnecting() {
    let mut model = model();
    group_of_three(&mut model);
    lose(&mut model, LossCause::Reset, Instant::now());
    for left in (0..3).rev() {
        update(&mut model, prefix());
        let effects = update(&mut model, key(KeyCode::Char('x')));
        let stopped = matches!(effects.as_slice(), [Effect::CancelConnect { .. }]);
        assert_eq!(stopped, left == 0, "{effects:?}");
    }
    assert!(model.connections.is_empty());
}

#[test]
fn a_server_that_now_allows_fewer_sessions_spills_the_rest_over() {
    let mut model = model();
    let tabs = group_of_three(&mut model);
    with_spill_over(&mut model, crate::profiles::SpillOver::NewConnection);
    lose(&mut model, LossCause::ServerClosed, Instant::now());
    due(&mut model, 1);
    connection_up(&mut model, Instant::now());
    net(
        &mut model,
        NetEvent::ChannelOpened {
            tab: tabs[0],
            connection: ConnectionId(1),
        },
    );
    let effects = net(
        &mut model,
        NetEvent::ChannelRefused {
            tab: tabs[1],
            connection: ConnectionId(1),
            code: 2,
            description: "open failed".into(),
        },
    );
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Connect { tab, connection: ConnectionId(2), .. } if *tab == tabs[1]
        )),
        "the tab goes to a new connection: {effects:?}"
    );
    assert_eq!(model.tab_mut(tabs[1]).unwrap().state, TabState::Connecting);
    net(
        &mut model,
        NetEvent::ChannelRefused {
            tab: tabs[2],
            connection: ConnectionId(1),
            code: 2,
            description: "open failed".into(),
        },
    );
    assert_eq!(
        model.connections[&ConnectionId(1)].server_limit,
        Some(1),
        "the last refusal learns the real limit"
    );
}

#[test]
fn reopening_an_ended_tab_joins_a_live_connection_of_its_profile() {
    let mut model = model();
    let tabs = group_of_three(&mut model);
    net(
        &mut model,
        NetEvent::ChannelEnded {
            tab: tabs[2],
            end: ChannelEnd::Exited(0),
        },
    );
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('r')));
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
}

#[test]
fn the_inspector_closes_the_connection_and_its_tabs_after_asking() {
    let mut model = model();
    group_of_three(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('i')));
    assert!(matches!(
        model.overlay,
        Some(Overlay::Inspector { closing: false, .. })
    ));
    assert!(update(&mut model, key(KeyCode::Char('x'))).is_empty());
    assert!(matches!(
        model.overlay,
        Some(Overlay::Inspector { closing: true, .. })
    ));
    let effects = update(&mut model, key(KeyCode::Char('y')));
    let closed = effects
        .iter()
        .filter(|e| matches!(e, Effect::CloseChannel { .. }))
        .count();
    assert_eq!(closed, 3);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::ReleaseConnection {
            connection: ConnectionId(1),
            linger_secs: 0
        }
    )));
    assert_eq!(
        states(&model),
        vec![TabState::Ended(Ending::ConnectionClosed); 3]
    );
}

#[test]
fn the_marker_goes_below_what_was_shown_and_a_full_screen_program_is_left() {
    let mut model = model();
    let tab = connected(&mut model);
    output(
        &mut model,
        tab,
        b"$ uptime\r\n up 3 days\r\n$ vim notes\r\n\x1b[?1049h\x1b[2Jin vim",
    );
    let lost_at = Instant::now();
    lose(&mut model, LossCause::Reset, lost_at);
    due(&mut model, 1);
    let effects = connection_up(&mut model, lost_at + Duration::from_secs(2));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::HoldIdleString { hold: false, .. })),
        "the full-screen program is gone: {effects:?}"
    );
    let terminal = &model.tabs[0].terminal;
    assert!(!terminal.alternate_screen());
    let shown = terminal.contents();
    let before = shown.find("up 3 days").expect("what was shown stays");
    let marker = shown
        .find("-- reconnected after 2 s")
        .expect("the marker shows");
    assert!(before < marker, "{shown}");
}
