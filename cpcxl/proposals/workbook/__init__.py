"""The expenditure proposals workbook as files: the template (built from the table
declarations in ``inputs``), reading a filled round's cells, writing the evaluated copy
with its charts, and the feedback letters as Word documents.

openpyxl, calamine and python-docx only. The button reads the same tables through xlwings
(:func:`cpcxl.xl.book.read_book_tables`) and hands them to the same
:func:`~cpcxl.proposals.inputs.read_round`, so both paths read a round identically.

One module per idea: :mod:`.template` (building the workbook), :mod:`.files` (reading it,
writing the results) and :mod:`.letters` (the Word letters and their PDF copies).
"""

from __future__ import annotations

from .files import add_charts, draw_chart, read_cells, read_round_file, write_results
from .letters import letter_bytes, write_letters
from .template import DISCOUNT_YEARS, FILENAME, MARKING, TEMPLATE, TITLE, build

__all__ = [
    "DISCOUNT_YEARS",
    "FILENAME",
    "MARKING",
    "TEMPLATE",
    "TITLE",
    "add_charts",
    "build",
    "draw_chart",
    "letter_bytes",
    "read_cells",
    "read_round_file",
    "write_letters",
    "write_results",
]
