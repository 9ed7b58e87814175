//! Reads an ssh_config and the files it includes into a tree of blocks and options, keeping
//! each line's origin for the report.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::lexer::split_line;
use super::report::{Origin, SkipReason, Skipped};
use super::tokens::{TokenValues, expand_path};
use crate::patterns::{has_wildcard, wildcard_match};

/// OpenSSH's limit (READCONF_MAX_DEPTH): deeper is "Too many recursive configuration
/// includes", and the whole read fails.
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// Files read through `Include` in one import, at most. Without cycles and within the depth
/// limit, `Include a a a` in sixteen nested files would still mean 3^16 reads.
pub const MAX_INCLUDED_FILES: usize = 1024;

/// Why a whole read stops, like OpenSSH's fatal config errors: importing half a config
/// would give profiles that silently differ from what `ssh` does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncludeError {
    #[error(
        "{origin}: Too many recursive configuration includes (more than {MAX_INCLUDE_DEPTH} \
         deep); nothing was imported"
    )]
    TooDeep { origin: Origin },
    #[error(
        "{origin}: Include of {} which is already being read (an include cycle); nothing was \
         imported",
        path.display()
    )]
    Cycle { origin: Origin, path: PathBuf },
    #[error(
        "{origin}: more than {MAX_INCLUDED_FILES} files read through Include; nothing was \
         imported"
    )]
    TooManyFiles { origin: Origin },
}

/// The files being read, outermost first, how many were read so far, and every path whose
/// change could change the result.
#[derive(Debug, Default)]
struct IncludeState {
    open: Vec<PathBuf>,
    files_read: usize,
    sources: Vec<PathBuf>,
}

