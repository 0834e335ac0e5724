"""The packaged pooled-budget workbook (``template``), reading a filled one and writing its
outputs (``files``), partner statements (``statements``) and the charts (``charts``).

openpyxl and calamine only: this works with no Excel anywhere.
"""

from __future__ import annotations

from .files import build_result, check_period, read_workbook, write_outputs, write_report
from .statements import slug, write_statement, write_statements
from .template import FILENAME, MARKING, TEMPLATE, build_template

__all__ = [
    "FILENAME",
    "MARKING",
    "TEMPLATE",
    "build_result",
    "build_template",
    "check_period",
    "read_workbook",
    "slug",
    "write_outputs",
    "write_report",
    "write_statement",
    "write_statements",
]
