//! The profile edit form: every field of a [`Profile`] as a text input, toggle or choice. Saving
//! parses every field and runs [`Profile::validate`], and each problem is shown next to its field
//! so the user never has to guess what is wrong.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::escapes;
use super::text_input::TextInput;
use crate::profiles::{AuthMethod, Profile, SpillOver};

/// What the app should do after a key.
// One value per key press, matched at once; boxing the profile would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    /// Keep the form open (also after a save attempt that found problems).
    None,
    /// The profile parsed and validated; `id` is the one given to [`ProfileForm::new`].
    Save {
        id: Option<String>,
        profile: Profile,
    },
    Cancel,
}

/// Every field of the form, in the order it shows and Tab visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Name,
    Folder,
    Host,
    Port,
    User,
    Auth,
    IdentityFile,
    TerminalType,
    KnownHostsFile,
    Command,
    AntiIdleEnabled,
    NoopEnabled,
    NoopInterval,
    KeepaliveEnabled,
    KeepaliveInterval,
    KeepaliveMaxMisses,
    IdleStringEnabled,
    IdleStringInterval,
    IdleString,
    TcpEnabled,
    TcpIdle,
    TcpInterval,
    TcpCount,
    TcpUserTimeout,
    SpillOver,
    LingerSecs,
}

impl FieldId {
    pub const ALL: [FieldId; 26] = [
        FieldId::Name,
        FieldId::Folder,
        FieldId::Host,
        FieldId::Port,
        FieldId::User,
        FieldId::Auth,
        FieldId::IdentityFile,
        FieldId::TerminalType,
        FieldId::KnownHostsFile,
        FieldId::Command,
        FieldId::AntiIdleEnabled,
        FieldId::NoopEnabled,
        FieldId::NoopInterval,
        FieldId::KeepaliveEnabled,
        FieldId::KeepaliveInterval,
        FieldId::KeepaliveMaxMisses,
        FieldId::IdleStringEnabled,
        FieldId::IdleStringInterval,
        FieldId::IdleString,
        FieldId::TcpEnabled,
        FieldId::TcpIdle,
        FieldId::TcpInterval,
        FieldId::TcpCount,
        FieldId::TcpUserTimeout,
        FieldId::SpillOver,
        FieldId::LingerSecs,
    ];

    /// The dotted TOML path, the same name [`Profile::validate`] and the profile files use, so
    /// a problem reads the same in the form and in the file.
    pub fn path(self) -> &'static str {
        match self {
            FieldId::Name => "name",
            FieldId::Folder => "folder",
            FieldId::Host => "host",
            FieldId::Port => "port",
            FieldId::User => "user",
            FieldId::Auth => "auth",
            FieldId::IdentityFile => "identity_file",
            FieldId::TerminalType => "terminal_type",
            FieldId::KnownHostsFile => "known_hosts_file",
            FieldId::Command => "command",
            FieldId::AntiIdleEnabled => "anti_idle.enabled",
            FieldId::NoopEnabled => "anti_idle.noop.enabled",
            FieldId::NoopInterval => "anti_idle.noop.interval_secs",
            FieldId::KeepaliveEnabled => "anti_idle.keepalive.enabled",
            FieldId::KeepaliveInterval => "anti_idle.keepalive.interval_secs",
            FieldId::KeepaliveMaxMisses => "anti_idle.keepalive.max_misses",
            FieldId::IdleStringEnabled => "anti_idle.idle_string.enabled",
            FieldId::IdleStringInterval => "anti_idle.idle_string.interval_secs",
            FieldId::IdleString => "anti_idle.idle_string.string",
            FieldId::TcpEnabled => "anti_idle.tcp.enabled",
            FieldId::TcpIdle => "anti_idle.tcp.idle_secs",
            FieldId::TcpInterval => "anti_idle.tcp.interval_secs",
            FieldId::TcpCount => "anti_idle.tcp.count",
            FieldId::TcpUserTimeout => "anti_idle.tcp.user_timeout_secs",
            FieldId::SpillOver => "clone.spill_over",
            FieldId::LingerSecs => "clone.linger_secs",
        }
    }

    pub fn from_path(path: &str) -> Option<FieldId> {
        FieldId::ALL.into_iter().find(|field| field.path() == path)
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldId::Name => "Name",
            FieldId::Folder => "Folder",
            FieldId::Host => "Host",
            FieldId::Port => "Port",
            FieldId::User => "User",
            FieldId::Auth => "Auth methods",
            FieldId::IdentityFile => "Identity file",
            FieldId::TerminalType => "Terminal type",
            FieldId::KnownHostsFile => "known_hosts file",
            FieldId::Command => "Command",
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
        }
    }

    /// A section heading shown above this field.
    fn heading(self) -> Option<&'static str> {
        match self {
            FieldId::Name => Some("Connection"),
            FieldId::AntiIdleEnabled => Some("Anti-idle"),
            FieldId::SpillOver => Some("Clone session"),
            _ => None,
        }
    }

    /// A dim line under the field explaining what it does and does not do.
    fn hint(self) -> Option<&'static str> {
        match self {
            FieldId::Auth => Some("passwords are asked when connecting, never saved"),
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
            _ => None,
        }
    }

    /// Shown dim in an empty, unfocused text field: what empty means.
    fn placeholder(self) -> Option<&'static str> {
        match self {
            FieldId::Name => Some("(the file name)"),
            FieldId::Folder => Some("(top level; a/b nests)"),
            FieldId::User => Some("(local user)"),
            FieldId::Auth => Some("agent, key, keyboard-interactive, password"),
            FieldId::IdentityFile => Some("(~/.ssh/id_ed25519, id_ecdsa, id_rsa)"),
            FieldId::KnownHostsFile => Some("(~/.ssh/known_hosts)"),
            FieldId::Command => Some("(login shell)"),
            FieldId::IdleString => Some(r"escapes: \x00 \r \n \t \\"),
            _ => None,
        }
    }

    /// The toggle that switches this field's anti-idle mode on, for dimming disabled modes.
    fn mode_switch(self) -> Option<FieldId> {
        match self {
            FieldId::NoopInterval => Some(FieldId::NoopEnabled),
            FieldId::KeepaliveInterval | FieldId::KeepaliveMaxMisses => {
                Some(FieldId::KeepaliveEnabled)
            }
            FieldId::IdleStringInterval | FieldId::IdleString => Some(FieldId::IdleStringEnabled),
            FieldId::TcpIdle
            | FieldId::TcpInterval
            | FieldId::TcpCount
            | FieldId::TcpUserTimeout => Some(FieldId::TcpEnabled),
            _ => None,
        }
    }

    fn index(self) -> usize {
        FieldId::ALL
            .iter()
            .position(|field| *field == self)
            .unwrap_or(0)
    }
}

