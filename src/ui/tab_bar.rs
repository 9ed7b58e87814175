//! The top row: one label per tab, the active one highlighted, with markers for tabs that wait
//! for an answer or have ended.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::{Model, TabState};

pub struct TabBar<'a> {
    pub model: &'a Model,
}

/// Longest title shown before it is shortened with an ellipsis.
const MAX_TITLE: usize = 24;

/// Everything the tab bar shows: equal contents draw equal rows.
#[derive(Clone, Debug, PartialEq)]
pub struct TabBarContent {
    labels: Line<'static>,
    /// Shown at the right end while the prefix key waits for its command.
    prefix_hint: Option<String>,
}

impl TabBar<'_> {
    pub fn content(&self) -> TabBarContent {
        let model = self.model;
        let mut labels = Vec::new();
        for (index, tab) in model.tabs.iter().enumerate() {
            let marker = if !tab.prompts.is_empty() {
                "?"
            } else {
                match tab.state {
                    TabState::Open => "",
                    TabState::Connecting | TabState::Opening => "…",
                    _ => "✕",
                }
            };
            let label = format!(
                " {} {}{marker} ",
                index + 1,
                shorten(tab.title(), MAX_TITLE)
            );
            let style = if index == model.active {
                Style::new().black().on_white().add_modifier(Modifier::BOLD)
            } else if tab.state.is_live() {
                Style::new().white().on_dark_gray()
            } else {
                Style::new()
                    .gray()
                    .on_dark_gray()
                    .add_modifier(Modifier::DIM)
            };
            labels.push(Span::styled(label, style));
            labels.push(Span::raw("│").dark_gray().on_dark_gray());
        }
        if model.tabs.is_empty() {
            labels.push(Span::raw(" tabsh ").white().on_dark_gray());
        }
        TabBarContent {
            labels: Line::from(labels),
            prefix_hint: model
                .prefix_pending
                .then(|| format!(" {} … ", model.keymap.prefix)),
        }
    }
}

impl Widget for &TabBarContent {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, Style::new().on_dark_gray());
        (&self.labels).render(area, buf);
        if let Some(hint) = &self.prefix_hint {
            let width = hint.chars().count() as u16;
            if width < area.width {
                let at = Rect::new(area.right() - width, area.y, width, 1);
                Line::from(hint.as_str())
                    .black()
                    .on_yellow()
                    .render(at, buf);
            }
        }
    }
}

pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
