//! The session manager: saved sessions as a folder tree, filtered as you type, with the actions
//! that open, create, edit, duplicate, delete a session or flip its anti-idle switch.
//!
//! The component holds only UI state. The profiles and load failures are passed in on every call,
//! so the store stays the single owner of the data and a reload can never leave a stale copy here.

use std::collections::{BTreeMap, BTreeSet};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::text_input::types_text;
use crate::profiles::{LoadError, StoredProfile};

/// What the app should do after a key. Ids are profile ids (file stems), never display names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagerOutcome {
    /// The key was handled (or ignored) inside the manager.
    None,
    /// Leave the session manager.
    Close,
    Open(String),
    New,
    Edit(String),
    Duplicate(String),
    /// Only returned after the user confirmed with `y`.
    Delete(String),
    ToggleAntiIdle(String),
}

/// A selected row, remembered by identity rather than position so that the selection survives
/// filtering, collapsing and reloads that reorder the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// A folder by its full `/`-separated path.
    Folder(String),
    /// A session by profile id.
    Session(String),
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    Folder {
        /// Full path, `a/b`.
        path: String,
        /// Last path segment, `b`.
        name: String,
        depth: usize,
        collapsed: bool,
        /// Matching sessions anywhere below this folder.
        sessions: usize,
    },
    Session {
        stored: &'a StoredProfile,
        depth: usize,
    },
}

impl Row<'_> {
    fn selection(&self) -> Selection {
        match self {
            Row::Folder { path, .. } => Selection::Folder(path.clone()),
            Row::Session { stored, .. } => Selection::Session(stored.id.clone()),
        }
    }
}

/// Rows PgUp/PgDn move by until the app reports the real list height.
const DEFAULT_PAGE_ROWS: usize = 10;
/// Load failures beyond this many are summarised so that they never push the list off screen.
const MAX_FAILURE_LINES: usize = 5;
const INDENT: usize = 2;
const SELECTION_MARKER_WIDTH: u16 = 2;
const KEYS_HELP: &str =
    "Enter open  ^N new  ^E edit  ^D duplicate  Del delete  ^A anti-idle  Esc close";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionManager {
    filter: String,
    selected: Option<Selection>,
    collapsed: BTreeSet<String>,
    /// Profile id waiting for a `y`.
    pending_delete: Option<String>,
    page_rows: usize,
}

impl Default for SessionManager {
    fn default() -> Self {
        Self::new()
    }
}

