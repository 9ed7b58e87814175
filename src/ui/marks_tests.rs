//! What tabsh draws over a tab, snapshotted with the look of each cell: search matches, copy
//! mode's cursor and selection, keyword highlights and the tab bar's marks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

use crate::app::tests::{connected, model, output, prefix};
use crate::app::{Model, Msg, NetEvent, TabId, update};
use crate::ui::renderer::tests::RecordingBackend;
use crate::ui::{FrameMemory, Renderer};

const SCREEN: Rect = Rect::new(0, 0, 48, 8);

fn small_model() -> (Model, TabId) {
    let mut model = model();
    let tab = connected(&mut model);
    update(
        &mut model,
        Msg::Resize {
            cols: SCREEN.width,
            rows: SCREEN.height,
        },
    );
    (model, tab)
}

fn keys(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(
            model,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
}

fn draw(model: &Model) -> Buffer {
    let mut renderer = Renderer::new(RecordingBackend::new(SCREEN.width, SCREEN.height), SCREEN);
    let memory = FrameMemory::default();
    renderer
        .draw(SCREEN, |canvas| super::view(model, &memory, canvas))
        .unwrap();
    renderer.backend().screen.buffer().clone()
}

/// Each row's text, and under it a row telling the look of each cell that has one of
/// tabsh's marks: `y` a match, `M` the current match, `s` selected, `c` the copy cursor, `r`
/// a red keyword, `w` a yellow one.
fn with_looks(buffer: &Buffer) -> String {
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let mut symbols = String::new();
        let mut looks = String::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            symbols.push_str(cell.symbol());
            looks.push(match (cell.bg, cell.fg) {
                (Color::Yellow, Color::Black) => 'y',
                (Color::LightMagenta, _) => 'M',
                (Color::LightBlue, _) => 's',
                (Color::LightGreen, _) => 'c',
                (_, Color::Red) => 'r',
                (_, Color::Yellow) => 'w',
                _ => ' ',
            });
        }
        text.push_str(symbols.trim_end());
        text.push('\n');
        if !looks.trim_end().is_empty() {
            text.push_str(looks.trim_end());
            text.push('\n');
        }
    }
    text
}

#[test]
fn search_highlights_every_match_and_the_current_one_apart() {
    let (mut model, tab) = small_model();
    output(
        &mut model,
        tab,
        b"boot ok\r\ndisk error on sda\r\nretry\r\nerror again, error\r\n$ ",
    );
    update(&mut model, prefix());
    keys(&mut model, "/error");
    insta::assert_snapshot!(with_looks(&draw(&model)));
    update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    keys(&mut model, "n");
    insta::assert_snapshot!("after_n", with_looks(&draw(&model)));
}

#[test]
fn copy_mode_shows_its_cursor_and_selection() {
    let (mut model, tab) = small_model();
    output(
        &mut model,
        tab,
        "first line\r\nsecond 漢字 line\r\n$ ".as_bytes(),
    );
    update(&mut model, prefix());
    keys(&mut model, "[kk0wvje");
    insta::assert_snapshot!(with_looks(&draw(&model)));
}

/// Clones the active tab and opens the clone's channel.
fn clone_open(model: &mut Model) -> TabId {
    update(model, prefix());
    let effects = update(
        model,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE)),
    );
    let Some(crate::app::Effect::OpenChannel {
        tab, connection, ..
    }) = effects.into_iter().next()
    else {
        panic!("a clone opens a channel")
    };
    update(model, Msg::Net(NetEvent::ChannelOpened { tab, connection }));
    tab
}

#[test]
fn background_tabs_show_activity_bell_and_an_ended_session() {
    let (mut model, first) = small_model();
    let second = clone_open(&mut model);
    let third = clone_open(&mut model);
    update(
        &mut model,
        Msg::Net(NetEvent::ChannelEnded {
            tab: third,
            end: crate::ssh::ChannelEnd::Exited(0),
        }),
    );
    output(&mut model, first, b"news\r\n");
    output(&mut model, second, b"\x07");
    let tab_bar = with_looks(&draw(&model)).lines().next().unwrap().to_owned();
    insta::assert_snapshot!(tab_bar);
    // Shown, the first tab's mark is gone.
    update(&mut model, prefix());
    keys(&mut model, "1");
    let tab_bar = with_looks(&draw(&model)).lines().next().unwrap().to_owned();
    assert!(!tab_bar.contains('•'), "{tab_bar}");
    assert!(tab_bar.contains('!') && tab_bar.contains('✕'), "{tab_bar}");
}

fn rule(pattern: &str, regex: bool, fg: &str) -> crate::profiles::HighlightRule {
    crate::profiles::HighlightRule {
        pattern: pattern.to_owned(),
        regex,
        fg: Some(fg.to_owned()),
        ..Default::default()
    }
}

#[test]
fn keywords_are_drawn_over_the_terminal_and_a_frame_that_keeps_rows_repaints_them_whole() {
    let (mut model, tab) = small_model();
    crate::app::tests::edit_web(&mut model, |web| {
        web.highlight = Some(vec![
            rule("error", false, "red"),
            rule("(?i)warn(ing)?", true, "yellow"),
        ])
    });
    let mut renderer = Renderer::new(RecordingBackend::new(SCREEN.width, SCREEN.height), SCREEN);
    let memory = FrameMemory::default();
    let mut frame = |model: &Model| {
        renderer
            .draw(SCREEN, |canvas| super::view(model, &memory, canvas))
            .unwrap();
        renderer.backend().screen.buffer().clone()
    };
    output(
        &mut model,
        tab,
        b"\x1b[32mWARNING\x1b[0m: disk\r\n$ echo erro",
    );
    frame(&model);
    // Typing the last letter changes one cell; the keyword it completes starts four before.
    output(&mut model, tab, b"r");
    let kept = frame(&model);
    assert_eq!(
        kept,
        draw(&model),
        "the kept frame is what a fresh one draws"
    );
    insta::assert_snapshot!(with_looks(&kept));
}

#[test]
fn global_rules_apply_unless_the_profile_has_its_own_list() {
    let (mut model, tab) = small_model();
    model.highlights.set_global(&[rule("disk", false, "red")]);
    output(&mut model, tab, b"disk full\r\n");
    let drawn = with_looks(&draw(&model));
    assert!(drawn.contains("\nrrrr\n"), "{drawn}");
    crate::app::tests::edit_web(&mut model, |web| web.highlight = Some(Vec::new()));
    let drawn = with_looks(&draw(&model));
    assert!(
        !drawn.contains('r'.to_string().repeat(4).as_str()),
        "{drawn}"
    );
}

#[test]
fn new_rules_repaint_rows_a_kept_frame_would_otherwise_leave_alone() {
    let (mut model, tab) = small_model();
    output(&mut model, tab, b"disk error\r\n$ ");
    let mut renderer = Renderer::new(RecordingBackend::new(SCREEN.width, SCREEN.height), SCREEN);
    let memory = FrameMemory::default();
    let mut frame = |model: &Model| {
        renderer
            .draw(SCREEN, |canvas| super::view(model, &memory, canvas))
            .unwrap();
        renderer.backend().screen.buffer().clone()
    };
    frame(&model);
    for rules in [
        vec![rule("error", false, "red")],
        vec![rule("disk", false, "yellow")],
    ] {
        crate::app::tests::edit_web(&mut model, |web| web.highlight = Some(rules.clone()));
        assert_eq!(frame(&model), draw(&model));
    }
    crate::app::tests::edit_web(&mut model, |web| web.highlight = None);
    assert_eq!(frame(&model), draw(&model), "and no rules clear them");
}
