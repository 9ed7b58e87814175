//! Search, copy mode and the clipboard, tab marks and moving tabs.

use super::*;
use crate::terminal::Point;

fn numbered_lines(count: usize) -> Vec<u8> {
    (1..=count)
        .map(|n| format!("line-{n}\r\n"))
        .collect::<String>()
        .into_bytes()
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        let modifiers = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers)));
    }
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn search_for(model: &mut Model, query: &str) {
    update(model, prefix());
    update(model, key(KeyCode::Char('/')));
    typed(model, query);
}

fn current_text(model: &Model) -> String {
    let search = model.search.as_ref().unwrap();
    let found = search.current_match().unwrap();
    let cells = model.tabs[model.active]
        .terminal
        .line_cells(found.line)
        .unwrap();
    cells.text
}

#[test]
fn search_finds_lines_that_scrolled_off_and_moves_older_and_newer() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, &numbered_lines(500));
    search_for(&mut model, "line-17");
    let search = model.search.as_ref().unwrap();
    // line-17 and line-170 ... line-179.
    assert_eq!(search.matches.len(), 11);
    assert_eq!(current_text(&model), "line-179", "the newest match first");
    let terminal = &model.tabs[model.active].terminal;
    assert!(terminal.is_scrolled());
    assert!(
        terminal
            .row_of_line(search.current_match().unwrap().line)
            .is_some()
    );

    update(&mut model, key(KeyCode::Enter));
    assert!(!model.search.as_ref().unwrap().editing);
    update(&mut model, key(KeyCode::Char('n')));
    update(&mut model, key(KeyCode::Enter));
    assert_eq!(current_text(&model), "line-177");
    typed(&mut model, "N");
    assert_eq!(current_text(&model), "line-178");

    // Esc leaves at the match, in scrollback mode, the copy cursor on it.
    let found = model
        .search
        .as_ref()
        .unwrap()
        .current_match()
        .unwrap()
        .clone();
    update(&mut model, key(KeyCode::Esc));
    assert!(model.search.is_none());
    assert!(model.scrollback_mode);
    assert_eq!(
        model.copy.as_ref().unwrap().cursor,
        Point::new(found.line, found.cols.start)
    );
    assert!(
        model.tabs[model.active]
            .terminal
            .row_of_line(found.line)
            .is_some()
    );
}

#[test]
fn search_ignores_case_unless_asked_and_takes_regexes_on_request() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, b"Error one\r\nerror two\r\nwarn (x)\r\n");
    search_for(&mut model, "error");
    assert_eq!(model.search.as_ref().unwrap().matches.len(), 2);
    update(&mut model, ctrl('u'));
    typed(&mut model, "Error");
    assert_eq!(model.search.as_ref().unwrap().matches.len(), 1);
    update(&mut model, ctrl('u'));
    typed(&mut model, "e.r");
    assert!(model.search.as_ref().unwrap().matches.is_empty(), "literal");
    update(&mut model, ctrl('r'));
    let search = model.search.as_ref().unwrap();
    assert!(search.regex);
    assert_eq!(search.matches.len(), 2, "Err and err: {search:?}");
    update(&mut model, ctrl('u'));
    typed(&mut model, "(");
    assert!(model.search.as_ref().unwrap().error.is_some());
}

#[test]
fn esc_without_a_match_goes_back_to_the_live_screen() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, &numbered_lines(100));
    search_for(&mut model, "nowhere");
    assert!(model.search.as_ref().unwrap().matches.is_empty());
    update(&mut model, key(KeyCode::Esc));
    assert!(model.search.is_none());
    assert!(!model.scrollback_mode);
    assert!(!model.tabs[model.active].terminal.is_scrolled());
    // Keys go to the remote again.
    let effects = update(&mut model, key(KeyCode::Char('a')));
    assert!(matches!(effects.as_slice(), [Effect::Write { .. }]));
}

fn clipboard(effects: &[Effect]) -> Option<&str> {
    effects.iter().find_map(|effect| match effect {
        Effect::SetClipboard { text } => Some(text.as_str()),
        _ => None,
    })
}

