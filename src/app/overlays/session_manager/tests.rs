//! The session manager driven with keys.

use std::path::PathBuf;

use super::*;
use crate::profiles::Profile;

pub(crate) fn stored(
    id: &str,
    name: &str,
    folder: &str,
    host: &str,
    user: Option<&str>,
) -> StoredProfile {
    StoredProfile {
        id: id.to_owned(),
        path: PathBuf::from(format!("/cfg/sessions/{id}.toml")),
        profile: Profile {
            name: name.to_owned(),
            folder: folder.to_owned(),
            host: host.to_owned(),
            user: user.map(str::to_owned),
            ..Profile::default()
        },
    }
}

/// Three top-level folders (one nested), plus a session outside any folder.
pub(crate) fn sample() -> Vec<StoredProfile> {
    let mut profiles = vec![
        stored(
            "web1",
            "Web 1",
            "work/web",
            "web1.example.com",
            Some("deploy"),
        ),
        stored("db", "Prod DB", "work", "db.example.com", Some("ops")),
        stored("web2", "web 2", "work/web", "web2.example.com", None),
        stored("pi", "Raspberry Pi", "home", "pi.lan", Some("pi")),
        stored("nas", "NAS", "home", "nas.lan", Some("admin")),
        stored("lab", "Lab box", "Lab", "10.0.0.7", Some("root")),
        stored("jump", "", "", "jump.example.com", None),
    ];
    profiles[1].profile.port = 2222;
    profiles[3].profile.anti_idle.enabled = false;
    profiles
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(crate) fn type_text(manager: &mut SessionManager, profiles: &[StoredProfile], text: &str) {
    for c in text.chars() {
        assert_eq!(
            manager.handle_key(key(KeyCode::Char(c)), profiles),
            ManagerOutcome::None
        );
    }
}

/// Rows as `indent + label` strings, folders ending in `/`.
fn outline(manager: &SessionManager, profiles: &[StoredProfile]) -> Vec<String> {
    manager
        .rows(profiles)
        .iter()
        .map(|row| match row {
            Row::Folder {
                name,
                depth,
                collapsed,
                ..
            } => format!(
                "{}{name}/{}",
                "  ".repeat(*depth),
                if *collapsed { " (collapsed)" } else { "" }
            ),
            Row::Session { stored, depth } => {
                format!("{}{}", "  ".repeat(*depth), stored.display_name())
            }
        })
        .collect()
}

fn selected(manager: &SessionManager, profiles: &[StoredProfile]) -> Option<Selection> {
    manager.selection(profiles)
}

fn session(id: &str) -> Option<Selection> {
    Some(Selection::Session(id.to_owned()))
}

fn folder(path: &str) -> Option<Selection> {
    Some(Selection::Folder(path.to_owned()))
}

#[test]
fn folders_come_first_sorted_case_insensitively_then_sessions_by_name() {
    let profiles = sample();
    let manager = SessionManager::new();
    assert_eq!(
        outline(&manager, &profiles),
        [
            "home/",
            "  NAS",
            "  Raspberry Pi",
            "Lab/",
            "  Lab box",
            "work/",
            "  web/",
            "    Web 1",
            "    web 2",
            "  Prod DB",
            "jump",
        ]
    );
}

#[test]
fn filter_matches_name_host_user_and_folder_case_insensitively() {
    let profiles = sample();
    let mut manager = SessionManager::new();

    type_text(&mut manager, &profiles, "WEB");
    assert_eq!(
        outline(&manager, &profiles),
        ["work/", "  web/", "    Web 1", "    web 2"]
    );

    manager.handle_key(key(KeyCode::Esc), &profiles);
    type_text(&mut manager, &profiles, "ops");
    assert_eq!(outline(&manager, &profiles), ["work/", "  Prod DB"]);

    manager.handle_key(key(KeyCode::Esc), &profiles);
    type_text(&mut manager, &profiles, ".lan");
    assert_eq!(
        outline(&manager, &profiles),
        ["home/", "  NAS", "  Raspberry Pi"]
    );

    manager.handle_key(key(KeyCode::Esc), &profiles);
    type_text(&mut manager, &profiles, "home");
    assert_eq!(
        outline(&manager, &profiles),
        ["home/", "  NAS", "  Raspberry Pi"]
    );
}

#[test]
fn backspace_edits_the_filter_and_esc_clears_it_before_closing() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    type_text(&mut manager, &profiles, "nasx");
    assert!(manager.rows(&profiles).is_empty());

    manager.handle_key(key(KeyCode::Backspace), &profiles);
    assert_eq!(manager.filter(), "nas");
    assert_eq!(outline(&manager, &profiles), ["home/", "  NAS"]);

    assert_eq!(
        manager.handle_key(key(KeyCode::Esc), &profiles),
        ManagerOutcome::None
    );
    assert_eq!(manager.filter(), "");
    assert_eq!(
        manager.handle_key(key(KeyCode::Esc), &profiles),
        ManagerOutcome::Close
    );
}

