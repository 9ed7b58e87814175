//! The bottom row: what the active tab is connected to and how that connection is doing.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::broadcast_status::BroadcastStatus;
use super::painted::Kept;
use super::words;
use crate::app::{ConnectionInfo, Model, Notice, TabState};
use crate::input::keymap::KeyChord;

pub struct StatusBar<'a> {
    pub model: &'a Model,
}

/// "3 sessions", or "3/3, server limit" once the server has refused one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SessionCount {
    sessions: u32,
    server_limit: Option<u32>,
}

impl SessionCount {
    pub fn of(info: &ConnectionInfo) -> Self {
        Self {
            sessions: info.sessions,
            server_limit: info.server_limit,
        }
    }
}

impl fmt::Display for SessionCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.server_limit {
            Some(limit) => write!(f, "{}/{limit}, server limit", self.sessions),
            None if self.sessions == 1 => f.write_str("1 session"),
            None => write!(f, "{} sessions", self.sessions),
        }
    }
}

/// "anti-idle on, idle 12s, rtt 3ms", with misses once a keepalive went unanswered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AntiIdleStatus {
    enabled: bool,
    idle_secs: Option<u64>,
    rtt: Option<Duration>,
    /// Keepalives unanswered in a row, and the limit.
    misses: (u32, u32),
}

impl AntiIdleStatus {
    pub fn of(enabled: bool, info: Option<&ConnectionInfo>) -> Self {
        Self {
            enabled,
            // Read when drawing: it does not tick by itself, nothing redraws an idle screen.
            idle_secs: info
                .and_then(|info| info.activity.as_ref())
                .map(|activity| activity.last_traffic().elapsed().as_secs()),
            rtt: info.and_then(|info| info.rtt),
            misses: info.map_or((0, 0), |info| info.misses),
        }
    }

    fn missed(&self) -> bool {
        self.misses.0 > 0
    }
}

impl fmt::Display for AntiIdleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "anti-idle {}", if self.enabled { "on" } else { "off" })?;
        if let Some(idle) = self.idle_secs {
            write!(f, ", idle {idle}s")?;
        }
        if let Some(rtt) = self.rtt {
            write!(f, ", rtt {}ms", rtt.as_millis())?;
        }
        let (misses, max) = self.misses;
        if misses > 0 {
            write!(f, ", missed {misses}/{max}")?;
        }
        Ok(())
    }
}

/// Everything the status bar shows, borrowed from the model: equal contents draw equal rows.
/// Every frame builds one to compare with the last, so building it only looks; the text and
/// styles are made when it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusBarContent<'a> {
    tab: Option<TabStatus<'a>>,
    /// While the active tab is a broadcast member: where typing goes.
    broadcast: Option<BroadcastStatus>,
    /// At the right end, instead of how to get help.
    notice: Option<Cow<'a, Notice>>,
    prefix: KeyChord,
    /// The URI of the link under the mouse or copy mode's cursor, instead of the details.
    link: Option<Cow<'a, str>>,
}

#[derive(Clone, Debug, PartialEq)]
struct TabStatus<'a> {
    name: Cow<'a, str>,
    /// `user@host:port`, empty until known.
    target: Cow<'a, str>,
    state: Cow<'a, TabState>,
    /// While reconnecting: the attempt and the countdown.
    progress: Option<String>,
    sessions: Option<SessionCount>,
    anti_idle: AntiIdleStatus,
    log: Option<Cow<'a, crate::app::TabLog>>,
}

