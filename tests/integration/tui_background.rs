//! Tabs that are not drawn: what their output changes in the tab bar shows without a key.

use std::time::Duration;

use crate::support::Tmux;
use crate::support::gate::Gate;

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

#[test]
fn a_background_tab_that_sets_its_title_is_redrawn_in_the_tab_bar_without_a_key() {
    let config = tempfile::tempdir().unwrap();
    // Anti-idle off: its packets and replies would redraw the screen now and then, and the
    // title must show without them.
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("quiet.toml"),
        "name = \"quiet\"\nhost = \"127.0.0.1\"\nbuiltin_demo = true\n[anti_idle]\nenabled = false\n",
    )
    .unwrap();
    let command = format!(
        "SHELL=/bin/sh {} --config-dir {} open quiet; sleep 60",
        env!("CARGO_BIN_EXE_tabsh"),
        config.path().display()
    );
    let tmux = Tmux::start(&command, 100, 30);
    tmux.wait_for("1 session", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);

    // Tab 1 sets its title once the gate opens, when it is no longer the one drawn.
    let gate = Gate::new();
    tmux.press(&[PREFIX, "p"]);
    tmux.type_text(&format!(
        "{}; printf '\\033]2;%s\\007' bg-title-$((6*7))",
        gate.shell_wait()
    ));
    tmux.press(&["Enter"]);
    tmux.press(&[PREFIX, "n"]);
    tmux.type_text("echo in-tab-$((1+1))");
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("in-tab-2", WAIT);
    let tab_bar = screen.lines().next().unwrap_or_default();
    assert!(
        !tab_bar.contains("bg-title-42"),
        "the title came before tab 2 was drawn; the test proves nothing:\n{screen}"
    );
    gate.open();

    // No key from here on: the title must reach the tab bar by itself.
    let screen = tmux.wait_for("bg-title-42", WAIT);
    let tab_bar = screen.lines().next().unwrap_or_default();
    assert!(tab_bar.contains("bg-title-42"), "{screen}");
    assert!(
        screen.contains("in-tab-2"),
        "tab 2 stays the one drawn:\n{screen}"
    );
}
