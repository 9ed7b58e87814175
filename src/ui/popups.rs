//! Boxes drawn over the tabs: SSH questions, the tab's state when it has no live session, help,
//! rename, the quit question and a refused clone. A box is as tall as its text once wrapped,
//! and its last line (what the keys do) always shows, even when the rest must be cut.

use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::words;
use crate::app::broadcast::{ComposeLine, PendingPaste};
use crate::app::remote_clipboard::ClipboardQuestion;
use crate::app::{Model, PendingPrompt, Tab, TabState};
use crate::escape::{escape_line, escape_multiline};
use crate::ssh::Prompt;
use crate::text;

/// A rectangle of `width` x `height` centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The narrowest a box is drawn, and the widest its text makes it.
const MIN_WIDTH: u16 = 40;
const MAX_WIDTH: u16 = 100;

/// A box titled `title` with `lines` (wrapped) above `keys`, which always shows on the last
/// row inside the border.
fn boxed(
    title: &str,
    lines: Vec<Line<'static>>,
    keys: Line<'static>,
    area: Rect,
    buf: &mut Buffer,
    style: Style,
) {
    let width = lines
        .iter()
        .chain([&keys])
        .map(|line| {
            u16::try_from(line.width())
                .unwrap_or(u16::MAX)
                .saturating_add(4)
        })
        .chain([u16::try_from(title.chars().count())
            .unwrap_or(u16::MAX)
            .saturating_add(6)])
        .max()
        .unwrap_or(MIN_WIDTH)
        .clamp(MIN_WIDTH, MAX_WIDTH)
        .min(area.width);
    let inner_width = width.saturating_sub(2).max(1);
    let body = Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false });
    let keys = Paragraph::new(keys).wrap(Wrap { trim: false });
    let body_rows = u16::try_from(body.line_count(inner_width)).unwrap_or(u16::MAX);
    let key_rows = u16::try_from(keys.line_count(inner_width)).unwrap_or(u16::MAX);
    let height = body_rows
        .saturating_add(key_rows)
        .saturating_add(2)
        .min(area.height);
    let rect = centered(area, width, height);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .border_style(style);
    let inner = block.inner(rect);
    block.render(rect, buf);
    // The keys take the bottom rows; the text gets what is left, cut at the bottom if it must.
    let key_rows = key_rows.min(inner.height);
    let [text_area, keys_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(key_rows)]).areas(inner);
    body.render(text_area, buf);
    keys.render(keys_area, buf);
}

fn keys_line(text: String) -> Line<'static> {
    Line::from(text).dark_gray()
}

pub fn render_prompt(pending: &PendingPrompt, area: Rect, buf: &mut Buffer) {
    let hidden = "(typing is hidden)".dark_gray();
    let answer = keys_line("Enter: answer   Esc: cancel".to_owned());
    let (title, lines, keys): (&str, Vec<Line<'static>>, Line<'static>) = match &pending.prompt {
        Prompt::UnknownHostKey {
            host_port,
            key_type,
            fingerprint,
            known_hosts,
            other_types,
        } => {
            let mut lines = vec![
                Line::from(format!(
                    "The authenticity of {host_port} can't be established."
                )),
                Line::from(format!(
                    "{} key fingerprint is {fingerprint}.",
                    escape_line(key_type)
                )),
            ];
            if !other_types.is_empty() {
                lines.push(
                    Line::from(format!(
                        "Known with other key types: {}",
                        escape_line(&other_types.join(", "))
                    ))
                    .yellow(),
                );
            }
            lines.push(Line::from(format!(
                "y saves it to {}; o trusts it for this connection only.",
                known_hosts.display()
            )));
            let keys =
                keys_line("y: trust and save   o: trust once   n: refuse   Esc: cancel".to_owned());
            ("Unknown host key", lines, keys)
        }
        Prompt::Password {
            user,
            host_port,
            attempt,
        } => {
            let mut lines = Vec::new();
            if *attempt > 1 {
                lines.push(Line::from("Permission denied, please try again.").light_red());
            }
            let attempt = if *attempt > 1 {
                format!(" (attempt {attempt})")
            } else {
                String::new()
            };
            lines.push(Line::from(format!(
                "Password for {user}@{host_port}{attempt}:"
            )));
            lines.push(Line::from(hidden));
            ("Password", lines, answer)
        }
        Prompt::Passphrase { key_file, attempt } => {
            let mut lines = Vec::new();
            if *attempt > 1 {
                lines.push(Line::from("Wrong passphrase, try again.").light_red());
            }
            lines.push(Line::from(format!(
                "Passphrase for {}:",
                key_file.display()
            )));
            lines.push(Line::from(hidden));
            ("Key passphrase", lines, answer)
        }
        Prompt::KeyboardInteractive {
            user,
            host_port,
            name,
            instructions,
            prompts,
        } => {
            // Everything but the user and host comes from the server.
            let mut lines = vec![Line::from(format!("{user}@{host_port}"))];
            for text in [name, instructions].into_iter().filter(|t| !t.is_empty()) {
                for line in escape_multiline(text).lines() {
                    lines.push(Line::from(line.to_owned()));
                }
            }
            let current = pending.answers.len();
            if let Some(question) = prompts.get(current) {
                lines.push(Line::from(escape_line(&question.text).into_owned()));
                lines.push(if question.echo {
                    Line::from(pending.input.expose().to_owned())
                } else {
                    Line::from(hidden)
                });
            }
            ("Login", lines, answer)
        }
    };
    // Until the question takes keys, it says so instead of what the keys do.
    let keys = if pending.armed {
        keys
    } else {
        keys_line("…".to_owned())
    };
    boxed(title, lines, keys, area, buf, Style::new().yellow());
}

