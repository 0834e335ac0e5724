"""Writing monitoring summaries and the portfolio workbook to files, with XlsxWriter: the
faster writer for reports produced by the thousand. What they say is in
:mod:`cpcxl.monitoring.outputs`; here are the files, their print set-up and their charts."""

from __future__ import annotations

import os
from pathlib import Path

from cpcxl.common.report import SheetOutput
from cpcxl.common.xlsxwriter_render import XlsxBook, xlsx_book
from cpcxl.common.xlsxwriter_render import set_print as xw_set_print

from .. import engine
from ..outputs import DEFAULT_SETTINGS, ReportSettings, domain_block, summary_outputs


def write_summary(
    path: str | os.PathLike[str],
    result: engine.ProviderResult,
    settings: ReportSettings = DEFAULT_SETTINGS,
) -> Path:
    """One provider's monitoring summary workbook, print-ready on A4, written atomically."""
    outputs = summary_outputs(result, settings)
    with xlsx_book(path) as book:
        for output in outputs:
            ws = book.render(output)
            xw_set_print(
                ws,
                header=settings.marking,
                landscape=output.name == "Action plan",
                repeat_rows=None,
            )
        _domain_chart(book, outputs)
    return Path(path)


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


def write_portfolio(
    path: str | os.PathLike[str],
    outputs: list[SheetOutput],
    *,
    settings: ReportSettings = DEFAULT_SETTINGS,
) -> Path:
    """The portfolio workbook, with the rating-distribution chart, written atomically."""
    with xlsx_book(path, constant_memory=True) as book:
        for output in outputs:
            ws = book.render(output)
            xw_set_print(
                ws,
                header=settings.marking,
                landscape=output.name != "Ratings",
                repeat_rows=(4, 4) if output.name == "Overview" else None,
            )
        ratings = outputs[1].blocks[0]
        n = len(ratings.values) - 1
        if n:
            chart = book.workbook.add_chart({"type": "column"})
            first = ratings.row  # 0-based row of the first data row is ratings.row
            chart.add_series(
                {
                    "name": "Providers",
                    "categories": ["Ratings", first, 0, first + n - 1, 0],
                    "values": ["Ratings", first, 1, first + n - 1, 1],
                    "fill": {"color": "#1F4E78"},
                    "data_labels": {"value": True},
                }
            )
            chart.set_title({"name": "Providers by overall rating"})
            chart.set_legend({"none": True})
            book.workbook.get_worksheet_by_name("Ratings").insert_chart("D2", chart)
    return Path(path)
