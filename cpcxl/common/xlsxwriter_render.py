"""Write :class:`~cpcxl.common.report.SheetOutput` to a file with XlsxWriter, for batches.

openpyxl builds a whole object model before it saves; XlsxWriter streams cells straight to
XML, which makes it the faster writer for reports produced by the thousand (a monitoring
batch writes one workbook per provider). The safety rules are those of
:mod:`cpcxl.common.workbook`: text from an input is written with ``write_string`` and never
becomes a formula (only :class:`~cpcxl.common.workbook.Formula` does), and the file appears
at its final name only when it is complete (:func:`cpcxl.common.files.atomic_path`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Format
from xlsxwriter.worksheet import Worksheet

from . import styles
from .files import atomic_path
from .formats import Formula
from .report import LINE_HEIGHT, SheetOutput, column_index, number_format, wrapping

# Never let XlsxWriter guess: '=1+1', '0123' and 'http://...' from an input stay text.
_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": False,
    # Every cell sits at the top of its row, which a row made tall for wrapped text needs and
    # a row of one line shows the same as the bottom; so a tall row's cell needs no format of
    # its own for it, and one with nothing else to say needs none at all: 3-4% fewer
    # instructions a summary, with a history or without (bench/monitoring_instructions.py).
    # The font is XlsxWriter's own default, which this option replaces.
    "default_format_properties": {"font_name": "Calibri", "font_size": 11, "valign": "top"},
}


def _hex(colour: str) -> str:
    return "#" + colour[-6:]


class XlsxBook:
    """An XlsxWriter workbook with a cache of cell formats (XlsxWriter wants each once)."""

    def __init__(self, path: str | os.PathLike[str], *, constant_memory: bool = False) -> None:
        options = dict(_OPTIONS)
        if constant_memory:
            # Rows go to a temp file as they are written, so a sheet of thousands of rows
            # costs no more memory than one of ten; blocks must then be written top down.
            options.update(in_memory=False, constant_memory=True)
        self.workbook = xlsxwriter.Workbook(str(path), options)
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        # A body cell's format by what decides it, so the batch's hundreds of thousands of
        # cells each cost one lookup.
        self._cell_formats: dict[tuple[str | None, str | None, bool], Format | None] = {}
        self._header: Format | None = None

    def format(self, **properties: Any) -> Format | None:
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(properties)
        return found

    def cell_format(self, num_format: str | None, colour: str | None, wrap: bool) -> Format | None:
        """A body cell's format: its number format, fill and wrap (every cell sits at the top
        of its row: :data:`_OPTIONS`)."""
        key = (num_format, colour, wrap)
        if key not in self._cell_formats:
            properties: dict[str, Any] = {}
            if num_format:
                properties["num_format"] = num_format
            if colour:
                properties["bg_color"] = _hex(colour)
            if wrap:
                properties["text_wrap"] = True
            self._cell_formats[key] = self.format(**properties)
        return self._cell_formats[key]

    def header_format(self) -> Format | None:
        if self._header is None:
            self._header = self._header_format()
        return self._header

    def _header_format(self) -> Format | None:
        return self.format(
            bold=True,
            font_color="#FFFFFF",
            bg_color=_hex(styles.HEADER_FILL.fgColor.rgb),
            align="center",
            valign="vcenter",
            text_wrap=True,
        )

    def title_format(self, size: int = 12) -> Format | None:
        return self.format(bold=True, font_size=size, font_color="#1F4E78")

    def render(self, output: SheetOutput) -> Worksheet:
        """Write one :class:`SheetOutput` as a new sheet and return the sheet."""
        ws = self.workbook.add_worksheet(output.name)
        lines, cells = wrapping(output)  # 1-based; XlsxWriter counts from 0
        heights = {r - 1: n for r, n in lines.items()}
        wrapped = {(r - 1, c - 1) for r, c in cells}
        for block in output.blocks:
            if block.title:
                ws.write_string(block.row - 2, block.column - 1, block.title, self.title_format())
            for r_offset, values in enumerate(block.values):
                row = block.row - 1 + r_offset
                is_header = block.header and r_offset == 0
                tall = row in heights
                if tall and heights[row] > 1:
                    ws.set_row(row, LINE_HEIGHT * heights[row])
                for c_offset, value in enumerate(values):
                    column = block.column - 1 + c_offset
                    if is_header:
                        self.write(ws, row, column, value, self.header_format())
                        continue
                    fmt = self.cell_format(
                        number_format(block, r_offset, c_offset, value),
                        block.fills.get((r_offset, c_offset)),
                        tall and (row, column) in wrapped,
                    )
                    self.write(ws, row, column, value, fmt)
        for letter, width in output.widths.items():
            ws.set_column(f"{letter}:{letter}", width)
        if output.freeze:
            row, column = _cell_index(output.freeze)
            ws.freeze_panes(row, column)
        return ws

    @staticmethod
    def write(ws: Worksheet, row: int, column: int, value: Any, fmt: Format | None) -> None:
        """One cell, by type; strings always as strings, only ``Formula`` as a formula."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            if fmt is not None:
                ws.write_blank(row, column, None, fmt)
        elif isinstance(value, Formula):
            ws.write_formula(row, column, str(value), fmt)
        elif isinstance(value, str):
            ws.write_string(row, column, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, column, value, fmt)
        elif isinstance(value, dt.datetime | dt.date):
            if not isinstance(value, dt.datetime):
                value = dt.datetime(value.year, value.month, value.day)
            ws.write_datetime(row, column, value, fmt)
        else:
            ws.write_string(row, column, str(value), fmt)


def _cell_index(reference: str) -> tuple[int, int]:
    """'B3' -> (2, 1), zero-based as XlsxWriter counts."""
    letters = "".join(ch for ch in reference if ch.isalpha())
    return int(reference[len(letters) :]) - 1, column_index(letters) - 1


def set_print(
    ws: Worksheet,
    *,
    landscape: bool = False,
    header: str | None = None,
    fit_width: bool = True,
    repeat_rows: tuple[int, int] | None = None,
) -> None:
    """A4 print set-up as :func:`cpcxl.common.workbook.set_print` does it, for XlsxWriter."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if fit_width:
        ws.fit_to_pages(1, 0)
    footer = "&RPage &P of &N"
    if header:
        marking = header.replace("&", "&&")
        ws.set_header(f'&C&"Arial,Bold"{marking}')
        footer = f'&C&"Arial,Bold"{marking}' + footer
    ws.set_footer(footer)
    if repeat_rows:
        ws.repeat_rows(*repeat_rows)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)


@contextlib.contextmanager
def xlsx_book(path: str | os.PathLike[str], *, constant_memory: bool = False) -> Iterator[XlsxBook]:
    """An :class:`XlsxBook` saved atomically to ``path`` when the block ends without error."""
    with atomic_path(path) as tmp:
        book = XlsxBook(tmp, constant_memory=constant_memory)
        try:
            yield book
        except BaseException:
            book.workbook.fileclosed = True  # nothing to save; atomic_path discards the file
            raise
        book.workbook.close()


def write_outputs(
    path: str | os.PathLike[str],
    outputs: list[SheetOutput],
    *,
    print_header: str | None = None,
    landscape: Mapping[str, bool] | None = None,
) -> Path:
    """Every output as a sheet of a new workbook at ``path``, print-ready on A4."""
    with xlsx_book(path) as book:
        for output in outputs:
            ws = book.render(output)
            set_print(ws, header=print_header, landscape=(landscape or {}).get(output.name, False))
    return Path(path)
