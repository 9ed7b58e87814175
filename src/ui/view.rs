//! The whole screen, drawn from the model alone: tab bar, the active tab's terminal, status bar,
//! and whatever overlay is open.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::frame_memory::FrameMemory;
use super::painted::{Kept, Painted};
use super::popups;
use super::renderer::Canvas;
use super::status_bar::StatusBar;
use super::tab_bar::TabBar;
use crate::app::{CHROME_ROWS, Model, Overlay, Tab, TabState};
use crate::terminal::{CursorStyle, Terminal, TerminalView, ViewCache};

/// Paints the frame on `canvas` and says where the host cursor goes (`None` hides it).
///
/// `memory` carries what earlier frames painted; any memory gives the same picture. While the
/// previous frame showed the active terminal with nothing over it and this one does too, only
/// the bars that changed and the terminal rows that may have are repainted.
pub fn view(model: &Model, memory: &FrameMemory, canvas: &mut Canvas) -> Option<Position> {
    let [tab_row, body, status_row] = screen_areas(canvas.area());
    let unobstructed = unobstructed_terminal(model, body);
    let highlighter = model
        .active_tab()
        .and_then(|tab| model.highlights.for_profile(&tab.profile_id));
    let highlighter_id = model.highlights.identity(highlighter);
    let keeps_body = canvas.holds_previous_frame()
        && memory.unobstructed_terminal.get() == Some(body)
        && memory.highlighter.replace(highlighter_id) == highlighter_id;
    memory.unobstructed_terminal.set(unobstructed.map(|_| body));
    memory.highlighter.set(highlighter_id);
    let tab_bar = TabBar { model }.content();
    let status_bar = StatusBar { model }.content();
    match unobstructed {
        Some(terminal) if keeps_body => {
            repaint_if_changed(&memory.tab_bar, tab_row, tab_bar, canvas);
            repaint_if_changed(&memory.status_bar, status_row, status_bar, canvas);
            let terminal_view = TerminalView::new(terminal)
                .show_cursor(false)
                .cache(&memory.terminal_rows);
            for mut changed in terminal_view.changed_rows(body) {
                // A keyword can start in cells that did not change: the row is drawn whole.
                if highlighter.is_some() {
                    changed = changed.whole();
                }
                let row = changed.row();
                let cells = changed.area_in(body);
                let buf = canvas.repaint(cells);
                terminal_view.render_changed_row(body, changed, buf);
                if let Some(rules) = highlighter {
                    super::terminal_marks::highlight_row(rules, terminal, row, body, buf);
                }
            }
            terminal_view.cursor_position(body)
        }
        _ => {
            let buf = canvas.repaint_all();
            memory.tab_bar.paint(tab_row, tab_bar, buf);
            memory.status_bar.paint(status_row, status_bar, buf);
            paint_body(model, &memory.terminal_rows, body, buf)
        }
    }
}

/// The tab bar's row at the top, the status bar's at the bottom and the body between them
/// (the size `Model::terminal_size` gives tabs). Plain arithmetic: ratatui's layout solver
/// costs microseconds on every frame, more than the rest of an echo's frame.
fn screen_areas(screen: Rect) -> [Rect; 3] {
    let row = |y| Rect::new(screen.x, y, screen.width, 1).intersection(screen);
    let tab_row = row(screen.y);
    let status_row = row(screen.bottom().saturating_sub(1).max(screen.y + 1));
    let body = Rect::new(
        screen.x,
        screen.y + 1,
        screen.width,
        screen.height.saturating_sub(CHROME_ROWS),
    )
    .intersection(screen);
    [tab_row, body, status_row]
}

/// Repaints `area` with `content` unless the last frame painted just that there.
fn repaint_if_changed<C: Kept>(
    painted: &Painted<C::Owned>,
    area: Rect,
    content: C,
    canvas: &mut Canvas,
) where
    for<'a> &'a C: Widget,
{
    if !painted.holds(area, &content) {
        painted.paint(area, content, canvas.repaint(area));
    }
}

