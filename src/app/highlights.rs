//! Keyword highlighting rules compiled once per profile, so that drawing a frame only runs
//! them: the global rules, and those of each profile that has its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::model::Model;
pub use super::state::highlights::Highlights;
use crate::terminal::Highlighter;

/// Compiles the rules of every profile listed or used by a tab again, after the profiles
/// changed.
pub fn rebuild(model: &mut Model) {
    let mut by_profile = BTreeMap::new();
    let tab_profiles = model
        .tabs
        .iter()
        .filter_map(|tab| model.profiles.get(&tab.profile_id));
    for stored in model.profiles.listed().iter().chain(tab_profiles) {
        if let Some(rules) = &stored.profile.highlight
            && !by_profile.contains_key(&stored.id)
        {
            by_profile.insert(stored.id.clone(), Arc::new(Highlighter::new(rules)));
        }
    }
    model.highlights.set_profiles(by_profile);
}
