//! Profile ids: the file stem under `sessions/`. New ids are slugs of the profile name so the
//! files are easy to find and type; ids of existing files are taken as they are.

/// Lowercase ASCII letters, digits and single dashes; `session` when nothing usable is left.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "session".to_owned()
    } else {
        slug
    }
}

/// `base`, or `base-2`, `base-3`... whichever `taken` does not claim first.
pub fn unique_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2u64..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| unreachable!("an unbounded range always yields a free id"))
}

/// Whether `id` can name a file in `sessions/` without escaping it or hiding itself.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_keeps_lowercase_alnum_and_single_dashes() {
        assert_eq!(slugify("Prod DB #1 (EU)"), "prod-db-1-eu");
        assert_eq!(slugify("  web--01.example.com "), "web-01-example-com");
        assert_eq!(slugify("Ünïcode"), "n-code");
        assert_eq!(slugify("!!!"), "session");
    }

    #[test]
    fn unique_id_appends_the_first_free_number() {
        let taken = ["web", "web-2"];
        assert_eq!(unique_id("web", |id| taken.contains(&id)), "web-3");
        assert_eq!(unique_id("db", |id| taken.contains(&id)), "db");
    }

    #[test]
    fn ids_cannot_escape_or_hide() {
        assert!(is_valid_id("web-01.prod_eu"));
        for bad in ["", ".hidden", "../x", "a/b", "a b", "x\0"] {
            assert!(!is_valid_id(bad), "{bad:?} must be rejected");
        }
    }
}
