//! The saved-session store: one TOML file per profile under `<config dir>/sessions/`, the file
//! stem being the profile's id. Files that fail to load are reported, kept out of the list and
//! never written over.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::{Existing, ensure_private_dir, remove_file_durably, write_file_atomically};
use super::codec::{parse_profile, render_profile};
use super::error::{LoadError, StoreError};
use super::examples::SHIPPED_PROFILES;
use super::id::{is_valid_id, slugify, unique_id};
use super::ownership;
use super::schema::Profile;

/// Environment variable naming the config dir when `--config-dir` is not given.
pub const CONFIG_DIR_ENV: &str = "TABSH_CONFIG_DIR";
pub(super) const SESSIONS_DIR: &str = "sessions";
const PROFILE_EXTENSION: &str = "toml";

/// The config dir: `explicit` (from `--config-dir`), else `$TABSH_CONFIG_DIR`, else the
/// platform's (`~/.config/tabsh` on Linux).
pub fn resolve_config_dir(explicit: Option<&Path>) -> Result<PathBuf, StoreError> {
    resolve_config_dir_from(explicit, std::env::var_os(CONFIG_DIR_ENV))
}

/// [`resolve_config_dir`] with the environment passed in, so the precedence can be tested
/// without touching the process environment.
pub fn resolve_config_dir_from(
    explicit: Option<&Path>,
    env_value: Option<OsString>,
) -> Result<PathBuf, StoreError> {
    if let Some(dir) = explicit {
        return Ok(dir.to_owned());
    }
    if let Some(dir) = env_value.filter(|value| !value.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "tabsh")
        .map(|dirs| dirs.config_dir().to_owned())
        .ok_or(StoreError::NoConfigDir)
}

/// A profile that loaded, with where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    /// The file stem; stable across renames of `profile.name`.
    pub id: String,
    pub path: PathBuf,
    pub profile: Profile,
}

impl StoredProfile {
    /// The name to show: the profile's, or the id when the file leaves it empty.
    pub fn display_name(&self) -> &str {
        if self.profile.name.is_empty() {
            &self.id
        } else {
            &self.profile.name
        }
    }
}

#[derive(Debug)]
pub struct Store {
    config_dir: PathBuf,
    sessions_dir: PathBuf,
    /// Sorted by id.
    profiles: Vec<StoredProfile>,
    failures: Vec<LoadError>,
    seeded: bool,
    /// Whether the profiles have been read (see [`Store::open_unread`]).
    read: bool,
}

impl Store {
    /// Opens the store in `config_dir`, creating it (and seeding the shipped examples) on first
    /// run. Only a store-wide problem is an `Err`; broken profile files end up in
    /// [`Store::failures`].
    pub fn open(config_dir: &Path) -> Result<Store, StoreError> {
        let mut store = Self::open_unread(config_dir)?;
        store.reload()?;
        Ok(store)
    }

    /// Like [`Store::open`], but no profile is read until [`Store::reload`]: the config dir is
    /// made and checked, and the examples seeded on first run.
    pub fn open_unread(config_dir: &Path) -> Result<Store, StoreError> {
        ensure_private_dir(config_dir).map_err(|e| StoreError::io(config_dir, e))?;
        refuse_untrusted_dir(config_dir)?;
        let sessions_dir = config_dir.join(SESSIONS_DIR);
        let seeded =
            ensure_private_dir(&sessions_dir).map_err(|e| StoreError::io(&sessions_dir, e))?;
        refuse_untrusted_dir(&sessions_dir)?;
        if seeded {
            seed_examples(&sessions_dir)?;
            // Highlighting stays off until a rule is uncommented.
            let highlight = config_dir.join(super::terminal_settings::GLOBAL_HIGHLIGHT_FILE);
            let example = super::terminal_settings::GLOBAL_HIGHLIGHT_EXAMPLE;
            write_file_atomically(&highlight, example.as_bytes(), Existing::Keep)
                .map_err(|e| StoreError::io(&highlight, e))?;
        }
        Ok(Store {
            config_dir: config_dir.to_owned(),
            sessions_dir,
            profiles: Vec::new(),
            failures: Vec::new(),
            seeded,
            read: false,
        })
    }

    /// Whether the profiles have been read.
    pub fn is_read(&self) -> bool {
        self.read
    }

