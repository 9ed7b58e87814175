//! Hosts of `~/.ssh/config` in the session manager: they open like profiles, a saved profile
//! of the same name wins, they cannot be changed, and duplicate saves an editable copy.

use std::path::PathBuf;

use super::*;
use crate::profiles::ssh_config::{ConfigHost, HostListing, Origin, SSH_CONFIG_FOLDER};

fn host(alias: &str) -> ConfigHost {
    ConfigHost {
        alias: alias.to_owned(),
        origin: Origin {
            file: PathBuf::from("/home/me/.ssh/config"),
            line: 1,
        },
        profile: Profile {
            name: alias.to_owned(),
            folder: SSH_CONFIG_FOLDER.to_owned(),
            host: format!("{alias}.ssh.example"),
            ..Profile::default()
        },
        unsupported: vec!["ForwardAgent".to_owned()],
        problems: Vec::new(),
    }
}

/// The model with saved `web` and `db` and the ssh_config hosts `gitlab` and `db` (the saved
/// `db` wins over the host), the session manager open on `selected`.
fn manager_on(selected: &str) -> Model {
    let mut model = model();
    update(
        &mut model,
        Msg::SshConfig(Box::new(HostListing {
            hosts: vec![host("gitlab"), host("db")],
            ..HostListing::default()
        })),
    );
    let mut manager = crate::app::session_manager::SessionManager::new();
    manager.select_session(selected);
    model.overlay = Some(Overlay::SessionManager(manager));
    model
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn enter_opens_a_host_like_a_profile() {
    let mut model = manager_on("ssh:gitlab");
    let effects = update(&mut model, key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::Connect { profile, .. }] => {
            assert_eq!(profile.id, "ssh:gitlab");
            assert_eq!(profile.profile.host, "gitlab.ssh.example");
        }
        other => panic!("expected Connect, got {other:?}"),
    }
    assert_eq!(model.tabs[0].profile_id, "ssh:gitlab");
    assert_eq!(model.tab_title(&model.tabs[0]), "gitlab");
}

#[test]
fn a_saved_profile_named_like_the_host_opens_instead() {
    let mut model = manager_on("ssh:db");
    let effects = update(&mut model, key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::Connect { profile, .. }] => assert_eq!(profile.id, "db"),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[test]
fn edit_delete_and_anti_idle_are_refused_with_a_notice_and_nothing_is_saved() {
    for (keys, what) in [
        (vec![ctrl('e')], HostChange::Edit),
        (vec![key(KeyCode::Delete)], HostChange::Delete),
        (vec![ctrl('x')], HostChange::Delete),
        (vec![ctrl('a')], HostChange::SwitchAntiIdle),
    ] {
        let mut model = manager_on("ssh:gitlab");
        let mut effects = Vec::new();
        for msg in keys {
            effects.extend(update(&mut model, msg));
        }
        assert!(effects.is_empty(), "{what:?}: {effects:?}");
        assert_eq!(
            model.notice,
            Some(Notice::ReadOnlySshHost {
                alias: "gitlab".to_owned(),
                change: what
            })
        );
        assert!(
            matches!(&model.overlay, Some(Overlay::SessionManager(m)) if m.pending_delete().is_none()),
            "the manager stays, asking nothing"
        );
    }
}

#[test]
fn duplicate_saves_the_host_as_an_editable_profile_of_the_same_name() {
    let mut model = manager_on("ssh:gitlab");
    let effects = update(&mut model, ctrl('d'));
    match effects.as_slice() {
        [Effect::SaveProfile { id: None, profile }] => {
            assert_eq!(profile.name, "gitlab");
            assert_eq!(profile.host, "gitlab.ssh.example");
            assert_eq!(profile.folder, "imported");
        }
        other => panic!("expected a new saved profile, got {other:?}"),
    }
}

#[test]
fn a_tab_keeps_its_host_when_the_host_leaves_the_config() {
    let mut model = manager_on("ssh:gitlab");
    update(&mut model, key(KeyCode::Enter));
    update(&mut model, Msg::SshConfig(Box::default()));
    let tab = &model.tabs[0];
    assert_eq!(
        model.profile_of(tab).map(|p| p.profile.host.as_str()),
        Some("gitlab.ssh.example")
    );
    assert!(model.profiles.listed().iter().all(|p| p.id != "ssh:gitlab"));
}

#[test]
fn anti_idle_in_a_tab_on_a_host_is_refused_not_saved_under_its_id() {
    let mut model = manager_on("ssh:gitlab");
    update(&mut model, key(KeyCode::Enter));
    update(&mut model, prefix());
    let effects = update(&mut model, key(KeyCode::Char('a')));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        model.notice,
        Some(Notice::ReadOnlySshHost {
            alias: "gitlab".to_owned(),
            change: HostChange::SwitchAntiIdle
        })
    );
}
