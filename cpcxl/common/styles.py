"""Shared formats and colours, so every cpcxl workbook looks and reads alike (UK conventions)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

GBP = "£#,##0"
GBP_PENCE = "£#,##0.00"
GBP_THOUSANDS = '£#,##0,"k"'
DATE_UK = "dd/mm/yyyy"
PERCENT = "0%"
PERCENT_1DP = "0.0%"
INTEGER = "#,##0"
DECIMAL_2 = "#,##0.00"

TABLE_STYLE = "TableStyleMedium2"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
SUBTITLE_FONT = Font(bold=True, size=12, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the conventional "type here" yellow

#: Traffic-light colours (fill, font) used for RAG ratings and risk bands alike.
GREEN = "C6EFCE"
AMBER = "FFEB9C"
ORANGE = "F8CBAD"
RED = "FFC7CE"
DARK_RED = "C00000"
GREY = "D9D9D9"


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)
