use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn the_default_prefix_is_ctrl_backslash_however_crossterm_reports_it() {
    let keymap = Keymap::default();
    assert!(keymap.is_prefix(&key(KeyCode::Char('\\'), KeyModifiers::CONTROL)));
    assert!(keymap.is_prefix(&key(KeyCode::Char('4'), KeyModifiers::CONTROL)));
    assert!(!keymap.is_prefix(&key(KeyCode::Char('\\'), KeyModifiers::NONE)));
    assert_eq!(keymap.prefix.to_string(), "Ctrl-\\");
}

#[test]
fn default_bindings() {
    let keymap = Keymap::default();
    let plain = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(keymap.action_for(&plain('c')), Some(Action::CloneSession));
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('C'), KeyModifiers::SHIFT)),
        Some(Action::DuplicateSession)
    );
    assert_eq!(keymap.action_for(&plain('3')), Some(Action::GotoTab(3)));
    assert_eq!(keymap.action_for(&plain('?')), Some(Action::Help));
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('4'), KeyModifiers::CONTROL)),
        Some(Action::SendPrefix)
    );
    assert_eq!(keymap.action_for(&plain('/')), Some(Action::Search));
    assert_eq!(keymap.action_for(&plain(']')), Some(Action::PasteCopy));
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('<'), KeyModifiers::SHIFT)),
        Some(Action::MoveTabLeft)
    );
    assert_eq!(keymap.action_for(&plain('>')), Some(Action::MoveTabRight));
    assert_eq!(keymap.action_for(&plain('z')), None);
}

#[test]
fn a_keys_file_rebinds_and_unbinds_and_names_its_mistakes() {
    let keymap = Keymap::parse(
        "prefix = \"ctrl-a\"\n[bindings]\n\"k\" = \"clone-session\"\n\"c\" = \"none\"\n\"f5\" = \"goto-tab-12\"\n",
    )
    .unwrap();
    assert!(keymap.is_prefix(&key(KeyCode::Char('a'), KeyModifiers::CONTROL)));
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('k'), KeyModifiers::NONE)),
        Some(Action::CloneSession)
    );
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        keymap.action_for(&key(KeyCode::F(5), KeyModifiers::NONE)),
        Some(Action::GotoTab(12))
    );

    let error = Keymap::parse("[bindings]\n\"k\" = \"clone\"\n").unwrap_err();
    assert!(
        error.contains("bindings.\"k\"") && error.contains("unknown action `clone`"),
        "{error}"
    );
    let error = Keymap::parse("prefix = \"hyper-q\"\n").unwrap_err();
    assert!(error.contains("prefix"), "{error}");
    assert!(
        Keymap::parse("prefx = \"ctrl-a\"\n")
            .unwrap_err()
            .contains("prefx")
    );
}

#[test]
fn help_lists_every_action_with_its_keys() {
    let lines = Keymap::default().help_lines();
    assert!(
        lines
            .iter()
            .any(|(keys, what)| keys == "c" && what.contains("clone"))
    );
    assert!(
        lines
            .iter()
            .any(|(keys, what)| keys.contains("Right") && what == "next tab")
    );
    assert!(
        lines
            .iter()
            .any(|(keys, what)| keys == "1 … 9" && what == "go to tab N")
    );
    assert!(lines.iter().any(|(keys, _)| keys == "[ / PgUp"));
}
