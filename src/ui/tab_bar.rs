//! The top row: one label per tab, the active one highlighted, with markers for tabs that wait
//! for an answer or have ended, and for background tabs that printed something or rang the bell.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::painted::Kept;
use crate::app::remote_clipboard::ClipboardConsent;
use crate::app::{Model, TabState};
use crate::input::keymap::KeyChord;

pub struct TabBar<'a> {
    pub model: &'a Model,
}

/// A background tab rang the bell.
const BELL_MARK: &str = "!";
/// A background tab printed something.
const ACTIVITY_MARK: &str = "•";
/// Before a broadcast member's label, and before one that typing skips now.
pub const GROUP_MEMBER: &str = "◆";
pub const GROUP_SKIPPED: &str = "⊘";

/// Longest title shown before it is shortened with an ellipsis.
const MAX_TITLE: usize = 24;

/// Everything the tab bar shows, borrowed from the model: equal contents draw equal rows.
/// Every frame builds one to compare with the last, so building it only looks (one
/// allocation); the text and styles are made when it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct TabBarContent<'a> {
    labels: Vec<TabLabel<'a>>,
    /// Shown at the right end while the prefix key waits for its command.
    pending_prefix: Option<KeyChord>,
}

#[derive(Clone, Debug, PartialEq)]
struct TabLabel<'a> {
    title: Cow<'a, str>,
    marker: &'static str,
    look: LabelLook,
    group: GroupMark,
}

/// How a tab stands in the broadcast group.
#[derive(Clone, Copy, Debug, PartialEq)]
enum GroupMark {
    None,
    Member,
    /// A member that typing skips now: it shows a full-screen program and the active tab not.
    Skipped,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum LabelLook {
    Active,
    Live,
    Gone,
}

impl<'a> TabBar<'a> {
    pub fn content(&self) -> TabBarContent<'a> {
        let model = self.model;
        let skipped = if model.broadcast.has_members() {
            crate::app::broadcast::reach(model).full_screen
        } else {
            Vec::new()
        };
        let labels = model
            .tabs
            .iter()
            .enumerate()
            .map(|(index, tab)| TabLabel {
                title: Cow::Borrowed(model.tab_title(tab)),
                marker: if !tab.prompts.is_empty()
                    || matches!(tab.clipboard, ClipboardConsent::Asking(_))
                {
                    "?"
                } else {
                    match tab.state {
                        // Only a tab in the background can have news.
                        TabState::Open if index != model.active => {
                            if tab.marks.bell {
                                BELL_MARK
                            } else if tab.marks.activity {
                                ACTIVITY_MARK
                            } else {
                                ""
                            }
                        }
                        TabState::Open => "",
                        TabState::Connecting | TabState::Opening => "…",
                        TabState::Reconnecting => "↻",
                        _ => "✕",
                    }
                },
                group: if skipped.contains(&tab.id) {
                    GroupMark::Skipped
                } else if model.broadcast.is_member(tab.id) {
                    GroupMark::Member
                } else {
                    GroupMark::None
                },
                look: if index == model.active {
                    LabelLook::Active
                } else if tab.state.is_live() {
                    LabelLook::Live
                } else {
                    LabelLook::Gone
                },
            })
            .collect();
        TabBarContent {
            labels,
            pending_prefix: model.prefix_pending.then_some(model.keymap.prefix),
        }
    }
}

impl Kept for TabBarContent<'_> {
    type Owned = TabBarContent<'static>;

    fn keep(self) -> Self::Owned {
        TabBarContent {
            labels: self
                .labels
                .into_iter()
                .map(|label| TabLabel {
                    title: Cow::Owned(label.title.into_owned()),
                    marker: label.marker,
                    look: label.look,
                    group: label.group,
                })
                .collect(),
            pending_prefix: self.pending_prefix,
        }
    }

    fn same_as(&self, kept: &Self::Owned) -> bool {
        let kept: &Self = kept;
        self == kept
    }
}

impl LabelLook {
    fn style(self) -> Style {
        match self {
            Self::Active => Style::new().black().on_white().add_modifier(Modifier::BOLD),
            Self::Live => Style::new().white().on_dark_gray(),
            Self::Gone => Style::new()
                .gray()
                .on_dark_gray()
                .add_modifier(Modifier::DIM),
        }
    }
}

impl Widget for &TabBarContent<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, Style::new().on_dark_gray());
        let mut spans = Vec::with_capacity(self.labels.len() * 2);
        for (index, label) in self.labels.iter().enumerate() {
            let text = format!(
                " {} {}{} ",
                index + 1,
                shorten(&label.title, MAX_TITLE),
                label.marker
            );
            match label.group {
                GroupMark::None => {}
                GroupMark::Member => spans.push(Span::raw(GROUP_MEMBER).black().on_magenta()),
                GroupMark::Skipped => spans.push(Span::raw(GROUP_SKIPPED).black().on_yellow()),
            }
            spans.push(Span::styled(text, label.look.style()));
            spans.push(Span::raw("│").dark_gray().on_dark_gray());
        }
        if self.labels.is_empty() {
            spans.push(Span::raw(" tabsh ").white().on_dark_gray());
        }
        Line::from(spans).render(area, buf);
        if let Some(prefix) = self.pending_prefix {
            let hint = format!(" {prefix} … ");
            let width = hint.chars().count() as u16;
            if width < area.width {
                let at = Rect::new(area.right() - width, area.y, width, 1);
                Line::from(hint).black().on_yellow().render(at, buf);
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
