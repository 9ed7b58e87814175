//! OpenSSH-style wildcard patterns (`*`, `?`) and pattern lists, shared by ssh_config `Host`
//! lines, `Include` globs and known_hosts host fields.

/// Whether `text` matches `pattern` in full; `*` matches any run of characters, `?` one.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*` when a later literal fails to match.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// A `Host` pattern that names exactly one host: no wildcard, no negation.
pub fn is_concrete_host(pattern: &str) -> bool {
    !has_wildcard(pattern) && !pattern.starts_with('!') && !pattern.is_empty()
}

/// OpenSSH's `Host` rule: some positive pattern matches and no negated (`!`) one does. Host
/// names are compared without regard to case.
pub fn host_line_matches(patterns: &[String], alias: &str) -> bool {
    let alias = alias.to_ascii_lowercase();
    let mut matched = false;
    for pattern in patterns {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix('!') {
            Some(negated) if wildcard_match(negated, &alias) => return false,
            Some(_) => {}
            None => matched |= wildcard_match(&pattern, &alias),
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("*.corp", "db.eu.corp"));
        assert!(!wildcard_match("*.corp", "corp"));
        assert!(wildcard_match("web?", "web1"));
        assert!(!wildcard_match("web?", "web10"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
        assert!(wildcard_match("*.conf", "work.conf"));
    }

    #[test]
    fn negation_vetoes_a_match() {
        let line = patterns(&["*.corp", "!bastion.corp"]);
        assert!(host_line_matches(&line, "db.corp"));
        assert!(!host_line_matches(&line, "bastion.corp"));
        assert!(!host_line_matches(&patterns(&["!x"]), "y"));
    }

    #[test]
    fn matching_ignores_case() {
        assert!(host_line_matches(&patterns(&["Web*"]), "WEB1"));
    }

    #[test]
    fn concrete_hosts() {
        assert!(is_concrete_host("web1.example.com"));
        for not_concrete in ["*", "web?", "!web", "*.corp", ""] {
            assert!(!is_concrete_host(not_concrete), "{not_concrete}");
        }
    }
}
