"""What a risk register's cells may hold: the value types its tables and functions use.

The common types (:mod:`cpcxl.common.fields`) do most of the work; the register adds three of
its own: a likelihood or impact on a matrix (a score or its label), a category (one on the
Appetite sheet, or any text when a register is imported), and a fill colour.

One rule for rates: a rate is a fraction, as Excel stores a cell formatted as a percentage
(30% is 0.3). A chance of occurring typed as 30 is refused, never divided by 100.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.errors import InputError
from cpcxl.common.fields import (
    DATE,
    MONEY_LIMIT,
    TEXT,
    YEAR,
    CellType,
    Choice,
    Money,
    Number,
    Rate,
    Validation,
    Whole,
    choice_key,
    year_label,
)
from cpcxl.common.values import describe, is_blank, is_excel_error

from ..models import (
    ACTION_STATUS_ALIASES,
    CATEGORY_ALIASES,
    HARM_ALIASES,
    MAX_ITERATIONS,
    RESPONSE_ALIASES,
    ActionStatus,
    AppetiteLevel,
    Harm,
    IncidentKind,
    RiskCategory,
    RiskMatrix,
    RiskResponse,
    RiskStatus,
)

Axis = Literal["likelihood", "impact"]

# --- plain fields, each with its plausible range and why ----------------------------------------

#: A chance of occurring: 0% (it will not happen) to 100% (it is certain) is all there is.
PROBABILITY = Rate(
    0,
    1,
    "a chance runs from 0%, never, to 100%, certain",
    what="a chance of occurring",
    number_format=formats.PERCENT,
)
#: An estimate of a risk's cost, within the plausible range of any public body's money.
ESTIMATE = Money(-MONEY_LIMIT, MONEY_LIMIT, what="an amount in £")
#: The confidence a contingency is set at. Below 50% the sum would more often fall short than
#: cover the total, which is no contingency; 100% would need the worst case of every risk at
#: once, which sampling never draws, so 99.9% is the most a simulation can honestly give.
CONFIDENCE = Rate(
    0.5,
    0.999,
    "a contingency covers the total at least as often as not, and no sample shows the "
    "very worst case",
    what="a confidence",
)
#: How many Monte Carlo draws: ten million pin a percentile to a small fraction of a percent;
#: more only keeps Excel waiting (a local limit).
ITERATIONS = Whole(
    1, MAX_ITERATIONS, what="a number of iterations", reason="more adds nothing but waiting"
)
#: The random seed: any whole number a 32-bit integer holds (the same seed, the same figures).
SEED = Whole(0, 2**31 - 1, what="a seed", reason="the largest a 32-bit whole number holds")
#: The residual score recorded at the last review (0 to 100: a matrix of up to 10 × 10).
PREVIOUS_SCORE = Number(
    what="a score", low=0, high=100, whole=True, reason="a matrix of up to 10 × 10 levels"
)
#: Scores on the Matrix and Appetite sheets (the sheet has room for 10 levels a scale).
LEVEL_SCORE = Whole(1, 10, what="a score", reason="the Matrix sheet has room for 10 levels")
BAND_SCORE = Whole(1, 100, what="a score", reason="a matrix of up to 10 × 10 levels")
TOLERATED = Whole(0, 100, what="a score", reason="a matrix of up to 10 × 10 levels")

STATUS = Choice.of(RiskStatus, "a status", list_name="Statuses")
APPETITE_LEVEL = Choice.of(AppetiteLevel, "an appetite level", list_name="AppetiteLevelNames")
RESPONSE = Choice.of(
    RiskResponse, "a risk response", aliases=RESPONSE_ALIASES, list_name="Responses"
)
ACTION_STATUS = Choice.of(
    ActionStatus, "an action status", aliases=ACTION_STATUS_ALIASES, list_name="ActionStatuses"
)
INCIDENT_KIND = Choice.of(
    IncidentKind,
    "an incident or a near miss",
    aliases={"near miss incident": IncidentKind.NEAR_MISS, "adverse event": IncidentKind.INCIDENT},
    list_name="IncidentTypes",
)
HARM = Choice.of(Harm, "a degree of harm", aliases=HARM_ALIASES, list_name="Harms")
#: The score an action aims to bring its risk to (a matrix of up to 10 × 10 levels).
TARGET_SCORE = Whole(1, 100, what="a score", reason="a matrix of up to 10 × 10 levels")
#: The yearly frequency at which a likelihood's next level begins: 100,000 a year is more
#: than ten an hour, beyond any scale's top level.
FEWER_THAN = Number(
    what="a number of times a year",
    low=0,
    high=100_000,
    reason="more than ten an hour is beyond any likelihood scale",
)


# --- a likelihood or an impact on a matrix -----------------------------------------------------

# '3 - Possible', '3: Possible', 'Possible (3)': a number and a label that must agree.
_NUMBER_AND_LABEL = re.compile(r"^\s*([0-9]+)\s*[-–:.)=]?\s*(.*?)\s*$", re.ASCII)
_LABEL_AND_NUMBER = re.compile(r"^\s*(.*?)\s*[(\[]([0-9]+)[)\]]\s*$", re.ASCII)


class LevelScore(CellType):
    """A likelihood or an impact on ``matrix``: its score (1 to n), its label in any case and
    spacing, one of its other names, or '3 - Possible' (the number and the label agreeing)."""

    number_format = None

    def __init__(self, matrix: RiskMatrix, axis: Axis) -> None:
        self.axis = axis
        self.levels = matrix.likelihood if axis == "likelihood" else matrix.impact
        self.top = len(self.levels)
        self.what = f"a{'n' if axis[0] in 'aeiou' else ''} {axis}"
        self.labels = Choice(_level_options(self.levels), self.what)
        self.number = Number(what=self.what)

    @property
    def valid(self) -> str:
        return f"1 to {self.top}, or {', '.join(level.label for level in self.levels)}"

    @property
    def validation(self) -> Validation:
        # Numbers are as welcome as labels: the workbook makes this list suggest, not refuse.
        return Validation("list", source=f"{self.axis.capitalize()}Labels", message=self.what)

    def parse(self, value: Any) -> int:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=self.valid)
        if isinstance(value, bool) or not isinstance(
            value, int | float | str | np.integer | np.floating
        ):
            raise self._bad(value)
        if not isinstance(value, str):
            return self._score(float(value), value)
        try:
            return int(self.labels.parse(value))
        except InputError as not_a_label:
            label_problem = not_a_label
        try:
            number = self.number.parse(value)  # '3', read strictly: no '1_000', no '٣'
        except InputError:
            pass
        else:
            return self._score(number, value)
        match = _NUMBER_AND_LABEL.match(value) or _LABEL_AND_NUMBER.match(value)
        if match:
            first, second = match.groups()
            number_text, label = (first, second) if first.isdigit() else (second, first)
            score = self._score(float(number_text), value)
            named = self._label_score(label) if label else score
            if named == score:
                return score
            if named is not None:
                raise self._bad(
                    value,
                    f" (the number says {score}, the label {self.levels[named - 1].label} "
                    f"is {named})",
                )
        raise InputError(label_problem.message, valid=self.valid)

    def _label_score(self, label: str) -> int | None:
        try:
            return int(self.labels.parse(label))
        except InputError:
            return None

    def _score(self, number: float, value: Any) -> int:
        if not float(number).is_integer():
            raise self._bad(value, f" (scores are whole numbers from 1 to {self.top})")
        if not 1 <= number <= self.top:
            raise self._bad(value, f" (scores run from 1 to {self.top})")
        return int(number)

    def _bad(self, value: Any, why: str = "") -> InputError:
        return InputError(f"{describe(value)} is not {self.what}{why}", valid=self.valid)


def _level_options(levels: Iterable[Any]) -> dict[int, tuple[str, ...]]:
    """Each level's label and other names, dropping another name that a level already has."""
    levels = list(levels)
    taken = {choice_key(level.label) for level in levels}
    options: dict[int, tuple[str, ...]] = {}
    for level in levels:
        names = [level.label]
        for alias in level.aliases:
            if choice_key(alias) not in taken:
                taken.add(choice_key(alias))
                names.append(alias)
        options[level.score] = tuple(names)
    return options


