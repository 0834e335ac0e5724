"""Workforce planning at scale: 50,000 staff records across 200 roles, 5 years.

Prints figures (not a timed test): checking the records, FTE + gaps + five-year projection
(aim: 1 s or less), and issue 18's measured part: costing every record with its on-costs,
the wage-floor check and the least-cost mix over the 5 years by linear programming, 3 s or
less in all; with peak memory (tracemalloc for Python's own allocations, and the process's
resident set). Run: python bench/workforce.py
"""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells, TableSpec
from cpcxl.workforce import engine, inputs
from cpcxl.workforce.models import Assumptions, ContractType, Employer, PaySetup, default_schemes

RECORDS, ROLES = 50_000, 200


def tables(seed: int = 505) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    roles = np.array([f"Role {i:03d}" for i in range(ROLES)], dtype=object)
    skills = np.array(["Level 2", "Level 3", "Level 4"], dtype=object)
    types = np.array([c.value for c in ContractType], dtype=object)
    employers = np.array([e.value for e in Employer], dtype=object)
    role = roles[rng.integers(0, ROLES, RECORDS)]
    contract = types[rng.choice(len(types), RECORDS, p=[0.4, 0.3, 0.05, 0.1, 0.1, 0.03, 0.02])]
    start = pd.Timestamp("2026-04-01") - pd.to_timedelta(rng.integers(30, 4000, RECORDS), "D")
    leaving = pd.Series(pd.NaT, index=range(RECORDS), dtype="datetime64[ns]")
    leavers = rng.random(RECORDS) < 0.1
    leaving[leavers] = pd.Timestamp("2026-04-01") + pd.to_timedelta(
        rng.integers(1, 1800, leavers.sum()), "D"
    )
    staff = pd.DataFrame(
        {
            "role": role,
            "skill": skills[rng.integers(0, 3, RECORDS)],
            "contract_type": contract,
            "employer": employers[rng.integers(0, len(employers), RECORDS)],
            "hours": np.round(rng.uniform(8, 37.5, RECORDS) * 2) / 2,
            "hourly_pay": np.round(rng.uniform(11.5, 30, RECORDS), 2),
            "start_date": start,
            "leaving_date": leaving,
            "count": 1,
            "age_band": np.array(
                ["16-24", "25-34", "35-44", "45-54", "55-64", "65 and over"], dtype=object
            )[rng.integers(0, 6, RECORDS)],
            "sex": np.array(["Female", "Male", "Prefer not to say"], dtype=object)[
                rng.choice(3, RECORDS, p=[0.8, 0.1995, 0.0005])
            ],
        },
        dtype=object,
    )
    # Demand: each role × skill needs about the hours its staff give, plus or minus 20%.
    supplied = staff.groupby(["role", "skill"])["hours"].sum().astype(float)
    demand = supplied.mul(rng.uniform(0.9, 1.3, len(supplied))).round(1).reset_index()
    demand.insert(0, "service", "Home care")
    demand["growth"] = rng.uniform(0, 0.05, len(demand)).round(3)
    demand = demand.astype(object)
    targets = pd.DataFrame(
        [
            ["Maximum agency share", None, None, 0.15],
            ["Minimum permanent share", None, None, 0.5],
            ["Maximum hours of a contract type", None, "Bank or zero-hours", 150_000],
        ],
        columns=["kind", "role", "detail", "value"],
        dtype=object,
    )
    return staff, demand, targets


def as_cells(spec: TableSpec, frame: pd.DataFrame) -> Cells:
    """A frame of fields as the cells of its table: headers, then rows as a sheet gives them."""
    headers = [spec.header_of(f) for f in frame.columns]
    rows = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    return Cells([headers, *rows])


def read(reader, cells: Cells) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    errors = InputErrors()
    frame = reader(cells, errors)
    errors.raise_if_any()
    return frame


