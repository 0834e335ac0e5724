"""Write :class:`~cpcxl.common.report.SheetOutput` into the open workbook through xlwings.

The contract (values, number formats, wrapping, row heights, fills, widths, frozen panes) is
:mod:`cpcxl.common.report`'s, shared with the file renderers. Values go to Excel a block at a
time and formats a column at a time, because each xlwings call is a round trip (or, in the
Office add-in, an action sent back to Excel).
"""

from __future__ import annotations

import contextlib
from typing import Any

import xlwings as xw

from cpcxl.common import formats
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import column_letter
from cpcxl.common.report import LINE_HEIGHT, SheetOutput, column_index, number_format, wrapping

_FORMULA_STARTS = ("=", "+", "-", "@")


def excel_text(value: Any) -> Any:
    """A value safe to hand to Excel: input text that looks like a formula stays text."""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value  # Excel's own marker for "this is text"
    return value


def sheet(book: xw.Book, name: str, *, replace: bool = True) -> xw.Sheet:
    """The sheet ``name``, added at the end if missing and cleared if ``replace``."""
    names = [s.name for s in book.sheets]
    if name in names:
        ws = book.sheets[name]
        if replace:
            ws.clear()
        return ws
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def freeze_range(freeze: str) -> str:
    """openpyxl's frozen pane ('B3': the first cell that scrolls) as Excel's frozen cells
    ('A1:A2': the rows and columns that stay), which xlwings' freeze_at takes."""
    letters = "".join(ch for ch in freeze if ch.isalpha())
    row = int(freeze[len(letters) :])
    column = column_index(letters)
    if column == 1:
        return f"1:{row - 1}"
    last = column_letter(column - 1)
    if row == 1:
        return f"A:{last}"
    return f"A1:{last}{row - 1}"


def render(book: xw.Book, output: SheetOutput) -> xw.Sheet:
    ws = sheet(book, output.name, replace=output.replace)
    heights, wrapped = wrapping(output)
    for block in output.blocks:
        if block.title:
            title = ws.range((block.row - 1, block.column))
            title.value = excel_text(block.title)
            title.font.bold = True
            title.font.size = 12
            title.font.color = "#" + formats.HEADER
        if not block.values:
            continue
        width = max(len(r) for r in block.values)
        values = [
            [excel_text(v) for v in row] + [None] * (width - len(row)) for row in block.values
        ]
        top_left = ws.range((block.row, block.column))
        top_left.value = values
        if block.header:
            header = top_left.resize(1, len(values[0]))
            header.font.bold = True
            header.color = "#" + formats.HEADER
            header.font.color = "#FFFFFF"
            header.wrap_text = True
        first_body = block.row + (1 if block.header else 0)
        body = block.values[1:] if block.header else block.values
        for offset in range(width):
            shown: set[str] = {
                f
                for r, row in enumerate(body)
                if offset < len(row) and row[offset] is not None
                if (f := number_format(block, r + (1 if block.header else 0), offset, row[offset]))
            }
            if offset in block.formats:
                shown = {block.formats[offset]}
            if len(shown) == 1 and body:
                ws.range((first_body, block.column + offset)).resize(
                    len(body), 1
                ).number_format = shown.pop()
        for (r, c), colour in block.fills.items():
            ws.range((block.row + r, block.column + c)).color = "#" + colour[-6:]
    header_rows = {b.row for b in output.blocks if b.header and b.values}
    for r, c in wrapped:
        if r not in header_rows:
            ws.range((r, c)).wrap_text = True
    for r, lines in heights.items():
        if lines > 1:
            ws.range((r, 1)).row_height = LINE_HEIGHT * lines
    for letter, column_width in output.widths.items():
        ws.range(f"{letter}:{letter}").column_width = column_width
    if output.freeze:
        # Not every desktop xlwings back end can freeze panes; the sheet is still whole.
        with contextlib.suppress(NotImplementedError):
            ws.freeze_panes.freeze_at(freeze_range(output.freeze))
    return ws
