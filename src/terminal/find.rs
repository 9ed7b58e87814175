//! Finding text in a tab's history and screen: a query as a pattern (literal or regex, case
//! ignored unless the query has capitals) and every match by line and columns.

use std::ops::Range;

use regex::{Regex, RegexBuilder};

use super::Terminal;
use super::lines::{LineCells, LineNumber};

/// Most matches a search keeps; past them the count says "at least".
pub const MAX_MATCHES: usize = 100_000;
/// A compiled pattern may not take more than this (the regex crate's own bound on a pattern's
/// program), so a query typed in a hurry cannot take the machine's memory.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A query ready to run over lines.
#[derive(Clone, Debug)]
pub struct SearchPattern {
    regex: Regex,
}

impl SearchPattern {
    /// `query` as a regex when `regex`, as literal text otherwise; case is ignored unless the
    /// query has a capital letter (smart case, as in vim and less). `None` for an empty
    /// query; the regex crate's message for a broken one.
    pub fn new(query: &str, regex: bool) -> Result<Option<Self>, String> {
        if query.is_empty() {
            return Ok(None);
        }
        let pattern = if regex {
            query.to_owned()
        } else {
            regex::escape(query)
        };
        let ignore_case = !query.chars().any(char::is_uppercase);
        RegexBuilder::new(&pattern)
            .case_insensitive(ignore_case)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map(|regex| Some(Self { regex }))
            .map_err(|error| error.to_string())
    }

    /// The byte ranges of the non-empty matches in `text`, left to right.
    pub fn find_in<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.regex
            .find_iter(text)
            .map(|found| found.range())
            .filter(|range| !range.is_empty())
    }

    /// The columns of the matches in `line`.
    pub fn columns_in<'a>(&'a self, line: &'a LineCells) -> impl Iterator<Item = Range<u16>> + 'a {
        self.find_in(&line.text).map(|bytes| line.columns_of(bytes))
    }
}

/// One match: a line and the columns it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub line: LineNumber,
    pub cols: Range<u16>,
}

impl Terminal {
    /// Every match of `pattern` in the history and on the screen, oldest first (at most
    /// [`MAX_MATCHES`]). A match does not run on from one line into the next, even a wrapped
    /// one.
    pub fn find_all(&self, pattern: &SearchPattern) -> Vec<Match> {
        let mut matches = Vec::new();
        let top = self.screen_top_line();
        let first = self.first_line();
        // History lines are searched in their stored text, and only a line that matches pays
        // for working out its columns.
        if let Some(history) = self.primary_scrollback() {
            for index in 0..history.len() {
                let Some(line) = history.get(index) else {
                    break;
                };
                // Without strikethrough marks, as the line's cells give its text.
                let text = super::cell_marks::strip(&line.text);
                let mut found = pattern.find_in(&text).peekable();
                if found.peek().is_none() {
                    continue;
                }
                let cells = LineCells::of_history_text(&line.text, line.wrapped);
                for bytes in found {
                    matches.push(Match {
                        line: first + index as u64,
                        cols: cells.columns_of(bytes),
                    });
                }
                if matches.len() >= MAX_MATCHES {
                    matches.truncate(MAX_MATCHES);
                    return matches;
                }
            }
        }
        for line in top..=self.last_line() {
            let Some(cells) = self.line_cells(line) else {
                continue;
            };
            for cols in pattern.columns_in(&cells) {
                matches.push(Match { line, cols });
            }
        }
        matches.truncate(MAX_MATCHES);
        matches
    }
}

#[cfg(test)]
#[path = "find_tests.rs"]
pub(super) mod tests;
