//! The control socket's protocol, like OpenSSH's ControlMaster: a running TUI listens on a
//! private Unix socket, and `tabsh exec` and `tabsh connections` ask it to run a command on a
//! live connection (no new login), to list its connections or to close one.
//!
//! One request per connection to the socket, then frames both ways. A frame is a tag byte, a
//! big-endian u32 length and that many bytes; a frame over [`MAX_FRAME`] is refused, so a
//! peer cannot make the other side hold more than that.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest frame either side accepts.
pub const MAX_FRAME: usize = 1024 * 1024;

/// A client of the socket, minted by the runtime as it accepts one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub u64);

/// What a client asks (the first frame), and its input after an accepted exec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Run `command` on a live connection of the profile with this id.
    Exec { profile: String, command: String },
    /// Data for the command's stdin (after `Accepted`).
    Input(Vec<u8>),
    /// The command's stdin ends.
    InputEnd,
    /// The TUI's connections.
    List,
    /// Close every connection of the profile with this id.
    Close { profile: String },
}

/// What the TUI answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The command runs on a live connection; output follows.
    Accepted,
    /// Not run here (no live connection, at its session limit, the server refused the
    /// channel): the client runs it on a connection of its own.
    Refused(String),
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    Exit(u32),
    /// Killed by this signal (the server's name for it).
    Signal(String),
    /// The run ended without a status (the connection was lost, output overflowed).
    Failed(String),
    Connections(Vec<ConnectionRow>),
    /// How many connections `Close` closed.
    Closed(u32),
}

/// One live connection, for `tabsh connections`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub profile: String,
    /// `user@host:port`, empty while connecting.
    pub target: String,
    pub sessions: u32,
    /// The server's session limit once learned.
    pub limit: Option<u32>,
    pub uptime_secs: Option<u64>,
    pub health: Health,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Connecting,
    /// Up; keepalives unanswered in a row and the limit.
    Up {
        misses: u32,
        max: u32,
    },
    /// Lost, coming back: the attempt under way or next.
    Reconnecting {
        attempt: u32,
    },
}

/// The socket of the TUI using `config_dir`: under `$XDG_RUNTIME_DIR/tabsh/` (named after the
/// config dir, so TUIs of different config dirs do not meet), else `<config dir>/run/`.
pub fn socket_path(config_dir: &Path) -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(runtime) if runtime.is_absolute() => runtime.join("tabsh").join(format!(
            "control-{:016x}.sock",
            fnv1a(config_dir.as_os_str().as_encoded_bytes())
        )),
        _ => config_dir.join("run").join("control.sock"),
    }
}

/// FNV-1a: stable across builds and platforms, which a name on disk needs and std's hasher
/// does not promise.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub async fn write_request<W: AsyncWrite + Unpin>(
    out: &mut W,
    request: &Request,
) -> std::io::Result<()> {
    let (tag, payload) = match request {
        Request::Exec { profile, command } => (
            b'E',
            [profile.as_bytes(), &b"\0"[..], command.as_bytes()].concat(),
        ),
        Request::Input(bytes) => (b'I', bytes.clone()),
        Request::InputEnd => (b'D', Vec::new()),
        Request::List => (b'L', Vec::new()),
        Request::Close { profile } => (b'C', profile.as_bytes().to_vec()),
    };
    write_frame(out, tag, &payload).await
}

pub async fn read_request<R: AsyncRead + Unpin>(input: &mut R) -> std::io::Result<Option<Request>> {
    let Some((tag, payload)) = read_frame(input).await? else {
        return Ok(None);
    };
    let text = || String::from_utf8_lossy(&payload).into_owned();
    Ok(Some(match tag {
        b'E' => {
            let at = payload
                .iter()
                .position(|b| *b == 0)
                .ok_or_else(|| invalid("an exec without a command"))?;
            Request::Exec {
                profile: String::from_utf8_lossy(&payload[..at]).into_owned(),
                command: String::from_utf8_lossy(&payload[at + 1..]).into_owned(),
            }
        }
        b'I' => Request::Input(payload),
        b'D' => Request::InputEnd,
        b'L' => Request::List,
        b'C' => Request::Close { profile: text() },
        other => return Err(invalid(&format!("unknown request {other}"))),
    }))
}

pub async fn write_reply<W: AsyncWrite + Unpin>(out: &mut W, reply: &Reply) -> std::io::Result<()> {
    let (tag, payload): (u8, Vec<u8>) = match reply {
        Reply::Accepted => (b'A', Vec::new()),
        Reply::Refused(reason) => (b'R', reason.as_bytes().to_vec()),
        Reply::Stdout(bytes) => (b'O', bytes.clone()),
        Reply::Stderr(bytes) => (b'e', bytes.clone()),
        Reply::Exit(status) => (b'X', status.to_be_bytes().to_vec()),
        Reply::Signal(name) => (b'S', name.as_bytes().to_vec()),
        Reply::Failed(reason) => (b'F', reason.as_bytes().to_vec()),
        Reply::Connections(rows) => (b'T', encode_rows(rows).into_bytes()),
        Reply::Closed(count) => (b'c', count.to_be_bytes().to_vec()),
    };
    write_frame(out, tag, &payload).await
}

