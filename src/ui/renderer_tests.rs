use proptest::prelude::*;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Style};
use unicode_width::UnicodeWidthStr;

use super::{Canvas, Renderer};

/// A test backend that also records what the renderer asked of it.
#[derive(Debug)]
pub(crate) struct RecordingBackend {
    pub(crate) screen: TestBackend,
    /// Positions of the cells sent, in order.
    pub(crate) sent: Vec<(u16, u16)>,
    pub(crate) cursor_calls: Vec<CursorCall>,
    pub(crate) clears: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CursorCall {
    Show,
    Hide,
    MoveTo(u16, u16),
}

impl RecordingBackend {
    pub(crate) fn new(width: u16, height: u16) -> Self {
        Self {
            screen: TestBackend::new(width, height),
            sent: Vec::new(),
            cursor_calls: Vec::new(),
            clears: 0,
        }
    }

    /// Forgets what was recorded so far.
    pub(crate) fn take_sent(&mut self) -> Vec<(u16, u16)> {
        self.cursor_calls.clear();
        std::mem::take(&mut self.sent)
    }
}

impl Backend for RecordingBackend {
    type Error = std::convert::Infallible;

    /// Also does what a terminal does with wide characters, which the test backend does not:
    /// writing over either half of one blanks the other, and one written covers the next cell.
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let blank = Cell::EMPTY;
        for (x, y, cell) in content {
            self.sent.push((x, y));
            let is_wide = |screen: &TestBackend, x: u16| {
                x < screen.buffer().area.width && screen.buffer()[(x, y)].symbol().width() > 1
            };
            let mut blanks = Vec::new();
            if is_wide(&self.screen, x) {
                blanks.push(x + 1);
            }
            if x > 0 && is_wide(&self.screen, x - 1) {
                blanks.push(x - 1);
            }
            if cell.symbol().width() > 1 {
                blanks.push(x + 1);
            }
            let width = self.screen.buffer().area.width;
            let writes = blanks
                .iter()
                .filter(|blank_x| **blank_x < width)
                .map(|blank_x| (*blank_x, y, &blank))
                .chain(std::iter::once((x, y, cell)));
            self.screen.draw(writes)?;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.cursor_calls.push(CursorCall::Hide);
        self.screen.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.cursor_calls.push(CursorCall::Show);
        self.screen.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.screen.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let position = position.into();
        self.cursor_calls
            .push(CursorCall::MoveTo(position.x, position.y));
        self.screen.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.clears += 1;
        self.screen.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.screen.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.screen.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.screen.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.screen.flush()
    }
}

const AREA: Rect = Rect::new(0, 0, 12, 4);

fn renderer() -> Renderer<RecordingBackend> {
    Renderer::new(RecordingBackend::new(AREA.width, AREA.height), AREA)
}

/// Draws a frame that repaints each row given with its text.
fn draw_rows(renderer: &mut Renderer<RecordingBackend>, rows: &[(u16, &str)]) {
    renderer
        .draw(AREA, |canvas| {
            for (y, text) in rows {
                let row = Rect::new(0, *y, AREA.width, 1);
                canvas.repaint(row).set_string(0, *y, text, Style::new());
            }
            None
        })
        .unwrap();
}

fn draw_all(renderer: &mut Renderer<RecordingBackend>, lines: [&str; 4]) {
    renderer
        .draw(AREA, |canvas| {
            let buffer = canvas.repaint_all();
            for (y, line) in (0..).zip(lines) {
                buffer.set_string(0, y, line, Style::new());
            }
            None
        })
        .unwrap();
}

/// A buffer of `area` holding `lines`, in the default style.
fn lines(area: Rect, lines: &[&str]) -> Buffer {
    let mut buffer = Buffer::empty(area);
    for (y, line) in (0..).zip(lines) {
        buffer.set_string(0, y, line, Style::new());
    }
    buffer
}

fn screen(renderer: &Renderer<RecordingBackend>) -> &Buffer {
    renderer.backend().screen.buffer()
}

#[test]
fn rows_not_repainted_keep_the_previous_frame() {
    let mut renderer = renderer();
    draw_all(&mut renderer, ["one", "two", "three", "four"]);
    renderer.backend_mut().take_sent();

    draw_rows(&mut renderer, &[(1, "TWO")]);

    assert_eq!(
        *screen(&renderer),
        lines(AREA, &["one", "TWO", "three", "four"])
    );
    assert_eq!(
        renderer.backend().sent,
        [(0, 1), (1, 1), (2, 1)],
        "only the cells that changed in the repainted row"
    );
}

#[test]
fn a_repainted_row_that_did_not_change_sends_nothing() {
    let mut renderer = renderer();
    draw_all(&mut renderer, ["one", "two", "three", "four"]);
    renderer.backend_mut().take_sent();

    draw_rows(&mut renderer, &[(0, "one"), (3, "four")]);

    assert!(renderer.backend().sent.is_empty());
    assert!(renderer.backend().cursor_calls.is_empty());
}

#[test]
fn only_the_first_frame_and_one_after_a_resize_start_from_a_blank_canvas() {
    let mut renderer = renderer();
    let mut seen = Vec::new();
    let mut frame = |renderer: &mut Renderer<RecordingBackend>, area: Rect| {
        renderer
            .draw(area, |canvas: &mut Canvas| {
                seen.push(canvas.holds_previous_frame());
                canvas.repaint_all();
                None
            })
            .unwrap();
    };
    frame(&mut renderer, AREA);
    frame(&mut renderer, AREA);
    frame(&mut renderer, Rect::new(0, 0, 10, 3));
    frame(&mut renderer, Rect::new(0, 0, 10, 3));

    assert_eq!(seen, [false, true, false, true]);
    assert_eq!(
        renderer.backend().clears,
        1,
        "the resize cleared the screen"
    );
}

#[test]
fn a_resized_screen_is_painted_in_full() {
    let mut renderer = renderer();
    draw_all(&mut renderer, ["one", "two", "three", "four"]);
    let wider = Rect::new(0, 0, 14, 2);
    renderer
        .backend_mut()
        .screen
        .resize(wider.width, wider.height);

    renderer
        .draw(wider, |canvas| {
            let buffer = canvas.repaint_all();
            buffer.set_string(0, 0, "wider", Style::new());
            buffer.set_string(0, 1, "two", Style::new());
            None
        })
        .unwrap();

    assert_eq!(*screen(&renderer), lines(wider, &["wider", "two"]));
}

#[test]
fn the_cursor_is_only_touched_when_it_must_be() {
    let mut renderer = renderer();
    let frame = |renderer: &mut Renderer<RecordingBackend>, text: &str, cursor| {
        renderer
            .draw(AREA, |canvas| {
                canvas
                    .repaint(Rect::new(0, 0, AREA.width, 1))
                    .set_string(0, 0, text, Style::new());
                cursor
            })
            .unwrap();
        renderer
            .backend_mut()
            .cursor_calls
            .drain(..)
            .collect::<Vec<_>>()
    };
    let at = |x, y| Some(Position::new(x, y));

    assert_eq!(
        frame(&mut renderer, "$ ", at(2, 0)),
        [CursorCall::Show, CursorCall::MoveTo(2, 0)]
    );
    assert_eq!(
        frame(&mut renderer, "$ ", at(2, 0)),
        [],
        "nothing drawn, nothing moved"
    );
    assert_eq!(
        frame(&mut renderer, "$ a", at(3, 0)),
        [CursorCall::MoveTo(3, 0)]
    );
    assert_eq!(
        frame(&mut renderer, "$ ab", at(3, 0)),
        [CursorCall::MoveTo(3, 0)],
        "drawing moved the host cursor, so it is put back"
    );
    assert_eq!(frame(&mut renderer, "$ ab", None), [CursorCall::Hide]);
    assert_eq!(frame(&mut renderer, "$ abc", None), []);
    assert_eq!(
        frame(&mut renderer, "$ abc", at(5, 0)),
        [CursorCall::Show, CursorCall::MoveTo(5, 0)]
    );
}

#[test]
fn a_wide_character_painted_over_in_part_of_the_screen_leaves_no_trace() {
    let mut renderer = renderer();
    draw_all(&mut renderer, ["日本語", "two", "", ""]);

    draw_rows(&mut renderer, &[(0, "abcdef")]);

    assert_eq!(*screen(&renderer), lines(AREA, &["abcdef", "two"]));
}

/// One area repainted in a frame: its text, in one of a few styles.
#[derive(Clone, Debug)]
struct Paint {
    area: Rect,
    text: String,
    colour: Option<Color>,
}

fn paint() -> impl Strategy<Value = Paint> {
    let symbol = prop::sample::select(vec!["a", "b", " ", "日", "é", "─"]);
    (
        0..AREA.width,
        0..AREA.height,
        1..=AREA.width,
        1..=AREA.height,
        prop::collection::vec(symbol, 0..16),
        prop::option::of(prop::sample::select(vec![Color::Red, Color::Blue])),
    )
        .prop_map(|(x, y, width, height, symbols, colour)| Paint {
            area: Rect::new(x, y, width, height).intersection(AREA),
            text: symbols.concat(),
            colour,
        })
}

/// A frame: everything repainted, or some areas.
fn frame() -> impl Strategy<Value = (bool, Vec<Paint>)> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(paint(), 0..4),
    )
}

