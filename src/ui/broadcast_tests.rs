//! Broadcast input as drawn: members marked in the tab bar, skipped ones flagged, the status
//! bar saying where typing goes, the paste question and the compose line.

use crossterm::event::KeyCode;

use super::tab_bar::{GROUP_MEMBER, GROUP_SKIPPED};
use super::view_tests::draw;
use crate::app::tests::{connected, key, model, net, output, prefix};
use crate::app::{ConnectionId, Model, Msg, NetEvent, TabId, update};

/// Three open tabs on one connection, all in the broadcast group; the last is active.
fn three_members() -> (Model, Vec<TabId>) {
    let mut model = model();
    let mut tabs = vec![connected(&mut model)];
    for _ in 0..2 {
        update(&mut model, prefix());
        let effects = update(&mut model, key(KeyCode::Char('c')));
        let Some(crate::app::Effect::OpenChannel { tab, .. }) = effects.first() else {
            panic!("{effects:?}");
        };
        let tab = *tab;
        net(
            &mut model,
            NetEvent::ChannelOpened {
                tab,
                connection: ConnectionId(1),
            },
        );
        tabs.push(tab);
    }
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('B')));
    (model, tabs)
}

fn first_row(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn last_row(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

#[test]
fn members_are_marked_and_the_status_bar_counts_the_tabs_typing_reaches() {
    let (mut model, _) = three_members();
    let screen = draw(&model);
    assert_eq!(
        first_row(&screen).matches(GROUP_MEMBER).count(),
        3,
        "{screen}"
    );
    assert!(
        last_row(&screen).contains("broadcast to 3 tabs"),
        "{screen}"
    );

    // Out of the group: no marks for it, nothing said.
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('b')));
    let screen = draw(&model);
    assert_eq!(
        first_row(&screen).matches(GROUP_MEMBER).count(),
        2,
        "{screen}"
    );
    assert!(!screen.contains("broadcast to"), "{screen}");
}

#[test]
fn a_member_in_a_full_screen_program_is_flagged_and_counted() {
    let (mut model, tabs) = three_members();
    output(&mut model, tabs[0], b"\x1b[?1049h");
    let screen = draw(&model);
    assert_eq!(
        first_row(&screen).matches(GROUP_SKIPPED).count(),
        1,
        "{screen}"
    );
    assert!(
        last_row(&screen).contains("broadcast to 2 tabs, 1 full-screen skipped"),
        "{screen}"
    );
}

#[test]
fn a_paste_asks_with_the_number_of_tabs_and_lines() {
    let (mut model, _) = three_members();
    update(&mut model, Msg::Paste("make\nmake install\n".to_owned()));
    let screen = draw(&model);
    assert!(screen.contains("Paste 2 lines to 3 tabs?"), "{screen}");
}

#[test]
fn the_compose_line_shows_what_is_typed_and_where_it_goes() {
    let (mut model, _) = three_members();
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('m')));
    for c in "uptime".chars() {
        update(&mut model, key(KeyCode::Char(c)));
    }
    let screen = draw(&model);
    assert!(screen.contains("Compose line"), "{screen}");
    assert!(screen.contains("> uptime▏"), "{screen}");
    assert!(screen.contains("Enter: send to 3 tabs"), "{screen}");
}
