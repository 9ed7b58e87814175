//! A CSI sequence as the pass before vt100 reads it (see `stream_state`): which of the modes
//! it follows a DECSET or DECRST names, whether it is DECSTR, and what it does to strikethrough
//! when it is SGR. Malformed sequences, which vte does not dispatch, are marked ignored.

/// IRM, without `?`.
pub(super) const MODE_INSERT: u16 = 4;
/// DECCOLM: 80 or 132 columns. Neither is possible here, but the screen is cleared as xterm
/// does.
pub(super) const MODE_COLUMNS: u16 = 3;
pub(super) const MODE_ALTERNATE_SCREEN: u16 = 47;
pub(super) const MODE_FOCUS_REPORTING: u16 = 1004;
pub(super) const MODE_SAVE_CURSOR_AND_ALTERNATE_SCREEN: u16 = 1049;
pub(super) const MODE_SYNCHRONIZED_OUTPUT: u16 = 2026;

/// A CSI sequence read so far: what is needed of DECSET and DECRST, and DECSTR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Csi {
    /// `?` came first.
    pub(super) private: bool,
    /// Another private marker (`<`, `=`, `>`) came first: not DECSET, not SGR.
    pub(super) other_marker: bool,
    /// `!` came as the intermediate.
    pub(super) bang: bool,
    /// The parameter being read, or `None` once it holds more than digits.
    param: Option<u16>,
    /// Which followed modes the finished parameters named.
    pub(super) modes: ModeSet,
    /// Malformed for vte (a parameter byte after an intermediate, a late private marker):
    /// nothing is dispatched.
    pub(super) ignored: bool,
    /// Parameter bytes or intermediates seen, so a `?` is no longer the first byte.
    started: bool,
    /// An intermediate byte seen: parameters can no longer follow.
    pub(super) intermediate: bool,
    /// What the parameters so far do to strikethrough, read as SGR.
    pub(super) strike: Option<bool>,
    /// Parameters still to pass over as part of an extended colour (`38;5;n`, `58;2;r;g;b`).
    colour: ExtendedColour,
}

/// Where SGR parameters are within an extended colour, whose numbers are not attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ExtendedColour {
    #[default]
    Outside,
    /// After 38, 48 or 58: 5 or 2 says how many numbers follow.
    Selector,
    Skipping(u8),
}

/// The followed modes named in one DECSET or DECRST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ModeSet(u8);

impl ModeSet {
    fn bit(mode: u16) -> u8 {
        match mode {
            MODE_ALTERNATE_SCREEN => 1,
            MODE_FOCUS_REPORTING => 2,
            MODE_SAVE_CURSOR_AND_ALTERNATE_SCREEN => 4,
            MODE_SYNCHRONIZED_OUTPUT => 8,
            MODE_INSERT => 16,
            MODE_COLUMNS => 32,
            _ => 0,
        }
    }

    fn add(&mut self, mode: u16) {
        self.0 |= Self::bit(mode);
    }

    pub(super) fn has(self, mode: u16) -> bool {
        self.0 & Self::bit(mode) != 0
    }
}

impl Csi {
    /// A parameter, intermediate or private-marker byte.
    pub(super) fn take(&mut self, byte: u8) {
        if self.intermediate && (0x30..=0x3f).contains(&byte) {
            self.ignored = true;
            return;
        }
        match byte {
            b'0'..=b'9' => {
                self.param = self.param.map(|param| {
                    param
                        .saturating_mul(10)
                        .saturating_add(u16::from(byte - b'0'))
                });
                self.started = true;
            }
            b';' => {
                self.finish_param();
                self.started = true;
            }
            // A sub-parameter: vt100 matches DECSET parameters whole, so this one names none.
            b':' => {
                self.param = None;
                self.started = true;
            }
            b'<'..=b'?' if !self.started => {
                self.private = byte == b'?';
                self.other_marker = byte != b'?';
                self.started = true;
            }
            b'<'..=b'?' => self.ignored = true,
            0x20..=0x2f => {
                self.bang |= byte == b'!';
                self.started = true;
                self.intermediate = true;
            }
            _ => {}
        }
    }

    pub(super) fn finish_param(&mut self) {
        if let Some(param) = self.param {
            self.modes.add(param);
        }
        self.follow_sgr(self.param);
        self.param = Some(0);
    }

    /// Reads a finished parameter as SGR would: 9 strikes through, 29 and 0 stop it, and the
    /// numbers of an extended colour are colours, whatever their value.
    fn follow_sgr(&mut self, param: Option<u16>) {
        self.colour = match (self.colour, param) {
            (ExtendedColour::Selector, Some(5)) => ExtendedColour::Skipping(1),
            (ExtendedColour::Selector, Some(2)) => ExtendedColour::Skipping(3),
            (ExtendedColour::Selector, _) | (ExtendedColour::Skipping(1), _) => {
                ExtendedColour::Outside
            }
            (ExtendedColour::Skipping(left), _) => ExtendedColour::Skipping(left - 1),
            (ExtendedColour::Outside, Some(38 | 48 | 58)) => ExtendedColour::Selector,
            (ExtendedColour::Outside, param) => {
                match param {
                    Some(9) => self.strike = Some(true),
                    Some(0 | 29) => self.strike = Some(false),
                    _ => {}
                }
                ExtendedColour::Outside
            }
        };
    }
}

impl Default for Csi {
    fn default() -> Self {
        Self {
            private: false,
            other_marker: false,
            bang: false,
            param: Some(0),
            modes: ModeSet::default(),
            ignored: false,
            started: false,
            intermediate: false,
            strike: None,
            colour: ExtendedColour::Outside,
        }
    }
}
