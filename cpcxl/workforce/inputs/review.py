"""The Benchmarks, Skills and Actuals sheets (issue 18): rates by role and area, the training
and qualifications each role needs (CPC 505 A5), and what happened each quarter (CPC 505
C1-C5), read and checked against the plan's roles, staff records and horizon."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputErrors
from cpcxl.common.fields import TEXT, year_label
from cpcxl.common.inputs import Cells, Column, TableRead, TableSpec, read_table
from cpcxl.common.tables import ROW

from ..models import (
    PAY_YEAR,
    RENEW_YEARS,
    SICKNESS,
    STARTERS_HOLD,
    TRAINING_COST,
    TURNOVER,
    VACANCY,
    Assumptions,
)
from .types import (
    ACTUALS_SHEET,
    AGENCY_HOURS,
    BENCHMARKS_SHEET,
    QUALIFICATION,
    QUARTER,
    QUARTER_FTE,
    SKILLS_SHEET,
    SPEND,
    key,
    not_listed,
    quarter_label,
    quarter_of,
    quarter_start,
)

BENCHMARKS = TableSpec(
    "Benchmarks",
    BENCHMARKS_SHEET,
    (
        Column("role", "Role", TEXT, ("job role",), width=28),
        Column(
            "area",
            "Area",
            synonyms=("locality",),
            required=False,
            default="",
            width=16,
            prompt="Blank: every area",
        ),
        Column("turnover", "Turnover", TURNOVER, ("turnover rate",), required=False, width=11),
        Column("vacancy", "Vacancy", VACANCY, ("vacancy rate",), required=False, width=11),
        Column("sickness", "Sickness", SICKNESS, ("sickness rate",), required=False, width=11),
        Column("source", "Source", required=False, default="", width=60),
        Column("year", "Year", PAY_YEAR, ("financial year",), required=False, width=10),
    ),
    title="Benchmarks by role",
)

SKILLS = TableSpec(
    "Skills",
    SKILLS_SHEET,
    (
        Column("role", "Role", TEXT, ("job role",), width=28),
        Column(
            "item",
            "Training or qualification",
            QUALIFICATION,
            ("qualification", "training", "requirement"),
            width=44,
            prompt="As the staff records name it",
        ),
        Column(
            "cost",
            "Cost per person",
            TRAINING_COST,
            ("cost", "cost per person £"),
            required=False,
            default=0.0,
            width=16,
        ),
        Column(
            "renew_years",
            "Renew every (years)",
            RENEW_YEARS,
            ("renew every", "renewal"),
            required=False,
            width=20,
            prompt="Blank: once",
        ),
        Column(
            "starters_hold",
            "New starters holding it",
            STARTERS_HOLD,
            ("new starters who hold it",),
            required=False,
            default=0.0,
            width=24,
            prompt="The share of recruits who arrive with it (a nurse's registration: 100%)",
        ),
    ),
    title="Training and qualifications each role needs",
)

ACTUALS = TableSpec(
    "Actuals",
    ACTUALS_SHEET,
    (
        Column("quarter", "Quarter", QUARTER, ("period",), width=13),
        Column("role", "Role", TEXT, ("job role",), width=28),
        Column(
            "fte",
            "FTE in post",
            QUARTER_FTE,
            ("substantive fte", "fte at quarter end"),
            required=False,
            width=14,
            prompt="Substantive FTE at the end of the quarter",
        ),
        Column("leavers", "Leavers FTE", QUARTER_FTE, ("leavers",), required=False, width=14),
        Column("starters", "Starters FTE", QUARTER_FTE, ("starters",), required=False, width=14),
        Column(
            "agency_hours",
            "Agency hours",
            AGENCY_HOURS,
            ("agency hours in the quarter",),
            required=False,
            width=14,
        ),
        Column(
            "agency_spend",
            "Agency spend",
            SPEND,
            ("agency spend £", "agency cost"),
            required=False,
            width=14,
        ),
    ),
    title="Actuals by quarter",
)


def _dupes(
    table: TableRead, keys: Iterable[tuple[object, ...]], field: str, what: str, errors: InputErrors
) -> np.ndarray:
    """Marks rows repeating an earlier row's key, each reported where it is."""
    seen: dict[tuple[object, ...], int] = {}
    repeat = []
    for k, row in zip(keys, table.rows.tolist(), strict=True):
        if k in seen:
            errors.add(
                f"{what} is given twice (also on row {seen[k]})",
                location=table.where(int(row), field),
                valid="each once",
            )
            repeat.append(True)
            continue
        seen[k] = int(row)
        repeat.append(False)
    return np.array(repeat, dtype=bool)


