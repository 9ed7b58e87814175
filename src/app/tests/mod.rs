//! `update` driven with messages, checking the model and the effects it asks for. The helpers
//! here build models; each file tests one part of the app.

mod broadcast_input;
mod clone;
mod connections;
mod control;
mod find_and_copy;
mod focus;
mod prompts;
mod reconnect;
mod routing;
mod session_log;
mod ssh_hosts;
mod tabs;

pub use bytes::Bytes;
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use tokio::sync::oneshot;

pub use crate::app::*;
pub use crate::input::keymap::Keymap;
pub use crate::profiles::{Profile, StoredProfile};
pub use crate::ssh::{Answer, ChannelEnd, HostKeyDecision, LossCause, Prompt, Refusal};

pub(crate) fn stored(id: &str) -> StoredProfile {
    StoredProfile {
        id: id.to_owned(),
        path: format!("/sessions/{id}.toml").into(),
        profile: Profile {
            name: id.to_owned(),
            host: format!("{id}.example"),
            ..Profile::default()
        },
    }
}

/// A model whose store holds `web` and `db` and whose ssh_config lists nothing, both read.
pub(crate) fn model() -> Model {
    let mut model = Model::new(Keymap::default(), 100, 30);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("web"), stored("db")],
            failures: Vec::new(),
        },
    );
    update(&mut model, Msg::SshConfig(Box::default()));
    model
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn prefix() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('\\'), KeyModifiers::CONTROL))
}

pub(crate) fn net(model: &mut Model, event: NetEvent) -> Vec<Effect> {
    update(model, Msg::Net(event))
}

/// `tab`'s server printed `bytes`.
pub(crate) fn output(model: &mut Model, tab: TabId, bytes: &[u8]) -> Vec<Effect> {
    net(
        model,
        NetEvent::Output {
            tab,
            bytes: Bytes::copy_from_slice(bytes),
        },
    )
}

/// Opens the `web` profile and returns the new tab, which is connecting.
pub(crate) fn start_tab(model: &mut Model) -> TabId {
    let effects = update(
        model,
        Msg::Start {
            open: vec!["web".to_owned()],
        },
    );
    match effects.as_slice() {
        [Effect::Connect { tab, .. }] => *tab,
        other => panic!("expected Connect, got {other:?}"),
    }
}

/// Connection 1 logged in to `me@web.example` at `at`.
pub(crate) fn connection_up(model: &mut Model, at: std::time::Instant) -> Vec<Effect> {
    net(
        model,
        NetEvent::Connected {
            details: Default::default(),
            at,
            activity: Default::default(),
            connection: ConnectionId(1),
            target: "me@web.example".to_owned(),
        },
    )
}

/// A model with one open tab on connection 1; returns the tab id.
pub(crate) fn connected(model: &mut Model) -> TabId {
    let tab = start_tab(model);
    let effects = connection_up(model, std::time::Instant::now());
    match effects.as_slice() {
        [
            Effect::OpenChannel {
                connection, pty, ..
            },
        ] => {
            assert_eq!(*connection, ConnectionId(1));
            assert_eq!(
                (pty.cols, pty.rows),
                (100, 28),
                "screen less tab bar and status bar"
            );
        }
        other => panic!("expected OpenChannel, got {other:?}"),
    }
    net(
        model,
        NetEvent::ChannelOpened {
            tab,
            connection: ConnectionId(1),
        },
    );
    assert_eq!(model.tab_mut(tab).unwrap().state, TabState::Open);
    tab
}

/// Clones the active tab (`Ctrl-\ c`) and opens the clone's channel on connection 1.
pub(crate) fn open_clone(model: &mut Model) -> TabId {
    update(model, prefix());
    update(model, key(KeyCode::Char('c')));
    let clone = model.tabs[1].id;
    net(
        model,
        NetEvent::ChannelOpened {
            tab: clone,
            connection: ConnectionId(1),
        },
    );
    clone
}

/// The store's answer to an edit of the `web` profile: the model's one copy changes.
pub(crate) fn edit_web(model: &mut Model, edit: impl Fn(&mut Profile)) -> Vec<Effect> {
    let mut web = stored("web");
    edit(&mut web.profile);
    update(
        model,
        Msg::Profiles {
            profiles: vec![web, stored("db")],
            failures: Vec::new(),
        },
    )
}

/// The `web` profile with `[reconnect] enabled = false`: a lost connection ends its tabs.
pub(crate) fn without_reconnect(model: &mut Model) {
    edit_web(model, |web| web.reconnect.enabled = false);
}

pub(crate) fn with_spill_over(model: &mut Model, policy: crate::profiles::SpillOver) {
    edit_web(model, |web| web.clone.spill_over = policy);
}
