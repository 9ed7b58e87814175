//! The local login account that every test server authenticates.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub const TEST_USER_NAME: &str = "tabsh-test";
/// Set on every test run, so a changed or locked password from an earlier run is repaired.
pub const TEST_USER_PASSWORD: &str = "tabsh-test-password-1";

#[derive(Debug)]
pub struct TestUser {
    pub name: &'static str,
    pub password: &'static str,
    pub home: PathBuf,
    pub uid: u32,
    pub gid: u32,
}

/// The test account, created on first use (and only checked afterwards, so repeated runs and
/// parallel tests share it). Panics when not running as root, because creating accounts and
/// starting sshd need it; the suite never skips these tests silently.
pub fn test_user() -> &'static TestUser {
    static USER: OnceLock<TestUser> = OnceLock::new();
    USER.get_or_init(ensure_test_user)
}

pub fn require_root() {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    let euid = unsafe { libc::geteuid() };
    assert!(
        euid == 0,
        "the real-server integration tests need root (they create the local user \
         {TEST_USER_NAME} and run sshd/dropbear); run them as root the way the README's test \
         command does"
    );
}

fn ensure_test_user() -> TestUser {
    require_root();
    if passwd_entry().is_none() {
        let output = Command::new("useradd")
            .args(["-m", "-s", "/bin/sh", TEST_USER_NAME])
            .output()
            .expect("run useradd");
        // Exit code 9 means another process created the user meanwhile, which is fine.
        let created_elsewhere = output.status.code() == Some(9);
        assert!(
            output.status.success() || created_elsewhere,
            "useradd {TEST_USER_NAME} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    ensure_real_shell();
    set_password();
    let entry = passwd_entry().unwrap_or_else(|| panic!("{TEST_USER_NAME} missing after useradd"));
    let user = parse_passwd_entry(&entry);
    ensure_home(&user);
    user
}

fn passwd_entry() -> Option<String> {
    let output = Command::new("getent")
        .args(["passwd", TEST_USER_NAME])
        .output()
        .expect("run getent");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn parse_passwd_entry(entry: &str) -> TestUser {
    let fields: Vec<&str> = entry.split(':').collect();
    let field = |index: usize| {
        *fields
            .get(index)
            .unwrap_or_else(|| panic!("malformed passwd entry: {entry}"))
    };
    let number = |index: usize| {
        field(index)
            .parse::<u32>()
            .unwrap_or_else(|_| panic!("malformed passwd entry: {entry}"))
    };
    TestUser {
        name: TEST_USER_NAME,
        password: TEST_USER_PASSWORD,
        uid: number(2),
        gid: number(3),
        home: PathBuf::from(field(5)),
    }
}

/// Commands run through the login shell, so an account left with nologin (or anything but
/// /bin/sh) by someone else is switched back.
fn ensure_real_shell() {
    let entry = passwd_entry().unwrap_or_else(|| panic!("{TEST_USER_NAME} missing after useradd"));
    if entry.ends_with(":/bin/sh") {
        return;
    }
    let output = Command::new("usermod")
        .args(["-s", "/bin/sh", TEST_USER_NAME])
        .output()
        .expect("run usermod");
    assert!(
        output.status.success(),
        "usermod -s /bin/sh {TEST_USER_NAME} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn set_password() {
    let mut chpasswd = Command::new("chpasswd")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chpasswd");
    let mut stdin = chpasswd.stdin.take().expect("chpasswd stdin");
    writeln!(stdin, "{TEST_USER_NAME}:{TEST_USER_PASSWORD}").expect("write to chpasswd");
    drop(stdin);
    let output = chpasswd.wait_with_output().expect("wait for chpasswd");
    assert!(
        output.status.success(),
        "chpasswd for {TEST_USER_NAME} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A user created without `-m` or whose home was removed would make logins fail in confusing
/// ways (dropbear refuses, sshd starts in `/`), so the home is recreated when missing.
fn ensure_home(user: &TestUser) {
    use std::os::unix::fs::{PermissionsExt, chown};
    if user.home.is_dir() {
        return;
    }
    std::fs::create_dir_all(&user.home)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", user.home.display()));
    chown(&user.home, Some(user.uid), Some(user.gid))
        .unwrap_or_else(|error| panic!("cannot chown {}: {error}", user.home.display()));
    std::fs::set_permissions(&user.home, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|error| panic!("cannot chmod {}: {error}", user.home.display()));
}
