"""Output sheets described once, drawn alike by every renderer.

A capability turns engine results into :class:`SheetOutput` objects (pure data). Three
renderers draw them: xlwings into the open workbook (``cpcxl.xl.render``, for buttons),
openpyxl into a file (``cpcxl.common.workbook.render``, for commands and demos) and
XlsxWriter into a file (``cpcxl.common.xlsxwriter_render``, for batches of thousands). They
share one contract, decided here and held to by a parity test: the value of every cell, its
number format (:func:`number_format`), which cells wrap and how tall their rows grow
(:func:`wrapping`), fills, column widths and frozen panes. So a summary looks the same
whether an officer pressed a button or ran a batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .formats import DATE_UK
from .tables import values_from_frame


@dataclass(frozen=True)
class Block:
    """A rectangle of values whose top-left cell is ``row``/``column`` (1-based).

    A ``title`` goes in bold on the row above ``row``.
    """

    values: Sequence[Sequence[Any]]
    row: int = 1
    column: int = 1
    title: str | None = None
    header: bool = True  # first row of values is a header row
    #: number format by 0-based column offset, applied to the body rows
    formats: Mapping[int, str] = field(default_factory=dict)
    #: background colour (hex RGB) by (row offset, column offset) within ``values``
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        row: int = 1,
        column: int = 1,
        title: str | None = None,
        formats: Mapping[str, str] | None = None,
        fills: Mapping[tuple[int, int], str] | None = None,
    ) -> Block:
        values = values_from_frame(frame)
        by_offset = {i: formats[h] for i, h in enumerate(values[0]) if formats and h in formats}
        return cls(values, row, column, title, True, by_offset, dict(fills or {}))

    @property
    def height(self) -> int:
        return len(self.values) + (1 if self.title else 0)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)


@dataclass(frozen=True)
class SheetOutput:
    """One sheet a script or report writes; ``replace`` clears the sheet first."""

    name: str
    blocks: Sequence[Block]
    widths: Mapping[str, float] = field(default_factory=dict)  # column letter -> width
    replace: bool = True
    freeze: str | None = None


def stack(*parts: Block | pd.DataFrame, gap: int = 1, column: int = 1) -> list[Block]:
    """Blocks placed one under another in ``column``, with ``gap`` empty rows between them."""
    placed: list[Block] = []
    row = 1
    for part in parts:
        block = part if isinstance(part, Block) else Block.from_frame(part)
        top = row + (1 if block.title else 0)
        placed.append(dataclasses.replace(block, row=top, column=column))
        row = top + len(block.values) + gap
    return placed


#: Excel's standard column width, in characters, for a column the output gives no width.
DEFAULT_WIDTH = 8.43
#: Points a line of 11-point text needs; a wrapped row is this times its lines.
LINE_HEIGHT = 15.0


def number_format(block: Block, row_offset: int, column_offset: int, value: Any) -> str | None:
    """The number format a body cell gets: the block's for its column, or dd/mm/yyyy for a
    date; None (General) otherwise. Header rows have none."""
    if block.header and row_offset == 0:
        return None
    explicit = block.formats.get(column_offset)
    if explicit:
        return explicit
    if isinstance(value, dt.date):
        return DATE_UK
    return None


def column_index(letters: str) -> int:
    """'A' -> 1, 'AB' -> 28."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index


#: Characters of ordinary text a column holds per unit of its width, for sizing rows: the
#: width counts the broad digit 0 and Calibri's letters average a little narrower, but word
#: wrap leaves the end of each line short, so one a unit is what reliably fits (checked
#: against Carlito's metrics, laid out word by word, in tests/test_print.py).
CHARACTERS_PER_WIDTH = 1.0


