"""Writing monitoring summaries and the portfolio workbook to files, with XlsxWriter: the
faster writer for reports produced by the thousand. What they say is in
:mod:`cpcxl.monitoring.outputs`; here are the files, their print set-up and their charts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpcxl.common.report import SheetOutput
from cpcxl.common.values import steady_number
from cpcxl.common.xlsxwriter_render import XlsxBook, xlsx_book
from cpcxl.common.xlsxwriter_render import set_print as xw_set_print

from .. import engine
from ..outputs import (
    DEFAULT_SETTINGS,
    HEADER_ROW,
    OVERVIEW,
    RATINGS,
    ReportSettings,
    domain_block,
    printed_only,
    progress_block,
    ratings_tables,
    summary_outputs,
    update_outputs,
)
from .line_chart import Line, LineChartSpec, insert_line_chart

#: The hidden sheet where cpcxl keeps what it needs to know of a file it wrote: for a
#: summary, the fingerprint of the return it was made from and its row of the overview; for
#: the portfolio, the fingerprint of its own cells as written.
RECORD_SHEET = "cpcxl"
_RETURN = "return sha256"
_HISTORY = "history sha256"
_ROW = "overview row"
_CELLS = "cells sha256"
#: The overview's columns that hold dates (kept as ISO text in the record).
_DATE_COLUMNS = ("Monitoring date",)


@dataclass(frozen=True)
class SummaryRecord:
    """What a summary file says of itself: the return it was made from, the fingerprint of
    the provider's history before this round (blank without one), and its overview row."""

    return_sha256: str
    row: dict[str, Any]
    history_sha256: str = ""


#: The summary's sheets printed landscape (the others portrait).
LANDSCAPE = ("Action plan", "Compliance action")


def write_summary(
    path: str | os.PathLike[str],
    result: engine.ProviderResult,
    settings: ReportSettings = DEFAULT_SETTINGS,
    *,
    record: SummaryRecord | None = None,
    next_visit: dt.date | None = None,
) -> Path:
    """One provider's monitoring summary workbook, print-ready on A4, written atomically;
    with ``record``, a hidden sheet keeps it (see :func:`read_summary_record`)."""
    outputs = summary_outputs(result, settings, next_visit=next_visit)
    with xlsx_book(path) as book:
        for output in outputs:
            ws = book.render(output)
            xw_set_print(
                ws,
                header=settings.marking,
                landscape=output.name in LANDSCAPE,
                repeat_rows=None,
            )
        _domain_chart(book, outputs)
        _progress_charts(book, outputs)
        if record is not None:
            row = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in record.row.items()}
            _record_sheet(
                book,
                [
                    (_RETURN, record.return_sha256),
                    (_HISTORY, record.history_sha256),
                    (_ROW, json.dumps(row)),
                ],
            )
    return Path(path)


def write_update(
    path: str | os.PathLike[str],
    result: engine.ProviderResult,
    settings: ReportSettings = DEFAULT_SETTINGS,
    *,
    next_visit: dt.date | None = None,
) -> Path:
    """The one-page update for people kept informed: A4 portrait, one page."""
    with xlsx_book(path) as book:
        for output in update_outputs(result, settings, next_visit=next_visit):
            ws = book.render(output)
            xw_set_print(ws, header=settings.marking, landscape=False)
            ws.fit_to_pages(1, 1)
    return Path(path)


def _record_sheet(book: XlsxBook, items: list[tuple[str, str]]) -> None:
    ws = book.workbook.add_worksheet(RECORD_SHEET)
    for r, (key, value) in enumerate(items):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.hide()


