//! A cell's colours and attributes as vt100 keeps them, compact: what the scrollback stores
//! per style run and what SGR parameters change.

/// Colours and attributes of a cell, as vt100 keeps them, in 9 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CellAttributes {
    pub(crate) fg: vt100::Color,
    pub(crate) bg: vt100::Color,
    flags: u8,
}

const BOLD: u8 = 1;
const DIM: u8 = 1 << 1;
const ITALIC: u8 = 1 << 2;
const UNDERLINE: u8 = 1 << 3;
const INVERSE: u8 = 1 << 4;

impl CellAttributes {
    pub(crate) fn of_cell(cell: &vt100::Cell) -> Self {
        let mut attributes = Self {
            fg: cell.fgcolor(),
            bg: cell.bgcolor(),
            flags: 0,
        };
        attributes.set_bold(cell.bold());
        attributes.set_dim(cell.dim());
        attributes.set_italic(cell.italic());
        attributes.set_underline(cell.underline());
        attributes.set_inverse(cell.inverse());
        attributes
    }

    /// What vt100 draws new characters with.
    pub(crate) fn of_pen(screen: &vt100::Screen) -> Self {
        let mut attributes = Self {
            fg: screen.fgcolor(),
            bg: screen.bgcolor(),
            flags: 0,
        };
        attributes.set_bold(screen.bold());
        attributes.set_dim(screen.dim());
        attributes.set_italic(screen.italic());
        attributes.set_underline(screen.underline());
        attributes.set_inverse(screen.inverse());
        attributes
    }

    fn has(self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    pub(crate) fn bold(self) -> bool {
        self.has(BOLD)
    }
    pub(crate) fn dim(self) -> bool {
        self.has(DIM)
    }
    pub(crate) fn italic(self) -> bool {
        self.has(ITALIC)
    }
    pub(crate) fn underline(self) -> bool {
        self.has(UNDERLINE)
    }
    pub(crate) fn inverse(self) -> bool {
        self.has(INVERSE)
    }
    pub(crate) fn set_bold(&mut self, on: bool) {
        self.set(BOLD, on);
    }
    pub(crate) fn set_dim(&mut self, on: bool) {
        self.set(DIM, on);
    }
    pub(crate) fn set_italic(&mut self, on: bool) {
        self.set(ITALIC, on);
    }
    pub(crate) fn set_underline(&mut self, on: bool) {
        self.set(UNDERLINE, on);
    }
    pub(crate) fn set_inverse(&mut self, on: bool) {
        self.set(INVERSE, on);
    }

    /// A space drawn with these attributes looks like no cell at all, so it can be trimmed from
    /// the end of a line.
    pub(crate) fn blank_looking(self) -> bool {
        self.bg == vt100::Color::Default && !self.inverse() && !self.underline()
    }
}
