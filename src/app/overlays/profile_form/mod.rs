//! The profile edit form's state and keys: every field of a [`Profile`] as a text input,
//! toggle or choice. Saving parses every field and runs [`Profile::validate`], and each problem
//! is kept with its field so the user never has to guess what is wrong. Drawing it is
//! `ui::profile_form`'s job.

mod build;
pub mod escapes;
mod fields;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::text_input::TextInput;
use crate::profiles::{Profile, SpillOver};
pub use fields::{FieldId, SPILL_OVER_CHOICES};

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

/// What a field holds while it is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(TextInput),
    Toggle(bool),
    Choice(SpillOver),
}

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
    /// Proxy command, agent and port forwarding: edited in the profile file, carried through
    /// the form as they are.
    routing: Routing,
    /// Not editable here either (set in the file), carried through as they are.
    clipboard: crate::profiles::ClipboardPolicy,
    highlight: Option<Vec<crate::profiles::HighlightRule>>,
    /// `[log]` is not edited here either (only in the file): carried through as is.
    log: crate::profiles::LogSettings,
}

/// The profile's routing fields, which the form does not show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Routing {
    pub proxy_command: Option<String>,
    pub forward_agent: bool,
    pub forward: Vec<crate::profiles::Forward>,
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
                FieldId::CertificateFile => text(path_text(profile.certificate_file.as_ref())),
                FieldId::TerminalType => text(profile.terminal_type.clone()),
                FieldId::KnownHostsFile => text(path_text(profile.known_hosts_file.as_ref())),
                FieldId::Command => text(profile.command.clone().unwrap_or_default()),
                FieldId::Jump => text(profile.jump.join(", ")),
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
                FieldId::ReconnectEnabled => FieldValue::Toggle(profile.reconnect.enabled),
                FieldId::ReconnectMaxAttempts => number(u64::from(profile.reconnect.max_attempts)),
            })
            .collect();
        Self {
            id,
            values,
            focus: FieldId::Name,
            problems: Vec::new(),
            builtin_demo: profile.builtin_demo,
            routing: Routing {
                proxy_command: profile.proxy_command.clone(),
                forward_agent: profile.forward_agent,
                forward: profile.forward.clone(),
            },
            clipboard: profile.clipboard.clone(),
            highlight: profile.highlight.clone(),
            log: profile.log.clone(),
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

    /// What `field` holds.
    pub fn value(&self, field: FieldId) -> &FieldValue {
        &self.values[field.index()]
    }

    /// Settings of a mode that is switched off still save, but are drawn dim as a reminder
    /// that they do nothing.
    pub fn is_disabled(&self, field: FieldId) -> bool {
        let is_on =
            |switch: FieldId| matches!(self.values[switch.index()], FieldValue::Toggle(true));
        let anti_idle_mode = (FieldId::NoopEnabled.index()..=FieldId::TcpUserTimeout.index())
            .contains(&field.index());
        (anti_idle_mode && !is_on(FieldId::AntiIdleEnabled))
            || field.mode_switch().is_some_and(|switch| !is_on(switch))
    }
}

fn last_field() -> &'static FieldId {
    &FieldId::ALL[FieldId::ALL.len() - 1]
}

fn path_text(path: Option<&PathBuf>) -> String {
    path.map(|path| path.display().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests;
