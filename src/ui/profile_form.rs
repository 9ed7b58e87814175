//! Drawing the profile form (its state and keys are `app`'s): each field with its label, hint
//! and problems, scrolled so the focused one shows.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::app::profile_form::{FieldId, FieldValue, ProfileForm, SPILL_OVER_CHOICES};
use crate::app::text_input::TextInput;
use crate::profiles::SpillOver;

const LABEL_WIDTH: usize = 20;
const FOCUS_MARKER_WIDTH: usize = 2;
const KEYS_HELP: &str = "Tab/↑↓ move  Space toggle  ←→ choose  Ctrl-s save  Esc cancel";

fn label(field: FieldId) -> &'static str {
    match field {
        FieldId::Name => "Name",
        FieldId::Folder => "Folder",
        FieldId::Host => "Host",
        FieldId::Port => "Port",
        FieldId::User => "User",
        FieldId::Auth => "Auth methods",
        FieldId::IdentityFile => "Identity file",
        FieldId::CertificateFile => "Certificate file",
        FieldId::TerminalType => "Terminal type",
        FieldId::KnownHostsFile => "known_hosts file",
        FieldId::Command => "Command",
        FieldId::Jump => "Jump hosts",
        FieldId::AntiIdleEnabled => "Master switch",
        FieldId::NoopEnabled => "NO-OP packets",
        FieldId::KeepaliveEnabled => "Keepalive",
        FieldId::IdleStringEnabled => "Idle string",
        FieldId::TcpEnabled => "TCP keepalive",
        FieldId::NoopInterval
        | FieldId::KeepaliveInterval
        | FieldId::IdleStringInterval
        | FieldId::TcpInterval => "  interval (s)",
        FieldId::KeepaliveMaxMisses => "  max misses",
        FieldId::IdleString => "  string",
        FieldId::TcpIdle => "  idle (s)",
        FieldId::TcpCount => "  probe count",
        FieldId::TcpUserTimeout => "  user timeout (s)",
        FieldId::SpillOver => "Spill-over",
        FieldId::LingerSecs => "Linger (s)",
        FieldId::ReconnectEnabled => "Reconnect",
        FieldId::ReconnectMaxAttempts => "  max attempts",
    }
}

/// A section heading shown above this field.
fn heading(field: FieldId) -> Option<&'static str> {
    match field {
        FieldId::Name => Some("Connection"),
        FieldId::AntiIdleEnabled => Some("Anti-idle"),
        FieldId::SpillOver => Some("Clone session"),
        FieldId::ReconnectEnabled => Some("Reconnect"),
        _ => None,
    }
}

/// A dim line under the field explaining what it does and does not do.
fn hint(field: FieldId) -> Option<&'static str> {
    match field {
        FieldId::Auth => Some("passwords are asked when connecting, never saved"),
        FieldId::Jump => Some("outermost first: saved session ids or [user@]host[:port]"),
        FieldId::NoopEnabled => Some(
            "keeps NAT/firewall state and sshd ClientAlive fresh; cannot detect a dead server or beat ChannelTimeout/TMOUT",
        ),
        FieldId::KeepaliveEnabled => Some(
            "detects a dead server or path (declares it dead after N misses) and keeps NAT alive; does not beat ChannelTimeout/TMOUT",
        ),
        FieldId::IdleStringEnabled => Some(
            "types into the idle shell: beats ChannelTimeout and shell TMOUT; held while you type or in full-screen apps",
        ),
        FieldId::TcpEnabled => Some(
            "kernel probes keep NAT alive and drop dead connections; invisible to SSH servers' idle timers",
        ),
        FieldId::ReconnectEnabled => Some(
            "a lost connection comes back with all its tabs, one login; waits 1 s doubling to 60 s; 0 attempts: keep trying",
        ),
        _ => None,
    }
}

