//! A profile's anti-idle switch, flipped from the tab (`Ctrl-\ a`) or the session manager.

use super::effect::Effect;
use super::model::Model;

/// Asks the store to save the profile with its anti-idle switch flipped. The model (and the
/// status bar, and live connections) change when the store has saved it, so what shows is
/// what is on disk.
pub fn toggle_anti_idle_of(model: &mut Model, id: &str, effects: &mut Vec<Effect>) {
    if super::overlays::ssh_hosts::refuse_change(model, id, crate::app::HostChange::SwitchAntiIdle)
    {
        return;
    }
    let Some(mut profile) = model.profiles.get(id).map(|p| p.profile.clone()) else {
        return;
    };
    profile.anti_idle.enabled = !profile.anti_idle.enabled;
    effects.push(Effect::SaveProfile {
        id: Some(id.to_owned()),
        profile: Box::new(profile),
    });
}
