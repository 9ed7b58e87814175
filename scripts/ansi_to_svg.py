#!/usr/bin/env python3
"""Renders a terminal capture with SGR escapes (`tmux capture-pane -p -e`) to an SVG image.

Usage: ansi_to_svg.py CAPTURE.ansi OUT.svg COLS ROWS [TITLE]

Only what capture-pane writes is understood: text, newlines and SGR (colours: the 16 basic,
256-colour and true colour; bold, dim, italic, underline, reverse). Each run of cells with one
style becomes a background rectangle and a <text> stretched to exactly its cells, so columns
line up whatever monospace font the viewer has. Standard library only.
"""

import html
import re
import sys
import unicodedata

CELL_W = 8.4
CELL_H = 17.0
FONT_SIZE = 14
PAD = 12
DEFAULT_FG = "#d0d0d0"
DEFAULT_BG = "#1c1c1c"
# xterm's 16 colours.
BASIC = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
]
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-ln-z]|[()][0-9A-Za-z]|[=>])")


def colour_256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (level, level, level)


class Style:
    def __init__(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline, self.reverse)

    def copy(self):
        other = Style()
        (other.fg, other.bg, other.bold, other.dim, other.italic, other.underline,
         other.reverse) = self.key()
        return other

    def apply(self, params):
        codes = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", params)] or [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.__init__()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASIC[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASIC[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASIC[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASIC[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = colour_256(codes[i + 2] % 256)
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = "#%02x%02x%02x" % tuple(v % 256 for v in codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1


def width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols, rows):
    """A grid of rows, each a list of (char, Style) cells, `cols` wide."""
    grid = []
    style = Style()
    for line in text.split("\n")[:rows]:
        line = OTHER_ESCAPE.sub("", line)
        cells = []
        pos = 0
        for match in SGR.finditer(line):
            for ch in line[pos:match.start()]:
                w = width(ch)
                if w:
                    cells.append((ch, style.copy(), w))
            style.apply(match.group(1))
            pos = match.end()
        for ch in line[pos:]:
            w = width(ch)
            if w:
                cells.append((ch, style.copy(), w))
        grid.append(cells)
    while len(grid) < rows:
        grid.append([])
    return grid


def render(grid, cols, rows, title):
    w = cols * CELL_W + 2 * PAD
    h = rows * CELL_H + 2 * PAD
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
        'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="%d">'
        % (w, h, w, h, FONT_SIZE),
        "<title>%s</title>" % html.escape(title),
        '<rect width="100%%" height="100%%" rx="6" fill="%s"/>' % DEFAULT_BG,
    ]
    for y, cells in enumerate(grid):
        col = 0
        runs = []
        for ch, style, w in cells:
            if runs and runs[-1][1].key() == style.key():
                runs[-1][2].append(ch)
                runs[-1][3] += w
            else:
                runs.append([col, style, [ch], w])
            col += w
        for start, style, chars, span in runs:
            if start >= cols:
                break
            span = min(span, cols - start)
            fg, bg = style.fg or DEFAULT_FG, style.bg
            if style.reverse:
                fg, bg = bg or DEFAULT_BG, fg
            x = PAD + start * CELL_W
            top = PAD + y * CELL_H
            if bg:
                out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                           % (x, top, span * CELL_W, CELL_H, bg))
            text = "".join(chars)
            if not text.strip():
                continue
            attrs = ['fill="%s"' % fg]
            if style.bold:
                attrs.append('font-weight="bold"')
            if style.dim:
                attrs.append('opacity="0.6"')
            if style.italic:
                attrs.append('font-style="italic"')
            if style.underline:
                attrs.append('text-decoration="underline"')
            out.append(
                '<text x="%.1f" y="%.1f" textLength="%.1f" lengthAdjust="spacingAndGlyphs" '
                'xml:space="preserve" %s>%s</text>'
                % (x, top + CELL_H * 0.78, span * CELL_W, " ".join(attrs), html.escape(text)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) not in (5, 6):
        sys.exit(__doc__)
    source, target, cols, rows = argv[1], argv[2], int(argv[3]), int(argv[4])
    title = argv[5] if len(argv) == 6 else "terminal"
    with open(source, encoding="utf-8", errors="replace") as f:
        grid = parse(f.read(), cols, rows)
    with open(target, "w", encoding="utf-8") as f:
        f.write(render(grid, cols, rows, title))


if __name__ == "__main__":
    main(sys.argv)