impl<'a> StatusBar<'a> {
    pub fn content(&self) -> StatusBarContent<'a> {
        let model = self.model;
        let tab = model.active_tab().map(|tab| {
            let info = tab.connection.and_then(|c| model.connections.get(&c));
            TabStatus {
                name: Cow::Borrowed(model.profile_name(tab)),
                target: Cow::Borrowed(&tab.target),
                state: Cow::Borrowed(&tab.state),
                progress: info
                    .and_then(|info| info.reconnect())
                    .map(|reconnect| words::reconnect_progress(reconnect, Instant::now())),
                sessions: info.filter(|info| info.is_up()).map(SessionCount::of),
                anti_idle: AntiIdleStatus::of(
                    model
                        .profile_of(tab)
                        .is_some_and(|p| p.profile.anti_idle.enabled),
                    info,
                ),
                log: tab.log.as_ref().map(Cow::Borrowed),
            }
        });
        let broadcast =
            crate::app::broadcast::active_is_member(model).then(|| BroadcastStatus::of(model));
        StatusBarContent {
            tab,
            broadcast,
            notice: model.notice.as_ref().map(Cow::Borrowed),
            prefix: model.keymap.prefix,
            link: crate::app::link_shown(model).map(Cow::Borrowed),
        }
    }
}

impl Kept for StatusBarContent<'_> {
    type Owned = StatusBarContent<'static>;

    fn keep(self) -> Self::Owned {
        StatusBarContent {
            tab: self.tab.map(|tab| TabStatus {
                name: Cow::Owned(tab.name.into_owned()),
                target: Cow::Owned(tab.target.into_owned()),
                state: Cow::Owned(tab.state.into_owned()),
                progress: tab.progress,
                sessions: tab.sessions,
                anti_idle: tab.anti_idle,
                log: tab.log.map(|log| Cow::Owned(log.into_owned())),
            }),
            broadcast: self.broadcast,
            notice: self.notice.map(|notice| Cow::Owned(notice.into_owned())),
            prefix: self.prefix,
            link: self.link.map(|link| Cow::Owned(link.into_owned())),
        }
    }

    fn same_as(&self, kept: &Self::Owned) -> bool {
        let kept: &Self = kept;
        self == kept
    }
}

impl TabStatus<'_> {
    /// The details that fit in `width` columns. The name, the state (with a reconnect's
    /// countdown) and a log's failure always show; the rest each show whole if they fit, in
    /// the order they stand: `user@host:port`, the session count, anti-idle, the log's state.
    fn details(&self, width: u16) -> Line<'static> {
        let all = self.segments();
        let fits = |kept: &[Option<Optional>]| {
            let shown = all.iter().filter(|(kind, _)| kept.contains(kind));
            let (count, spans) = shown.fold((0, 0), |(count, spans), (_, span)| {
                (count + 1, spans + span.width())
            });
            1 + spans + 3 * (count - 1) <= usize::from(width)
        };
        let mut kept = vec![None];
        for optional in [
            Optional::Target,
            Optional::Sessions,
            Optional::AntiIdle,
            Optional::Log,
        ] {
            kept.push(Some(optional));
            if !fits(&kept) {
                kept.pop();
            }
        }
        let segments = all.into_iter().filter(|(kind, _)| kept.contains(kind));
        let separator = || Span::raw(" │ ").light_blue().on_blue();
        let mut line = vec![Span::raw(" ").on_blue()];
        for (index, (_, span)) in segments.enumerate() {
            if index > 0 {
                line.push(separator());
            }
            line.push(span);
        }
        Line::from(line)
    }

    fn segments(&self) -> Vec<Segment> {
        let mut segments = vec![(
            None,
            Span::raw(self.name.to_string()).white().bold().on_blue(),
        )];
        if !self.target.is_empty() {
            segments.push((
                Some(Optional::Target),
                Span::raw(self.target.to_string()).white().on_blue(),
            ));
        }
        let state = Span::raw(match &self.progress {
            Some(progress) => format!("{} ({progress})", words::tab_state(&self.state)),
            None => words::tab_state(&self.state),
        });
        segments.push((
            None,
            match *self.state {
                TabState::Open => state.light_green().on_blue(),
                TabState::Connecting | TabState::Opening | TabState::Reconnecting => {
                    state.yellow().on_blue()
                }
                _ => state.light_red().on_blue(),
            },
        ));
        if let Some(sessions) = self.sessions {
            segments.push((
                Some(Optional::Sessions),
                Span::raw(sessions.to_string()).white().on_blue(),
            ));
        }
        let anti_idle = Span::raw(self.anti_idle.to_string());
        segments.push((
            Some(Optional::AntiIdle),
            if self.anti_idle.missed() {
                anti_idle.yellow().bold().on_blue()
            } else {
                anti_idle.white().on_blue()
            },
        ));
        if let Some(log) = &self.log {
            let text = Span::raw(words::tab_log(log));
            // A log that stopped writing is news the person must see: it stays, cut at the
            // row's end if it must be.
            segments.push(match log.error {
                Some(_) => (None, text.light_red().bold().on_blue()),
                None => (Some(Optional::Log), text.light_green().on_blue()),
            });
        }
        segments
    }
}

