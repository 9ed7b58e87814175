//! Session logs, as the model sees them: which tabs are logged and whether their log failed.
//! The lines come from the tab's terminal (text mode) or its output as received (raw); the
//! runtime writes them on a thread of its own.

use super::effect::Effect;
use super::ids::TabId;
use super::model::{Model, Tab};
use super::notice::Notice;
pub use super::state::session_log::TabLog;

/// `Ctrl-\ l`: the active tab starts or stops logging.
pub fn toggle(model: &mut Model, effects: &mut Vec<Effect>) {
    let Some(tab) = model.active_tab().map(|tab| tab.id) else {
        return;
    };
    let logging = model.tab_mut(tab).is_some_and(|tab| tab.log.is_some());
    if logging {
        stop(model, tab, effects);
        model.notice = Some(Notice::LogStopped);
    } else {
        start(model, tab, effects);
    }
}

/// Starts logging `tab` with its profile's `[log]` settings.
pub fn start(model: &mut Model, tab: TabId, effects: &mut Vec<Effect>) {
    let Some(index) = model.tab_index(tab) else {
        return;
    };
    let Some(profile) = model.profile_of(&model.tabs[index]).cloned() else {
        return;
    };
    let settings = profile.profile.log.clone();
    let logged = &mut model.tabs[index];
    if !settings.raw {
        logged.terminal.set_logging(true);
    }
    logged.log = Some(TabLog {
        raw: settings.raw,
        error: None,
    });
    effects.push(Effect::StartLog {
        tab,
        settings,
        id: profile.id.clone(),
        name: profile.display_name().to_owned(),
        host: profile.profile.host.clone(),
    });
}

/// Stops logging `tab`: what its screen still holds above the cursor (and the cursor's line)
/// is written first.
pub fn stop(model: &mut Model, tab: TabId, effects: &mut Vec<Effect>) {
    let Some(logged) = model.tab_mut(tab) else {
        return;
    };
    if logged.log.take().is_none() {
        return;
    }
    let lines = logged.terminal.finish_log();
    if !lines.is_empty() {
        effects.push(Effect::LogLines { tab, lines });
    }
    effects.push(Effect::StopLog { tab });
}

/// Logs what `bytes` (just fed to the tab's terminal) produced.
pub fn after_output(tab: &mut Tab, bytes: &[u8], effects: &mut Vec<Effect>) {
    match &tab.log {
        None | Some(TabLog { error: Some(_), .. }) => {}
        Some(TabLog { raw: true, .. }) => effects.push(Effect::LogBytes {
            tab: tab.id,
            bytes: bytes.to_vec(),
        }),
        Some(TabLog { raw: false, .. }) => {
            let lines = tab.terminal.take_log_lines();
            if !lines.is_empty() {
                effects.push(Effect::LogLines { tab: tab.id, lines });
            }
        }
    }
}

/// Writing `tab`'s log failed; the tab says so and its session goes on unlogged.
pub fn failed(model: &mut Model, tab: TabId, error: String) {
    if let Some(log) = model.tab_mut(tab).and_then(|tab| tab.log.as_mut()) {
        log.error = Some(error);
    }
}

/// A tab of a profile with `[log] enabled` starts logging as its channel opens (not again
/// after a reconnect: it never stopped).
pub fn on_open(model: &mut Model, tab: TabId, effects: &mut Vec<Effect>) {
    let wanted = model.tab_index(tab).is_some_and(|index| {
        let open = &model.tabs[index];
        open.log.is_none()
            && model
                .profile_of(open)
                .is_some_and(|profile| profile.profile.log.enabled)
    });
    if wanted {
        start(model, tab, effects);
    }
}

/// Every logged tab writes what its screen still holds and closes its log (quitting).
pub fn stop_all(model: &mut Model, effects: &mut Vec<Effect>) {
    let logged: Vec<TabId> = model
        .tabs
        .iter()
        .filter(|tab| tab.log.is_some())
        .map(|tab| tab.id)
        .collect();
    for tab in logged {
        stop(model, tab, effects);
    }
}
