//! Session logs: `Ctrl-\ l` and `[log] enabled`, the lines a tab's output gives, a failed log.

use super::*;

fn logged_lines(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::LogLines { lines, .. } => Some(lines.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn the_key_starts_and_stops_the_active_tabs_log() {
    let mut model = model();
    let tab = connected(&mut model);
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('l')));
    assert!(
        matches!(effects.as_slice(), [Effect::StartLog { tab: t, id, .. }] if *t == tab && id == "web"),
        "{effects:?}"
    );
    let effects = output(&mut model, tab, b"\x1b[1mhello\x1b[0m\r\n$ ");
    assert_eq!(logged_lines(&effects), ["hello"]);

    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('l')));
    assert_eq!(
        logged_lines(&effects),
        ["$"],
        "the prompt left on the screen"
    );
    assert!(matches!(effects.last(), Some(Effect::StopLog { tab: t }) if *t == tab));
    assert_eq!(model.notice, Some(Notice::LogStopped));
    assert!(logged_lines(&output(&mut model, tab, b"more\r\n")).is_empty());
}

#[test]
fn a_profile_with_logging_enabled_logs_its_tabs_from_the_start() {
    let mut model = model();
    edit_web(&mut model, |web| web.log.enabled = true);
    let tab = start_tab(&mut model);
    connection_up(&mut model, std::time::Instant::now());
    let effects = net(
        &mut model,
        NetEvent::ChannelOpened {
            tab,
            connection: ConnectionId(1),
        },
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::StartLog { .. })),
        "{effects:?}"
    );
}

#[test]
fn a_failed_log_is_shown_and_the_session_goes_on_unlogged() {
    let mut model = model();
    let tab = connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('l')));
    update(
        &mut model,
        Msg::LogFailed {
            tab,
            error: "No space left on device".to_owned(),
        },
    );
    let log = model.tab_mut(tab).unwrap().log.clone().unwrap();
    assert_eq!(log.error.as_deref(), Some("No space left on device"));
    let effects = output(&mut model, tab, b"still here\r\n");
    assert!(logged_lines(&effects).is_empty());
    assert_eq!(model.tab_mut(tab).unwrap().state, TabState::Open);
}

#[test]
fn a_raw_log_gets_the_bytes_as_received() {
    let mut model = model();
    edit_web(&mut model, |web| web.log.raw = true);
    let tab = connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('l')));
    let effects = output(&mut model, tab, b"\x1b[31mred\x1b[0m\r\n");
    assert!(
        matches!(effects.as_slice(), [Effect::LogBytes { tab: t, bytes }] if *t == tab && bytes == b"\x1b[31mred\x1b[0m\r\n"),
        "{effects:?}"
    );
}
