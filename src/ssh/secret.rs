//! Typed secrets: passwords, passphrases and keyboard-interactive answers. The memory holding
//! one is overwritten when it is dropped (the `zeroize` crate, so the compiler cannot skip
//! it), and `Debug` prints `***`, so a secret never reaches a log or a panic message.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// Text a person typed that must not outlive its use. Growing it with [`Secret::push`] moves
/// the text to a larger buffer and wipes the old one, so no copy is left behind in freed
/// memory the way `String::push` would leave one.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

/// Room for a typical password without a reallocation.
const INITIAL_CAPACITY: usize = 64;

impl Secret {
    pub fn new() -> Self {
        Self(Zeroizing::new(String::with_capacity(INITIAL_CAPACITY)))
    }

    /// The secret's text, for the one place that must hand it on (russh, a key decoder).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends a typed character without leaving the shorter text in freed memory.
    pub fn push(&mut self, c: char) {
        if self.0.len() + c.len_utf8() > self.0.capacity() {
            let wanted = (self.0.capacity() * 2).max(INITIAL_CAPACITY);
            let mut larger = Zeroizing::new(String::with_capacity(wanted));
            larger.push_str(&self.0);
            // The old buffer is wiped when it drops here.
            self.0 = larger;
        }
        self.0.push(c);
    }

    /// Removes the last character, wiping its bytes.
    pub fn pop(&mut self) -> Option<char> {
        let c = self.0.chars().next_back()?;
        let keep = self.0.len() - c.len_utf8();
        // `truncate` only moves the length: the removed bytes stay in the buffer until wiped.
        self.0.truncate(keep);
        wipe_spare_capacity(&mut self.0);
        Some(c)
    }

    /// Empties it, wiping what it held.
    pub fn clear(&mut self) {
        self.0.zeroize();
    }
}

/// Overwrites the bytes past `text`'s length with zeros, keeping the length.
fn wipe_spare_capacity(text: &mut String) {
    let len = text.len();
    // Same buffer throughout: `into_bytes` and `from_utf8` move it, they do not copy it.
    let mut bytes = std::mem::take(text).into_bytes();
    bytes.spare_capacity_mut().zeroize();
    bytes.truncate(len);
    // The bytes came from a `String` and only the tail after `len` changed.
    *text = String::from_utf8(bytes).unwrap_or_default();
}

impl From<String> for Secret {
    /// Takes the string's buffer as it is (no copy is made).
    fn from(text: String) -> Self {
        Self(Zeroizing::new(text))
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self(Zeroizing::new(text.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_text() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{:?}", vec![secret.clone()]), "[***]");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn typing_and_erasing_edit_the_text() {
        let mut secret = Secret::new();
        for c in "pässwörd-that-is-longer-than-sixty-four-bytes-so-the-buffer-grows-once".chars()
        {
            secret.push(c);
        }
        assert_eq!(secret.pop(), Some('e'));
        assert!(secret.expose().starts_with("pässwörd"));
        assert!(secret.expose().ends_with("grows-onc"));
        secret.clear();
        assert!(secret.is_empty());
        assert_eq!(secret.pop(), None);
    }
}
