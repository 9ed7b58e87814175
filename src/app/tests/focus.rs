//! Focus reports: only to tabs that asked, on tab switches and when the host terminal's focus
//! changes.

use super::*;

fn reports(effects: &[Effect]) -> Vec<(TabId, bool)> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::ReportFocus { tab, focused } => Some((*tab, *focused)),
            _ => None,
        })
        .collect()
}

/// Two open tabs on connection 1: the first as `connected` makes it, the second a clone.
fn two_tabs(model: &mut Model) -> (TabId, TabId) {
    let first = connected(model);
    update(model, prefix());
    let effects = update(model, key(KeyCode::Char('c')));
    let second = model.active_tab().unwrap().id;
    assert_ne!(first, second, "{effects:?}");
    net(
        model,
        NetEvent::ChannelOpened {
            tab: second,
            connection: ConnectionId(1),
        },
    );
    (first, second)
}

#[test]
fn switching_tabs_reports_focus_to_the_tabs_that_asked() {
    let mut model = model();
    let (first, second) = two_tabs(&mut model);
    output(&mut model, first, b"\x1b[?1004h");
    output(&mut model, second, b"\x1b[?1004h");

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('1')));
    assert_eq!(reports(&effects), [(second, false), (first, true)]);

    // The second tab stops asking: only the first hears of the next switch.
    output(&mut model, second, b"\x1b[?1004l");
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('2')));
    assert_eq!(reports(&effects), [(first, false)]);
}

#[test]
fn the_host_terminal_losing_and_gaining_focus_reaches_the_active_tab_only() {
    let mut model = model();
    let (first, second) = two_tabs(&mut model);
    output(&mut model, first, b"\x1b[?1004h");
    output(&mut model, second, b"\x1b[?1004h");
    assert_eq!(model.active_tab().unwrap().id, second);

    let effects = update(&mut model, Msg::HostFocus(false));
    assert_eq!(reports(&effects), [(second, false)]);
    // Switching tabs while the host terminal is in the background gives focus to none.
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('1')));
    assert!(reports(&effects).is_empty(), "{effects:?}");
    let effects = update(&mut model, Msg::HostFocus(true));
    assert_eq!(reports(&effects), [(first, true)]);
    // Nothing moved: nothing reported.
    assert!(reports(&update(&mut model, Msg::HostFocus(true))).is_empty());
}

#[test]
fn a_tab_that_did_not_ask_hears_nothing() {
    let mut model = model();
    let (_, second) = two_tabs(&mut model);
    output(&mut model, second, b"\x1b[?1004h\x1bc");
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('1')));
    assert!(reports(&effects).is_empty(), "{effects:?}");
    let effects = update(&mut model, Msg::HostFocus(false));
    assert!(reports(&effects).is_empty(), "{effects:?}");
}
