//! A profile's `[log]`: whether its tabs are logged, where (a path template), and how.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where logs go when a profile names no path: under the data dir, by profile, one file a tab.
pub const DEFAULT_LOG_PATH: &str = "%D/logs/%i/%Y%m%d-%H%M%S-%t.log";

/// The tokens a log path may hold, and what each becomes (for sessions/README.md and errors).
pub const LOG_PATH_TOKENS: [(char, &str); 12] = [
    ('i', "the profile's id"),
    ('n', "the profile's name"),
    ('h', "the host"),
    ('t', "the tab's number (which tab of this tabsh)"),
    ('Y', "year (4 digits)"),
    ('m', "month (01-12)"),
    ('d', "day (01-31)"),
    ('H', "hour (00-23)"),
    ('M', "minute"),
    ('S', "second"),
    ('D', "tabsh's data dir (e.g. ~/.local/share/tabsh)"),
    ('%', "a `%`"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// Tabs of this profile are logged from the start (`Ctrl-\ l` switches a tab either way).
    pub enabled: bool,
    /// The file, with `%` tokens (see [`LOG_PATH_TOKENS`]); `~/` is the home directory.
    pub path: String,
    /// Each line starts with the local time it was logged (text mode only).
    pub timestamps: bool,
    /// The bytes as the server sent them, escape sequences and all, instead of text lines.
    pub raw: bool,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            path: DEFAULT_LOG_PATH.to_owned(),
            timestamps: false,
            raw: false,
        }
    }
}

/// A local date and time, broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// What the tokens of a log path stand for.
pub struct LogPathValues<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub host: &'a str,
    pub tab: u64,
    pub time: LocalTime,
    pub data_dir: &'a Path,
    pub home: Option<&'a Path>,
}

/// Whether `template` uses only known tokens; the first unknown one otherwise.
pub fn check_log_path(template: &str) -> Result<(), String> {
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        match chars.next() {
            Some(token) if LOG_PATH_TOKENS.iter().any(|(t, _)| *t == token) => {}
            Some(token) => return Err(format!("unknown token %{token}")),
            None => return Err("ends with a lone %".to_owned()),
        }
    }
    Ok(())
}

/// The log file `template` names. Values from the profile cannot climb out of the directory
/// the template puts them in: `/` in them becomes `_`, and `..` cannot form from them alone.
pub fn expand_log_path(template: &str, values: &LogPathValues<'_>) -> PathBuf {
    let safe = |text: &str| -> String {
        let cleaned: String = text
            .chars()
            .map(|c| if c == '/' || c.is_control() { '_' } else { c })
            .collect();
        if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
            cleaned.replace('.', "_") + "_"
        } else {
            cleaned
        }
    };
    let time = values.time;
    let mut out = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('i') => out.push_str(&safe(values.id)),
            Some('n') => out.push_str(&safe(values.name)),
            Some('h') => out.push_str(&safe(values.host)),
            Some('t') => out.push_str(&values.tab.to_string()),
            Some('Y') => out.push_str(&format!("{:04}", time.year)),
            Some('m') => out.push_str(&format!("{:02}", time.month)),
            Some('d') => out.push_str(&format!("{:02}", time.day)),
            Some('H') => out.push_str(&format!("{:02}", time.hour)),
            Some('M') => out.push_str(&format!("{:02}", time.minute)),
            Some('S') => out.push_str(&format!("{:02}", time.second)),
            Some('D') => out.push_str(&values.data_dir.to_string_lossy()),
            Some('%') => out.push('%'),
            // Validation refuses these; kept as written if one slips through.
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    match (out.strip_prefix("~/"), values.home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(id: &'a str, name: &'a str) -> LogPathValues<'a> {
        LogPathValues {
            id,
            name,
            host: "web.example",
            tab: 3,
            time: LocalTime {
                year: 2026,
                month: 11,
                day: 30,
                hour: 7,
                minute: 5,
                second: 9,
            },
            data_dir: Path::new("/home/me/.local/share/tabsh"),
            home: Some(Path::new("/home/me")),
        }
    }

    #[test]
    fn every_token_expands() {
        let path = expand_log_path(DEFAULT_LOG_PATH, &values("web", "Web"));
        assert_eq!(
            path,
            Path::new("/home/me/.local/share/tabsh/logs/web/20261130-070509-3.log")
        );
        let path = expand_log_path(
            "~/logs/%n@%h %Y-%m-%d %H:%M:%S 100%%",
            &values("web", "Web"),
        );
        assert_eq!(
            path,
            Path::new("/home/me/logs/Web@web.example 2026-11-30 07:05:09 100%")
        );
    }

    #[test]
    fn profile_values_cannot_leave_their_directory() {
        let path = expand_log_path("/logs/%i/%n.log", &values("ssh:a/b", ".."));
        assert_eq!(path, Path::new("/logs/ssh:a_b/___.log"));
    }

    #[test]
    fn unknown_tokens_are_named() {
        assert!(check_log_path(DEFAULT_LOG_PATH).is_ok());
        assert_eq!(check_log_path("/x/%q").unwrap_err(), "unknown token %q");
        assert!(check_log_path("/x/%").is_err());
    }
}