/// A part of the details a short row can do without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Optional {
    Target,
    Sessions,
    AntiIdle,
    Log,
}

/// One part of the details: `None` for those always shown.
type Segment = (Option<Optional>, Span<'static>);

impl Widget for &StatusBarContent<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, Style::new().on_blue());
        let hint = Line::from(match &self.notice {
            Some(notice) => Span::raw(format!("{} ", words::notice(notice)))
                .black()
                .on_yellow(),
            None => Span::raw(format!("{} ? help ", self.prefix))
                .light_blue()
                .on_blue(),
        });
        let hint_width = (hint.width() as u16).min(area.width);
        let mut details = area;
        if let Some(broadcast) = self.broadcast {
            let line = Line::from(format!(" {} ", words::broadcast(broadcast)))
                .black()
                .bold()
                .on_magenta();
            let width = (line.width() as u16).min(area.width);
            line.render(Rect::new(area.x, area.y, width, 1), buf);
            details.x += width;
            details.width -= width;
        }
        // Notices and the help hint win over the right end of the connection details, which
        // stop one cell short of them, so cut text never runs into them.
        details.width = details.width.saturating_sub(hint_width + 1);
        if let Some(link) = &self.link {
            Line::from(words::link_target(link))
                .white()
                .underlined()
                .on_blue()
                .render(details, buf);
        } else if let Some(tab) = &self.tab {
            tab.details(details.width).render(details, buf);
        }
        let x = area.right() - hint_width;
        hint.render(Rect::new(x, area.y, hint_width, 1), buf);
    }
}

#[cfg(test)]
mod tests {
    use ratatui::widgets::Widget;

    use super::*;
    use crate::app::tests::{connected, edit_web, key, model, prefix};
    use crate::app::{ConnectionId, Msg, NetEvent, update};
    use crossterm::event::KeyCode;

    fn status_line(model: &Model) -> String {
        status_line_of_width(model, 200)
    }

    fn status_line_of_width(model: &Model, width: u16) -> String {
        let area = Rect::new(0, 0, width, 1);
        let mut buffer = Buffer::empty(area);
        (&StatusBar { model }.content()).render(area, &mut buffer);
        (0..area.width).map(|x| buffer[(x, 0)].symbol()).collect()
    }

    #[test]
    fn an_edited_profile_shows_at_once_in_every_tab_on_it() {
        let mut model = model();
        connected(&mut model);
        update(&mut model, prefix());
        update(&mut model, key(KeyCode::Char('c')));
        edit_web(&mut model, |web| {
            web.name = "Web (prod)".to_owned();
            web.anti_idle.enabled = false;
        });
        for index in 0..model.tabs.len() {
            model.active = index;
            let status = status_line(&model);
            assert!(
                status.contains("Web (prod)") && status.contains("anti-idle off"),
                "{status}"
            );
        }
    }

