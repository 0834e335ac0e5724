"""Reading an open workbook's input tables through xlwings, as the file reader reads them.

The button scripts hand what these return to the same ``inputs`` functions the command line
uses, so a workbook gives the same answers and the same located errors either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import xlwings as xw

from cpcxl.common.inputs import Cells, SettingsSpec, TableSpec
from cpcxl.common.values import is_blank


def grid(value: Any) -> list[list[Any]]:
    """A range's value as rows, whatever its shape (a cell, a row, a column)."""
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [value]
    return [list(r) for r in value]


def sheet_rows(sheet: xw.Sheet) -> list[list[Any]]:
    """Every row of a sheet from A1, padded so row and column numbers stay true."""
    used = sheet.used_range
    values = grid(used.options(ndim=2).value)
    top, left = used.row - 1, used.column - 1
    width = (len(values[0]) if values else 0) + left
    return [[None] * width for _ in range(top)] + [[None] * left + r for r in values]


def table_cells(book: xw.Book, spec: TableSpec | SettingsSpec) -> Cells | None:
    """The cells of the spec's Excel Table (or its sheet, if the table is gone), or None."""
    names = [s.name for s in book.sheets]
    if spec.sheet not in names:
        return None
    sheet = book.sheets[spec.sheet]
    table = next((t for t in sheet.tables if t.name == spec.name), None)
    if table is None:
        return Cells(sheet_rows(sheet))
    rng = table.range
    rows = grid(rng.options(ndim=2).value)
    stray: tuple[int, ...] = ()
    used = sheet.used_range
    last_used = used.row + used.rows.count - 1
    last_table = rng.row + rng.rows.count - 1
    if last_used > last_table:
        left, right = rng.column, rng.column + rng.columns.count - 1
        below = sheet.range((last_table + 1, left), (last_used, right))
        # Rows of the sheet's other tables below this one, and the title row just above
        # each, are not stray: a sheet may stack titled tables (as the file reader reads it).
        taken: set[int] = set()
        for other in sheet.tables:
            if other.name == table.name:
                continue
            o = other.range
            o_left, o_right = o.column, o.column + o.columns.count - 1
            if o_right >= left and o_left <= right and o.row > last_table:
                taken.update(range(o.row - 1, o.row + o.rows.count))
        stray = tuple(
            last_table + 1 + i
            for i, r in enumerate(grid(below.options(ndim=2).value))
            if last_table + 1 + i not in taken and any(not is_blank(v) for v in r)
        )
    return Cells(rows, rng.row, rng.column, exact=True, stray_rows=stray)


def read_book_tables(book: xw.Book, specs: Iterable[TableSpec | SettingsSpec]) -> dict[str, Cells]:
    """{table name: cells} for each spec found in the open workbook."""
    found = {}
    for spec in specs:
        cells = table_cells(book, spec)
        if cells is not None:
            found[spec.name] = cells
    return found