/// The remote program asks to set the clipboard: what it wants to put there, and y or n.
pub fn render_clipboard_question(question: &ClipboardQuestion, area: Rect, buf: &mut Buffer) {
    let (lines, keys) = super::words::clipboard_question(&question.text);
    let keys = if question.armed {
        keys
    } else {
        "…".to_owned()
    };
    boxed(
        "Clipboard",
        lines.into_iter().map(Line::from).collect(),
        keys_line(keys),
        area,
        buf,
        Style::new().yellow(),
    );
}

/// Why a tab shows no live session, and what can be done about it.
pub fn render_tab_state(tab: &Tab, model: &Model, area: Rect, buf: &mut Buffer) {
    let prefix = model.keymap.prefix;
    let (title, style, keys) = match &tab.state {
        TabState::Open => return,
        TabState::Connecting | TabState::Opening => {
            ("Connecting", Style::new().yellow(), String::new())
        }
        TabState::Reconnecting => (
            "Reconnecting",
            Style::new().yellow(),
            format!("{prefix} r: try now   Esc: stop   {prefix} x: close tab"),
        ),
        TabState::Ended(_) => (
            "Session ended",
            Style::new().light_red(),
            format!("{prefix} r: reopen   {prefix} x: close tab"),
        ),
        TabState::Failed(_) => (
            "Connection failed",
            Style::new().light_red(),
            format!("{prefix} r: try again   {prefix} x: close tab"),
        ),
        TabState::Cancelled(_) => (
            "Cancelled",
            Style::new().yellow(),
            format!("{prefix} r: try again   {prefix} x: close tab"),
        ),
    };
    let target = match model.profile_of(tab) {
        Some(stored) if tab.target.is_empty() => {
            format!("{}:{}", stored.profile.host, stored.profile.port)
        }
        _ => tab.target.clone(),
    };
    let mut lines = vec![Line::from(format!(
        "{} ({target})",
        model.profile_name(tab)
    ))];
    let reconnect = tab
        .connection
        .and_then(|c| model.connections.get(&c))
        .and_then(|info| info.reconnect());
    match (&tab.state, reconnect) {
        (TabState::Reconnecting, Some(reconnect)) => {
            lines.push(Line::from(format!("lost: {}", reconnect.cause)));
            if let Some(hint) = model
                .profile_of(tab)
                .and_then(|p| text::loss_hint(&reconnect.cause, &p.profile.anti_idle))
            {
                lines.push(Line::from(hint).dark_gray());
            }
            lines.push(Line::from(words::reconnect_progress(reconnect, Instant::now())).yellow());
            if let Some(error) = &reconnect.last_error {
                lines.push(Line::from(format!("last attempt: {error}")).light_red());
            }
        }
        (state, _) => {
            lines.push(Line::from(words::tab_state(state)));
            if let TabState::Ended(crate::app::Ending::ConnectionLost(cause)) = state
                && let Some(hint) = model
                    .profile_of(tab)
                    .and_then(|p| text::loss_hint(cause, &p.profile.anti_idle))
            {
                lines.push(Line::from(hint).dark_gray());
            }
        }
    }
    boxed(title, lines, keys_line(keys), area, buf, style);
}

