//! Backslash escapes for the idle string, so control bytes such as NUL can be typed and shown in
//! a one-line text field.

/// Shows `text` with control characters and backslashes escaped; [`decode`] reverses it.
pub fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => encoded.push_str("\\\\"),
            '\r' => encoded.push_str("\\r"),
            '\n' => encoded.push_str("\\n"),
            '\t' => encoded.push_str("\\t"),
            c if c.is_control() && u32::from(c) < 0x80 => {
                encoded.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => encoded.push(c),
        }
    }
    encoded
}

/// Decodes `\xHH` (ASCII, 00 to 7f), `\r`, `\n`, `\t` and `\\`. The error says which escape is
/// wrong and what is allowed.
pub fn decode(text: &str) -> Result<String, String> {
    const ALLOWED: &str = "use \\xHH (00 to 7f), \\r, \\n, \\t or \\\\";
    let mut decoded = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            decoded.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => decoded.push('\\'),
            Some('r') => decoded.push('\r'),
            Some('n') => decoded.push('\n'),
            Some('t') => decoded.push('\t'),
            Some('x') => {
                let digits: String = chars.by_ref().take(2).collect();
                // Above 7f a byte would be sent as two UTF-8 bytes, which is never what \xHH means.
                let byte = u8::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|byte| digits.len() == 2 && byte.is_ascii())
                    .ok_or_else(|| format!("bad escape \\x{digits}: {ALLOWED}"))?;
                decoded.push(char::from(byte));
            }
            Some(other) => return Err(format!("unknown escape \\{other}: {ALLOWED}")),
            None => return Err(format!("ends in a lone \\: {ALLOWED}")),
        }
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_supported_escape() {
        assert_eq!(
            decode(r"a\x00b\r\n\t\\\x7f"),
            Ok("a\u{0}b\r\n\t\\\u{7f}".to_owned())
        );
        assert_eq!(decode("plain é"), Ok("plain é".to_owned()));
    }

    #[test]
    fn rejects_bad_escapes_saying_what_is_allowed() {
        let allowed = "use \\xHH (00 to 7f), \\r, \\n, \\t or \\\\";
        assert_eq!(decode(r"\q"), Err(format!("unknown escape \\q: {allowed}")));
        assert_eq!(decode(r"\x4"), Err(format!("bad escape \\x4: {allowed}")));
        assert_eq!(decode(r"\xzz"), Err(format!("bad escape \\xzz: {allowed}")));
        assert_eq!(decode(r"\xff"), Err(format!("bad escape \\xff: {allowed}")));
        assert_eq!(decode("a\\"), Err(format!("ends in a lone \\: {allowed}")));
    }

    #[test]
    fn encoding_round_trips_and_shows_nul_readably() {
        assert_eq!(encode("\u{0}"), r"\x00");
        for text in ["\u{0}", "a\\b", "ls\r", "\t\n\u{1b}[A", "é"] {
            assert_eq!(decode(&encode(text)), Ok(text.to_owned()), "{text:?}");
        }
    }
}
