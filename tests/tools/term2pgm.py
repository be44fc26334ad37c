#!/usr/bin/python3
"""term2pgm.py - paint terminal text as a terminal would, into a PGM image.

Used by tests/sh/qr_scan.sh to check that a QR code drawn by mfa_qr_render
scans whatever the user's colour theme is.  The input may hold only what
the renderer is allowed to emit: SGR colour sequences (ESC [ ... m with
0, 30-37, 39, 40-47, 49, 90-97, 100-107), spaces, the half blocks U+2580
and U+2584, the full block U+2588, and newlines.  Anything else is an
error (exit status 2), so the test notices a renderer that starts emitting
something new.

A character cell is painted as two pixels stacked vertically (upper and
lower half), so half blocks give square modules; the image is then scaled
up.  Colours that the text does not set come from the chosen theme: its
default foreground and background, and its own 16-colour palette.  Cells
beyond the end of a short line are the theme's background.  No margin is
added: any quiet zone must come from the text itself.

usage: term2pgm.py [--theme dark|light] [--scale N] INPUT OUTPUT.pgm
       term2pgm.py --size INPUT      print "COLUMNS LINES"
"""

import sys

# Two themes that differ in everything a renderer could wrongly rely on:
# default colours (light on dark / dark on light) and the palette itself.
THEMES = {
    "dark": {
        "fg": (0xd3, 0xd7, 0xcf),
        "bg": (0x1c, 0x1c, 0x1c),
        "palette": [
            (0x2e, 0x34, 0x36), (0xcc, 0x00, 0x00), (0x4e, 0x9a, 0x06),
            (0xc4, 0xa0, 0x00), (0x34, 0x65, 0xa4), (0x75, 0x50, 0x7b),
            (0x06, 0x98, 0x9a), (0xd3, 0xd7, 0xcf), (0x55, 0x57, 0x53),
            (0xef, 0x29, 0x29), (0x8a, 0xe2, 0x34), (0xfc, 0xe9, 0x4f),
            (0x72, 0x9f, 0xcf), (0xad, 0x7f, 0xa8), (0x34, 0xe2, 0xe2),
            (0xee, 0xee, 0xec),
        ],
    },
    "light": {
        "fg": (0x00, 0x00, 0x00),
        "bg": (0xff, 0xff, 0xff),
        "palette": [
            (0x00, 0x00, 0x00), (0xcd, 0x00, 0x00), (0x00, 0xcd, 0x00),
            (0xcd, 0xcd, 0x00), (0x00, 0x00, 0xee), (0xcd, 0x00, 0xcd),
            (0x00, 0xcd, 0xcd), (0xe5, 0xe5, 0xe5), (0x7f, 0x7f, 0x7f),
            (0xff, 0x00, 0x00), (0x00, 0xff, 0x00), (0xff, 0xff, 0x00),
            (0x5c, 0x5c, 0xff), (0xff, 0x00, 0xff), (0x00, 0xff, 0xff),
            (0xff, 0xff, 0xff),
        ],
    },
}

BLOCKS = {" ": (False, False), "\u2580": (True, False),
          "\u2584": (False, True), "\u2588": (True, True)}


class BadInput(Exception):
    pass


def apply_sgr(params, state, theme):
    """Update state["fg"]/state["bg"] (None = theme default) from one SGR."""
    for p in (params.split(";") if params else ["0"]):
        if not p.isdigit():
            raise BadInput("bad SGR parameter %r" % p)
        n = int(p)
        if n == 0:
            state["fg"] = state["bg"] = None
        elif n == 39:
            state["fg"] = None
        elif n == 49:
            state["bg"] = None
        elif 30 <= n <= 37:
            state["fg"] = theme["palette"][n - 30]
        elif 90 <= n <= 97:
            state["fg"] = theme["palette"][n - 90 + 8]
        elif 40 <= n <= 47:
            state["bg"] = theme["palette"][n - 40]
        elif 100 <= n <= 107:
            state["bg"] = theme["palette"][n - 100 + 8]
        else:
            raise BadInput("unsupported SGR parameter %d" % n)


def parse(text, theme):
    """Return a list of lines, each a list of (upper, lower) RGB cells."""
    state = {"fg": None, "bg": None}
    lines, cells, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "\x1b":
            end = text.find("m", i)
            if text[i + 1:i + 2] != "[" or end < 0 or \
                    any(ch not in "0123456789;" for ch in text[i + 2:end]):
                raise BadInput("escape sequence other than SGR at line %d"
                               % (len(lines) + 1))
            apply_sgr(text[i + 2:end], state, theme)
            i = end + 1
            continue
        if c == "\n":
            lines.append(cells)
            cells = []
        elif c in BLOCKS:
            fg = state["fg"] or theme["fg"]
            bg = state["bg"] or theme["bg"]
            top, bottom = BLOCKS[c]
            cells.append((fg if top else bg, fg if bottom else bg))
        else:
            raise BadInput("unexpected character U+%04X at line %d"
                           % (ord(c), len(lines) + 1))
        i += 1
    if cells:
        lines.append(cells)
    return lines


def luma(rgb):
    r, g, b = rgb
    return (299 * r + 587 * g + 114 * b + 500) // 1000


def write_pgm(lines, theme, scale, path):
    cols = max((len(l) for l in lines), default=0)
    if cols == 0:
        raise BadInput("no text to paint")
    pad = (theme["bg"], theme["bg"])
    rows = []
    for cells in lines:
        cells = cells + [pad] * (cols - len(cells))
        for half in (0, 1):
            row = bytearray()
            for cell in cells:
                row += bytes([luma(cell[half])]) * scale
            rows.extend([bytes(row)] * scale)
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (cols * scale, len(rows)))
        f.write(b"".join(rows))


def main(argv):
    theme, scale, size_only, files = "dark", 4, False, []
    args = iter(argv[1:])
    for a in args:
        if a == "--theme":
            theme = next(args, "")
        elif a == "--scale":
            scale = int(next(args, "0"))
        elif a == "--size":
            size_only = True
        else:
            files.append(a)
    if theme not in THEMES or not 1 <= scale <= 32 or \
            len(files) != (1 if size_only else 2):
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    try:
        with open(files[0], "rb") as f:
            text = f.read().decode("utf-8")
        lines = parse(text, THEMES[theme])
        if size_only:
            print(max((len(l) for l in lines), default=0), len(lines))
        else:
            write_pgm(lines, THEMES[theme], scale, files[1])
    except (BadInput, UnicodeDecodeError) as e:
        print("term2pgm: %s: %s" % (files[0], e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
