//! What an import produced and what it left out, with reasons a person can act on.

use std::fmt;
use std::path::PathBuf;

use crate::profiles::schema::Profile;

/// A line in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// A profile built from one concrete `Host` alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProfile {
    pub alias: String,
    /// The first `Host` line naming the alias.
    pub origin: Origin,
    pub profile: Profile,
}

/// Something from the config that did not make it into a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where it was written; `None` for problems about a whole host.
    pub origin: Option<Origin>,
    /// The option name as written (`ForwardAgent`), `Match`, `Include`, or a host alias.
    pub subject: String,
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}: ")?;
        }
        write!(f, "{}: {}", self.subject, self.reason)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("option not supported by tabsh; not imported")]
    UnsupportedOption,
    #[error("Match blocks are not supported; the block is skipped")]
    MatchBlock,
    #[error("inside a skipped Match block (line {match_line})")]
    InsideMatchBlock { match_line: usize },
    #[error("invalid value `{value}`: {expected}")]
    InvalidValue { value: String, expected: String },
    #[error("for host {alias}: {problem}; not imported")]
    CannotExpand { alias: String, problem: String },
    #[error("for host {alias}: only the first value is used, `{value}` is ignored")]
    ExtraValue { alias: String, value: String },
    #[error("cannot read included file {}: {error}", path.display())]
    IncludeUnreadable { path: PathBuf, error: String },
    #[error("`{pattern}` matches no file")]
    IncludeMatchesNothing { pattern: String },
    #[error("line not understood: {0}")]
    BadLine(String),
    #[error("profile would be invalid: {0}")]
    InvalidProfile(String),
    #[error("a profile with id `{0}` already exists")]
    AlreadyExists(String),
    #[error("could not be saved: {0}")]
    SaveFailed(String),
}

/// The result of reading an ssh_config: one profile per concrete alias, and everything that
/// was not imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub profiles: Vec<ImportedProfile>,
    pub skipped: Vec<Skipped>,
}

/// The result of adding an [`ImportReport`]'s profiles to a store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// `(alias, id)` of every profile written.
    pub created: Vec<(String, String)>,
    pub skipped: Vec<Skipped>,
}
