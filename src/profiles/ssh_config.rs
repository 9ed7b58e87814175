//! Import of OpenSSH client configs (`~/.ssh/config`) into profiles. Every concrete `Host`
//! alias becomes a profile built with OpenSSH's rules (first value wins, wildcard blocks supply
//! defaults); everything that cannot be carried over is reported with its file and line.

mod forwards;
mod hosts;
mod lexer;
mod reader;
mod report;
mod resolve;
mod tokens;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use hosts::{
    ConfigHost, HostListing, SSH_CONFIG_FOLDER, SSH_CONFIG_ID_PREFIX, Sources, is_ssh_config_id,
    list_hosts,
};
pub use reader::{IncludeError, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES};
pub use report::{ImportOutcome, ImportReport, ImportedProfile, Origin, SkipReason, Skipped};

use super::error::StoreError;
use super::id::slugify;
use super::schema::local_user_name;
use super::store::Store;
use crate::patterns::is_concrete_host;
use reader::{Item, ReadContext, parse_text};
#[cfg(test)]
use resolve::parse_duration_secs;
use resolve::{SUPPORTED_OPTIONS, resolve_host};

/// The folder imported profiles are put in.
pub const IMPORT_FOLDER: &str = "imported";

/// The user the config is read for: `~` and `%d` are `home`, `%u` is `local_user`, and
/// relative `Include`s are under `home/.ssh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshEnv {
    pub home: PathBuf,
    pub local_user: String,
}

impl SshEnv {
    /// The current user's, or `None` when there is no home directory.
    pub fn from_process() -> Option<SshEnv> {
        let dirs = directories::BaseDirs::new()?;
        Some(SshEnv {
            home: dirs.home_dir().to_owned(),
            local_user: local_user_name(),
        })
    }

    pub fn ssh_dir(&self) -> PathBuf {
        self.home.join(".ssh")
    }

    /// `~/.ssh/config`.
    pub fn user_config_path(&self) -> PathBuf {
        self.ssh_dir().join("config")
    }
}

/// Why nothing could be imported: the config file itself could not be read (included files
/// that cannot be read are only reported as skipped), or its includes recurse too far.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Include(#[from] IncludeError),
}

/// Reads the ssh_config at `path` (and what it includes) into an import report.
pub fn read_ssh_config(path: &Path, env: &SshEnv) -> Result<ImportReport, ImportError> {
    let text = fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_ssh_config(&text, path, env)
}

/// Builds the import report for config `text`, read from `file`.
pub fn parse_ssh_config(
    text: &str,
    file: &Path,
    env: &SshEnv,
) -> Result<ImportReport, ImportError> {
    let ssh_dir = env.ssh_dir();
    let context = ReadContext {
        home: &env.home,
        local_user: &env.local_user,
        ssh_dir: &ssh_dir,
    };
    let mut skipped = Vec::new();
    let items = parse_text(text, file, context, &mut skipped)?;
    list_unsupported(&items, None, &mut skipped);

    let mut profiles = Vec::new();
    let aliases = concrete_aliases(&items);
    // A jump host naming another imported alias becomes a reference to its profile.
    let reference = |hop: &str| {
        aliases
            .iter()
            .any(|(alias, _)| alias == hop)
            .then(|| slugify(hop))
    };
    for (alias, origin) in aliases.iter().cloned() {
        let resolved = resolve_host(&items, &alias, env, IMPORT_FOLDER, &reference);
        // A bad value in a block shared by several hosts is one problem, not one per host.
        for problem in resolved.problems {
            if !skipped.contains(&problem) {
                skipped.push(problem);
            }
        }
        if let Some(profile) = resolved.profile {
            profiles.push(ImportedProfile {
                alias,
                origin,
                profile,
            });
        }
    }
    Ok(ImportReport { profiles, skipped })
}

/// Adds the report's profiles to `store` under ids slugged from their aliases, leaving alone
/// (and reporting) every id that is already taken.
pub fn import_into(store: &mut Store, report: &ImportReport) -> ImportOutcome {
    let mut outcome = ImportOutcome::default();
    for imported in &report.profiles {
        let id = slugify(&imported.alias);
        let skip = |reason| Skipped {
            origin: Some(imported.origin.clone()),
            subject: imported.alias.clone(),
            reason,
        };
        if store.id_taken(&id) {
            outcome.skipped.push(skip(SkipReason::AlreadyExists(id)));
            continue;
        }
        match store.create_with_id(&id, imported.profile.clone()) {
            Ok(()) => outcome.created.push((imported.alias.clone(), id)),
            Err(StoreError::AlreadyExists(id)) => {
                outcome.skipped.push(skip(SkipReason::AlreadyExists(id)));
            }
            Err(error) => outcome
                .skipped
                .push(skip(SkipReason::SaveFailed(error.to_string()))),
        }
    }
    outcome
}

/// Reports `Match` blocks, what is inside them, and every option tabsh has no field for.
fn list_unsupported(items: &[Item], mut in_match: Option<usize>, skipped: &mut Vec<Skipped>) {
    for item in items {
        match item {
            Item::Host { .. } => in_match = None,
            Item::Match { origin } => {
                in_match = Some(origin.line);
                skipped.push(Skipped {
                    origin: Some(origin.clone()),
                    subject: "Match".to_owned(),
                    reason: SkipReason::MatchBlock,
                });
            }
            Item::Option(option) => {
                let reason = match in_match {
                    Some(match_line) => SkipReason::InsideMatchBlock { match_line },
                    None if SUPPORTED_OPTIONS.contains(&option.keyword.as_str()) => continue,
                    None => SkipReason::UnsupportedOption,
                };
                skipped.push(Skipped {
                    origin: Some(option.origin.clone()),
                    subject: option.name.clone(),
                    reason,
                });
            }
            // A Match inside an included file ends with that file, as in OpenSSH.
            Item::Include { items } => list_unsupported(items, in_match, skipped),
        }
    }
}

/// Every concrete alias on any `Host` line, first occurrence first, with where it is.
pub(super) fn concrete_aliases(items: &[Item]) -> Vec<(String, Origin)> {
    fn walk(items: &[Item], found: &mut Vec<(String, Origin)>) {
        for item in items {
            match item {
                Item::Host { patterns, origin } => {
                    for pattern in patterns.iter().filter(|p| is_concrete_host(p)) {
                        if !found.iter().any(|(alias, _)| alias == pattern) {
                            found.push((pattern.clone(), origin.clone()));
                        }
                    }
                }
                Item::Include { items } => walk(items, found),
                Item::Match { .. } | Item::Option(_) => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(items, &mut found);
    found
}

#[cfg(test)]
mod tests;