impl SessionManager {
    pub fn new() -> Self {
        Self {
            filter: String::new(),
            selected: None,
            collapsed: BTreeSet::new(),
            pending_delete: None,
            page_rows: DEFAULT_PAGE_ROWS,
        }
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// The profile id awaiting delete confirmation, if any.
    pub fn pending_delete(&self) -> Option<&str> {
        self.pending_delete.as_deref()
    }

    /// Tells the manager how many rows a page is, for PgUp/PgDn; the app calls it on resize.
    pub fn set_page_rows(&mut self, rows: usize) {
        self.page_rows = rows.max(1);
    }

    /// Selects a session, e.g. one the app just created or duplicated.
    pub fn select_session(&mut self, id: &str) {
        self.selected = Some(Selection::Session(id.to_owned()));
    }

    /// The selection as it resolves against `profiles`: the remembered row when it is visible,
    /// else the first visible session, else the first row.
    pub fn selection(&self, profiles: &[StoredProfile]) -> Option<Selection> {
        let rows = self.rows(profiles);
        self.selected_index(&rows)
            .map(|index| rows[index].selection())
    }

    /// The profile id of the selected row when it is a session.
    pub fn selected_session_id(&self, profiles: &[StoredProfile]) -> Option<String> {
        match self.selection(profiles) {
            Some(Selection::Session(id)) => Some(id),
            _ => None,
        }
    }

    /// The visible rows: folders first (case-insensitive order), then sessions by display name.
    /// While a filter is typed every folder shows expanded, so no match hides in a collapsed one.
    pub fn rows<'a>(&self, profiles: &'a [StoredProfile]) -> Vec<Row<'a>> {
        let needle = self.filter.to_lowercase();
        let mut root = FolderNode::default();
        for stored in profiles.iter().filter(|p| matches_filter(p, &needle)) {
            root.insert(stored);
        }
        let mut rows = Vec::new();
        let ignore_collapsed = !self.filter.is_empty();
        root.flatten("", 0, &self.collapsed, ignore_collapsed, &mut rows);
        rows
    }

    pub fn handle_key(&mut self, key: KeyEvent, profiles: &[StoredProfile]) -> ManagerOutcome {
        if key.kind == KeyEventKind::Release {
            return ManagerOutcome::None;
        }
        if let Some(id) = self.pending_delete.take() {
            // Any key but `y` cancels: a stray keystroke must never delete a session.
            let confirmed = matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y'))
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            return if confirmed {
                ManagerOutcome::Delete(id)
            } else {
                ManagerOutcome::None
            };
        }

        let rows = self.rows(profiles);
        let current = self.selected_index(&rows);
        let selected_session = current.and_then(|index| match &rows[index] {
            Row::Session { stored, .. } => Some(stored.id.clone()),
            Row::Folder { .. } => None,
        });
        let typing = types_text(key.modifiers);

        match key.code {
            KeyCode::Char(c) if !typing && key.modifiers.contains(KeyModifiers::CONTROL) => {
                match c.to_ascii_lowercase() {
                    'n' => ManagerOutcome::New,
                    'e' => selected_session.map_or(ManagerOutcome::None, ManagerOutcome::Edit),
                    'd' => selected_session.map_or(ManagerOutcome::None, ManagerOutcome::Duplicate),
                    'x' => self.ask_delete(selected_session),
                    'a' => selected_session
                        .map_or(ManagerOutcome::None, ManagerOutcome::ToggleAntiIdle),
                    _ => ManagerOutcome::None,
                }
            }
            KeyCode::Insert => ManagerOutcome::New,
            KeyCode::F(2) => selected_session.map_or(ManagerOutcome::None, ManagerOutcome::Edit),
            KeyCode::Delete => self.ask_delete(selected_session),
            KeyCode::Char(c) if typing => {
                self.filter.push(c);
                self.keep_selection_visible(profiles);
                ManagerOutcome::None
            }
            KeyCode::Backspace => {
                self.filter.pop();
                self.keep_selection_visible(profiles);
                ManagerOutcome::None
            }
            KeyCode::Esc => {
                if self.filter.is_empty() {
                    ManagerOutcome::Close
                } else {
                    self.filter.clear();
                    ManagerOutcome::None
                }
            }
            KeyCode::Enter => match current.map(|index| &rows[index]) {
                Some(Row::Session { stored, .. }) => ManagerOutcome::Open(stored.id.clone()),
                Some(Row::Folder { path, .. }) => {
                    let path = path.clone();
                    self.toggle_folder(&path);
                    ManagerOutcome::None
                }
                None => ManagerOutcome::None,
            },
            KeyCode::Left => {
                self.collapse_or_go_to_parent(current.map(|index| &rows[index]));
                ManagerOutcome::None
            }
            KeyCode::Right => {
                if let Some(Row::Folder {
                    path,
                    collapsed: true,
                    ..
                }) = current.map(|index| &rows[index])
                {
                    self.collapsed.remove(path);
                }
                ManagerOutcome::None
            }
            KeyCode::Up => self.move_to(&rows, current, |i, _| i.saturating_sub(1)),
            KeyCode::Down => self.move_to(&rows, current, |i, last| (i + 1).min(last)),
            KeyCode::PageUp => {
                let page = self.page_rows;
                self.move_to(&rows, current, |i, _| i.saturating_sub(page))
            }
            KeyCode::PageDown => {
                let page = self.page_rows;
                self.move_to(&rows, current, |i, last| (i + page).min(last))
            }
            KeyCode::Home => self.move_to(&rows, current, |_, _| 0),
            KeyCode::End => self.move_to(&rows, current, |_, last| last),
            _ => ManagerOutcome::None,
        }
    }

    fn ask_delete(&mut self, selected_session: Option<String>) -> ManagerOutcome {
        self.pending_delete = selected_session;
        ManagerOutcome::None
    }

    fn toggle_folder(&mut self, path: &str) {
        // Collapsing is meaningless while filtering (every folder shows expanded).
        if !self.filter.is_empty() {
            return;
        }
        if !self.collapsed.remove(path) {
            self.collapsed.insert(path.to_owned());
        }
    }

    fn collapse_or_go_to_parent(&mut self, row: Option<&Row<'_>>) {
        let parent = match row {
            Some(Row::Folder {
                path,
                collapsed: false,
                ..
            }) if self.filter.is_empty() => {
                self.collapsed.insert(path.clone());
                return;
            }
            Some(Row::Folder { path, .. }) => parent_folder(path),
            Some(Row::Session { stored, .. }) => {
                let folder = normalized_folder(&stored.profile.folder);
                (!folder.is_empty()).then_some(folder)
            }
            None => None,
        };
        if let Some(parent) = parent {
            self.selected = Some(Selection::Folder(parent));
        }
    }

    fn move_to(
        &mut self,
        rows: &[Row<'_>],
        current: Option<usize>,
        target: impl Fn(usize, usize) -> usize,
    ) -> ManagerOutcome {
        if let Some(current) = current {
            let index = target(current, rows.len() - 1);
            self.selected = Some(rows[index].selection());
        }
        ManagerOutcome::None
    }

    /// After the filter changes, a selection that got filtered out is replaced by the first
    /// match, so Enter opens what the user sees highlighted.
    fn keep_selection_visible(&mut self, profiles: &[StoredProfile]) {
        let rows = self.rows(profiles);
        if let Some(index) = self.selected_index(&rows) {
            self.selected = Some(rows[index].selection());
        }
    }

    fn selected_index(&self, rows: &[Row<'_>]) -> Option<usize> {
        if rows.is_empty() {
            return None;
        }
        let remembered = self
            .selected
            .as_ref()
            .and_then(|selected| rows.iter().position(|row| &row.selection() == selected));
        let first_session = || {
            rows.iter()
                .position(|row| matches!(row, Row::Session { .. }))
        };
        Some(remembered.or_else(first_session).unwrap_or(0))
    }

    /// Draws the manager into `area`. Reads state only.
    pub fn render(
        &self,
        profiles: &[StoredProfile],
        failures: &[LoadError],
        area: Rect,
        buf: &mut Buffer,
    ) {
        let block = Block::bordered().title(" Sessions ");
        let inner = block.inner(area);
        block.render(area, buf);

        let failure_lines = failure_lines(failures);
        let [filter_area, list_area, failures_area, footer_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(u16::try_from(failure_lines.len()).unwrap_or(u16::MAX)),
            Constraint::Length(1),
        ])
        .areas(inner);

        let rows = self.rows(profiles);
        self.render_filter(
            rows.iter()
                .filter(|r| matches!(r, Row::Session { .. }))
                .count(),
            profiles.len(),
            filter_area,
            buf,
        );
        self.render_rows(&rows, profiles.is_empty(), list_area, buf);
        for (line, row) in failure_lines.iter().zip(failures_area.rows()) {
            buf.set_line(row.x, row.y, line, row.width);
        }
        self.render_footer(profiles, footer_area, buf);
    }

    fn render_filter(&self, shown: usize, total: usize, area: Rect, buf: &mut Buffer) {
        let dim = Style::new().add_modifier(Modifier::DIM);
        let line = if self.filter.is_empty() {
            Line::from(vec![
                Span::raw("Filter: "),
                Span::styled("type to filter by name, host, user or folder", dim),
            ])
        } else {
            Line::from(vec![
                Span::raw("Filter: "),
                Span::styled(
                    self.filter.as_str(),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled("▏", dim),
            ])
        };
        buf.set_line(area.x, area.y, &line, area.width);
        let count = if self.filter.is_empty() {
            format!("{total} session{}", if total == 1 { "" } else { "s" })
        } else {
            format!("{shown} of {total}")
        };
        let count_width = u16::try_from(count.chars().count()).unwrap_or(u16::MAX);
        if count_width + 1 < area.width.saturating_sub(line_width(&line)) {
            buf.set_string(area.right() - count_width, area.y, &count, dim);
        }
    }

    fn render_rows(&self, rows: &[Row<'_>], no_profiles: bool, area: Rect, buf: &mut Buffer) {
        if rows.is_empty() {
            let message = if no_profiles {
                "No saved sessions. Ctrl-n creates one.".to_owned()
            } else {
                format!(
                    "Nothing matches \"{}\". Esc clears the filter.",
                    self.filter
                )
            };
            let dim = Style::new().add_modifier(Modifier::DIM);
            buf.set_stringn(area.x, area.y, message, usize::from(area.width), dim);
            return;
        }

        let height = usize::from(area.height);
        let selected = self.selected_index(rows).unwrap_or(0);
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
            self.render_row(row, name_width, address_width, content_area, buf);
            if index == selected {
                buf.set_string(row_area.x, row_area.y, "›", Style::new());
                buf.set_style(row_area, Style::new().add_modifier(Modifier::REVERSED));
            }
        }
    }

    fn render_row(
        &self,
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
                let address = match &profile.user {
                    _ if profile.builtin_demo => "built-in demo server".to_owned(),
                    Some(user) => format!("{user}@{}:{}", profile.host, profile.port),
                    None => format!("{}:{}", profile.host, profile.port),
                };
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
                let (marker, style) = if profile.anti_idle.enabled {
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

    fn render_footer(&self, profiles: &[StoredProfile], area: Rect, buf: &mut Buffer) {
        match &self.pending_delete {
            Some(id) => {
                let name = profiles
                    .iter()
                    .find(|p| &p.id == id)
                    .map_or(id.as_str(), StoredProfile::display_name);
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
}

/// A folder while the tree is built; `BTreeMap` only for determinism, the display order is
/// decided in [`FolderNode::flatten`].
#[derive(Default)]
struct FolderNode<'a> {
    subfolders: BTreeMap<String, FolderNode<'a>>,
    sessions: Vec<&'a StoredProfile>,
}

impl<'a> FolderNode<'a> {
    fn insert(&mut self, stored: &'a StoredProfile) {
        let mut node = self;
        // Empty segments only occur in folders `validate` rejects; skipping them still shows the
        // session somewhere sensible instead of under a nameless folder.
        for segment in stored.profile.folder.split('/').filter(|s| !s.is_empty()) {
            node = node.subfolders.entry(segment.to_owned()).or_default();
        }
        node.sessions.push(stored);
    }

    fn session_count(&self) -> usize {
        self.sessions.len()
            + self
                .subfolders
                .values()
                .map(FolderNode::session_count)
                .sum::<usize>()
    }

    fn flatten(
        &self,
        path: &str,
        depth: usize,
        collapsed: &BTreeSet<String>,
        ignore_collapsed: bool,
        rows: &mut Vec<Row<'a>>,
    ) {
        let mut folders: Vec<(&String, &FolderNode<'a>)> = self.subfolders.iter().collect();
        folders.sort_by_cached_key(|(name, _)| (name.to_lowercase(), (*name).clone()));
        for (name, node) in folders {
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}/{name}")
            };
            let is_collapsed = !ignore_collapsed && collapsed.contains(&child_path);
            rows.push(Row::Folder {
                path: child_path.clone(),
                name: name.clone(),
                depth,
                collapsed: is_collapsed,
                sessions: node.session_count(),
            });
            if !is_collapsed {
                node.flatten(&child_path, depth + 1, collapsed, ignore_collapsed, rows);
            }
        }

        let mut sessions = self.sessions.clone();
        sessions
            .sort_by_cached_key(|stored| (stored.display_name().to_lowercase(), stored.id.clone()));
        rows.extend(
            sessions
                .into_iter()
                .map(|stored| Row::Session { stored, depth }),
        );
    }
}

/// `needle` is already lowercase; an empty one matches everything.
fn matches_filter(stored: &StoredProfile, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let profile = &stored.profile;
    [
        Some(stored.display_name()),
        Some(profile.host.as_str()),
        profile.user.as_deref(),
        Some(profile.folder.as_str()),
    ]
    .into_iter()
    .flatten()
    .any(|haystack| haystack.to_lowercase().contains(needle))
}

/// The folder path as the tree shows it (empty segments dropped).
fn normalized_folder(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

fn parent_folder(path: &str) -> Option<String> {
    path.rsplit_once('/').map(|(parent, _)| parent.to_owned())
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

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::profiles::{FileLocation, Profile};

    fn stored(id: &str, name: &str, folder: &str, host: &str, user: Option<&str>) -> StoredProfile {
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
    fn sample() -> Vec<StoredProfile> {
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

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_text(manager: &mut SessionManager, profiles: &[StoredProfile], text: &str) {
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

    fn render(
        manager: &SessionManager,
        profiles: &[StoredProfile],
        failures: &[LoadError],
    ) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
        terminal
            .draw(|frame| manager.render(profiles, failures, frame.area(), frame.buffer_mut()))
            .expect("draw");
        terminal
    }

    #[test]
    fn the_list_scrolls_to_keep_the_selection_visible() {
        let profiles = sample();
        let mut manager = SessionManager::new();
        manager.handle_key(key(KeyCode::End), &profiles);
        let mut terminal = Terminal::new(TestBackend::new(60, 8)).expect("test backend");
        terminal
            .draw(|frame| manager.render(&profiles, &[], frame.area(), frame.buffer_mut()))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let line = |y: u16| -> String {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        };
        // Border, filter, four list rows, footer, border: the last list row is y = 5.
        assert!(line(5).starts_with("│›   jump"), "{:?}", line(5));
        assert!(line(2).contains("Web 1"), "{:?}", line(2));
    }

    #[test]
    fn snapshot_three_folders_with_a_filter() {
        let profiles = sample();
        let mut manager = SessionManager::new();
        type_text(&mut manager, &profiles, "e");
        insta::assert_snapshot!(render(&manager, &profiles, &[]).backend());
    }

    #[test]
    fn snapshot_load_failure_and_delete_prompt() {
        let profiles = sample();
        let mut manager = SessionManager::new();
        manager.select_session("nas");
        manager.handle_key(key(KeyCode::Delete), &profiles);
        let failures = [LoadError::BadValue {
            at: FileLocation {
                path: Path::new("/cfg/sessions/web.toml").to_owned(),
                line: Some(3),
                column: Some(17),
            },
            field: "anti_idle.noop.interval_secs".to_owned(),
            message: "invalid type: string \"x\", expected u64".to_owned(),
        }];
        insta::assert_snapshot!(render(&manager, &profiles, &failures).backend());
    }
}
