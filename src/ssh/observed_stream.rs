//! The connection's byte stream as russh sees it, watched on the way: every read and write is
//! counted (any packet from the server shows it alive, as OpenSSH counts it), the server's
//! version line is kept, and the first error or end of file names why the link ended.
//!
//! russh reports the end of a session to its handler only after shutting down its side of the
//! socket, and skips the report when that shutdown fails, as it can after a reset. So the end
//! is recorded here, where it happens, and a failed shutdown is not passed on.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::activity::Activity;
use super::link::{Link, LossCause};

/// The longest version line kept (RFC 4253 allows 255 bytes with CR LF).
const MAX_VERSION_BYTES: usize = 255;

/// What the stream learns about the server while it runs.
#[derive(Debug, Default)]
pub(crate) struct ServerVersion(Mutex<VersionLine>);

#[derive(Debug, Default)]
struct VersionLine {
    bytes: Vec<u8>,
    complete: bool,
}

impl ServerVersion {
    /// The server's identification (`SSH-2.0-OpenSSH_9.2p1 Debian-2`), once it has arrived.
    pub fn get(&self) -> Option<String> {
        let line = self.0.lock().unwrap_or_else(|p| p.into_inner());
        line.complete.then(|| {
            crate::escape::escape_line(String::from_utf8_lossy(&line.bytes).trim_end()).into_owned()
        })
    }

    /// Servers may send other lines before the version; only the `SSH-` line is kept.
    fn observe(&self, bytes: &[u8]) {
        let mut line = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for &byte in bytes {
            if line.complete {
                return;
            }
            if byte == b'\n' {
                if line.bytes.starts_with(b"SSH-") {
                    line.complete = true;
                } else {
                    line.bytes.clear();
                }
            } else if line.bytes.len() < MAX_VERSION_BYTES {
                line.bytes.push(byte);
            }
        }
    }

    fn is_known(&self) -> bool {
        self.0.lock().map(|line| line.complete).unwrap_or(true)
    }
}

pub(crate) struct ObservedStream<S> {
    inner: S,
    activity: Arc<Activity>,
    link: Arc<Link>,
    version: Arc<ServerVersion>,
    /// The jump host carrying the stream (its name and link): when it is lost, its loss is
    /// why this stream ended.
    upstream: Option<(String, Arc<Link>)>,
    /// A stream that is not a socket (a jump host's channel, a proxy command) has no
    /// `shutdown` to end it at once; this does.
    cut: Option<Arc<Cut>>,
}

/// Ends a stream from outside: every read and write fails from then on.
#[derive(Debug, Default)]
pub(crate) struct Cut {
    done: std::sync::atomic::AtomicBool,
    waiting: Mutex<Vec<std::task::Waker>>,
}