/// One thing wrong with the form, found by parsing a field or by [`Profile::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// `None` only for a validation rule about a field the form does not show.
    pub field: Option<FieldId>,
    /// Dotted field path as in the profile file.
    pub path: &'static str,
    pub message: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FieldValue {
    Text(TextInput),
    Toggle(bool),
    Choice(SpillOver),
}

const SPILL_OVER_CHOICES: [SpillOver; 3] =
    [SpillOver::Ask, SpillOver::NewConnection, SpillOver::Never];
const LABEL_WIDTH: usize = 20;
const FOCUS_MARKER_WIDTH: usize = 2;
const KEYS_HELP: &str = "Tab/↑↓ move  Space toggle  ←→ choose  Ctrl-s save  Esc cancel";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileForm {
    id: Option<String>,
    /// Indexed like [`FieldId::ALL`].
    values: Vec<FieldValue>,
    focus: FieldId,
    /// From the last save attempt, in form order.
    problems: Vec<FieldProblem>,
    /// Not editable here (only the shipped demo profile sets it), so carried through as is.
    builtin_demo: bool,
}

impl ProfileForm {
    /// A form showing `profile`; `id` is `None` for a profile not yet saved.
    pub fn new(profile: &Profile, id: Option<String>) -> Self {
        let idle = &profile.anti_idle;
        let text = |value: String| FieldValue::Text(TextInput::new(value));
        let number = |value: u64| text(value.to_string());
        let values = FieldId::ALL
            .into_iter()
            .map(|field| match field {
                FieldId::Name => text(profile.name.clone()),
                FieldId::Folder => text(profile.folder.clone()),
                FieldId::Host => text(profile.host.clone()),
                FieldId::Port => number(u64::from(profile.port)),
                FieldId::User => text(profile.user.clone().unwrap_or_default()),
                FieldId::Auth => text(
                    profile
                        .auth
                        .iter()
                        .map(|method| method.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                FieldId::IdentityFile => text(path_text(profile.identity_file.as_ref())),
                FieldId::TerminalType => text(profile.terminal_type.clone()),
                FieldId::KnownHostsFile => text(path_text(profile.known_hosts_file.as_ref())),
                FieldId::Command => text(profile.command.clone().unwrap_or_default()),
                FieldId::AntiIdleEnabled => FieldValue::Toggle(idle.enabled),
                FieldId::NoopEnabled => FieldValue::Toggle(idle.noop.enabled),
                FieldId::NoopInterval => number(idle.noop.interval_secs),
                FieldId::KeepaliveEnabled => FieldValue::Toggle(idle.keepalive.enabled),
                FieldId::KeepaliveInterval => number(idle.keepalive.interval_secs),
                FieldId::KeepaliveMaxMisses => number(u64::from(idle.keepalive.max_misses)),
                FieldId::IdleStringEnabled => FieldValue::Toggle(idle.idle_string.enabled),
                FieldId::IdleStringInterval => number(idle.idle_string.interval_secs),
                FieldId::IdleString => text(escapes::encode(&idle.idle_string.string)),
                FieldId::TcpEnabled => FieldValue::Toggle(idle.tcp.enabled),
                FieldId::TcpIdle => number(idle.tcp.idle_secs),
                FieldId::TcpInterval => number(idle.tcp.interval_secs),
                FieldId::TcpCount => number(u64::from(idle.tcp.count)),
                FieldId::TcpUserTimeout => number(idle.tcp.user_timeout_secs),
                FieldId::SpillOver => FieldValue::Choice(profile.clone.spill_over),
                FieldId::LingerSecs => number(profile.clone.linger_secs),
            })
            .collect();
        Self {
            id,
            values,
            focus: FieldId::Name,
            problems: Vec::new(),
            builtin_demo: profile.builtin_demo,
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn focus(&self) -> FieldId {
        self.focus
    }

    /// Problems found by the last save attempt; empty before the first.
    pub fn problems(&self) -> &[FieldProblem] {
        &self.problems
    }

    /// The text of a text field as typed (the idle string still escaped); `None` for toggles
    /// and choices.
    pub fn text(&self, field: FieldId) -> Option<&str> {
        match &self.values[field.index()] {
            FieldValue::Text(input) => Some(input.text()),
            _ => None,
        }
    }

    /// `"2 problems: port: ...; host: ..."`, or `None` when there are none.
    pub fn summary(&self) -> Option<String> {
        let count = self.problems.len();
        (count > 0).then(|| {
            let noun = if count == 1 { "problem" } else { "problems" };
            let list = self
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            format!("{count} {noun}: {list}")
        })
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        if key.kind == KeyEventKind::Release {
            return FormOutcome::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Char('s') | KeyCode::Char('S') if ctrl => return self.save(),
            KeyCode::F(10) => return self.save(),
            KeyCode::Enter if self.focus == *last_field() => return self.save(),
            KeyCode::Enter | KeyCode::Tab => self.focus = self.focus_step(1, true),
            KeyCode::BackTab => self.focus = self.focus_step(-1, true),
            KeyCode::Down => self.focus = self.focus_step(1, false),
            KeyCode::Up => self.focus = self.focus_step(-1, false),
            _ => self.edit_focused(key),
        }
        FormOutcome::None
    }

    fn edit_focused(&mut self, key: KeyEvent) {
        match &mut self.values[self.focus.index()] {
            FieldValue::Text(input) => {
                input.handle_key(key);
            }
            FieldValue::Toggle(on) => {
                if key.code == KeyCode::Char(' ') {
                    *on = !*on;
                }
            }
            FieldValue::Choice(choice) => {
                let step = match key.code {
                    KeyCode::Char(' ') | KeyCode::Right => 1,
                    KeyCode::Left => SPILL_OVER_CHOICES.len() - 1,
                    _ => 0,
                };
                let current = SPILL_OVER_CHOICES
                    .iter()
                    .position(|c| c == choice)
                    .unwrap_or(0);
                *choice = SPILL_OVER_CHOICES[(current + step) % SPILL_OVER_CHOICES.len()];
            }
        }
    }

    /// The field `delta` steps away; Tab wraps around, the arrows stop at the ends.
    fn focus_step(&self, delta: isize, wrap: bool) -> FieldId {
        let count = FieldId::ALL.len();
        let index = self.focus.index();
        let target = if wrap {
            (index + count).wrapping_add_signed(delta) % count
        } else {
            index.saturating_add_signed(delta).min(count - 1)
        };
        FieldId::ALL[target]
    }

    fn save(&mut self) -> FormOutcome {
        match self.build() {
            Ok(profile) => {
                self.problems.clear();
                FormOutcome::Save {
                    id: self.id.clone(),
                    profile,
                }
            }
            Err(problems) => {
                if let Some(first) = problems.iter().find_map(|problem| problem.field) {
                    self.focus = first;
                }
                self.problems = problems;
                FormOutcome::None
            }
        }
    }

    /// Parses every field into a profile and validates it, collecting every problem at once
    /// rather than stopping at the first, in form order.
    pub fn build(&self) -> Result<Profile, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let profile = self.parse(&mut problems);
        if let Err(errors) = profile.validate() {
            for error in errors {
                let field = FieldId::from_path(error.field);
                // A field that failed to parse holds a stand-in value; its rule check would
                // only repeat the parse error in other words.
                if field.is_some_and(|field| {
                    problems
                        .iter()
                        .any(|p: &FieldProblem| p.field == Some(field))
                }) {
                    continue;
                }
                problems.push(FieldProblem {
                    field,
                    path: error.field,
                    message: error.problem,
                });
            }
        }
        if problems.is_empty() {
            return Ok(profile);
        }
        problems.sort_by_key(|problem| problem.field.map_or(usize::MAX, FieldId::index));
        Err(problems)
    }

    fn parse(&self, problems: &mut Vec<FieldProblem>) -> Profile {
        let mut report = |field: FieldId, message: String| {
            problems.push(FieldProblem {
                field: Some(field),
                path: field.path(),
                message,
            });
        };
        let trimmed = |field: FieldId| self.text(field).unwrap_or_default().trim().to_owned();
        let optional = |field: FieldId| Some(trimmed(field)).filter(|text| !text.is_empty());
        let toggle =
            |field: FieldId| matches!(self.values[field.index()], FieldValue::Toggle(true));
        let defaults = Profile::default();

        let port = trimmed(FieldId::Port).parse::<u16>().unwrap_or_else(|_| {
            report(
                FieldId::Port,
                format!(
                    "must be a number from 1 to 65535, got {:?}",
                    trimmed(FieldId::Port)
                ),
            );
            defaults.port
        });
        let auth = parse_auth(&trimmed(FieldId::Auth)).unwrap_or_else(|message| {
            report(FieldId::Auth, message);
            defaults.auth.clone()
        });
        let mut seconds = |field: FieldId| -> u64 {
            parse_count(&trimmed(field)).unwrap_or_else(|message| {
                report(field, message);
                0
            })
        };
        let noop_interval = seconds(FieldId::NoopInterval);
        let keepalive_interval = seconds(FieldId::KeepaliveInterval);
        let idle_string_interval = seconds(FieldId::IdleStringInterval);
        let tcp_idle = seconds(FieldId::TcpIdle);
        let tcp_interval = seconds(FieldId::TcpInterval);
        let tcp_user_timeout = seconds(FieldId::TcpUserTimeout);
        let linger = seconds(FieldId::LingerSecs);
        let mut small_count = |field: FieldId| -> u32 {
            parse_count(&trimmed(field)).unwrap_or_else(|message| {
                report(field, message);
                0
            })
        };
        let max_misses = small_count(FieldId::KeepaliveMaxMisses);
        let tcp_count = small_count(FieldId::TcpCount);
        // Not trimmed: leading or trailing spaces in the idle string may be meant.
        let idle_string = escapes::decode(self.text(FieldId::IdleString).unwrap_or_default())
            .unwrap_or_else(|message| {
                report(FieldId::IdleString, message);
                defaults.anti_idle.idle_string.string.clone()
            });
        let spill_over = match self.values[FieldId::SpillOver.index()] {
            FieldValue::Choice(choice) => choice,
            _ => SpillOver::default(),
        };

        Profile {
            name: trimmed(FieldId::Name),
            folder: trimmed(FieldId::Folder),
            host: trimmed(FieldId::Host),
            port,
            user: optional(FieldId::User),
            auth,
            identity_file: optional(FieldId::IdentityFile).map(PathBuf::from),
            terminal_type: trimmed(FieldId::TerminalType),
            known_hosts_file: optional(FieldId::KnownHostsFile).map(PathBuf::from),
            command: optional(FieldId::Command),
            builtin_demo: self.builtin_demo,
            anti_idle: crate::profiles::AntiIdle {
                enabled: toggle(FieldId::AntiIdleEnabled),
                noop: crate::profiles::NoopMode {
                    enabled: toggle(FieldId::NoopEnabled),
                    interval_secs: noop_interval,
                },
                keepalive: crate::profiles::KeepaliveMode {
                    enabled: toggle(FieldId::KeepaliveEnabled),
                    interval_secs: keepalive_interval,
                    max_misses,
                },
                idle_string: crate::profiles::IdleStringMode {
                    enabled: toggle(FieldId::IdleStringEnabled),
                    interval_secs: idle_string_interval,
                    string: idle_string,
                },
                tcp: crate::profiles::TcpKeepalive {
                    enabled: toggle(FieldId::TcpEnabled),
                    idle_secs: tcp_idle,
                    interval_secs: tcp_interval,
                    count: tcp_count,
                    user_timeout_secs: tcp_user_timeout,
                },
            },
            clone: crate::profiles::ClonePolicy {
                spill_over,
                linger_secs: linger,
            },
        }
    }
}

fn last_field() -> &'static FieldId {
    &FieldId::ALL[FieldId::ALL.len() - 1]
}

fn path_text(path: Option<&PathBuf>) -> String {
    path.map(|path| path.display().to_string())
        .unwrap_or_default()
}

/// `agent, key` → methods in order; empty text gives an empty list, which validation reports.
fn parse_auth(text: &str) -> Result<Vec<AuthMethod>, String> {
    let mut methods = Vec::new();
    for word in text
        .split(',')
        .map(str::trim)
        .filter(|word| !word.is_empty())
    {
        let method = AuthMethod::DEFAULT_ORDER
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(word))
            .ok_or_else(|| {
                format!("unknown method {word:?}; use agent, key, keyboard-interactive or password")
            })?;
        if methods.contains(&method) {
            return Err(format!("{word:?} is listed twice"));
        }
        methods.push(method);
    }
    Ok(methods)
}

/// A whole number that fits `T`; the error quotes what was typed.
fn parse_count<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = std::num::ParseIntError> + std::fmt::Display + Bounded,
{
    text.parse::<T>().map_err(|error| match error.kind() {
        std::num::IntErrorKind::PosOverflow => {
            format!("must be at most {}, got {text:?}", T::MAX_VALUE)
        }
        _ => format!("must be a whole number, 0 or more, got {text:?}"),
    })
}

/// The largest value of an integer type, for error messages.
trait Bounded {
    const MAX_VALUE: Self;
}

impl Bounded for u32 {
    const MAX_VALUE: Self = u32::MAX;
}

impl Bounded for u64 {
    const MAX_VALUE: Self = u64::MAX;
}

/// The lines of the form body, plus where each field's block (heading, field, error, hint)
/// starts and ends so the view can scroll the focused one into sight.
struct Body {
    lines: Vec<Line<'static>>,
    focus_range: (usize, usize),
}

impl ProfileForm {
    /// Draws the form into `area`. Reads state only.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let title = match &self.id {
            Some(id) => format!(" Edit session {id} "),
            None => " New session ".to_owned(),
        };
        let block = Block::bordered().title(title);
        let inner = block.inner(area);
        block.render(area, buf);

