//! Tests of known_hosts parsing and lookup.

use super::*;

const ED_A: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
const ED_B: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIA6rWI3G2sz07DnfFlrouTcysQlj2P+jpNSOEWD9OJ3X";

fn key(b64: &str) -> PublicKey {
    russh::keys::parse_public_key_base64(b64).unwrap()
}

fn hosts(text: &str) -> KnownHosts {
    KnownHosts::parse(Path::new("/test/known_hosts"), text)
}

#[test]
fn plain_entry_on_a_non_default_port_is_known() {
    let kh = hosts(&format!(
        "# comment\n[127.0.0.1]:2222 ssh-ed25519 {ED_A} me@x\n"
    ));
    assert_eq!(
        kh.check("127.0.0.1", 2222, &key(ED_A)),
        HostKeyStatus::Known { line: 2 }
    );
    // The same host on port 22 is a different name.
    assert!(matches!(
        kh.check("127.0.0.1", 22, &key(ED_A)),
        HostKeyStatus::Unknown { .. }
    ));
}

#[test]
fn a_different_key_of_the_same_type_is_changed_with_line_and_fingerprint() {
    let kh = hosts(&format!("example.org\tssh-ed25519\t{ED_A}\n"));
    match kh.check("example.org", 22, &key(ED_B)) {
        HostKeyStatus::Changed {
            line,
            recorded_fingerprint,
            ..
        } => {
            assert_eq!(line, 1);
            assert_eq!(recorded_fingerprint, fingerprint(&key(ED_A)));
            assert!(recorded_fingerprint.starts_with("SHA256:"));
        }
        other => panic!("expected Changed, got {other:?}"),
    }
}

#[test]
fn any_of_several_keys_of_one_type_is_accepted() {
    let kh = hosts(&format!("h ssh-ed25519 {ED_B}\nh ssh-ed25519 {ED_A}\n"));
    assert_eq!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Known { line: 2 }
    );
}

#[test]
fn hashed_entries_match() {
    // `ssh-keygen -H` output for "[localhost]:13265" is checked against the HMAC itself:
    // build a hashed entry with a known salt and verify matching and non-matching names.
    let salt = b"0123456789abcdefghij";
    let mut mac = Hmac::<Sha1>::new_from_slice(salt).unwrap();
    mac.update(b"[localhost]:13265");
    let hash = mac.finalize().into_bytes();
    let entry = format!(
        "|1|{}|{} ssh-ed25519 {ED_A}\n",
        BASE64.encode(salt),
        BASE64.encode(&hash)
    );
    let kh = hosts(&entry);
    assert_eq!(
        kh.check("localhost", 13265, &key(ED_A)),
        HostKeyStatus::Known { line: 1 }
    );
    assert!(matches!(
        kh.check("localhost", 13266, &key(ED_A)),
        HostKeyStatus::Unknown { .. }
    ));
}

#[test]
fn wildcards_and_negation() {
    let kh = hosts(&format!("*.corp,!bad.corp ssh-ed25519 {ED_A}\n"));
    assert!(matches!(
        kh.check("db.corp", 22, &key(ED_A)),
        HostKeyStatus::Known { .. }
    ));
    assert!(matches!(
        kh.check("bad.corp", 22, &key(ED_A)),
        HostKeyStatus::Unknown { .. }
    ));
    assert!(matches!(
        kh.check("DB.corp", 22, &key(ED_A)),
        HostKeyStatus::Known { .. }
    ));
}

#[test]
fn revoked_keys_are_refused_even_when_also_listed() {
    let kh = hosts(&format!(
        "@revoked * ssh-ed25519 {ED_A}\nh ssh-ed25519 {ED_A}\n"
    ));
    assert_eq!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Revoked {
            path: PathBuf::from("/test/known_hosts"),
            line: 1
        }
    );
}

#[test]
fn garbage_lines_are_skipped_not_fatal() {
    let kh = hosts(&format!(
        "nonsense\nh ssh-ed25519 !!!notbase64\nh ssh-ed25519 {ED_A}\n"
    ));
    assert_eq!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Known { line: 3 }
    );
}