impl Cut {
    pub fn cut(&self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        let waiting = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|p| p.into_inner()));
        for waker in waiting {
            waker.wake();
        }
    }

    /// Whether it is cut; otherwise `cx` is woken when it is.
    fn check(&self, cx: &Context<'_>) -> bool {
        if self.done.load(std::sync::atomic::Ordering::SeqCst) {
            return true;
        }
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if !waiting.iter().any(|w| w.will_wake(cx.waker())) {
            // A reader and a writer at most; stale wakers go when it is cut.
            if waiting.len() >= 4 {
                waiting.remove(0);
            }
            waiting.push(cx.waker().clone());
        }
        self.done.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl<S> ObservedStream<S> {
    pub fn new(
        inner: S,
        activity: Arc<Activity>,
        link: Arc<Link>,
        version: Arc<ServerVersion>,
    ) -> Self {
        Self {
            inner,
            activity,
            link,
            version,
            upstream: None,
            cut: None,
        }
    }

    /// Carried by the jump host `name` whose link is `link`.
    pub fn carried_by(mut self, name: String, link: Arc<Link>) -> Self {
        self.upstream = Some((name, link));
        self
    }

    /// Ended by `cut` when it is cut.
    pub fn with_cut(mut self, cut: Arc<Cut>) -> Self {
        self.cut = Some(cut);
        self
    }

    fn observe_error<T>(&self, result: &Poll<io::Result<T>>) {
        if let Poll::Ready(Err(error)) = result {
            self.lost(LossCause::of_io_error(error));
        }
    }

    /// The link ended for `cause`, unless the jump host under it was lost first: then that.
    fn lost(&self, cause: LossCause) {
        if let Some((hop, upstream)) = &self.upstream
            && let super::link::LinkState::Lost(upstream_cause) = upstream.state()
        {
            let cause = match upstream_cause {
                // Named by the outermost hop that went.
                already @ LossCause::JumpHostLost { .. } => already,
                other => LossCause::JumpHostLost {
                    hop: hop.clone(),
                    cause: Box::new(other),
                },
            };
            self.link.lost(cause);
            return;
        }
        self.link.lost(cause);
    }

    fn is_cut(&self, cx: &Context<'_>) -> bool {
        self.cut.as_ref().is_some_and(|cut| cut.check(cx))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ObservedStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_cut(cx) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.observe_error(&result);
        if let Poll::Ready(Ok(())) = result {
            let read = &buf.filled()[before..];
            if read.is_empty() {
                self.lost(LossCause::ServerClosed);
            } else {
                self.activity.received(read.len());
                if !self.version.is_known() {
                    self.version.observe(read);
                }
            }
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ObservedStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_cut(cx) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionAborted.into()));
        }
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.observe_error(&result);
        if let Poll::Ready(Ok(written)) = result {
            self.activity.sent(written);
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        self.observe_error(&result);
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_shutdown(cx) {
            // The link is over either way; an error here would only keep russh from telling
            // its handler how it ended.
            Poll::Ready(Err(_)) => Poll::Ready(Ok(())),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::ssh::link::LinkState;

    fn observed<S>(
        inner: S,
    ) -> (
        ObservedStream<S>,
        Arc<Activity>,
        Arc<Link>,
        Arc<ServerVersion>,
    ) {
        let activity = Arc::new(Activity::default());
        let link = Arc::new(Link::new());
        let version = Arc::new(ServerVersion::default());
        let stream = ObservedStream::new(
            inner,
            Arc::clone(&activity),
            Arc::clone(&link),
            Arc::clone(&version),
        );
        (stream, activity, link, version)
    }

    #[tokio::test]
    async fn a_cut_ends_a_read_that_waits_and_a_hop_names_the_loss() {
        let (client, _server) = tokio::io::duplex(1024);
        let (stream, _, link, _) = observed(client);
        let cut = Arc::new(Cut::default());
        let hop_link = Arc::new(Link::new());
        let mut stream = stream
            .with_cut(Arc::clone(&cut))
            .carried_by("me@bastion:22".into(), Arc::clone(&hop_link));
        let reading = tokio::spawn(async move {
            let mut buffer = [0u8; 16];
            stream.read(&mut buffer).await
        });
        tokio::task::yield_now().await;
        hop_link.lost(LossCause::Reset);
        cut.cut();
        let read = reading.await.unwrap();
        assert_eq!(
            read.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::ConnectionAborted)
        );
        // The stream ended under the hop: the hop's loss is the cause.
        let (client, server) = tokio::io::duplex(1024);
        let (stream, _, link_below, _) = observed(client);
        let mut stream = stream.carried_by("me@bastion:22".into(), Arc::clone(&hop_link));
        drop(server);
        let mut buffer = [0u8; 16];
        assert_eq!(stream.read(&mut buffer).await.unwrap(), 0);
        assert_eq!(
            link_below.state(),
            LinkState::Lost(LossCause::JumpHostLost {
                hop: "me@bastion:22".into(),
                cause: Box::new(LossCause::Reset)
            })
        );
        assert_eq!(link.state(), LinkState::Up, "a cut records no cause itself");
    }

    #[tokio::test]
    async fn counts_bytes_keeps_the_version_line_and_names_the_end() {
        let (client, mut server) = tokio::io::duplex(1024);
        let (mut stream, activity, link, version) = observed(client);
        let sent = b"a banner line\r\nSSH-2.0-Test_1.0 \x1b[2J\r\nbinary";
        server.write_all(sent).await.unwrap();
        let mut buffer = [0u8; 64];
        stream.read_exact(&mut buffer[..sent.len()]).await.unwrap();
        stream.write_all(b"hello").await.unwrap();
        assert_eq!(activity.bytes(), (sent.len() as u64, 5));
        assert_eq!(version.get().as_deref(), Some("SSH-2.0-Test_1.0 \\033[2J"));
        assert_eq!(link.state(), LinkState::Up);
        drop(server);
        assert_eq!(stream.read(&mut buffer).await.unwrap(), 0);
        assert_eq!(link.state(), LinkState::Lost(LossCause::ServerClosed));
    }
}
