"""Building and reading workbook files with openpyxl and calamine; no Excel needed.

Every packaged workbook and every generated report goes through these helpers so they share
the same safety rules: text from an input is always written as text (never a formula), only
:class:`Formula` values become formulas, and files are saved atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from . import formats, styles
from .errors import InputError, Location, quote_sheet
from .excel_names import desktop_formula_name, office_formula_name
from .fields import Validation
from .files import atomic_path, check_workbook_file
from .formats import Formula
from .inputs import Cells, SettingsSpec, TableSpec
from .report import (
    DEFAULT_WIDTH,
    LINE_HEIGHT,
    TEMPLATE_MARK,
    SheetOutput,
    fingerprint,
    fingerprint_name,
    lines_needed,
    wrapping,
    written_cells,
)
from .values import is_blank


def put(cell: Cell, value: Any, number_format: str | None = None) -> Cell:
    """Write a value; strings stay strings even when they look like formulas."""
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # '=cmd|...' from an input must never run as a formula
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = formats.DATE_UK
    return cell


def write_rows(
    ws: Worksheet,
    rows: Iterable[Sequence[Any]],
    *,
    row: int = 1,
    column: int = 1,
    formats: Mapping[int, str] | None = None,
) -> int:
    """Write rows from (row, column); ``formats`` maps a 0-based column offset to a format.

    Returns the next free row.
    """
    formats = formats or {}
    r = row
    for r_offset, values in enumerate(rows):
        r = row + r_offset
        for c_offset, value in enumerate(values):
            put(ws.cell(r, column + c_offset), value, formats.get(c_offset))
        r += 1
    return r


def style_header(ws: Worksheet, row: int, first_column: int, last_column: int) -> None:
    for c in range(first_column, last_column + 1):
        cell = ws.cell(row, c)
        cell.font = styles.HEADER_FONT
        cell.fill = styles.HEADER_FILL
        cell.alignment = styles.CENTRE


def add_table(
    ws: Worksheet,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]] = (),
    *,
    row: int = 1,
    column: int = 1,
    formats: Mapping[str, str] | None = None,
    widths: Mapping[str, float] | None = None,
    min_rows: int = 1,
) -> str:
    """An Excel Table (ListObject) with a header, data and column formats; returns its range.

    ``formats`` and ``widths`` are keyed by header. Tables keep at least ``min_rows`` data rows
    so that an empty input table still shows where to type.
    """
    formats = formats or {}
    write_rows(ws, [list(header)], row=row, column=column)
    by_offset = {i: formats[h] for i, h in enumerate(header) if h in formats}
    write_rows(ws, rows, row=row + 1, column=column, formats=by_offset)
    last_row = row + max(len(rows), min_rows)
    for i, h in enumerate(header):
        letter = get_column_letter(column + i)
        if h in formats:
            for r in range(row + 1 + len(rows), last_row + 1):
                ws.cell(r, column + i).number_format = formats[h]
        width = (widths or {}).get(h) or min(max(len(str(h)) + 4, 12), 40)
        ws.column_dimensions[letter].width = width
    ref = (
        f"{get_column_letter(column)}{row}:{get_column_letter(column + len(header) - 1)}{last_row}"
    )
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=styles.TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    return ref


def add_list_validation(
    ws: Worksheet,
    cell_range: str,
    source: Sequence[str] | str,
    *,
    prompt: str | None = None,
    title: str | None = None,
) -> DataValidation:
    """A drop-down list on ``cell_range`` from a list of options or a named range ("=Name")."""
    if isinstance(source, str):
        formula = source if source.startswith("=") else f"={source}"
    else:
        formula = '"' + ",".join(str(o).replace('"', "'") for o in source) + '"'
        if len(formula) > 255:
            raise ValueError("list too long for an inline drop-down; put it on the Lists sheet")
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"Choose a value from the list{': ' + title if title else ''}."
    validation.errorTitle = "Not in the list"
    validation.showErrorMessage = True
    if prompt:
        validation.prompt = prompt
        validation.promptTitle = title or "Choose from the list"
        validation.showInputMessage = True
    validation.add(cell_range)
    ws.add_data_validation(validation)
    return validation


def add_whole_number_validation(
    ws: Worksheet, cell_range: str, low: int, high: int, *, prompt: str | None = None
) -> DataValidation:
    validation = DataValidation(
        type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True
    )
    validation.error = f"Enter a whole number from {low} to {high}."
    validation.errorTitle = "Out of range"
    validation.showErrorMessage = True
    if prompt:
        validation.prompt = prompt
        validation.showInputMessage = True
    validation.add(cell_range)
    ws.add_data_validation(validation)
    return validation


def add_validation(
    ws: Worksheet, cell_range: str, validation: Validation, *, prompt: str | None = None
) -> DataValidation:
    """The data validation a value type describes (:attr:`CellType.validation`)."""
    if validation.kind == "list":
        if validation.source:
            return add_list_validation(ws, cell_range, f"={validation.source}", prompt=prompt)
        return add_list_validation(ws, cell_range, validation.options, prompt=prompt)
    low, high = validation.low, validation.high
    if validation.kind == "date":
        # Excel keeps dates as serials; the bounds are written as DATE() so they read plainly
        bounds = [f"DATE({d.year},{d.month},{d.day})" for d in (low, high)]  # type: ignore[union-attr]
    else:
        bounds = [_bound(low, "-1E+307"), _bound(high, "1E+307")]
    dv = DataValidation(
        type=validation.kind,
        operator="between",
        formula1=bounds[0],
        formula2=bounds[1],
        allow_blank=True,
    )
    dv.error = f"Enter {validation.message}." if validation.message else "Out of range."
    dv.errorTitle = "Not valid here"
    dv.showErrorMessage = True
    if prompt:
        dv.prompt = prompt
        dv.showInputMessage = True
    dv.add(cell_range)
    ws.add_data_validation(dv)
    return dv


def _bound(value: Any, unbounded: str) -> str:
    return unbounded if value is None else repr(float(value)).removesuffix(".0")


def add_input_table(
    ws: Worksheet,
    spec: TableSpec,
    rows: Sequence[Sequence[Any]] = (),
    *,
    row: int = 1,
    column: int = 1,
    min_rows: int = 1,
) -> str:
    """The Excel Table a :class:`TableSpec` declares, with its formats, widths and every
    column's validation; returns its range. The same spec reads it back."""
    shown = [c for c in spec.columns]
    ref = add_table(
        ws,
        spec.name,
        spec.headers,
        rows,
        row=row,
        column=column,
        formats={c.header: c.type.number_format for c in shown if c.type.number_format},
        widths={c.header: c.width for c in shown if c.width},
        min_rows=min_rows,
    )
    last_row = row + max(len(rows), min_rows)
    for offset, c in enumerate(shown):
        validation = c.type.validation
        if validation is None or c.output:
            continue
        letter = get_column_letter(column + offset)
        add_validation(ws, f"{letter}{row + 1}:{letter}{last_row}", validation, prompt=c.prompt)
    return ref