def timed(label: str, fn, *args, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {best:8.3f} s  (best of {repeat})")
    return result


def main() -> None:
    a = Assumptions(plan_start=dt.date(2026, 4, 1), years=5)
    staff_raw, demand_raw, targets_raw = tables()
    staff_cells = as_cells(inputs.STAFF, staff_raw)
    print(f"workforce bench: {RECORDS:,} staff records, {ROLES} roles, {a.years}-year projection")
    staff = timed(
        "check and type 50,000 staff records (read_staff)", read, inputs.read_staff, staff_cells
    )
    demand = read(inputs.read_demand, as_cells(inputs.DEMAND, demand_raw))
    targets = read(inputs.read_targets, as_cells(inputs.TARGETS, targets_raw))

    def core() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        gap = engine.gap_by_role_and_skill(staff, demand, a)
        mix = engine.current_mix(staff, a)
        projection = engine.project(staff, demand, a)
        return gap, mix, projection

    gap, _, projection = timed("FTE, gaps, mix and five-year projection (aim <= 1 s)", core)
    result = timed(
        f"least-cost mix by LP, {ROLES} roles x {len(ContractType)} types x 5 years (<= 2 s)",
        engine.optimise_mix,
        staff,
        demand,
        targets,
        a,
    )
    # Issue 18: the 200 roles on the Pay sheet (a quarter of them), on-costs for every
    # record, the wage floor, and the least-cost mix over the whole 5 years.
    roles = sorted(set(staff["role"]))
    pay = PaySetup(
        schemes=default_schemes(),
        roles=pd.DataFrame(
            {
                "role": roles[::4],
                "band": "AfC Band 3 (0-2 years)",
                "annual_pay": 24937.0,
                "hours": 37.5,
                "scheme": "NHS Pension Scheme",
                "pay_basis": "AfC Band 3 (0-2 years) (2025/26)",
            }
        ),
    )
    budget = Assumptions(plan_start=dt.date(2026, 4, 1), years=5, budget_1=1e12)

    def issue_18() -> tuple[pd.DataFrame, pd.DataFrame, engine.OptimisedMix]:
        costed = engine.costed(staff, pay, a)
        floor = engine.wage_floor_check(staff, a, pay)
        mix = engine.optimise_mix(staff, demand, targets, budget, pay)
        return costed, floor, mix

    costed, floor, horizon = timed(
        "on-costs for every record, the wage floor and the 5-year LP (aim <= 3 s)", issue_18
    )
    tracemalloc.start()  # a run of its own: tracing slows Python's allocations down
    issue_18()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    parts = (
        ("  costing 50,000 records with their on-costs", engine.costed, (staff, pay, a)),
        ("  the wage-floor check", engine.wage_floor_check, (staff, a, pay)),
        (
            f"  the least-cost mix over 5 years, {ROLES} roles x {len(ContractType)} types",
            engine.optimise_mix,
            (staff, demand, targets, budget, pay),
        ),
    )
    for label, fn, args in parts:
        timed(label, fn, *args)
    strict = read(
        inputs.read_targets,
        Cells([inputs.TARGETS.headers, ["Minimum permanent share", None, None, 0.95]]),
    )
    conflict = timed(
        "an infeasible mix: finding the conflicting constraints",
        engine.optimise_mix,
        staff,
        demand,
        strict,
        a,
    )
    whole = timed(
        "the whole plan (adds targets, risks, diversity)",
        engine.plan,
        staff,
        demand,
        targets,
        a,
        repeat=1,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'records costed (with on-costs)':<58} {len(costed):8d}")
    print(f"{'rates below the wage floor':<58} {len(floor):8d}")
    print(
        f"{'5-year optimiser':<58} {'feasible' if horizon.feasible else 'infeasible'}: "
        f"£{horizon.annual_cost.sum():,.0f} over the plan"
    )
    print(f"{'peak traced Python memory, issue 18 part':<58} {traced / 2**20:8.0f} MB")
    print(f"{'gap rows (role x skill)':<58} {len(gap):8d}")
    print(f"{'projection rows (role x year)':<58} {len(projection):8d}")
    print(
        f"{'optimiser':<58} {'feasible' if result.feasible else 'infeasible'}: "
        f"£{result.weekly_cost:,.0f} a week"
    )
    print(f"{'conflicting constraints found':<58} {len(conflict.conflicts):8d}")
    print(f"{'risk flags':<58} {len(whole.risks):8d}")
    print(f"{'peak resident memory':<58} {peak:8.0f} MB")


if __name__ == "__main__":
    main()