/// A path as compared for cycles: through symlinks when it can be resolved.
fn identity(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Host {
        patterns: Vec<String>,
        origin: Origin,
    },
    Match {
        origin: Origin,
    },
    Option(ConfigOption),
    /// The items of every file an `Include` line matched, in order.
    Include {
        items: Vec<Item>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigOption {
    /// Lowercase, for matching; keywords are case-insensitive.
    pub keyword: String,
    /// As written, for the report.
    pub name: String,
    pub args: Vec<String>,
    pub raw: String,
    pub origin: Origin,
}

/// Where relative `Include`s resolve and what `~` means.
#[derive(Debug, Clone, Copy)]
pub struct ReadContext<'a> {
    pub home: &'a Path,
    pub local_user: &'a str,
    pub ssh_dir: &'a Path,
}

/// Parses `text` (the contents of `file`), following includes. Problems with lines and
/// included files go to `skipped`; only the top file's own I/O and include recursion (too
/// deep, a cycle, too many files) are errors.
pub fn parse_text(
    text: &str,
    file: &Path,
    context: ReadContext<'_>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Item>, IncludeError> {
    parse_text_with_sources(text, file, context, skipped).map(|(items, _)| items)
}

/// [`parse_text`], also returning what a watcher must look at to notice a change: every
/// included file read, every path an `Include` named (existing or not) and every directory a
/// glob listed. `file` itself is not among them.
pub fn parse_text_with_sources(
    text: &str,
    file: &Path,
    context: ReadContext<'_>,
    skipped: &mut Vec<Skipped>,
) -> Result<(Vec<Item>, Vec<PathBuf>), IncludeError> {
    let mut state = IncludeState {
        open: vec![identity(file)],
        files_read: 0,
        sources: Vec::new(),
    };
    let items = parse_nested(text, file, context, &mut state, skipped)?;
    let mut sources = state.sources;
    sources.dedup();
    Ok((items, sources))
}

fn parse_nested(
    text: &str,
    file: &Path,
    context: ReadContext<'_>,
    state: &mut IncludeState,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Item>, IncludeError> {
    let mut items = Vec::new();
    // Includes inside a Match block are conditional on it; as Match is skipped, so are they.
    let mut in_match: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let origin = Origin {
            file: file.to_owned(),
            line: index + 1,
        };
        let split = match split_line(line) {
            Ok(Some(split)) => split,
            Ok(None) => continue,
            Err(error) => {
                skipped.push(Skipped {
                    origin: Some(origin),
                    subject: line.trim().to_owned(),
                    reason: SkipReason::BadLine(error.to_string()),
                });
                continue;
            }
        };
        let keyword = split.keyword.to_ascii_lowercase();
        match keyword.as_str() {
            "host" => {
                in_match = None;
                items.push(Item::Host {
                    patterns: split.args,
                    origin,
                });
            }
            "match" => {
                in_match = Some(origin.line);
                items.push(Item::Match { origin });
            }
            "include" if in_match.is_none() => {
                let included = read_includes(&split.args, &origin, context, state, skipped)?;
                items.push(Item::Include { items: included });
            }
            _ => items.push(Item::Option(ConfigOption {
                keyword,
                name: split.keyword,
                args: split.args,
                raw: split.raw,
                origin,
            })),
        }
    }
    Ok(items)
}

fn read_includes(
    patterns: &[String],
    origin: &Origin,
    context: ReadContext<'_>,
    state: &mut IncludeState,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Item>, IncludeError> {
    let skip = |skipped: &mut Vec<Skipped>, reason| {
        skipped.push(Skipped {
            origin: Some(origin.clone()),
            subject: "Include".to_owned(),
            reason,
        });
    };
    // `open` holds the top file too: its length is the depth of the file being read + 1.
    if state.open.len() > MAX_INCLUDE_DEPTH {
        return Err(IncludeError::TooDeep {
            origin: origin.clone(),
        });
    }

    let mut items = Vec::new();
    for pattern in patterns {
        let Some(full_pattern) = resolve_include_path(pattern, context) else {
            skip(
                skipped,
                SkipReason::InvalidValue {
                    value: pattern.clone(),
                    expected: "a path (`~user` and `%` tokens other than %d %u are not supported)"
                        .to_owned(),
                },
            );
            continue;
        };
        let files = expand_glob(&full_pattern, &mut state.sources);
        if files.is_empty() {
            skip(
                skipped,
                SkipReason::IncludeMatchesNothing {
                    pattern: pattern.clone(),
                },
            );
        }
        for path in files {
            let id = identity(&path);
            if state.open.contains(&id) {
                return Err(IncludeError::Cycle {
                    origin: origin.clone(),
                    path,
                });
            }
            state.files_read += 1;
            if state.files_read > MAX_INCLUDED_FILES {
                return Err(IncludeError::TooManyFiles {
                    origin: origin.clone(),
                });
            }
            state.sources.push(path.clone());
            match fs::read_to_string(&path) {
                Ok(text) => {
                    state.open.push(id);
                    let nested = parse_nested(&text, &path, context, state, skipped);
                    state.open.pop();
                    items.extend(nested?);
                }
                Err(error) => skip(
                    skipped,
                    SkipReason::IncludeUnreadable {
                        path,
                        error: error.to_string(),
                    },
                ),
            }
        }
    }
    Ok(items)
}

/// `~` and the user tokens expanded; relative paths are under `~/.ssh`, as for OpenSSH's user
/// config.
fn resolve_include_path(pattern: &str, context: ReadContext<'_>) -> Option<PathBuf> {
    let tokens = TokenValues {
        home: context.home,
        local_user: context.local_user,
        alias: "",
        host: "",
        remote_user: "",
        port: 0,
    };
    let has_host_token = ["%h", "%n", "%r", "%p"].iter().any(|t| pattern.contains(t));
    if has_host_token {
        return None;
    }
    let expanded = PathBuf::from(expand_path(pattern, &tokens).ok()?);
    Some(if expanded.is_absolute() {
        expanded
    } else {
        context.ssh_dir.join(expanded)
    })
}

/// The existing paths matching `pattern`, whose components may contain `*` and `?`, sorted
/// like glob(3) sorts them. Wildcards do not match names starting with `.` unless the pattern
/// component does.
/// Every directory listed, and the pattern itself when it has no wildcard, go to `sources`.
fn expand_glob(pattern: &Path, sources: &mut Vec<PathBuf>) -> Vec<PathBuf> {
    if !has_wildcard(&pattern.to_string_lossy()) {
        sources.push(pattern.to_owned());
    }
    let mut candidates = vec![PathBuf::new()];
    for component in pattern.components() {
        let Component::Normal(name) = component else {
            for candidate in &mut candidates {
                candidate.push(component);
            }
            continue;
        };
        let name = name.to_string_lossy();
        if !has_wildcard(&name) {
            for candidate in &mut candidates {
                candidate.push(name.as_ref());
            }
            continue;
        }
        let mut next = Vec::new();
        for dir in &candidates {
            let listing = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            sources.push(listing.to_owned());
            let Ok(entries) = fs::read_dir(listing) else {
                continue;
            };
            let mut matched: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok())
                .filter(|entry| name.starts_with('.') || !entry.starts_with('.'))
                .filter(|entry| wildcard_match(&name, entry))
                .map(|entry| dir.join(entry))
                .collect();
            matched.sort();
            next.extend(matched);
        }
        candidates = next;
    }
    candidates.retain(|path| path.is_file());
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_files_sorted_and_skips_dot_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = dir.path().join("conf.d");
        fs::create_dir(&conf).expect("mkdir");
        for name in ["b.conf", "a.conf", ".hidden.conf", "notes.txt"] {
            fs::write(conf.join(name), "").expect("write");
        }
        fs::create_dir(conf.join("dir.conf")).expect("a directory is not a config");
        assert_eq!(
            expand_glob(&conf.join("*.conf"), &mut Vec::new()),
            vec![conf.join("a.conf"), conf.join("b.conf")]
        );
        assert_eq!(
            expand_glob(&dir.path().join("c*/?.conf"), &mut Vec::new()),
            vec![conf.join("a.conf"), conf.join("b.conf")]
        );
        let mut sources = Vec::new();
        assert!(expand_glob(&conf.join("missing"), &mut sources).is_empty());
        assert_eq!(sources, [conf.join("missing")], "a missing file is watched");
    }
}
