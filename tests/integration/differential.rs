//! The reference check: what real programs wrote to a terminal (vim, less, htop, dialog, mc, a
//! nested tmux; recorded by `scripts/record_screens.py` into `tests/fixtures/screens/`) is fed
//! to a tab's terminal and to tmux, and the two screens are compared cell by cell: text,
//! colours and attributes.
//!
//! tmux's screen is read with `capture-pane -e` (text with SGR sequences) and drawn again by a
//! fresh tab terminal; both are then drawn by the tab's own view into ratatui buffers, so the
//! comparison sees what a person would, after the same translation on both sides. What neither
//! that view nor the capture carries (the cursor's shape, hyperlinks) is not compared here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use tabsh::terminal::{Terminal, TerminalView};

use crate::support::{Tmux, wait_until};

const ROWS: u16 = 24;
const COLS: u16 = 80;
const WAIT: Duration = Duration::from_secs(20);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/screens")
        .join(format!("{name}.out"))
}

/// The screen as the tab's view draws it.
fn drawn(terminal: &Terminal) -> Buffer {
    let area = Rect::new(0, 0, COLS, ROWS);
    let mut buffer = Buffer::empty(area);
    TerminalView::new(terminal)
        .show_cursor(false)
        .render(area, &mut buffer);
    buffer
}

/// What a tab shows after `bytes`.
fn tab_screen(bytes: &[u8]) -> Buffer {
    let mut terminal = Terminal::new(ROWS, COLS, 1000);
    terminal.feed(bytes);
    drawn(&terminal)
}

/// What tmux shows after the bytes of `path`, drawn again from its `capture-pane -e`.
fn tmux_screen(path: &Path) -> Buffer {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done");
    // `-opost`: the bytes reach tmux as recorded (no LF turned into CR LF). The position report
    // asked for after them comes back once tmux has parsed everything before it.
    let command = format!(
        "stty -opost -echo -icanon; cat {}; printf '\\033[6n'; head -c 1 >/dev/null; touch {}; \
         sleep 60",
        path.display(),
        done.display()
    );
    let tmux = Tmux::start(&command, COLS, ROWS);
    let parsed = wait_until(WAIT, Duration::from_millis(50), || done.exists());
    assert!(parsed, "tmux never parsed {}", path.display());
    let capture = tmux.capture_with_attributes();
    let mut terminal = Terminal::new(ROWS, COLS, 0);
    // tmux writes cells of the line-drawing set between SO and SI: G1 is that set.
    terminal.feed(b"\x1b)0");
    for (row, line) in capture
        .split(|byte| *byte == b'\n')
        .take(usize::from(ROWS))
        .enumerate()
    {
        if row > 0 {
            terminal.feed(b"\r\n");
        }
        terminal.feed(line);
    }
    drawn(&terminal)
}

/// What a person sees of a cell: its text, and for a cell that shows a character, its colours
/// and attributes. Blanks are compared by text only: tmux's `capture-pane` leaves out the
/// background of rows that were erased and never written (dialog's blue screen comes back
/// with default rows), so it cannot tell.
fn seen(cell: &ratatui::buffer::Cell) -> ratatui::buffer::Cell {
    let mut seen = ratatui::buffer::Cell::default();
    seen.set_symbol(cell.symbol());
    if !cell.symbol().trim().is_empty() {
        seen.set_style(cell.style());
    }
    seen
}

/// Where the two screens differ, a line per row: both texts, and the cells whose colours or
/// attributes differ.
fn differences(tab: &Buffer, tmux: &Buffer) -> Vec<String> {
    let mut found = Vec::new();
    for y in 0..ROWS {
        let cells =
            |buffer: &Buffer| -> Vec<_> { (0..COLS).map(|x| seen(&buffer[(x, y)])).collect() };
        let (ours, theirs) = (cells(tab), cells(tmux));
        if ours == theirs {
            continue;
        }
        let text = |cells: &[ratatui::buffer::Cell]| -> String {
            cells.iter().map(|cell| cell.symbol()).collect()
        };
        let styles: Vec<String> = ours
            .iter()
            .zip(&theirs)
            .enumerate()
            .filter(|(_, (a, b))| a.symbol() == b.symbol() && a != b)
            .take(3)
            .map(|(x, (a, b))| format!("col {x}: {:?} vs {:?}", a.style(), b.style()))
            .collect();
        found.push(format!(
            "row {y}\n  tab:  {:?}\n  tmux: {:?}\n  {}",
            text(&ours),
            text(&theirs),
            styles.join("\n  ")
        ));
    }
    found
}

fn compare(name: &str) {
    let path = fixture(name);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 100, "{name}: an empty recording");
    let tab = tab_screen(&bytes);
    let tmux = tmux_screen(&path);
    let found = differences(&tab, &tmux);
    assert!(
        found.is_empty(),
        "{name}: the tab and tmux differ:\n{}",
        found.join("\n")
    );
}

#[test]
fn vim_draws_as_in_tmux() {
    compare("vim");
}

#[test]
fn less_draws_as_in_tmux() {
    compare("less");
}

#[test]
fn htop_draws_as_in_tmux() {
    compare("htop");
}

#[test]
fn dialog_in_the_line_drawing_set_draws_as_in_tmux() {
    compare("dialog");
}

#[test]
fn mc_draws_as_in_tmux() {
    compare("mc");
}

#[test]
fn a_nested_tmux_draws_as_in_tmux() {
    compare("tmux");
}
