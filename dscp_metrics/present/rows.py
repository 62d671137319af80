"""A horizontal bar chart's category labels and rows: labels wrapped to keep the plot wide, rows as tall as them.

The pack's charts are about 360 px wide wherever they are read (a column of three on a laptop, a phone, the
printed copy), so a category label wider than WRAP_AT characters (about 200 px in 13 px type) is wrapped onto
as few lines as keep each within it, at most MOST_LINES, the lines balanced rather than one long and one short.
A trailing note in brackets (`[c]`, `(Red, Amber: [c])`) stays whole on its line. Each row is then as tall as
its label (`row_height`), so wrapped labels never run into their neighbours and short ones stay close.
"""

from __future__ import annotations

import html

WRAP_AT = 30  # characters on a line of a category label
MOST_LINES = 3
BAR_ROW_HEIGHT = 24  # px: a label on one line and the gap to the next
WRAPPED_ROW_HEIGHT = 34  # px: a label on two lines (13 px, 1.3 em apart) and a gap to the next
LINE_STEP = 17  # px: each line after the second (1.3 em of 13 px type)


def plotly_text(text: str) -> str:
    """Text escaped for plotly, which reads its labels as markup: `&`, `<` and `>` only (plotly would show an
    escaped quote, `&quot;`, as it is)."""
    return html.escape(text, quote=False)


def wrap_label(label: str, most: int = MOST_LINES) -> str:
    """The label escaped for plotly, its lines joined by `<br>`: the fewest lines of at most WRAP_AT characters
    (no more than `most`, at least one; a word longer than that keeps its own line), and of those the
    narrowest."""
    words = _words(label)
    if len(label) <= WRAP_AT or len(words) <= 1:
        return plotly_text(label)
    lines = max(1, min(len(_greedy(words, WRAP_AT)), most))
    width = next(w for w in range(max(map(len, words)), len(label) + 1) if len(_greedy(words, w)) <= lines)
    return "<br>".join(plotly_text(line) for line in _greedy(words, width))


def _words(label: str) -> list[str]:
    """The label's words, a trailing note in brackets kept as one."""
    start = _note_start(label)
    return label.split() if start is None else label[:start].split() + [label[start:]]


def _note_start(label: str) -> int | None:
    """Where a note in brackets that ends the label begins, after a space; None when there is none."""
    depth = 0
    for i in range(len(label) - 1, 0, -1):
        if label[i] in ")]":
            depth += 1
        elif label[i] in "([":
            depth -= 1
        if depth == 0:
            return i if label[i] in "([" and label[i - 1] == " " else None
    return None


def _greedy(words: list[str], width: int) -> list[str]:
    """The words in lines of at most `width` characters, each line as full as it can be."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def one_line(name: str) -> str:
    """A wrapped label on one line, as a hover reads it (escaped still: plotly reads hover text as markup)."""
    return name.replace("<br>", " ")


def row_height(name: str) -> int:
    """px of a bar's row for its (wrapped) label: BAR_ROW_HEIGHT for one line, WRAPPED_ROW_HEIGHT for two, and
    LINE_STEP more for each further line."""
    lines = name.count("<br>") + 1
    return BAR_ROW_HEIGHT if lines == 1 else WRAPPED_ROW_HEIGHT + LINE_STEP * (lines - 2)


def bar_rows(names: list[str]) -> tuple[list[float], float]:
    """Where each bar's row is centred, in rows of BAR_ROW_HEIGHT from the top, and how many rows all take."""
    places, edge = [], 0.0
    for name in names:
        height = row_height(name) / BAR_ROW_HEIGHT
        places.append(round(edge + height / 2, 4))
        edge += height
    return places, round(edge, 4)
