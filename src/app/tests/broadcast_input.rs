//! Broadcast input: marking members, keys and pastes to all of them, the tabs skipped, and the
//! compose line.

use super::*;

/// Three open tabs on connection 1 (one login, two clones); the last is active.
fn three_tabs(model: &mut Model) -> [TabId; 3] {
    let first = connected(model);
    let mut ids = [first; 3];
    for slot in ids.iter_mut().skip(1) {
        update(model, prefix());
        let effects = update(model, key(KeyCode::Char('c')));
        let [Effect::OpenChannel { tab, .. }] = effects.as_slice() else {
            panic!("expected OpenChannel, got {effects:?}");
        };
        net(
            model,
            NetEvent::ChannelOpened {
                tab: *tab,
                connection: ConnectionId(1),
            },
        );
        *slot = *tab;
    }
    ids
}

fn command(model: &mut Model, c: char) -> Vec<Effect> {
    update(model, prefix());
    update(model, key(KeyCode::Char(c)))
}

/// The tabs written to and what each got.
fn writes(effects: &[Effect]) -> Vec<(TabId, Vec<u8>)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Write { tab, bytes } => Some((*tab, bytes.clone())),
            _ => None,
        })
        .collect()
}

fn written_to(effects: &[Effect]) -> Vec<TabId> {
    let mut tabs: Vec<TabId> = writes(effects).into_iter().map(|(tab, _)| tab).collect();
    tabs.sort();
    tabs
}

#[test]
fn marking_every_tab_sends_each_key_to_all_and_marking_again_unmarks_all() {
    let mut model = model();
    let tabs = three_tabs(&mut model);
    command(&mut model, 'B');
    assert!(tabs.iter().all(|tab| model.broadcast.is_member(*tab)));
    let effects = update(&mut model, key(KeyCode::Char('l')));
    assert_eq!(written_to(&effects), tabs.to_vec());
    assert!(writes(&effects).iter().all(|(_, bytes)| bytes == b"l"));

    command(&mut model, 'B');
    assert!(!model.broadcast.has_members());
    let effects = update(&mut model, key(KeyCode::Char('l')));
    assert_eq!(written_to(&effects), vec![tabs[2]], "only the active tab");
}

#[test]
fn a_tab_joins_and_leaves_and_only_a_members_keys_are_broadcast() {
    let mut model = model();
    let [first, second, third] = three_tabs(&mut model);
    command(&mut model, 'b');
    model.active = 0;
    command(&mut model, 'b');
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(written_to(&effects), vec![first, third]);

    // The second tab is no member: what it gets is its own.
    model.active = 1;
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(written_to(&effects), vec![second]);

    model.active = 2;
    command(&mut model, 'b');
    assert!(!model.broadcast.is_member(third));
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(written_to(&effects), vec![third]);
}

#[test]
fn keys_are_encoded_for_each_members_own_cursor_mode() {
    let mut model = model();
    let [first, _, third] = three_tabs(&mut model);
    command(&mut model, 'B');
    // The first tab's program asked for application cursor keys.
    output(&mut model, first, b"\x1b[?1h");
    let effects = update(&mut model, key(KeyCode::Up));
    let writes = writes(&effects);
    let sent = |tab| writes.iter().find(|(t, _)| *t == tab).unwrap().1.clone();
    assert_eq!(sent(first), b"\x1bOA");
    assert_eq!(sent(third), b"\x1b[A");
}

#[test]
fn a_member_in_a_full_screen_program_is_skipped_unless_the_active_tab_is_in_one_too() {
    let mut model = model();
    let [first, second, third] = three_tabs(&mut model);
    command(&mut model, 'B');
    output(&mut model, first, b"\x1b[?1049h");
    let reach = broadcast::reach(&model);
    assert_eq!(reach.full_screen, vec![first]);
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert_eq!(written_to(&effects), vec![second, third]);

    // Both in full-screen programs (say, two vims): keys go to both.
    output(&mut model, third, b"\x1b[?1049h");
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert_eq!(written_to(&effects), vec![first, second, third]);
}

