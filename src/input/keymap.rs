//! What the user can ask tabsh to do, and which keys ask for it. Every binding sits behind a
//! prefix key (like tmux and screen), so no key a remote shell or editor needs is taken: the
//! prefix pressed twice sends the prefix itself. Bindings load from `<config dir>/keys.toml`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    SessionManager,
    NewTab,
    CloseTab,
    NextTab,
    PreviousTab,
    /// 1-based, as shown in the tab bar.
    GotoTab(u8),
    RenameTab,
    CloneSession,
    DuplicateSession,
    ReopenTab,
    ToggleAntiIdle,
    InspectConnection,
    ToggleBroadcast,
    BroadcastAll,
    ComposeLine,
    ToggleSessionLog,
    Scrollback,
    Search,
    PasteCopy,
    MoveTabLeft,
    MoveTabRight,
    Help,
    Quit,
    SendPrefix,
}

const NAMED_ACTIONS: [(&str, Action, &str); 23] = [
    (
        "session-manager",
        Action::SessionManager,
        "open the session manager",
    ),
    (
        "new-tab",
        Action::NewTab,
        "open a saved session in a new tab",
    ),
    (
        "close-tab",
        Action::CloseTab,
        "close the active tab (its channel)",
    ),
    ("next-tab", Action::NextTab, "next tab"),
    ("previous-tab", Action::PreviousTab, "previous tab"),
    ("rename-tab", Action::RenameTab, "rename the active tab"),
    (
        "clone-session",
        Action::CloneSession,
        "clone: new tab on the same connection",
    ),
    (
        "duplicate-session",
        Action::DuplicateSession,
        "duplicate on a new connection",
    ),
    (
        "reopen-tab",
        Action::ReopenTab,
        "reopen an ended tab; reconnect now while one waits",
    ),
    (
        "toggle-anti-idle",
        Action::ToggleAntiIdle,
        "anti-idle on/off for the tab's profile",
    ),
    (
        "inspect-connection",
        Action::InspectConnection,
        "the tab's connection: algorithms, traffic, reconnects; close it",
    ),
    (
        "toggle-broadcast",
        Action::ToggleBroadcast,
        "broadcast: the tab joins or leaves the group",
    ),
    (
        "broadcast-all",
        Action::BroadcastAll,
        "broadcast: every tab joins (all leave when all are in)",
    ),
    (
        "compose-line",
        Action::ComposeLine,
        "compose a line for every broadcast tab (Enter sends)",
    ),
    (
        "toggle-session-log",
        Action::ToggleSessionLog,
        "session log on/off for the tab (profile's [log])",
    ),
    (
        "scrollback",
        Action::Scrollback,
        "scrollback and copy mode (arrows, hjkl, v/V select, y copies, q leaves)",
    ),
    (
        "search",
        Action::Search,
        "search the history (n/N older/newer, Ctrl-r regex, Esc leaves)",
    ),
    (
        "paste-copy",
        Action::PasteCopy,
        "paste the last copy into the tab",
    ),
    ("move-tab-left", Action::MoveTabLeft, "move the tab left"),
    ("move-tab-right", Action::MoveTabRight, "move the tab right"),
    ("help", Action::Help, "this help"),
    ("quit", Action::Quit, "quit (asks while sessions are open)"),
    (
        "send-prefix",
        Action::SendPrefix,
        "send the prefix key to the remote",
    ),
];

impl Action {
    /// Its keys.toml name and help text; `None` only for `GotoTab`, whose text has a number.
    fn named(self) -> Option<(&'static str, &'static str)> {
        NAMED_ACTIONS
            .iter()
            .find(|(_, action, _)| *action == self)
            .map(|(name, _, text)| (*name, *text))
    }