def _roles_known(
    table: TableRead, frame: pd.DataFrame, roles: set[str], sheet: str, errors: InputErrors
) -> np.ndarray:
    """Rows whose role the plan has; each other row is a located error."""
    spelled = {key(r): r for r in roles}
    ok = []
    for role, row in zip(frame["role"], frame[ROW], strict=True):
        if role is None or key(role) in spelled:
            ok.append(role is not None)
            continue
        errors.add(
            not_listed(role, sorted(roles), "a role", "the Staff or Demand sheets"),
            location=table.where(int(row), "role"),
        )
        ok.append(False)
    frame["role"] = [spelled.get(key(r), r) if r is not None else r for r in frame["role"]]
    return np.array(ok, dtype=bool)


def read_benchmarks(
    cells: Cells | None, roles: set[str], errors: InputErrors, *, file: str | None = None
) -> pd.DataFrame | None:
    """Rates by role and area (optional); each rate blank falls back to the sector default."""
    table = read_table(BENCHMARKS, cells, errors, file=file, optional=True)
    if table is None:
        return None
    frame = table.frame.copy()
    good = _roles_known(table, frame, roles, BENCHMARKS_SHEET, errors)
    keys = [(key(r), key(a)) for r, a in zip(frame["role"], frame["area"], strict=True)]
    repeat = _dupes(table, keys, "role", "the role and area", errors)
    frame["year"] = [year_label(int(y)) if y == y and y is not None else "" for y in frame["year"]]
    return frame.loc[good & ~repeat & ~table.bad].reset_index(drop=True)


def read_skills(
    cells: Cells | None,
    roles: set[str],
    staff: pd.DataFrame,
    errors: InputErrors,
    *,
    file: str | None = None,
) -> pd.DataFrame | None:
    """The training and qualifications each role needs (optional). Each must be named as at
    least one staff record names it (Training and qualifications held): a requirement no one
    mentions is usually a spelling slip."""
    table = read_table(SKILLS, cells, errors, file=file, optional=True)
    if table is None:
        return None
    frame = table.frame.copy()
    good = _roles_known(table, frame, roles, SKILLS_SHEET, errors)
    held = staff["held"] if "held" in staff else pd.Series([()] * len(staff), dtype=object)
    mentioned = {key(item): item for items in held for item in items}
    for i, (item, row) in enumerate(zip(frame["item"], frame[ROW], strict=True)):
        if item is None or key(item) in mentioned:
            if item is not None:
                frame.at[i, "item"] = mentioned[key(item)]
            continue
        error = not_listed(
            item,
            sorted(mentioned.values()),
            "training or a qualification",
            "any staff record (Staff, Training and qualifications held)",
        )
        errors.add(
            error.message,
            location=table.where(int(row), "item"),
            valid="the name as the staff records write it in Training and qualifications "
            "held, so those who hold it are counted",
        )
        good[i] = False
    keys = [(key(r), key(q)) for r, q in zip(frame["role"], frame["item"], strict=True)]
    repeat = _dupes(table, keys, "item", "the role and training", errors)
    return frame.loc[good & ~repeat & ~table.bad].reset_index(drop=True)


def plan_quarters(a: Assumptions) -> tuple[dt.date, dt.date]:
    """The first day of the plan and the first day after it."""
    start = a.plan_start
    try:
        end = start.replace(year=start.year + a.years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + a.years, day=28)
    return start, end


def read_actuals(
    cells: Cells | None,
    roles: set[str],
    a: Assumptions,
    errors: InputErrors,
    *,
    file: str | None = None,
) -> pd.DataFrame | None:
    """What happened each quarter by role (optional), within the plan's years."""
    table = read_table(ACTUALS, cells, errors, file=file, optional=True)
    if table is None:
        return None
    frame = table.frame.copy()
    good = _roles_known(table, frame, roles, ACTUALS_SHEET, errors)
    start, end = plan_quarters(a)
    first = quarter_label(*quarter_of(start))
    last = quarter_label(*quarter_of(end - dt.timedelta(days=1)))
    for i, (quarter, row) in enumerate(zip(frame["quarter"], frame[ROW], strict=True)):
        if quarter is None:
            continue
        begins = quarter_start(*quarter)
        after = quarter_start(quarter[0] + quarter[1] // 4, quarter[1] % 4 + 1)
        if not (begins < end and after > start):
            errors.add(
                f"{quarter_label(*quarter)} is outside the plan, which runs from "
                f"{start:%d/%m/%Y} for {a.years} years",
                location=table.where(int(row), "quarter"),
                valid=f"a quarter of the plan, from {first} to {last}",
            )
            good[i] = False
    keys = [(q, key(r)) for q, r in zip(frame["quarter"], frame["role"], strict=True)]
    repeat = _dupes(table, keys, "quarter", "the quarter and role", errors)
    return frame.loc[good & ~repeat & ~table.bad].reset_index(drop=True)