#[test]
fn filtering_selects_the_first_match_so_enter_opens_it() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    type_text(&mut manager, &profiles, "raspberry");
    assert_eq!(
        manager.handle_key(key(KeyCode::Enter), &profiles),
        ManagerOutcome::Open("pi".to_owned())
    );
}

#[test]
fn a_visible_selection_survives_filtering() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.select_session("web2");
    type_text(&mut manager, &profiles, "web");
    assert_eq!(selected(&manager, &profiles), session("web2"));
}

#[test]
fn selection_moves_over_folders_and_sessions_and_stops_at_the_ends() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.set_page_rows(4);
    // Nothing selected yet: the first session is.
    assert_eq!(selected(&manager, &profiles), session("nas"));

    manager.handle_key(key(KeyCode::Up), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("home"));
    manager.handle_key(key(KeyCode::Up), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("home"));

    manager.handle_key(key(KeyCode::Down), &profiles);
    manager.handle_key(key(KeyCode::Down), &profiles);
    assert_eq!(selected(&manager, &profiles), session("pi"));

    manager.handle_key(key(KeyCode::PageDown), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("work/web"));
    manager.handle_key(key(KeyCode::PageUp), &profiles);
    assert_eq!(selected(&manager, &profiles), session("pi"));

    manager.handle_key(key(KeyCode::End), &profiles);
    assert_eq!(selected(&manager, &profiles), session("jump"));
    manager.handle_key(key(KeyCode::Down), &profiles);
    assert_eq!(selected(&manager, &profiles), session("jump"));
    manager.handle_key(key(KeyCode::PageDown), &profiles);
    assert_eq!(selected(&manager, &profiles), session("jump"));

    manager.handle_key(key(KeyCode::Home), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("home"));
}

#[test]
fn folders_collapse_and_expand_with_enter_left_and_right() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.handle_key(key(KeyCode::Home), &profiles);
    assert_eq!(
        manager.handle_key(key(KeyCode::Enter), &profiles),
        ManagerOutcome::None
    );
    assert_eq!(
        &outline(&manager, &profiles)[..2],
        ["home/ (collapsed)", "Lab/"]
    );
    manager.handle_key(key(KeyCode::Right), &profiles);
    assert_eq!(&outline(&manager, &profiles)[..2], ["home/", "  NAS"]);
    manager.handle_key(key(KeyCode::Left), &profiles);
    assert_eq!(
        &outline(&manager, &profiles)[..2],
        ["home/ (collapsed)", "Lab/"]
    );

    // Left on a session jumps to its folder; Left again collapses it.
    manager.select_session("web2");
    manager.handle_key(key(KeyCode::Left), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("work/web"));
    manager.handle_key(key(KeyCode::Left), &profiles);
    assert!(outline(&manager, &profiles).contains(&"  web/ (collapsed)".to_owned()));
    // On a collapsed folder Left goes to the parent folder.
    manager.handle_key(key(KeyCode::Left), &profiles);
    assert_eq!(selected(&manager, &profiles), folder("work"));
}

