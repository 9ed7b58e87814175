//! Checks a profile's values beyond what its types enforce, naming the field at fault so the
//! loader and the editor can point at it.

use super::schema::Profile;

/// Longest interval of the anti-idle timers and the clone linger: one day. Longer ones keep
/// nothing alive that a day would not, and a bound keeps every deadline computable (an
/// interval near `u64::MAX` seconds used to overflow the clock and panic).
pub const MAX_INTERVAL_SECS: u64 = 24 * 60 * 60;
/// Most keepalives in a row that may go unanswered before the connection is declared dead.
pub const MAX_KEEPALIVE_MISSES: u32 = 1000;
/// Most reconnect attempts a profile may ask for (at the 60 s cap, about a week of trying).
pub const MAX_RECONNECT_ATTEMPTS: u32 = 10_000;
/// Linux's limits for TCP_KEEPIDLE and TCP_KEEPINTVL (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL):
/// the kernel refuses larger values.
pub const MAX_TCP_KEEPALIVE_SECS: u64 = 32_767;
/// Linux's limit for TCP_KEEPCNT (MAX_TCP_KEEPCNT).
pub const MAX_TCP_KEEPALIVE_COUNT: u32 = 127;
/// TCP_USER_TIMEOUT is in milliseconds in a C `int`; one day is far inside it.
pub const MAX_TCP_USER_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// One rule a profile breaks. `field` is the dotted TOML path (`anti_idle.keepalive.max_misses`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field {field}: {problem}")]
pub struct ValidationError {
    pub field: &'static str,
    pub problem: String,
}

impl ValidationError {
    fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self {
            field,
            problem: problem.into(),
        }
    }
}