    /// Re-reads every profile file, replacing what was loaded before.
    pub fn reload(&mut self) -> Result<(), StoreError> {
        let (profiles, failures) = load_dir(&self.sessions_dir)?;
        self.profiles = profiles;
        self.failures = failures;
        self.read = true;
        Ok(())
    }

    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    pub fn sessions_dir(&self) -> &Path {
        &self.sessions_dir
    }

    /// Loaded profiles, sorted by id.
    pub fn profiles(&self) -> &[StoredProfile] {
        &self.profiles
    }

    /// Files that did not load, possibly several errors per file.
    pub fn failures(&self) -> &[LoadError] {
        &self.failures
    }

    /// Whether this `open` created `sessions/` and wrote the shipped examples into it.
    pub fn was_seeded(&self) -> bool {
        self.seeded
    }

    pub fn get(&self, id: &str) -> Option<&StoredProfile> {
        self.position(id).map(|index| &self.profiles[index])
    }

    /// Where the profile with this id lives (or would live).
    pub fn path_for(&self, id: &str) -> PathBuf {
        self.sessions_dir.join(format!("{id}.{PROFILE_EXTENSION}"))
    }

    /// Whether a profile file with this id exists, loaded or not.
    pub fn id_taken(&self, id: &str) -> bool {
        self.position(id).is_some() || self.path_for(id).exists()
    }

    /// Saves a new profile under an id derived from its name (or host), returning the id.
    pub fn create(&mut self, profile: Profile) -> Result<String, StoreError> {
        let base = slugify(if profile.name.trim().is_empty() {
            &profile.host
        } else {
            &profile.name
        });
        let id = unique_id(&base, |candidate| self.id_taken(candidate));
        self.create_with_id(&id, profile)?;
        Ok(id)
    }

    /// Saves a new profile under exactly `id`; fails if that id is taken.
    pub fn create_with_id(&mut self, id: &str, profile: Profile) -> Result<(), StoreError> {
        self.write(id, profile, Existing::Keep)
    }

    /// Replaces the profile `id`, which must have loaded.
    pub fn update(&mut self, id: &str, profile: Profile) -> Result<(), StoreError> {
        if self.position(id).is_none() {
            self.refuse_if_broken(id)?;
            return Err(StoreError::NotFound(id.to_owned()));
        }
        self.write(id, profile, Existing::Replace)
    }

    /// Creates or replaces the profile `id`; never replaces a file that failed to load.
    pub fn save(&mut self, id: &str, profile: Profile) -> Result<(), StoreError> {
        self.write(id, profile, Existing::Replace)
    }

    /// Removes the profile `id`, which must have loaded (broken files are the user's to fix).
    pub fn delete(&mut self, id: &str) -> Result<(), StoreError> {
        let Some(index) = self.position(id) else {
            self.refuse_if_broken(id)?;
            return Err(StoreError::NotFound(id.to_owned()));
        };
        let path = self.profiles[index].path.clone();
        remove_file_durably(&path).map_err(|e| StoreError::io(&path, e))?;
        self.profiles.remove(index);
        Ok(())
    }

    /// Copies the profile `id` to a new id, naming the copy "<name> (copy)". Returns the new id.
    pub fn duplicate(&mut self, id: &str) -> Result<String, StoreError> {
        let original = self
            .get(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let mut copy = original.profile.clone();
        copy.name = format!("{} (copy)", original.display_name());
        self.create(copy)
    }

    fn write(&mut self, id: &str, profile: Profile, existing: Existing) -> Result<(), StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::BadId(id.to_owned()));
        }
        self.refuse_if_broken(id)?;
        profile.validate().map_err(|problems| StoreError::Invalid {
            id: id.to_owned(),
            problems,
        })?;
        let text = render_profile(&profile).map_err(|source| StoreError::Serialize {
            id: id.to_owned(),
            source,
        })?;
        let path = self.path_for(id);
        write_file_atomically(&path, text.as_bytes(), existing).map_err(|error| {
            if error.kind() == io::ErrorKind::AlreadyExists {
                StoreError::AlreadyExists(id.to_owned())
            } else {
                StoreError::io(&path, error)
            }
        })?;

        let stored = StoredProfile {
            id: id.to_owned(),
            path,
            profile,
        };
        match self.profiles.binary_search_by(|p| p.id.as_str().cmp(id)) {
            Ok(index) => self.profiles[index] = stored,
            Err(index) => self.profiles.insert(index, stored),
        }
        Ok(())
    }

    fn refuse_if_broken(&self, id: &str) -> Result<(), StoreError> {
        let path = self.path_for(id);
        match self.failures.iter().find(|failure| failure.path() == path) {
            Some(failure) => Err(StoreError::WouldClobberBrokenFile {
                path,
                reason: failure.to_string(),
            }),
            None => Ok(()),
        }
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.profiles
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
    }
}

