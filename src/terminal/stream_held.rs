//! The sequences the pass before vt100 holds back until they end (see `stream_state`): an SGR
//! that vt100 would misread, rewritten, and a hyperlink (OSC 8), followed here and left out.

use super::super::decorations::{Decoration, Decorations, MAX_URI_BYTES, acceptable_uri};
use super::super::pass_output::PassOutput;
use super::super::underline_sgr;
use super::{BEL, Scan, StreamState};

/// What an OSC is, as far as it has been read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum OscKind {
    #[default]
    Start,
    /// `8` so far.
    Eight,
    /// `8;`: a hyperlink, held back from vt100 and followed here.
    Link,
    /// A hyperlink too long to hold: refused, and passed on for vt100 to ignore.
    Overlong,
    Other,
}

impl OscKind {
    pub(super) fn after(self, byte: u8) -> Self {
        match (self, byte) {
            (Self::Start, b'8') => Self::Eight,
            (Self::Eight, b';') => Self::Link,
            (Self::Start | Self::Eight, _) => Self::Other,
            (kind, _) => kind,
        }
    }
}

/// The longest sequence held back: an OSC 8 with the longest URI kept and room for its
/// parameters. Anything longer is passed on as it comes.
pub(super) const MAX_HELD_BYTES: usize = MAX_URI_BYTES + 512;

/// How a sequence held back ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ending {
    /// At the byte before an ESC, which starts a new one (or ST).
    BeforeEscape,
    /// With this byte.
    With(u8),
}

impl StreamState {
    /// Whether the sequence being read may still have to change before vt100 sees it.
    pub(super) fn holds_sequence(&self) -> bool {
        matches!(
            self.scan,
            Scan::Escape
                | Scan::Csi(_)
                | Scan::Osc(OscKind::Start | OscKind::Eight | OscKind::Link)
        )
    }

    /// Ends the sequence held back: `bytes[from..end]` of this read (from 0 when it began in
    /// an earlier one) and what was held before. vt100 gets it as it was, rewritten (an SGR it
    /// would misread) or not at all (a hyperlink, followed here).
    pub(super) fn end_held(
        &mut self,
        out: &mut PassOutput<'_>,
        bytes: &[u8],
        held_from: Option<usize>,
        end: usize,
        ending: Ending,
    ) {
        let from = held_from.unwrap_or(0);
        let held_before = !self.held.is_empty();
        self.held.extend_from_slice(&bytes[from..end]);
        let sequence = std::mem::take(&mut self.held);
        let link_ended = match ending {
            Ending::BeforeEscape => self.scan == Scan::Osc(OscKind::Link),
            Ending::With(_) => self.link_ended,
        };
        // The ST after a hyperlink left out goes too: alone, it would keep its line from the
        // flood shortcut (see `plain_lines`).
        let terminates_link = std::mem::take(&mut self.link_left_out) && sequence == b"\x1b\\";
        let replacement = if self.sgr_ended {
            self.rewritten_sgr(&sequence)
        } else if link_ended {
            self.follow_link(&sequence, ending);
            self.link_left_out = ending == Ending::BeforeEscape;
            Some(Vec::new())
        } else if terminates_link {
            Some(Vec::new())
        } else {
            None
        };
        match replacement {
            Some(replacement) => {
                out.up_to(from).extend_from_slice(&replacement);
                out.skip_to(end);
            }
            None if held_before => {
                out.insert_before_read(&sequence[..sequence.len() - (end - from)]);
            }
            None => {}
        }
        self.held = sequence;
        self.held.clear();
        self.holding = false;
        self.sgr_ended = false;
        self.link_ended = false;
    }

    /// Follows the SGR `sequence` (`ESC [ params m`); what vt100 should see instead, if not it.
    fn rewritten_sgr(&mut self, sequence: &[u8]) -> Option<Vec<u8>> {
        let inner = sequence.get(2..sequence.len().saturating_sub(1))?;
        // vte carries out controls inside a sequence as they come: they stay, before it.
        let (controls, params): (Vec<u8>, Vec<u8>) = inner.iter().partition(|byte| **byte < 0x20);
        let before = self.underline;
        let rewritten = underline_sgr::follow(&params, &mut self.underline);
        self.pen_changed |= self.underline != before;
        rewritten.map(|rewritten| [controls, rewritten].concat())
    }

    /// Follows the hyperlink in `sequence` (`ESC ] 8 ; params ; URI`, and BEL if it ended so).
    fn follow_link(&mut self, sequence: &[u8], ending: Ending) {
        let payload = match ending {
            Ending::With(BEL) => &sequence[..sequence.len() - 1],
            _ => sequence,
        };
        // `ESC ] 8 ;`, then the parameters (`id=...`), then the URI, which may hold `;`.
        let uri = payload.get(4..).and_then(|rest| {
            rest.iter()
                .position(|byte| *byte == b';')
                .map(|at| &rest[at + 1..])
        });
        let link = uri.and_then(acceptable_uri);
        if link != self.link {
            self.link = link;
            self.pen_changed = true;
        }
    }

    /// A hyperlink held back past [`MAX_HELD_BYTES`] is refused: what was held goes on to
    /// vt100, which ignores it, as does the rest; the text after it is not linked.
    pub(super) fn release_overlong(&mut self, output: &mut Vec<u8>) {
        output.append(&mut self.held);
        self.holding = false;
        self.sgr_ended = false;
        if let Scan::Osc(kind) = &mut self.scan
            && *kind == OscKind::Link
        {
            *kind = OscKind::Overlong;
            self.pen_changed |= self.link.take().is_some();
        }
    }

    /// Looks up the mark of the pen's underline and link.
    pub(super) fn choose_mark(&mut self, decorations: &mut Decorations) {
        self.pen_changed = false;
        let decoration = Decoration {
            underline: self.underline.style,
            underline_color: self.underline.color,
            link: self.link.clone(),
        };
        self.mark = (!decoration.is_plain()).then(|| decorations.mark_of(&decoration));
    }
}
