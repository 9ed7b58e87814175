//! The lines above the live screen, oldest first, and how far back the view is scrolled.

use std::collections::VecDeque;

use super::history_line::HistoryLine;

#[derive(Debug)]
pub(crate) struct Scrollback {
    lines: VecDeque<HistoryLine>,
    capacity: usize,
    /// How many history lines are shown above the live screen; 0 shows the live screen.
    offset: usize,
}

impl Scrollback {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            // Grown on demand: most tabs never fill their history.
            lines: VecDeque::new(),
            capacity,
            offset: 0,
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
        if self.capacity == 0 {
            return;
        }
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
        if self.offset > 0 {
            self.set_offset(self.offset + 1);
        }
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
