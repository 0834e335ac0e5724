"""Write :class:`~cpcxl.common.report.SheetOutput` into the open workbook through xlwings."""

from __future__ import annotations

from typing import Any

import xlwings as xw

from cpcxl.common import styles
from cpcxl.common.formats import Formula
from cpcxl.common.report import SheetOutput

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


def render(book: xw.Book, output: SheetOutput) -> xw.Sheet:
    ws = sheet(book, output.name, replace=output.replace)
    for block in output.blocks:
        if block.title:
            title = ws.range((block.row - 1, block.column))
            title.value = excel_text(block.title)
            title.font.bold = True
        if not block.values:
            continue
        values = [[excel_text(v) for v in row] for row in block.values]
        top_left = ws.range((block.row, block.column))
        top_left.value = values
        if block.header:
            header = top_left.resize(1, len(values[0]))
            header.font.bold = True
            header.color = "#" + styles.HEADER_FILL.fgColor.rgb[-6:]
            header.font.color = "#FFFFFF"
        first_body = block.row + (1 if block.header else 0)
        body_rows = len(values) - (1 if block.header else 0)
        if body_rows > 0:
            for offset, number_format in block.formats.items():
                ws.range((first_body, block.column + offset)).resize(
                    body_rows, 1
                ).number_format = number_format
        for (r, c), colour in block.fills.items():
            ws.range((block.row + r, block.column + c)).color = "#" + colour[-6:]
    for letter, width in output.widths.items():
        ws.range(f"{letter}:{letter}").column_width = width
    return ws
