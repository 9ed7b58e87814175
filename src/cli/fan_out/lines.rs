//! Output cut into lines, so lines of different sessions never mix: bytes are held until their
//! line ends, and a line that never ends is cut at `MAX_LINE` so memory stays bounded.

/// The longest piece held waiting for its line to end.
pub const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct LineSplitter {
    held: Vec<u8>,
}

impl LineSplitter {
    /// The lines `bytes` completes, without their line ends (`\n`, or `\r\n`).
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut lines = Vec::new();
        let mut rest = bytes;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            self.held.extend_from_slice(&rest[..end]);
            let mut line = std::mem::take(&mut self.held);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            lines.push(line);
            rest = &rest[end + 1..];
        }
        self.held.extend_from_slice(rest);
        while self.held.len() >= MAX_LINE {
            let tail = self.held.split_off(MAX_LINE);
            lines.push(std::mem::replace(&mut self.held, tail));
        }
        lines
    }

    /// What is left once the output ended without a line end.
    pub fn finish(self) -> Option<Vec<u8>> {
        (!self.held.is_empty()).then_some(self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_whole_whatever_the_packets() {
        let mut splitter = LineSplitter::default();
        assert!(splitter.push(b"up").is_empty());
        assert_eq!(
            splitter.push(b"time\r\nid\nhost"),
            vec![b"uptime".to_vec(), b"id".to_vec()]
        );
        assert_eq!(splitter.push(b"\n\n"), vec![b"host".to_vec(), Vec::new()]);
        assert_eq!(splitter.finish(), None);
    }

    #[test]
    fn an_unended_last_line_is_kept_and_an_endless_one_is_cut() {
        let mut splitter = LineSplitter::default();
        splitter.push(b"no newline");
        assert_eq!(splitter.finish(), Some(b"no newline".to_vec()));

        let mut splitter = LineSplitter::default();
        let lines = splitter.push(&vec![b'x'; MAX_LINE * 2 + 5]);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.len() == MAX_LINE));
        assert_eq!(splitter.finish().map(|rest| rest.len()), Some(5));
    }
}
