"""Number formats, colours and formulas as plain data, for the pure layers and every renderer.

``outputs`` modules describe sheets with these; the openpyxl, XlsxWriter and xlwings
renderers turn them into their own objects, so a number looks the same whoever draws it.
UK conventions throughout: £ with thousands separators, dd/mm/yyyy dates.
"""

from __future__ import annotations

GBP = "£#,##0"
GBP_PENCE = "£#,##0.00"
GBP_THOUSANDS = '£#,##0,"k"'
DATE_UK = "dd/mm/yyyy"
PERCENT = "0%"
PERCENT_1DP = "0.0%"
INTEGER = "#,##0"
DECIMAL_2 = "#,##0.00"

#: Traffic-light colours (hex RGB fills) used for RAG ratings and risk bands alike.
GREEN = "C6EFCE"
AMBER = "FFEB9C"
ORANGE = "F8CBAD"
RED = "FFC7CE"
DARK_RED = "C00000"
GREY = "D9D9D9"
#: The header fill and the conventional "type here" yellow of input cells.
HEADER = "1F4E78"
INPUT = "FFF2CC"


class Formula(str):
    """A formula written by cpcxl's own code; the only text any renderer makes a formula."""

    def __new__(cls, text: str) -> Formula:
        if not text.startswith("="):
            text = "=" + text
        return super().__new__(cls, text)
