//! Taking over the terminal and giving it back, also when tabsh panics.

use std::io::{BufWriter, Stdout, stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
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
            EnableMouseCapture,
            EnableFocusChange
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
    let _ = super::cursor_shape::restore(&mut stdout());
    let _ = execute!(
        stdout(),
        DisableFocusChange,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

tokio::task_local! {
    /// Set for the event loop's task: a panic there ends the TUI.
    static UI: ();
}

/// Runs `work` as the UI: a panic inside it restores the terminal (see the panic hook).
pub async fn as_the_ui<F: std::future::Future>(work: F) -> F::Output {
    UI.scope((), work).await
}

/// Whether a panic here ends the TUI: in the event loop's task, or on the main thread outside
/// any task (before or after the TUI). Anywhere else (a connection's task, the store's thread)
/// only that task ends, and the TUI goes on.
fn panic_ends_the_ui() -> bool {
    UI.try_with(|_| ()).is_ok()
        || (tokio::task::try_id().is_none() && std::thread::current().name() == Some("main"))
}

/// A panic in the UI must leave a usable shell behind: the terminal is restored before the
/// message prints. A panic elsewhere must not touch the screen the UI still draws on: it is
/// logged, and its task ends alone.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if panic_ends_the_ui() {
            restore();
            previous(info);
        } else {
            tracing::error!("a background task panicked and ended: {info}");
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_ui_task_counts_as_the_ui() {
        assert!(as_the_ui(async { panic_ends_the_ui() }).await);
        let elsewhere = tokio::spawn(async { panic_ends_the_ui() }).await.unwrap();
        assert!(!elsewhere, "another task");
        let thread = std::thread::Builder::new()
            .name("tabsh-store".to_owned())
            .spawn(panic_ends_the_ui)
            .unwrap()
            .join()
            .unwrap();
        assert!(!thread, "another thread");
    }
}
