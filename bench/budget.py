"""Benchmark: 50 partners × 500 lines × 10 years of contributions (250,000 rows).

Times aggregation (the joint budget with every share), projection (conditions applied) and
risk share (every basis on one year's variance, per line) together, and prints peak memory.
Run: .venv/bin/python bench/budget.py
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from cpcxl.budget import engine
from cpcxl.budget.models import Change, Condition, RiskBasis

PARTNERS, LINES, YEARS = 50, 500, 10
FIRST_YEAR = 2025


def contributions(rng: np.random.Generator, years_entered: int) -> pd.DataFrame:
    partners = [f"Partner {i:02d}" for i in range(PARTNERS)]
    lines = [f"Line {j:03d}" for j in range(LINES)]
    years = list(range(FIRST_YEAR, FIRST_YEAR + years_entered))
    p, line, y = np.meshgrid(np.arange(PARTNERS), np.arange(LINES), years, indexing="ij")
    n = p.size
    # Four lines in five are cash, the rest staff in kind, the same kind every year.
    in_kind = rng.random((PARTNERS, LINES)) < 0.2
    kinds = np.where(in_kind[p.ravel(), line.ravel()], "Staff", "Financial")
    return pd.DataFrame(
        {
            "partner": np.array(partners, dtype=object)[p.ravel()],
            "line": np.array(lines, dtype=object)[line.ravel()],
            "year": y.ravel().astype(np.int64),
            "kind": kinds,
            "amount": rng.uniform(1_000, 250_000, n).round(2),
            "reduction": np.zeros(n, dtype=bool),
        }
    )


def conditions(partners: list[str]) -> list[Condition]:
    out = []
    for i, partner in enumerate(partners):
        out.append(
            Condition(
                partner=partner,
                change=Change.UPLIFT,
                value=0.02 + i / 5000,
                from_year=FIRST_YEAR + 1,
            )
        )
        if i % 5 == 0:
            out.append(
                Condition(
                    partner=partner, change=Change.CAP, value=60_000_000, from_year=FIRST_YEAR + 3
                )
            )
    return out


def run(frame: pd.DataFrame, label: str) -> None:
    partners = [f"Partner {i:02d}" for i in range(PARTNERS)]
    lines = [f"Line {j:03d}" for j in range(LINES)]
    years = list(range(FIRST_YEAR, FIRST_YEAR + YEARS))
    conds = conditions(partners)
    terms = engine.RiskTerms(
        host=partners[0],
        fixed_shares={p: 1 / PARTNERS for p in partners},
        caps={p: 50_000 for p in partners[:10]},
        leads={line: partners[j % PARTNERS] for j, line in enumerate(lines)},
        excluded=frozenset(lines[:25]),
    )
    rng = np.random.default_rng(7)
    variance = pd.Series(rng.normal(0, 20_000, LINES).round(2), index=lines)

    def work() -> tuple[list[float], pd.DataFrame, list[pd.DataFrame], dict]:
        start = time.perf_counter()
        projected = engine.project(frame, conds, partners, years)
        t_project = time.perf_counter()
        budget = engine.joint_budget(projected, partners, lines, years)
        levels = [
            ("partner",),
            ("year", "partner"),
            ("line", "partner"),
            ("line", "year", "partner"),
        ]
        by_level = [budget.by(*level) for level in levels]
        t_aggregate = time.perf_counter()
        weights = engine.year_weights(budget, FIRST_YEAR + YEARS - 1)
        settlements = {
            basis: engine.share_risk(
                weights, variance, engine.RiskTerms(**{**terms.__dict__, "basis": basis})
            )
            for basis in RiskBasis
        }
        end = time.perf_counter()
        times = [t_project - start, t_aggregate - t_project, end - t_aggregate, end - start]
        return times, projected, by_level, settlements

    runs = [work() for _ in range(3)]  # the machine is shared: report the best and the worst
    best = min(runs, key=lambda r: r[0][3])
    worst = max(r[0][3] for r in runs)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    times, projected, by_level, settlements = best
    expected = int(engine.to_pence(variance.to_numpy()).sum())
    assert all(int(s["pence"].sum()) == expected for s in settlements.values())
    print(
        f"{label}: {len(frame):,} input rows -> {len(projected):,} projected rows, "
        f"{len(by_level[-1]):,} line × year × partner cells"
    )
    print(f"  projection          {times[0]:7.3f} s")
    print(f"  aggregation         {times[1]:7.3f} s  (4 levels with shares)")
    print(
        f"  risk share          {times[2]:7.3f} s  ({len(settlements)} bases, "
        f"{LINES} lines, exact to the penny)"
    )
    print(
        f"  total               {times[3]:7.3f} s  best of 3 (worst {worst:.3f} s; "
        "aim: 1 s or less)"
    )
    print(f"  peak traced memory  {peak / 1e6:7.1f} MB  (Python allocations during one run)")


def main() -> None:
    rng = np.random.default_rng(2025)
    print(
        f"cpcxl budget benchmark: {PARTNERS} partners × {LINES} lines × {YEARS} years "
        f"(python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__})"
    )
    run(contributions(rng, YEARS), "every year entered")
    run(contributions(rng, 1), "first year entered, nine projected")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
