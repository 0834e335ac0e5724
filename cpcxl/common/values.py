"""Reading single values as Excel and its users give them: blanks, errors, serial dates, UK text."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, Location

#: The error values Excel shows; xlwings passes them as these strings when asked to.
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)

# Excel's day zero is 30/12/1899 once its 1900 leap-year bug is allowed for.
EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_EXCEL_SERIAL = 2958465  # 31/12/9999

_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")

DATE_FORMS = "a date, an Excel date serial, dd/mm/yyyy or yyyy-mm-dd"


def is_blank(value: Any) -> bool:
    """True for an empty cell as any runtime passes it."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT


def is_excel_error(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def describe(value: Any) -> str:
    """A value as a user would recognise it in a message."""
    if isinstance(value, str):
        return repr(value.strip())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_number(value: Any, *, what: str = "a number", location: Location | None = None) -> float:
    """A number from a cell; text such as '£1,250' or '12%' is read as people mean it."""
    if isinstance(value, bool):
        raise InputError(f"{describe(value)} is not {what}", location=location, valid="a number")
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise InputError(f"{what} is missing or not finite", location=location)
        return number
    if is_excel_error(value):
        raise InputError(f"the cell holds the error {value.strip()}", location=location, valid=what)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("£", "").replace(" ", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        negative = text.startswith("(") and text.endswith(")")
        if negative:
            text = text[1:-1]
        try:
            number = float(text) * scale
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return -number if negative else number
    raise InputError(f"{describe(value)} is not {what}", location=location, valid="a number")


def excel_serial_to_date(serial: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def date_to_excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def to_date(value: Any, *, location: Location | None = None) -> dt.date:
    """A date from a cell: a date, an Excel serial, or text in UK (dd/mm/yyyy) or ISO form."""
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            raise InputError("the date is missing", location=location, valid=DATE_FORMS)
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    is_number = isinstance(value, int | float | np.integer | np.floating)
    if is_number and not isinstance(value, bool) and 1 <= float(value) <= _LAST_EXCEL_SERIAL:
        return excel_serial_to_date(float(value))
    if isinstance(value, str):
        match = _UK_DATE.match(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000
            return _make_date(year, month, day, value, location)
        match = _ISO_DATE.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _make_date(year, month, day, value, location)
    raise InputError(f"{describe(value)} is not a date", location=location, valid=DATE_FORMS)


def _make_date(year: int, month: int, day: int, text: str, location: Location | None) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InputError(
            f"{describe(text)} is not a real date ({exc})", location=location, valid=DATE_FORMS
        ) from None


def to_text(value: Any) -> str:
    """Text from a cell, trimmed; numbers that are whole print without '.0'."""
    if is_blank(value) or value is pd.NA:  # pandas 3 gives blanks in text columns as NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
