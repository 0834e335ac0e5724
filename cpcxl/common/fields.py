"""What a cell may hold: the value types every input table, setting and worksheet function uses.

Each type reads one non-blank cell (``parse``), says what would be valid (``valid``), and
describes itself for a template (its number format and its data validation), so a column is
declared once and both built and read from that one declaration.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (3.9% is 0.039). Every :class:`Rate` declares the range it is plausible in and
why; a value outside it is refused with what it was read as and what was probably meant
("3.9 is 390%; type 3.9% (or 0.039)"). Nothing reinterprets a number silently.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from . import formats
from .errors import InputError
from .values import describe, is_excel_error, to_date, to_number, to_text

#: The largest amount of money any cell may hold: a local limit, above the yearly spending of
#: any council, NHS body or partnership (all UK public spending is about £1.3 trillion a year).
MONEY_LIMIT = 1e12
#: The span of dates cpcxl accepts by default: a local choice that catches typing slips
#: (1926 for 2026) and serials read as dates.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
#: How many options a message lists before pointing to the drop-down.
LISTED_OPTIONS = 12


@dataclass(frozen=True)
class Validation:
    """A data validation for a template cell, as plain data (the workbook layer draws it)."""

    kind: Literal["list", "whole", "decimal", "date"]
    options: tuple[str, ...] = ()  # for an inline list
    source: str | None = None  # a named range for the list ('RatingList')
    low: float | dt.date | None = None
    high: float | dt.date | None = None
    message: str = ""


class CellType:
    """How one non-blank cell is read: ``parse`` returns the value or raises InputError."""

    what: str = "a value"
    number_format: str | None = None

    def parse(self, value: Any) -> Any:
        raise NotImplementedError

    @property
    def valid(self) -> str:
        return self.what

    @property
    def validation(self) -> Validation | None:
        return None

    def refuse(self, value: Any, reason: str | None = None) -> InputError:
        """The error for a value of the wrong kind."""
        return InputError(reason or f"{describe(value)} is not {self.what}", valid=self.valid)


@dataclass(frozen=True)
class Text(CellType):
    """Text, trimmed; whole numbers read without '.0'. An error value is refused."""

    what: str = "text"
    max_length: int | None = None

    def parse(self, value: Any) -> str:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=self.what)
        text = to_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise InputError(
                f"{describe(text)} is longer than {self.max_length:,} characters",
                valid=f"{self.what} of at most {self.max_length:,} characters",
            )
        return text


@dataclass(frozen=True)
class Number(CellType):
    """A finite number within a plausible range (inclusive), with the reason for the range."""

    what: str = "a number"
    low: float | None = None
    high: float | None = None
    reason: str = ""
    whole: bool = False
    number_format: str | None = None
    unit: str = ""  # '£' for money: shown before the figure in messages

    def parse(self, value: Any) -> float:
        number = to_number(value, what=self.what, percent=False, valid=self.valid)
        self.check(number, value)
        return number

    def check(self, number: float, typed: Any = None) -> None:
        """Raise if ``number`` (read from ``typed``) is outside the range or not whole."""
        if self.whole and not float(number).is_integer():
            raise InputError(f"{describe(typed)} is not a whole number", valid=self.valid)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise InputError(
                f"{describe(typed if typed is not None else number)} is outside {self.range_text}",
                valid=self.valid,
            )

    @property
    def range_text(self) -> str:
        reason = f" ({self.reason})" if self.reason else ""
        return f"{self.bounds}{reason}"

    @property
    def bounds(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.show(self.low)} to {self.show(self.high)}"
        if self.low is not None:
            return f"{self.show(self.low)} or more"
        if self.high is not None:
            return f"{self.show(self.high)} or less"
        return "any number"

    def show(self, number: float) -> str:
        """A bound as a person reads it: '£1,000,000', '-£50', '37.5'."""
        sign = "-" if number < 0 else ""
        size = abs(number)
        figure = f"{size:,.0f}" if float(size).is_integer() and size < 1e16 else f"{size:,.6g}"
        return f"{sign}{self.unit}{figure}"

    @property
    def valid(self) -> str:
        if self.low is None and self.high is None:
            return self.what
        return f"{self.what} from {self.bounds}"

    @property
    def validation(self) -> Validation | None:
        if self.low is None and self.high is None:
            return None
        return Validation(
            "whole" if self.whole else "decimal", low=self.low, high=self.high, message=self.valid
        )


def Whole(
    low: int | None = None,
    high: int | None = None,
    *,
    what: str = "a whole number",
    reason: str = "",
) -> Number:
    """A whole number within a range."""
    return Number(
        what=what, low=low, high=high, reason=reason, whole=True, number_format=formats.INTEGER
    )


def Money(
    low: float = -MONEY_LIMIT,
    high: float = MONEY_LIMIT,
    *,
    what: str = "an amount in £",
    reason: str = "",
    pence: bool = False,
) -> Number:
    """An amount in pounds, within a plausible range (by default ±£1 trillion, a local limit)."""
    if not reason and (low, high) == (-MONEY_LIMIT, MONEY_LIMIT):
        reason = "no public body spends more in a year"
    elif not reason and (low, high) == (0, MONEY_LIMIT):
        reason = "an amount that cannot be negative"
    return Number(
        what=what,
        low=low,
        high=high,
        reason=reason,
        number_format=formats.GBP_PENCE if pence else formats.GBP,
        unit="£",
    )


def percent_text(fraction: float) -> str:
    """0.039 -> '3.9%', 22 -> '2,200%': a fraction as Excel would show it as a percentage."""
    shown = f"{round(fraction * 100, 8):,.8f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def _plain(number: float) -> str:
    return f"{round(number, 12):.12f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True)
class Rate(CellType):
    """A rate or share as a fraction (3.9% is 0.039), plausible from ``low`` to ``high``.

    ``reason`` says why the range is what it is; it is in every message about the field.
    """

    low: float
    high: float
    reason: str
    what: str = "a rate"
    number_format: str | None = formats.PERCENT_1DP

    def parse(self, value: Any) -> float:
        number = to_number(value, what=f"{self.what} (a percentage)", valid=self.valid)
        self.check(number, value)
        return number

    def check(self, number: float, typed: Any = None) -> None:
        if self.low <= number <= self.high:
            return
        if isinstance(typed, str) and "%" in typed:
            raise InputError(f"{describe(typed)} is outside {self.range_text}", valid=self.valid)
        typed_text = describe(typed) if isinstance(typed, str) else _plain(number)
        hint = ""
        meant = number / 100
        if self.low <= meant <= self.high:
            hint = f"; type {_plain(number)}% (or {_plain(meant)})"
        raise InputError(
            f"{typed_text} is {percent_text(number)}, outside {self.range_text}{hint}",
            valid=self.valid,
        )

    @property
    def range_text(self) -> str:
        return (
            f"{percent_text(self.low)} to {percent_text(self.high)} for {self.what} ({self.reason})"
        )

    @property
    def valid(self) -> str:
        return f"a percentage from {percent_text(self.low)} to {percent_text(self.high)}"

    @property
    def validation(self) -> Validation:
        return Validation("decimal", low=self.low, high=self.high, message=self.valid)


def choice_key(text: Any) -> str:
    """What two spellings of one option share: letters and digits, case folded.

    'Short-term', 'short term' and 'SHORT TERM' are one option.
    """
    return "".join(ch for ch in to_text(text).casefold() if ch.isalnum())


#: :func:`choice_key`, remembered: for the few labels a long table repeats row after row (a
#: history's round labels and KPI names). Its values must be hashable, as cells' values are.
cached_choice_key = functools.lru_cache(maxsize=65_536)(choice_key)


@dataclass(frozen=True)
class Choice(CellType):
    """One option of a list, matched ignoring case, spaces and punctuation.

    ``options`` maps what a cell gives back to the labels that mean it (the first label is
    the one shown in drop-downs and messages). ``list_name`` is the named range a template's
    drop-down uses, when the list lives on a Lists sheet.
    """

    options: Mapping[Any, tuple[str, ...]]
    what: str = "an option"
    list_name: str | None = None
    _keys: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys: dict[str, Any] = {}
        for value, labels in self.options.items():
            for label in labels:
                key = choice_key(label)
                if key in keys and keys[key] != value:
                    raise ValueError(f"{label!r} would mean two options of {self.what}")
                keys[key] = value
        object.__setattr__(self, "_keys", keys)

    @classmethod
    def of(
        cls,
        enum: type[Enum] | Iterable[Any],
        what: str,
        *,
        label: Callable[[Any], str] = str,
        aliases: Mapping[str, Any] | None = None,
        list_name: str | None = None,
    ) -> Choice:
        """The options of an enum (each by its label, its value and its name) or of a list."""
        options: dict[Any, tuple[str, ...]] = {}
        for member in enum:
            labels = [label(member)]
            if isinstance(member, Enum):
                labels += [str(member.value), member.name.replace("_", " ")]
            options[member] = tuple(dict.fromkeys(labels))
        for alias, member in (aliases or {}).items():
            options[member] = (*options[member], alias)
        return cls(options, what, list_name)

    @property
    def labels(self) -> list[str]:
        """The options as a drop-down shows them."""
        return [labels[0] for labels in self.options.values()]

    def parse(self, value: Any) -> Any:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=self.valid)
        key = choice_key(value)
        if key in self._keys:
            return self._keys[key]
        close = difflib.get_close_matches(key, list(self._keys), n=1, cutoff=0.75)
        guess = ""
        if close:
            meant = self._keys[close[0]]
            guess = f"; did you mean {self.options[meant][0]!r}?"
        raise InputError(f"{describe(value)} is not {self.what}{guess}", valid=self.valid)

    @property
    def valid(self) -> str:
        labels = self.labels
        if len(labels) <= LISTED_OPTIONS:
            return ", ".join(labels)
        shown = ", ".join(labels[:LISTED_OPTIONS])
        return f"{shown} and {len(labels) - LISTED_OPTIONS} more (see the drop-down)"

    @property
    def validation(self) -> Validation:
        if self.list_name:
            return Validation("list", source=self.list_name, message=self.what)
        return Validation("list", options=tuple(self.labels), message=self.what)


_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Flag(CellType):
    """Yes or No (also TRUE/FALSE, Y/N, 1/0, and x for a tick)."""

    what: str = "Yes or No"
    list_name: str | None = None

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        text = choice_key(value)
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise InputError(f"{describe(value)} is not Yes or No", valid="Yes, No")

    @property
    def valid(self) -> str:
        return "Yes, No"

    @property
    def validation(self) -> Validation:
        if self.list_name:
            return Validation("list", source=self.list_name, message=self.what)
        return Validation("list", options=("Yes", "No"), message=self.what)


@dataclass(frozen=True)
class Date(CellType):
    """A date from ``earliest`` to ``latest`` (a date, an Excel serial, dd/mm/yyyy or ISO)."""

    what: str = "a date"
    earliest: dt.date = EARLIEST_DATE
    latest: dt.date = LATEST_DATE
    number_format: str | None = formats.DATE_UK

    def parse(self, value: Any) -> dt.date:
        day = to_date(value, earliest=self.earliest, latest=self.latest)
        if not self.earliest <= day <= self.latest:
            raise InputError(f"{day:%d/%m/%Y} is not a plausible date", valid=self.valid)
        return day

    @property
    def valid(self) -> str:
        return f"a date from {self.earliest:%d/%m/%Y} to {self.latest:%d/%m/%Y} (dd/mm/yyyy)"

    @property
    def validation(self) -> Validation:
        return Validation("date", low=self.earliest, high=self.latest, message=self.valid)


_FINANCIAL_YEAR = re.compile(r"^\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*$", re.ASCII)


@dataclass(frozen=True)
class FinancialYear(CellType):
    """A UK financial year by its first calendar year: 2025, '2025/26' or '2025-2026' -> 2025."""

    what: str = "a financial year"
    first: int = 1990
    last: int = 2100

    def parse(self, value: Any) -> int:
        year: int | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value) and float(value).is_integer():
                year = int(value)
        elif isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{4}", text, re.ASCII):
                year = int(text)
            elif match := _FINANCIAL_YEAR.match(text):
                start, end = int(match.group(1)), match.group(2)
                following = (start + 1) % 100 if len(end) == 2 else start + 1
                if int(end) != following:
                    raise InputError(
                        f"{describe(value)} is not one financial year "
                        f"({start} is followed by {start + 1})",
                        valid=self.valid,
                    )
                year = start
        if year is None or not self.first <= year <= self.last:
            raise self.refuse(value)
        return year

    @property
    def valid(self) -> str:
        return f"a year such as 2025/26 or 2025, from {self.first} to {self.last}"


def year_label(year: int) -> str:
    """A UK financial year as officers write it: 2025 -> '2025/26'."""
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class Items(CellType):
    """Several values in one cell, separated by semicolons, commas or new lines."""

    what: str = "a list separated by semicolons"
    item: CellType = field(default_factory=Text)

    def parse(self, value: Any) -> tuple[Any, ...]:
        parts = re.split(r"[;,\n]", to_text(value))
        return tuple(self.item.parse(p.strip()) for p in parts if p.strip())


@dataclass(frozen=True)
class Listed(CellType):
    """A value read as ``kind`` reads it, picked from a list the workbook keeps itself (a
    named range such as PartnerNames, for the drop-down); the capability checks it is on
    that list once everything is read. Messages give the value's own rule."""

    kind: CellType
    list_name: str
    what: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "what", self.what or self.kind.what)

    def parse(self, value: Any) -> Any:
        return self.kind.parse(value)

    @property
    def number_format(self) -> str | None:  # type: ignore[override]
        return self.kind.number_format

    @property
    def valid(self) -> str:
        return self.kind.valid

    @property
    def validation(self) -> Validation:
        return Validation("list", source=self.list_name, message=self.what)


#: The plain types most columns need.
TEXT = Text()
NUMBER = Number()
MONEY = Money()
DATE = Date()
FLAG = Flag()
YEAR = FinancialYear()


def parse_argument(kind: CellType, value: Any, name: str) -> Any:
    """A worksheet function's argument read by ``kind``; a problem names the argument."""
    try:
        return kind.parse(value)
    except InputError as exc:
        raise InputError(f"{name}: {exc.message}", valid=exc.valid) from None
