"""The value types the workforce tables use beyond the common ones: suggested text, a list of
qualifications held, a financial quarter, and each drop-down's options for the Lists sheet."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from cpcxl.common import formats
from cpcxl.common.errors import InputError
from cpcxl.common.fields import (
    LISTED_OPTIONS,
    CellType,
    Choice,
    Listed,
    Money,
    Number,
    Text,
    Validation,
    choice_key,
    year_label,
)
from cpcxl.common.values import describe, is_excel_error, to_date, to_text

from ..models import (
    AGE_BANDS,
    QUALIFICATIONS,
    SKILL_LEVELS,
    ContractType,
    Employer,
    HeadroomMethod,
    LevyRule,
    TargetKind,
    WageFloor,
)

STAFF_SHEET, DEMAND_SHEET, ASSUMPTIONS_SHEET, TARGETS_SHEET = (
    "Staff",
    "Demand",
    "Assumptions",
    "Targets",
)
PAY_SHEET, SCALES_SHEET, BENCHMARKS_SHEET, SKILLS_SHEET, ACTUALS_SHEET = (
    "Pay",
    "Pay scales",
    "Benchmarks",
    "Skills",
    "Actuals",
)


@dataclass(frozen=True)
class Suggested(Text):
    """Free text, with a drop-down of the usual values (skill levels, age bands): the
    template's list is ``options``, under the named range ``list_name``."""

    list_name: str = ""
    options: tuple[str, ...] = ()

    @property
    def validation(self) -> Validation:
        return Validation("list", source=self.list_name, message=self.what)


@dataclass(frozen=True)
class Held(CellType):
    """The training and qualifications one staff record holds, separated by semicolons or new
    lines ('Care Certificate; Level 2 Diploma in Care'): a tuple of names as written."""

    what: str = "training and qualifications held, separated by semicolons"
    max_items: int = 50

    def parse(self, value: Any) -> tuple[str, ...]:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=self.what)
        items = tuple(p.strip() for p in re.split(r"[;\n]", to_text(value)) if p.strip())
        if len(items) > self.max_items:
            raise InputError(
                f"{len(items)} items is more than one person holds",
                valid=f"at most {self.max_items} items, separated by semicolons",
            )
        return items


#: A quarter as officers write it: '2026/27 Q1', 'Q1 2026/27', '2026-27 Q1', '2026/2027 Q1'.
_QUARTER = re.compile(
    r"^\s*(?:q([1-4])\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})(?:\s*q([1-4]))?\s*$",
    re.ASCII | re.IGNORECASE,
)


@dataclass(frozen=True)
class Quarter(CellType):
    """A quarter of a UK financial year, as (first calendar year, quarter 1-4): Q1 is April to
    June. '2026/27 Q1', 'Q1 2026/27' or a date in the quarter (its quarter)."""

    what: str = "a quarter"

    def parse(self, value: Any) -> tuple[int, int]:
        if isinstance(value, dt.date):
            day = to_date(value)
            return quarter_of(day)
        text = to_text(value)
        match = _QUARTER.match(text)
        if match is None or bool(match.group(1)) == bool(match.group(4)):
            raise InputError(f"{describe(value)} is not {self.what}", valid=self.valid)
        start, end = int(match.group(2)), match.group(3)
        following = (start + 1) % 100 if len(end) == 2 else start + 1
        if int(end) != following:
            raise InputError(
                f"{describe(value)} is not one financial year ({start} is followed by {start + 1})",
                valid=self.valid,
            )
        return start, int(match.group(1) or match.group(4))

    @property
    def valid(self) -> str:
        return "a quarter such as 2026/27 Q1 (April to June 2026), or a date in it"


