//! A one-line text input: the text plus a cursor, edited by keys. Shared by the form fields.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Whether a character key with these modifiers is typing rather than a shortcut. AltGr arrives
/// as Ctrl+Alt on some terminals, and is how many layouts type `@`, `\` or `|`.
pub fn types_text(modifiers: KeyModifiers) -> bool {
    let ctrl = modifiers.contains(KeyModifiers::CONTROL);
    let alt = modifiers.contains(KeyModifiers::ALT);
    ctrl == alt
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextInput {
    text: String,
    /// In characters, not bytes, so multi-byte input never splits a character.
    cursor: usize,
}

impl TextInput {
    /// An input holding `text` with the cursor at its end, ready to append.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies an editing key; false when the key is not one this input uses, so the caller can
    /// give it another meaning.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char(c) if types_text(key.modifiers) => self.insert(c),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.remove_at_cursor();
            }
            KeyCode::Delete => self.remove_at_cursor(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            KeyCode::Backspace => {}
            _ => return false,
        }
        true
    }

    fn insert(&mut self, c: char) {
        let at = self.byte_index(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    fn remove_at_cursor(&mut self) {
        if self.cursor < self.len() {
            let at = self.byte_index(self.cursor);
            self.text.remove(at);
        }
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_index(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(index, _)| index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) -> bool {
        input.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn edits_at_the_cursor_including_multibyte_characters() {
        let mut input = TextInput::new("hé");
        assert_eq!(input.cursor(), 2);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Char('x'));
        assert_eq!((input.text(), input.cursor()), ("hxé", 2));
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.text(), "hx");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Backspace);
        assert_eq!((input.text(), input.cursor()), ("hx", 0));
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.text(), "x");
        press(&mut input, KeyCode::End);
        press(&mut input, KeyCode::Backspace);
        assert_eq!((input.text(), input.cursor()), ("", 0));
        press(&mut input, KeyCode::Right);
        assert_eq!(input.cursor(), 0);
    }

    #[test]
    fn control_keys_and_navigation_between_fields_are_left_to_the_caller() {
        let mut input = TextInput::new("a");
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(!input.handle_key(ctrl_s));
        assert!(!press(&mut input, KeyCode::Tab));
        assert!(!press(&mut input, KeyCode::Up));
        assert_eq!(input.text(), "a");
    }

    #[test]
    fn altgr_characters_are_typed() {
        let mut input = TextInput::new("");
        let altgr_at = KeyEvent::new(
            KeyCode::Char('@'),
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        );
        assert!(input.handle_key(altgr_at));
        let shifted = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert!(input.handle_key(shifted));
        assert_eq!(input.text(), "@A");
        let alt_x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT);
        assert!(!input.handle_key(alt_x));
    }
}
