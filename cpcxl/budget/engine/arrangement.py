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

from ..models import Arrangement, Condition, Line, Outcome, Partner

#: The long table's columns. ``reduction`` marks a negative amount as a deliberate reduction.
CONTRIBUTION_COLUMNS = ("partner", "line", "year", "kind", "amount", "reduction")
CASH = "cash"
IN_KIND = "in_kind"


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