/// Shown dim in an empty, unfocused text field: what empty means.
fn placeholder(field: FieldId) -> Option<&'static str> {
    match field {
        FieldId::Name => Some("(the file name)"),
        FieldId::Folder => Some("(top level; a/b nests)"),
        FieldId::User => Some("(local user)"),
        FieldId::Auth => Some("agent, key, keyboard-interactive, password"),
        FieldId::IdentityFile => Some("(~/.ssh/id_ed25519, id_ecdsa, id_rsa)"),
        FieldId::CertificateFile => Some("(the key file's -cert.pub, if any)"),
        FieldId::KnownHostsFile => Some("(~/.ssh/known_hosts)"),
        FieldId::Command => Some("(login shell)"),
        FieldId::Jump => Some("(direct; bastion, user@host:port ...)"),
        FieldId::IdleString => Some(r"escapes: \x00 \r \n \t \\"),
        _ => None,
    }
}

/// The lines of the form body, plus where each field's block (heading, field, error, hint)
/// starts and ends so the view can scroll the focused one into sight.
struct Body {
    lines: Vec<Line<'static>>,
    focus_range: (usize, usize),
}

/// Draws the form into `area`. Reads state only.
pub fn render(form: &ProfileForm, area: Rect, buf: &mut Buffer) {
    let title = match form.id() {
        Some(id) => format!(" Edit session {id} "),
        None => " New session ".to_owned(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    block.render(area, buf);

    let summary = form.summary();
    let [body_area, summary_area, footer_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(u16::from(summary.is_some())),
        Constraint::Length(1),
    ])
    .areas(inner);

    let body = body(form, usize::from(body_area.width));
    let height = usize::from(body_area.height);
    let (start, end) = body.focus_range;
    // Scroll just enough that the focused field's block ends on screen, but never past its
    // start; no scroll state to keep in sync.
    let offset = (end + 1).saturating_sub(height).min(start);
    for (line, row) in body.lines.iter().skip(offset).zip(body_area.rows()) {
        buf.set_line(row.x, row.y, line, row.width);
    }
    if let Some(summary) = summary {
        buf.set_stringn(
            summary_area.x,
            summary_area.y,
            summary,
            usize::from(summary_area.width),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        );
    }
    buf.set_stringn(
        footer_area.x,
        footer_area.y,
        KEYS_HELP,
        usize::from(footer_area.width),
        Style::new().add_modifier(Modifier::DIM),
    );
}

fn body(form: &ProfileForm, width: usize) -> Body {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let value_column = FOCUS_MARKER_WIDTH + LABEL_WIDTH;
    let mut lines = Vec::new();
    let mut focus_range = (0, 0);
    for field in FieldId::ALL {
        let block_start = lines.len();
        if let Some(heading) = heading(field) {
            if !lines.is_empty() {
                lines.push(Line::default());
            }
            lines.push(Line::styled(
                heading,
                Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ));
        }
        lines.push(field_line(form, field, width.saturating_sub(value_column)));
        for problem in form.problems().iter().filter(|p| p.field == Some(field)) {
            let text = format!("✗ {}", problem.message);
            for part in wrap_words(&text, width.saturating_sub(value_column)) {
                lines.push(Line::styled(
                    format!("{}{part}", " ".repeat(value_column)),
                    Style::new().fg(Color::Red),
                ));
            }
        }
        if let Some(hint) = hint(field) {
            let indent = FOCUS_MARKER_WIDTH + 2;
            for part in wrap_words(hint, width.saturating_sub(indent)) {
                lines.push(Line::styled(format!("{}{part}", " ".repeat(indent)), dim));
            }
        }
        if field == form.focus() {
            focus_range = (block_start, lines.len().saturating_sub(1));
        }
    }
    Body { lines, focus_range }
}

fn field_line(form: &ProfileForm, field: FieldId, value_width: usize) -> Line<'static> {
    let focused = field == form.focus();
    let base = if form.is_disabled(field) {
        Style::new().add_modifier(Modifier::DIM)
    } else {
        Style::new()
    };
    let has_problem = form.problems().iter().any(|p| p.field == Some(field));
    let mut label_style = base;
    if focused {
        label_style = label_style.add_modifier(Modifier::BOLD);
    }
    if has_problem {
        label_style = label_style.fg(Color::Red);
    }
    let mut spans = vec![
        Span::styled(if focused { "› " } else { "  " }, label_style),
        Span::styled(
            format!("{:<width$}", label(field), width = LABEL_WIDTH),
            label_style,
        ),
    ];
    match form.value(field) {
        FieldValue::Text(input) => {
            spans.extend(text_spans(input, field, focused, value_width, base));
        }
        FieldValue::Toggle(on) => {
            let text = if *on { "[x] on" } else { "[ ] off" };
            spans.push(Span::styled(text, base));
        }
        FieldValue::Choice(current) => {
            for (index, choice) in SPILL_OVER_CHOICES.iter().enumerate() {
                if index > 0 {
                    spans.push(Span::styled("  ", base));
                }
                let name = spill_over_name(*choice);
                spans.push(if choice == current {
                    Span::styled(format!("[{name}]"), base.add_modifier(Modifier::BOLD))
                } else {
                    Span::styled(format!(" {name} "), base.add_modifier(Modifier::DIM))
                });
            }
        }
    }
    Line::from(spans)
}

