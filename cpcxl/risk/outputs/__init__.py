"""What a scored register shows, described once as :class:`SheetOutput` for every writer:
``sheets`` (the worked-out columns, the Heat map and the Summary), ``exposure`` (the Exposure
sheet: drivers and phasing), ``board`` (the board report), and ``report`` (the import's
report). Nothing here touches Excel or a file."""

from __future__ import annotations

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
    register_sheets,
    score_grid,
    summary_output,
)

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
