//! Errors of the profile store. Load errors are values collected per file, not failures of
//! the whole store, so one broken file never hides the others.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::validate::ValidationError;

/// A place in a profile file, shown as `path:line:column` (1-based), or `path` alone when the
/// problem has no position (a value that is missing rather than wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocation {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl FileLocation {
    pub fn whole_file(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            line: None,
            column: None,
        }
    }

    /// The location of byte `offset` in `text`, the file's contents.
    pub fn at_offset(path: &Path, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Self {
            path: path.to_owned(),
            line: Some(before.matches('\n').count() + 1),
            column: Some(before[line_start..].chars().count() + 1),
        }
    }
}

impl fmt::Display for FileLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Why one profile file could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        /// Shared so the error can be cloned into the UI's model.
        #[source]
        source: std::sync::Arc<io::Error>,
    },
    #[error("{}: file name is not valid UTF-8; rename it", path.display())]
    NonUtf8Name { path: PathBuf },
    #[error("{}: not loaded: {problem}", path.display())]
    Untrusted {
        path: PathBuf,
        problem: super::ownership::Untrusted,
    },
    #[error("{at}: TOML syntax error: {message}")]
    Syntax { at: FileLocation, message: String },
    #[error("{at}: field {field}: {message}")]
    UnknownField {
        at: FileLocation,
        field: String,
        message: String,
    },
    #[error(
        "{at}: field {field}: tabsh never stores passwords; delete this line, the password is asked for when connecting"
    )]
    Password { at: FileLocation, field: String },
    #[error("{at}: field {field}: {message}")]
    BadValue {
        at: FileLocation,
        field: String,
        message: String,
    },
    #[error("{at}: {problem}")]
    Invalid {
        at: FileLocation,
        problem: ValidationError,
    },
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Read { path, .. }
            | LoadError::NonUtf8Name { path }
            | LoadError::Untrusted { path, .. } => path,
            LoadError::Syntax { at, .. }
            | LoadError::UnknownField { at, .. }
            | LoadError::Password { at, .. }
            | LoadError::BadValue { at, .. }
            | LoadError::Invalid { at, .. } => &at.path,
        }
    }

    /// 1-based line of the problem, when it has one.
    pub fn line(&self) -> Option<usize> {
        self.location().and_then(|at| at.line)
    }

    /// 1-based column of the problem, when it has one.
    pub fn column(&self) -> Option<usize> {
        self.location().and_then(|at| at.column)
    }

    /// Dotted path of the field at fault (`anti_idle.noop.interval_secs`), when one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            LoadError::UnknownField { field, .. }
            | LoadError::Password { field, .. }
            | LoadError::BadValue { field, .. } => Some(field),
            LoadError::Invalid { problem, .. } => Some(problem.field),
            _ => None,
        }
    }

    fn location(&self) -> Option<&FileLocation> {
        match self {
            LoadError::Read { .. }
            | LoadError::NonUtf8Name { .. }
            | LoadError::Untrusted { .. } => None,
            LoadError::Syntax { at, .. }
            | LoadError::UnknownField { at, .. }
            | LoadError::Password { at, .. }
            | LoadError::BadValue { at, .. }
            | LoadError::Invalid { at, .. } => Some(at),
        }
    }
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no configuration directory: pass --config-dir or set TABSH_CONFIG_DIR (no home directory found)"
    )]
    NoConfigDir,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: refusing to use it: {problem}", path.display())]
    Untrusted {
        path: PathBuf,
        problem: super::ownership::Untrusted,
    },
    #[error("no session profile with id `{0}`")]
    NotFound(String),
    #[error("a session profile with id `{0}` already exists")]
    AlreadyExists(String),
    #[error(
        "`{0}` cannot be a profile id: use letters, digits, `-`, `_` or `.`, not starting with `.`"
    )]
    BadId(String),
    #[error(
        "{} failed to load ({reason}); fix or remove it by hand, tabsh will not overwrite it",
        path.display()
    )]
    WouldClobberBrokenFile { path: PathBuf, reason: String },
    #[error("profile `{id}` is not valid: {}", join_problems(problems))]
    Invalid {
        id: String,
        problems: Vec<ValidationError>,
    },
    #[error("cannot write profile `{id}` as TOML: {source}")]
    Serialize {
        id: String,
        #[source]
        source: toml::ser::Error,
    },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

fn join_problems(problems: &[ValidationError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_columns() {
        let text = "host = \"a\"\n[noop]\ninterval_secs = \"x\"\n";
        let offset = text.find("\"x\"").expect("test text contains the value");
        let at = FileLocation::at_offset(Path::new("/s/web.toml"), text, offset);
        assert_eq!((at.line, at.column), (Some(3), Some(17)));
        assert_eq!(at.to_string(), "/s/web.toml:3:17");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name = \"é\" x";
        let offset = text.find('x').expect("test text contains x");
        let at = FileLocation::at_offset(Path::new("p"), text, offset);
        assert_eq!(at.column, Some(12));
    }

    #[test]
    fn location_without_line_is_just_the_path() {
        assert_eq!(
            FileLocation::whole_file(Path::new("/s/a.toml")).to_string(),
            "/s/a.toml"
        );
    }
}
