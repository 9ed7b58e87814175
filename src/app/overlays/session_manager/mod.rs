//! The session manager's state and keys: saved sessions as a folder tree, filtered as you type,
//! with the actions that open, create, edit, duplicate, delete a session or flip its anti-idle
//! switch. Drawing it is `ui::session_manager`'s job.
//!
//! It holds only its own state. The profiles are passed in on every call, so the model's one
//! list stays the only copy and a reload can never leave a stale one here.

mod tree;

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::text_input::types_text;
use crate::profiles::StoredProfile;
use crate::profiles::ssh_config::is_ssh_config_id;
pub use tree::Row;
use tree::{FolderNode, matches_filter, normalized_folder, parent_folder};

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
    /// Returned after the user confirmed with `y`; for a read-only `~/.ssh/config` host at once,
    /// without asking, for the app to refuse.
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

/// Rows PgUp/PgDn move by until the app reports the real list height.
const DEFAULT_PAGE_ROWS: usize = 10;

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
        match selected_session {
            Some(id) if is_ssh_config_id(&id) => ManagerOutcome::Delete(id),
            selected => {
                self.pending_delete = selected;
                ManagerOutcome::None
            }
        }
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

    pub fn selected_index(&self, rows: &[Row<'_>]) -> Option<usize> {
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
}

#[cfg(test)]
pub(crate) mod tests;
