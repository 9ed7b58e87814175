//! The bottom row: what the active tab is connected to and how that connection is doing.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::{ConnectionInfo, Model, TabState};

pub struct StatusBar<'a> {
    pub model: &'a Model,
}

/// "3 sessions", or "3/3, server limit" once the server has refused one.
pub fn session_count(info: &ConnectionInfo) -> String {
    match info.server_limit {
        Some(limit) => format!("{}/{limit}, server limit", info.sessions),
        None if info.sessions == 1 => "1 session".to_owned(),
        None => format!("{} sessions", info.sessions),
    }
}

/// "anti-idle on, idle 12s, rtt 3ms", with misses once a keepalive went unanswered.
pub fn anti_idle_text(enabled: bool, info: Option<&ConnectionInfo>) -> String {
    let mut text = format!("anti-idle {}", if enabled { "on" } else { "off" });
    let Some(info) = info else {
        return text;
    };
    if let Some(activity) = &info.activity {
        // Read when drawing: it does not tick by itself, nothing redraws an idle screen.
        let idle = activity.last_traffic().elapsed().as_secs();
        text += &format!(", idle {idle}s");
    }
    if let Some(rtt) = info.rtt {
        text += &format!(", rtt {}ms", rtt.as_millis());
    }
    let (misses, max) = info.misses;
    if misses > 0 {
        text += &format!(", missed {misses}/{max}");
    }
    text
}

pub fn state_text(state: &TabState) -> String {
    match state {
        TabState::Connecting => "connecting".to_owned(),
        TabState::Opening => "opening session".to_owned(),
        TabState::Open => "connected".to_owned(),
        TabState::Ended(why) => format!("ended: {why}"),
        TabState::Failed(why) => format!("failed: {why}"),
        TabState::Cancelled(why) => format!("cancelled: {why}"),
    }
}

/// Everything the status bar shows: equal contents draw equal rows.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusBarContent {
    details: Line<'static>,
    /// At the right end: a notice, or how to get help.
    hint: Line<'static>,
}

impl StatusBar<'_> {
    pub fn content(&self) -> StatusBarContent {
        let model = self.model;
        let separator = || Span::raw(" │ ").light_blue().on_blue();
        let mut details = Vec::new();
        if let Some(tab) = model.active_tab() {
            details.push(
                Span::raw(format!(" {}", tab.profile.display_name()))
                    .white()
                    .bold()
                    .on_blue(),
            );
            if !tab.target.is_empty() {
                details.push(separator());
                details.push(Span::raw(tab.target.clone()).white().on_blue());
            }
            details.push(separator());
            let state = Span::raw(state_text(&tab.state));
            details.push(match tab.state {
                TabState::Open => state.light_green().on_blue(),
                TabState::Connecting | TabState::Opening => state.yellow().on_blue(),
                _ => state.light_red().on_blue(),
            });
            if let Some(info) = tab.connection.and_then(|c| model.connections.get(&c)) {
                details.push(separator());
                details.push(Span::raw(session_count(info)).white().on_blue());
            }
            details.push(separator());
            let info = tab.connection.and_then(|c| model.connections.get(&c));
            let text = anti_idle_text(tab.profile.profile.anti_idle.enabled, info);
            let span = Span::raw(text);
            details.push(match info.map(|i| i.misses.0) {
                Some(misses) if misses > 0 => span.yellow().bold().on_blue(),
                _ => span.white().on_blue(),
            });
        }
        let hint = match &model.notice {
            Some(notice) => Span::raw(format!("{notice} ")).black().on_yellow(),
            None => Span::raw(format!("{} ? help ", model.keymap.prefix))
                .light_blue()
                .on_blue(),
        };
        StatusBarContent {
            details: Line::from(details),
            hint: Line::from(hint),
        }
    }
}

impl Widget for &StatusBarContent {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, Style::new().on_blue());
        let hint_width = (self.hint.width() as u16).min(area.width);
        (&self.details).render(area, buf);
        // Notices win over the right end of the connection details.
        let x = area.right() - hint_width;
        (&self.hint).render(Rect::new(x, area.y, hint_width, 1), buf);
    }
}
