//! The I/O side of the TUI: the event loop, the effect executor, the prompter that routes SSH
//! questions into tabs, and the screen guard. Everything here feeds `app::update`.

mod clipboard;
mod connection_task;
mod control_socket;
mod cursor_shape;
mod executor;
mod frame_pacer;
mod input;
mod outbox;
mod pending_output;
mod prompter;
mod registry;
mod screen;
mod session_log;
mod ssh_config_watcher;
mod store_worker;
mod sync_hold;
mod tab_events;

use std::time::Duration;

use crossterm::event::Event;
use ratatui::backend::Backend;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::app::{self, Model, Msg, NetEvent};
use crate::demo::Targets;
use crate::input::keymap::Keymap;
use crate::profiles::Store;
use crate::ui::FrameMemory;
use cursor_shape::CursorShape;
use executor::Executor;
use frame_pacer::FramePacer;
use input::Input;
use outbox::Outbox;
use pending_output::PendingOutput;
use screen::ScreenGuard;
pub use ssh_config_watcher::SshConfigSource;
use sync_hold::SyncHold;

/// At most this often, on average, the screen is redrawn (about 60 frames a second; see
/// [`FramePacer`]).
const FRAME: Duration = Duration::from_millis(16);
/// How long a question must have been on screen before it takes keys: longer than keys
/// already on their way take to arrive, shorter than anyone reads it.
const PROMPT_ARMING: Duration = Duration::from_millis(300);

/// Arms the question on screen once it has been shown for [`PROMPT_ARMING`].
struct PromptArming {
    outbox: Outbox,
    /// The question last scheduled, so each is armed once.
    scheduled: std::cell::Cell<Option<u64>>,
}

impl PromptArming {
    fn new(outbox: Outbox) -> Self {
        Self {
            outbox,
            scheduled: std::cell::Cell::new(None),
        }
    }

    /// Called after a frame: a question it showed for the first time is armed a moment later.
    fn after_drawing(&self, model: &Model) {
        let Some((tab, prompt)) = model.prompt_to_arm() else {
            return;
        };
        if self.scheduled.replace(Some(prompt)) == Some(prompt) {
            return;
        }
        let outbox = self.outbox.clone();
        tokio::spawn(async move {
            tokio::time::sleep(PROMPT_ARMING).await;
            let _ = outbox.send(Msg::PromptArmed { tab, prompt });
        });
    }
}

/// How often a screen that shows a countdown or a clock is redrawn.
const CLOCK_TICK: Duration = Duration::from_secs(1);
/// Pending messages handled before a draw gets its turn, so a flood cannot starve the screen.
const MAX_BATCH: usize = 1024;

/// Settings of a TUI run that do not live in profiles.
pub struct RunOptions {
    pub keymap: Keymap,
    /// Keyword highlighting for profiles without rules of their own (`highlight.toml`).
    pub highlight: Vec<crate::profiles::HighlightRule>,
    /// Sessions per connection on the built-in demo server (like sshd's MaxSessions).
    pub demo_max_sessions: u32,
    /// The ssh_config whose hosts are listed (read-only) and watched; `None` lists none.
    pub ssh_config: Option<SshConfigSource>,
}

/// Runs the TUI until the person quits. `open` are the profile ids to open at start; with none,
/// the session manager shows.
pub async fn run(store: Store, options: RunOptions, open: Vec<String>) -> anyhow::Result<()> {
    // A task, not the caller's future: on a multi-threaded runtime the caller may be a thread
    // outside the workers, and every keystroke would then wake a worker and every echo the
    // caller's thread. tabsh's own runtime has one thread, where this costs nothing.
    match tokio::spawn(screen::as_the_ui(event_loop(store, options, open))).await {
        Ok(result) => result,
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => Err(error.into()),
        },
    }
}

