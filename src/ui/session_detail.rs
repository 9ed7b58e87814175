//! The session manager's detail line: where the selected session comes from, and for a host of
//! `~/.ssh/config` what tabsh does not use of it or which saved profile wins over it.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::ProfileList;
use crate::profiles::StoredProfile;

/// One line about `selected` (a profile id), or nothing when no session is selected.
pub fn detail_line(list: &ProfileList, selected: Option<&str>) -> Line<'static> {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let Some(id) = selected else {
        return Line::default();
    };
    let Some(host) = list.ssh_host(id) else {
        return match list.get(id) {
            Some(stored) => Line::styled(stored.path.display().to_string(), dim),
            None => Line::default(),
        };
    };
    let mut spans = vec![Span::styled(format!("{} ", host.origin), dim)];
    if let Some(winner) = list.shadowed_by(id) {
        spans.push(Span::styled(
            format!(
                "· the saved profile {} has this name and opens instead",
                describe(winner)
            ),
            Style::new().fg(Color::Yellow),
        ));
        return Line::from(spans);
    }
    if !host.unsupported.is_empty() {
        spans.push(Span::styled(
            format!("· not used: {} ", host.unsupported.join(", ")),
            Style::new().fg(Color::Yellow),
        ));
    }
    if !host.problems.is_empty() {
        spans.push(Span::styled(
            format!("· {} ", host.problems.join("; ")),
            Style::new().fg(Color::Yellow),
        ));
    }
    spans.push(Span::styled("· read-only, ^D makes an editable copy", dim));
    Line::from(spans)
}

fn describe(stored: &StoredProfile) -> String {
    format!("\"{}\" ({})", stored.display_name(), stored.id)
}
