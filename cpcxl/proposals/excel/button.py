"""The "Evaluate proposals" button: reads the workbook's tables through xlwings, reads them
into a round with ``inputs.read_round``, evaluates it and writes the sheets and charts
``outputs`` describes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.examples import ScriptExample, examples
from cpcxl.common.inputs import Cells

from .. import engine, inputs, outputs

if TYPE_CHECKING:
    import xlwings as xw


def _example_round(folder: Path) -> Path:
    from ..sample import two_proposals

    return two_proposals(folder / "round.xlsx")


@examples(
    ScriptExample(
        _example_round,
        {
            # X: 600/1.035 + 600/1.035^2 - 1000 = 139.82 -> £140, BCR 1.14 (below 1.5: Amend).
            # Y: 1100 × 1.899694 - 1000 = 1,089.66 -> £1,090, BCR 2.09 (Accept).
            "Appraisal": {"A3": "X", "I3": 140, "J3": 1.14, "I4": 1090, "J4": 2.09},
            # Six criteria rows, then the scores block: every score 4 of 5, weighted 4.00, 80%.
            "Scores": {"A12": "X", "I12": 4.0, "J12": 0.8},
            # Year 0 budget £1,500 funds one £1,000 proposal: Y gives more value.
            "Portfolio": {"A7": "Y", "A11": "X"},
            "Feedback": {"A3": "X", "D3": "Amend", "A4": "Y", "D4": "Accept"},
        },
        "Two hand-appraised proposals; the budget in year 0 funds only one.",
    )
)
def evaluate_proposals(book: xw.Book) -> None:
    """Evaluate proposals: appraise, score, decide and choose the portfolio for the round."""
    from cpcxl.xl.book import read_book_tables, sheet_rows
    from cpcxl.xl.render import render

    names = [s.name for s in book.sheets]
    tables = read_book_tables(book, inputs.TABLES)
    pairwise = None
    if inputs.PAIRWISE_SHEET in names:
        pairwise = Cells(sheet_rows(book.sheets[inputs.PAIRWISE_SHEET]))
    try:
        round_ = inputs.read_round(tables, pairwise=pairwise, file=book.name)
        result = engine.evaluate(round_)
    except (InputError, InputErrors) as exc:
        render(book, outputs.problems_sheet(exc))
        return
    sheets, charts = outputs.result_sheets_and_charts(result, round_.notes)
    for output in sheets:
        render(book, output)
    _charts(book, result, charts)
    written = {s.name for s in sheets}
    for stale in (outputs.PROBLEMS_SHEET, outputs.NOTES_SHEET):
        # From an earlier press: the problems were fixed, or there is nothing to note now.
        if stale in names and stale not in written:
            book.sheets[stale].delete()


def _charts(book: xw.Book, result: engine.RoundResult, specs: Sequence[outputs.ChartSpec]) -> None:
    """The score and budget charts, and every chart the result sheets describe, drawn from
    the cells just written (replacing earlier ones)."""
    n = len(result.feedback)
    _chart(book.sheets["Ranking"], "Scores chart", "bar_clustered", f"B2:C{n + 2}", "K2")
    if result.portfolio is not None:
        years = len(result.portfolio.budgets)
        _chart(
            book.sheets["Portfolio"], "Budget chart", "column_clustered", f"A2:C{years + 2}", "F2"
        )
    for spec in specs:
        chart = _chart(
            book.sheets[spec.sheet],
            spec.name,
            spec.kind,
            spec.source,
            spec.anchor,
            width=spec.width,
            height=spec.height,
        )
        chart.title = spec.title
        chart.value_axis.number_format = spec.number_format
        if spec.from_zero:
            chart.value_axis.minimum_scale = 0
        _colour(chart, spec.colours)


def _colour(chart: xw.Chart, colours: Sequence[str]) -> None:
    """Each series its colour (the decision's, say). The remote engine cannot count a new
    chart's series until Excel has drawn it, so each is addressed by its position."""
    for number, colour in enumerate(colours, start=1):
        try:
            chart.series[number - 1].fill_color = f"#{colour}"
        except NotImplementedError:
            from xlwings.pro import _xlremote

            _xlremote.ChartSeries(chart.impl, number).set(fill_color=f"#{colour}")


def _chart(
    sheet: xw.Sheet,
    name: str,
    kind: str,
    source: str,
    anchor: str,
    *,
    width: float = 420,
    height: float = 260,
) -> xw.Chart:
    try:
        existing = list(sheet.charts)
    except KeyError:  # the client sent no chart list for this sheet
        existing = []
    for chart in existing:
        if chart.name == name:
            chart.delete()
    return sheet.charts.add(
        0,
        0,
        width,
        height,
        chart_type=kind,
        source=sheet.range(source),
        name=name,
        anchor=sheet.range(anchor),
    )


SCRIPTS: list[Callable[..., None]] = [evaluate_proposals]
