"""The four input tables (Staff, Demand, Assumptions, Targets) from cell values to the engine.

Shared by the button script (values from the open workbook) and the command line (values
read from a file), so both give the same located errors. No xlwings, no openpyxl here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.tables import Column, frame_from_values, normalise_header
from cpcxl.common.values import is_blank

from . import engine
from .models import SOURCES, Assumptions

STAFF_SHEET, DEMAND_SHEET, ASSUMPTIONS_SHEET, TARGETS_SHEET = (
    "Staff",
    "Demand",
    "Assumptions",
    "Targets",
)

#: Column headers as the packaged workbook writes them, with the other names people use.
STAFF_COLUMNS = [
    Column("role", ("job role", "post")),
    Column("skill", ("skill level", "skill level or qualification", "qualification"), False),
    Column("contract_type", ("contract type", "contract")),
    Column("employer", ("employed by",), False),
    Column("hours", ("hours per week", "contracted hours", "weekly hours")),
    Column("hourly_cost", ("hourly cost", "cost per hour", "hourly rate"), False),
    Column("start_date", ("start date", "started"), False),
    Column("leaving_date", ("leaving date", "end date", "left"), False),
    Column("count", ("number of people", "headcount", "people"), False),
    Column("age_band", ("age band", "age"), False),
    Column("sex", (), False),
    Column("ethnic_group", ("ethnic group", "ethnicity"), False),
    Column("disability", ("disabled",), False),
]
STAFF_HEADERS = [
    "Role",
    "Skill level",
    "Contract type",
    "Employer",
    "Hours per week",
    "Hourly cost",
    "Start date",
    "Leaving date",
    "Number of people",
    "Age band",
    "Sex",
    "Ethnic group",
    "Disability",
]

DEMAND_COLUMNS = [
    Column("service", ("service area",), False),
    Column("role", ("job role",)),
    Column("skill", ("skill level", "qualification"), False),
    Column("hours", ("hours needed per week now", "hours needed per week", "hours per week")),
    Column("growth", ("annual growth", "growth rate", "growth a year"), False),
    *(Column(f"year_{y}", (f"year {y} hours", f"hours year {y}"), False) for y in range(1, 6)),
]
DEMAND_HEADERS = [
    "Service",
    "Role",
    "Skill level",
    "Hours needed per week now",
    "Annual growth",
    *(f"Year {y}" for y in range(1, 6)),
]

TARGET_COLUMNS = [
    Column("kind", ("target",)),
    Column("role", ("job role",), False),
    Column("detail", ("skill level or contract type", "skill level", "contract type"), False),
    Column("value", ("target value", "share or hours")),
]
TARGET_HEADERS = ["Target", "Role", "Skill level or contract type", "Value"]

ASSUMPTION_HEADERS = ["Assumption", "Value", "Where the default comes from"]

#: Field -> the header an officer sees, so errors name the column as the sheet shows it.
FIELD_HEADERS = {
    sheet: dict(zip((c.field for c in columns), headers, strict=True))
    for sheet, columns, headers in (
        ("Staff", STAFF_COLUMNS, STAFF_HEADERS),
        ("Demand", DEMAND_COLUMNS, DEMAND_HEADERS),
        ("Targets", TARGET_COLUMNS, TARGET_HEADERS),
    )
}


@dataclass
class PlanInputs:
    staff: pd.DataFrame
    demand: pd.DataFrame
    targets: pd.DataFrame
    assumptions: Assumptions


@dataclass(frozen=True)
class TableValues:
    """A table's cell values, header row first, and the sheet row that header is on."""

    rows: Sequence[Sequence[Any]]
    first_row: int = 1


def assumption_values(
    table: TableValues, location: Location
) -> tuple[dict[str, Any], dict[str, Location]]:
    """{field: value} from the Assumptions table, matched on the label column."""
    by_label = {normalise_header(label): name for name, (label, _) in SOURCES.items()}
    values: dict[str, Any] = {}
    where: dict[str, Location] = {}
    errors = InputErrors()
    for offset, row in enumerate(table.rows[1:], start=1):
        if not row or all(is_blank(v) for v in row):
            continue
        label = normalise_header(row[0])
        sheet_row = table.first_row + offset
        if label not in by_label:
            errors.add(
                InputError(
                    f"{row[0]!r} is not an assumption cpcxl knows",
                    location=location.with_(cell=f"A{sheet_row}"),
                    valid=[label for label, _ in SOURCES.values()],
                )
            )
            continue
        name = by_label[label]
        values[name] = row[1] if len(row) > 1 else None
        where[name] = location.with_(cell=f"B{sheet_row}", field=SOURCES[name][0])
    errors.raise_if_any()
    return values, where


def plan_inputs(tables: Mapping[str, TableValues], *, file: str | None = None) -> PlanInputs:
    """Read and check all four tables; every problem in every table is reported at once."""
    errors = InputErrors()

    def at(sheet: str) -> Location:
        return Location(file=file, sheet=sheet)

    def shown(error: InputError) -> InputError:
        where = error.location
        headers = FIELD_HEADERS.get(where.sheet or "", {}) if where else {}
        if where and where.field in headers:
            return InputError(
                error.message, location=where.with_(field=headers[where.field]), valid=error.valid
            )
        return error

    def attempt(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return fn(*args, **kwargs)
        except InputErrors as many:
            errors.extend(shown(e) for e in many)
        except InputError as one:
            errors.add(shown(one))
        return None

    missing = [s for s in (STAFF_SHEET, DEMAND_SHEET, TARGETS_SHEET) if s not in tables]
    if missing:
        raise InputError(
            f"the workbook has no {', '.join(missing)} table",
            location=Location(file=file),
            valid="the packaged workbook's Staff, Demand, Assumptions and Targets sheets",
        )
    assumptions = Assumptions()
    if ASSUMPTIONS_SHEET in tables:
        pairs = attempt(assumption_values, tables[ASSUMPTIONS_SHEET], at(ASSUMPTIONS_SHEET))
        if pairs is not None:
            assumptions = attempt(engine.read_assumptions, pairs[0], locations=pairs[1]) or (
                assumptions
            )

    def frame(sheet: str, columns: list[Column]) -> pd.DataFrame | None:
        table = tables[sheet]
        return attempt(
            frame_from_values,
            table.rows,
            columns,
            first_row=table.first_row,
            location=at(sheet),
        )

    staff_raw = frame(STAFF_SHEET, STAFF_COLUMNS)
    demand_raw = frame(DEMAND_SHEET, DEMAND_COLUMNS)
    targets_raw = frame(TARGETS_SHEET, TARGET_COLUMNS)
    staff = demand = targets = None
    if staff_raw is not None:
        staff = attempt(engine.read_staff, staff_raw, location=at(STAFF_SHEET))
    if demand_raw is not None:
        demand = attempt(
            engine.read_demand, demand_raw, assumptions.years, location=at(DEMAND_SHEET)
        )
    if targets_raw is not None:
        targets = attempt(engine.read_targets, targets_raw, location=at(TARGETS_SHEET))
    if staff is not None and demand is not None and targets is not None:
        attempt(engine.check_roles, staff, demand, targets, location=at(DEMAND_SHEET))
    errors.raise_if_any()
    assert staff is not None and demand is not None and targets is not None
    return PlanInputs(staff, demand, targets, assumptions)
