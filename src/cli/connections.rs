//! `tabsh connections`: the running TUI's connections, like `ssh -O check`; `--close PROFILE`
//! closes a profile's connections and their tabs, like `ssh -O exit`.

use std::path::Path;

use anyhow::{Context, bail};
use tabsh::control::{self, ConnectionRow, Health, Reply, Request};
use tokio::net::UnixStream;

/// Lists the connections (`close: None`) or closes those of the profile with this id.
pub async fn run(config_dir: &Path, close: Option<(&str, &str)>) -> anyhow::Result<u8> {
    let path = control::socket_path(config_dir);
    let Ok(stream) = UnixStream::connect(&path).await else {
        bail!(
            "no tabsh TUI is running for {} (nothing listens on {})",
            config_dir.display(),
            path.display()
        );
    };
    let (mut reading, mut writing) = stream.into_split();
    let request = match close {
        Some((id, _)) => Request::Close {
            profile: id.to_owned(),
        },
        None => Request::List,
    };
    control::write_request(&mut writing, &request)
        .await
        .context("asking the TUI")?;
    let reply = control::read_reply(&mut reading)
        .await
        .context("reading the TUI's answer")?;
    match (reply, close) {
        (Some(Reply::Connections(rows)), None) => {
            print!("{}", table(&rows));
            Ok(0)
        }
        (Some(Reply::Closed(0)), Some((_, name))) => {
            eprintln!("tabsh: the TUI has no connection of {name}");
            Ok(1)
        }
        (Some(Reply::Closed(count)), Some((_, name))) => {
            let what = if count == 1 {
                "connection"
            } else {
                "connections"
            };
            println!("closed {count} {what} of {name}");
            Ok(0)
        }
        (other, _) => bail!("the TUI answered unexpectedly: {other:?}"),
    }
}

fn table(rows: &[ConnectionRow]) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                row.profile.clone(),
                row.target.clone(),
                match row.limit {
                    Some(limit) => format!("{}/{limit}", row.sessions),
                    None => row.sessions.to_string(),
                },
                row.uptime_secs.map_or_else(|| "-".to_owned(), uptime),
                health(&row.health),
            ]
        })
        .collect();
    let header = ["profile", "target", "sessions", "uptime", "health"];
    let widths: Vec<usize> = (0..5)
        .map(|column| {
            cells
                .iter()
                .map(|row| row[column].chars().count())
                .chain([header[column].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |fields: [&str; 5]| {
        let mut text = String::new();
        for (column, field) in fields.iter().enumerate() {
            if column == 4 {
                text.push_str(field);
            } else {
                text.push_str(&format!("{field:<width$}  ", width = widths[column]));
            }
        }
        text.push('\n');
        text
    };
    let mut text = line(header);
    for row in &cells {
        text.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    if rows.is_empty() {
        text.push_str("(no connections)\n");
    }
    text
}

fn uptime(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

fn health(health: &Health) -> String {
    match health {
        Health::Connecting => "connecting".to_owned(),
        Health::Up { misses: 0, .. } => "up".to_owned(),
        Health::Up { misses, max } => format!("up, {misses}/{max} keepalives unanswered"),
        Health::Reconnecting { attempt } => format!("reconnecting (attempt {attempt})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_sessions_against_the_limit_uptime_and_health() {
        let text = table(&[
            ConnectionRow {
                profile: "web".into(),
                target: "me@web:22".into(),
                sessions: 3,
                limit: Some(10),
                uptime_secs: Some(65),
                health: Health::Up { misses: 1, max: 3 },
            },
            ConnectionRow {
                profile: "db".into(),
                target: String::new(),
                sessions: 1,
                limit: None,
                uptime_secs: None,
                health: Health::Reconnecting { attempt: 2 },
            },
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("profile  target"), "{text}");
        assert!(
            lines[1].contains("3/10") && lines[1].contains("1m 05s"),
            "{text}"
        );
        assert!(
            lines[1].ends_with("up, 1/3 keepalives unanswered"),
            "{text}"
        );
        assert!(lines[2].ends_with("reconnecting (attempt 2)"), "{text}");
    }
}
