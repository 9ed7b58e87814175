//! Side effects of the remote byte stream that do not change the screen grid: the window title
//! and the bell. vt100 reports them through its `Callbacks` trait (see `parser_hooks`); we keep
//! the latest state so the tab bar can poll it after each `feed`.

/// Operating System Command numbers that set the window title (OSC 0 also sets the icon name,
/// which a tab has no use for).
const OSC_SET_ICON_AND_TITLE: &[u8] = b"0";
const OSC_SET_TITLE: &[u8] = b"2";
/// The longest title kept: far more than a tab shows, and a hostile server cannot make it
/// cost more.
pub(crate) const MAX_TITLE_CHARS: usize = 256;

#[derive(Debug, Default)]
pub(crate) struct TerminalEvents {
    pub(crate) title: Option<String>,
    /// How many times a title was set: the tab bar of a tab that is not drawn must be redrawn
    /// when it changes, and comparing counts costs nothing.
    pub(crate) title_changes: u64,
    pub(crate) bell_count: u64,
    /// The text the remote last asked to put on the clipboard (OSC 52), not yet taken. Only
    /// the latest is kept, and OSC payloads are capped (`osc_limit`), so it stays small.
    pub(crate) clipboard_request: Option<String>,
}

impl TerminalEvents {
    fn set_title(&mut self, raw: &[u8]) {
        self.title_changes = self.title_changes.wrapping_add(1);
        // An empty title is how programs ask for the default back (xterm does the same).
        // Server text: kept with its control characters escaped and its length capped, so
        // whatever draws it (tab bar, inspector, the rename box) draws it safely.
        self.title = if raw.is_empty() {
            None
        } else {
            let title = String::from_utf8_lossy(raw);
            let policy = crate::escape::Policy::LINE.with_max_chars(MAX_TITLE_CHARS);
            Some(crate::escape::escape(&title, policy).into_owned())
        };
    }
}

impl TerminalEvents {
    /// vt100 hands over OSC 52's base64 as it came; what does not decode is dropped.
    pub(crate) fn request_clipboard(&mut self, base64: &[u8]) {
        if let Ok(bytes) = data_encoding::BASE64.decode(base64) {
            self.clipboard_request = Some(String::from_utf8_lossy(&bytes).into_owned());
        }
    }

    pub(crate) fn ring_bell(&mut self) {
        self.bell_count = self.bell_count.wrapping_add(1);
    }

    pub(crate) fn set_window_title(&mut self, title: &[u8]) {
        self.set_title(title);
    }

    /// vt100 only recognises a title OSC with exactly one argument; the OSC parser splits on `;`,
    /// so a title such as `user@host: ~; make` arrives here in pieces and must be rejoined.
    pub(crate) fn unhandled_osc(&mut self, params: &[&[u8]]) {
        let Some((command, pieces)) = params.split_first() else {
            return;
        };
        if (*command == OSC_SET_ICON_AND_TITLE || *command == OSC_SET_TITLE) && !pieces.is_empty() {
            self.set_title(&pieces.join(&b';'));
        }
    }
}
