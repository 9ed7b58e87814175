//! `update` driven with messages, checking the model and the effects it asks for. The helpers
//! here build models; each file tests one part of the app.

mod clone;
mod connections;
mod prompts;
mod tabs;

pub use bytes::Bytes;
pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use tokio::sync::oneshot;

pub use crate::app::*;
pub use crate::input::keymap::Keymap;
pub use crate::profiles::{Profile, StoredProfile};
pub use crate::ssh::{Answer, HostKeyDecision, Prompt};

pub(super) fn stored(id: &str) -> StoredProfile {
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

pub(super) fn model() -> Model {
    let mut model = Model::new(Keymap::default(), 100, 30);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("web"), stored("db")],
            failures: Vec::new(),
        },
    );
    model
}

pub(super) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn prefix() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('\\'), KeyModifiers::CONTROL))
}

pub(super) fn net(model: &mut Model, event: NetEvent) -> Vec<Effect> {
    update(model, Msg::Net(event))
}

/// Opens the `web` profile and returns the new tab, which is connecting.
pub(super) fn start_tab(model: &mut Model) -> TabId {
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

/// A model with one open tab on connection 1; returns the tab id.
pub(super) fn connected(model: &mut Model) -> TabId {
    let tab = start_tab(model);
    let effects = net(
        model,
        NetEvent::Connected {
            activity: Default::default(),
            connection: ConnectionId(1),
            target: "me@web.example".to_owned(),
        },
    );
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

/// The store's answer to an edit of the `web` profile: the model's one copy changes.
pub(super) fn edit_web(model: &mut Model, edit: impl Fn(&mut Profile)) -> Vec<Effect> {
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

pub(super) fn with_spill_over(model: &mut Model, policy: crate::profiles::SpillOver) {
    edit_web(model, |web| web.clone.spill_over = policy);
}

pub(super) fn status_line(model: &Model) -> String {
    use ratatui::widgets::Widget;
    let area = ratatui::layout::Rect::new(0, 0, 200, 1);
    let mut buffer = ratatui::buffer::Buffer::empty(area);
    (&crate::ui::status_bar::StatusBar { model }.content()).render(area, &mut buffer);
    (0..area.width)
        .map(|x| buffer[(x, 0)].symbol())
        .collect::<String>()
}