pub async fn read_reply<R: AsyncRead + Unpin>(input: &mut R) -> std::io::Result<Option<Reply>> {
    let Some((tag, payload)) = read_frame(input).await? else {
        return Ok(None);
    };
    let text = || String::from_utf8_lossy(&payload).into_owned();
    let number = || {
        <[u8; 4]>::try_from(payload.as_slice())
            .map(u32::from_be_bytes)
            .map_err(|_| invalid("a number frame of the wrong size"))
    };
    Ok(Some(match tag {
        b'A' => Reply::Accepted,
        b'R' => Reply::Refused(text()),
        b'O' => Reply::Stdout(payload),
        b'e' => Reply::Stderr(payload),
        b'X' => Reply::Exit(number()?),
        b'S' => Reply::Signal(text()),
        b'F' => Reply::Failed(text()),
        b'T' => Reply::Connections(decode_rows(&text())?),
        b'c' => Reply::Closed(number()?),
        other => return Err(invalid(&format!("unknown reply {other}"))),
    }))
}

async fn write_frame<W: AsyncWrite + Unpin>(
    out: &mut W,
    tag: u8,
    payload: &[u8],
) -> std::io::Result<()> {
    if payload.len() > MAX_FRAME {
        return Err(invalid("a frame over the limit"));
    }
    let mut frame = Vec::with_capacity(5 + payload.len());
    frame.push(tag);
    frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    frame.extend_from_slice(payload);
    out.write_all(&frame).await?;
    out.flush().await
}

/// `None` at a clean end between frames.
async fn read_frame<R: AsyncRead + Unpin>(input: &mut R) -> std::io::Result<Option<(u8, Vec<u8>)>> {
    let mut header = [0u8; 5];
    match input.read_exact(&mut header[..1]).await {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    input.read_exact(&mut header[1..]).await?;
    let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if length > MAX_FRAME {
        return Err(invalid("a frame over the limit"));
    }
    let mut payload = vec![0u8; length];
    input.read_exact(&mut payload).await?;
    Ok(Some((header[0], payload)))
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("control socket: {what}"),
    )
}

/// One row a line, fields split by tabs (which ids and targets never hold: they are cleaned).
fn encode_rows(rows: &[ConnectionRow]) -> String {
    let clean = |text: &str| text.replace(['\t', '\n'], " ");
    let optional = |value: Option<u64>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    rows.iter()
        .map(|row| {
            let (health, a, b) = match row.health {
                Health::Connecting => ("connecting", 0, 0),
                Health::Up { misses, max } => ("up", misses, max),
                Health::Reconnecting { attempt } => ("reconnecting", attempt, 0),
            };
            format!(
                "{}\t{}\t{}\t{}\t{}\t{health}\t{a}\t{b}\n",
                clean(&row.profile),
                clean(&row.target),
                row.sessions,
                optional(row.limit.map(u64::from)),
                optional(row.uptime_secs),
            )
        })
        .collect()
}

fn decode_rows(text: &str) -> std::io::Result<Vec<ConnectionRow>> {
    let bad = || invalid("a malformed connection row");
    text.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [profile, target, sessions, limit, uptime, health, a, b] = fields.as_slice() else {
                return Err(bad());
            };
            let number = |text: &str| text.parse::<u32>().map_err(|_| bad());
            let (a, b) = (number(a)?, number(b)?);
            Ok(ConnectionRow {
                profile: (*profile).to_owned(),
                target: (*target).to_owned(),
                sessions: number(sessions)?,
                limit: (*limit != "-").then(|| number(limit)).transpose()?,
                uptime_secs: (*uptime != "-")
                    .then(|| uptime.parse::<u64>().map_err(|_| bad()))
                    .transpose()?,
                health: match *health {
                    "connecting" => Health::Connecting,
                    "up" => Health::Up { misses: a, max: b },
                    "reconnecting" => Health::Reconnecting { attempt: a },
                    _ => return Err(bad()),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_and_replies_survive_the_wire() {
        let requests = [
            Request::Exec {
                profile: "web".into(),
                command: "echo a\0b".into(),
            },
            Request::Input(vec![0, 1, 2]),
            Request::InputEnd,
            Request::List,
            Request::Close {
                profile: "db".into(),
            },
        ];
        let mut wire = Vec::new();
        for request in &requests {
            write_request(&mut wire, request).await.unwrap();
        }
        let mut reading = wire.as_slice();
        for request in &requests {
            assert_eq!(
                read_request(&mut reading).await.unwrap().as_ref(),
                Some(request)
            );
        }
        assert_eq!(read_request(&mut reading).await.unwrap(), None);

        let replies = [
            Reply::Accepted,
            Reply::Refused("no live connection".into()),
            Reply::Stdout(b"out".to_vec()),
            Reply::Stderr(b"err".to_vec()),
            Reply::Exit(3),
            Reply::Signal("TERM".into()),
            Reply::Failed("lost".into()),
            Reply::Connections(vec![
                ConnectionRow {
                    profile: "web".into(),
                    target: "me@web:22".into(),
                    sessions: 3,
                    limit: Some(10),
                    uptime_secs: Some(61),
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
            ]),
            Reply::Closed(2),
        ];
        let mut wire = Vec::new();
        for reply in &replies {
            write_reply(&mut wire, reply).await.unwrap();
        }
        let mut reading = wire.as_slice();
        for reply in &replies {
            assert_eq!(
                read_reply(&mut reading).await.unwrap().as_ref(),
                Some(reply)
            );
        }
    }

    #[tokio::test]
    async fn a_frame_over_the_limit_is_refused_before_it_is_read() {
        let mut wire = vec![b'O'];
        wire.extend_from_slice(&(MAX_FRAME as u32 + 1).to_be_bytes());
        let error = read_reply(&mut wire.as_slice()).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn each_config_dir_has_its_own_socket() {
        let a = socket_path(Path::new("/home/me/.config/tabsh"));
        let b = socket_path(Path::new("/tmp/other"));
        assert_ne!(a, b);
        assert!(a.to_string_lossy().ends_with(".sock"));
    }
}