def _read_record(path: str | os.PathLike[str]) -> tuple[dict[str, str], Any] | None:
    """The record sheet's items and the open workbook (calamine), or None if there is none
    or the file cannot be read as a workbook."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if RECORD_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(RECORD_SHEET).to_python(skip_empty_area=False)
    except Exception:  # a damaged or foreign file: cpcxl's record is not in it
        return None
    return {str(r[0]): str(r[1]) for r in rows if len(r) >= 2}, book


def read_summary_record(path: str | os.PathLike[str]) -> SummaryRecord | None:
    """The record a summary keeps of its return and its overview row; None for a file that
    has none (written by an earlier cpcxl, or not by cpcxl)."""
    found = _read_record(path)
    if found is None:
        return None
    items, _ = found
    try:
        row = json.loads(items[_ROW])
        sha = items[_RETURN]
    except (KeyError, ValueError):
        return None
    if not isinstance(row, dict):
        return None
    history_sha = items.get(_HISTORY, "")
    for column in _DATE_COLUMNS:
        if isinstance(row.get(column), str):
            try:
                row[column] = dt.date.fromisoformat(row[column])
            except ValueError:
                row[column] = None
    return SummaryRecord(sha, row, history_sha)


def _domain_chart(book: XlsxBook, outputs: list[SheetOutput]) -> None:
    block = domain_block(outputs)
    first, last = block.row, block.row + len(block.values) - 1  # 1-based sheet rows, header first
    chart = book.workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "This round",
            "categories": ["Summary", first, 0, last - 1, 0],
            "values": ["Summary", first, 1, last - 1, 1],
            "fill": {"color": "#1F4E78"},
        }
    )
    if any(r[4] is not None for r in block.values[1:]):
        chart.add_series(
            {
                "name": "Previous round",
                "categories": ["Summary", first, 0, last - 1, 0],
                "values": ["Summary", first, 4, last - 1, 4],
                "fill": {"color": "#A6A6A6"},
            }
        )
    chart.set_title({"name": "Domain scores (%)"})
    chart.set_x_axis({"min": 0, "max": 100, "major_unit": 25})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 300})
    book.workbook.get_worksheet_by_name("Summary").insert_chart(
        last + 1, 0, chart, {"x_offset": 5, "y_offset": 5}
    )


def _progress_charts(book: XlsxBook, outputs: list[SheetOutput]) -> None:
    """With a history: the overall and domain scores at the baseline and over the last
    rounds (lines, from zero to 100), under the Summary's progress table, whose first rows
    are its data (the KPIs below them each have their own unit, so no one axis fits them)."""
    block = progress_block(outputs)
    if block is None or len(block.values[0]) < 6:  # no history: one round, nothing to draw
        return
    # the baseline and the rounds: the header less its label, change and trend
    n = len(block.values[0]) - 3
    scores = len(domain_block(outputs).values)  # overall and each domain (less the header)
    first = block.row - 1  # 0-based row of the header (the categories)
    lines = [
        Line(
            name=values[0],
            name_cell=(first + r, block.column - 1),
            values=values[1 : 1 + n],
            values_at=(first + r, block.column),
            width=2.25 if r == 1 else 1.5,
            dash="solid" if r == 1 else "dash",
        )
        for r, values in enumerate(block.values[: 1 + scores])
        if r
    ]
    spec = LineChartSpec(
        sheet="Summary",
        title="Scores at the baseline and the last rounds (%)",
        categories=block.values[0][1 : 1 + n],
        categories_at=(first, block.column),
        lines=lines,
    )
    row = block.row + len(block.values)  # 0-based: a row under the table
    insert_line_chart(
        book.workbook,
        book.workbook.get_worksheet_by_name("Summary"),
        (row, 0),
        spec,
        width=620,
        height=285,
    )


def cells_sha256(outputs: list[SheetOutput]) -> str:
    """A fingerprint of the cells the portfolio's sheets hold, as cpcxl writes them; the
    same as :func:`portfolio_cells_sha256` gives for the file if nobody has changed it."""
    items = []
    for output in outputs:
        for block in output.blocks:
            if block.title:
                items.append((output.name, block.row - 1, block.column, block.title))
            for r, values in enumerate(block.values):
                for c, value in enumerate(values):
                    items.append((output.name, block.row + r, block.column + c, value))
    return _digest(items)


def portfolio_cells_sha256(path: str | os.PathLike[str]) -> tuple[str, str] | None:
    """(the fingerprint cpcxl recorded when it wrote the portfolio, the fingerprint of its
    cells now); None when the file has no record (not written by this cpcxl)."""
    found = _read_record(path)
    if found is None or _CELLS not in found[0]:
        return None
    items, book = found
    cells = []
    for name in book.sheet_names:
        if name == RECORD_SHEET:
            continue
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                cells.append((name, r, c, value))
    now = _digest(cells)
    if now != items[_CELLS] and _digest(cells, earlier=True) == items[_CELLS]:
        now = items[_CELLS]  # recorded by an earlier cpcxl, which counted numbers as below
    return items[_CELLS], now


def _digest(items: list[tuple[str, int, int, Any]], *, earlier: bool = False) -> str:
    plain = sorted(
        (s, r, c, v) for s, r, c, value in items if (v := _plain(value, earlier)) is not None
    )
    return hashlib.sha256(repr(plain).encode()).hexdigest()


def _plain(value: Any, earlier: bool = False) -> tuple[str, Any] | None:
    """A cell's value as written and as read back alike (numbers as steady_number gives
    them, or with ``earlier`` straight to 12 digits, as cpcxl did before; dates as days);
    None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, dt.datetime):
        return ("d", value.isoformat()) if value.time() != dt.time() else ("d", value.date())
    if isinstance(value, dt.date):
        return ("d", value)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        return ("n", f"{float(value):.12g}" if earlier else steady_number(value))
    return ("s", str(value))


