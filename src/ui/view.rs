//! The whole screen, drawn from the model alone: tab bar, the active tab's terminal, status bar,
//! and whatever overlay is open.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::popups;
use super::status_bar::StatusBar;
use super::tab_bar::TabBar;
use crate::app::{Model, Overlay, TabState};
use crate::terminal::{TerminalView, ViewCache};

/// `cache` carries what the terminal view drew between frames; any cache gives the same picture.
pub fn view(model: &Model, cache: &ViewCache, frame: &mut Frame) {
    let [tab_row, body, status_row] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(TabBar { model }, tab_row);
    frame.render_widget(StatusBar { model }, status_row);

    match model.active_tab() {
        Some(tab) => {
            let typing_into_terminal = tab.state == TabState::Open
                && model.overlay.is_none()
                && tab.prompts.is_empty()
                && !model.scrollback_mode;
            // The host terminal's own cursor marks where typing goes; a drawn one would double it.
            let terminal_view = TerminalView::new(&tab.terminal)
                .show_cursor(false)
                .cache(cache);
            frame.render_widget(terminal_view, body);
            if typing_into_terminal && let Some(position) = terminal_view.cursor_position(body) {
                frame.set_cursor_position(position);
            }
            popups::render_tab_state(tab, model, body, frame.buffer_mut());
            if let Some(pending) = tab.prompts.first() {
                popups::render_prompt(pending, body, frame.buffer_mut());
            }
        }
        None => {
            let hint = format!(
                "No open sessions. {} s opens the session manager.",
                model.keymap.prefix
            );
            frame.render_widget(
                Paragraph::new(Line::from(hint).dark_gray()).centered(),
                body,
            );
        }
    }
    if model.scrollback_mode {
        let hint = " scrollback: ↑↓ PgUp PgDn Home End, any other key leaves ";
        let width = (hint.chars().count() as u16).min(body.width);
        let at = Rect::new(body.x, body.bottom().saturating_sub(1), width, 1);
        frame.render_widget(Line::from(hint).black().on_yellow(), at);
    }
    render_overlay(model, body, frame);
}

fn render_overlay(model: &Model, body: Rect, frame: &mut Frame) {
    let Some(overlay) = &model.overlay else {
        return;
    };
    let buf = frame.buffer_mut();
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
