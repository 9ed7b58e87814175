//! Connections and profiles: how tabs end, anti-idle reports, edits reaching open tabs.

use super::*;

#[test]
fn an_ended_channel_says_why_and_leaves_other_tabs_alone() {
    let mut model = model();
    let first = connected(&mut model);
    without_reconnect(&mut model);
    let clone = open_clone(&mut model);
    net(
        &mut model,
        NetEvent::ChannelEnded {
            tab: first,
            end: ChannelEnd::Exited(3),
        },
    );
    let exited = TabState::Ended(Ending::Channel(ChannelEnd::Exited(3)));
    assert_eq!(model.tab_mut(first).unwrap().state, exited);
    assert_eq!(model.tab_mut(clone).unwrap().state, TabState::Open);

    net(
        &mut model,
        NetEvent::ConnectionLost {
            at: std::time::Instant::now(),
            connection: ConnectionId(1),
            cause: LossCause::Reset,
        },
    );
    assert_eq!(
        model.tab_mut(clone).unwrap().state,
        TabState::Ended(Ending::ConnectionLost(LossCause::Reset))
    );
    assert_eq!(model.tab_mut(first).unwrap().state, exited);
}

#[test]
fn an_edited_profile_reaches_its_open_tabs_at_once() {
    let mut model = model();
    connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('c')));
    edit_web(&mut model, |web| {
        web.name = "Web (prod)".to_owned();
        web.anti_idle.enabled = false;
    });
    let tab = &model.tabs[0];
    let profile = model.profile_of(tab).unwrap();
    assert!(!profile.profile.anti_idle.enabled);
    assert!(
        model
            .tabs
            .iter()
            .all(|tab| model.tab_title(tab) == "Web (prod)")
    );
}

#[test]
fn reopening_an_ended_tab_uses_the_profile_as_it_is_now() {
    let mut model = model();
    let tab = connected(&mut model);
    without_reconnect(&mut model);
    net(
        &mut model,
        NetEvent::ConnectionLost {
            at: std::time::Instant::now(),
            connection: ConnectionId(1),
            cause: LossCause::Reset,
        },
    );
    edit_web(&mut model, |web| {
        web.host = "web2.example".to_owned();
        web.reconnect.enabled = false;
    });
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('r')));
    let [
        Effect::Connect {
            tab: reopened,
            profile,
            connection,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*reopened, tab);
    assert_eq!(
        *connection,
        ConnectionId(2),
        "a new connection, minted by the model"
    );
    assert_eq!(profile.profile.host, "web2.example");
}

#[test]
fn a_deleted_profile_keeps_serving_its_open_tab() {
    let mut model = model();
    let tab = connected(&mut model);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("db")],
            failures: Vec::new(),
        },
    );
    assert_eq!(
        model.profiles.loaded().len(),
        1,
        "the manager no longer lists it"
    );
    let index = model.tab_index(tab).unwrap();
    assert_eq!(model.profile_name(&model.tabs[index]), "web");
    assert_eq!(model.tabs[index].state, TabState::Open);
}

#[test]
fn anti_idle_reports_show_in_the_model_and_a_dead_connection_ends_its_tabs() {
    let mut model = model();
    let tab = connected(&mut model);
    without_reconnect(&mut model);
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

    let cause = LossCause::KeepaliveUnanswered {
        misses: 3,
        interval: std::time::Duration::from_secs(30),
        silent: std::time::Duration::from_secs(121),
    };
    update(
        &mut model,
        report(crate::anti_idle::Report::Dead {
            cause: cause.clone(),
        }),
    );
    assert_eq!(model.tab_mut(tab).unwrap().state, TabState::Open);
    // The connection is killed for that cause; its loss ends the tab saying which check failed.
    net(
        &mut model,
        NetEvent::ConnectionLost {
            at: std::time::Instant::now(),
            connection: ConnectionId(1),
            cause: cause.clone(),
        },
    );
    assert_eq!(
        model.tab_mut(tab).unwrap().state,
        TabState::Ended(Ending::ConnectionLost(cause))
    );
}

#[test]
fn the_model_mints_a_connection_id_for_each_new_connection() {
    let mut model = model();
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["web".to_owned(), "db".to_owned(), "web".to_owned()],
        },
    );
    let minted: Vec<ConnectionId> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Connect { connection, .. } => Some(*connection),
            _ => None,
        })
        .collect();
    assert_eq!(minted, [ConnectionId(1), ConnectionId(2), ConnectionId(3)]);
    assert!(
        model
            .tabs
            .iter()
            .all(|tab| tab.state == TabState::Connecting && tab.connection.is_some())
    );
}

#[test]
fn closing_the_only_tab_waiting_on_a_connection_stops_it() {
    let mut model = model();
    start_tab(&mut model);
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::CancelConnect {
                connection: ConnectionId(1)
            }]
        ),
        "{effects:?}"
    );
    assert!(model.connections.is_empty());
    // Its late answer finds nobody: the runtime is told to let it go.
    let effects = connection_up(&mut model, std::time::Instant::now());
    assert!(matches!(
        effects.as_slice(),
        [Effect::ReleaseConnection {
            connection: ConnectionId(1),
            linger_secs: 0
        }]
    ));
}

#[test]
fn an_anti_idle_edit_reaches_live_connections_once_the_store_has_it() {
    let mut model = model();
    connected(&mut model);
    let effects = edit_web(&mut model, |web| web.name = "renamed".to_owned());
    assert!(effects.is_empty(), "nothing to apply: {effects:?}");
    let effects = edit_web(&mut model, |web| web.anti_idle.keepalive.interval_secs = 7);
    let [
        Effect::SetAntiIdle {
            connection,
            settings,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*connection, ConnectionId(1));
    assert_eq!(settings.keepalive.interval_secs, 7);
}