#[test]
fn a_member_whose_channel_is_not_open_is_skipped_and_counted() {
    let mut model = model();
    let [first, second, third] = three_tabs(&mut model);
    command(&mut model, 'B');
    net(
        &mut model,
        NetEvent::ChannelEnded {
            tab: first,
            end: ChannelEnd::ClosedByServer,
        },
    );
    let reach = broadcast::reach(&model);
    assert_eq!((reach.targets.len(), reach.not_open), (2, 1));
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert_eq!(written_to(&effects), vec![second, third]);
}

#[test]
fn a_paste_to_several_tabs_waits_for_a_yes_and_a_no_sends_nothing() {
    let mut model = model();
    let tabs = three_tabs(&mut model);
    command(&mut model, 'B');
    let effects = update(&mut model, Msg::Paste("ls\nrm -rf build\n".to_owned()));
    assert!(effects.is_empty(), "nothing before the answer: {effects:?}");
    let Some(Overlay::ConfirmPaste(pending)) = &model.overlay else {
        panic!("{:?}", model.overlay);
    };
    assert_eq!((pending.tabs, pending.lines), (3, 2));
    let effects = update(&mut model, key(KeyCode::Char('n')));
    assert!(effects.is_empty() && model.overlay.is_none());

    update(&mut model, Msg::Paste("ls\n".to_owned()));
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(written_to(&effects), tabs.to_vec());
    assert!(writes(&effects).iter().all(|(_, bytes)| bytes == b"ls\r"));
}

#[test]
fn a_paste_in_a_tab_outside_the_group_goes_to_it_at_once() {
    let mut model = model();
    let [_, _, third] = three_tabs(&mut model);
    model.active = 0;
    command(&mut model, 'b');
    model.active = 2;
    let effects = update(&mut model, Msg::Paste("ls\n".to_owned()));
    assert_eq!(written_to(&effects), vec![third]);
    assert!(model.overlay.is_none());
}

#[test]
fn the_compose_line_sends_a_line_plus_enter_to_every_member_and_remembers_it() {
    let mut model = model();
    let tabs = three_tabs(&mut model);
    command(&mut model, 'B');
    command(&mut model, 'm');
    assert!(matches!(model.overlay, Some(Overlay::Compose(_))));
    for c in "uptimx".chars() {
        assert!(update(&mut model, key(KeyCode::Char(c))).is_empty());
    }
    update(&mut model, key(KeyCode::Backspace));
    update(&mut model, key(KeyCode::Char('e')));
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(written_to(&effects), tabs.to_vec());
    assert!(
        writes(&effects)
            .iter()
            .all(|(_, bytes)| bytes == b"uptime\r")
    );

    // Still open for the next line, empty; Up brings the last one back.
    let Some(Overlay::Compose(compose)) = &model.overlay else {
        panic!("{:?}", model.overlay);
    };
    assert_eq!(compose.input.text(), "");
    for line in ["id", "hostname"] {
        update(&mut model, Msg::Paste(line.to_owned()));
        update(&mut model, key(KeyCode::Enter));
    }
    update(&mut model, key(KeyCode::Up));
    update(&mut model, key(KeyCode::Up));
    let Some(Overlay::Compose(compose)) = &model.overlay else {
        panic!();
    };
    assert_eq!(compose.input.text(), "id");
    update(&mut model, key(KeyCode::Down));
    update(&mut model, key(KeyCode::Down));
    let Some(Overlay::Compose(compose)) = &model.overlay else {
        panic!();
    };
    assert_eq!(compose.input.text(), "", "past the newest: a new line");

    assert!(update(&mut model, key(KeyCode::Esc)).is_empty());
    assert!(model.overlay.is_none());
}

#[test]
fn closing_a_member_leaves_the_others_in_the_group() {
    let mut model = model();
    let [first, second, _] = three_tabs(&mut model);
    command(&mut model, 'B');
    command(&mut model, 'x');
    let effects = update(&mut model, key(KeyCode::Char('x')));
    assert_eq!(written_to(&effects), vec![first, second]);
}
