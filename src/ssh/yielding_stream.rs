//! The connection's stream as russh's session task reads it, giving the thread back now and
//! then during an output flood.
//!
//! russh's session task reads, decrypts and dispatches packets in a loop for as long as its
//! reads complete at once, and from a buffer they always do: one turn of the task then
//! decrypts megabytes while a key typed meanwhile, and its echo, wait on the same thread.
//! After [`YIELD_AFTER_BYTES`] read, one read answers "not yet" and wakes the task again at
//! once, so every other task (the event loop first among them) gets its turn in between, as
//! `tokio::task::yield_now` would give it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes read between two yields: a few dozen microseconds of decryption.
pub(crate) const YIELD_AFTER_BYTES: usize = 64 * 1024;

pub(crate) struct YieldingStream<S> {
    inner: S,
    every: usize,
    since_yield: usize,
}

impl<S> YieldingStream<S> {
    pub(crate) fn new(inner: S, every: usize) -> Self {
        Self {
            inner,
            every,
            since_yield: 0,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for YieldingStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.since_yield >= self.every {
            self.since_yield = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        match &result {
            Poll::Ready(Ok(())) => self.since_yield += buf.filled().len() - before,
            // Waiting for the network gives the thread back anyway.
            Poll::Pending => self.since_yield = 0,
            Poll::Ready(Err(_)) => {}
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for YieldingStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    use super::*;

    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_reader_yields_once_per_budget_and_every_byte_still_arrives_in_order() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut stream = YieldingStream::new(&data[..], 4096);
        let wakes = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&wakes));
        let mut cx = Context::from_waker(&waker);
        let (mut read, mut yields) = (Vec::new(), 0);
        let mut chunk = [0u8; 1000];
        for _ in 0..100 {
            let mut buf = ReadBuf::new(&mut chunk);
            match Pin::new(&mut stream).poll_read(&mut cx, &mut buf) {
                Poll::Pending => yields += 1,
                Poll::Ready(Ok(())) if buf.filled().is_empty() => break,
                Poll::Ready(Ok(())) => read.extend_from_slice(buf.filled()),
                Poll::Ready(Err(error)) => panic!("{error}"),
            }
        }
        assert_eq!(read, data);
        // Once 4,096 bytes have passed (after 5,000 and 10,000 in reads of 1,000): two
        // yields, each waking the task.
        assert_eq!(yields, 2);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 2);
    }
}
