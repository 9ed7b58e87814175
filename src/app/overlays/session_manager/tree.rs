//! The folder tree the session manager shows: rows built from the profiles that match the
//! filter, folders first.

use std::collections::{BTreeMap, BTreeSet};

use super::Selection;
use crate::profiles::StoredProfile;

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
    pub fn selection(&self) -> Selection {
        match self {
            Row::Folder { path, .. } => Selection::Folder(path.clone()),
            Row::Session { stored, .. } => Selection::Session(stored.id.clone()),
        }
    }
}

/// A folder while the tree is built; `BTreeMap` only for determinism, the display order is
/// decided in [`FolderNode::flatten`].
#[derive(Default)]
pub struct FolderNode<'a> {
    subfolders: BTreeMap<String, FolderNode<'a>>,
    sessions: Vec<&'a StoredProfile>,
}

impl<'a> FolderNode<'a> {
    pub fn insert(&mut self, stored: &'a StoredProfile) {
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

    pub fn flatten(
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
pub fn matches_filter(stored: &StoredProfile, needle: &str) -> bool {
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
pub fn normalized_folder(folder: &str) -> String {
    folder
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn parent_folder(path: &str) -> Option<String> {
    path.rsplit_once('/').map(|(parent, _)| parent.to_owned())
}
