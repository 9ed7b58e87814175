//! Drawing the session manager (its state and keys are `app`'s): the filter line, the folder
//! tree with each session's address and anti-idle switch (or, for a `~/.ssh/config` host, that
//! it is read-only), load failures, the selected session's detail line and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::session_detail::detail_line;
use crate::app::ProfileList;
use crate::app::session_manager::{Row, SessionManager};
use crate::profiles::{LoadError, StoredProfile};

/// Load failures beyond this many are summarised so that they never push the list off screen.
const MAX_FAILURE_LINES: usize = 5;
const INDENT: usize = 2;
const SELECTION_MARKER_WIDTH: u16 = 2;
const KEYS_HELP: &str =
    "Enter open  ^N new  ^E edit  ^D duplicate  Del delete  ^A anti-idle  Esc close";

/// Draws the manager into `area`. Reads state only.
pub fn render(manager: &SessionManager, list: &ProfileList, area: Rect, buf: &mut Buffer) {
    let block = Block::bordered().title(" Sessions ");
    let inner = block.inner(area);
    block.render(area, buf);

    let profiles = list.listed();
    let mut failure_lines = failure_lines(list.failures());
    if let Some(error) = list.ssh_error() {
        failure_lines.push(Line::styled(
            format!("! ssh config not listed: {error}"),
            Style::new().fg(Color::Yellow),
        ));
    }
    let [
        filter_area,
        list_area,
        failures_area,
        detail_area,
        footer_area,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(u16::try_from(failure_lines.len()).unwrap_or(u16::MAX)),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let rows = manager.rows(profiles);
    render_filter(
        manager,
        rows.iter()
            .filter(|r| matches!(r, Row::Session { .. }))
            .count(),
        profiles.len(),
        filter_area,
        buf,
    );
    render_rows(manager, list, &rows, list_area, buf);
    for (line, row) in failure_lines.iter().zip(failures_area.rows()) {
        buf.set_line(row.x, row.y, line, row.width);
    }
    let selected = manager.selected_session_id(profiles);
    let detail = detail_line(list, selected.as_deref());
    buf.set_line(detail_area.x, detail_area.y, &detail, detail_area.width);
    render_footer(manager, profiles, footer_area, buf);
}

fn render_filter(
    manager: &SessionManager,
    shown: usize,
    total: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let line = if manager.filter().is_empty() {
        Line::from(vec![
            Span::raw("Filter: "),
            Span::styled("type to filter by name, host, user or folder", dim),
        ])
    } else {
        Line::from(vec![
            Span::raw("Filter: "),
            Span::styled(manager.filter(), Style::new().add_modifier(Modifier::BOLD)),
            Span::styled("▏", dim),
        ])
    };
    buf.set_line(area.x, area.y, &line, area.width);
    let count = if manager.filter().is_empty() {
        format!("{total} session{}", if total == 1 { "" } else { "s" })
    } else {
        format!("{shown} of {total}")
    };
    let count_width = u16::try_from(count.chars().count()).unwrap_or(u16::MAX);
    if count_width + 1 < area.width.saturating_sub(line_width(&line)) {
        buf.set_string(area.right() - count_width, area.y, &count, dim);
    }
}

fn render_rows(
    manager: &SessionManager,
    list: &ProfileList,
    rows: &[Row<'_>],
    area: Rect,
    buf: &mut Buffer,
) {
    if rows.is_empty() {
        let message = if !list.is_read() {
            "Reading saved sessions…".to_owned()
        } else if list.listed().is_empty() {
            "No saved sessions. Ctrl-n creates one.".to_owned()
        } else {
            format!(
                "Nothing matches \"{}\". Esc clears the filter.",
                manager.filter()
            )
        };
        let dim = Style::new().add_modifier(Modifier::DIM);
        buf.set_stringn(area.x, area.y, message, usize::from(area.width), dim);
        return;
    }

    let height = usize::from(area.height);
    let selected = manager.selected_index(rows).unwrap_or(0);
    // Scroll just enough to keep the selection on screen; no scroll state to keep in sync.
    let offset = (selected + 1).saturating_sub(height);
    let name_width = rows
        .iter()
        .map(|row| match row {
            Row::Session { stored, depth } => {
                depth * INDENT + 2 + stored.display_name().chars().count()
            }
            Row::Folder { .. } => 0,
        })
        .max()
        .unwrap_or(0)
        .clamp(16, usize::from(area.width) / 2);
    let address_width = 28;

    for ((index, row), row_area) in rows.iter().enumerate().skip(offset).zip(area.rows()) {
        // A marker as well as reverse video, so the selection shows without colours too.
        let content_area = Rect {
            x: row_area.x + SELECTION_MARKER_WIDTH,
            width: row_area.width.saturating_sub(SELECTION_MARKER_WIDTH),
            ..row_area
        };
        render_row(list, row, name_width, address_width, content_area, buf);
        if index == selected {
            buf.set_string(row_area.x, row_area.y, "›", Style::new());
            buf.set_style(row_area, Style::new().add_modifier(Modifier::REVERSED));
        }
    }
}

fn render_row(
    list: &ProfileList,
    row: &Row<'_>,
    name_width: usize,
    address_width: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = usize::from(area.width);
    match row {
        Row::Folder {
            name,
            depth,
            collapsed,
            sessions,
            ..
        } => {
            let marker = if *collapsed { "▸" } else { "▾" };
            let text = format!(
                "{}{marker} {name}/ ({sessions})",
                " ".repeat(depth * INDENT)
            );
            buf.set_stringn(
                area.x,
                area.y,
                text,
                width,
                Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            );
        }
        Row::Session { stored, depth } => {
            let profile = &stored.profile;
            let name = format!("{}  {}", " ".repeat(depth * INDENT), stored.display_name());
            buf.set_stringn(area.x, area.y, name, name_width.min(width), Style::new());
            let address = profile.shown_target();
            let address_x = name_width + 1;
            if address_x < width {
                buf.set_stringn(
                    area.x + to_u16(address_x),
                    area.y,
                    address,
                    address_width.min(width - address_x),
                    Style::new().fg(Color::Cyan),
                );
            }
            let (marker, style) = if list.shadowed_by(&stored.id).is_some() {
                ("saved profile wins", Style::new().fg(Color::Yellow))
            } else if list.is_read_only(&stored.id) {
                ("read-only", Style::new().add_modifier(Modifier::DIM))
            } else if profile.anti_idle.enabled {
                ("anti-idle on", Style::new().fg(Color::Green))
            } else {
                ("anti-idle off", Style::new().add_modifier(Modifier::DIM))
            };
            let marker_x = address_x + address_width + 1;
            if marker_x < width {
                buf.set_stringn(
                    area.x + to_u16(marker_x),
                    area.y,
                    marker,
                    width - marker_x,
                    style,
                );
            }
        }
    }
}

fn render_footer(
    manager: &SessionManager,
    profiles: &[StoredProfile],
    area: Rect,
    buf: &mut Buffer,
) {
    match manager.pending_delete() {
        Some(id) => {
            let name = profiles
                .iter()
                .find(|p| p.id == id)
                .map_or(id, StoredProfile::display_name);
            buf.set_stringn(
                area.x,
                area.y,
                format!("Delete {name}? y/n"),
                usize::from(area.width),
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            );
        }
        None => {
            buf.set_stringn(
                area.x,
                area.y,
                KEYS_HELP,
                usize::from(area.width),
                Style::new().add_modifier(Modifier::DIM),
            );
        }
    }
}

fn failure_lines(failures: &[LoadError]) -> Vec<Line<'static>> {
    let warning = Style::new().fg(Color::Yellow);
    let shown = if failures.len() > MAX_FAILURE_LINES {
        MAX_FAILURE_LINES - 1
    } else {
        failures.len()
    };
    let mut lines: Vec<Line<'static>> = failures[..shown]
        .iter()
        .map(|failure| {
            // TOML messages can span lines; the list has one line per failure.
            let text = failure
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Line::styled(format!("! {text}"), warning)
        })
        .collect();
    if shown < failures.len() {
        lines.push(Line::styled(
            format!(
                "! … and {} more files failed to load (run `tabsh list` to see all)",
                failures.len() - shown
            ),
            warning,
        ));
    }
    lines
}

fn line_width(line: &Line<'_>) -> u16 {
    to_u16(line.width())
}

fn to_u16(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crossterm::event::KeyCode;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::session_manager::tests::{key, sample, type_text};
    use crate::profiles::ssh_config::{ConfigHost, HostListing, Origin, SSH_CONFIG_FOLDER};
    use crate::profiles::{FileLocation, Profile};

    fn list_of(profiles: Vec<StoredProfile>, failures: Vec<LoadError>) -> ProfileList {
        let mut list = ProfileList::default();
        list.replace(profiles, failures, |_| false);
        list
    }

    fn render(manager: &SessionManager, list: &ProfileList) -> Terminal<TestBackend> {
        render_sized(manager, list, 80)
    }

    fn render_sized(
        manager: &SessionManager,
        list: &ProfileList,
        width: u16,
    ) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, 24)).expect("test backend");
        terminal
            .draw(|frame| super::render(manager, list, frame.area(), frame.buffer_mut()))
            .expect("draw");
        terminal
    }

    #[test]
    fn the_list_scrolls_to_keep_the_selection_visible() {
        let profiles = sample();
        let list = list_of(profiles.clone(), Vec::new());
        let mut manager = SessionManager::new();
        manager.handle_key(key(KeyCode::End), &profiles);
        let mut terminal = Terminal::new(TestBackend::new(60, 9)).expect("test backend");
        terminal
            .draw(|frame| super::render(&manager, &list, frame.area(), frame.buffer_mut()))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let line = |y: u16| -> String {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        };
        // Border, filter, four list rows, detail, footer, border: the last list row is y = 5.
        assert!(line(5).starts_with("│›   jump"), "{:?}", line(5));
        assert!(line(2).contains("Web 1"), "{:?}", line(2));
    }

    #[test]
    fn snapshot_three_folders_with_a_filter() {
        let profiles = sample();
        let list = list_of(profiles.clone(), Vec::new());
        let mut manager = SessionManager::new();
        type_text(&mut manager, &profiles, "e");
        insta::assert_snapshot!(render(&manager, &list).backend());
    }

    #[test]
    fn snapshot_load_failure_and_delete_prompt() {
        let profiles = sample();
        let mut manager = SessionManager::new();
        manager.select_session("nas");
        manager.handle_key(key(KeyCode::Delete), &profiles);
        let failures = vec![LoadError::BadValue {
            at: FileLocation {
                path: Path::new("/cfg/sessions/web.toml").to_owned(),
                line: Some(3),
                column: Some(17),
            },
            field: "anti_idle.noop.interval_secs".to_owned(),
            message: "invalid type: string \"x\", expected u64".to_owned(),
        }];
        let list = list_of(profiles, failures);
        insta::assert_snapshot!(render(&manager, &list).backend());
    }

    fn host(alias: &str, line: usize, unsupported: &[&str]) -> ConfigHost {
        ConfigHost {
            alias: alias.to_owned(),
            origin: Origin {
                file: PathBuf::from("/home/me/.ssh/config"),
                line,
            },
            profile: Profile {
                name: alias.to_owned(),
                folder: SSH_CONFIG_FOLDER.to_owned(),
                host: format!("{alias}.example.org"),
                user: Some("deploy".to_owned()),
                ..Profile::default()
            },
            unsupported: unsupported.iter().map(|s| (*s).to_owned()).collect(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn snapshot_ssh_config_hosts_read_only_unsupported_options_and_a_winning_saved_profile() {
        let mut saved = sample();
        saved[0].profile.name = "bastion".to_owned();
        let mut list = list_of(saved, Vec::new());
        list.replace_ssh_config(
            HostListing {
                path: PathBuf::from("/home/me/.ssh/config"),
                hosts: vec![
                    host("gitlab", 4, &["ForwardAgent", "LocalForward"]),
                    host("bastion", 9, &[]),
                ],
                skipped: Vec::new(),
                error: None,
            },
            |_| false,
        );
        let mut manager = SessionManager::new();
        manager.select_session("ssh:gitlab");
        let terminal = render_sized(&manager, &list, 100);
        let screen = format!("{:?}", terminal.backend());
        assert!(screen.contains("ssh config/"), "{screen}");
        assert!(screen.contains("saved profile wins"), "{screen}");
        assert!(
            screen.contains("/home/me/.ssh/config:4"),
            "detail line names the file and line: {screen}"
        );
        assert!(
            screen.contains("not used: ForwardAgent, LocalForward"),
            "{screen}"
        );
        insta::assert_snapshot!(terminal.backend());

        manager.select_session("ssh:bastion");
        let terminal = render_sized(&manager, &list, 100);
        let screen = format!("{:?}", terminal.backend());
        assert!(
            screen.contains("has this name and opens instead"),
            "{screen}"
        );
    }
}
