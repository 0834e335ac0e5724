"""Every table of a workforce plan at once, each checked against the others."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputErrors, Location
from cpcxl.common.fields import percent_text
from cpcxl.common.inputs import Cells, SettingsRead

from ..models import ALL_ROLES, HEADROOM, HEADROOM_PARTS, Assumptions, Employer, PaySetup
from .pay import ON_COSTS, PAY, PENSIONS, SCALES, read_pay
from .plan import (
    ASSUMPTIONS,
    DEMAND,
    STAFF,
    TARGETS,
    check_roles,
    demand_frame,
    read_assumption_settings,
    staff_frame,
    targets_frame,
)
from .plan import _read as read_one
from .review import ACTUALS, BENCHMARKS, SKILLS, read_actuals, read_benchmarks, read_skills

#: Every table the plan reads, for the file and open-workbook readers.
SPECS = (
    STAFF,
    DEMAND,
    TARGETS,
    ASSUMPTIONS,
    ON_COSTS,
    PENSIONS,
    PAY,
    SCALES,
    BENCHMARKS,
    SKILLS,
    ACTUALS,
)


@dataclass
class PlanInputs:
    """The checked inputs of a plan, and notes on how they were read (a header read under
    another spelling) to show beside the results. The issue 18 tables are optional: an older
    workbook without them gets the shipped on-costs and no benchmarks, skills or actuals."""

    staff: pd.DataFrame
    demand: pd.DataFrame
    targets: pd.DataFrame
    assumptions: Assumptions
    notes: list[str] = field(default_factory=list)
    pay: PaySetup = field(default_factory=PaySetup)
    benchmarks: pd.DataFrame | None = None
    skills: pd.DataFrame | None = None
    actuals: pd.DataFrame | None = None


def read_plan(tables: Mapping[str, Cells], *, file: str | None = None) -> PlanInputs:
    """Every table, checked; every problem in every table is reported at once."""
    errors = InputErrors()
    read = read_assumption_settings(tables.get(ASSUMPTIONS.name), errors, file=file)
    _, staff = read_one(STAFF, staff_frame, tables.get(STAFF.name), errors, file)
    demand_table, demand = read_one(DEMAND, demand_frame, tables.get(DEMAND.name), errors, file)
    _, targets = read_one(TARGETS, targets_frame, tables.get(TARGETS.name), errors, file)
    if staff is not None and demand is not None and targets is not None and demand_table:
        check_roles(
            staff, demand, targets, errors, where=lambda row: demand_table.where(row, "role")
        )
    a = read[0] if read is not None else Assumptions()
    roles: set[str] = set()
    for frame in (staff, demand, targets):
        if frame is not None:
            roles |= {r for r in frame["role"] if r is not None and r != ALL_ROLES}
    pay = read_pay(tables, errors, standard_hours=a.standard_hours, roles=roles, file=file)
    benchmarks = read_benchmarks(tables.get(BENCHMARKS.name), roles, errors, file=file)
    if read is not None:
        nhs = staff is not None and bool((staff["employer"] == Employer.NHS.value).any())
        _check_headroom_parts(a, read[1], benchmarks, nhs, errors)
    # The Skills table is checked against the staff records: without them, it waits.
    skills = (
        read_skills(tables.get(SKILLS.name), roles, staff, errors, file=file)
        if staff is not None
        else None
    )
    actuals = read_actuals(tables.get(ACTUALS.name), roles, a, errors, file=file)
    errors.raise_if_any()
    assert staff is not None and demand is not None and targets is not None
    assert read is not None and pay is not None
    return PlanInputs(
        staff,
        demand,
        targets,
        a,
        list(errors.notes),
        pay,
        _or_none(benchmarks),
        _or_none(skills),
        _or_none(actuals),
    )


def _or_none(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    return frame if frame is not None and len(frame) else None


def _check_headroom_parts(
    a: Assumptions,
    settings: SettingsRead,
    benchmarks: pd.DataFrame | None,
    nhs: bool,
    errors: InputErrors,
) -> None:
    """Headroom built from its parts must stay in headroom's range for every role (``nhs``:
    some staff are the NHS's, so the NHS sickness rate is one a role may take)."""
    if not a.built_headroom:
        return
    fixed = sum(v for f, v in a.parts.items() if f != "sickness" and v is not None)
    if a.sickness_part is not None:
        sickness = [a.sickness_part]
    else:
        sickness = [a.sickness, a.nhs_sickness] if nhs else [a.sickness]
    worst_role = None
    if benchmarks is not None and "sickness" in benchmarks:
        own = benchmarks["sickness"].to_numpy(dtype=float)
        if np.isfinite(own).any():
            i = int(np.nanargmax(own))
            sickness.append(float(own[i]))
            if own[i] >= max(sickness):
                worst_role = benchmarks["role"].iat[i]
    total = fixed + max(sickness)
    if total <= HEADROOM.high + 1e-12:
        return
    first = next(f for f in HEADROOM_PARTS if getattr(a, f) is not None)
    who = f" for {worst_role}" if worst_role else ""
    errors.add(
        f"headroom built from its parts comes to {percent_text(total)}{who}, outside "
        f"{HEADROOM.range_text}",
        location=settings.where.get(first, Location(sheet=ASSUMPTIONS.sheet)),
        valid="parts that add up to at most 60%: annual leave, sickness, study leave, "
        "parental leave and other",
    )