def add_settings_table(
    ws: Worksheet,
    spec: SettingsSpec,
    values: Mapping[str, Any] | None = None,
    *,
    row: int = 1,
    column: int = 1,
) -> str:
    """A :class:`SettingsSpec` as an Excel Table: each setting's label, value (``values``, or
    its default) and note, with the setting's format and validation on its value cell."""
    values = values or {}
    table_rows = [[s.label, values.get(s.field, s.default), s.note] for s in spec.settings]
    table = spec.table
    ref = add_table(
        ws,
        spec.name,
        table.headers,
        table_rows,
        row=row,
        column=column,
        widths={table.headers[0]: 34, table.headers[1]: 18, table.headers[2]: 80},
    )
    value_letter = get_column_letter(column + 1)
    for offset, s in enumerate(spec.settings, start=1):
        cell = ws.cell(row + offset, column + 1)
        cell.fill = styles.INPUT_FILL
        if s.type.number_format:
            cell.number_format = s.type.number_format
        if s.type.validation is not None:
            add_validation(ws, f"{value_letter}{row + offset}", s.type.validation)
        ws.cell(row + offset, column + 2).alignment = styles.WRAP
    return ref


def define_name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    """A workbook-level name for ``sheet!ref`` (absolute), e.g. for drop-down sources."""
    absolute = _absolute(ref)
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(sheet)}!{absolute}")


