"""What the engine is given for one arrangement, and where each part of it was typed.

Pure: the typed inputs (pydantic models and a long table of contributions) and the places
of the input tables, so a problem found across tables can still name its cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpcxl.common.errors import Location

from ..models import (
    Arrangement,
    Condition,
    ForecastRule,
    InYear,
    Line,
    Metric,
    NationalRequirement,
    Outcome,
    Partner,
    Payment,
    Scheme,
)

#: The long table's columns. ``reduction`` marks a negative amount as a deliberate reduction;
#: optional columns ``carried_forward`` (last year's underspend, a one-off) and
#: ``funding_source`` (a BCF plan's income by source) may follow.
CONTRIBUTION_COLUMNS = ("partner", "line", "year", "kind", "amount", "reduction")
CASH = "cash"
IN_KIND = "in_kind"
#: Of the cash, what was carried forward from last year's underspend (CPC 509 B6: each
#: partner's contribution identifiable, carried forward included).
CARRIED = "carried_forward"
#: The periods of the Actuals by period table's long frame.
PERIOD_FIELDS = tuple(f"p{p}" for p in range(1, 13))


def empty_period_actuals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": pd.Series(dtype=object),
            "partner": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            **{p: pd.Series(dtype=float) for p in PERIOD_FIELDS},
            "commitments": pd.Series(dtype=float),
        }
    )


@dataclass
class InYearInputs:
    """What in-year monitoring is given: the settings, the actuals by line, partner and
    period (``partner`` '' for a whole line; p1-p12 in £, NaN where blank), the forecast
    rules, the profiles ({name: (12 weights, NaN blank; sheet row)}) and the payments."""

    settings: InYear = field(default_factory=InYear)
    actuals: pd.DataFrame = field(default_factory=lambda: empty_period_actuals())
    rules: list[ForecastRule] = field(default_factory=list)
    profiles: Mapping[str, tuple[np.ndarray, int]] = field(default_factory=dict)
    profile_rows: list[tuple[str, int]] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def given(self) -> bool:
        """Whether there is anything to monitor (actuals or payments)."""
        return not self.actuals.empty or bool(self.payments)


@dataclass
class BcfInputs:
    """A Better Care Fund plan's tables: the national requirements, the schemes, the national
    list of scheme types and the plan's metrics."""

    requirements: list[NationalRequirement] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    scheme_types: list[str] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)


@dataclass
class BudgetInputs:
    """Everything an officer enters for one arrangement, as typed values."""

    arrangement: Arrangement
    partners: list[Partner]
    lines: list[Line]
    #: long table: partner, line, year (int), kind (ContributionKind value), amount (£),
    #: reduction (bool); optional ``_row`` (sheet row) for located errors
    contributions: pd.DataFrame
    conditions: list[Condition] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    #: partner, line, year (int or <NA> for every year), cost (£): spend on the line alone
    standalone: pd.DataFrame = field(default_factory=lambda: empty_standalone())
    #: line, year, partner (text or blank for the whole line), actual (£)
    actuals: pd.DataFrame = field(default_factory=lambda: empty_actuals())
    in_year: InYearInputs = field(default_factory=InYearInputs)
    bcf: BcfInputs = field(default_factory=BcfInputs)
    #: where each table is, to place errors: {table: (sheet, {field: Place})}
    places: Mapping[str, tuple[str, Mapping[str, Place]]] = field(default_factory=dict)
    #: what was read in a way worth saying (a header read under another spelling)
    notes: tuple[str, ...] = ()

    @property
    def partner_names(self) -> list[str]:
        return [p.name for p in self.partners]

    @property
    def line_names(self) -> list[str]:
        return [line.name for line in self.lines]

    def where(self, table: str, row: int | None, column: str | None = None) -> Location:
        """The location of a field in a row of one of the input tables."""
        sheet, fields = self.places.get(table, (table.capitalize(), {}))
        place = fields.get(column or "")
        if place is None:
            return Location(sheet=sheet, row=row, field=column)
        row = place.row if place.row is not None else row
        cell = f"{place.letter}{row}" if place.letter and row is not None else None
        return Location(sheet=sheet, cell=cell, row=row, field=place.header)


@dataclass(frozen=True)
class Place:
    """Where a field is: its column letter and header, and its row if it has only one."""

    letter: str | None
    header: str
    row: int | None = None


def empty_standalone() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner": pd.Series(dtype=object),
            "line": pd.Series(dtype=object),
            "year": pd.Series(dtype="Int64"),
            "cost": pd.Series(dtype=float),
        }
    )


def empty_actuals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": pd.Series(dtype=object),
            "year": pd.Series(dtype="int64"),
            "partner": pd.Series(dtype=object),
            "actual": pd.Series(dtype=float),
        }
    )


def rows_of(frame: pd.DataFrame) -> np.ndarray:
    if "_row" in frame.columns:
        return frame["_row"].to_numpy()
    return np.full(len(frame), None, dtype=object)