    pub fn description(self) -> String {
        match (self, self.named()) {
            (Action::GotoTab(n), _) => format!("go to tab {n}"),
            (_, Some((_, text))) => text.to_owned(),
            (_, None) => String::new(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.named()) {
            (Action::GotoTab(n), _) => write!(f, "goto-tab-{n}"),
            (_, Some((name, _))) => f.write_str(name),
            (_, None) => f.write_str("?"),
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if let Some(n) = text.strip_prefix("goto-tab-") {
            return match n.parse::<u8>() {
                Ok(n @ 1..=99) => Ok(Action::GotoTab(n)),
                _ => Err(format!("`{text}`: tab numbers go from 1 to 99")),
            };
        }
        NAMED_ACTIONS
            .iter()
            .find(|(name, _, _)| *name == text)
            .map(|(_, action, _)| *action)
            .ok_or_else(|| {
                let names: Vec<&str> = NAMED_ACTIONS.iter().map(|(n, _, _)| *n).collect();
                format!(
                    "unknown action `{text}`; known: {}, goto-tab-N",
                    names.join(", ")
                )
            })
    }
}

/// A key with its modifiers, normalised so that the same physical key always compares equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// `KeyCode` has no `Ord`; this is the subset bindings can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

/// Key names in keys.toml, the key, and how help shows it.
const NAMED_KEYS: [(&str, KeyCode, &str); 13] = [
    ("enter", KeyCode::Enter, "Enter"),
    ("esc", KeyCode::Esc, "Esc"),
    ("tab", KeyCode::Tab, "Tab"),
    ("backspace", KeyCode::Backspace, "Backspace"),
    ("up", KeyCode::Up, "Up"),
    ("down", KeyCode::Down, "Down"),
    ("left", KeyCode::Left, "Left"),
    ("right", KeyCode::Right, "Right"),
    ("home", KeyCode::Home, "Home"),
    ("end", KeyCode::End, "End"),
    ("pgup", KeyCode::PageUp, "PgUp"),
    ("pgdn", KeyCode::PageDown, "PgDn"),
    ("delete", KeyCode::Delete, "Delete"),
];

impl KeyChord {
    /// `None` for keys bindings cannot name (media keys and the like).
    pub fn from_event(key: &KeyEvent) -> Option<Self> {
        let mut ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let mut shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let code = match key.code {
            KeyCode::Char(c) => {
                // The shifted character already says shift ('C', '?').
                shift = false;
                KeyCodeOrd::Char(control_alias(c, ctrl))
            }
            // Terminals send Ctrl-Space as NUL, which crossterm reports as Ctrl-'@'... or ' '.
            KeyCode::Null => {
                ctrl = true;
                KeyCodeOrd::Char(' ')
            }
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::BackTab => {
                shift = true;
                KeyCodeOrd::Named("tab")
            }
            other => KeyCodeOrd::Named(NAMED_KEYS.iter().find(|(_, c, _)| *c == other)?.0),
        };
        Some(Self {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

/// crossterm reads the bytes 0x1c-0x1f as Ctrl-4..Ctrl-7; people call them Ctrl-\ ] ^ _.
fn control_alias(c: char, ctrl: bool) -> char {
    match (ctrl, c) {
        (true, '4') => '\\',
        (true, '5') => ']',
        (true, '6') => '^',
        (true, '7') => '_',
        (_, c) => c,
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named(name) => f.write_str(
                NAMED_KEYS
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .map_or(name, |(_, _, shown)| shown),
            ),
        }
    }
}

impl FromStr for KeyChord {
    type Err = String;
    /// `ctrl-\`, `shift-c`, `alt-x`, `f5`, `pgup`, `?`, `space`.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut chord = KeyChord {
            code: KeyCodeOrd::Char(' '),
            ctrl: false,
            alt: false,
            shift: false,
        };
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("ctrl-") && rest.len() > 5 {
                chord.ctrl = true;
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                chord.alt = true;
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                chord.shift = true;
            } else {
                break;
            }
            rest = &rest[rest.find('-').map_or(0, |i| i + 1)..];
        }
        let lower = rest.to_ascii_lowercase();
        let mut chars = rest.chars();
        chord.code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if chord.shift && c.is_ascii_alphabetic() {
                    chord.shift = false;
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                KeyCodeOrd::Char(c)
            }
            _ if lower == "space" => KeyCodeOrd::Char(' '),
            _ if lower.starts_with('f')
                && lower[1..]
                    .parse::<u8>()
                    .is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCodeOrd::F(lower[1..].parse().unwrap_or(1))
            }
            _ => KeyCodeOrd::Named(
                NAMED_KEYS
                    .iter()
                    .find(|(name, _, _)| *name == lower)
                    .map(|(name, _, _)| *name)
                    .ok_or_else(|| format!("unknown key `{text}`"))?,
            ),
        };
        Ok(chord)
    }
}