def mark_output_sheet(wb: Workbook, sheet: str) -> None:
    """Mark a sheet a template makes for a button to fill, so the button's first run
    replaces it without keeping a copy as if a person had edited it. A sheet cpcxl drew
    (which has its fingerprint already) keeps the fingerprint instead."""
    name = fingerprint_name(sheet)
    if name in wb.defined_names:
        return  # cpcxl drew the sheet: its own fingerprint shows a person's edits later
    wb.defined_names[name] = DefinedName(name, attr_text=f'"{TEMPLATE_MARK}"', hidden=True)


def _absolute(ref: str) -> str:
    parts = []
    for part in ref.split(":"):
        letters = "".join(ch for ch in part if ch.isalpha())
        digits = part[len(letters) :]
        parts.append(f"${letters}${digits}" if digits else f"${letters}")
    return ":".join(parts)


def add_lists_sheet(
    wb: Workbook, lists: Mapping[str, Sequence[str]], *, title: str = "Lists"
) -> Worksheet:
    """A sheet of the allowed values, one named column per list, for drop-downs to point at."""
    ws = wb.create_sheet(title)
    for c, (name, options) in enumerate(lists.items(), start=1):
        put(ws.cell(1, c), name)
        for r, option in enumerate(options, start=2):
            put(ws.cell(r, c), option)
        letter = get_column_letter(c)
        define_name(wb, name, title, f"{letter}2:{letter}{max(len(options) + 1, 2)}")
        ws.column_dimensions[letter].width = max(
            14, max((len(str(o)) for o in options), default=0) + 2
        )
    style_header(ws, 1, 1, len(lists))
    ws.freeze_panes = "A2"
    return ws


def add_instructions(
    wb: Workbook,
    title: str,
    sections: Sequence[tuple[str, str | Sequence[str]]],
    *,
    sheet: str = "Instructions",
) -> Worksheet:
    """The sheet a user reads first: a title, then headed paragraphs or bullet lists."""
    # A new openpyxl workbook starts with one empty "Sheet": use it, so instructions come first.
    fresh = (
        wb.sheetnames == ["Sheet"] and wb["Sheet"].max_row == 1 and wb["Sheet"]["A1"].value is None
    )
    ws = wb["Sheet"] if fresh else wb.create_sheet(index=0)
    ws.title = sheet
    put(ws["A1"], title).font = styles.TITLE_FONT
    r = 3
    for heading, body in sections:
        put(ws.cell(r, 1), heading).font = styles.SUBTITLE_FONT
        r += 1
        for line in _lines(body):
            cell = put(ws.cell(r, 1), line if isinstance(body, str) else f"•  {line}")
            cell.alignment = styles.WRAP
            r += 1
        r += 1
    named = [
        m.group(0) for _, b in sections for line in _lines(b) for m in _DESKTOP_NAME.finditer(line)
    ]
    if named:
        # The two runtimes name the same function differently; say so where the names are used.
        put(ws.cell(r, 1), "Function names").font = styles.SUBTITLE_FONT
        python_name = named[0].lower()
        note = (
            f"The names above are the desktop xlwings add-in's "
            f"(={desktop_formula_name(python_name)}). In the Office add-in the same functions "
            f"are under CPC with a dot: ={office_formula_name(python_name)}."
        )
        put(ws.cell(r + 1, 1), note).alignment = styles.WRAP
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    ws.sheet_view.showGridLines = False
    set_print(ws)
    return ws


