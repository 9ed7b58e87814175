//! Clone session: channels on the same connection, refusals, spill-over, lingering.

use super::*;

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
            description: "open failed".to_owned(),
        },
    )
}

#[test]
fn a_refused_clone_leaves_no_tab_learns_the_limit_and_asks() {
    let mut model = model();
    connected(&mut model);
    refuse_a_clone(&mut model, 2);
    assert_eq!(model.tabs.len(), 1, "no half-made tab");
    let info = &model.connections[&ConnectionId(1)];
    assert_eq!((info.sessions, info.server_limit), (1, Some(1)));
    let Some(Overlay::SpillOver { refusal, .. }) = &model.overlay else {
        panic!("the default policy asks: {:?}", model.overlay);
    };
    assert_eq!(
        *refusal,
        Refusal {
            target: "me@web.example".to_owned(),
            code: 2,
            description: "open failed".to_owned(),
            limit: Some(1),
        }
    );

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
    assert_eq!(model.notice, Some(Notice::CloneCancelled));
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
        matches!(
            effects.as_slice(),
            [Effect::CloseChannel { .. }, Effect::Connect { .. }]
        ),
        "{effects:?}"
    );
    assert!(model.overlay.is_none());
    assert!(
        matches!(&model.notice, Some(Notice::SpillingOver(refusal)) if refusal.limit == Some(1)),
        "{:?}",
        model.notice
    );

    let mut model = self::model();
    connected(&mut model);
    with_spill_over(&mut model, crate::profiles::SpillOver::Never);
    let effects = refuse_a_clone(&mut model, 4);
    assert!(
        matches!(effects.as_slice(), [Effect::CloseChannel { .. }]),
        "nothing but forgetting the refused channel: {effects:?}"
    );
    assert_eq!(model.tabs.len(), 1);
    assert!(
        matches!(
            &model.notice,
            Some(Notice::CloneRefused(Refusal {
                code: 4,
                limit: Some(1),
                ..
            }))
        ),
        "{:?}",
        model.notice
    );
}

#[test]
fn a_lingering_connection_is_reused_by_the_next_open_and_closed_when_its_time_is_up() {
    let mut model = model();
    connected(&mut model);
    edit_web(&mut model, |web| web.clone.linger_secs = 30);
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
            open: vec!["web".to_owned()],
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
    let clone = open_clone(&mut model);

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
fn a_tab_still_opening_its_channel_can_be_cloned() {
    let mut model = model();
    start_tab(&mut model);
    update(&mut model, prefix());
    assert!(
        update(&mut model, key(KeyCode::Char('c'))).is_empty(),
        "not connected yet"
    );
    connection_up(&mut model, std::time::Instant::now());
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
