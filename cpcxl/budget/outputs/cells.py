"""The pieces every budget sheet is made of: figures as cells, titled blocks placed one under
another, and where the chart data is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput

GBP = formats.GBP
PENCE = formats.GBP_PENCE
PCT = formats.PERCENT_1DP


def number(value: Any) -> Any:
    """A number for a cell: NaN is a blank; money keeps its pence, no more."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return None
        return round(value, 6)
    return value


def money(value: Any) -> Any:
    value = number(value)
    return round(value, 2) if isinstance(value, float) else value


def block(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[int, str],
    fills: dict[tuple[int, int], str] | None = None,
) -> Block:
    return Block(
        [list(header), *[list(r) for r in rows]], title=title, formats=formats, fills=fills or {}
    )


def place(blocks: Sequence[Block], *, start: int = 3, gap: int = 2) -> list[Block]:
    """Blocks one under another from row ``start`` (rows 1-2 keep the sheet's heading)."""
    placed = []
    row = start
    for b in blocks:
        top = row + (1 if b.title else 0)
        placed.append(Block(b.values, top, b.column, b.title, b.header, b.formats, b.fills))
        row = top + len(b.values) + gap
    return placed


def variance_words(amount: float) -> str:
    """'an overspend of £1,200,000.00' or 'an underspend of £50,000.00'."""
    kind = "an overspend" if amount >= 0 else "an underspend"
    return f"{kind} of £{abs(amount):,.2f}"


def heading(text: str, note: str) -> Block:
    return Block([[text], [note]], row=1, header=False)


def title_heading(text: str, note: str) -> Block:
    """A sheet's heading for a paper to hand over: the title in bold on row 1 (a block's
    title), the note under it on row 2."""
    return Block([[note]], row=2, title=text, header=False)


def chart_ranges(sheet: SheetOutput) -> dict[str, tuple[int, int, int, int]]:
    """Where the chart data blocks are: title -> (first row, first col, last row, last col)."""
    out = {}
    for block in sheet.blocks:
        if block.title and block.title.startswith("Chart data"):
            out[block.title] = (
                block.row,
                block.column,
                block.row + len(block.values) - 1,
                block.column + block.width - 1,
            )
    return out


def chart_column(sheet: SheetOutput) -> int:
    """The first free column to the right of every block, where the charts go."""
    return max(b.column + b.width for b in sheet.blocks) + 1