pub fn render_help(model: &Model, area: Rect, buf: &mut Buffer) {
    let prefix = model.keymap.prefix;
    let mut lines = vec![
        Line::from(format!(
            "Press {prefix}, then a key. {prefix} twice sends {prefix} itself."
        )),
        Line::from(""),
    ];
    for (keys, what) in model.keymap.help_lines() {
        lines.push(Line::from(format!("{keys:>18}  {what}")));
    }
    lines.push(Line::from(""));
    lines.push(
        Line::from(
            "Mouse wheel scrolls back, a drag selects and copies. Keys: <config dir>/keys.toml.",
        )
        .dark_gray(),
    );
    let keys = keys_line("Any key closes this help.".to_owned());
    boxed("Keys", lines, keys, area, buf, Style::new().cyan());
}

pub fn render_rename(text: &str, area: Rect, buf: &mut Buffer) {
    let lines = vec![Line::from(format!("{text}▏"))];
    let keys =
        keys_line("Enter: rename (empty: back to the remote title)   Esc: cancel".to_owned());
    boxed("Rename tab", lines, keys, area, buf, Style::new().cyan());
}

pub fn render_confirm_quit(model: &Model, area: Rect, buf: &mut Buffer) {
    let lines = vec![Line::from(format!(
        "{} session(s) are open. Quit and close them?",
        model.live_sessions()
    ))];
    let keys = keys_line("y: quit   any other key: stay".to_owned());
    boxed(
        "Quit tabsh",
        lines,
        keys,
        area,
        buf,
        Style::new().light_red(),
    );
}

/// A refused channel and the choice: a new connection (which logs in again), or not.
pub fn render_spill_over(message: &str, reopening: bool, area: Rect, buf: &mut Buffer) {
    let (title, what) = if reopening {
        ("Session refused", "reopen it")
    } else {
        ("Clone refused", "open it")
    };
    let lines = vec![Line::from(message.to_owned())];
    let keys = keys_line(format!(
        "Enter: {what} on a new connection (logs in again)   Esc: cancel"
    ));
    boxed(title, lines, keys, area, buf, Style::new().yellow());
}

/// A paste for several broadcast tabs, before it is sent.
pub fn render_confirm_paste(pending: &PendingPaste, area: Rect, buf: &mut Buffer) {
    let lines = vec![Line::from(words::broadcast_paste(pending))];
    let keys = keys_line("Enter / y: paste to all of them   any other key: cancel".to_owned());
    boxed(
        "Paste to several tabs",
        lines,
        keys,
        area,
        buf,
        Style::new().magenta(),
    );
}

/// The compose line, in a box at the bottom of the tab so the output above stays in view.
pub fn render_compose(model: &Model, compose: &ComposeLine, area: Rect, buf: &mut Buffer) {
    let status = super::broadcast_status::BroadcastStatus::of(model);
    let height = 4.min(area.height);
    let rect = Rect::new(area.x, area.bottom() - height, area.width, height);
    let input = compose.input.text();
    let cursor = compose.input.cursor();
    let before: String = input.chars().take(cursor).collect();
    let after: String = input.chars().skip(cursor).collect();
    let lines = vec![Line::from(format!("> {before}▏{after}"))];
    let keys = keys_line(format!(
        "Enter: send to {}   ↑↓: history   Esc: close",
        words::broadcast_reach(status)
    ));
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Compose line ")
        .border_style(Style::new().magenta());
    let inner = block.inner(rect);
    block.render(rect, buf);
    let [text_area, keys_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    Paragraph::new(Text::from(lines)).render(text_area, buf);
    Paragraph::new(keys).render(keys_area, buf);
}

/// Draws any box: used by the inspector.
pub(super) fn render_box(
    title: &str,
    lines: Vec<Line<'static>>,
    keys: String,
    area: Rect,
    buf: &mut Buffer,
    style: Style,
) {
    boxed(title, lines, keys_line(keys), area, buf, style);
}