fn apply(paints: &[Paint], buffer: &mut Buffer) {
    for paint in paints {
        let style = paint
            .colour
            .map_or(Style::new(), |colour| Style::new().fg(colour));
        buffer.set_stringn(
            paint.area.x,
            paint.area.y,
            &paint.text,
            usize::from(paint.area.width),
            style,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Frame after frame, the host screen shows what ratatui's own `Terminal`, which paints
    /// every frame from scratch and diffs all of it, shows for the same pictures on the same
    /// terminal.
    #[test]
    fn partial_frames_show_what_whole_frames_show(frames in prop::collection::vec(frame(), 1..12)) {
        let mut renderer = renderer();
        let mut reference =
            ratatui::Terminal::new(RecordingBackend::new(AREA.width, AREA.height))
                .expect("the test backend cannot fail");
        let mut picture = Buffer::empty(AREA);
        for (everything, paints) in &frames {
            if *everything {
                picture.reset();
            }
            for paint in paints {
                for position in paint.area.positions() {
                    picture[position].reset();
                }
                apply(std::slice::from_ref(paint), &mut picture);
            }

            renderer.draw(AREA, |canvas| {
                if *everything {
                    canvas.repaint_all();
                }
                for paint in paints {
                    apply(std::slice::from_ref(paint), canvas.repaint(paint.area));
                }
                None
            }).unwrap();
            reference.draw(|frame| frame.buffer_mut().merge(&picture)).unwrap();

            prop_assert_eq!(screen(&renderer), reference.backend().screen.buffer());
        }
    }
}
