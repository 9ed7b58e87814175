//! `update`: the one place the model changes. It does no I/O; what must happen outside comes
//! back as effects for the runtime.

use super::control;
use super::effect::Effect;
use super::focus;
use super::ids::ConnectionId;
use super::keys;
use super::model::{Model, Overlay};
use super::msg::Msg;
use super::net;
use super::notice::Notice;
use super::open::open_profile;
use super::overlays::session_manager::SessionManager;
use super::profile_list::ProfileList;
use super::reconnect;
use super::sessions;
use crate::profiles::{AntiIdle, LoadError, StoredProfile};

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    let focused_before = focus::focused_tab(model);
    match msg {
        Msg::Start { open } => {
            if open.is_empty() {
                // It shows at once, and lists the sessions as soon as they are read.
                model.overlay = Some(Overlay::SessionManager(SessionManager::new()));
            } else {
                model.opening_at_start = open;
                open_at_start(model, &mut effects);
            }
        }
        Msg::Key(key) => keys::on_key(model, key, &mut effects),
        Msg::Mouse(event) => keys::on_mouse(model, event, &mut effects),
        Msg::Paste(text) => keys::on_paste(model, &text, &mut effects),
        Msg::HostFocus(focused) => model.host_focused = focused,
        Msg::Resize { cols, rows } => keys::on_resize(model, cols, rows, &mut effects),
        Msg::Net(event) => net::on_event(model, event, &mut effects),
        Msg::Profiles { profiles, failures } => {
            profiles_changed(model, profiles, failures, &mut effects)
        }
        Msg::Stored(outcome) => model.notice = Some(Notice::Store(outcome)),
        Msg::PromptArmed { tab, prompt } => {
            if let Some(pending) = model
                .tab_mut(tab)
                .and_then(|tab| tab.prompts.iter_mut().find(|p| p.id == prompt))
            {
                pending.armed = true;
            }
            super::remote_clipboard::arm(model, tab, prompt);
        }
        Msg::ReconnectDue {
            connection,
            attempt,
        } => reconnect::due(model, connection, attempt, &mut effects),
        Msg::LingerExpired { connection } => {
            sessions::linger_expired(model, connection, &mut effects)
        }
        Msg::Control {
            client,
            request,
            at,
        } => control::on_request(model, client, request, at, &mut effects),
        Msg::LogFailed { tab, error } => super::session_log::failed(model, tab, error),
        Msg::ControlExecEnded { client } => control::exec_ended(model, client, &mut effects),
        Msg::SshConfig(listing) => replace_profiles(model, &mut effects, |list, in_use| {
            list.replace_ssh_config(*listing, in_use)
        }),
    }
    settle_active_tab(model);
    focus::report_change(model, focused_before, &mut effects);
    effects
}

/// What belongs to the tab on screen ends when another takes its place (search, copy mode),
/// and the tab on screen has nothing to tell in the tab bar.
fn settle_active_tab(model: &mut Model) {
    let active = model.active_tab().map(|tab| tab.id);
    if model
        .search
        .as_ref()
        .is_some_and(|search| Some(search.tab) != active)
    {
        model.search = None;
    }
    let copy_lost = model
        .copy
        .as_ref()
        .is_some_and(|copy| Some(copy.tab) != active || (!model.scrollback_mode && !copy.by_mouse));
    if copy_lost {
        model.copy = None;
    }
    if let Some(tab) = model.active_tab_mut() {
        tab.marks.activity = false;
        tab.marks.bell = false;
    }
}

/// The store's new contents replace the model's one copy; live connections whose profile's
/// anti-idle settings changed get the new ones at once.
fn profiles_changed(
    model: &mut Model,
    profiles: Vec<StoredProfile>,
    failures: Vec<LoadError>,
    effects: &mut Vec<Effect>,
) {
    replace_profiles(model, effects, |list, in_use| {
        list.replace(profiles, failures, in_use)
    });
}

/// Changes the profile list with `replace`, which is told which ids open tabs use; live
/// connections whose profile's anti-idle settings changed get the new ones at once.
fn replace_profiles(
    model: &mut Model,
    effects: &mut Vec<Effect>,
    replace: impl FnOnce(&mut ProfileList, &dyn Fn(&str) -> bool),
) {
    let before: Vec<(ConnectionId, Option<AntiIdle>, Vec<bool>)> = model
        .connections
        .iter()
        .filter(|(_, info)| info.is_up())
        .map(|(id, info)| {
            (
                *id,
                anti_idle_of(model, &info.profile_id),
                forwards_on(model, &info.profile_id),
            )
        })
        .collect();
    let tabs = &model.tabs;
    replace(&mut model.profiles, &|id| {
        tabs.iter().any(|tab| tab.profile_id == id)
    });
    super::highlights::rebuild(model);
    open_at_start(model, effects);
    for (connection, old, old_forwards) in before {
        let Some(info) = model.connections.get(&connection) else {
            continue;
        };
        let forwards = forwards_on(model, &info.profile_id);
        if forwards != old_forwards {
            effects.push(Effect::SetForwards {
                connection,
                enabled: forwards,
            });
        }
        if let Some(settings) = anti_idle_of(model, &info.profile_id)
            && old.as_ref() != Some(&settings)
        {
            effects.push(Effect::SetAntiIdle {
                connection,
                settings,
            });
        }
    }
}

/// Opens the sessions asked for at start, once the profiles have been read.
fn open_at_start(model: &mut Model, effects: &mut Vec<Effect>) {
    if !model.profiles.is_read() || model.opening_at_start.is_empty() {
        return;
    }
    for profile_id in std::mem::take(&mut model.opening_at_start) {
        open_profile(model, &profile_id, effects);
    }
    // None of them could be opened (each says why): the session manager instead.
    if model.tabs.is_empty() && model.overlay.is_none() {
        model.overlay = Some(Overlay::SessionManager(SessionManager::new()));
    }
}

/// Which of the profile's forwards are switched on.
fn forwards_on(model: &Model, profile_id: &str) -> Vec<bool> {
    model.profiles.get(profile_id).map_or_else(Vec::new, |p| {
        p.profile.forward.iter().map(|f| f.enabled).collect()
    })
}

fn anti_idle_of(model: &Model, profile_id: &str) -> Option<AntiIdle> {
    model
        .profiles
        .get(profile_id)
        .map(|p| p.profile.anti_idle.clone())
}
