//! Boxes drawn over the tabs: SSH questions, the tab's state when it is not connected, help,
//! rename and the quit question.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::words::tab_state as state_text;
use crate::app::{Model, PendingPrompt, Tab, TabState};
use crate::ssh::Prompt;

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

fn boxed(title: &str, lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer, style: Style) {
    let width = lines
        .iter()
        .map(|l| l.width() as u16 + 4)
        .chain([title.chars().count() as u16 + 6, 40])
        .max()
        .unwrap_or(40)
        .min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    Clear.render(rect, buf);
    Paragraph::new(Text::from(lines))
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .title(format!(" {title} "))
                .border_style(style),
        )
        .render(rect, buf);
}

pub fn render_prompt(pending: &PendingPrompt, area: Rect, buf: &mut Buffer) {
    let hidden = "(typing is hidden)".dark_gray();
    let (title, mut lines): (&str, Vec<Line<'static>>) = match &pending.prompt {
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
                Line::from(format!("{key_type} key fingerprint is {fingerprint}.")),
            ];
            if !other_types.is_empty() {
                lines.push(
                    Line::from(format!(
                        "Known with other key types: {}",
                        other_types.join(", ")
                    ))
                    .yellow(),
                );
            }
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "y: trust and save to {}   o: trust once   n: refuse   Esc: cancel",
                known_hosts.display()
            )));
            ("Unknown host key", lines)
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
            ("Password", lines)
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
            ("Key passphrase", lines)
        }
        Prompt::KeyboardInteractive {
            user,
            host_port,
            name,
            instructions,
            prompts,
        } => {
            let mut lines = vec![Line::from(format!("{user}@{host_port}"))];
            for text in [name, instructions].into_iter().filter(|t| !t.is_empty()) {
                lines.push(Line::from(text.clone()));
            }
            let current = pending.answers.len();
            if let Some(question) = prompts.get(current) {
                lines.push(Line::from(question.text.clone()));
                lines.push(if question.echo {
                    Line::from(pending.input.clone())
                } else {
                    Line::from(hidden)
                });
            }
            ("Login", lines)
        }
    };
    lines.push(Line::from("Enter: answer   Esc: cancel").dark_gray());
    boxed(title, lines, area, buf, Style::new().yellow());
}

/// Why a tab shows no live session, and what can be done about it.
pub fn render_tab_state(tab: &Tab, model: &Model, area: Rect, buf: &mut Buffer) {
    let prefix = model.keymap.prefix;
    let (title, style, hint) = match &tab.state {
        TabState::Open => return,
        TabState::Connecting | TabState::Opening => {
            ("Connecting", Style::new().yellow(), String::new())
        }
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
    let mut lines = vec![
        Line::from(format!("{} ({target})", model.profile_name(tab))),
        Line::from(state_text(&tab.state)),
    ];
    if !hint.is_empty() {
        lines.push(Line::from(hint).dark_gray());
    }
    boxed(title, lines, area, buf, style);
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
        Line::from("Mouse wheel scrolls back. Change keys in <config dir>/keys.toml.").dark_gray(),
    );
    lines.push(Line::from("Any key closes this help.").dark_gray());
    boxed("Keys", lines, area, buf, Style::new().cyan());
}

pub fn render_rename(text: &str, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::from(format!("{text}▏")),
        Line::from("Enter: rename (empty: back to the remote title)   Esc: cancel").dark_gray(),
    ];
    boxed("Rename tab", lines, area, buf, Style::new().cyan());
}

pub fn render_confirm_quit(model: &Model, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::from(format!(
            "{} session(s) are open. Quit and close them?",
            model.live_sessions()
        )),
        Line::from("y: quit   any other key: stay").dark_gray(),
    ];
    boxed("Quit tabsh", lines, area, buf, Style::new().light_red());
}

pub fn render_spill_over(message: &str, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::from(message.to_owned()),
        Line::from(""),
        Line::from("Enter: open it on a new connection (logs in again)   Esc: cancel").dark_gray(),
    ];
    boxed("Clone refused", lines, area, buf, Style::new().yellow());
}
