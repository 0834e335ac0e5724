"""The budget's charts in files (openpyxl): every value axis from zero, money in £.

A value axis that starts above zero makes a small difference look large (a partner's in kind
beside its cash, a forecast beside its budget), so every chart here starts at £0.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart._chart import ChartBase
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats
from cpcxl.common.report import SheetOutput

from .. import outputs
from ..outputs.statement import CONTRIBUTION


def from_zero(chart: ChartBase) -> ChartBase:
    """The chart's value axis from £0, its numbers in £ with thousands separators, and both
    axes shown (openpyxl hides them unless told)."""
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = formats.GBP
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def contribution_charts(ws: Worksheet, sheet: SheetOutput) -> None:
    """The Budget sheet's two charts: cash and in kind by partner; by partner and year."""
    anchor_column = get_column_letter(outputs.chart_column(sheet))
    ranges = list(outputs.chart_ranges(sheet).values())
    if len(ranges) < 2:
        return
    (r1, c1, r2, c2), (s1, d1, s2, d2) = ranges
    kinds = BarChart()
    kinds.type = "bar"
    kinds.grouping = "stacked"
    kinds.overlap = 100
    kinds.title = "Cash and in kind by partner, all years"
    kinds.add_data(
        Reference(ws, min_col=c1 + 1, max_col=c2, min_row=r1, max_row=r2), titles_from_data=True
    )
    kinds.set_categories(Reference(ws, min_col=c1, min_row=r1 + 1, max_row=r2))
    kinds.width, kinds.height = 18, 9
    ws.add_chart(from_zero(kinds), f"{anchor_column}3")
    years = BarChart()
    years.type = "col"
    years.title = "Contributions by partner and year (cash and in kind)"
    years.add_data(
        Reference(ws, min_col=d1 + 1, max_col=d2, min_row=s1, max_row=s2), titles_from_data=True
    )
    years.set_categories(Reference(ws, min_col=d1, min_row=s1 + 1, max_row=s2))
    years.width, years.height = 18, 9
    ws.add_chart(from_zero(years), f"{anchor_column}22")


def forecast_chart(ws: Worksheet, sheet: SheetOutput) -> None:
    """The month-end report's chart: forecast outturn against budget by month, from £0."""
    r1, c1, r2, c2 = outputs.chart_data(sheet)
    if r2 <= r1:  # no period closed yet: nothing to chart
        return
    chart = LineChart()
    chart.title = "Forecast outturn against budget, by month (cash)"
    chart.add_data(
        Reference(ws, min_col=c1 + 1, max_col=c2, min_row=r1, max_row=r2), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=c1, min_row=r1 + 1, max_row=r2))
    chart.width, chart.height = 24, 8.5
    row, column = outputs.chart_anchor(sheet)
    ws.add_chart(from_zero(chart), f"{get_column_letter(column)}{row}")


def statement_chart(ws: Worksheet, years: int, partner: str) -> None:
    """A chart of the partner's cash and in kind by year, from its 'by year' block, beside
    its contribution and share (columns D on are free there), so the page keeps its width."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value == outputs.BY_YEAR:
            header = cell.row + 1
            last = header + years
            chart = BarChart()
            chart.type = "col"
            chart.grouping = "stacked"
            chart.overlap = 100
            chart.title = f"{partner}: cash and in kind by year"
            chart.add_data(
                Reference(ws, min_col=2, max_col=3, min_row=header, max_row=last),
                titles_from_data=True,
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
            chart.width, chart.height = 15, 6.5
            ws.add_chart(from_zero(chart), f"D{_row_of(ws, CONTRIBUTION) or 3}")
            return


def _row_of(ws: Worksheet, title: str) -> int | None:
    return next(
        (row[0].row for row in ws.iter_rows(min_col=1, max_col=1) if row[0].value == title), None
    )
