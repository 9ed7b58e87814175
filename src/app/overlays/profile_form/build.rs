//! Turning the form's text back into a profile: every field parsed, the profile validated,
//! every problem kept with its field.

use std::path::PathBuf;

use super::{FieldId, FieldProblem, FieldValue, ProfileForm, escapes};
use crate::profiles::{AuthMethod, Profile, SpillOver};

impl ProfileForm {
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
        let max_attempts = small_count(FieldId::ReconnectMaxAttempts);
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
            certificate_file: optional(FieldId::CertificateFile).map(PathBuf::from),
            terminal_type: trimmed(FieldId::TerminalType),
            known_hosts_file: optional(FieldId::KnownHostsFile).map(PathBuf::from),
            command: optional(FieldId::Command),
            builtin_demo: self.builtin_demo,
            // `bastion, ops@edge:2222`: outermost first.
            jump: trimmed(FieldId::Jump)
                .split(',')
                .map(str::trim)
                .filter(|hop| !hop.is_empty())
                .map(str::to_owned)
                .collect(),
            proxy_command: self.routing.proxy_command.clone(),
            forward_agent: self.routing.forward_agent,
            forward: self.routing.forward.clone(),
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
            reconnect: crate::profiles::ReconnectPolicy {
                enabled: toggle(FieldId::ReconnectEnabled),
                max_attempts,
            },
            clipboard: self.clipboard.clone(),
            highlight: self.highlight.clone(),
            log: self.log.clone(),
        }
    }
}

/// `agent, key` → methods in order; empty text gives an empty list, which validation reports.
pub(super) fn parse_auth(text: &str) -> Result<Vec<AuthMethod>, String> {
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