/// The prefix and the bindings that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub prefix: KeyChord,
    pub bindings: BTreeMap<KeyChord, Action>,
}

pub const DEFAULT_PREFIX: &str = "ctrl-\\";

const DEFAULT_BINDINGS: [(&str, &str); 28] = [
    ("s", "session-manager"),
    ("t", "new-tab"),
    ("x", "close-tab"),
    ("n", "next-tab"),
    ("right", "next-tab"),
    ("p", "previous-tab"),
    ("left", "previous-tab"),
    (",", "rename-tab"),
    ("c", "clone-session"),
    ("shift-c", "duplicate-session"),
    ("r", "reopen-tab"),
    ("a", "toggle-anti-idle"),
    ("i", "inspect-connection"),
    ("b", "toggle-broadcast"),
    ("shift-b", "broadcast-all"),
    ("m", "compose-line"),
    ("l", "toggle-session-log"),
    ("[", "scrollback"),
    ("pgup", "scrollback"),
    ("/", "search"),
    ("]", "paste-copy"),
    ("<", "move-tab-left"),
    (">", "move-tab-right"),
    ("?", "help"),
    ("h", "help"),
    ("q", "quit"),
    ("ctrl-\\", "send-prefix"),
    ("\\", "send-prefix"),
];

impl Default for Keymap {
    // The defaults are constants; the test `default_bindings` proves each of them parses.
    #[allow(clippy::expect_used)]
    fn default() -> Self {
        let mut bindings = BTreeMap::new();
        for (key, action) in DEFAULT_BINDINGS {
            bindings.insert(
                key.parse().expect("default keys parse"),
                action.parse().expect("default actions parse"),
            );
        }
        for n in 1..=9u8 {
            bindings.insert(
                KeyChord::from_str(&n.to_string()).expect("digits parse"),
                Action::GotoTab(n),
            );
        }
        Self {
            prefix: DEFAULT_PREFIX.parse().expect("default prefix parses"),
            bindings,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    prefix: Option<String>,
    #[serde(default)]
    bindings: BTreeMap<String, String>,
}

impl Keymap {
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings.get(&KeyChord::from_event(key)?).copied()
    }

    pub fn is_prefix(&self, key: &KeyEvent) -> bool {
        KeyChord::from_event(key) == Some(self.prefix)
    }

    /// Keys bound to each action, for the help screen.
    pub fn help_lines(&self) -> Vec<(String, String)> {
        let mut by_action: BTreeMap<Action, Vec<String>> = BTreeMap::new();
        for (key, action) in &self.bindings {
            by_action.entry(*action).or_default().push(key.to_string());
        }
        let mut lines = Vec::new();
        let mut goto_keys = Vec::new();
        for (action, keys) in by_action {
            match action {
                // Nine lines of "go to tab N" say less than one.
                Action::GotoTab(_) if keys.len() == 1 => goto_keys.push(keys[0].clone()),
                _ => lines.push((keys.join(" / "), action.description())),
            }
        }
        if !goto_keys.is_empty() {
            let keys = match (goto_keys.first(), goto_keys.last()) {
                (Some(first), Some(last)) if goto_keys.len() > 2 => format!("{first} … {last}"),
                _ => goto_keys.join(" / "),
            };
            lines.push((keys, "go to tab N".to_owned()));
        }
        lines
    }

    /// The defaults changed by `<config dir>/keys.toml` if it exists. A binding to `"none"`
    /// removes a default. Errors name the file and the entry.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: KeysFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut keymap = Self::default();
        if let Some(prefix) = file.prefix {
            keymap.prefix = prefix.parse().map_err(|e| format!("prefix: {e}"))?;
        }
        for (key, action) in file.bindings {
            let chord: KeyChord = key.parse().map_err(|e| format!("bindings: {e}"))?;
            if action == "none" {
                keymap.bindings.remove(&chord);
            } else {
                let action = action
                    .parse()
                    .map_err(|e| format!("bindings.\"{key}\": {e}"))?;
                keymap.bindings.insert(chord, action);
            }
        }
        Ok(keymap)
    }
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