fn spill_over_name(choice: SpillOver) -> &'static str {
    match choice {
        SpillOver::Ask => "ask",
        SpillOver::NewConnection => "new-connection",
        SpillOver::Never => "never",
    }
}

/// The visible part of a text input: the placeholder when empty and unfocused, otherwise a
/// window of the text that keeps the cursor in view, with the cursor cell reversed.
fn text_spans(
    input: &TextInput,
    field: FieldId,
    focused: bool,
    width: usize,
    base: Style,
) -> Vec<Span<'static>> {
    let chars: Vec<char> = input.text().chars().collect();
    if !focused {
        if chars.is_empty() {
            let placeholder = placeholder(field).unwrap_or_default();
            return vec![Span::styled(placeholder, base.add_modifier(Modifier::DIM))];
        }
        let shown: String = if chars.len() > width {
            chars[..width.saturating_sub(1)]
                .iter()
                .chain(['…'].iter())
                .collect()
        } else {
            chars.iter().collect()
        };
        return vec![Span::styled(shown, base)];
    }
    let width = width.max(1);
    let cursor = input.cursor();
    let start = (cursor + 1).saturating_sub(width);
    let end = (start + width).min(chars.len());
    let before: String = chars[start..cursor].iter().collect();
    let at_cursor: String = chars.get(cursor).map_or(" ".to_owned(), char::to_string);
    let after: String = chars
        .get(cursor + 1..end)
        .unwrap_or_default()
        .iter()
        .collect();
    vec![
        Span::styled(before, base),
        Span::styled(at_cursor, base.add_modifier(Modifier::REVERSED)),
        Span::styled(after, base),
    ]
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word is cut).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > width {
            let rest: String = current.chars().skip(width).collect();
            lines.push(current.chars().take(width).collect());
            current = rest;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::profile_form::tests::{ctrl_s, focus, set_text, valid_form};
    use crate::profiles::Profile;

    #[test]
    fn hints_wrap_at_spaces() {
        assert_eq!(wrap_words("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap_words("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap_words("", 3), [""]);
    }

    fn render(form: &ProfileForm) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
        terminal
            .draw(|frame| super::render(form, frame.area(), frame.buffer_mut()))
            .expect("draw");
        terminal
    }

    #[test]
    fn snapshot_new_profile() {
        let form = ProfileForm::new(&Profile::default(), None);
        insta::assert_snapshot!(render(&form).backend());
    }

    #[test]
    fn snapshot_anti_idle_section() {
        let mut form = valid_form();
        focus(&mut form, FieldId::TcpEnabled);
        insta::assert_snapshot!(render(&form).backend());
    }

    #[test]
    fn snapshot_validation_errors() {
        let mut form = ProfileForm::new(&Profile::default(), Some("web".to_owned()));
        set_text(&mut form, FieldId::Port, "abc");
        form.handle_key(ctrl_s());
        insta::assert_snapshot!(render(&form).backend());
    }
}
