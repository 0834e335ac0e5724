"""What every workforce output sheet shares: number formats, a frame as a titled block, and
shortfalls coloured."""

from __future__ import annotations

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.report import Block

FTE = formats.DECIMAL_2
HOURS = "#,##0.0"
GBP = formats.GBP
PENCE = formats.GBP_PENCE
SHARE = formats.PERCENT_1DP
PEOPLE = formats.INTEGER
#: Number columns of the wide sheets: wide enough for their headers in 2 lines.
NUMBER_WIDTHS = dict.fromkeys("CDEFGHIJKLMNOP", 15.0)


def block(frame: pd.DataFrame, names: dict[str, str], title: str, **number: str) -> Block:
    """The ``names`` columns of ``frame`` under their headers, with number formats by field."""
    shown = frame[list(names)].rename(columns=names)
    by_header = {names[k]: v for k, v in number.items() if k in names}
    return Block.from_frame(shown, title=title, formats=by_header)


def coloured(block: Block, column: int, *, reverse: bool = False) -> Block:
    """Shortfalls red, surpluses green (``reverse``: below zero is red), as fills, so the
    button's sheets show them too."""
    fills = {}
    for offset, row in enumerate(block.values[1:], start=1):
        value = row[column]
        if isinstance(value, int | float) and abs(value) >= 0.005:
            bad = value < 0 if reverse else value > 0
            fills[(offset, column)] = formats.RED if bad else formats.GREEN
    return Block(
        block.values, block.row, block.column, block.title, block.header, block.formats, fills
    )


def flagged(block: Block, column: int, when: str = "Yes") -> Block:
    """Rows whose ``column`` says ``when`` get a red fill in that column."""
    fills = {
        (offset, column): formats.RED
        for offset, row in enumerate(block.values[1:], start=1)
        if row[column] == when
    }
    return Block(
        block.values, block.row, block.column, block.title, block.header, block.formats, fills
    )


def note(text: str, title: str | None = None) -> Block:
    """One line of text (a note under a table, or what a sheet says when it has nothing)."""
    return Block([[text]], header=False, title=title)


def rules(*lines: str) -> Block:
    """How a table's figures are worked out, a short line each (a long title would run off
    the printed page)."""
    return Block([[line] for line in lines if line], header=False)