#: The Instructions column: as wide as an A4 portrait page prints at the default margins
#: (about 90 characters of 11-point text), so nothing runs off the printed page.
INSTRUCTIONS_WIDTH = 90
#: Sheets longer than this are data (a register, a budget's rows), not prose to fit.
FIT_ROWS_UP_TO = 5000


def column_widths(ws: Worksheet) -> dict[str, float]:
    """Each column's set width by letter; a ``<col>`` spanning several columns (as Excel and
    XlsxWriter write equal neighbours) counts for each of them, where openpyxl files the
    span under its first letter only."""
    widths: dict[str, float] = {}
    for letter, dimension in ws.column_dimensions.items():
        if not dimension.width:
            continue
        first = column_index_from_string(letter)
        # min and max are set when a file is read; a sheet being built has its letter only
        for index in range(first, max(dimension.max or first, first) + 1):
            widths[get_column_letter(index)] = dimension.width
    return widths


def fit_wrapped_rows(ws: Worksheet) -> None:
    """Make every row tall enough for the wrapped text in it at its column's width, as no
    viewer re-measures rows (LibreOffice and Excel draw wrapped lines over the next row)."""
    if ws.max_row > FIT_ROWS_UP_TO:
        return
    merged = {c for r in ws.merged_cells.ranges for row in r.cells for c in [row]}
    needed: dict[int, int] = {}
    widths = column_widths(ws)
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            if (cell.row, cell.column) in merged:
                continue
            width = widths.get(cell.column_letter, DEFAULT_WIDTH)
            lines = lines_needed(cell.value, width)
            needed[cell.row] = max(needed.get(cell.row, 1), lines)
    for r, lines in needed.items():
        if lines > 1:
            height = LINE_HEIGHT * lines
            current = ws.row_dimensions[r].height
            if current is None or current < height:
                ws.row_dimensions[r].height = height


def finish_for_print(wb: Workbook) -> None:
    """Every sheet on A4 (fitted to the page width where it has no set-up of its own) and
    every row tall enough for its wrapped text."""
    for ws in wb.worksheets:
        if ws.page_setup.paperSize is None:
            set_print(ws)
        fit_wrapped_rows(ws)


_DESKTOP_NAME = re.compile(r"\bCPC_[A-Z][A-Z_]*[A-Z]")


def _lines(body: str | Sequence[str]) -> Sequence[str]:
    return [body] if isinstance(body, str) else body


def add_xlwings_conf(wb: Workbook, *, udf_modules: str = "cpcxl.xl.udfs") -> Worksheet:
    """The ``xlwings.conf`` sheet the desktop xlwings add-in reads its settings from."""
    ws = wb.create_sheet("xlwings.conf")
    write_rows(
        ws, [["UDF Modules", udf_modules], ["Show Console", False], ["Use UDF Server", False]]
    )
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 30
    ws.sheet_state = "hidden"
    return ws


