//! The search line's state (its keys: `app::search`).

use super::super::ids::TabId;
use crate::terminal::{LineNumber, Match, SearchPattern};

#[derive(Debug)]
pub struct Search {
    /// The tab searched; the search ends if another becomes active.
    pub tab: TabId,
    pub query: String,
    /// The query is a regex rather than literal text.
    pub regex: bool,
    /// Keys edit the query; after Enter they move between matches (`n`, `N`).
    pub editing: bool,
    /// `None` while the query is empty or broken.
    pub pattern: Option<SearchPattern>,
    /// Why the query is not a pattern (the regex crate's words).
    pub error: Option<String>,
    /// Oldest first.
    pub matches: Vec<Match>,
    pub current: Option<usize>,
    /// The line at the bottom of the view when the search began: the first match shown is
    /// the newest at or above it.
    pub(in crate::app) anchor: LineNumber,
    /// Where to go back to when leaving without a match: the scrollback offset, and whether
    /// scrollback mode was on.
    pub(in crate::app) return_to: (usize, bool),
}

impl Search {
    pub fn current_match(&self) -> Option<&Match> {
        self.current.and_then(|index| self.matches.get(index))
    }
}