# --- a category ---------------------------------------------------------------------------------


class Category(CellType):
    """A risk category: one of ``known`` (the Appetite sheet's), or with ``known`` None any
    text, kept as the organisation's own. The common words for the standard categories
    ('financial', 'safeguarding') are read as them wherever that category is known."""

    def __init__(self, known: Iterable[str] | None = None) -> None:
        names = [c.value for c in RiskCategory] if known is None else list(known)
        self.open = known is None
        options: dict[str, tuple[str, ...]] = {}
        for name in names:
            if choice_key(name) and name not in options:
                options[name] = (name,)
        by_key = {choice_key(name): name for name in options}
        for alias, category in CATEGORY_ALIASES.items():
            standard = by_key.get(choice_key(category.value))
            if standard is not None and choice_key(alias) not in by_key:
                by_key[choice_key(alias)] = standard
                options[standard] = (*options[standard], alias)
        self.what = "a category" if self.open else "a category on the Appetite sheet"
        self.choice = Choice(options, self.what, list_name="Categories")

    @property
    def valid(self) -> str:
        return self.choice.valid + ("" if self.open else ", or add it to the Appetite sheet")

    @property
    def validation(self) -> Validation:
        return self.choice.validation

    def parse(self, value: Any) -> str:
        text = TEXT.parse(value)
        try:
            return str(self.choice.parse(text))
        except InputError as exc:
            if self.open:
                return text
            raise InputError(exc.message, valid=self.valid) from None


