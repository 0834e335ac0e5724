"""openpyxl fonts, fills and borders, so every cpcxl workbook looks alike; the number formats
and colours themselves are plain data in :mod:`cpcxl.common.formats`."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .formats import HEADER, INPUT

TABLE_STYLE = "TableStyleMedium2"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=HEADER)
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
SUBTITLE_FONT = Font(bold=True, size=12, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor=INPUT)


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)