#[test]
fn copy_mode_moves_by_words_selects_and_copies_to_the_clipboard() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, b"hello world\r\nsecond line\r\n$ ");
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('[')));
    assert!(model.scrollback_mode);
    assert_eq!(model.copy.as_ref().unwrap().cursor, Point::new(2, 2));
    typed(&mut model, "kk0w");
    assert_eq!(model.copy.as_ref().unwrap().cursor, Point::new(0, 6));
    typed(&mut model, "ve");
    assert_eq!(model.copy.as_ref().unwrap().cursor, Point::new(0, 10));
    let effects = update(&mut model, key(KeyCode::Char('y')));
    assert_eq!(clipboard(&effects), Some("world"));
    assert!(!model.scrollback_mode, "copying leaves copy mode");
    assert_eq!(model.last_copy.as_deref(), Some("world"));

    // Ctrl-\ ] types it into the tab.
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char(']')));
    assert!(matches!(effects.as_slice(), [Effect::Write { bytes, .. }] if bytes == b"world"));
    // Bracketed when the remote asked.
    output(&mut model, tab, b"\x1b[?2004h");
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char(']')));
    assert!(
        matches!(effects.as_slice(), [Effect::Write { bytes, .. }] if bytes == b"\x1b[200~world\x1b[201~")
    );
}

#[test]
fn whole_lines_are_selected_with_shift_v_and_esc_drops_a_selection_first() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, b"first\r\nsecond\r\n$ ");
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('[')));
    typed(&mut model, "kkV");
    assert!(model.copy.as_ref().unwrap().selection.is_some());
    update(&mut model, key(KeyCode::Esc));
    assert!(model.scrollback_mode, "the first Esc drops the selection");
    assert!(model.copy.as_ref().unwrap().selection.is_none());
    typed(&mut model, "Vj$");
    let effects = update(&mut model, key(KeyCode::Enter));
    assert_eq!(clipboard(&effects), Some("first\nsecond"));
}

fn mouse(kind: crossterm::event::MouseEventKind, column: u16, row: u16) -> Msg {
    Msg::Mouse(crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_mouse_drag_selects_and_copies_unless_the_remote_wants_the_mouse() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, b"hello world\r\n");
    // Row 1 of the host screen is the terminal's row 0 (the tab bar is above it).
    update(
        &mut model,
        mouse(MouseEventKind::Down(MouseButton::Left), 6, 1),
    );
    update(
        &mut model,
        mouse(MouseEventKind::Drag(MouseButton::Left), 8, 1),
    );
    assert!(model.copy.as_ref().unwrap().selects(Point::new(0, 7)));
    let effects = update(
        &mut model,
        mouse(MouseEventKind::Up(MouseButton::Left), 10, 1),
    );
    assert_eq!(clipboard(&effects), Some("world"));
    assert!(model.copy.is_none());

    // A click alone copies nothing.
    update(
        &mut model,
        mouse(MouseEventKind::Down(MouseButton::Left), 2, 1),
    );
    let effects = update(
        &mut model,
        mouse(MouseEventKind::Up(MouseButton::Left), 2, 1),
    );
    assert_eq!(clipboard(&effects), None);

    output(&mut model, tab, b"\x1b[?1000h");
    let effects = update(
        &mut model,
        mouse(MouseEventKind::Down(MouseButton::Left), 6, 1),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Write { .. }]),
        "{effects:?}"
    );
    assert!(model.copy.is_none());
}

fn clone_active(model: &mut Model) -> TabId {
    update(model, prefix());
    let effects = update(model, key(KeyCode::Char('c')));
    let [
        Effect::OpenChannel {
            tab, connection, ..
        },
    ] = effects.as_slice()
    else {
        panic!("expected OpenChannel, got {effects:?}");
    };
    let (tab, connection) = (*tab, *connection);
    net(model, NetEvent::ChannelOpened { tab, connection });
    tab
}