fn seed_examples(sessions_dir: &Path) -> Result<(), StoreError> {
    for (id, text) in SHIPPED_PROFILES {
        let path = sessions_dir.join(format!("{id}.{PROFILE_EXTENSION}"));
        write_file_atomically(&path, text.as_bytes(), Existing::Keep)
            .map_err(|e| StoreError::io(&path, e))?;
    }
    Ok(())
}

/// A directory someone else controls could be filled with profiles of their choosing.
fn refuse_untrusted_dir(dir: &Path) -> Result<(), StoreError> {
    let metadata = fs::metadata(dir).map_err(|e| StoreError::io(dir, e))?;
    ownership::check(&metadata, ownership::current_uid()).map_err(|problem| StoreError::Untrusted {
        path: dir.to_owned(),
        problem,
    })
}

/// Profiles that loaded, and the files that did not.
pub type Loaded = (Vec<StoredProfile>, Vec<LoadError>);

pub(super) fn load_dir(sessions_dir: &Path) -> Result<Loaded, StoreError> {
    let entries = fs::read_dir(sessions_dir).map_err(|e| StoreError::io(sessions_dir, e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| StoreError::io(sessions_dir, e))?.path();
        let is_profile = path.extension().is_some_and(|ext| ext == PROFILE_EXTENSION);
        // Dot files include editors' swap files and our own in-flight temp files.
        let hidden = path
            .file_name()
            .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."));
        if is_profile && !hidden {
            paths.push(path);
        }
    }
    paths.sort();

    // Reading and parsing thousands of small files is CPU work: spread over the cores, each
    // thread taking every n-th file, then put back in order.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(paths.len().div_ceil(FILES_PER_THREAD))
        .max(1);
    let mut results: Vec<(usize, Result<StoredProfile, Vec<LoadError>>)> = if threads == 1 {
        paths
            .iter()
            .map(|path| load_file(path))
            .enumerate()
            .collect()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|first| {
                    let paths = &paths;
                    scope.spawn(move || {
                        (first..paths.len())
                            .step_by(threads)
                            .map(|index| (index, load_file(&paths[index])))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| match worker.join() {
                    Ok(loaded) => loaded,
                    // A panic parsing a file is a bug; it ends the program as it would have
                    // without the threads.
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    };
    results.sort_by_key(|(index, _)| *index);
    let mut profiles = Vec::new();
    let mut failures = Vec::new();
    for (_, result) in results {
        match result {
            Ok(stored) => profiles.push(stored),
            Err(errors) => failures.extend(errors),
        }
    }
    profiles.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((profiles, failures))
}

/// Fewer files than this are not worth a thread.
const FILES_PER_THREAD: usize = 64;

fn load_file(path: &Path) -> Result<StoredProfile, Vec<LoadError>> {
    let Some(id) = path.file_stem().and_then(|stem| stem.to_str()) else {
        return Err(vec![LoadError::NonUtf8Name {
            path: path.to_owned(),
        }]);
    };
    let read_error = |source: io::Error| {
        vec![LoadError::Read {
            path: path.to_owned(),
            source: source.into(),
        }]
    };
    // Checked on the open file, so the file checked is the file read.
    let mut file = fs::File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if let Err(problem) = ownership::check(&metadata, ownership::current_uid()) {
        return Err(vec![LoadError::Untrusted {
            path: path.to_owned(),
            problem,
        }]);
    }
    let mut text = String::new();
    io::Read::read_to_string(&mut file, &mut text).map_err(read_error)?;
    let profile = parse_profile(path, &text)?;
    Ok(StoredProfile {
        id: id.to_owned(),
        path: path.to_owned(),
        profile,
    })
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
