//! Taking over the terminal and giving it back, also when tabsh panics.

use std::io::{BufWriter, Stdout, stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Rect;

use crate::ui::Renderer;

/// Frames are gathered here and leave in one write: stdout's own buffer is a 1 KiB line buffer.
const FRAME_BUFFER_BYTES: usize = 64 * 1024;

pub type Screen = Renderer<CrosstermBackend<BufWriter<Stdout>>>;

/// Raw mode, alternate screen, bracketed paste and mouse reporting, undone on drop.
pub struct ScreenGuard {
    pub screen: Screen,
}

impl ScreenGuard {
    pub fn enter() -> std::io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableMouseCapture
        )?;
        let backend = CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER_BYTES, stdout()));
        let size = backend.size()?;
        let screen = Renderer::new(backend, Rect::new(0, 0, size.width, size.height));
        Ok(Self { screen })
    }
}

impl Drop for ScreenGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// A panic must leave a usable shell behind: restore the terminal before the message prints.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
