"""Benchmark: 50 partners × 500 lines × 10 years of contributions (250,000 rows), and in-year
monitoring of 50 partners × 500 lines × 12 months (300,000 actual cells).

Times aggregation (the joint budget with every share), projection (conditions applied) and
risk share (every basis on one year's variance, per line) together; then the month-end
position (every unit's forecast as at each period, each partner's share of the forecast
variance now and last period, carry-forward, payments) and the report sheet's data (issue
14: 1 s or less), and prints peak memory (tracemalloc and the process's resident set).
Run: .venv/bin/python bench/budget.py
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from types import SimpleNamespace

import numpy as np
import pandas as pd

from cpcxl.budget import engine, outputs
from cpcxl.budget.models import (
    Arrangement,
    ArrangementKind,
    Change,
    Condition,
    ForecastMethod,
    ForecastRule,
    InYear,
    Line,
    Partner,
    PartnerType,
    Payment,
    PeriodKind,
    RiskBasis,
    UnderspendUse,
)

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


def in_year_inputs(rng: np.random.Generator) -> engine.BudgetInputs:
    """A pooled fund of 50 partners and 500 lines for a year: every partner puts cash into
    every line; 25 lines are kept out of the risk share and 50 are aligned; actuals by line
    and partner for all twelve months (300,000 cells); a fifth of the lines at their run
    rate, a tenth on one of five profiles, ten overridden; quarterly payments."""
    partners = [f"Partner {i:02d}" for i in range(PARTNERS)]
    lines = [f"Line {j:03d}" for j in range(LINES)]
    frame = contributions(rng, 1)
    frame["kind"] = "Financial"
    actual = frame["amount"].to_numpy()[:, None] * rng.uniform(0.06, 0.1, (len(frame), 12))
    actuals = pd.DataFrame(
        {
            "line": frame["line"].to_numpy(),
            "partner": frame["partner"].to_numpy(),
            "kind": "Financial",
            **{f"p{m + 1}": actual[:, m].round(2) for m in range(12)},
            "commitments": 0.0,
        }
    )
    profiles = {f"Profile {k}": (rng.uniform(1, 3, 12), 5 + k) for k in range(5)}
    rules = [
        ForecastRule(line=line, partner=partner, method=ForecastMethod.RUN_RATE)
        for j, line in enumerate(lines)
        if j % 5 == 0
        for partner in partners
    ]
    rules += [
        ForecastRule(line=line, partner=partner, profile=f"Profile {j % 5}")
        for j, line in enumerate(lines)
        if j % 10 == 1
        for partner in partners
    ]
    rules += [
        ForecastRule(line=lines[j], partner=partners[0], override=1_000_000.0, reason="bench")
        for j in range(2, 500, 50)
    ]
    payments = [
        Payment(partner=p, period=q, due=1_000_000.0, paid=1_000_000.0 if q < 4 else None)
        for p in partners
        for q in (1, 4, 7, 10)
    ]
    return engine.BudgetInputs(
        arrangement=Arrangement(
            name="Bench pool",
            first_year=FIRST_YEAR,
            years=2,
            host=partners[0],
            basis=RiskBasis.PRO_RATA,
            underspend_basis=RiskBasis.PRO_RATA_PER_LINE,
            underspend_use=UnderspendUse.CARRIED_FORWARD,
        ),
        partners=[Partner(name=p, type=PartnerType.STATUTORY) for p in partners],
        lines=[
            Line(
                name=line,
                excluded=j < 25,
                kind=ArrangementKind.ALIGNED if 25 <= j < 75 else None,
            )
            for j, line in enumerate(lines)
        ],
        contributions=frame,
        in_year=engine.InYearInputs(
            settings=InYear(year=FIRST_YEAR, periods=PeriodKind.MONTHLY, period=12),
            actuals=actuals,
            rules=rules,
            profiles=profiles,
            payments=payments,
        ),
    )


def run_in_year(inputs: engine.BudgetInputs) -> None:
    a = inputs.arrangement
    partners, lines, years = inputs.partner_names, inputs.line_names, a.year_list
    budget = engine.joint_budget(
        engine.project(inputs.contributions, [], partners, years), partners, lines, years
    )
    terms = engine.RiskTerms.from_inputs(inputs)

    def work(period: int) -> tuple[float, float, engine.InYearResult, int]:
        start = time.perf_counter()
        result = engine.in_year(inputs, budget, terms, period)
        middle = time.perf_counter()
        shell = SimpleNamespace(inputs=inputs, in_year=result)
        sheet = outputs.report_sheet(shell)  # type: ignore[arg-type]
        cells = sum(len(r) for b in sheet.blocks for r in b.values)
        return middle - start, time.perf_counter() - middle, result, cells

    cells = int(inputs.in_year.actuals[[f"p{m}" for m in range(1, 13)]].notna().to_numpy().sum())
    print(
        f"in-year monitoring: {PARTNERS} partners × {LINES} lines × 12 months = {cells:,} actual "
        f"cells, {len(inputs.in_year.rules):,} forecast rules"
    )
    for period in (12, 6):
        runs = [work(period) for _ in range(3)]
        best = min(runs, key=lambda r: r[0] + r[1])
        worst = max(r[0] + r[1] for r in runs)
        tracemalloc.start()
        work(period)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        forecast, report, result, sheet_cells = best
        # The pooled lines' settlement adds up exactly to their variances, to the penny.
        pooled = result.lines[result.lines["kind"] == "Pooled"]
        settled = result.settlement["shared_pence"] + result.settlement["excluded_pence"]
        assert int(settled.sum()) == int(engine.to_pence(pooled["variance"].to_numpy()).sum())
        print(f"  as at period {period:>2}: {len(result.units):,} units")
        print(f"    forecast and shares {forecast:7.3f} s  (every period, now and last period)")
        print(f"    report sheet data   {report:7.3f} s  ({sheet_cells:,} cells)")
        print(
            f"    total               {forecast + report:7.3f} s  best of 3 (worst {worst:.3f} s; "
            "aim: 1 s or less)"
        )
        print(f"    peak traced memory  {peak / 1e6:7.1f} MB")


def main() -> None:
    rng = np.random.default_rng(2025)
    print(
        f"cpcxl budget benchmark: {PARTNERS} partners × {LINES} lines × {YEARS} years "
        f"(python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__})"
    )
    run(contributions(rng, YEARS), "every year entered")
    run(contributions(rng, 1), "first year entered, nine projected")
    run_in_year(in_year_inputs(rng))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
