//! Server-controlled text made safe to print on a terminal or draw in the TUI.
//!
//! A server chooses banners, keyboard-interactive prompts, disconnect messages, channel
//! refusal descriptions and exit-signal messages. Written raw, an ESC in them could move the
//! cursor, rewrite what the user sees (a fake prompt), set the window title or, on some
//! terminals, answer back into the input. Like OpenSSH's `strnvis(VIS_SAFE | VIS_OCTAL)`,
//! every character that is not plain text is shown as backslash and three octal digits per
//! byte of its UTF-8 form: ESC is `\033`, DEL `\177`, the C1 control U+009B `\302\233`.
//! Bidirectional overrides (U+202A–U+202E, U+2066–U+2069) are treated the same, since they
//! reorder what is drawn after them. A backslash is left as it is (as OpenSSH does), so
//! escaping is idempotent: text escaped twice reads the same as once.
//!
//! Length is capped too: a hostile server can send megabytes in one message. Past the cap the
//! text is cut and ends in `…`.

use std::borrow::Cow;
use std::fmt::Write;

/// Default cap, in characters of escaped text, for one message.
pub const DEFAULT_MAX_CHARS: usize = 1024;

/// Shown where text was cut.
pub const ELLIPSIS: char = '…';

/// What a caller lets through unescaped, and how long the result may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Keep `\n` (and turn `\r\n` into `\n`) for text shown over several lines.
    pub keep_newlines: bool,
    /// Keep `\t`.
    pub keep_tabs: bool,
    /// Characters of output at most, the ellipsis included; at least 1.
    pub max_chars: usize,
}

impl Policy {
    /// One line: every control character escaped.
    pub const LINE: Policy = Policy {
        keep_newlines: false,
        keep_tabs: false,
        max_chars: DEFAULT_MAX_CHARS,
    };

    /// Several lines (instructions, banners): newlines and tabs kept.
    pub const MULTILINE: Policy = Policy {
        keep_newlines: true,
        keep_tabs: true,
        max_chars: DEFAULT_MAX_CHARS * 4,
    };

    pub fn with_max_chars(self, max_chars: usize) -> Policy {
        Policy { max_chars, ..self }
    }
}

/// `text` as one line: controls escaped, at most [`DEFAULT_MAX_CHARS`] characters.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape(text, Policy::LINE)
}

/// `text` over several lines: newlines and tabs kept, other controls escaped.
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    escape(text, Policy::MULTILINE)
}

/// `text` with what `policy` does not allow escaped and its length capped. Clean text within
/// the cap is borrowed, not copied.
pub fn escape(text: &str, policy: Policy) -> Cow<'_, str> {
    let max_chars = policy.max_chars.max(1);
    let mut count = 0usize;
    let clean = text.chars().all(|c| {
        count += 1;
        count <= max_chars && !needs_escape(c, policy)
    });
    if clean {
        return Cow::Borrowed(text);
    }

    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut written = 0usize;
    let mut chars = text.chars().peekable();
    let mut cut = false;
    while let Some(c) = chars.next() {
        let piece = if c == '\r' && policy.keep_newlines && chars.peek() == Some(&'\n') {
            // A CR LF line end shows as the line end it is.
            continue;
        } else if needs_escape(c, policy) {
            octal_escape(c)
        } else {
            Piece::Plain(c)
        };
        // The last piece may use the whole cap; any other must leave room for the ellipsis.
        let limit = if chars.peek().is_none() {
            max_chars
        } else {
            max_chars - 1
        };
        if written + piece.chars() > limit {
            cut = true;
            break;
        }
        written += piece.chars();
        piece.push_to(&mut out);
    }
    if cut {
        out.push(ELLIPSIS);
    }
    Cow::Owned(out)
}

fn needs_escape(c: char, policy: Policy) -> bool {
    match c {
        '\n' => !policy.keep_newlines,
        '\t' => !policy.keep_tabs,
        // `\r` only survives as part of CR LF, which `escape` turns into LF.
        '\r' => true,
        c if c.is_control() => true, // C0, DEL and C1 (U+0080..=U+009F)
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

enum Piece {
    Plain(char),
    Escaped(String),
}

impl Piece {
    fn chars(&self) -> usize {
        match self {
            Piece::Plain(_) => 1,
            Piece::Escaped(text) => text.len(),
        }
    }

    fn push_to(self, out: &mut String) {
        match self {
            Piece::Plain(c) => out.push(c),
            Piece::Escaped(text) => out.push_str(&text),
        }
    }
}

/// `\ooo` per byte of the character's UTF-8 form.
fn octal_escape(c: char) -> Piece {
    let mut utf8 = [0u8; 4];
    let mut text = String::with_capacity(16);
    for byte in c.encode_utf8(&mut utf8).bytes() {
        let _ = write!(text, "\\{byte:03o}");
    }
    Piece::Escaped(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        let text = "Password for alice@example.net: ünïcode 日本 \\ok";
        assert!(matches!(escape_line(text), Cow::Borrowed(t) if t == text));
        assert!(matches!(
            escape_multiline("a\nb\tc"),
            Cow::Borrowed("a\nb\tc")
        ));
    }

    #[test]
    fn escape_and_other_c0_controls_are_octal() {
        assert_eq!(
            escape_line("\u{1b}[2J\u{1b}]0;pwned\u{7}"),
            "\\033[2J\\033]0;pwned\\007"
        );
        assert_eq!(escape_line("a\u{0}b\u{8}c"), "a\\000b\\010c");
        assert_eq!(escape_line("line\nnext\tx"), "line\\012next\\011x");
        assert_eq!(escape_line("\r"), "\\015");
    }

    #[test]
    fn del_c1_and_bidi_overrides_are_escaped_by_their_utf8_bytes() {
        assert_eq!(escape_line("\u{7f}"), "\\177");
        assert_eq!(escape_line("x\u{9b}31m"), "x\\302\\23331m");
        assert_eq!(escape_line("\u{85}"), "\\302\\205");
        assert_eq!(escape_line("\u{202e}abc"), "\\342\\200\\256abc");
    }

    #[test]
    fn multiline_keeps_newlines_and_tabs_and_folds_crlf() {
        assert_eq!(
            escape_multiline("one\r\ntwo\tthree\r\u{1b}"),
            "one\ntwo\tthree\\015\\033"
        );
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_the_cap() {
        let long = "x".repeat(5000);
        let escaped = escape_line(&long);
        assert_eq!(escaped.chars().count(), DEFAULT_MAX_CHARS);
        assert!(escaped.ends_with(ELLIPSIS));

        let policy = Policy::LINE.with_max_chars(6);
        assert_eq!(escape("abcdef", policy), "abcdef");
        assert_eq!(escape("abcdefg", policy), "abcde…");
        // An escape that does not fit whole is left out, never cut in half.
        assert_eq!(escape("ab\u{1b}cdef", policy), "ab…");
        assert_eq!(escape("abcd\u{1b}", policy.with_max_chars(8)), "abcd\\033");
    }

    #[test]
    fn escaping_twice_changes_nothing_more() {
        let hostile = "\u{1b}]0;x\u{7}\u{9b}\\033 done\r\n";
        let once = escape_line(hostile).into_owned();
        assert_eq!(escape_line(&once), once);
    }

    #[test]
    fn output_never_contains_a_control_character() {
        let all: String = (0u32..0x2100).filter_map(char::from_u32).collect();
        let escaped = escape(&all, Policy::LINE.with_max_chars(usize::MAX));
        assert!(!escaped.chars().any(char::is_control), "{escaped}");
    }
}