async fn event_loop(store: Store, options: RunOptions, open: Vec<String>) -> anyhow::Result<()> {
    let mut guard = ScreenGuard::enter()?;
    let size = guard.screen.backend().size()?;
    let (outbox, mut incoming) = mpsc::unbounded_channel();
    let targets = Targets::new(options.demo_max_sessions);
    let arming = PromptArming::new(outbox.clone());
    let mut executor = Executor::new(outbox, store, targets, options.ssh_config)?;
    let mut model = Model::new(options.keymap, size.width, size.height);
    model.highlights.set_global(&options.highlight);
    // The first frame comes before the store's contents and the ssh_config's hosts: the
    // sessions to open wait in the model until both have been read.
    let mut effects = app::update(&mut model, Msg::Start { open });
    let mut input = Input::new()?;
    let frame_memory = FrameMemory::default();
    let mut pending_output = PendingOutput::default();
    let mut dirty = true;
    let mut pacer = FramePacer::new(FRAME, Instant::now());
    let mut next_frame = pacer.next_slot();
    let mut cursor_shape = CursorShape::default();
    let mut sync_hold = SyncHold::default();
    // A frame waits for the active tab's synchronized update to end (see `sync_hold`).
    let mut holding = false;

    loop {
        for effect in effects.drain(..) {
            // The clipboard is the host terminal's, and the loop owns the screen.
            if let app::Effect::SetClipboard { text } = &effect {
                clipboard::set(guard.screen.backend_mut(), text)?;
                continue;
            }
            if !executor.run(effect) {
                return Ok(());
            }
        }
        // Drawn here, at once when the frame slot is free: an echo after a pause is drawn as
        // soon as it arrives, without a turn through the timer.
        if frame_due(dirty, next_frame) {
            // Only the tab on screen needs its output parsed to be drawn.
            effects.extend(hand_over_active(&mut model, &mut pending_output));
            let update = active_synchronized_update(&model);
            if let Some(deadline) = sync_hold.hold_until(update, Instant::now()) {
                // Drawn when the update ends (its output wakes the loop) or at the deadline.
                next_frame = deadline;
                holding = true;
                continue;
            }
            holding = false;
            let area = Rect::new(0, 0, model.cols, model.rows);
            let shown = model.active_tab().map(|tab| &tab.terminal);
            guard.screen.draw_decorated(area, shown, |canvas| {
                crate::ui::view(&model, &frame_memory, canvas)
            })?;
            cursor_shape.show(crate::ui::cursor_style(&model), guard.screen.backend_mut())?;
            dirty = false;
            pacer.drew(Instant::now());
            next_frame = pacer.next_slot();
            arming.after_drawing(&model);
            continue;
        }
        let drawn = model.active_tab().map(|tab| tab.id);
        tokio::select! {
            // Input first: a key never waits behind output, the network or a timer.
            biased;
            batch = input.next() => {
                effects.extend(hand_over_input_tabs(&mut model, &mut pending_output));
                if holding {
                    // That output may have ended the update the frame waits for.
                    next_frame = Instant::now();
                }
                for msg in batch?.into_iter().filter_map(input_msg) {
                    let was_scrolled =
                        model.active_tab().is_some_and(|tab| tab.terminal.is_scrolled());
                    let new_effects = app::update(&mut model, msg);
                    // Input passed straight to the remote changes nothing on screen; a redraw
                    // now would spend the frame slot its echo needs a moment later.
                    let passed_through = !was_scrolled
                        && matches!(new_effects.as_slice(), [app::Effect::Write { .. }]);
                    dirty |= !passed_through;
                    effects.extend(new_effects);
                }
            },
            Some(first) = incoming.recv() => {
                let arrived = Instant::now();
                let mut next = Some(first);
                let (mut handled, mut output) = (0, 0);
                while let Some(item) = next.take() {
                    match item {
                        Msg::Net(NetEvent::Output { tab, bytes }) => {
                            output += bytes.len();
                            dirty |= Some(tab) == drawn;
                            if holding && Some(tab) == drawn {
                                // Perhaps the end of the update the frame waits for.
                                next_frame = Instant::now();
                            }
                            pending_output.push(tab, bytes, arrived);
                        }
                        // Whatever else happened to a tab comes after the output before it.
                        other => {
                            effects.extend(hand_over(&mut model, &mut pending_output));
                            effects.extend(app::update(&mut model, other));
                            dirty = true;
                        }
                    }
                    handled += 1;
                    // A turn takes in about as much output as one slice parses, so the
                    // parsing keeps up and a key waits for little of either.
                    if handled < MAX_BATCH && output < pending_output::SLICE_BYTES {
                        next = incoming.try_recv().ok();
                    }
                }
                // A frame that is due (the echo of a key, say) goes before another tab's
                // slice, which waits a turn: a slice is a few hundred microseconds.
                if !frame_due(dirty, next_frame) {
                    let slice = pending_output.take_ripe_slice(arrived, drawn);
                    dirty |= parse_held(&mut model, slice, &mut effects);
                }
                // Held output stays bounded whatever the network does.
                while pending_output.over_cap() {
                    let slice = pending_output.take_slice(drawn);
                    dirty |= parse_held(&mut model, slice, &mut effects);
                }
            },
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
            // A countdown or the inspector's clocks on screen: redraw once a second.
            _ = tokio::time::sleep(CLOCK_TICK), if !dirty && model.shows_a_clock() => {
                dirty = true;
            }
            // Nothing else to do: parse what other tabs received, once ripe, a slice at a
            // time.
            () = ripening(pending_output.ripe_at(drawn)), if !pending_output.is_empty() => {
                let slice = pending_output.take_ripe_slice(Instant::now(), drawn);
                dirty |= parse_held(&mut model, slice, &mut effects);
            }
        }
    }
}

