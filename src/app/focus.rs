//! Focus reports (DECSET 1004): a tab whose program asked for them hears `ESC [ I` when it
//! gains focus and `ESC [ O` when it loses it, as in xterm and tmux. A tab has focus while it
//! is the active tab and the host terminal has focus (as far as the host terminal reports it).

use super::effect::Effect;
use super::ids::TabId;
use super::model::{Model, TabState};

/// The tab that has focus now, if any.
pub(super) fn focused_tab(model: &Model) -> Option<TabId> {
    if !model.host_focused {
        return None;
    }
    model.active_tab().map(|tab| tab.id)
}

/// Reports the move of focus from `before` to where it is now, to the tabs that asked:
/// focus-out first, as a terminal would.
pub(super) fn report_change(model: &Model, before: Option<TabId>, effects: &mut Vec<Effect>) {
    let after = focused_tab(model);
    if before == after {
        return;
    }
    for (tab, focused) in [(before, false), (after, true)] {
        let Some(tab) = tab.and_then(|id| model.tabs.iter().find(|tab| tab.id == id)) else {
            continue;
        };
        if tab.state == TabState::Open && tab.terminal.focus_reporting() {
            effects.push(Effect::ReportFocus {
                tab: tab.id,
                focused,
            });
        }
    }
}
