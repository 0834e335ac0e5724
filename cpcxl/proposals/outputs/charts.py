"""The result sheets' charts, described once as data: which cells, which kind, which
colours. The file writer (openpyxl) and the button (xlwings) both draw from these, so the
charts are the same whoever made them."""

from __future__ import annotations

from dataclasses import dataclass

from cpcxl.common import formats
from cpcxl.common.inputs import column_letter
from cpcxl.common.report import Block

#: Bar colours by decision: green, amber and red of Excel's palette (stronger than the
#: cell fills, which are for text to be read on).
DECISION_COLOUR = {"Accept": "70AD47", "Amend": "FFC000", "Reject": "C00000"}
#: The tornado's two bars: the line lower, the line higher.
LOWER_COLOUR, HIGHER_COLOUR = "C00000", "4472C4"
BUDGET_COLOUR, COST_COLOUR = "A5A5A5", "4472C4"


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a block's cells: its first row names the series and its first column
    holds the categories. ``kind`` is an xlwings chart type ('column_stacked',
    'bar_stacked', 'column_clustered'); ``from_zero`` fixes the value axis at 0 (every
    value is 0 or more)."""

    sheet: str
    name: str
    title: str
    kind: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int
    anchor: str
    colours: tuple[str, ...] = ()
    value_title: str = ""
    number_format: str = formats.GBP
    from_zero: bool = False
    width: float = 480  # points
    height: float = 270

    @property
    def source(self) -> str:
        return (
            f"{column_letter(self.first_column)}{self.first_row}:"
            f"{column_letter(self.last_column)}{self.last_row}"
        )

    @property
    def series(self) -> int:
        return self.last_column - self.first_column


def chart_of(
    sheet: str,
    block: Block,
    *,
    name: str,
    title: str,
    kind: str,
    anchor: str,
    columns: int | None = None,
    **options: object,
) -> ChartSpec:
    """A chart of a block's first ``columns`` columns (all of them by default)."""
    width = columns if columns is not None else block.width
    return ChartSpec(
        sheet,
        name,
        title,
        kind,
        block.row,
        block.column,
        block.row + len(block.values) - 1,
        block.column + width - 1,
        anchor,
        **options,  # type: ignore[arg-type]
    )