    #[test]
    fn anti_idle_reports_show_round_trip_and_misses() {
        let mut model = model();
        connected(&mut model);
        for report in [
            crate::anti_idle::Report::Reply {
                rtt: Duration::from_millis(7),
            },
            crate::anti_idle::Report::Miss { misses: 2, max: 3 },
        ] {
            update(
                &mut model,
                Msg::Net(NetEvent::AntiIdle {
                    connection: ConnectionId(1),
                    report,
                }),
            );
        }
        let status = status_line(&model);
        assert!(
            status.contains("rtt 7ms") && status.contains("missed 2/3"),
            "{status}"
        );
    }

    #[test]
    fn a_short_row_keeps_the_name_the_state_and_the_countdown() {
        let mut model = model();
        let tab = connected(&mut model);
        model.tab_mut(tab).unwrap().target =
            "deploy-automation@build-host.example.internal:2222".into();
        let lost = Instant::now();
        crate::app::tests::net(
            &mut model,
            NetEvent::ConnectionLost {
                connection: ConnectionId(1),
                cause: crate::ssh::LossCause::Reset,
                at: lost,
            },
        );
        crate::app::tests::net(
            &mut model,
            NetEvent::ConnectFailed {
                connection: ConnectionId(1),
                error: "connection refused".into(),
                cancelled: false,
                permanent: false,
                at: Instant::now(),
            },
        );
        let status = status_line_of_width(&model, 80);
        assert!(
            status.contains("reconnecting (attempt 2 in ")
                && status.contains(" s)")
                && status.contains("? help"),
            "{status}"
        );
        assert!(
            !status.contains("build-host"),
            "the target gave way: {status}"
        );
        // With room, everything shows.
        let wide = status_line(&model);
        assert!(
            wide.contains("build-host") && wide.contains("anti-idle"),
            "{wide}"
        );
    }

    #[test]
    fn a_failed_log_shows_even_on_a_short_row() {
        let mut model = model();
        let tab = connected(&mut model);
        model.tab_mut(tab).unwrap().log = Some(crate::app::TabLog {
            raw: false,
            error: Some("/dev/full: No space left on device (os error 28)".to_owned()),
        });
        let status = status_line_of_width(&model, 80);
        assert!(
            status.contains("connected │ log failed: /dev/full: No space"),
            "{status}"
        );
    }

    #[test]
    fn the_uri_of_a_link_shows_under_the_mouse_and_copy_modes_cursor() {
        use crossterm::event::{MouseEvent, MouseEventKind};
        let mut model = model();
        let tab = connected(&mut model);
        crate::app::tests::output(
            &mut model,
            tab,
            b"see \x1b]8;;https://example.com/doc\x1b\\the docs\x1b]8;;\x1b\\ here\r\n$ ",
        );
        let hover = |model: &mut Model, column: u16, row: u16| {
            update(
                model,
                Msg::Mouse(MouseEvent {
                    kind: MouseEventKind::Moved,
                    column,
                    row,
                    modifiers: crossterm::event::KeyModifiers::NONE,
                }),
            );
            status_line(model)
        };
        // Host row 1 is the terminal's row 0, below the tab bar.
        let status = hover(&mut model, 5, 1);
        assert!(status.contains("link https://example.com/doc"), "{status}");
        assert!(!status.contains("anti-idle"), "{status}");
        let status = hover(&mut model, 1, 1);
        assert!(!status.contains("https://"), "{status}");
        assert!(status.contains("anti-idle"), "{status}");

        // Copy mode: the cursor starts where the terminal's is, then goes up onto the link.
        update(&mut model, prefix());
        update(&mut model, key(KeyCode::Char('[')));
        assert!(!status_line(&model).contains("https://"));
        for _ in 0..6 {
            update(&mut model, key(KeyCode::Char('l')));
        }
        update(&mut model, key(KeyCode::Char('k')));
        let status = status_line(&model);
        assert!(status.contains("link https://example.com/doc"), "{status}");
    }
}
