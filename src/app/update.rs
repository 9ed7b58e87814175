//! `update`: the one place the model changes. It does no I/O; what must happen outside comes
//! back as effects for the runtime.

use super::effect::Effect;
use super::keys;
use super::model::{Model, Overlay};
use super::msg::Msg;
use super::net;
use super::open::open_profile;
use super::sessions;
use crate::ui::session_manager::SessionManager;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    match msg {
        Msg::Start { open } => {
            for profile_id in open {
                open_profile(model, &profile_id, &mut effects);
            }
            if model.tabs.is_empty() {
                model.overlay = Some(Overlay::SessionManager(SessionManager::new()));
            }
        }
        Msg::Key(key) => keys::on_key(model, key, &mut effects),
        Msg::Mouse(event) => keys::on_mouse(model, event, &mut effects),
        Msg::Paste(text) => keys::on_paste(model, &text, &mut effects),
        Msg::Resize { cols, rows } => keys::on_resize(model, cols, rows, &mut effects),
        Msg::Net(event) => net::on_event(model, event, &mut effects),
        Msg::Profiles { profiles, failures } => {
            let tabs = &model.tabs;
            model.profiles.replace(profiles, failures, |id| {
                tabs.iter().any(|tab| tab.profile_id == id)
            });
        }
        Msg::Notice(text) => model.notice = Some(text),
        Msg::LingerExpired { connection } => {
            sessions::linger_expired(model, connection, &mut effects)
        }
    }
    effects
}