def set_print(
    ws: Worksheet,
    *,
    landscape: bool = False,
    fit_width: bool = True,
    pages_wide: int = 1,
    header: str | None = None,
    repeat_rows: str | None = None,
    repeat_columns: str | None = None,
) -> None:
    """A4 print set-up: fit to ``pages_wide`` pages across, optional header text (e.g. a
    protective marking), and rows or columns repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = pages_wide
        ws.page_setup.fitToHeight = 0
    if pages_wide > 1:
        # A wide table reads row by row: print each band of rows across before going down.
        ws.page_setup.pageOrder = "overThenDown"
    if header:
        ws.oddHeader.center.text = header
        ws.oddHeader.center.font = "Arial,Bold"
        ws.oddFooter.center.text = header
    ws.oddFooter.right.text = "Page &P of &N"
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    if repeat_columns:
        ws.print_title_cols = repeat_columns


def save_workbook(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save atomically: the file at ``path`` is either the old one or the whole new one.
    Every sheet is made ready to print first (:func:`finish_for_print`)."""
    finish_for_print(wb)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def render(wb: Workbook, output: SheetOutput, *, index: int | None = None) -> Worksheet:
    """Write a :class:`SheetOutput` into an openpyxl workbook (replacing the sheet if asked)."""
    if output.name in wb.sheetnames:
        if output.replace:
            index = wb.sheetnames.index(output.name)
            del wb[output.name]
            ws = wb.create_sheet(output.name, index)
        else:
            ws = wb[output.name]
    else:
        ws = wb.create_sheet(output.name, index)
    for block in output.blocks:
        if block.title:
            put(ws.cell(block.row - 1, block.column), block.title).font = styles.SUBTITLE_FONT
        body = block.values[1:] if block.header else block.values
        if block.header and block.values:
            write_rows(ws, [block.values[0]], row=block.row, column=block.column)
            style_header(ws, block.row, block.column, block.column + len(block.values[0]) - 1)
        write_rows(
            ws,
            body,
            row=block.row + (1 if block.header else 0),
            column=block.column,
            formats=block.formats,
        )
        for (r, c), colour in block.fills.items():
            ws.cell(block.row + r, block.column + c).fill = styles.fill(colour)
    heights, wrapped = wrapping(output)
    header_cells = {
        (b.row, b.column + c)
        for b in output.blocks
        if b.header and b.values
        for c in range(len(b.values[0]))
    }
    for r, c in wrapped - header_cells:  # headers are centred and wrap already
        ws.cell(r, c).alignment = styles.WRAP
    for r, lines in heights.items():
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines
    for letter, width in output.widths.items():
        ws.column_dimensions[letter].width = width
    if output.freeze:
        ws.freeze_panes = output.freeze
    # The fingerprint a button compares before it replaces this sheet (cpcxl.xl.render): a
    # sheet a command wrote is cpcxl's own until a person changes it.
    name = fingerprint_name(output.name)
    digest = fingerprint(written_cells(output))
    wb.defined_names[name] = DefinedName(name, attr_text=f'"{digest}"', hidden=True)
    return ws


# --- reading -----------------------------------------------------------------------------


class Sheets(dict[str, list[list[Any]]]):
    """Sheet name -> rows of cell values; ``names`` is every sheet in the workbook, read or not."""

    names: list[str]


def read_sheets(
    path: str | os.PathLike[str], *, only: Collection[str] | None = None, **limits: int
) -> Sheets:
    """Every sheet's cell values (or ``only`` those sheets), read fast with calamine after the
    file has been checked.

    Error cells (#N/A, #DIV/0! ...) come back as their error text, so a broken formula in an
    input is reported where it is rather than read as a blank.
    """
    return _read_book(path, only, tables=False, **limits)[0]


#: Where each Excel Table of a workbook is: {name: (sheet, header (row, column), end)}.
_Places = dict[str, tuple[str, tuple[int, int], tuple[int, int]]]
_Merged = dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]


def _read_book(
    path: str | os.PathLike[str], only: Collection[str] | None, *, tables: bool, **limits: int
) -> tuple[Sheets, _Places, _Merged]:
    """The sheets' values and, with ``tables``, the Excel Tables' places and the merged
    ranges of the sheets read, all from one opening of the file."""
    from python_calamine import CalamineWorkbook

    path = check_workbook_file(path, **limits)
    merged: _Merged = {}
    try:
        book = CalamineWorkbook.from_path(str(path), load_tables=tables)
        sheets = Sheets()
        for name in book.sheet_names:
            if only is None or name in only:
                sheet = book.get_sheet_by_name(name)
                sheets[name] = sheet.to_python(skip_empty_area=False)
                if tables:
                    merged[name] = sheet.merged_cell_ranges or []
        sheets.names = list(book.sheet_names)
        places = _places(book) if tables else {}
        errors = error_cells(path, only=sheets.keys())
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise InputError(
            f"the workbook could not be read ({exc})", location=Location(file=path.name)
        ) from None
    for name, found in errors.items():
        rows = sheets.get(name)
        if rows is None:
            continue
        for (r, c), text in found.items():
            while len(rows) <= r:
                rows.append([])
            if len(rows[r]) <= c:
                rows[r].extend([""] * (c + 1 - len(rows[r])))
            rows[r][c] = text
    return sheets, places, merged


