use std::ops::Range;

use super::super::Terminal;
use super::{Match, SearchPattern};

fn pattern(query: &str, regex: bool) -> SearchPattern {
    SearchPattern::new(query, regex).unwrap().unwrap()
}

/// The columns of every match of the literal `word`, oldest line first.
pub(in crate::terminal) fn columns_found(terminal: &Terminal, word: &str) -> Vec<Range<u16>> {
    terminal
        .find_all(&pattern(word, false))
        .iter()
        .map(|found| found.cols.clone())
        .collect()
}

#[test]
fn case_is_ignored_unless_the_query_has_capitals() {
    let text = "Error error ERROR";
    assert_eq!(pattern("error", false).find_in(text).count(), 3);
    assert_eq!(pattern("Error", false).find_in(text).count(), 1);
}

#[test]
fn a_literal_query_is_not_a_pattern_and_a_regex_one_is() {
    let literal = pattern("a.c", false);
    let mut found = literal.find_in("abc a.c");
    assert_eq!((found.next(), found.next()), (Some(4..7), None));
    assert_eq!(pattern("a.c", true).find_in("abc a.c").count(), 2);
    assert!(SearchPattern::new("(", true).is_err());
    assert!(SearchPattern::new("", true).unwrap().is_none());
    // Empty matches find nothing.
    assert_eq!(pattern("x*", true).find_in("abc").count(), 0);
}

#[test]
fn matches_are_found_in_history_and_on_screen_oldest_first() {
    let mut terminal = Terminal::new(5, 40, 1000);
    let text: String = (1..=100)
        .map(|n| format!("row {n} 漢 end-{n}\r\n"))
        .collect();
    terminal.feed(text.as_bytes());
    let matches = terminal.find_all(&pattern("end-1\\b", true));
    assert_eq!(
        matches,
        [Match {
            line: 0,
            cols: 9..14
        }]
    );
    let all = terminal.find_all(&pattern("END", false));
    assert!(all.is_empty(), "capitals match case");
    let all = terminal.find_all(&pattern("end", false));
    assert_eq!(all.len(), 100);
    assert!(
        all.windows(2)
            .all(|pair| (pair[0].line, pair[0].cols.start) < (pair[1].line, pair[1].cols.start))
    );
    // The last one is on the screen.
    assert!(all[99].line >= terminal.screen_top_line());
    assert_eq!(
        terminal.line_cells(all[99].line).unwrap().text,
        "row 100 漢 end-100"
    );
}

#[test]
fn ten_thousand_lines_of_history_are_searched() {
    let mut terminal = Terminal::new(24, 80, crate::terminal::DEFAULT_SCROLLBACK);
    let text: String = (1..=12_000).map(|n| format!("{n}\r\n")).collect();
    terminal.feed(text.as_bytes());
    let matches = terminal.find_all(&pattern("^2345$", true));
    assert_eq!(matches.len(), 1);
    assert_eq!(terminal.line_cells(matches[0].line).unwrap().text, "2345");
}
