"""A round's results as report sheets, charts and feedback letters: pure data, no files.

The button writes the sheets into the open workbook through xlwings and the command line
into a copy of the file through openpyxl, so both show the same figures; both draw the
charts from the same :class:`~.charts.ChartSpec`. Each submitter's feedback is a
:class:`~.letters.Letter` the workbook layer writes as a Word document.

One module per idea: :mod:`.sheets` (the five result sheets and the problems sheet),
:mod:`.review` (panel, sensitivity, value for money, affordability, negotiation),
:mod:`.charts` (the charts as data) and :mod:`.letters` (the feedback letters).
"""

from __future__ import annotations

from .charts import DECISION_COLOUR, ChartSpec
from .letters import Letter, feedback_letters
from .review import (
    AFFORDABILITY_SHEET,
    AMENDMENTS_SHEET,
    PANEL_SHEET,
    SENSITIVITY_SHEET,
    VALUE_SHEET,
)
from .sheets import (
    DECISION_FILL,
    NOTES_SHEET,
    PROBLEMS_SHEET,
    RESULT_SHEETS,
    notes_sheet,
    problems_sheet,
    result_sheets,
    result_sheets_and_charts,
    schedule_text,
)

__all__ = [
    "AFFORDABILITY_SHEET",
    "AMENDMENTS_SHEET",
    "DECISION_COLOUR",
    "DECISION_FILL",
    "NOTES_SHEET",
    "PANEL_SHEET",
    "PROBLEMS_SHEET",
    "RESULT_SHEETS",
    "SENSITIVITY_SHEET",
    "VALUE_SHEET",
    "ChartSpec",
    "Letter",
    "feedback_letters",
    "notes_sheet",
    "problems_sheet",
    "result_sheets",
    "result_sheets_and_charts",
    "schedule_text",
]
