//! The whole screen drawn from a model built with `update`, snapshotted through TestBackend.

use bytes::Bytes;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use crate::app::{Effect, Model, Msg, NetEvent, PromptReply, update};
use crate::input::keymap::Keymap;
use crate::profiles::{Profile, StoredProfile};
use crate::ssh::Prompt;
use crate::ui::renderer::tests::RecordingBackend;
use crate::ui::{FrameMemory, Renderer};

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

const SCREEN: Rect = Rect::new(0, 0, 72, 12);

/// A screen that keeps its renderer and view cache from frame to frame, as the event loop does.
struct Screen {
    renderer: Renderer<RecordingBackend>,
    memory: FrameMemory,
}

impl Screen {
    fn new() -> Self {
        Self {
            renderer: Renderer::new(RecordingBackend::new(SCREEN.width, SCREEN.height), SCREEN),
            memory: FrameMemory::default(),
        }
    }

    /// Draws a frame of `model` and returns the positions of the cells it sent.
    fn draw(&mut self, model: &Model) -> Vec<(u16, u16)> {
        self.renderer.backend_mut().take_sent();
        let memory = &self.memory;
        self.renderer
            .draw(SCREEN, |canvas| super::view(model, memory, canvas))
            .unwrap();
        self.renderer.backend_mut().take_sent()
    }

    fn new_drawn(model: &Model) -> Self {
        let mut screen = Self::new();
        screen.draw(model);
        screen
    }

    fn contents(&self) -> &Buffer {
        self.renderer.backend().screen.buffer()
    }

    fn cursor(&self) -> Option<Position> {
        let screen = &self.renderer.backend().screen;
        screen.cursor_visible().then(|| screen.cursor_position())
    }
}

/// `model` drawn on a fresh screen.
pub(super) fn draw(model: &Model) -> String {
    let mut screen = Screen::new();
    screen.draw(model);
    screen.renderer.backend().screen.to_string()
}

fn output(model: &mut Model, bytes: &[u8]) {
    let tab = model.tabs[model.active].id;
    crate::app::tests::output(model, tab, bytes);
}

/// One connected tab whose shell has printed a little.
fn one_open_tab() -> Model {
    let mut model = Model::new(Keymap::default(), 72, 12);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("db"), stored("web")],
            failures: Vec::new(),
        },
    );
    update(&mut model, Msg::SshConfig(Box::default()));
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["web".to_owned()],
        },
    );
    let Some(Effect::Connect {
        tab, connection, ..
    }) = effects.into_iter().next()
    else {
        panic!()
    };
    update(
        &mut model,
        Msg::Net(NetEvent::Connected {
            details: Default::default(),
            at: std::time::Instant::now(),
            activity: Default::default(),
            connection,
            target: "deploy@web.example".into(),
        }),
    );
    update(
        &mut model,
        Msg::Net(NetEvent::ChannelOpened { tab, connection }),
    );
    crate::app::tests::output(&mut model, tab, b"$ uptime\r\n 10:00 up 3 days\r\n$ ");
    model
}

#[test]
fn tabs_terminal_and_status_bar() {
    let mut model = one_open_tab();
    let tab = model.tabs[0].id;
    crate::app::tests::output(&mut model, tab, b"\x1b]2;web: ~/app\x07");
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
            end: crate::ssh::ChannelEnd::Exited(130),
        }),
    );
    insta::assert_snapshot!(draw(&model));
}

#[test]
fn a_password_prompt_hides_what_is_typed() {
    let mut model = Model::new(Keymap::default(), 72, 12);
    update(
        &mut model,
        Msg::Profiles {
            profiles: vec![stored("db")],
            failures: Vec::new(),
        },
    );
    update(&mut model, Msg::SshConfig(Box::default()));
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["db".to_owned()],
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
    if let Some((tab, prompt)) = model.prompt_to_arm() {
        update(&mut model, Msg::PromptArmed { tab, prompt });
    }
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

#[test]
fn an_echo_repaints_the_bars_and_the_row_typed_on_and_sends_one_cell() {
    let mut model = one_open_tab();
    let mut screen = Screen::new();
    screen.draw(&model);

    output(&mut model, b"l");
    let sent = screen.draw(&model);

    // Tab bar on row 0, so the shell's third row is screen row 3.
    assert_eq!(sent, [(2, 3)]);
    assert_eq!(screen.cursor(), Some(Position::new(3, 3)));
    let mut fresh = Screen::new();
    fresh.draw(&model);
    assert_eq!(screen.contents(), fresh.contents());
}

#[test]
fn frames_that_keep_the_previous_one_show_what_a_fresh_screen_shows() {
    let mut model = one_open_tab();
    let mut screen = Screen::new();
    let steps: [&[u8]; 6] = [
        b"ls\r\n",
        b"\x1b[31mred\x1b[0m and \xe6\x97\xa5\xe6\x9c\xac\r\n$ ",
        b"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nscrolled\r\n$ ",
        b"\x1b[2J\x1b[Hcleared",
        b"\x1b[?1049h\x1b[Hfull screen\x1b[5;3Hhere",
        b"\x1b[?1049l\x08\x08\x1b[K",
    ];
    for bytes in steps {
        screen.draw(&model);
        output(&mut model, bytes);
        screen.draw(&model);

        let mut fresh = Screen::new();
        fresh.draw(&model);
        assert_eq!(screen.contents(), fresh.contents(), "after {bytes:?}");
        assert_eq!(screen.cursor(), fresh.cursor(), "after {bytes:?}");
    }
}

#[test]
fn closing_an_overlay_repaints_what_it_covered() {
    let mut model = one_open_tab();
    let mut screen = Screen::new();
    screen.draw(&model);
    model.overlay = Some(crate::app::Overlay::Help);
    screen.draw(&model);
    assert_ne!(
        screen.contents(),
        Screen::new_drawn(&one_open_tab()).contents()
    );

    model.overlay = None;
    screen.draw(&model);

    assert_eq!(screen.contents(), Screen::new_drawn(&model).contents());
}

#[test]
fn the_bars_follow_the_model_while_the_terminal_keeps_its_rows() {
    let mut model = one_open_tab();
    let mut screen = Screen::new();
    screen.draw(&model);

    output(&mut model, b"\x1b]2;renamed\x07");
    let sent = screen.draw(&model);
    assert!(
        sent.iter().all(|(_, y)| *y == 0),
        "only the tab bar changed"
    );
    model.notice = Some(crate::app::Notice::CloneCancelled);
    let sent = screen.draw(&model);
    assert!(
        sent.iter().all(|(_, y)| *y == 11),
        "only the status bar changed"
    );

    assert_eq!(screen.contents(), Screen::new_drawn(&model).contents());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever the remote prints, a screen drawing frame after frame shows what a fresh
    /// screen shows, cursor included.
    #[test]
    fn any_output_drawn_frame_by_frame_shows_what_a_fresh_screen_shows(
        chunks in prop::collection::vec(
            prop::collection::vec(crate::terminal::output_piece(), 1..4),
            1..16,
        ),
    ) {
        let mut model = one_open_tab();
        let tab = model.tabs[0].id;
        let mut screen = Screen::new_drawn(&model);
        for chunk in chunks {
            update(
                &mut model,
                Msg::Net(NetEvent::Output { tab, bytes: Bytes::from(chunk.concat()) }),
            );
            screen.draw(&model);
            let fresh = Screen::new_drawn(&model);
            prop_assert_eq!(screen.contents(), fresh.contents());
            prop_assert_eq!(screen.cursor(), fresh.cursor());
        }
    }
}
