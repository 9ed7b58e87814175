//! Profile settings for what tabsh does with a tab's text: whether the remote may set the
//! clipboard, and keyword highlighting rules.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The clipboard and the remote program.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClipboardPolicy {
    /// What happens when the remote asks to set the clipboard (OSC 52).
    pub remote_write: RemoteClipboard,
}

/// A server that writes your clipboard can plant a command for your next paste, so it takes
/// a yes from you unless the profile says otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteClipboard {
    /// Ask once per tab, the first time; the answer holds for the tab.
    #[default]
    Ask,
    Allow,
    Deny,
}

/// Text to draw in another style wherever it appears in a tab: over the terminal's own
/// colours, in the view only (the stored text does not change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightRule {
    /// Literal text, or a regex when `regex` is true (the regex crate's syntax; `(?i)` for
    /// any case).
    pub pattern: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub regex: bool,
    /// A colour name (`red`, `light-red`, `dark-gray`), an index (`208`) or `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bg: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reverse: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Most rules a profile (or the global file) may have: each costs a pass over every drawn row.
pub const MAX_HIGHLIGHT_RULES: usize = 64;
/// A compiled rule may not take more than this (the regex crate's bound on its program).
pub const HIGHLIGHT_SIZE_LIMIT: usize = 1 << 20;

impl HighlightRule {
    /// The rule's regex (its pattern escaped when literal).
    pub fn compile(&self) -> Result<regex::Regex, String> {
        if self.pattern.is_empty() {
            return Err("the pattern is empty".to_owned());
        }
        let pattern = if self.regex {
            self.pattern.clone()
        } else {
            regex::escape(&self.pattern)
        };
        regex::RegexBuilder::new(&pattern)
            .size_limit(HIGHLIGHT_SIZE_LIMIT)
            .build()
            .map_err(|error| error.to_string())
    }

    /// What is wrong with the rule, if anything.
    pub fn problem(&self) -> Option<String> {
        if let Err(error) = self.compile() {
            return Some(format!("pattern {:?}: {error}", self.pattern));
        }
        for colour in [&self.fg, &self.bg].into_iter().flatten() {
            if parse_colour(colour).is_none() {
                return Some(format!(
                    "colour {colour:?}: use a name (red, light-red, dark-gray), 0-255 or #rrggbb"
                ));
            }
        }
        None
    }
}

/// A colour as rules name it: ratatui's names (`light-red` as well as `lightred`), an index or
/// `#rrggbb`.
pub fn parse_colour(text: &str) -> Option<ratatui::style::Color> {
    ratatui::style::Color::from_str(&text.replace('-', "")).ok()
}

/// Highlighting for every profile that has no rules of its own: `<config dir>/highlight.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalHighlight {
    #[serde(default)]
    pub highlight: Vec<HighlightRule>,
}

/// The file's name in the config dir.
pub const GLOBAL_HIGHLIGHT_FILE: &str = "highlight.toml";

/// What a new config dir gets: every rule commented out, so highlighting is off until chosen.
pub const GLOBAL_HIGHLIGHT_EXAMPLE: &str = r##"# Keyword highlighting for every saved session that has no [[highlight]] rules of its own.
# Drawn over the terminal's colours; the text itself is never changed. Uncomment to use.
#
# [[highlight]]
# pattern = "(?i)\\b(error|fail(ed|ure)?)\\b"
# regex = true
# fg = "red"
# bold = true
#
# [[highlight]]
# pattern = "(?i)\\bwarn(ing)?\\b"
# regex = true
# fg = "yellow"
"##;

impl GlobalHighlight {
    /// The rules of `path`, none when it does not exist; errors name the file and the rule.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(format!("{}: {error}", path.display())),
        };
        Self::parse(&text).map_err(|error| format!("{}: {error}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let global: Self = toml::from_str(text).map_err(|error| error.to_string())?;
        if global.highlight.len() > MAX_HIGHLIGHT_RULES {
            return Err(format!("at most {MAX_HIGHLIGHT_RULES} rules"));
        }
        for (index, rule) in global.highlight.iter().enumerate() {
            if let Some(problem) = rule.problem() {
                return Err(format!("highlight rule {}: {problem}", index + 1));
            }
        }
        Ok(global)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_all_comments_and_uncommented_it_is_valid() {
        assert_eq!(
            GlobalHighlight::parse(GLOBAL_HIGHLIGHT_EXAMPLE),
            Ok(GlobalHighlight::default())
        );
        let uncommented: String = GLOBAL_HIGHLIGHT_EXAMPLE
            .lines()
            .filter(|line| {
                line.starts_with("# ")
                    && !line.contains("Uncomment")
                    && !line.contains("Drawn")
                    && !line.contains("Keyword")
            })
            .map(|line| format!("{}\n", &line[2..]))
            .collect();
        let global = GlobalHighlight::parse(&uncommented).unwrap();
        assert_eq!(global.highlight.len(), 2);
        let error = global.highlight[0].compile().unwrap();
        assert!(error.is_match("Build FAILED"));
        assert!(!error.is_match("failover"));
    }

    #[test]
    fn broken_rules_are_named() {
        let error =
            GlobalHighlight::parse("[[highlight]]\npattern = \"(\"\nregex = true\n").unwrap_err();
        assert!(error.contains("rule 1"), "{error}");
        let error = GlobalHighlight::parse("[[highlight]]\npattern = \"x\"\nfg = \"reddish\"\n")
            .unwrap_err();
        assert!(error.contains("reddish"), "{error}");
        assert!(parse_colour("light-red").is_some());
        assert!(parse_colour("#ff8000").is_some());
        assert!(parse_colour("208").is_some());
    }
}
