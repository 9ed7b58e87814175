//! Turns profile files into `Profile`s and back, with errors that point at the line and field.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::error::{FileLocation, LoadError};
use super::schema::Profile;

/// Top-level keys that look like someone tried to store a secret.
const SECRET_FIELD_NAMES: &[&str] = &["password", "passphrase", "passwd", "pass", "secret"];

/// Written at the top of every file tabsh saves; saving replaces the file, so hand-written
/// comments do not survive an edit made in the TUI.
const SAVED_FILE_HEADER: &str = "\
# tabsh session profile, written by tabsh; fields are described in sessions/README.md.
# Passwords are never stored: tabsh asks for them when connecting.

";

/// Parses and validates one profile file. Every problem found is returned: at most one
/// syntax or type error (the parser stops there), or every rule the values break.
pub fn parse_profile(path: &Path, text: &str) -> Result<Profile, Vec<LoadError>> {
    let document = DeTable::parse(text).map_err(|error| vec![syntax_error(path, text, &error)])?;
    let deserializer = toml::Deserializer::from(document);
    let profile: Profile = serde_path_to_error::deserialize(deserializer)
        .map_err(|error| vec![field_error(path, text, &error)])?;

    profile.validate().map_err(|problems| {
        problems
            .into_iter()
            .map(|problem| LoadError::Invalid {
                at: locate_field(path, text, problem.field),
                problem,
            })
            .collect::<Vec<_>>()
    })?;
    Ok(profile)
}

/// The text tabsh writes for a profile: a short header, then pretty TOML.
pub fn render_profile(profile: &Profile) -> Result<String, toml::ser::Error> {
    Ok(format!(
        "{SAVED_FILE_HEADER}{}",
        toml::to_string_pretty(profile)?
    ))
}

fn syntax_error(path: &Path, text: &str, error: &toml::de::Error) -> LoadError {
    LoadError::Syntax {
        at: location_of(path, text, error),
        message: first_line(error.message()),
    }
}

fn field_error(
    path: &Path,
    text: &str,
    error: &serde_path_to_error::Error<toml::de::Error>,
) -> LoadError {
    let inner = error.inner();
    let at = location_of(path, text, inner);
    let field = error.path().to_string();
    let message = first_line(inner.message());
    let is_unknown = message.starts_with("unknown field");
    let last_segment = field.rsplit('.').next().unwrap_or(&field);

    if is_unknown && SECRET_FIELD_NAMES.contains(&last_segment.to_ascii_lowercase().as_str()) {
        LoadError::Password { at, field }
    } else if is_unknown {
        LoadError::UnknownField { at, field, message }
    } else {
        LoadError::BadValue { at, field, message }
    }
}

fn location_of(path: &Path, text: &str, error: &toml::de::Error) -> FileLocation {
    match error.span() {
        Some(span) => FileLocation::at_offset(path, text, span.start),
        None => FileLocation::whole_file(path),
    }
}

