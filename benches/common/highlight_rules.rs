//! Keyword highlighting rules for the benchmarks that measure what highlighting costs.

/// Ten rules in a profile: literals and regexes, colours, bold and reverse, most of them
/// matching something on the coloured log's lines.
pub const TEN_RULES: &str = r#"
[[highlight]]
pattern = "ERROR"
fg = "red"
bold = true

[[highlight]]
pattern = "WARN"
fg = "yellow"

[[highlight]]
pattern = "(?i)\\bfail(ed|ure)?\\b"
regex = true
fg = "light-red"

[[highlight]]
pattern = "request completed"
fg = "green"

[[highlight]]
pattern = "status=[0-9]{3}"
regex = true
bg = "red"

[[highlight]]
pattern = "/api/v[0-9]+/[a-z]+"
regex = true
fg = "cyan"

[[highlight]]
pattern = " ms=[0-9]+"
regex = true
fg = "magenta"

[[highlight]]
pattern = "db::pool"
reverse = true

[[highlight]]
pattern = "T[0-9]{2}:[0-9]{2}:[0-9]{2}"
regex = true
fg = "dark-gray"

[[highlight]]
pattern = "(?i)timeout|refused|retry"
regex = true
fg = "208"
bold = true
"#;
