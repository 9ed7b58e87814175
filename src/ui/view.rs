//! The whole screen, drawn from the model alone: tab bar, the active tab's terminal, status bar,
//! and whatever overlay is open.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::popups;
use super::renderer::Canvas;
use super::status_bar::StatusBar;
use super::tab_bar::TabBar;
use crate::app::{Model, Overlay, Tab, TabState};
use crate::terminal::{Terminal, TerminalView, ViewCache};

/// Paints the frame on `canvas` and says where the host cursor goes (`None` hides it).
///
/// `cache` carries what the terminal view drew between frames; any cache gives the same
/// picture. While the previous frame showed the active terminal with nothing over it and this
/// one does too, only the bars and the terminal rows that changed are repainted.
pub fn view(model: &Model, cache: &ViewCache, canvas: &mut Canvas) -> Option<Position> {
    let [tab_row, body, status_row] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(canvas.area());
    let unobstructed = unobstructed_terminal(model, body);
    let keeps_body = canvas.holds_previous_frame() && cache.shown_unobstructed() == Some(body);
    cache.set_shown_unobstructed(unobstructed.map(|_| body));
    match unobstructed {
        Some(terminal) if keeps_body => {
            TabBar { model }.render(tab_row, canvas.repaint(tab_row));
            StatusBar { model }.render(status_row, canvas.repaint(status_row));
            let terminal_view = TerminalView::new(terminal).show_cursor(false).cache(cache);
            for changed in terminal_view.changed_rows(body) {
                let row = Rect::new(body.x, body.y + changed.row(), body.width, 1);
                terminal_view.render_changed_row(body, changed, canvas.repaint(row));
            }
            terminal_view.cursor_position(body)
        }
        _ => paint_everything(
            model,
            cache,
            [tab_row, body, status_row],
            canvas.repaint_all(),
        ),
    }
}

/// Whether keys go to the remote of `tab`, the active one: it is live, and no prompt, overlay
/// or scrollback mode takes them.
fn typing_into_terminal(model: &Model, tab: &Tab) -> bool {
    tab.state == TabState::Open
        && model.overlay.is_none()
        && tab.prompts.is_empty()
        && !model.scrollback_mode
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

fn paint_everything(
    model: &Model,
    cache: &ViewCache,
    [tab_row, body, status_row]: [Rect; 3],
    buf: &mut Buffer,
) -> Option<Position> {
    TabBar { model }.render(tab_row, buf);
    StatusBar { model }.render(status_row, buf);
    let mut cursor = None;
    match model.active_tab() {
        Some(tab) => {
            // The host terminal's own cursor marks where typing goes; a drawn one would double it.
            let terminal_view = TerminalView::new(&tab.terminal)
                .show_cursor(false)
                .cache(cache);
            terminal_view.render(body, buf);
            if typing_into_terminal(model, tab) {
                cursor = terminal_view.cursor_position(body);
            }
            popups::render_tab_state(tab, model, body, buf);
            if let Some(pending) = tab.prompts.first() {
                popups::render_prompt(pending, body, buf);
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
    if model.scrollback_mode {
        let hint = " scrollback: ↑↓ PgUp PgDn Home End, any other key leaves ";
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
            manager.render(&model.profiles, &model.load_failures, area, buf);
        }
        Overlay::ProfileForm(form) => {
            let area = popups::centered(body, body.width.saturating_sub(4).max(20), body.height);
            Clear.render(area, buf);
            form.render(area, buf);
        }
        Overlay::Help => popups::render_help(model, body, buf),
        Overlay::Rename { text, .. } => popups::render_rename(text, body, buf),
        Overlay::ConfirmQuit => popups::render_confirm_quit(model, body, buf),
        Overlay::SpillOver { message, .. } => popups::render_spill_over(message, body, buf),
    }
}
