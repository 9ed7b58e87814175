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
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn profile(host: &str) -> Profile {
        Profile {
            host: host.to_owned(),
            ..Profile::default()
        }
    }

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).expect("exists").permissions().mode() & 0o7777
    }

    /// A store on an existing, empty `sessions/`, so no examples get in the way.
    fn empty_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join(SESSIONS_DIR)).expect("mkdir sessions");
        let store = Store::open(dir.path()).expect("open");
        (dir, store)
    }

    fn file_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn explicit_dir_beats_env_which_beats_the_platform_default() {
        let explicit = Path::new("/explicit");
        let env = Some(OsString::from("/from-env"));
        assert_eq!(
            resolve_config_dir_from(Some(explicit), env.clone()).expect("resolves"),
            PathBuf::from("/explicit")
        );
        assert_eq!(
            resolve_config_dir_from(None, env).expect("resolves"),
            PathBuf::from("/from-env")
        );
        if let Ok(default) = resolve_config_dir_from(None, Some(OsString::new())) {
            assert!(default.ends_with("tabsh"), "{}", default.display());
        }
    }

    #[test]
    fn first_open_seeds_the_examples_and_the_second_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("tabsh");

        let store = Store::open(&config).expect("first open");
        assert!(store.was_seeded());
        assert!(store.failures().is_empty(), "{:?}", store.failures());
        let ids: Vec<&str> = store.profiles().iter().map(|p| p.id.as_str()).collect();
        let mut shipped: Vec<&str> = SHIPPED_PROFILES.iter().map(|(id, _)| *id).collect();
        shipped.sort();
        assert_eq!(ids, shipped);
        // Seeding copies the files verbatim, comments included.
        let demo = fs::read_to_string(config.join("sessions/demo.toml")).expect("seeded");
        assert_eq!(demo, SHIPPED_PROFILES[0].1);

        fs::remove_file(config.join("sessions/demo.toml")).expect("user deletes demo");
        let store = Store::open(&config).expect("second open");
        assert!(!store.was_seeded());
        assert!(store.get("demo").is_none(), "deleted example came back");
    }

    #[test]
    fn dirs_are_0700_and_files_0600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("tabsh");
        let mut store = Store::open(&config).expect("open");
        let id = store.create(profile("a.example")).expect("create");

        assert_eq!(mode_of(&config), 0o700);
        assert_eq!(mode_of(&config.join(SESSIONS_DIR)), 0o700);
        assert_eq!(mode_of(&store.path_for(&id)), 0o600);
        for (seeded, _) in SHIPPED_PROFILES {
            assert_eq!(mode_of(&store.path_for(seeded)), 0o600, "{seeded}");
        }
    }

    #[test]
    fn open_tightens_loose_existing_dirs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("tabsh");
        let sessions = config.join(SESSIONS_DIR);
        fs::create_dir_all(&sessions).expect("mkdir");
        for loose in [&config, &sessions] {
            fs::set_permissions(loose, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        Store::open(&config).expect("open");
        assert_eq!(mode_of(&config), 0o700);
        assert_eq!(mode_of(&sessions), 0o700);
    }

    #[test]
    fn created_profile_round_trips_through_disk() {
        let (dir, mut store) = empty_store();
        let mut original = profile("db.example.net");
        original.name = "Prod DB".to_owned();
        original.user = Some("ops".to_owned());
        original.anti_idle.keepalive.interval_secs = 11;

        let id = store.create(original.clone()).expect("create");
        assert_eq!(id, "prod-db");
        let reopened = Store::open(dir.path()).expect("reopen");
        assert_eq!(reopened.get("prod-db").map(|p| &p.profile), Some(&original));
        assert_eq!(
            reopened.get("prod-db").map(StoredProfile::display_name),
            Some("Prod DB")
        );
    }

    #[test]
    fn ids_are_made_unique_with_a_number() {
        let (_dir, mut store) = empty_store();
        let named = |name: &str| Profile {
            name: name.to_owned(),
            ..profile("h")
        };
        assert_eq!(store.create(named("Web")).expect("1"), "web");
        assert_eq!(store.create(named("web")).expect("2"), "web-2");
        assert_eq!(store.create(named("WEB!")).expect("3"), "web-3");
    }

    #[test]
    fn empty_name_displays_as_the_file_stem() {
        let (dir, _) = empty_store();
        fs::write(dir.path().join("sessions/bastion.toml"), "host = \"b\"\n").expect("write");
        let store = Store::open(dir.path()).expect("open");
        let stored = store.get("bastion").expect("loaded");
        assert_eq!(stored.profile.name, "");
        assert_eq!(stored.display_name(), "bastion");
    }

    #[test]
    fn broken_file_is_reported_does_not_stop_others_and_is_never_overwritten() {
        let (dir, _) = empty_store();
        let sessions = dir.path().join(SESSIONS_DIR);
        let broken_text = "host = \"web\"\n[anti_idle.noop]\ninterval_secs = \"x\"\n";
        fs::write(sessions.join("a-good.toml"), "host = \"a\"\n").expect("write");
        fs::write(sessions.join("web.toml"), broken_text).expect("write");
        fs::write(sessions.join("z-good.toml"), "host = \"z\"\n").expect("write");
        fs::write(sessions.join("notes.txt"), "not a profile").expect("write");

        let mut store = Store::open(dir.path()).expect("open");
        let ids: Vec<&str> = store.profiles().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a-good", "z-good"]);
        assert_eq!(store.failures().len(), 1);
        let failure = &store.failures()[0];
        let web = sessions.join("web.toml");
        assert_eq!(failure.path(), web);
        assert_eq!(
            failure.to_string(),
            format!(
                "{}:3:17: field anti_idle.noop.interval_secs: invalid type: string \"x\", expected u64",
                web.display()
            )
        );

        for attempt in [
            store.save("web", profile("new")),
            store.update("web", profile("new")),
            store.create_with_id("web", profile("new")),
            store.delete("web"),
        ] {
            let error = attempt.expect_err("broken file must be left alone");
            assert!(
                matches!(error, StoreError::WouldClobberBrokenFile { .. }),
                "{error:?}"
            );
        }
        assert_eq!(fs::read_to_string(&web).expect("still there"), broken_text);
        // Creating from a name that slugs to the broken id picks another id instead.
        let id = store
            .create(Profile {
                name: "Web".to_owned(),
                ..profile("w")
            })
            .expect("create");
        assert_eq!(id, "web-2");
    }

    #[test]
    fn every_failure_kind_names_its_file() {
        let (dir, _) = empty_store();
        let sessions = dir.path().join(SESSIONS_DIR);
        fs::write(sessions.join("syntax.toml"), "host = \n").expect("write");
        fs::write(sessions.join("typo.toml"), "host = \"a\"\nprot = 22\n").expect("write");
        fs::write(
            sessions.join("secret.toml"),
            "host = \"a\"\npassword = \"x\"\n",
        )
        .expect("write");
        fs::write(sessions.join("zero.toml"), "host = \"a\"\nport = 0\n").expect("write");
        let store = Store::open(dir.path()).expect("open");

        let summary: Vec<(String, Option<usize>, Option<String>)> = store
            .failures()
            .iter()
            .map(|f| {
                let stem = f
                    .path()
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .into_owned();
                (stem, f.line(), f.field().map(str::to_owned))
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("secret".to_owned(), Some(2), Some("password".to_owned())),
                ("syntax".to_owned(), Some(1), None),
                ("typo".to_owned(), Some(2), Some("prot".to_owned())),
                ("zero".to_owned(), Some(2), Some("port".to_owned())),
            ]
        );
        assert!(
            store.failures()[0]
                .to_string()
                .contains("never stores passwords")
        );
        assert!(store.profiles().is_empty());
    }

    #[test]
    fn update_delete_and_duplicate() {
        let (dir, mut store) = empty_store();
        let id = store
            .create(Profile {
                name: "Web".to_owned(),
                ..profile("web1")
            })
            .expect("create");

        let mut changed = store.get(&id).expect("exists").profile.clone();
        changed.port = 2022;
        store.update(&id, changed.clone()).expect("update");
        assert!(matches!(
            store.update("nope", changed.clone()),
            Err(StoreError::NotFound(_))
        ));

        let copy_id = store.duplicate(&id).expect("duplicate");
        assert_eq!(copy_id, "web-copy");
        let copy = &store.get(&copy_id).expect("copy exists").profile;
        assert_eq!(copy.name, "Web (copy)");
        assert_eq!(copy.port, 2022);

        store.delete(&id).expect("delete");
        assert!(store.get(&id).is_none());
        assert!(!store.path_for(&id).exists());

        let reopened = Store::open(dir.path()).expect("reopen");
        let ids: Vec<&str> = reopened.profiles().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["web-copy"]);
        assert_eq!(reopened.get("web-copy").map(|p| p.profile.port), Some(2022));
    }

    #[test]
    fn invalid_profiles_and_ids_are_refused_before_writing() {
        let (dir, mut store) = empty_store();
        let error = store.save("x", profile("")).expect_err("empty host");
        assert!(
            matches!(&error, StoreError::Invalid { problems, .. } if problems[0].field == "host"),
            "{error:?}"
        );
        assert!(matches!(
            store.save("../escape", profile("h")),
            Err(StoreError::BadId(_))
        ));
        assert!(matches!(
            store
                .create_with_id("dup", profile("h"))
                .and(store.create_with_id("dup", profile("h"))),
            Err(StoreError::AlreadyExists(_))
        ));
        assert_eq!(file_names(&dir.path().join(SESSIONS_DIR)), ["dup.toml"]);
    }

    #[test]
    fn saving_leaves_no_temp_files_behind() {
        let (dir, mut store) = empty_store();
        for port in [22, 23, 24] {
            store
                .save(
                    "same",
                    Profile {
                        port,
                        ..profile("h")
                    },
                )
                .expect("save");
        }
        assert_eq!(file_names(&dir.path().join(SESSIONS_DIR)), ["same.toml"]);
        let reopened = Store::open(dir.path()).expect("reopen");
        assert_eq!(reopened.get("same").map(|p| p.profile.port), Some(24));
    }
}
