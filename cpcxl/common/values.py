"""Single cell values as Excel and its users give them: blanks, errors, numbers, dates, text.

These are the primitives the value types of :mod:`cpcxl.common.fields` are made of. Each reads
strictly: a value is what it plainly is, or it is refused with what was read and what would do.
"""

from __future__ import annotations

import calendar
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

_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$", re.ASCII)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]*)?\s*$", re.ASCII)

DATE_FORMS = "a date, an Excel date serial, dd/mm/yyyy or yyyy-mm-dd"

#: How much of a typed value a message repeats; a cell can hold 32,767 characters.
ECHO_LIMIT = 40


def is_blank(value: Any) -> bool:
    """True for an empty cell as any runtime passes it."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT or value is pd.NA


def is_excel_error(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def describe(value: Any) -> str:
    """A value as a user would recognise it in a message, shortened if it is long."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > ECHO_LIMIT:
            return repr(text[: ECHO_LIMIT - 3] + "...") + f" ({len(text):,} characters)"
        return repr(text)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer) and abs(int(value)) >= 10**15:
        # str() of an integer of over 4,300 digits raises; count digits from its bit length
        digits = int(abs(int(value)).bit_length() * math.log10(2)) + 1
        return f"a number of about {digits:,} digits"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 10**15:
            return str(int(number))
        return f"{number:g}"
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


# Plain decimal text: ASCII digits only, so '1_000', '١٢٣' and 'inf' are not numbers.
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$")
# Thousands separators only where they group threes: '1,250' and '12,500.5', not '1,2,3'.
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$")
_MINUS = "\u2212"  # the minus sign Word and web pages put in figures that are pasted in


def to_number(
    value: Any,
    *,
    what: str = "a number",
    location: Location | None = None,
    percent: bool = True,
    valid: str = "a number",
) -> float:
    """A finite number from a cell, read strictly.

    Text is read as accountants write it ('£1,250', '(100)' for -100); '1_000', non-ASCII
    digits, 'inf' and 'nan' are refused. With ``percent``, text such as '12%' is 0.12;
    without, a '%' is refused, so a percentage never lands in a field that is not a rate.
    """
    if isinstance(value, bool):
        raise InputError(f"{describe(value)} is not {what}", location=location, valid=valid)
    if isinstance(value, int | np.integer):
        try:
            return float(value)
        except OverflowError:
            raise InputError(
                f"{describe(value)} is too large to be {what}", location=location, valid=valid
            ) from None
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise InputError(f"{what} is not a finite number", location=location, valid=valid)
        return number
    if is_excel_error(value):
        raise InputError(f"the cell holds the error {value.strip()}", location=location, valid=what)
    if isinstance(value, dt.date):
        raise InputError(f"{describe(value)} is a date, not {what}", location=location, valid=valid)
    if isinstance(value, str):
        read = _number_from_text(value, percent=percent)
        if read is not None:
            return read
        if "%" in value and not percent:
            raise InputError(
                f"{describe(value)} is a percentage, not {what}", location=location, valid=valid
            )
    raise InputError(f"{describe(value)} is not {what}", location=location, valid=valid)


def _number_from_text(value: str, *, percent: bool) -> float | None:
    text = value.strip().replace(_MINUS, "-").replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    scale = 1.0
    if percent and text.endswith("%"):
        text, scale = text[:-1], 0.01
    if text.startswith(("-£", "+£")):
        text = text[0] + text[2:]
    elif text.startswith("£"):
        text = text[1:]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _DECIMAL.match(text):
        return None
    number = float(text) * scale
    if not math.isfinite(number):
        return None
    return -number if negative else number


#: Significant digits a number is compared to when it may have been through a spreadsheet
#: application: Excel writes 17, LibreOffice 15, so 58.333333333333336 comes back as
#: 58.3333333333333; to 12 they are the same number. A local choice.
STEADY_DIGITS = 12
#: The digits LibreOffice saves a number to.
_SAVED_DIGITS = 15


#: Each number's steady form once worked out, by the number: a batch makes thousands of
#: numbers steady whose values repeat (a percentage to one decimal place has a thousand), and
#: finding one here takes a fraction of formatting it twice (a provider's history fingerprint
#: in about half the time). Zero is left out (-0.0 == 0.0, but they are written "-0" and "0"),
#: and so are infinities and NaN. A cache, not state: the answer is the same either way.
_STEADY: dict[float, str] = {}
_STEADY_KEPT = 100_000


def steady_number(value: float) -> str:
    """A finite number as it compares after Excel or LibreOffice has saved it: to
    :data:`STEADY_DIGITS`, from the 15 digits LibreOffice would have saved (rounding the
    number itself could land on the other side of a half from its saved copy:
    92.65850945494995 against 92.65850945495)."""
    number = float(value)
    found = _STEADY.get(number)
    if found is None:
        found = f"{float(f'{number:.{_SAVED_DIGITS}g}'):.{STEADY_DIGITS}g}"
        if number and math.isfinite(number):
            if len(_STEADY) >= _STEADY_KEPT:
                _STEADY.clear()
            _STEADY[number] = found
    return found


def excel_serial_to_date(serial: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def date_to_excel_serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def to_date(
    value: Any,
    *,
    location: Location | None = None,
    earliest: dt.date = dt.date(1900, 1, 1),
    latest: dt.date = dt.date(9999, 12, 31),
) -> dt.date:
    """A date from a cell: a date, an Excel serial, or text in UK (dd/mm/yyyy) or ISO form.

    A number is read as an Excel serial only between ``earliest`` and ``latest``, so a stray
    5 is refused rather than read as 05/01/1900.
    """
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            raise InputError("the date is missing", location=location, valid=DATE_FORMS)
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_excel_error(value):
        raise InputError(
            f"the cell holds the error {value.strip()}", location=location, valid=DATE_FORMS
        )
    is_number = isinstance(value, int | float | np.integer | np.floating)
    if is_number and not isinstance(value, bool):
        first, last = (max(1, date_to_excel_serial(d)) for d in (earliest, latest))
        number = float(value)
        if math.isfinite(number) and first <= number <= min(last, _LAST_EXCEL_SERIAL):
            return excel_serial_to_date(number)
        raise InputError(
            f"{describe(value)} is not a date",
            location=location,
            valid=f"{DATE_FORMS}, from {earliest:%d/%m/%Y} to {latest:%d/%m/%Y}",
        )
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
    except ValueError:
        if not 1 <= month <= 12:
            reason = f"there is no month {month}"
        elif 1 <= year <= 9999:
            last = calendar.monthrange(year, month)[1]
            reason = f"{calendar.month_name[month]} {year} has {last} days"
        else:
            reason = f"the year {year} is not one Excel knows"
        raise InputError(
            f"{describe(text)} is not a real date ({reason})", location=location, valid=DATE_FORMS
        ) from None


def to_text(value: Any) -> str:
    """Text from a cell, trimmed; numbers that are whole print without '.0'."""
    if is_blank(value):  # pandas 3 gives blanks in text columns as NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()
