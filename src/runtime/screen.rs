//! Taking over the terminal and giving it back, also when tabsh panics.

use std::io::{Stdout, stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Screen = Terminal<CrosstermBackend<Stdout>>;

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
        let screen = Terminal::new(CrosstermBackend::new(stdout()))?;
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
