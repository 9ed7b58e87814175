//! Checks a profile's values beyond what its types enforce, naming the field at fault so the
//! loader and the editor can point at it.

use super::schema::Profile;

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

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
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
    fn malformed_folders_and_empty_auth_are_rejected() {
        let profile = Profile {
            folder: "work//db".to_owned(),
            auth: Vec::new(),
            ..valid()
        };
        assert_eq!(fields(&profile), vec!["folder", "auth"]);
    }
}
