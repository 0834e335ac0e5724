"""Reading a filled round's workbook into cells, and writing the evaluated copy with its
charts (openpyxl and calamine only)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties

from cpcxl.common.inputs import Cells
from cpcxl.common.workbook import (
    open_for_reading,
    read_sheets,
    read_tables,
    render,
    save_workbook,
    set_print,
)

from .. import engine
from ..inputs import PAIRWISE_SHEET, TABLES, read_round
from ..models import Round
from ..outputs import NOTES_SHEET, PROBLEMS_SHEET, ChartSpec, result_sheets_and_charts
from .template import MARKING


def read_cells(path: str | os.PathLike[str]) -> tuple[dict[str, Cells], Cells | None]:
    """A workbook's input tables as cells, and the Pairwise sheet's (None without one)."""
    sheets = read_sheets(path, only={s.sheet for s in TABLES} | {PAIRWISE_SHEET})
    tables = read_tables(path, TABLES, sheets=sheets)
    pairwise = sheets.get(PAIRWISE_SHEET)
    return tables, (Cells(pairwise) if pairwise is not None else None)


def read_round_file(path: str | os.PathLike[str]) -> Round:
    """The round in a filled workbook; every problem is reported at once, each where it is."""
    tables, pairwise = read_cells(path)
    return read_round(tables, pairwise=pairwise, file=Path(path).name)


#: openpyxl's bar chart for each xlwings chart type the specs use: (type, grouping).
_KINDS = {
    "column_clustered": ("col", "clustered"),
    "column_stacked": ("col", "stacked"),
    "bar_clustered": ("bar", "clustered"),
    "bar_stacked": ("bar", "stacked"),
}


def draw_chart(wb: Workbook, spec: ChartSpec) -> None:
    """One chart from its spec: series from the header row, categories from column one."""
    ws = wb[spec.sheet]
    chart = BarChart()
    chart.type, chart.grouping = _KINDS[spec.kind]
    if chart.grouping == "stacked":
        chart.overlap = 100
    chart.title = spec.title
    chart.y_axis.title = spec.value_title
    chart.y_axis.numFmt = spec.number_format
    chart.y_axis.number_format = spec.number_format
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # category labels clear of bars below zero
    if spec.from_zero:
        chart.y_axis.scaling.min = 0
    data = Reference(
        ws,
        min_col=spec.first_column + 1,
        max_col=spec.last_column,
        min_row=spec.first_row,
        max_row=spec.last_row,
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(ws, min_col=spec.first_column, min_row=spec.first_row + 1, max_row=spec.last_row)
    )
    for series, colour in zip(chart.series, spec.colours, strict=False):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
    # points to centimetres: 72 points an inch, 2.54 cm an inch
    chart.width, chart.height = spec.width / 72 * 2.54, spec.height / 72 * 2.54
    ws.add_chart(chart, spec.anchor)


def add_charts(wb: Workbook, result: engine.RoundResult, specs: Sequence[ChartSpec] = ()) -> None:
    """Charts on the result sheets (file outputs; the button draws the same ones)."""
    n = len(result.feedback)
    ws = wb["Ranking"]
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Weighted score (share of the scale)"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.numFmt = "0%"
    chart.add_data(Reference(ws, min_col=3, min_row=2, max_row=2 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=2 + n))
    chart.width, chart.height = 20, 10
    ws.add_chart(chart, "K2")  # the button draws the same chart from B2:C(n+2)

    if result.portfolio is not None:
        ws = wb["Portfolio"]
        years = len(result.portfolio.budgets)
        chart = BarChart()
        chart.title = "Budget and chosen spend by year"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.scaling.min = 0
        chart.y_axis.numFmt = "£#,##0"
        chart.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=2, max_row=2 + years),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + years))
        chart.width, chart.height = 16, 8
        ws.add_chart(chart, "F2")
    for spec in specs:
        draw_chart(wb, spec)


def write_results(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    result: engine.RoundResult,
    notes: Sequence[str] = (),
) -> Path:
    """A copy of ``source`` with the result sheets and charts, written to ``target``."""
    wb = open_for_reading(source)
    for stale in (PROBLEMS_SHEET, NOTES_SHEET):
        if stale in wb.sheetnames:
            del wb[stale]  # from an earlier evaluation in Excel
    outputs, charts = result_sheets_and_charts(result, notes)
    for output in outputs:
        render(wb, output)
    add_charts(wb, result, charts)
    for output in outputs:
        set_print(wb[output.name], landscape=True, header=MARKING)
    return save_workbook(wb, target)
