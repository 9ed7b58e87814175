//! Tabs and input: keys to the remote, renaming, switching, resizing, quitting.

use super::*;

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
fn output_reaches_the_terminal_and_the_remote_title_names_the_tab() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, b"\x1b]2;vim notes.txt\x07hello");
    let tab = &model.tabs[model.tab_index(tab).unwrap()];
    assert!(tab.terminal.contents().contains("hello"));
    assert_eq!(model.tab_title(tab), "vim notes.txt");
}

#[test]
fn output_of_a_tab_not_drawn_needs_a_frame_only_when_its_label_changes() {
    let mut model = model();
    let background = connected(&mut model);
    let drawn = start_tab(&mut model);
    assert_eq!(model.active_tab().map(|tab| tab.id), Some(drawn));
    let feed = |model: &mut Model, tab, bytes: &'static [u8]| {
        let stamp = model.bar_stamp(tab);
        output(model, tab, bytes);
        model.output_needs_frame(tab, stamp)
    };
    // The first output puts the activity mark on its label; more output changes nothing there.
    assert!(feed(&mut model, background, b"first text\r\n"));
    assert!(!feed(&mut model, background, b"plain text\r\n"));
    assert!(feed(&mut model, background, b"\x1b]2;build done\x07"));
    assert!(!feed(&mut model, background, b"more text\r\n"));
    assert!(feed(&mut model, drawn, b"text in the drawn tab"));
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
    assert_eq!(model.tab_title(&model.tabs[1]), "prod");

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('a')));
    let [Effect::SaveProfile { id, profile }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(id.as_deref(), Some("web"));
    assert!(!profile.anti_idle.enabled);
    assert!(
        model.profiles.get("web").unwrap().profile.anti_idle.enabled,
        "nothing changes until the store has saved it"
    );
    edit_web(&mut model, |web| web.anti_idle.enabled = false);
    assert!(!model.profiles.get("web").unwrap().profile.anti_idle.enabled);
}

#[test]
fn keys_typed_while_the_channel_opens_are_sent_once_it_is_open() {
    let mut model = model();
    let tab = start_tab(&mut model);
    // While connecting, keys are dropped: they may be a password for a prompt still to come.
    assert!(update(&mut model, key(KeyCode::Char('x'))).is_empty());
    connection_up(&mut model, std::time::Instant::now());
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
fn the_idle_string_is_held_while_a_full_screen_program_runs() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = output(&mut model, tab, b"\x1b[?1049h");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::HoldIdleString { hold: true, .. }]
        ),
        "{effects:?}"
    );
    assert!(output(&mut model, tab, b"text").is_empty());
    let effects = output(&mut model, tab, b"\x1b[?1049l");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::HoldIdleString { hold: false, .. }]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_resize_while_the_channel_opens_reaches_it_too() {
    let mut model = model();
    let tab = start_tab(&mut model);
    connection_up(&mut model, std::time::Instant::now());
    let effects = update(
        &mut model,
        Msg::Resize {
            cols: 101,
            rows: 30,
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::ResizeChannel { tab: t, cols: 101, rows: 28 }] if *t == tab
        ),
        "{effects:?}"
    );
}

#[test]
fn sessions_asked_for_at_start_open_once_the_profiles_are_read() {
    let mut model = Model::new(Keymap::default(), 100, 30);
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["web".to_owned()],
        },
    );
    assert!(effects.is_empty(), "nothing read yet: {effects:?}");
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("web")],
            failures: Vec::new(),
        },
    );
    assert!(model.tabs.is_empty(), "the ssh_config is not read yet");
    let effects = update(&mut model, Msg::SshConfig(Box::default()));
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { .. }]),
        "{effects:?}"
    );
    assert!(model.overlay.is_none());
}

#[test]
fn with_nothing_to_open_the_session_manager_shows_before_anything_is_read() {
    let mut model = Model::new(Keymap::default(), 100, 30);
    update(&mut model, Msg::Start { open: Vec::new() });
    assert!(matches!(model.overlay, Some(Overlay::SessionManager(_))));
    assert!(!model.profiles.is_read());
}

#[test]
fn the_remote_questions_are_answered_on_its_channel() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = output(&mut model, tab, b"\x1b[2;5H\x1b[6n");
    assert!(
        matches!(effects.as_slice(), [Effect::Write { tab: t, bytes }] if *t == tab && bytes == b"\x1b[2;5R"),
        "{effects:?}"
    );
}