def read_tables(
    path: str | os.PathLike[str],
    specs: Iterable[TableSpec | SettingsSpec],
    *,
    sheets: Sheets | None = None,
    **limits: int,
) -> dict[str, Cells]:
    """{table name: its cells} for each spec found in the workbook at ``path``.

    An Excel Table of the spec's name is read exactly (with the rows below it that hold
    values but are not in it, and the merged cells over its body); a sheet of the spec's
    sheet name without that table is read whole, its header looked for. Without ``sheets``
    the file is opened once for everything.
    """
    specs = list(specs)
    wanted = {s.sheet for s in specs}
    if sheets is None:
        sheets, places, merged = _read_book(path, wanted, tables=True, **limits)
    else:
        places, merged = _table_places(path, wanted)
    found: dict[str, Cells] = {}
    for spec in specs:
        rows = sheets.get(spec.sheet)
        if rows is None:
            continue
        place = places.get(spec.name)
        if place is None or place[0] != spec.sheet:
            found[spec.name] = Cells(rows)
            continue
        others = [
            (a, b) for n, (sheet, a, b) in places.items() if sheet == spec.sheet and n != spec.name
        ]
        found[spec.name] = table_cells(rows, place[1], place[2], merged.get(spec.sheet, []), others)
    return found


def _places(book: Any) -> _Places:
    places: _Places = {}
    for name in book.table_names or []:
        table = book.get_table_by_name(name)
        if table.start is None or table.end is None:
            continue  # a table with no cells: read as a plain sheet
        # calamine gives a table's data range; its header is the row above
        (top, left), end = table.start, table.end
        places[name] = (table.sheet, (top - 1, left), end)
    return places