/// Where a dotted field is written in the file: its key, or the closest enclosing table that is
/// written, or nowhere when the value comes from defaults.
fn locate_field(path: &Path, text: &str, field: &str) -> FileLocation {
    let Ok(document) = DeTable::parse(text) else {
        return FileLocation::whole_file(path);
    };
    let mut table: &DeTable<'_> = document.get_ref();
    let mut found = None;
    for segment in field.split('.') {
        let Some((key, value)) = table.iter().find(|(key, _)| key.get_ref() == segment) else {
            break;
        };
        found = Some(key.span().start);
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    match found {
        Some(offset) => FileLocation::at_offset(path, text, offset),
        None => FileLocation::whole_file(path),
    }
}

/// toml's messages are one line today; keep it that way in ours should that change.
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// Lets tests check a text without a file on disk.
#[cfg(test)]
pub(crate) fn parse_str(text: &str) -> Result<Profile, Vec<LoadError>> {
    parse_profile(Path::new("test.toml"), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::schema::{AuthMethod, SpillOver};

    fn one_error(text: &str) -> LoadError {
        let mut errors = parse_str(text).expect_err("text must be rejected");
        assert_eq!(errors.len(), 1, "expected one error, got {errors:?}");
        errors.remove(0)
    }

    #[test]
    fn minimal_profile_takes_defaults() {
        let profile = parse_str("host = \"db.example.net\"\n").expect("valid");
        assert_eq!(
            profile,
            Profile {
                host: "db.example.net".to_owned(),
                ..Profile::default()
            }
        );
    }

    #[test]
    fn rendered_profile_parses_back_identical() {
        let mut profile = Profile {
            name: "Prod \"db\" #1".to_owned(),
            folder: "work/db".to_owned(),
            host: "10.0.0.5".to_owned(),
            port: 2200,
            user: Some("ops".to_owned()),
            auth: vec![AuthMethod::Key, AuthMethod::Password],
            identity_file: Some("/home/ops/.ssh/id_ed25519".into()),
            terminal_type: "screen-256color".to_owned(),
            known_hosts_file: Some("/etc/ssh/known_hosts.work".into()),
            command: Some("tmux attach || tmux".to_owned()),
            ..Profile::default()
        };
        profile.anti_idle.enabled = false;
        profile.anti_idle.idle_string.enabled = true;
        profile.anti_idle.idle_string.string = "\u{0}\t\n'\"\\".to_owned();
        profile.anti_idle.tcp.user_timeout_secs = 45;
        profile.clone.spill_over = SpillOver::NewConnection;
        profile.clone.linger_secs = 600;

        let text = render_profile(&profile).expect("serializable");
        assert!(text.starts_with("# tabsh session profile"));
        assert_eq!(parse_str(&text).expect("reparses"), profile);
    }

    #[test]
    fn an_interval_that_would_overflow_the_clock_names_its_field_and_line() {
        let error =
            one_error("host = \"h\"\n[anti_idle.keepalive]\ninterval_secs = 9223372036854775807\n");
        assert_eq!(error.field(), Some("anti_idle.keepalive.interval_secs"));
        assert_eq!(error.line(), Some(3));
        assert!(
            error.to_string().starts_with(
                "test.toml:3:1: field anti_idle.keepalive.interval_secs: invalid time value"
            ),
            "{error}"
        );
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let error = one_error("host = \"a\"\nport = = 3\n");
        assert!(matches!(error, LoadError::Syntax { .. }), "{error:?}");
        assert_eq!((error.line(), error.column()), (Some(2), Some(8)));
        assert!(
            error
                .to_string()
                .starts_with("test.toml:2:8: TOML syntax error:"),
            "{error}"
        );
    }

    #[test]
    fn wrong_type_names_the_nested_field_and_its_line() {
        let error = one_error("host = \"a\"\n\n[anti_idle.noop]\ninterval_secs = \"x\"\n");
        assert_eq!(error.field(), Some("anti_idle.noop.interval_secs"));
        assert_eq!((error.line(), error.column()), (Some(4), Some(17)));
        assert_eq!(
            error.to_string(),
            "test.toml:4:17: field anti_idle.noop.interval_secs: invalid type: string \"x\", expected u64"
        );
    }

    #[test]
    fn unknown_variant_in_a_list_names_the_index() {
        let error = one_error("host = \"a\"\nauth = [\"agent\", \"telepathy\"]\n");
        assert_eq!(error.field(), Some("auth[1]"));
        assert_eq!(error.line(), Some(2));
    }

    #[test]
    fn unknown_field_names_itself_and_its_line() {
        let error = one_error("host = \"a\"\nprot = 22\n");
        assert!(matches!(error, LoadError::UnknownField { .. }), "{error:?}");
        assert_eq!(error.field(), Some("prot"));
        assert_eq!((error.line(), error.column()), (Some(2), Some(1)));
        assert!(
            error.to_string().contains("unknown field `prot`"),
            "{error}"
        );
    }

    #[test]
    fn unknown_field_in_an_inline_table_gets_its_full_path() {
        let error = one_error("host = \"a\"\n[anti_idle]\nnoop = { enabled = true, bogus = 1 }\n");
        assert_eq!(error.field(), Some("anti_idle.noop.bogus"));
        assert_eq!(error.line(), Some(3));
    }

    #[test]
    fn password_field_gets_an_explicit_refusal() {
        let error = one_error("host = \"a\"\npassword = \"hunter2\"\n");
        assert!(matches!(error, LoadError::Password { .. }), "{error:?}");
        assert_eq!(error.line(), Some(2));
        let message = error.to_string();
        assert!(message.contains("never stores passwords"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn out_of_range_port_is_a_bad_value() {
        let error = one_error("host = \"a\"\nport = 70000\n");
        assert!(matches!(error, LoadError::BadValue { .. }), "{error:?}");
        assert_eq!(error.field(), Some("port"));
        assert_eq!(error.line(), Some(2));
    }

    #[test]
    fn rule_violations_are_all_reported_with_their_lines() {
        let text =
            "host = \"a\"\nport = 0\n[anti_idle.keepalive]\nenabled = true\nmax_misses = 0\n";
        let errors = parse_str(text).expect_err("port 0 and max_misses 0 are invalid");
        let found: Vec<_> = errors.iter().map(|e| (e.field(), e.line())).collect();
        assert_eq!(
            found,
            vec![
                (Some("port"), Some(2)),
                (Some("anti_idle.keepalive.max_misses"), Some(5)),
            ]
        );
    }

    #[test]
    fn rule_violation_on_a_missing_field_has_no_line() {
        let errors = parse_str("port = 22\n").expect_err("host is required");
        assert_eq!(errors[0].field(), Some("host"));
        assert_eq!(errors[0].line(), None);
        assert_eq!(
            errors[0].to_string(),
            "test.toml: field host: must not be empty"
        );
    }
}
