//! Reading the saved profiles without opening the store: nothing is created, seeded or
//! tightened. For `tabsh doctor`, which must report a loose directory rather than fix it, and
//! for shell completion, which must not set up a config dir as a side effect of a Tab key.

use std::path::Path;

use super::error::StoreError;
use super::store::{Loaded, SESSIONS_DIR, load_dir};

/// The profiles in `<config_dir>/sessions/` and the files that failed to load, or `None` when
/// there is no such directory (yet).
pub fn scan_sessions(config_dir: &Path) -> Result<Option<Loaded>, StoreError> {
    let sessions = config_dir.join(SESSIONS_DIR);
    if !sessions.is_dir() {
        return Ok(None);
    }
    load_dir(&sessions).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_creates_nothing_and_reports_broken_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("tabsh");
        assert!(scan_sessions(&config).expect("no error").is_none());
        assert!(!config.exists(), "nothing was created");

        std::fs::create_dir_all(config.join("sessions")).expect("mkdir");
        std::fs::write(config.join("sessions/ok.toml"), "host = \"h\"\n").expect("write");
        std::fs::write(config.join("sessions/bad.toml"), "port = 0\n").expect("write");
        let (profiles, failures) = scan_sessions(&config).expect("scans").expect("exists");
        assert_eq!(profiles.len(), 1);
        assert!(!failures.is_empty());
        assert!(failures.iter().all(|f| f.to_string().contains("bad.toml")));
    }
}