# --- when a risk would bite -----------------------------------------------------------------------


@dataclass(frozen=True)
class Proximity(CellType):
    """When a risk would bite: a date, or a financial year (2026/27, or 2026, its first
    calendar year). A date is kept as a date, a year as its first calendar year."""

    what: str = "a date or a financial year"

    def parse(self, value: Any) -> dt.date | int:
        if isinstance(value, str) and ("/" in value or "-" in value) and len(value.strip()) <= 9:
            try:  # '2026/27', '2026-27', '2026-2027': a year, not a date
                return int(YEAR.parse(value))
            except InputError:
                pass
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            try:
                return int(YEAR.parse(value))
            except InputError:
                pass
        try:
            day: dt.date = DATE.parse(value)
        except InputError:
            raise self.refuse(value) from None
        return day

    @property
    def valid(self) -> str:
        return "a date (dd/mm/yyyy) or a financial year such as 2026/27"


PROXIMITY = Proximity()


def proximity_text(proximity: dt.date | int) -> str | dt.date:
    """A proximity as a register shows it: a date as itself, a year as '2026/27'."""
    return proximity if isinstance(proximity, dt.date) else year_label(int(proximity))


# --- a fill colour -------------------------------------------------------------------------------

_HEX = re.compile(r"[0-9A-Fa-f]{6}", re.ASCII)


@dataclass(frozen=True)
class Colour(CellType):
    """A fill colour as six hexadecimal digits (RGB), with or without a leading '#'."""

    what: str = "a colour"

    def parse(self, value: Any) -> str:
        text = TEXT.parse(value).lstrip("#")
        if not _HEX.fullmatch(text):
            raise self.refuse(value)
        return text.upper()

    @property
    def valid(self) -> str:
        return "six hexadecimal digits of red, green and blue, such as FFC7CE"


COLOUR = Colour()


# --- many cells at once ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """Cells read with one value type: values, which were blank, and each bad cell's message."""

    values: np.ndarray  # object; meaningful where ``ok``
    blank: np.ndarray  # bool
    errors: np.ndarray  # object: the message, or None

    @property
    def ok(self) -> np.ndarray:
        return ~self.blank & ~flagged(self.errors)


def flagged(errors: np.ndarray) -> np.ndarray:
    """Which cells of an array of messages have a problem (a message is never empty)."""
    return np.asarray(errors, dtype=object).astype(bool)


def parse_cells(cells: Any, kind: CellType) -> Parsed:
    """Read every cell of an array with ``kind``, parsing each distinct value once, so a
    100,000-row column of a few labels costs a handful of parses."""
    read = kind.parse
    flat = np.asarray(cells, dtype=object).reshape(-1)
    # pandas treats True as 1 when it groups values, but TRUE is no score: keep bools apart.
    keys = flat
    is_bool = np.zeros(flat.size, dtype=bool)
    if bool in set(map(type, flat)):  # a quick look first: TRUE/FALSE cells are rare
        is_bool = np.fromiter((type(v) is bool for v in flat), dtype=bool, count=flat.size)
        keys = flat.copy()
        keys[is_bool] = None
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    # slot len(uniques) stands for "blank" (pandas' missing values and the bools, read below)
    values = np.empty(len(uniques) + 1, dtype=object)
    errors = np.full(len(uniques) + 1, None, dtype=object)
    blank = np.zeros(len(uniques) + 1, dtype=bool)
    blank[-1] = True
    for i, value in enumerate(uniques):
        values[i], errors[i], blank[i] = _read_one(read, value)
    codes = np.where(codes < 0, len(uniques), codes)
    out_values, out_errors, out_blank = values[codes], errors[codes], blank[codes]
    for j in np.flatnonzero(is_bool):
        out_values[j], out_errors[j], out_blank[j] = _read_one(read, flat[j])
    return Parsed(out_values, out_blank, out_errors)


def _read_one(read: Callable[[Any], Any], value: Any) -> tuple[Any, str | None, bool]:
    if is_blank(value):
        return None, None, True
    try:
        return read(value), None, False
    except InputError as exc:
        return None, str(exc), False