impl Profile {
    /// Every rule the profile breaks, in field order; `Ok` when it can be connected to.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, field: &'static str, problem: &str| {
            if !ok {
                errors.push(ValidationError::new(field, problem));
            }
        };

        check(!self.host.trim().is_empty(), "host", "must not be empty");
        check(
            !self.host.chars().any(char::is_whitespace),
            "host",
            "must not contain whitespace",
        );
        check(self.port != 0, "port", "must be between 1 and 65535");
        let log_path = super::session_log::check_log_path(&self.log.path);
        check(
            log_path.is_ok(),
            "log.path",
            &log_path.err().unwrap_or_default(),
        );
        check(
            self.folder.is_empty() || self.folder.split('/').all(|part| !part.is_empty()),
            "folder",
            "must not start or end with `/` or contain `//`",
        );
        check(
            self.user.as_deref().is_none_or(|user| !user.is_empty()),
            "user",
            "must not be empty; leave it out to use the local user name",
        );
        check(!self.auth.is_empty(), "auth", "needs at least one method");
        check(
            !self.terminal_type.is_empty(),
            "terminal_type",
            "must not be empty",
        );

        // Each mode is checked on its own switch, not the master one: the TUI flips the master
        // switch without re-validating, so a mode must be usable whenever it says it is enabled.
        let idle = &self.anti_idle;
        let when_on = |enabled: bool, value_ok: bool| !enabled || value_ok;
        check(
            when_on(idle.noop.enabled, idle.noop.interval_secs > 0),
            "anti_idle.noop.interval_secs",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(idle.keepalive.enabled, idle.keepalive.interval_secs > 0),
            "anti_idle.keepalive.interval_secs",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(idle.keepalive.enabled, idle.keepalive.max_misses > 0),
            "anti_idle.keepalive.max_misses",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(idle.idle_string.enabled, idle.idle_string.interval_secs > 0),
            "anti_idle.idle_string.interval_secs",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(
                idle.idle_string.enabled,
                !idle.idle_string.string.is_empty(),
            ),
            "anti_idle.idle_string.string",
            "must not be empty while the mode is enabled",
        );
        check(
            when_on(idle.tcp.enabled, idle.tcp.idle_secs > 0),
            "anti_idle.tcp.idle_secs",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(idle.tcp.enabled, idle.tcp.interval_secs > 0),
            "anti_idle.tcp.interval_secs",
            "must be at least 1 while the mode is enabled",
        );
        check(
            when_on(idle.tcp.enabled, idle.tcp.count > 0),
            "anti_idle.tcp.count",
            "must be at least 1 while the mode is enabled",
        );

        // Ranges hold whether or not a mode is enabled: switching it on later must not turn a
        // stored value into an overflow.
        let mut at_most = |value: u64, max: u64, field: &'static str| {
            if value > max {
                errors.push(ValidationError::new(
                    field,
                    format!("invalid time value {value}: must be at most {max}"),
                ));
            }
        };
        at_most(
            idle.noop.interval_secs,
            MAX_INTERVAL_SECS,
            "anti_idle.noop.interval_secs",
        );
        at_most(
            idle.keepalive.interval_secs,
            MAX_INTERVAL_SECS,
            "anti_idle.keepalive.interval_secs",
        );
        at_most(
            idle.idle_string.interval_secs,
            MAX_INTERVAL_SECS,
            "anti_idle.idle_string.interval_secs",
        );
        at_most(
            idle.tcp.idle_secs,
            MAX_TCP_KEEPALIVE_SECS,
            "anti_idle.tcp.idle_secs",
        );
        at_most(
            idle.tcp.interval_secs,
            MAX_TCP_KEEPALIVE_SECS,
            "anti_idle.tcp.interval_secs",
        );
        at_most(
            idle.tcp.user_timeout_secs,
            MAX_TCP_USER_TIMEOUT_SECS,
            "anti_idle.tcp.user_timeout_secs",
        );
        at_most(
            self.clone.linger_secs,
            MAX_INTERVAL_SECS,
            "clone.linger_secs",
        );
        let mut count_at_most = |value: u32, max: u32, field: &'static str| {
            if value > max {
                errors.push(ValidationError::new(
                    field,
                    format!("{value} is too large: must be at most {max}"),
                ));
            }
        };
        count_at_most(
            idle.keepalive.max_misses,
            MAX_KEEPALIVE_MISSES,
            "anti_idle.keepalive.max_misses",
        );
        count_at_most(
            idle.tcp.count,
            MAX_TCP_KEEPALIVE_COUNT,
            "anti_idle.tcp.count",
        );
        count_at_most(
            self.reconnect.max_attempts,
            MAX_RECONNECT_ATTEMPTS,
            "reconnect.max_attempts",
        );

        self.validate_routing(&mut errors);
        let rules = self.highlight.as_deref().unwrap_or_default();
        if rules.len() > super::terminal_settings::MAX_HIGHLIGHT_RULES {
            errors.push(ValidationError::new(
                "highlight",
                format!(
                    "at most {} rules",
                    super::terminal_settings::MAX_HIGHLIGHT_RULES
                ),
            ));
        }
        for (index, rule) in rules.iter().enumerate() {
            if let Some(problem) = rule.problem() {
                errors.push(ValidationError::new(
                    "highlight",
                    format!("rule {}: {problem}", index + 1),
                ));
            }
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Jump hosts, proxy command, agent and port forwarding.
    fn validate_routing(&self, errors: &mut Vec<ValidationError>) {
        let mut check = |ok: bool, field: &'static str, problem: &str| {
            if !ok {
                errors.push(ValidationError::new(field, problem));
            }
        };
        check(
            self.jump
                .iter()
                .all(|hop| !hop.is_empty() && !hop.chars().any(char::is_whitespace)),
            "jump",
            "each jump host is a saved session's id or [user@]host[:port], without spaces",
        );
        check(
            self.jump.len() <= super::jump::MAX_JUMP_HOPS,
            "jump",
            "too many jump hosts (at most 8)",
        );
        check(
            self.proxy_command
                .as_deref()
                .is_none_or(|c| !c.trim().is_empty()),
            "proxy_command",
            "must not be empty; leave it out to connect directly",
        );
        check(
            self.jump.is_empty() || self.proxy_command.is_none(),
            "proxy_command",
            "cannot be used together with jump hosts (as in OpenSSH, one way to reach the server)",
        );
        check(
            !(self.builtin_demo && self.forward_agent),
            "forward_agent",
            "is never allowed for the built-in demo server",
        );
        for forward in &self.forward {
            use super::schema::ForwardKind;
            check(
                !forward.bind_address.trim().is_empty(),
                "forward.bind_address",
                "must not be empty (127.0.0.1 keeps the port to this machine)",
            );
            check(
                forward.kind == ForwardKind::Remote || forward.bind_port != 0,
                "forward.bind_port",
                "must be between 1 and 65535",
            );
            let needs_target = forward.kind != ForwardKind::Dynamic;
            check(
                !needs_target
                    || (!forward.host.trim().is_empty()
                        && !forward.host.chars().any(char::is_whitespace)),
                "forward.host",
                "must name the host connections go to",
            );
            check(
                !needs_target || forward.port != 0,
                "forward.port",
                "must be between 1 and 65535",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Profile {
        Profile {
            host: "example.net".to_owned(),
            ..Profile::default()
        }
    }

    fn fields(profile: &Profile) -> Vec<&'static str> {
        match profile.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn defaults_with_a_host_are_valid() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn default_profile_lacks_only_a_host() {
        assert_eq!(fields(&Profile::default()), vec!["host"]);
    }

    #[test]
    fn port_zero_is_rejected() {
        let profile = Profile { port: 0, ..valid() };
        assert_eq!(fields(&profile), vec!["port"]);
    }

    #[test]
    fn zero_intervals_are_rejected_only_while_their_mode_is_enabled() {
        let mut profile = valid();
        profile.anti_idle.keepalive.interval_secs = 0;
        profile.anti_idle.keepalive.max_misses = 0;
        profile.anti_idle.tcp.count = 0;
        assert_eq!(
            fields(&profile),
            vec![
                "anti_idle.keepalive.interval_secs",
                "anti_idle.keepalive.max_misses",
                "anti_idle.tcp.count"
            ]
        );

        profile.anti_idle.keepalive.enabled = false;
        profile.anti_idle.tcp.enabled = false;
        assert_eq!(profile.validate(), Ok(()));
    }

    #[test]
    fn error_message_names_the_field() {
        let profile = Profile { port: 0, ..valid() };
        let errors = profile.validate().expect_err("port 0 must be rejected");
        assert_eq!(
            errors[0].to_string(),
            "field port: must be between 1 and 65535"
        );
    }

    #[test]
    fn huge_intervals_are_rejected_by_field_even_while_their_mode_is_off() {
        let mut profile = valid();
        profile.anti_idle.keepalive.interval_secs = 9_223_372_036_854_775_807;
        profile.anti_idle.noop.enabled = false;
        profile.anti_idle.noop.interval_secs = u64::MAX;
        profile.anti_idle.idle_string.interval_secs = MAX_INTERVAL_SECS + 1;
        profile.anti_idle.tcp.idle_secs = MAX_TCP_KEEPALIVE_SECS + 1;
        profile.anti_idle.tcp.interval_secs = 40_000;
        profile.anti_idle.tcp.user_timeout_secs = u64::MAX;
        profile.anti_idle.tcp.count = 128;
        profile.anti_idle.keepalive.max_misses = u32::MAX;
        profile.clone.linger_secs = u64::MAX;
        assert_eq!(
            fields(&profile),
            vec![
                "anti_idle.noop.interval_secs",
                "anti_idle.keepalive.interval_secs",
                "anti_idle.idle_string.interval_secs",
                "anti_idle.tcp.idle_secs",
                "anti_idle.tcp.interval_secs",
                "anti_idle.tcp.user_timeout_secs",
                "clone.linger_secs",
                "anti_idle.keepalive.max_misses",
                "anti_idle.tcp.count",
            ]
        );
        let errors = profile.validate().expect_err("out of range");
        assert_eq!(
            errors[1].to_string(),
            "field anti_idle.keepalive.interval_secs: invalid time value 9223372036854775807: \
             must be at most 86400"
        );
    }

    #[test]
    fn the_largest_allowed_values_are_valid() {
        let mut profile = valid();
        profile.anti_idle.noop.interval_secs = MAX_INTERVAL_SECS;
        profile.anti_idle.keepalive.interval_secs = MAX_INTERVAL_SECS;
        profile.anti_idle.keepalive.max_misses = MAX_KEEPALIVE_MISSES;
        profile.anti_idle.idle_string.interval_secs = MAX_INTERVAL_SECS;
        profile.anti_idle.tcp.idle_secs = MAX_TCP_KEEPALIVE_SECS;
        profile.anti_idle.tcp.interval_secs = MAX_TCP_KEEPALIVE_SECS;
        profile.anti_idle.tcp.count = MAX_TCP_KEEPALIVE_COUNT;
        profile.anti_idle.tcp.user_timeout_secs = MAX_TCP_USER_TIMEOUT_SECS;
        profile.clone.linger_secs = MAX_INTERVAL_SECS;
        assert_eq!(profile.validate(), Ok(()));
    }

    #[test]
    fn malformed_folders_and_empty_auth_are_rejected() {
        let profile = Profile {
            folder: "work//db".to_owned(),
            auth: Vec::new(),
            ..valid()
        };
        assert_eq!(fields(&profile), vec!["folder", "auth"]);
    }

    #[test]
    fn routing_fields_are_checked() {
        use crate::profiles::{Forward, ForwardKind};
        let fields = |profile: Profile| -> Vec<&'static str> {
            profile
                .validate()
                .err()
                .unwrap_or_default()
                .iter()
                .map(|e| e.field)
                .collect()
        };
        let broken = Profile {
            jump: vec!["a b".to_owned()],
            proxy_command: Some("nc %h %p".to_owned()),
            forward_agent: true,
            builtin_demo: true,
            forward: vec![
                Forward {
                    kind: ForwardKind::Local,
                    bind_port: 0,
                    ..Forward::default()
                },
                Forward {
                    kind: ForwardKind::Remote,
                    bind_port: 0,
                    host: "h".to_owned(),
                    port: 22,
                    ..Forward::default()
                },
            ],
            ..valid()
        };
        assert_eq!(
            fields(broken),
            [
                "jump",
                "proxy_command",
                "forward_agent",
                "forward.bind_port",
                "forward.host",
                "forward.port"
            ]
        );
        let fine = Profile {
            jump: vec!["bastion".to_owned(), "me@edge:2222".to_owned()],
            forward: vec![Forward {
                kind: ForwardKind::Dynamic,
                bind_port: 1080,
                ..Forward::default()
            }],
            ..valid()
        };
        assert_eq!(fields(fine), Vec::<&str>::new());
    }
}