def quarter_of(day: dt.date) -> tuple[int, int]:
    """The financial quarter a day falls in: 15 May 2026 -> (2026, 1); 10 Feb 2027 -> (2026, 4)."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    """(2026, 1) -> '2026/27 Q1'."""
    return f"{year_label(year)} Q{quarter}"


def quarter_start(year: int, quarter: int) -> dt.date:
    """The first day of a financial quarter: (2026, 4) -> 1 January 2027."""
    month = 4 + 3 * (quarter - 1)
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, 1)


CONTRACT_TYPE = Choice.of(ContractType, "a contract type", list_name="ContractTypes")
EMPLOYER = Choice.of(
    Employer,
    "an employer",
    list_name="Employers",
    aliases={
        name: Employer.NHS
        for name in (
            "NHS trust",
            "NHS foundation trust",
            "NHS body",
            "ICB",
            "Integrated care board",
        )
    },
)
TARGET_KIND = Choice.of(TargetKind, "a target", list_name="TargetKinds")
HEADROOM_METHOD = Choice.of(HeadroomMethod, "a headroom method", list_name="HeadroomMethods")
WAGE_FLOOR = Choice.of(
    WageFloor,
    "a wage floor",
    list_name="WageFloors",
    aliases={"NLW": WageFloor.NATIONAL_LIVING_WAGE, "RLW": WageFloor.REAL_LIVING_WAGE},
)
LEVY_RULE = Choice.of(
    LevyRule,
    "when the apprenticeship levy applies",
    list_name="LevyRules",
    aliases={"Automatic": LevyRule.AUTOMATIC, "Auto": LevyRule.AUTOMATIC},
)
SKILL = Suggested("a skill level", list_name="SkillLevels", options=SKILL_LEVELS)
AGE_BAND = Suggested("an age band", list_name="AgeBands", options=AGE_BANDS)
QUALIFICATION = Suggested(
    "a training course or qualification", list_name="Qualifications", options=QUALIFICATIONS
)
#: A band or pay point from the Pay scales sheet, and a scheme from the Pension schemes table:
#: each checked against its table once everything is read.
BAND = Listed(Text(what="a band or pay point"), "PayBands")
SCHEME = Listed(Text(what="a pension scheme"), "PensionSchemeNames")
HELD = Held()
QUARTER = Quarter()
SPEND = Money(0, what="an amount in £")
QUARTER_FTE = Number(
    "a number of FTE",
    0,
    10_000_000,
    "more than the whole UK public sector employs: a local limit",
    number_format=formats.DECIMAL_2,
)
AGENCY_HOURS = Number(
    "hours in the quarter",
    0,
    100_000_000,
    "100 million agency hours in a quarter is over 750,000 FTE: a local limit",
    number_format="#,##0.0",
)

#: The template's Lists sheet: each drop-down's options under the name its validation uses.
LISTS: dict[str, list[str]] = {
    str(kind.list_name): kind.labels if isinstance(kind, Choice) else list(kind.options)
    for kind in (
        CONTRACT_TYPE,
        EMPLOYER,
        SKILL,
        TARGET_KIND,
        HEADROOM_METHOD,
        AGE_BAND,
        WAGE_FLOOR,
        LEVY_RULE,
        QUALIFICATION,
    )
}
#: The formula columns cpcxl writes into the template itself.
FORMULA_FTE = Number("FTE", number_format=formats.DECIMAL_2)


def key(text: Any) -> str:
    """What two spellings of a name share (case, spaces and punctuation ignored)."""
    return choice_key(text)


def not_listed(value: Any, options: list[str], what: str, listed: str) -> InputError:
    """The error for a name that is not one of ``options`` (kept on ``listed``), with the one
    probably meant: "'Band 55' is not a band on the Pay scales sheet; did you mean 'Band 5'?"."""
    keys = {key(o): o for o in options}
    typed = key(value)
    # A name cut short ('NHS pension' for 'NHS Pension Scheme') is the likeliest slip.
    longer = [o for k, o in keys.items() if typed and k.startswith(typed)]
    close = (
        longer[:1]
        if len(longer) == 1
        else [keys[k] for k in difflib.get_close_matches(typed, list(keys), n=1, cutoff=0.75)]
    )
    guess = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(options[:LISTED_OPTIONS])
    more = f" and {len(options) - LISTED_OPTIONS} more" if len(options) > LISTED_OPTIONS else ""
    valid = f"{what} on {listed}: {shown}{more}" if options else f"{what} on {listed}"
    return InputError(f"{describe(value)} is not {what} on {listed}{guess}", valid=valid)