#[test]
fn background_tabs_are_marked_for_output_and_bells_until_shown() {
    let mut model = model();
    let first = connected(&mut model);
    let second = clone_active(&mut model);
    assert_eq!(model.tabs[model.active].id, second);
    output(&mut model, second, b"shown at once\r\n");
    assert_eq!(model.marks_shown(), (0, 0), "the tab on screen has no mark");

    output(&mut model, first, b"news\r\n");
    let index = model.tab_index(first).unwrap();
    assert!(model.tabs[index].marks.activity);
    assert!(!model.tabs[index].marks.bell);
    output(&mut model, first, b"\x07");
    assert!(model.tabs[index].marks.bell);
    assert_eq!(model.marks_shown(), (1, 1));

    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('1')));
    assert_eq!(model.marks_shown(), (0, 0), "shown: the marks are cleared");
}

#[test]
fn the_active_tab_moves_left_and_right_and_stops_at_the_ends() {
    let mut model = model();
    let first = connected(&mut model);
    let second = clone_active(&mut model);
    let ids = |model: &Model| model.tabs.iter().map(|tab| tab.id).collect::<Vec<_>>();
    assert_eq!(ids(&model), [first, second]);
    update(&mut model, prefix());
    typed(&mut model, "<");
    assert_eq!(ids(&model), [second, first]);
    assert_eq!(model.active, 0, "the moved tab stays active");
    update(&mut model, prefix());
    typed(&mut model, "<");
    assert_eq!(ids(&model), [second, first]);
    update(&mut model, prefix());
    typed(&mut model, ">");
    assert_eq!(ids(&model), [first, second]);
    assert_eq!(model.active, 1);
}

/// OSC 52 with "hello" in base64.
const SET_CLIPBOARD_HELLO: &[u8] = b"\x1b]52;c;aGVsbG8=\x07";

#[test]
fn a_remote_clipboard_request_is_asked_about_once_per_tab_with_a_deliberate_key() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = output(&mut model, tab, SET_CLIPBOARD_HELLO);
    assert_eq!(clipboard(&effects), None, "not without a yes");
    // A key already on its way does not answer; it does not reach the remote either.
    let effects = update(&mut model, key(KeyCode::Char('y')));
    assert!(effects.is_empty(), "{effects:?}");
    let (armed_tab, question) = model.prompt_to_arm().expect("the question is up");
    assert_eq!(armed_tab, tab);
    update(
        &mut model,
        Msg::PromptArmed {
            tab,
            prompt: question,
        },
    );
    let effects = update(&mut model, key(KeyCode::Char('y')));
    assert_eq!(clipboard(&effects), Some("hello"));
    // Allowed for the tab: the next request goes through without a question.
    let effects = output(&mut model, tab, SET_CLIPBOARD_HELLO);
    assert_eq!(clipboard(&effects), Some("hello"));
    assert!(model.prompt_to_arm().is_none());
}

#[test]
fn a_refused_or_denied_clipboard_request_never_reaches_the_clipboard() {
    let mut model = model();
    let tab = connected(&mut model);
    output(&mut model, tab, SET_CLIPBOARD_HELLO);
    let (_, question) = model.prompt_to_arm().unwrap();
    update(
        &mut model,
        Msg::PromptArmed {
            tab,
            prompt: question,
        },
    );
    update(&mut model, key(KeyCode::Char('n')));
    let effects = output(&mut model, tab, SET_CLIPBOARD_HELLO);
    assert_eq!(clipboard(&effects), None);
    assert!(model.prompt_to_arm().is_none(), "asked once");

    // The profile decides for every tab: deny, or allow without asking.
    edit_web(&mut model, |web| {
        web.clipboard.remote_write = crate::profiles::RemoteClipboard::Allow
    });
    let effects = output(&mut model, tab, SET_CLIPBOARD_HELLO);
    assert_eq!(
        clipboard(&effects),
        None,
        "refused for this tab stays refused"
    );
    let fresh = clone_active(&mut model);
    let effects = output(&mut model, fresh, SET_CLIPBOARD_HELLO);
    assert_eq!(clipboard(&effects), Some("hello"), "allowed by the profile");
    edit_web(&mut model, |web| {
        web.clipboard.remote_write = crate::profiles::RemoteClipboard::Deny
    });
    let effects = output(&mut model, fresh, SET_CLIPBOARD_HELLO);
    assert_eq!(clipboard(&effects), None, "denied by the profile");
}
