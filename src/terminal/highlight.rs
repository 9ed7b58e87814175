//! Keyword highlighting: rules (a pattern and a look) compiled once, applied to the rows a
//! frame draws. Only the drawn cells change look; the terminal's text and colours stay as they
//! are.

use std::ops::Range;

use ratatui::style::{Modifier, Style};
use regex::Regex;

use super::lines::LineCells;
use crate::profiles::HighlightRule;
use crate::profiles::terminal_settings::parse_colour;

/// Compiled rules, in the order given: where two overlap, the later one is drawn over.
#[derive(Debug, Default)]
pub struct Highlighter {
    rules: Vec<(Regex, Style)>,
}

impl Highlighter {
    /// The rules that compile (profiles are validated on load, so all of them in practice).
    pub fn new(rules: &[HighlightRule]) -> Self {
        let rules = rules
            .iter()
            .filter_map(|rule| Some((rule.compile().ok()?, look(rule))))
            .collect();
        Self { rules }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The columns of `line` each rule matches, with the look to draw them in.
    pub fn spans(&self, line: &LineCells) -> Vec<(Range<u16>, Style)> {
        let mut spans = Vec::new();
        for (regex, style) in &self.rules {
            for found in regex.find_iter(&line.text) {
                if !found.is_empty() {
                    spans.push((line.columns_of(found.range()), *style));
                }
            }
        }
        spans
    }
}

/// The look a rule draws over the terminal's own: its colours where it names them, bold and
/// reverse added.
fn look(rule: &HighlightRule) -> Style {
    let mut style = Style::new();
    if let Some(fg) = rule.fg.as_deref().and_then(parse_colour) {
        style = style.fg(fg);
    }
    if let Some(bg) = rule.bg.as_deref().and_then(parse_colour) {
        style = style.bg(bg);
    }
    if rule.bold {
        style = style.add_modifier(Modifier::BOLD);
    }
    if rule.reverse {
        style = style.add_modifier(Modifier::REVERSED);
    }
    style
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;

    #[test]
    fn rules_match_literally_or_as_regexes_and_give_columns() {
        let rules = [
            HighlightRule {
                pattern: "error".to_owned(),
                fg: Some("red".to_owned()),
                bold: true,
                ..HighlightRule::default()
            },
            HighlightRule {
                pattern: "w.rn".to_owned(),
                regex: true,
                bg: Some("yellow".to_owned()),
                ..HighlightRule::default()
            },
        ];
        let highlighter = Highlighter::new(&rules);
        let line = LineCells::of_history_text("漢 error, warn; w.rn", false);
        let spans = highlighter.spans(&line);
        assert_eq!(
            spans,
            [
                (
                    3..8,
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
                ),
                (10..14, Style::new().bg(Color::Yellow)),
                (16..20, Style::new().bg(Color::Yellow)),
            ]
        );
    }
}