def write_portfolio(
    path: str | os.PathLike[str],
    outputs: list[SheetOutput],
    *,
    settings: ReportSettings = DEFAULT_SETTINGS,
    record: bool = True,
) -> Path:
    """The portfolio workbook, with a chart of each framework's ratings, written atomically;
    a hidden sheet records the fingerprint of its cells, so a rerun can tell whether a person
    has changed it since. The Overview prints on one landscape A4 width, its header on
    every page."""
    with xlsx_book(path, constant_memory=True) as book:
        for output in outputs:
            ws = _render_row_major(book, output) if output.name == RATINGS else book.render(output)
            xw_set_print(
                ws,
                header=settings.marking,
                landscape=output.name != RATINGS,
                repeat_rows=(HEADER_ROW - 1, HEADER_ROW - 1)
                if output.name.endswith("verview")
                else None,
            )
            if output.name == OVERVIEW:
                ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
        ratings = next((o for o in outputs if o.name == RATINGS), None)
        if ratings is not None:
            _ratings_charts(book, ratings)
        if record:
            _record_sheet(book, [(_CELLS, cells_sha256(outputs))])
    return Path(path)


def _render_row_major(book: XlsxBook, output: SheetOutput) -> Any:
    """A sheet of tables side by side, its cells written row by row: a constant-memory
    workbook keeps only the row in hand, so blocks that share rows cannot be written one
    after another (the first block's rows would be gone when the second came to them)."""
    from cpcxl.common.report import number_format

    ws = book.workbook.add_worksheet(output.name)
    cells: list[tuple[int, int, Any, Any]] = []
    for block in output.blocks:
        if block.title:
            cells.append((block.row - 2, block.column - 1, block.title, book.title_format(11)))
        for r, values in enumerate(block.values):
            for c, value in enumerate(values):
                if block.header and r == 0:
                    fmt = book.header_format()
                else:
                    properties: dict[str, Any] = {}
                    shown = number_format(block, r, c, value)
                    if shown:
                        properties["num_format"] = shown
                    if (colour := block.fills.get((r, c))) is not None:
                        properties["bg_color"] = "#" + colour[-6:]
                    fmt = book.format(**properties)
                cells.append((block.row - 1 + r, block.column - 1 + c, value, fmt))
    for row, column, value, fmt in sorted(cells, key=lambda x: (x[0], x[1])):
        book.write(ws, row, column, value, fmt)
    for letter, width in output.widths.items():
        ws.set_column(f"{letter}:{letter}", width)
    return ws


def _ratings_charts(book: XlsxBook, ratings: SheetOutput) -> None:
    """A column chart of each framework's ratings, under its table, on its own scale."""
    ws = book.workbook.get_worksheet_by_name(RATINGS)
    for block in ratings_tables(ratings):
        n = len(block.values) - 1
        if not n:
            continue
        first, column = block.row, block.column - 1  # 0-based first data row and column
        chart = book.workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "Providers",
                "categories": [RATINGS, first, column, first + n - 1, column],
                "values": [RATINGS, first, column + 1, first + n - 1, column + 1],
                "fill": {"color": "#1F4E78"},
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"{block.title}: providers by rating", "name_font": {"size": 10}})
        chart.set_legend({"none": True})
        most = max((int(r[1]) for r in block.values[1:]), default=0)
        chart.set_y_axis({"min": 0, "major_unit": max(1, -(-most // 6))})
        chart.set_size({"width": 330, "height": 300})
        ws.insert_chart(first + n + 1, column, chart, {"x_offset": 2, "y_offset": 10})


def write_portfolio_pdf(
    path: str | os.PathLike[str],
    outputs: list[SheetOutput],
    *,
    settings: ReportSettings = DEFAULT_SETTINGS,
) -> Path:
    """portfolio.pdf: the sheets that print (the Overview, the Ratings and the Monitoring
    plan; the Full overview is for the screen), through LibreOffice."""
    import tempfile

    from cpcxl.common.soffice import convert

    with tempfile.TemporaryDirectory(prefix="cpcxl-portfolio-") as work:
        printable = write_portfolio(
            Path(work) / "portfolio.xlsx", printed_only(outputs), settings=settings, record=False
        )
        return convert(printable, path)
