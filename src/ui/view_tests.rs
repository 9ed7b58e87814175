//! The whole screen drawn from a model built with `update`, snapshotted through TestBackend.

use bytes::Bytes;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::{ConnectionId, Effect, Model, Msg, NetEvent, PromptReply, update};
use crate::input::keymap::Keymap;
use crate::profiles::{Profile, StoredProfile};
use crate::ssh::Prompt;

fn stored(id: &str) -> StoredProfile {
    StoredProfile {
        id: id.to_owned(),
        path: format!("/s/{id}.toml").into(),
        profile: Profile {
            name: id.to_owned(),
            host: format!("{id}.example"),
            ..Profile::default()
        },
    }
}

fn draw(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(72, 12)).unwrap();
    let cache = crate::terminal::ViewCache::default();
    terminal
        .draw(|frame| super::view(model, &cache, frame))
        .unwrap();
    terminal.backend().to_string()
}

/// One connected tab whose shell has printed a little.
fn one_open_tab() -> Model {
    let mut model = Model::new(Keymap::default(), 72, 12);
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec![stored("web")],
        },
    );
    let Some(Effect::Connect { tab, .. }) = effects.into_iter().next() else {
        panic!()
    };
    let connection = ConnectionId(7);
    update(
        &mut model,
        Msg::Net(NetEvent::Connected {
            activity: Default::default(),
            tab,
            connection,
            target: "deploy@web.example".into(),
        }),
    );
    update(
        &mut model,
        Msg::Net(NetEvent::ChannelOpened { tab, connection }),
    );
    update(
        &mut model,
        Msg::Net(NetEvent::Output {
            tab,
            bytes: Bytes::from_static(b"$ uptime\r\n 10:00 up 3 days\r\n$ "),
        }),
    );
    model
}

#[test]
fn tabs_terminal_and_status_bar() {
    let mut model = one_open_tab();
    let tab = model.tabs[0].id;
    update(
        &mut model,
        Msg::Net(NetEvent::Output {
            tab,
            bytes: Bytes::from_static(b"\x1b]2;web: ~/app\x07"),
        }),
    );
    insta::assert_snapshot!(draw(&model));
}

#[test]
fn an_ended_tab_says_why_and_what_to_do() {
    let mut model = one_open_tab();
    let tab = model.tabs[0].id;
    update(
        &mut model,
        Msg::Net(NetEvent::ChannelEnded {
            tab,
            reason: "exited with status 130".into(),
        }),
    );
    insta::assert_snapshot!(draw(&model));
}

#[test]
fn a_password_prompt_hides_what_is_typed() {
    let mut model = Model::new(Keymap::default(), 72, 12);
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec![stored("db")],
        },
    );
    let Some(Effect::Connect { tab, .. }) = effects.into_iter().next() else {
        panic!()
    };
    let (sender, _receiver) = tokio::sync::oneshot::channel();
    let prompt = Prompt::Password {
        user: "dba".into(),
        host_port: "db.example".into(),
        attempt: 2,
    };
    update(
        &mut model,
        Msg::Net(NetEvent::Prompt {
            tab,
            prompt,
            reply: PromptReply::new(sender),
        }),
    );
    for c in "hunter2".chars() {
        update(
            &mut model,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    let screen = draw(&model);
    assert!(!screen.contains("hunter2"));
    insta::assert_snapshot!(screen);
}