#[test]
fn append_creates_private_file_and_is_found_again() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ssh/known_hosts");
    let mut kh = KnownHosts::load(&path).unwrap();
    kh.append("127.0.0.1", 2200, &key(ED_A)).unwrap();
    assert_eq!(
        kh.check("127.0.0.1", 2200, &key(ED_A)),
        HostKeyStatus::Known { line: 1 }
    );

    let reread = KnownHosts::load(&path).unwrap();
    assert_eq!(
        reread.check("127.0.0.1", 2200, &key(ED_A)),
        HostKeyStatus::Known { line: 1 }
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, format!("[127.0.0.1]:2200 ssh-ed25519 {ED_A}\n"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn hashed_entries_match_the_host_name_lowercased() {
    // OpenSSH lowercases the name before hashing it, so a mixed-case name typed by the
    // person must be lowercased before the comparison, or a changed key looks unknown.
    let salt = b"0123456789abcdefghij";
    let mut mac = Hmac::<Sha1>::new_from_slice(salt).unwrap();
    mac.update(b"example.com");
    let hash = mac.finalize().into_bytes();
    let kh = hosts(&format!(
        "|1|{}|{} ssh-ed25519 {ED_A}\n",
        BASE64.encode(salt),
        BASE64.encode(&hash)
    ));
    assert_eq!(
        kh.check("Example.COM", 22, &key(ED_A)),
        HostKeyStatus::Known { line: 1 }
    );
    assert!(matches!(
        kh.check("Example.com", 22, &key(ED_B)),
        HostKeyStatus::Changed { line: 1, .. }
    ));
}

#[test]
fn appended_names_are_lowercase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("known_hosts");
    let mut kh = KnownHosts::load(&path).unwrap();
    kh.append("Example.COM", 22, &key(ED_A)).unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("example.com ssh-ed25519 ")
    );
}

#[test]
fn a_key_type_field_that_disagrees_with_its_key_is_ignored_and_reported() {
    let kh = hosts(&format!("h ssh-rsa {ED_A}\nh ssh-ed25519 {ED_B}\n"));
    assert!(matches!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Changed { line: 2, .. }
    ));
    assert_eq!(kh.problems().len(), 1, "{:?}", kh.problems());
    assert!(
        kh.problems()[0]
            .starts_with("/test/known_hosts:1: key type field `ssh-rsa` does not match"),
        "{:?}",
        kh.problems()
    );
}

#[test]
fn the_system_file_is_read_after_the_users_and_named_in_results() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("known_hosts");
    let system = dir.path().join("ssh_known_hosts");
    std::fs::write(&user, format!("other ssh-ed25519 {ED_A}\n")).unwrap();
    std::fs::write(&system, format!("# system\nh ssh-ed25519 {ED_A}\n")).unwrap();
    let kh = KnownHosts::load_with_system(&user, Some(&system)).unwrap();
    assert_eq!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Known { line: 2 }
    );
    assert_eq!(
        kh.check("h", 22, &key(ED_B)),
        HostKeyStatus::Changed {
            path: system.clone(),
            line: 2,
            recorded_fingerprint: fingerprint(&key(ED_A)),
        }
    );
    // A missing system file is an empty one.
    let kh = KnownHosts::load_with_system(&user, Some(&dir.path().join("missing"))).unwrap();
    assert!(matches!(
        kh.check("h", 22, &key(ED_A)),
        HostKeyStatus::Unknown { .. }
    ));
}

#[test]
fn authority_lines_are_not_host_keys_and_recorded_algorithms_are_listed() {
    let kh = hosts(&format!(
        "@cert-authority *.corp ssh-ed25519 {ED_A}\ndb.corp ssh-ed25519 {ED_B}\n"
    ));
    assert!(matches!(
        kh.check("db.corp", 22, &key(ED_A)),
        HostKeyStatus::Changed { line: 2, .. }
    ));
    assert_eq!(kh.authorities_for("DB.corp", 22).len(), 1);
    assert!(kh.authorities_for("db.other", 22).is_empty());
    assert_eq!(
        kh.recorded_algorithms("db.corp", 22),
        vec![Algorithm::Ed25519]
    );
    assert!(kh.recorded_algorithms("web.corp", 22).is_empty());
}
