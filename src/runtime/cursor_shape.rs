//! The host terminal's cursor shape: the active tab's (DECSCUSR, `ESC [ n SP q`: vim's beam in
//! insert mode, a shell's vi mode) while keys go to it, the host's own otherwise, and the host's
//! own again when tabsh leaves.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::SetCursorStyle;
use crossterm::queue;

use crate::terminal::CursorStyle;

/// Whether the host shows a shape tabsh set, so leaving (also after a panic) puts the host's
/// own back, and only then: a shape the person had before starting tabsh is left alone.
static CHANGED: AtomicBool = AtomicBool::new(false);

/// What the host shows, as far as tabsh knows.
#[derive(Debug, Default)]
pub struct CursorShape {
    /// `None` until tabsh first sends one: the host's own shape.
    shown: Option<CursorStyle>,
}

impl CursorShape {
    /// Makes the host show `wanted`, writing only when it differs from what it shows.
    pub fn show(&mut self, wanted: CursorStyle, out: &mut impl Write) -> io::Result<()> {
        let unchanged = match self.shown {
            Some(shown) => shown == wanted,
            None => wanted == CursorStyle::Default,
        };
        if unchanged {
            return Ok(());
        }
        queue!(out, command(wanted))?;
        out.flush()?;
        CHANGED.store(wanted != CursorStyle::Default, Ordering::Relaxed);
        self.shown = Some(wanted);
        Ok(())
    }
}

/// Puts the host's own shape back if it shows one tabsh set; for leaving the screen.
pub fn restore(out: &mut impl Write) -> io::Result<()> {
    if CHANGED.swap(false, Ordering::Relaxed) {
        queue!(out, SetCursorStyle::DefaultUserShape)?;
    }
    Ok(())
}

fn command(style: CursorStyle) -> SetCursorStyle {
    match style {
        CursorStyle::Default => SetCursorStyle::DefaultUserShape,
        CursorStyle::BlinkBlock => SetCursorStyle::BlinkingBlock,
        CursorStyle::SteadyBlock => SetCursorStyle::SteadyBlock,
        CursorStyle::BlinkUnderline => SetCursorStyle::BlinkingUnderScore,
        CursorStyle::SteadyUnderline => SetCursorStyle::SteadyUnderScore,
        CursorStyle::BlinkVerticalBar => SetCursorStyle::BlinkingBar,
        CursorStyle::SteadyVerticalBar => SetCursorStyle::SteadyBar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(shape: &mut CursorShape, style: CursorStyle) -> String {
        let mut out = Vec::new();
        shape.show(style, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn each_shape_is_sent_once_and_the_default_only_after_another() {
        let mut shape = CursorShape::default();
        assert_eq!(
            shown(&mut shape, CursorStyle::Default),
            "",
            "the host's own"
        );
        assert_eq!(
            shown(&mut shape, CursorStyle::SteadyVerticalBar),
            "\x1b[6 q"
        );
        assert_eq!(shown(&mut shape, CursorStyle::SteadyVerticalBar), "");
        assert_eq!(shown(&mut shape, CursorStyle::BlinkUnderline), "\x1b[3 q");
        assert_eq!(shown(&mut shape, CursorStyle::SteadyBlock), "\x1b[2 q");
        assert_eq!(shown(&mut shape, CursorStyle::Default), "\x1b[0 q");
        let mut out = Vec::new();
        restore(&mut out).unwrap();
        assert!(out.is_empty(), "the host's own already");
        assert_eq!(shown(&mut shape, CursorStyle::BlinkVerticalBar), "\x1b[5 q");
        restore(&mut out).unwrap();
        assert_eq!(out, b"\x1b[0 q", "put back on leaving");
        out.clear();
        restore(&mut out).unwrap();
        assert!(out.is_empty(), "and only once");
    }
}
