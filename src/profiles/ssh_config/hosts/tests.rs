use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;

fn env_in(home: &Path) -> SshEnv {
    SshEnv {
        home: home.to_owned(),
        local_user: "me".to_owned(),
    }
}

/// A home with `~/.ssh/config` holding `text`; returns the home and the config's path.
fn home_with_config(text: &str) -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().expect("tempdir");
    let ssh = home.path().join(".ssh");
    fs::create_dir(&ssh).expect("mkdir .ssh");
    let config = ssh.join("config");
    fs::write(&config, text).expect("write config");
    (home, config)
}

#[test]
fn hosts_resolve_first_value_wins_through_includes_and_list_unsupported_options() {
    let (home, config) = home_with_config(
        "Include conf.d/*.conf\n\
         Host web\n\
         \x20   HostName web.example.org\n\
         \x20   ForwardX11 yes\n\
         \x20   ControlMaster auto\n\
         \x20   ProxyJump db\n\
         Host *\n\
         \x20   User everyone\n\
         \x20   Port 2200\n\
         \x20   ForwardX11 no\n",
    );
    let conf_d = home.path().join(".ssh/conf.d");
    fs::create_dir(&conf_d).expect("mkdir conf.d");
    // Included first, so its values win for `web`, and it brings a host of its own.
    fs::write(
        conf_d.join("10-web.conf"),
        "Host web\n    User deploy\nHost db\n    HostName db.internal\n",
    )
    .expect("write include");

    let (listing, _) = list_hosts(&config, &env_in(home.path()));
    assert_eq!(listing.error, None);
    let aliases: Vec<&str> = listing.hosts.iter().map(|h| h.alias.as_str()).collect();
    assert_eq!(aliases, ["web", "db"]);

    let web = listing.get("web").expect("web listed");
    assert_eq!(web.id(), "ssh:web");
    assert_eq!(web.profile.name, "web");
    assert_eq!(web.profile.folder, SSH_CONFIG_FOLDER);
    assert_eq!(web.profile.host, "web.example.org");
    assert_eq!(
        web.profile.user.as_deref(),
        Some("deploy"),
        "the included file's User comes first"
    );
    assert_eq!(web.profile.port, 2200, "Host * fills what is not set");
    assert_eq!(web.unsupported, ["ForwardX11", "ControlMaster"]);
    assert_eq!(
        web.profile.jump,
        ["ssh:db"],
        "a hop naming a listed host refers to it"
    );
    assert_eq!(web.origin.file, conf_d.join("10-web.conf"));
    assert_eq!(web.origin.line, 1);

    let db = listing.get("db").expect("db listed");
    assert_eq!(db.profile.host, "db.internal");
    assert_eq!(db.profile.user.as_deref(), Some("everyone"));
    assert_eq!(db.unsupported, ["ForwardX11"]);

    let stored = web.to_stored();
    assert_eq!(stored.id, "ssh:web");
    assert!(is_ssh_config_id(&stored.id));
    assert!(
        !crate::profiles::id::is_valid_id(&stored.id),
        "no saved profile can have this id"
    );
}

#[test]
fn a_missing_config_lists_nothing_and_is_no_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join(".ssh/config");
    let (listing, sources) = list_hosts(&path, &env_in(home.path()));
    assert!(listing.hosts.is_empty());
    assert_eq!(listing.error, None);
    assert!(!sources.changed());
    // Created later: noticed.
    fs::create_dir(home.path().join(".ssh")).expect("mkdir");
    fs::write(&path, "Host new\n").expect("write");
    assert!(sources.changed());
}

#[test]
fn a_config_others_can_write_is_refused_like_openssh_does() {
    let (home, config) = home_with_config("Host web\n");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o666)).expect("chmod");
    let (listing, _) = list_hosts(&config, &env_in(home.path()));
    assert!(listing.hosts.is_empty());
    let error = listing.error.expect("refused");
    assert!(error.contains(&config.display().to_string()), "{error}");
    assert!(error.contains("bad permissions"), "{error}");
}

#[test]
fn sources_notice_edits_to_the_config_and_new_included_files() {
    let (home, config) = home_with_config("Include conf.d/*\nHost web\n");
    let conf_d = home.path().join(".ssh/conf.d");
    fs::create_dir(&conf_d).expect("mkdir conf.d");
    let env = env_in(home.path());

    let (_, sources) = list_hosts(&config, &env);
    assert!(!sources.changed(), "nothing changed yet");
    fs::write(conf_d.join("extra"), "Host extra\n").expect("new include");
    assert!(sources.changed(), "a file appeared in a globbed directory");

    let (listing, sources) = list_hosts(&config, &env);
    assert_eq!(listing.hosts.len(), 2);
    assert!(sources.paths().any(|p| p == conf_d.join("extra")));
    // Saved by rename, as editors do: a new inode even with the same size.
    let replacement = home.path().join(".ssh/config.new");
    fs::write(&replacement, "Include conf.d/*\nHost wob\n").expect("write");
    fs::rename(&replacement, &config).expect("rename");
    assert!(sources.changed());
    let (listing, _) = list_hosts(&config, &env);
    assert!(listing.get("wob").is_some());
}

#[test]
fn bad_values_are_listed_with_the_host_and_hopeless_hosts_are_skipped_with_a_reason() {
    let (home, config) =
        home_with_config("Host web\n    Port eighty\nHost spaced\n    HostName \"two words\"\n");
    let (listing, _) = list_hosts(&config, &env_in(home.path()));
    let web = listing.get("web").expect("web is still listed");
    assert_eq!(web.profile.port, 22);
    assert_eq!(web.problems.len(), 1);
    assert!(web.problems[0].contains(":2:"), "{:?}", web.problems);
    assert!(listing.get("spaced").is_none());
    assert!(
        listing
            .skipped
            .iter()
            .any(|s| s.subject == "spaced" && s.to_string().contains("host")),
        "{:?}",
        listing.skipped
    );
}

#[test]
fn certificate_file_maps_to_the_profile_with_tokens_expanded() {
    let (home, config) = home_with_config(
        "Host web\n    IdentityFile ~/.ssh/id_web\n    CertificateFile ~/.ssh/%n-cert.pub\n",
    );
    let (listing, _) = list_hosts(&config, &env_in(home.path()));
    let web = listing.get("web").expect("listed");
    assert_eq!(
        web.profile.certificate_file.as_deref(),
        Some(home.path().join(".ssh/web-cert.pub").as_path())
    );
    assert!(web.unsupported.is_empty(), "{:?}", web.unsupported);
}