#[test]
fn a_filter_shows_matches_inside_collapsed_folders() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.handle_key(key(KeyCode::Home), &profiles);
    manager.handle_key(key(KeyCode::Enter), &profiles);
    type_text(&mut manager, &profiles, "nas");
    assert_eq!(outline(&manager, &profiles), ["home/", "  NAS"]);
    manager.handle_key(key(KeyCode::Esc), &profiles);
    assert_eq!(outline(&manager, &profiles)[0], "home/ (collapsed)");
}

#[test]
fn each_action_returns_its_outcome_for_the_selected_session() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.select_session("db");
    let id = || "db".to_owned();
    let cases = [
        (key(KeyCode::Enter), ManagerOutcome::Open(id())),
        (ctrl('n'), ManagerOutcome::New),
        (key(KeyCode::Insert), ManagerOutcome::New),
        (ctrl('e'), ManagerOutcome::Edit(id())),
        (key(KeyCode::F(2)), ManagerOutcome::Edit(id())),
        (ctrl('d'), ManagerOutcome::Duplicate(id())),
        (ctrl('a'), ManagerOutcome::ToggleAntiIdle(id())),
    ];
    for (pressed, expected) in cases {
        assert_eq!(
            manager.handle_key(pressed, &profiles),
            expected,
            "{pressed:?}"
        );
    }
    // Control keys never reach the filter.
    assert_eq!(manager.filter(), "");
}

#[test]
fn session_actions_do_nothing_on_a_folder_but_new_still_works() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.handle_key(key(KeyCode::Home), &profiles);
    for pressed in [
        ctrl('e'),
        ctrl('d'),
        ctrl('a'),
        ctrl('x'),
        key(KeyCode::Delete),
    ] {
        assert_eq!(manager.handle_key(pressed, &profiles), ManagerOutcome::None);
        assert_eq!(manager.pending_delete(), None);
    }
    assert_eq!(
        manager.handle_key(ctrl('n'), &profiles),
        ManagerOutcome::New
    );
}

#[test]
fn delete_asks_first_and_only_y_confirms() {
    let profiles = sample();
    let mut manager = SessionManager::new();
    manager.select_session("lab");

    assert_eq!(
        manager.handle_key(key(KeyCode::Delete), &profiles),
        ManagerOutcome::None
    );
    assert_eq!(manager.pending_delete(), Some("lab"));
    assert_eq!(
        manager.handle_key(key(KeyCode::Char('n')), &profiles),
        ManagerOutcome::None
    );
    assert_eq!(manager.pending_delete(), None);
    // The answer is not typed into the filter.
    assert_eq!(manager.filter(), "");

    manager.handle_key(ctrl('x'), &profiles);
    assert_eq!(
        manager.handle_key(key(KeyCode::Enter), &profiles),
        ManagerOutcome::None,
        "Enter must not confirm a delete"
    );

    manager.handle_key(ctrl('x'), &profiles);
    assert_eq!(
        manager.handle_key(key(KeyCode::Char('y')), &profiles),
        ManagerOutcome::Delete("lab".to_owned())
    );
    assert_eq!(manager.pending_delete(), None);
}

#[test]
fn an_empty_list_has_no_selection_and_ignores_session_actions() {
    let mut manager = SessionManager::new();
    assert_eq!(
        manager.handle_key(key(KeyCode::Enter), &[]),
        ManagerOutcome::None
    );
    assert_eq!(
        manager.handle_key(key(KeyCode::Down), &[]),
        ManagerOutcome::None
    );
    assert_eq!(manager.handle_key(ctrl('e'), &[]), ManagerOutcome::None);
    assert_eq!(manager.selection(&[]), None);
}