def _table_places(path: str | os.PathLike[str], wanted: Collection[str]) -> tuple[_Places, _Merged]:
    """The Excel Tables' places and the ``wanted`` sheets' merged ranges, for sheets read
    already."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path), load_tables=True)
        places = _places(book)
        merged = {
            sheet: book.get_sheet_by_name(sheet).merged_cell_ranges or []
            for sheet in wanted
            if sheet in book.sheet_names
        }
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise InputError(
            f"the workbook's tables could not be read ({exc})",
            location=Location(file=Path(path).name),
        ) from None
    return places, merged


def table_cells(
    rows: Sequence[Sequence[Any]],
    start: tuple[int, int],
    end: tuple[int, int],
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
    others: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Cells:
    """The cells of a table from (row, column) ``start`` to ``end`` (from 0, inclusive) of a
    sheet's rows, with what lies below it in its columns and the merges over its body.

    Rows of ``others`` (the sheet's other tables, as (start, end) with the header row) and
    the title row just above each are not stray: a sheet may stack titled tables.
    """
    (top, left), (bottom, right) = start, end
    body = [list(r[left : right + 1]) for r in rows[top : bottom + 1]]
    taken = {
        r
        for (o_top, o_left), (o_bottom, o_right) in others
        if o_right >= left and o_left <= right and o_top > bottom
        for r in range(o_top - 1, o_bottom + 1)
    }
    stray = tuple(
        index + 1
        for index in range(bottom + 1, len(rows))
        if index not in taken and any(not is_blank(v) for v in rows[index][left : right + 1])
    )
    overlapping = tuple(
        f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in merged
        if r1 > top and r0 <= bottom and c1 >= left and c0 <= right
    )
    return Cells(body, top + 1, left + 1, exact=True, stray_rows=stray, merged=overlapping)


_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ERROR_TYPE = re.compile(rb'\bt="e"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def error_cells(
    path: str | os.PathLike[str], *, only: Collection[str] | None = None
) -> dict[str, dict[tuple[int, int], str]]:
    """{sheet: {(row, column) from 0: error text}} for every error cell in an .xlsx (in the
    sheets named ``only``, if given).

    calamine reads error cells as "" (python-calamine issue 105), so they are found in the
    sheets' XML. Error cells are rare: a byte search of each sheet finds there are none
    before any XML is parsed.
    """
    with zipfile.ZipFile(path) as archive:
        flagged = {
            name: xml
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
            if b't="e"' in (xml := archive.read(name))  # a plain byte search: no regex
        }
        if not flagged:
            return {}
        parts = _sheet_parts(archive)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for sheet, part in parts.items():
        if part in flagged and (only is None or sheet in only):
            cells = _error_cells_in(flagged[part])
            if cells:
                found[sheet] = cells
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its part in the archive ('xl/worksheets/sheet1.xml')}."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(f"{_RELS_NS}id"), "")
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return parts


def _error_cells_in(xml: bytes) -> dict[tuple[int, int], str]:
    from openpyxl.utils import column_index_from_string

    cells: dict[tuple[int, int], str] = {}
    for match in _ERROR_TYPE.finditer(xml):
        start = xml.rfind(b"<c ", 0, match.start())
        tag_end = xml.find(b">", start)
        end = xml.find(b"</c>", match.end())
        if start == -1 or tag_end < match.start() or end == -1:
            continue  # not a cell's type attribute
        ref = _CELL_REF.search(xml, start, tag_end)
        value = _CELL_VALUE.search(xml, tag_end, end)
        if ref is None or value is None:
            continue
        column = column_index_from_string(ref.group(1).decode())
        cells[(int(ref.group(2)) - 1, column - 1)] = value.group(1).decode()
    return cells


def open_for_reading(path: str | os.PathLike[str], **limits: int) -> Workbook:
    """An openpyxl workbook for reading tables, names and validations (read-only access)."""
    path = check_workbook_file(path, **limits)
    try:
        return load_workbook(path, data_only=False, read_only=False)
    except Exception as exc:
        raise InputError(
            f"the workbook could not be read ({exc})", location=Location(file=path.name)
        ) from None


# --- contents, for golden comparisons ------------------------------------------------------


def workbook_contents(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What a workbook says (cells, formulas, formats, names, tables, validations): not bytes."""
    wb = load_workbook(path)
    contents: dict[str, Any] = {
        "sheets": wb.sheetnames,
        "names": {name: dn.attr_text for name, dn in sorted(wb.defined_names.items())},
    }
    for ws in wb.worksheets:
        cells = {
            cell.coordinate: [_plain_value(cell.value), cell.number_format]
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        }
        contents[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "tables": {t.displayName: t.ref for t in ws.tables.values()},
            "validations": sorted(
                f"{dv.type}:{dv.formula1}:{dv.formula2}:{dv.sqref}"
                for dv in ws.data_validations.dataValidation
            ),
            "conditional_formats": sorted(
                f"{rng.sqref}:{rule.type}:{rule.operator}:{rule.formula}"
                for rng in ws.conditional_formatting
                for rule in rng.rules
            ),
            "charts": len(ws._charts),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
            "print": [ws.page_setup.orientation, ws.oddHeader.center.text],
        }
    return contents


def _plain_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def contents_differences(
    expected: Mapping[str, Any], actual: Mapping[str, Any], *, limit: int = 20
) -> list[str]:
    """Readable differences between two :func:`workbook_contents` results."""
    found: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in sorted(set(a) | set(b), key=str):
                if key not in a:
                    found.append(f"{where}/{key}: only in the new build ({b[key]!r})")
                elif key not in b:
                    found.append(f"{where}/{key}: missing from the new build (was {a[key]!r})")
                else:
                    walk(a[key], b[key], f"{where}/{key}")
        elif a != b:
            found.append(f"{where}: {a!r} != {b!r}")

    walk(expected, actual, "")
    return found
