//! The README's screenshot stays true: `scripts/screenshot.sh` runs the real binary in tmux
//! (no display) and renders what it shows to SVG.

use std::process::Command;

#[test]
fn the_screenshot_script_renders_three_tabs_the_session_manager_and_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("screenshot.svg");
    let out = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/screenshot.sh"
    ))
    .arg(&svg)
    .env("TABSH_BIN", env!("CARGO_BIN_EXE_tabsh"))
    .output()
    .expect("scripts/screenshot.sh runs");
    assert!(
        out.status.success(),
        "screenshot.sh failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let image = std::fs::read_to_string(&svg).expect("the SVG was written");
    assert!(image.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(image.trim_end().ends_with("</svg>"));
    for seen in [
        // The tab bar's three tabs (those printed in while in the background may carry their
        // activity mark).
        " 1 web-01",
        " 2 db-primary",
        " 3 build-box",
        // The session manager, with the ssh config's hosts.
        "┌ Sessions ",
        "▾ ssh config/ (2)",
        "not used: ForwardX11, ControlMaster",
        // The status bar.
        "connected",
        "1 session",
    ] {
        assert!(
            image.contains(seen),
            "{seen:?} is not in the image:\n{image}"
        );
    }
}