/// The cursor shape the host terminal should show: the active tab's while keys go to it, the
/// host's own otherwise (a form's text field, the session manager's filter).
pub fn cursor_style(model: &Model) -> CursorStyle {
    match model.active_tab() {
        Some(tab) if typing_into_terminal(model, tab) => tab.terminal.cursor_style(),
        _ => CursorStyle::Default,
    }
}

/// Whether keys go to the remote of `tab`, the active one: it is live, and no prompt, overlay
/// or scrollback mode takes them.
fn typing_into_terminal(model: &Model, tab: &Tab) -> bool {
    tab.state == TabState::Open
        && model.overlay.is_none()
        && tab.prompts.is_empty()
        && crate::app::remote_clipboard::question_shown(model).is_none()
        && !model.scrollback_mode
        && model.search.is_none()
        && model.copy.is_none()
}

/// The active tab's terminal when the body shows it and nothing else: typed into, scrolled to
/// the bottom (no history rows or indicator) and as large as the body.
fn unobstructed_terminal(model: &Model, body: Rect) -> Option<&Terminal> {
    let tab = model.active_tab()?;
    let terminal = &tab.terminal;
    let unobstructed = typing_into_terminal(model, tab)
        && !terminal.is_scrolled()
        && terminal.size() == (body.height, body.width);
    unobstructed.then_some(terminal)
}

/// Everything between the bars: the active tab with whatever is over it, or a hint.
fn paint_body(
    model: &Model,
    terminal_rows: &ViewCache,
    body: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    let mut cursor = None;
    match model.active_tab() {
        Some(tab) => {
            // The host terminal's own cursor marks where typing goes; a drawn one would double it.
            let terminal_view = TerminalView::new(&tab.terminal)
                .show_cursor(false)
                .cache(terminal_rows);
            terminal_view.render(body, buf);
            super::terminal_marks::paint(model, tab, body, buf);
            if typing_into_terminal(model, tab) {
                cursor = terminal_view.cursor_position(body);
            }
            popups::render_tab_state(tab, model, body, buf);
            if let Some(pending) = tab.prompts.first() {
                popups::render_prompt(pending, body, buf);
            } else if let Some(question) = crate::app::remote_clipboard::question_shown(model) {
                popups::render_clipboard_question(question, body, buf);
            }
        }
        None => {
            let hint = format!(
                "No open sessions. {} s opens the session manager.",
                model.keymap.prefix
            );
            Paragraph::new(Line::from(hint).dark_gray())
                .centered()
                .render(body, buf);
        }
    }
    if model.scrollback_mode && model.search.is_none() {
        let hint = super::words::COPY_MODE_KEYS;
        let width = (hint.chars().count() as u16).min(body.width);
        let at = Rect::new(body.x, body.bottom().saturating_sub(1), width, 1);
        Line::from(hint).black().on_yellow().render(at, buf);
    }
    render_overlay(model, body, buf);
    cursor
}

fn render_overlay(model: &Model, body: Rect, buf: &mut Buffer) {
    let Some(overlay) = &model.overlay else {
        return;
    };
    match overlay {
        Overlay::SessionManager(manager) => {
            let area = popups::centered(body, body.width.saturating_sub(4).max(20), body.height);
            Clear.render(area, buf);
            super::session_manager::render(manager, &model.profiles, area, buf);
        }
        Overlay::ProfileForm(form) => {
            let area = popups::centered(body, body.width.saturating_sub(4).max(20), body.height);
            Clear.render(area, buf);
            super::profile_form::render(form, area, buf);
        }
        Overlay::Help => popups::render_help(model, body, buf),
        Overlay::Rename { text, .. } => popups::render_rename(text, body, buf),
        Overlay::ConfirmQuit => popups::render_confirm_quit(model, body, buf),
        Overlay::SpillOver { refusal, tab, .. } => {
            popups::render_spill_over(&crate::text::refusal(refusal), tab.is_some(), body, buf)
        }
        Overlay::Inspector {
            connection,
            closing,
        } => super::inspector::render(model, *connection, *closing, body, buf),
        Overlay::ConfirmPaste(pending) => popups::render_confirm_paste(pending, body, buf),
        Overlay::Compose(compose) => popups::render_compose(model, compose, body, buf),
    }
}
