//! Tests of the profile store: loading, saving, ids, folders and file permissions.

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
