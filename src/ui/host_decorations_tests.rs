//! What reaches the host terminal for decorated cells: the bytes the crossterm backend writes.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::terminal::{Terminal, TerminalView};
use crate::ui::Renderer;

const AREA: Rect = Rect::new(0, 0, 30, 3);

/// A writer whose bytes the test can read while the backend owns it.
#[derive(Clone, Default)]
struct Recorded(Rc<RefCell<Vec<u8>>>);

impl Write for Recorded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Recorded {
    fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.borrow_mut())).unwrap()
    }
}

fn frame(renderer: &mut Renderer<CrosstermBackend<Recorded>>, terminal: &Terminal) {
    renderer
        .draw_decorated(AREA, Some(terminal), |canvas| {
            TerminalView::new(terminal)
                .show_cursor(false)
                .render(AREA, canvas.repaint_all());
            None
        })
        .unwrap();
}

fn renderer() -> (Renderer<CrosstermBackend<Recorded>>, Recorded) {
    let recorded = Recorded::default();
    let renderer = Renderer::new(CrosstermBackend::new(recorded.clone()), AREA);
    (renderer, recorded)
}

#[test]
fn a_link_run_is_written_inside_osc_8_and_closed_after_it() {
    let (mut renderer, recorded) = renderer();
    let mut terminal = Terminal::new(3, 30, 100);
    terminal.feed(b"go \x1b]8;;https://example.com/x\x1b\\there\x1b]8;;\x1b\\ now");
    frame(&mut renderer, &terminal);
    let written = recorded.take();
    let open = "\x1b]8;;https://example.com/x\x1b\\";
    let close = "\x1b]8;;\x1b\\";
    let run = format!("{open}there{close}");
    assert!(written.contains(&run), "{written:?}");
    assert_eq!(written.matches(open).count(), 1, "{written:?}");
    assert!(!written.contains('\u{E0400}'), "no mark reaches the host");

    // One cell of the link changes: it alone is sent, inside its link.
    terminal.feed(b"\x1b[1;5H\x1b]8;;https://example.com/x\x1b\\E\x1b]8;;\x1b\\");
    frame(&mut renderer, &terminal);
    let written = recorded.take();
    assert!(written.contains(&format!("{open}E{close}")), "{written:?}");
    assert!(!written.contains("here"), "{written:?}");

    // The link ends, the text stays: the cells are sent again, without it.
    terminal.feed(b"\x1b[1;4Hthere");
    frame(&mut renderer, &terminal);
    let written = recorded.take();
    assert!(written.contains("there"), "{written:?}");
    assert!(!written.contains("https://"), "{written:?}");
}

#[test]
fn underline_styles_and_colours_reach_the_host_in_their_sgr_forms() {
    let (mut renderer, recorded) = renderer();
    let mut terminal = Terminal::new(3, 30, 100);
    terminal.feed(b"\x1b[4:3;58;5;196mwavy\x1b[4:1mflat\x1b[59;21mtwo\x1b[m no");
    frame(&mut renderer, &terminal);
    let written = recorded.take();
    let wavy = written
        .find("\x1b[4:3mw")
        .unwrap_or_else(|| panic!("{written:?}"));
    let flat = written
        .find("\x1b[4:1mf")
        .unwrap_or_else(|| panic!("{written:?}"));
    let two = written
        .find("\x1b[4:2mt")
        .unwrap_or_else(|| panic!("{written:?}"));
    assert!(wavy < flat && flat < two, "{written:?}");
    assert!(written.contains("\x1b[58;5;196m"), "{written:?}");
    assert!(
        written.contains("\x1b[24m"),
        "the underline ends: {written:?}"
    );
}

#[test]
fn two_tabs_look_alike_cells_with_different_links_are_sent_again_on_switching() {
    let (mut renderer, recorded) = renderer();
    let mut first = Terminal::new(3, 30, 100);
    let mut second = Terminal::new(3, 30, 100);
    // The same text, style and table number in both: only the URI differs.
    first.feed(b"\x1b]8;;https://one/\x1b\\docs\x1b]8;;\x1b\\");
    second.feed(b"\x1b]8;;https://two/\x1b\\docs\x1b]8;;\x1b\\");
    frame(&mut renderer, &first);
    assert!(recorded.take().contains("https://one/"));
    frame(&mut renderer, &second);
    let written = recorded.take();
    assert!(
        written.contains("\x1b]8;;https://two/\x1b\\docs"),
        "{written:?}"
    );
}
