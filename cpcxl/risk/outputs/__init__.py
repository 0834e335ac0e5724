"""What a scored register shows, described once as :class:`SheetOutput` for every writer:
``sheets`` (the worked-out columns, the Heat map and the Summary), ``exposure`` (the Exposure
sheet: drivers and phasing), ``board`` (the board report), and ``report`` (the import's
report). Nothing here touches Excel or a file."""

from __future__ import annotations

from cpcxl.common.report import SheetOutput

from .. import engine
from ..inputs import RegisterBook
from .board import BOARD_REPORT, board_report_output
from .exposure import EXPOSURE, TORNADO_CHART_RISKS, TORNADO_ROW, TORNADO_TITLE, exposure_output
from .report import IMPORT_REPORT, import_report, import_report_output, report_rows
from .sheets import (
    BANDS_TITLE,
    HEAT_MAP,
    REGISTER,
    SUMMARY,
    exposure_frame,
    flag_texts,
    heat_map_block,
    heat_map_output,
    linked_output,
    placed,
    register_output,
    score_grid,
    summary_output,
)


def register_sheets(result: engine.Assessment, book: RegisterBook) -> list[SheetOutput]:
    """Everything a scoring writes: the Register's, Actions' and Incidents' columns, the Heat
    map, the Summary, the Exposure sheet and the board report."""
    actions_flags = result.actions if len(result.actions) else None
    written = [
        register_output(result.scored, book.register),
        linked_output(actions_flags, book.actions),
        linked_output(None, book.incidents),
        heat_map_output(result.scored, book.matrix, as_of=book.as_of),
        summary_output(result, book),
        exposure_output(result, book),
        board_report_output(result, book),
    ]
    return [w for w in written if w is not None]


__all__ = [
    "BANDS_TITLE",
    "BOARD_REPORT",
    "EXPOSURE",
    "HEAT_MAP",
    "IMPORT_REPORT",
    "REGISTER",
    "SUMMARY",
    "TORNADO_CHART_RISKS",
    "TORNADO_ROW",
    "TORNADO_TITLE",
    "board_report_output",
    "exposure_frame",
    "exposure_output",
    "flag_texts",
    "heat_map_block",
    "heat_map_output",
    "import_report",
    "import_report_output",
    "linked_output",
    "placed",
    "register_output",
    "register_sheets",
    "report_rows",
    "score_grid",
    "summary_output",
]
