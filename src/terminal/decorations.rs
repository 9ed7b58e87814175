//! Underline styles, underline colours and hyperlinks (OSC 8), which vt100 0.18 keeps nowhere:
//! each tab has a small table of the combinations its remote used, and a cell drawn with one
//! carries that entry's number as a zero-width mark in its text (see `cell_marks`), which vt100
//! keeps with the character through every edit and into the history.
//!
//! The table is capped, so a hostile stream cannot grow it: at most [`MAX_ENTRIES`] live
//! entries, each URI at most [`MAX_URI_BYTES`] printable ASCII bytes. When it is full, the
//! entry the pen chose least recently is dropped; cells still carrying its number are then
//! drawn without it (their text and plain underline stay). Numbers come round again only after
//! [`ID_COUNT`] new entries, so a dropped entry's cells do not take on another one's link unless
//! they are that old.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::style::Color;

/// Live entries kept per tab.
pub(crate) const MAX_ENTRIES: usize = 256;
/// The longest URI kept; a longer one is refused and the text shows without a link.
pub(crate) const MAX_URI_BYTES: usize = 2048;
/// Numbers an entry can have: the marks U+E0400..=U+E0FFF.
pub(crate) const ID_COUNT: u16 = 0xC00;
const FIRST_ID_MARK: u32 = 0xE0400;

/// How an underlined cell is underlined (`CSI 4:n m`; `CSI 21 m` is double). Whether a cell is
/// underlined at all is vt100's to say: this is what its underline looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnderlineStyle {
    #[default]
    Single,
    Double,
    Curly,
    Dotted,
    Dashed,
}

impl UnderlineStyle {
    /// The style of `CSI 4:n m` for n from 1 to 5.
    pub(crate) fn from_sub_param(n: u16) -> Option<Self> {
        Some(match n {
            1 => Self::Single,
            2 => Self::Double,
            3 => Self::Curly,
            4 => Self::Dotted,
            5 => Self::Dashed,
            _ => return None,
        })
    }

    /// n in `CSI 4:n m`, as the host terminal is told.
    pub fn sub_param(self) -> u8 {
        match self {
            Self::Single => 1,
            Self::Double => 2,
            Self::Curly => 3,
            Self::Dotted => 4,
            Self::Dashed => 5,
        }
    }
}

/// What a cell carries beyond vt100's attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Decoration {
    pub underline: UnderlineStyle,
    /// `Color::Reset` for the text's own colour.
    pub underline_color: Color,
    pub link: Option<Arc<str>>,
}

impl Decoration {
    /// Whether a cell drawn with this needs no mark.
    pub(crate) fn is_plain(&self) -> bool {
        *self == Self::default()
    }
}

/// A URI from an OSC 8 sequence, if it can be kept: not empty, at most [`MAX_URI_BYTES`], and
/// printable ASCII only (a URI's other bytes are percent-encoded), so it can never carry a
/// control into the status bar or the host terminal.
pub(crate) fn acceptable_uri(uri: &[u8]) -> Option<Arc<str>> {
    if uri.is_empty() || uri.len() > MAX_URI_BYTES || !uri.iter().all(|b| (0x21..0x7f).contains(b))
    {
        return None;
    }
    std::str::from_utf8(uri).ok().map(Arc::from)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    decoration: Decoration,
    /// When the pen last chose it, on the table's clock.
    chosen: u64,
}

/// One tab's decorations, by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decorations {
    entries: HashMap<u16, Entry>,
    ids: HashMap<Decoration, u16>,
    next_id: u16,
    clock: u64,
}

impl Decorations {
    /// The mark of `decoration` (a new entry if it has none), as vt100 is fed it.
    pub(crate) fn mark_of(&mut self, decoration: &Decoration) -> [u8; 4] {
        self.clock += 1;
        let id = match self.ids.get(decoration) {
            Some(&id) => id,
            None => self.add(decoration.clone()),
        };
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.chosen = self.clock;
        }
        mark_bytes(id)
    }

    fn add(&mut self, decoration: Decoration) -> u16 {
        if self.entries.len() >= MAX_ENTRIES
            && let Some((&oldest, _)) = self.entries.iter().min_by_key(|(_, entry)| entry.chosen)
            && let Some(entry) = self.entries.remove(&oldest)
        {
            self.ids.remove(&entry.decoration);
        }
        // Fewer live entries than numbers: a free one is found.
        let mut id = self.next_id;
        while self.entries.contains_key(&id) {
            id = (id + 1) % ID_COUNT;
        }
        self.next_id = (id + 1) % ID_COUNT;
        self.ids.insert(decoration.clone(), id);
        self.entries.insert(
            id,
            Entry {
                decoration,
                chosen: self.clock,
            },
        );
        id
    }

    /// The decoration numbered `id`, unless it was dropped.
    pub fn get(&self, id: u16) -> Option<&Decoration> {
        self.entries.get(&id).map(|entry| &entry.decoration)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The number a mark stands for, if `mark` is one.
pub(crate) fn id_of_mark(mark: char) -> Option<u16> {
    let offset = u32::from(mark).checked_sub(FIRST_ID_MARK)?;
    u16::try_from(offset).ok().filter(|id| *id < ID_COUNT)
}

/// The mark of number `id` (below [`ID_COUNT`]).
pub(crate) fn id_mark(id: u16) -> char {
    char::from_u32(FIRST_ID_MARK + u32::from(id % ID_COUNT)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn mark_bytes(id: u16) -> [u8; 4] {
    let mut bytes = [0; 4];
    id_mark(id).encode_utf8(&mut bytes);
    bytes
}

#[cfg(test)]
#[path = "decorations_tests.rs"]
mod tests;
