//! The table printed after a fan-out: each session, how its command ended (or the error that
//! kept it from running) and how long it took.

use std::time::Duration;

use tabsh::escape::escape_line;
use tabsh::ssh::SshError;

use super::Ended;

/// Errors longer than this are cut in the table.
const MAX_ERROR: usize = 200;

#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub outcome: Outcome,
    pub duration: Duration,
}

/// How one session's run ended, in words for the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ended(Ended),
    /// tabsh's own error (connecting, logging in, opening the channel), in its words.
    Failed(String),
}

impl From<Result<Ended, SshError>> for Outcome {
    fn from(result: Result<Ended, SshError>) -> Self {
        match result {
            Ok(ended) => Outcome::Ended(ended),
            Err(error) => Outcome::Failed(error.to_string()),
        }
    }
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        *self == Outcome::Ended(Ended::Status(0))
    }

    fn describe(&self) -> String {
        match self {
            Outcome::Ended(Ended::Status(code)) => format!("exit {code}"),
            Outcome::Ended(Ended::Signal(signal)) => format!("killed by signal {signal}"),
            Outcome::Ended(Ended::NoStatus) => "closed without an exit status".to_owned(),
            // The error can hold server text (a refusal's description, a disconnect message).
            Outcome::Failed(error) => format!("error: {}", escape_line(error)),
        }
    }
}

/// The table, a header and one line per session in the order given, columns aligned; the
/// last line counts the failures.
pub fn table(rows: &[Row]) -> String {
    let described: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            let mut result = row.outcome.describe();
            if result.chars().count() > MAX_ERROR {
                result = result.chars().take(MAX_ERROR - 1).collect::<String>() + "…";
            }
            (
                row.id.clone(),
                result,
                format!("{:.2} s", row.duration.as_secs_f64()),
            )
        })
        .collect();
    let width = |header: &str, column: fn(&(String, String, String)) -> &String| {
        described
            .iter()
            .map(|row| column(row).chars().count())
            .chain([header.chars().count()])
            .max()
            .unwrap_or(0)
    };
    let id_width = width("profile", |row| &row.0);
    let result_width = width("result", |row| &row.1);
    let mut table = format!(
        "{:<id_width$}  {:<result_width$}  time\n",
        "profile", "result"
    );
    for (id, result, time) in &described {
        table.push_str(&format!(
            "{id:<id_width$}  {result:<result_width$}  {time}\n"
        ));
    }
    let failed = rows.iter().filter(|row| !row.outcome.succeeded()).count();
    table.push_str(&match failed {
        0 => format!("all {} succeeded\n", rows.len()),
        n => format!("{n} of {} failed\n", rows.len()),
    });
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, outcome: Outcome, millis: u64) -> Row {
        Row {
            id: id.to_owned(),
            outcome,
            duration: Duration::from_millis(millis),
        }
    }

    #[test]
    fn every_session_gets_a_row_with_its_status_or_error_and_time() {
        let table = table(&[
            row("web1", Outcome::Ended(Ended::Status(0)), 210),
            row("db", Outcome::Ended(Ended::Status(3)), 1500),
            row(
                "down",
                Outcome::Failed("connection refused\x1b[31m".to_owned()),
                2,
            ),
            row("odd", Outcome::Ended(Ended::Signal("TERM".to_owned())), 5),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["profile", "result", "time"]
        );
        assert!(
            lines[1].starts_with("web1     exit 0") && lines[1].ends_with("0.21 s"),
            "{table}"
        );
        assert!(
            lines[2].starts_with("db       exit 3") && lines[2].ends_with("1.50 s"),
            "{table}"
        );
        assert!(
            lines[3].contains("error: connection refused\\033[31m"),
            "{table}"
        );
        assert!(!table.contains('\x1b'), "server text is escaped");
        assert!(lines[4].contains("killed by signal TERM"), "{table}");
        assert_eq!(lines[5], "3 of 4 failed");
    }

    #[test]
    fn only_exit_status_zero_succeeds() {
        assert!(Outcome::Ended(Ended::Status(0)).succeeded());
        assert!(!Outcome::Ended(Ended::Status(1)).succeeded());
        assert!(!Outcome::Ended(Ended::NoStatus).succeeded());
        assert!(!Outcome::Failed("x".to_owned()).succeeded());
    }
}
