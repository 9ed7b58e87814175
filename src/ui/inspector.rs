//! The connection inspector, drawn: like `ssh -O check` and more. Everything comes from the
//! model; the traffic counters and times are read as it is drawn.

use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::popups::render_box;
use super::words;
use crate::app::{ConnectionId, ConnectionInfo, LinkPhase, Model};
use crate::forwarding::{ForwardStatus, ForwardView};
use crate::profiles::AntiIdle;

pub fn render(
    model: &Model,
    connection: ConnectionId,
    closing: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(info) = model.connections.get(&connection) else {
        return;
    };
    let tabs: Vec<String> = model
        .tabs
        .iter()
        .enumerate()
        .filter(|(_, tab)| tab.connection == Some(connection) && tab.state.is_live())
        .map(|(index, tab)| format!("{} {}", index + 1, model.tab_title(tab)))
        .collect();
    let lines = facts(model, info, &tabs)
        .into_iter()
        .map(|(label, value)| Line::from(format!("{label:<15} {value}")))
        .collect();
    let (keys, style) = if closing {
        (
            format!(
                "Close the connection and its {} tab(s)? y: close   any other key: keep",
                tabs.len()
            ),
            Style::new().light_red(),
        )
    } else {
        let forwards = if info.forwards.is_empty() {
            ""
        } else {
            "1-9: forward on/off   "
        };
        (
            format!("x: close the connection   {forwards}any other key: close this"),
            Style::new().cyan(),
        )
    };
    let title = format!("Connection: {}", info.profile_id);
    render_box(&title, lines, keys, area, buf, style);
}

fn facts(model: &Model, info: &ConnectionInfo, tabs: &[String]) -> Vec<(&'static str, String)> {
    let now = Instant::now();
    let mut facts = vec![("target", or_unknown(&info.target))];
    let state = match &info.phase {
        LinkPhase::Connecting => "connecting".to_owned(),
        LinkPhase::Up { since } => {
            format!("up for {}", duration(now.saturating_duration_since(*since)))
        }
        LinkPhase::Reconnecting(reconnect) => format!(
            "lost ({}); reconnecting, {}",
            reconnect.cause,
            words::reconnect_progress(reconnect, now)
        ),
    };
    facts.push(("state", state));
    if let Some(details) = &info.details {
        let negotiated = &details.negotiated;
        facts.push(("address", or_unknown(&details.address)));
        if let Some(via) = &details.via {
            let carried = details.hop_channels.get().unwrap_or(1);
            facts.push((
                "via",
                format!("{via} (carries {carried} of tabsh's connections, a channel each)"),
            ));
        }
        facts.push((
            "server",
            details
                .server_version
                .clone()
                .unwrap_or_else(|| "(not seen)".to_owned()),
        ));
        facts.push(("key exchange", or_unknown(&negotiated.kex)));
        facts.push(("cipher", or_unknown(&negotiated.cipher)));
        facts.push((
            "MAC",
            negotiated
                .mac_in_use()
                .map_or_else(|| super::words::IMPLICIT_MAC.to_owned(), or_unknown),
        ));
        facts.push(("compression", or_unknown(&negotiated.compression)));
        facts.push((
            "host key",
            format!(
                "{} {}",
                negotiated.host_key_type, negotiated.host_key_fingerprint
            ),
        ));
        facts.push(("logged in by", or_unknown(&details.auth_method)));
    }
    let limit = info
        .server_limit
        .map_or_else(String::new, |limit| format!(" (server limit {limit})"));
    facts.push(("sessions", format!("{} open{limit}", info.sessions)));
    facts.push((
        "tabs",
        if tabs.is_empty() {
            "none".to_owned()
        } else {
            tabs.join(", ")
        },
    ));
    if let Some(activity) = &info.activity {
        let (received, sent) = activity.bytes();
        facts.push((
            "traffic",
            format!(
                "in {}, out {}; idle {} s",
                bytes(received),
                bytes(sent),
                activity.last_traffic().elapsed().as_secs()
            ),
        ));
    }
    let rtt = info.rtt.map_or_else(
        || "not measured".to_owned(),
        |rtt| format!("{} ms", rtt.as_millis()),
    );
    facts.push((
        "round trip",
        format!(
            "{rtt}; keepalives missed {}/{}",
            info.misses.0, info.misses.1
        ),
    ));
    if let Some(profile) = model.profiles.get(&info.profile_id) {
        facts.push(("anti-idle", anti_idle(&profile.profile.anti_idle)));
    }
    let reconnects = if info.reconnects.is_empty() {
        "none".to_owned()
    } else {
        info.reconnects
            .iter()
            .map(|r| format!("{} (back after {})", r.cause, duration(r.after)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    facts.push((
        "reconnects",
        format!("{}: {reconnects}", info.reconnects.len()),
    ));
    for (index, forward) in info.forwards.iter().enumerate() {
        facts.push(("forward", forward_line(index, &forward.view())));
    }
    facts
}

/// `1 -L 127.0.0.1:8080:db:5432: listening on 127.0.0.1:8080; 3 served, 1 open, ...`.
fn forward_line(index: usize, view: &ForwardView) -> String {
    let status = match &view.status {
        ForwardStatus::Off => "off".to_owned(),
        ForwardStatus::Starting => "starting".to_owned(),
        ForwardStatus::Listening(at) => format!("listening on {at}"),
        ForwardStatus::Failed(why) => format!("failed: {why}"),
    };
    let mut line = format!(
        "{} {}: {status}; {} served, {} open, to client {}, from client {}",
        index + 1,
        view.forward.shown(),
        view.served,
        view.open,
        bytes(view.bytes_to_client),
        bytes(view.bytes_from_client)
    );
    if let Some(error) = &view.last_error {
        line.push_str(&format!("; last refused: {error}"));
    }
    line
}

fn or_unknown(text: &str) -> String {
    if text.is_empty() {
        "(unknown)".to_owned()
    } else {
        text.to_owned()
    }
}

/// The anti-idle modes that run, with their intervals.
fn anti_idle(settings: &AntiIdle) -> String {
    if !settings.enabled {
        return "off".to_owned();
    }
    let mut modes = Vec::new();
    if settings.noop.enabled {
        modes.push(format!("NO-OP after {} s", settings.noop.interval_secs));
    }
    if settings.keepalive.enabled {
        modes.push(format!(
            "keepalive every {} s, dead after {} misses",
            settings.keepalive.interval_secs, settings.keepalive.max_misses
        ));
    }
    if settings.idle_string.enabled {
        modes.push(format!(
            "idle string after {} s",
            settings.idle_string.interval_secs
        ));
    }
    if settings.tcp.enabled {
        modes.push(format!(
            "TCP keepalive {}/{}/{}",
            settings.tcp.idle_secs, settings.tcp.interval_secs, settings.tcp.count
        ));
    }
    if modes.is_empty() {
        "on, no mode enabled".to_owned()
    } else {
        format!("on: {}", modes.join(", "))
    }
}

fn duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

fn bytes(count: u64) -> String {
    const KIB: f64 = 1024.0;
    let count_f = count as f64;
    if count_f < KIB {
        format!("{count} B")
    } else if count_f < KIB * KIB {
        format!("{:.1} KiB", count_f / KIB)
    } else if count_f < KIB * KIB * KIB {
        format!("{:.1} MiB", count_f / (KIB * KIB))
    } else {
        format!("{:.1} GiB", count_f / (KIB * KIB * KIB))
    }
}