        let summary = self.summary();
        let [body_area, summary_area, footer_area] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(u16::from(summary.is_some())),
            Constraint::Length(1),
        ])
        .areas(inner);

        let body = self.body(usize::from(body_area.width));
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

    fn body(&self, width: usize) -> Body {
        let dim = Style::new().add_modifier(Modifier::DIM);
        let value_column = FOCUS_MARKER_WIDTH + LABEL_WIDTH;
        let mut lines = Vec::new();
        let mut focus_range = (0, 0);
        for field in FieldId::ALL {
            let block_start = lines.len();
            if let Some(heading) = field.heading() {
                if !lines.is_empty() {
                    lines.push(Line::default());
                }
                lines.push(Line::styled(
                    heading,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ));
            }
            lines.push(self.field_line(field, width.saturating_sub(value_column)));
            for problem in self.problems.iter().filter(|p| p.field == Some(field)) {
                let text = format!("✗ {}", problem.message);
                for part in wrap_words(&text, width.saturating_sub(value_column)) {
                    lines.push(Line::styled(
                        format!("{}{part}", " ".repeat(value_column)),
                        Style::new().fg(Color::Red),
                    ));
                }
            }
            if let Some(hint) = field.hint() {
                let indent = FOCUS_MARKER_WIDTH + 2;
                for part in wrap_words(hint, width.saturating_sub(indent)) {
                    lines.push(Line::styled(format!("{}{part}", " ".repeat(indent)), dim));
                }
            }
            if field == self.focus {
                focus_range = (block_start, lines.len().saturating_sub(1));
            }
        }
        Body { lines, focus_range }
    }

    fn field_line(&self, field: FieldId, value_width: usize) -> Line<'static> {
        let focused = field == self.focus;
        let base = if self.is_disabled(field) {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        };
        let has_problem = self.problems.iter().any(|p| p.field == Some(field));
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
                format!("{:<width$}", field.label(), width = LABEL_WIDTH),
                label_style,
            ),
        ];
        match &self.values[field.index()] {
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

    /// Settings of a mode that is switched off still save, but are drawn dim as a reminder
    /// that they do nothing.
    fn is_disabled(&self, field: FieldId) -> bool {
        let is_on =
            |switch: FieldId| matches!(self.values[switch.index()], FieldValue::Toggle(true));
        let anti_idle_mode = (FieldId::NoopEnabled.index()..=FieldId::TcpUserTimeout.index())
            .contains(&field.index());
        (anti_idle_mode && !is_on(FieldId::AntiIdleEnabled))
            || field.mode_switch().is_some_and(|switch| !is_on(switch))
    }
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
            let placeholder = field.placeholder().unwrap_or_default();
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
    use crate::profiles::{
        AntiIdle, ClonePolicy, IdleStringMode, KeepaliveMode, NoopMode, TcpKeepalive,
    };

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl_s() -> KeyEvent {
        KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
    }

    fn type_text(form: &mut ProfileForm, text: &str) {
        for c in text.chars() {
            assert_eq!(form.handle_key(key(KeyCode::Char(c))), FormOutcome::None);
        }
    }

    /// Moves focus to `field` with Tab, as a user would.
    fn focus(form: &mut ProfileForm, field: FieldId) {
        for _ in 0..FieldId::ALL.len() {
            if form.focus() == field {
                return;
            }
            form.handle_key(key(KeyCode::Tab));
        }
        panic!("Tab never reached {field:?}");
    }

    /// Replaces the text of `field` by typing.
    fn set_text(form: &mut ProfileForm, field: FieldId, text: &str) {
        focus(form, field);
        form.handle_key(key(KeyCode::End));
        for _ in 0..form.text(field).map_or(0, |t| t.chars().count()) {
            form.handle_key(key(KeyCode::Backspace));
        }
        type_text(form, text);
        assert_eq!(form.text(field), Some(text));
    }

    fn problem_list(form: &ProfileForm) -> Vec<String> {
        form.problems().iter().map(ToString::to_string).collect()
    }

    fn valid_form() -> ProfileForm {
        let profile = Profile {
            host: "example.net".to_owned(),
            ..Profile::default()
        };
        ProfileForm::new(&profile, Some("example".to_owned()))
    }

    #[test]
    fn tab_and_arrows_move_between_fields() {
        let mut form = ProfileForm::new(&Profile::default(), None);
        assert_eq!(form.focus(), FieldId::Name);
        form.handle_key(key(KeyCode::Tab));
        assert_eq!(form.focus(), FieldId::Folder);
        form.handle_key(key(KeyCode::Down));
        assert_eq!(form.focus(), FieldId::Host);
        form.handle_key(key(KeyCode::Enter));
        assert_eq!(form.focus(), FieldId::Port);
        form.handle_key(key(KeyCode::Up));
        form.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
        assert_eq!(form.focus(), FieldId::Folder);

        // Up stops at the top; Shift-Tab wraps to the bottom, Tab wraps back.
        form.handle_key(key(KeyCode::Up));
        form.handle_key(key(KeyCode::Up));
        assert_eq!(form.focus(), FieldId::Name);
        form.handle_key(key(KeyCode::BackTab));
        assert_eq!(form.focus(), FieldId::LingerSecs);
        form.handle_key(key(KeyCode::Down));
        assert_eq!(form.focus(), FieldId::LingerSecs);
        form.handle_key(key(KeyCode::Tab));
        assert_eq!(form.focus(), FieldId::Name);
    }

    #[test]
    fn typing_edits_the_focused_text_field_at_the_cursor() {
        let mut form = ProfileForm::new(&Profile::default(), None);
        focus(&mut form, FieldId::Host);
        type_text(&mut form, "exmple.net");
        for _ in 0..8 {
            form.handle_key(key(KeyCode::Left));
        }
        type_text(&mut form, "a");
        assert_eq!(form.text(FieldId::Host), Some("example.net"));
        form.handle_key(key(KeyCode::Home));
        form.handle_key(key(KeyCode::Delete));
        form.handle_key(key(KeyCode::End));
        form.handle_key(key(KeyCode::Backspace));
        assert_eq!(form.text(FieldId::Host), Some("xample.ne"));
        // Other fields are untouched.
        assert_eq!(form.text(FieldId::Name), Some(""));
        assert_eq!(form.text(FieldId::Port), Some("22"));
    }

    #[test]
    fn space_toggles_booleans_and_cycles_the_spill_over_choice() {
        let mut form = valid_form();
        focus(&mut form, FieldId::IdleStringEnabled);
        form.handle_key(key(KeyCode::Char(' ')));
        focus(&mut form, FieldId::AntiIdleEnabled);
        form.handle_key(key(KeyCode::Char(' ')));
        focus(&mut form, FieldId::SpillOver);
        form.handle_key(key(KeyCode::Char(' ')));
        form.handle_key(key(KeyCode::Right));
        form.handle_key(key(KeyCode::Right));
        form.handle_key(key(KeyCode::Left));
        // ask → new-connection → never → ask → never
        let FormOutcome::Save { profile, .. } = form.handle_key(ctrl_s()) else {
            panic!("valid form must save: {:?}", form.problems());
        };
        assert!(profile.anti_idle.idle_string.enabled);
        assert!(!profile.anti_idle.enabled);
        assert_eq!(profile.clone.spill_over, SpillOver::Never);
    }

    #[test]
    fn esc_cancels_and_save_keys_save() {
        let mut form = valid_form();
        assert_eq!(form.handle_key(key(KeyCode::Esc)), FormOutcome::Cancel);
        let expected = FormOutcome::Save {
            id: Some("example".to_owned()),
            profile: Profile {
                host: "example.net".to_owned(),
                ..Profile::default()
            },
        };
        assert_eq!(form.handle_key(ctrl_s()), expected);
        assert_eq!(form.handle_key(key(KeyCode::F(10))), expected);
        // Enter saves only on the last field.
        assert_eq!(form.handle_key(key(KeyCode::Enter)), FormOutcome::None);
        focus(&mut form, FieldId::LingerSecs);
        assert_eq!(form.handle_key(key(KeyCode::Enter)), expected);
    }

    #[test]
    fn parse_errors_name_the_field_and_quote_the_input() {
        let mut form = valid_form();
        set_text(&mut form, FieldId::Port, "abc");
        set_text(&mut form, FieldId::Auth, "agent, passwd");
        set_text(&mut form, FieldId::KeepaliveMaxMisses, "-1");
        set_text(&mut form, FieldId::TcpCount, "99999999999");
        set_text(&mut form, FieldId::IdleString, r"\q");
        assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
        assert_eq!(
            problem_list(&form),
            [
                "port: must be a number from 1 to 65535, got \"abc\"",
                "auth: unknown method \"passwd\"; use agent, key, keyboard-interactive or password",
                "anti_idle.keepalive.max_misses: must be a whole number, 0 or more, got \"-1\"",
                "anti_idle.idle_string.string: unknown escape \\q: use \\xHH (00 to 7f), \\r, \\n, \\t or \\\\",
                "anti_idle.tcp.count: must be at most 4294967295, got \"99999999999\"",
            ]
        );
        assert_eq!(form.focus(), FieldId::Port);
        assert!(
            form.summary()
                .is_some_and(|s| s.starts_with("5 problems: port: must be a number"))
        );
    }

    #[test]
    fn auth_words_are_case_insensitive_and_duplicates_are_refused() {
        assert_eq!(
            parse_auth(" Password ,agent,, keyboard-interactive "),
            Ok(vec![
                AuthMethod::Password,
                AuthMethod::Agent,
                AuthMethod::KeyboardInteractive
            ])
        );
        assert_eq!(
            parse_auth("key, key"),
            Err("\"key\" is listed twice".to_owned())
        );
    }

    #[test]
    fn validation_errors_show_on_their_fields_and_focus_the_first() {
        let mut form = valid_form();
        set_text(&mut form, FieldId::Host, "");
        set_text(&mut form, FieldId::Port, "0");
        set_text(&mut form, FieldId::KeepaliveInterval, "0");
        set_text(&mut form, FieldId::Auth, " , ");
        assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
        assert_eq!(
            problem_list(&form),
            [
                "host: must not be empty",
                "port: must be between 1 and 65535",
                "auth: needs at least one method",
                "anti_idle.keepalive.interval_secs: must be at least 1 while the mode is enabled",
            ]
        );
        assert_eq!(form.focus(), FieldId::Host);
    }

    #[test]
    fn a_zero_interval_is_fine_while_its_mode_is_off() {
        let mut form = valid_form();
        set_text(&mut form, FieldId::KeepaliveInterval, "0");
        focus(&mut form, FieldId::KeepaliveEnabled);
        form.handle_key(key(KeyCode::Char(' ')));
        assert!(matches!(
            form.handle_key(ctrl_s()),
            FormOutcome::Save { .. }
        ));
        assert!(form.problems().is_empty());
    }

    #[test]
    fn fixing_the_problems_clears_them_and_saves() {
        let mut form = valid_form();
        set_text(&mut form, FieldId::Port, "x");
        assert_eq!(form.handle_key(ctrl_s()), FormOutcome::None);
        assert_eq!(form.focus(), FieldId::Port);
        set_text(&mut form, FieldId::Port, "2222");
        assert!(matches!(
            form.handle_key(ctrl_s()),
            FormOutcome::Save { .. }
        ));
        assert!(form.problems().is_empty());
        assert_eq!(form.summary(), None);
    }

    #[test]
    fn a_filled_in_new_profile_saves_exactly() {
        let mut form = ProfileForm::new(&Profile::default(), None);
        set_text(&mut form, FieldId::Name, " Prod DB ");
        set_text(&mut form, FieldId::Folder, "work/db");
        set_text(&mut form, FieldId::Host, "db.example.net");
        set_text(&mut form, FieldId::Port, "2222");
        set_text(&mut form, FieldId::User, "ops");
        set_text(&mut form, FieldId::Auth, "key, password");
        set_text(&mut form, FieldId::IdentityFile, "~/.ssh/prod");
        set_text(&mut form, FieldId::TerminalType, "xterm");
        set_text(&mut form, FieldId::KnownHostsFile, "/etc/ssh/known");
        set_text(&mut form, FieldId::Command, "tmux attach");
        set_text(&mut form, FieldId::NoopInterval, "45");
        set_text(&mut form, FieldId::KeepaliveInterval, "15");
        set_text(&mut form, FieldId::KeepaliveMaxMisses, "4");
        focus(&mut form, FieldId::IdleStringEnabled);
        form.handle_key(key(KeyCode::Char(' ')));
        set_text(&mut form, FieldId::IdleStringInterval, "240");
        set_text(&mut form, FieldId::IdleString, r" \x00\r\n\t\\");
        set_text(&mut form, FieldId::TcpIdle, "30");
        set_text(&mut form, FieldId::TcpInterval, "5");
        set_text(&mut form, FieldId::TcpCount, "3");
        set_text(&mut form, FieldId::TcpUserTimeout, "20");
        focus(&mut form, FieldId::SpillOver);
        form.handle_key(key(KeyCode::Char(' ')));
        set_text(&mut form, FieldId::LingerSecs, "600");

        let expected = Profile {
            builtin_demo: false,
            name: "Prod DB".to_owned(),
            folder: "work/db".to_owned(),
            host: "db.example.net".to_owned(),
            port: 2222,
            user: Some("ops".to_owned()),
            auth: vec![AuthMethod::Key, AuthMethod::Password],
            identity_file: Some(PathBuf::from("~/.ssh/prod")),
            terminal_type: "xterm".to_owned(),
            known_hosts_file: Some(PathBuf::from("/etc/ssh/known")),
            command: Some("tmux attach".to_owned()),
            anti_idle: AntiIdle {
                enabled: true,
                noop: NoopMode {
                    enabled: true,
                    interval_secs: 45,
                },
                keepalive: KeepaliveMode {
                    enabled: true,
                    interval_secs: 15,
                    max_misses: 4,
                },
                idle_string: IdleStringMode {
                    enabled: true,
                    interval_secs: 240,
                    string: " \u{0}\r\n\t\\".to_owned(),
                },
                tcp: TcpKeepalive {
                    enabled: true,
                    idle_secs: 30,
                    interval_secs: 5,
                    count: 3,
                    user_timeout_secs: 20,
                },
            },
            clone: ClonePolicy {
                spill_over: SpillOver::NewConnection,
                linger_secs: 600,
            },
        };
        assert_eq!(
            form.handle_key(key(KeyCode::Enter)),
            FormOutcome::Save {
                id: None,
                profile: expected
            }
        );
    }

    #[test]
    fn an_unchanged_profile_round_trips_through_the_form() {
        let mut profile = Profile {
            name: "Box".to_owned(),
            host: "box".to_owned(),
            user: Some("me".to_owned()),
            identity_file: Some(PathBuf::from("/k")),
            command: Some("top".to_owned()),
            ..Profile::default()
        };
        profile.anti_idle.idle_string.string = "ls\r\u{1b}".to_owned();
        let mut form = ProfileForm::new(&profile, Some("box".to_owned()));
        assert_eq!(form.text(FieldId::IdleString), Some(r"ls\r\x1b"));
        assert_eq!(
            form.handle_key(ctrl_s()),
            FormOutcome::Save {
                id: Some("box".to_owned()),
                profile
            }
        );
    }

    #[test]
    fn every_validation_path_maps_to_a_form_field() {
        let mut profile = Profile {
            folder: "/x".to_owned(),
            user: Some(String::new()),
            auth: Vec::new(),
            terminal_type: String::new(),
            port: 0,
            ..Profile::default()
        };
        let idle = &mut profile.anti_idle;
        idle.idle_string.enabled = true;
        idle.idle_string.string.clear();
        idle.noop.interval_secs = 0;
        idle.keepalive.interval_secs = 0;
        idle.keepalive.max_misses = 0;
        idle.idle_string.interval_secs = 0;
        idle.tcp.idle_secs = 0;
        idle.tcp.interval_secs = 0;
        idle.tcp.count = 0;
        let errors = profile.validate().expect_err("everything is wrong");
        for error in errors {
            assert!(FieldId::from_path(error.field).is_some(), "{}", error.field);
        }
    }

    #[test]
    fn hints_wrap_at_spaces() {
        assert_eq!(wrap_words("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap_words("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap_words("", 3), [""]);
    }

    fn render(form: &ProfileForm) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
        terminal
            .draw(|frame| form.render(frame.area(), frame.buffer_mut()))
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
