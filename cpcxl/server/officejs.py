"""Requests shaped as the Office add-in sends them, and results as Excel receives them.

Worked examples hold arguments as xlwings passes them to Python; Excel's add-in sends every
argument as a 2-D array of cells (blanks as "" or null, dates as serial numbers, error
cells as error objects) and receives every result as a 2-D array. The tests and the load
benchmark use these to speak to the server exactly as Excel does.

What a result cell looks like depends on the custom-functions runtime the request names
(xlwings' client sends the highest it finds, "1.1" to "1.4"): from 1.4 dates are formatted
numbers and Excel's own error values are error objects (xlwings' conversion); from 1.2 a
cpcxl error cell is an error object carrying its reason (``cpcxl.xl.worksheet``); before
that, both are text.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable
from typing import Any

import xlwings as xw

from cpcxl.common.values import EXCEL_EPOCH, EXCEL_ERRORS
from cpcxl.xl.worksheet import as_excel_range, error_value, shows_error_messages

#: Office.js's names for Excel's error values (Excel.ErrorCellValueType).
ERROR_TYPES = {
    "#DIV/0!": "Div0",
    "#N/A": "NotAvailable",
    "#NAME?": "Name",
    "#NULL!": "Null",
    "#NUM!": "Num",
    "#REF!": "Ref",
    "#VALUE!": "Value",
    "#SPILL!": "Spill",
    "#CALC!": "Calc",
}
DATE_FORMAT = "dd/mm/yyyy"  # a UK user's short date pattern, as Excel reports it
#: The runtime requests say they come from unless a test says otherwise: the highest
#: xlwings' custom-functions code reports.
RUNTIME = "1.4"


def serial(value: dt.date | dt.datetime) -> float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime.combine(EXCEL_EPOCH, dt.time())
        return delta.days + delta.seconds / 86400
    return float((value - EXCEL_EPOCH).days)


def cell_sent(value: Any, blank: Any) -> Any:
    """One cell as Office.js sends it."""
    if value is None or value == "":
        return blank
    if isinstance(value, dt.date):
        return serial(value)
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        code = value.strip().upper()
        return {"type": "Error", "basicValue": code, "errorType": ERROR_TYPES[code]}
    return value


def argument_sent(value: Any, blank: Any) -> list[list[Any]]:
    """One argument as a 2-D array; a flat list (one column or row to xlwings) goes as a column."""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return [[cell_sent(v, blank) for v in row] for row in value]
        return [[cell_sent(v, blank)] for v in value]
    return [[cell_sent(value, blank)]]


def arguments_sent(fn: Callable[..., Any], args: tuple[Any, ...], blank: Any) -> list[Any]:
    """Every parameter's argument; one the formula leaves out is sent as null."""
    sent: list[Any] = [argument_sent(a, blank) for a in args]
    params = inspect.signature(fn).parameters
    return sent + [None] * (len(params) - len(sent))


def cell_received(value: Any, runtime: str = RUNTIME) -> Any:
    """One result cell as Excel receives it from xlwings Server."""
    rich = float(runtime) >= 1.4  # as xlwings' own conversion decides
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return {"type": "Error", "errorType": "Num"} if rich else "#NUM!"
    if isinstance(value, dt.date):
        if not rich:
            return serial(value)
        return {"type": "FormattedNumber", "basicValue": serial(value), "numberFormat": DATE_FORMAT}
    if isinstance(value, str) and value in ERROR_TYPES:
        return {"type": "Error", "errorType": ERROR_TYPES[value]} if rich else value
    if shows_error_messages(runtime):
        return error_value(value)
    return value


def result_received(expected: Any, sent: list[Any], runtime: str = RUNTIME) -> list[list[Any]]:
    """The 2-D array Excel should receive: a flat list goes back the way its input came."""
    if isinstance(expected, list | tuple):
        if expected and isinstance(expected[0], list | tuple):
            return [[cell_received(v, runtime) for v in row] for row in expected]
        shapes = [as_excel_range(a).orientation for a in sent if a is not None]
        vectors = [s for s in shapes if s in ("column", "row")]
        if vectors and vectors[0] == "column":
            return [[cell_received(v, runtime)] for v in expected]
        return [[cell_received(v, runtime) for v in expected]]
    return [[cell_received(expected, runtime)]]


def call_body(name: str, args: list[Any], runtime: str = RUNTIME) -> dict[str, Any]:
    """The JSON body the add-in's custom-functions code posts for one cell's formula."""
    return {
        "client": "Office.js",
        "func_name": name,
        "args": args,
        "caller_address": "[Commissioning.xlsx]Sheet1!B2",
        "session_id": "test-session",
        "culture_info_name": "en-GB",
        "date_format": DATE_FORMAT,
        "version": xw.__version__,
        "runtime": runtime,
    }