def lines_needed(text: str, width: float, *, per_width: float = CHARACTERS_PER_WIDTH) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` wide (new lines kept)."""
    fits = max(width * per_width - 1, 1)
    text = str(text)
    if len(text) <= fits and "\n" not in text:
        return 1  # most cells: one short line (the batch sizes hundreds of thousands)
    return sum(max(1, math.ceil(len(part) / fits)) for part in text.split("\n"))


def wrapping(output: SheetOutput) -> tuple[dict[int, int], set[tuple[int, int]]]:
    """Which cells wrap, and how many lines each row's tallest wrapped cell needs.

    Returns ({sheet row: lines}, {(sheet row, sheet column)}), 1-based. Text longer than its
    column spills into empty cells to its right and needs nothing; with a neighbour it must
    wrap, and a header always may. No viewer re-measures rows, so the row is made tall
    enough. A column of width w holds about 1.2 w characters of ordinary text (the width
    counts the broad digit 0); bold headers hold about w.
    """
    widths = {column_index(k): v for k, v in output.widths.items()}
    heights: dict[int, int] = {}
    wrapped: set[tuple[int, int]] = set()
    for block in output.blocks:
        for r_offset, values in enumerate(block.values):
            row = block.row + r_offset
            is_header = block.header and r_offset == 0
            for c_offset, value in enumerate(values):
                if not isinstance(value, str):
                    continue
                blocked = c_offset + 1 < len(values) and values[c_offset + 1] is not None
                if not (blocked or is_header):
                    continue  # text with an empty cell to its right spills into it
                column = block.column + c_offset
                width = widths.get(column, DEFAULT_WIDTH)
                # bold header text is wider than body text
                per_width = 0.9 if is_header else CHARACTERS_PER_WIDTH
                lines = lines_needed(value, width, per_width=per_width)
                if lines > 1:
                    heights[row] = max(heights.get(row, 1), lines)
                    wrapped.add((row, column))
    return heights, wrapped


#: The workbook names that keep the fingerprint of each sheet a button last wrote start with
#: this; a sheet a packaged template makes for a button to fill carries TEMPLATE_MARK.
FINGERPRINT_NAME = "cpcxl_written_"
TEMPLATE_MARK = "template"


def fingerprint_name(sheet_name: str) -> str:
    """The workbook name holding a sheet's fingerprint (a valid Excel name for any sheet)."""
    return FINGERPRINT_NAME + hashlib.sha256(sheet_name.encode()).hexdigest()[:12]


# --- what a person changed: each sheet cpcxl writes carries a fingerprint of its cells ----

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+)?$")


def written_cells(output: SheetOutput) -> dict[tuple[int, int], Any]:
    """{(row, column): value} as the output puts them on its sheet (titles included)."""
    cells: dict[tuple[int, int], Any] = {}
    for block in output.blocks:
        if block.title:
            cells[(block.row - 1, block.column)] = block.title
        for r, row in enumerate(block.values):
            for c, value in enumerate(row):
                cells[(block.row + r, block.column + c)] = value
    return cells


def fingerprint(cells: dict[tuple[int, int], Any]) -> str:
    """A short digest of a sheet's cells, the same whether cpcxl wrote them or Excel (or
    xlwings' remote engine) reads them back: text marker, dates and number types aside."""
    items = sorted((r, c, v) for (r, c), value in cells.items() if (v := plain_cell(value)))
    return hashlib.sha256(repr(items).encode()).hexdigest()[:20]


def plain_cell(value: Any) -> tuple[str, Any] | None:
    """A cell's value as the fingerprint compares it, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, dt.datetime | dt.date):
        day = value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
        return ("n", round((day - dt.datetime(1899, 12, 30)).total_seconds() / 86400, 6))
    if isinstance(value, int | float):
        number = float(value)
        return ("n", float(f"{number:.12g}")) if math.isfinite(number) else ("s", str(number))
    text = str(value).strip()
    text = text[1:] if text.startswith("'") else text  # Excel's marker for "this is text"
    if not text:
        return None
    if _ISO_DATE.match(text):
        return plain_cell(dt.datetime.fromisoformat(text))  # how xlwings sends dates to Excel
    return ("s", text)
