//! Underline styles and hyperlinks on the host terminal.
//!
//! ratatui's cell has an underline colour (sent as SGR 58 by its crossterm backend) but no
//! underline style and no link, so the terminal view leaves marks in a decorated cell's symbol
//! (see `terminal::drawn_decoration`): they make the cell differ for the renderer's diff when
//! its decoration does, and name the entry of the drawn terminal's table to look up. Here the
//! cells a frame sends are rewritten before the backend writes them: the marks come out, and
//! the sequences go in front of the text, after the backend's own SGR for the cell:
//!
//! - a hyperlink is opened with `OSC 8 ; ; URI ST` where a cell's link differs from the one
//!   before, closed with `OSC 8 ; ; ST` where a cell has none or before the cursor moves on
//!   to a cell that is not the next, so a link never covers more than the cells sent with it,
//!   and a cell sent alone inside a link is sent with its link;
//! - an underline style is `CSI 4 : n m` (the colon form, which tmux, kitty, wezterm, foot,
//!   VTE and iTerm2 read), sent where an underlined cell's style differs from what the host
//!   draws with: the backend sends a plain `CSI 4 m` when underlining starts.

use std::fmt::Write as _;

use ratatui::buffer::Cell;
use ratatui::style::Modifier;
use unicode_width::UnicodeWidthStr as _;

use crate::terminal::{Terminal, UnderlineStyle, drawn_decoration};

/// The cells `changes` with their marks turned into sequences, or `None` when no cell has any
/// (the common case: nothing to copy). Decorations are looked up in `terminal`'s table; a cell
/// drawn from another terminal, or whose entry is gone, is sent plain.
pub(super) fn decorated(
    changes: &[(u16, u16, &Cell)],
    terminal: Option<&Terminal>,
) -> Option<Vec<(u16, u16, Cell)>> {
    if !changes
        .iter()
        .any(|(_, _, cell)| drawn_decoration(cell.symbol()).1.is_some())
    {
        return None;
    }
    let mut sent = Vec::with_capacity(changes.len());
    let mut open_link: Option<&str> = None;
    // What the host underlines with: `None` when it does not.
    let mut host_underline: Option<UnderlineStyle> = None;
    let mut modifier = Modifier::empty();
    for (index, &(x, y, cell)) in changes.iter().enumerate() {
        let (text, drawn) = drawn_decoration(cell.symbol());
        let decoration = drawn.and_then(|drawn| {
            let terminal = terminal.filter(|terminal| terminal.drawn_mark() == drawn.terminal)?;
            terminal.decorations().get(drawn.id)
        });
        let mut symbol = String::with_capacity(text.len());
        let link = decoration.and_then(|decoration| decoration.link.as_deref());
        if link != open_link {
            write_link(&mut symbol, link);
            open_link = link;
        }
        let underlined = cell.modifier.contains(Modifier::UNDERLINED);
        let drawn_with = if !underlined {
            None
        } else if modifier.contains(Modifier::UNDERLINED) {
            host_underline
        } else {
            // The backend starts it with a plain `CSI 4 m`.
            Some(UnderlineStyle::Single)
        };
        let wanted = underlined
            .then(|| decoration.map_or(UnderlineStyle::Single, |decoration| decoration.underline));
        if let Some(style) = wanted.filter(|_| wanted != drawn_with) {
            let _ = write!(symbol, "\x1b[4:{}m", style.sub_param());
        }
        host_underline = wanted;
        modifier = cell.modifier;
        symbol.push_str(text);
        // The backend moves the cursor to a cell that is not the next one: the link closes
        // first, so that it covers exactly the cells sent with it.
        let width = u16::try_from(text.width()).unwrap_or(1).max(1);
        let next_is_adjacent = changes
            .get(index + 1)
            .is_some_and(|&(next_x, next_y, _)| next_y == y && next_x == x.saturating_add(width));
        if open_link.is_some() && !next_is_adjacent {
            write_link(&mut symbol, None);
            open_link = None;
        }
        let mut cell = cell.clone();
        cell.set_symbol(&symbol);
        sent.push((x, y, cell));
    }
    Some(sent)
}

/// OSC 8 opening `link`, or closing the one open. The URI is printable ASCII (the table
/// refuses anything else), so it cannot end the sequence early or carry a control.
fn write_link(out: &mut String, link: Option<&str>) {
    out.push_str("\x1b]8;;");
    out.push_str(link.unwrap_or_default());
    out.push_str("\x1b\\");
}
