//! The lines above the live screen, oldest first, and how far back the view is scrolled.

use std::collections::VecDeque;

use super::history_line::HistoryLine;

#[derive(Debug)]
pub(crate) struct Scrollback {
    lines: VecDeque<HistoryLine>,
    capacity: usize,
    /// How many history lines are shown above the live screen; 0 shows the live screen.
    offset: usize,
    /// Lines ever pushed, kept or not: the number of the line screen row 0 holds (see
    /// `terminal::lines`).
    pushed: u64,
}

impl Scrollback {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            // Grown on demand: most tabs never fill their history.
            lines: VecDeque::new(),
            capacity,
            offset: 0,
            pushed: 0,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// Clamped to the lines held.
    pub(crate) fn set_offset(&mut self, offset: usize) {
        self.offset = offset.min(self.lines.len());
    }

    /// Adds the newest line, dropping the oldest when full. A scrolled-back view moves with the
    /// lines it shows, so new output does not shift it (until the lines it shows are dropped).
    pub(crate) fn push(&mut self, line: HistoryLine) {
        self.pushed += 1;
        if self.capacity == 0 {
            return;
        }
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
        } else if self.lines.len() == self.lines.capacity() {
            self.grow_ring();
        }
        self.lines.push_back(line);
        if self.offset > 0 {
            self.set_offset(self.offset + 1);
        }
    }

    /// Doubles the ring like `VecDeque` would, but never past the capacity: doubling from 8,192
    /// to 16,384 slots for a 10,000-line history would waste a quarter of a megabyte per tab.
    fn grow_ring(&mut self) {
        const FIRST_SLOTS: usize = 64;
        let len = self.lines.len();
        let slots = (len * 2).max(FIRST_SLOTS).min(self.capacity).max(len + 1);
        self.lines.reserve_exact(slots - len);
    }

    pub(crate) fn clear(&mut self) {
        self.lines = VecDeque::new();
        self.offset = 0;
    }

    /// The line shown in view row `row` while scrolled back, if that row shows history.
    pub(crate) fn line_in_view(&self, row: usize) -> Option<&HistoryLine> {
        if row >= self.offset {
            return None;
        }
        self.lines.get(self.lines.len() - self.offset + row)
    }

    /// Counts `lines` that went by without being kept (they would have been dropped at once),
    /// so line numbers stay right.
    pub(crate) fn pass_over(&mut self, lines: usize) {
        self.pushed += lines as u64;
    }

    /// Lines ever pushed, including those dropped or cleared since.
    pub(crate) fn pushed(&self) -> u64 {
        self.pushed
    }

    /// The line at `index`, oldest first.
    pub(crate) fn get(&self, index: usize) -> Option<&HistoryLine> {
        self.lines.get(index)
    }

    /// Oldest first.
    #[cfg(test)]
    pub(crate) fn lines(&self) -> impl Iterator<Item = &HistoryLine> {
        self.lines.iter()
    }

    /// Bytes owned on the heap: the ring's slots (including spare ones) and every line.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.lines.capacity() * std::mem::size_of::<HistoryLine>()
            + self
                .lines
                .iter()
                .map(HistoryLine::heap_bytes)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::Scrollback;
    use crate::terminal::history_line::HistoryLine;

    #[test]
    fn a_small_history_keeps_the_newest_lines() {
        let mut scrollback = Scrollback::new(3);
        for text in ["1", "2", "3", "4", "5"] {
            scrollback.push(HistoryLine::plain(text));
        }
        scrollback.set_offset(usize::MAX);
        let shown: Vec<&str> = (0..3)
            .filter_map(|row| scrollback.line_in_view(row))
            .map(|line| &*line.text)
            .collect();
        assert_eq!(shown, ["3", "4", "5"]);
    }

    #[test]
    fn the_ring_never_grows_past_the_capacity() {
        let mut scrollback = Scrollback::new(10_000);
        for _ in 0..10_000 {
            scrollback.push(HistoryLine::plain(""));
        }
        assert_eq!(scrollback.lines.capacity(), 10_000);
    }
}