/// Whether a frame is to be drawn now: something changed and the pacer allows one.
fn frame_due(dirty: bool, next_frame: Instant) -> bool {
    dirty && Instant::now() >= next_frame
}

/// The synchronized update the tab on screen is in, if any.
fn active_synchronized_update(model: &Model) -> Option<(app::TabId, u64)> {
    let tab = model.active_tab()?;
    Some((tab.id, tab.terminal.synchronized_update()?))
}

fn input_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(cols, rows) => Some(Msg::Resize { cols, rows }),
        Event::FocusGained => Some(Msg::HostFocus(true)),
        Event::FocusLost => Some(Msg::HostFocus(false)),
    }
}

/// Passes the output held for the active tab to `update`.
fn hand_over_active(model: &mut Model, pending_output: &mut PendingOutput) -> Vec<app::Effect> {
    match model.active_tab().map(|tab| tab.id) {
        Some(tab) => hand_over_tab(model, pending_output, tab),
        None => Vec::new(),
    }
}

/// Passes the output held for every tab that input typed now reaches to `update`: keys are
/// encoded by each terminal's modes, which its output may change, and a broadcast skips a
/// member in a full-screen program. The active tab, and the group when it is a member.
fn hand_over_input_tabs(model: &mut Model, pending_output: &mut PendingOutput) -> Vec<app::Effect> {
    let mut effects = hand_over_active(model, pending_output);
    if app::broadcast::active_is_member(model) {
        let members: Vec<app::TabId> = model.broadcast.members().collect();
        for tab in members {
            effects.extend(hand_over_tab(model, pending_output, tab));
        }
    }
    effects
}

/// Passes the output held for `tab` to `update`.
fn hand_over_tab(
    model: &mut Model,
    pending_output: &mut PendingOutput,
    tab: app::TabId,
) -> Vec<app::Effect> {
    match pending_output.take_tab(tab) {
        Some(bytes) => app::update(model, Msg::Net(NetEvent::Output { tab, bytes })),
        None => Vec::new(),
    }
}

/// Waits until `ripe_at`, if it is still to come.
async fn ripening(ripe_at: Option<Instant>) {
    if let Some(ripe_at) = ripe_at.filter(|&ripe_at| ripe_at > Instant::now()) {
        tokio::time::sleep_until(ripe_at).await;
    }
}

/// Parses a slice of held output (see [`pending_output::SLICE_BYTES`]), adds its effects to
/// `effects` and says whether it needs a frame: the active tab's output does, and so does a
/// background tab's whose title changed in the tab bar.
fn parse_held(
    model: &mut Model,
    slice: Option<(app::TabId, bytes::Bytes)>,
    effects: &mut Vec<app::Effect>,
) -> bool {
    let Some((tab, bytes)) = slice else {
        return false;
    };
    let bar_stamp = model.bar_stamp(tab);
    effects.extend(app::update(
        model,
        Msg::Net(NetEvent::Output { tab, bytes }),
    ));
    model.output_needs_frame(tab, bar_stamp)
}

/// Passes all the output held for tabs to `update`, one message per tab.
fn hand_over(model: &mut Model, pending_output: &mut PendingOutput) -> Vec<app::Effect> {
    if pending_output.is_empty() {
        return Vec::new();
    }
    pending_output
        .take()
        .flat_map(|(tab, bytes)| app::update(model, Msg::Net(NetEvent::Output { tab, bytes })))
        .collect()
}
