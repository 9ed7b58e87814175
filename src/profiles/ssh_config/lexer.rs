//! Splits one ssh_config line into its keyword and arguments, the way OpenSSH does: keywords
//! end at whitespace or `=`, arguments are separated by whitespace, double quotes group, and a
//! `#` starting an argument comments out the rest of the line.

/// A line with a keyword. `raw` is everything after the keyword and its separator, for options
/// such as `RemoteCommand` that take the rest of the line as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitLine {
    pub keyword: String,
    pub args: Vec<String>,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    #[error("unterminated double quote")]
    UnterminatedQuote,
}

/// `Ok(None)` for blank and comment lines.
pub fn split_line(line: &str) -> Result<Option<SplitLine>, LexError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let keyword_end = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let (keyword, rest) = line.split_at(keyword_end);
    let rest = rest.trim_start();
    // One `=` may separate keyword and value, with or without spaces around it.
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    Ok(Some(SplitLine {
        keyword: keyword.to_owned(),
        args: split_args(rest)?,
        raw: rest.to_owned(),
    }))
}

fn split_args(text: &str) -> Result<Vec<String>, LexError> {
    let mut args = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some('#') => return Ok(args),
            Some(_) => {}
        }
        let mut arg = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => quoted = !quoted,
                '\\' if quoted && matches!(chars.peek(), Some('"' | '\\')) => {
                    arg.extend(chars.next());
                }
                c if c.is_whitespace() && !quoted => break,
                c => arg.push(c),
            }
        }
        if quoted {
            return Err(LexError::UnterminatedQuote);
        }
        args.push(arg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> (String, Vec<String>) {
        let split = split_line(line).expect("lexes").expect("not blank");
        (split.keyword, split.args)
    }

    fn owned(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn blank_and_comment_lines_are_skipped() {
        assert_eq!(split_line("   \t").expect("lexes"), None);
        assert_eq!(split_line("  # Host x").expect("lexes"), None);
    }

    #[test]
    fn key_value_with_space_or_equals() {
        for line in ["Port 2222", "Port=2222", "  Port = 2222  ", "Port\t=\t2222"] {
            assert_eq!(
                split(line),
                ("Port".to_owned(), owned(&["2222"])),
                "{line:?}"
            );
        }
    }

    #[test]
    fn quotes_group_and_trailing_comments_are_dropped() {
        assert_eq!(
            split(r#"IdentityFile "~/My Keys/id" other # the work key"#),
            ("IdentityFile".to_owned(), owned(&["~/My Keys/id", "other"]))
        );
        assert_eq!(
            split(r#"SetEnv A="x y" B="""#),
            ("SetEnv".to_owned(), owned(&["A=x y", "B="]))
        );
        assert_eq!(
            split(r#"X "say \"hi\"""#),
            ("X".to_owned(), owned(&[r#"say "hi""#]))
        );
    }

    #[test]
    fn raw_keeps_the_rest_of_the_line() {
        let split = split_line("RemoteCommand = tmux new -A -s \"main\"")
            .expect("lexes")
            .expect("not blank");
        assert_eq!(split.raw, "tmux new -A -s \"main\"");
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert_eq!(
            split_line("HostName \"web"),
            Err(LexError::UnterminatedQuote)
        );
    }
}
