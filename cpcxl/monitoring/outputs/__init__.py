"""Monitoring results as SheetOutputs (pure data, no file access): each provider's summary
(:mod:`.summary`, with its Compliance sheet: :mod:`.compliance`), the one-page update for
people kept informed (:mod:`.updates`), the portfolio workbook (:mod:`.portfolio`) and the
history's sheets (:mod:`.history`).

The Build summary button renders them into the open workbook (xlwings); the batch writes
them to files (:mod:`cpcxl.monitoring.workbook`).
"""

from __future__ import annotations

from .compliance import COMPLIANCE_ACTION, compliance_sheet
from .history import ABOUT_NAME, HistoryTable, NewRound, about_rows, history_tables, new_round
from .portfolio import (
    FULL_OVERVIEW,
    HEADER_ROW,
    HISTORY_CHANGED,
    NO_RECORD,
    NO_RETURN,
    OVERVIEW,
    PLAN,
    PORTFOLIO_FIRST,
    PORTFOLIO_LAST,
    PRINTED,
    PRINTED_SHEETS,
    RATINGS,
    RETURN_CHANGED,
    UP_TO_DATE,
    portfolio_outputs,
    printed_only,
    ratings_tables,
)
from .report import (
    DEFAULT_CHALLENGE,
    DEFAULT_CONTACT,
    DEFAULT_SETTINGS,
    RAG_FILLS,
    RATING_FILLS,
    ReportSettings,
)
from .summary import (
    CHART_ROWS,
    NO_REASON,
    PROGRESS_CHART_ROWS,
    PROGRESS_TITLE,
    domain_block,
    progress_block,
    summary_outputs,
)
from .updates import UPDATE, update_outputs

__all__ = [
    "ABOUT_NAME",
    "CHART_ROWS",
    "COMPLIANCE_ACTION",
    "DEFAULT_CHALLENGE",
    "DEFAULT_CONTACT",
    "DEFAULT_SETTINGS",
    "FULL_OVERVIEW",
    "HEADER_ROW",
    "HISTORY_CHANGED",
    "NO_REASON",
    "NO_RECORD",
    "NO_RETURN",
    "OVERVIEW",
    "PLAN",
    "PORTFOLIO_FIRST",
    "PORTFOLIO_LAST",
    "PRINTED",
    "PRINTED_SHEETS",
    "PROGRESS_CHART_ROWS",
    "PROGRESS_TITLE",
    "RAG_FILLS",
    "RATINGS",
    "RATING_FILLS",
    "RETURN_CHANGED",
    "UPDATE",
    "UP_TO_DATE",
    "HistoryTable",
    "NewRound",
    "ReportSettings",
    "about_rows",
    "compliance_sheet",
    "domain_block",
    "history_tables",
    "new_round",
    "portfolio_outputs",
    "printed_only",
    "progress_block",
    "ratings_tables",
    "summary_outputs",
    "update_outputs",
]
