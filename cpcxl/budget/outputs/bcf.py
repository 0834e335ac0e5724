"""The BCF checks sheet: the year's national requirements as the officer entered them (each
with its year and source), every check met or not with its located messages, and the figures
the checks were made from."""

from __future__ import annotations

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import SheetOutput

from ..engine import BudgetResult
from .cells import GBP, block, heading, money, place

BCF = "BCF checks"


def bcf_sheet(result: BudgetResult) -> SheetOutput:
    r = result.bcf
    assert r is not None, "the BCF checks are for a Better Care Fund plan"
    year = year_label(r.year) if r.year is not None else "no year entered"
    met = sum(c.met for c in r.checks)
    summary = block(
        "The checks",
        ["Check", "Result", "What it checks"],
        [[c.check, "Met" if c.met else "Not met", c.rule] for c in r.checks],
        {},
        {(i + 1, 1): formats.GREEN if c.met else formats.RED for i, c in enumerate(r.checks)},
    )
    findings = block(
        "What is not met, and where",
        ["Where", "Check", "What is wrong", "What would meet it"],
        [[str(f.location or ""), c.check, f.message, f.valid] for c in r.checks for f in c.findings]
        or [["", "", "every check is met", ""]],
        {},
    )
    requirements = block(
        f"The national requirements for {year}, as entered (update them each year)",
        ["Requirement", "Housing authority", "Amount £", "Year", "Source"],
        [
            [
                q.requirement.value,
                q.authority or "",
                money(q.amount),
                year_label(q.year),
                q.source,
            ]
            for q in r.requirements
        ],
        {2: GBP},
    )
    by_source = block(
        "Income and planned expenditure by funding source",
        ["Funding source", "Income £", "Planned expenditure £", "Difference £"],
        [
            [x.source, money(x.income), money(x.expenditure), money(x.difference)]
            for x in r.by_source.itertuples(index=False)
        ],
        {1: GBP, 2: GBP, 3: GBP},
        {
            (i + 1, 3): formats.RED
            for i, x in enumerate(r.by_source.itertuples(index=False))
            if abs(x.difference) >= 0.005
        },
    )
    ring = block(
        "The NHS minimum contribution's ring-fenced spend",
        ["Spend", "Minimum £", "Planned £", "Headroom £"],
        [
            [x.area, money(x.minimum), money(x.planned), money(x.headroom)]
            for x in r.ring_fence.itertuples(index=False)
        ],
        {1: GBP, 2: GBP, 3: GBP},
        {
            (i + 1, 3): formats.RED
            for i, x in enumerate(r.ring_fence.itertuples(index=False))
            if x.headroom == x.headroom and x.headroom is not None and x.headroom < -0.005
        },
    )
    dfg = block(
        "The Disabled Facilities Grant, by housing authority",
        ["Housing authority", "Allocation £", "Passed to it £", "Difference £"],
        [
            [x.authority, money(x.allocation), money(x.passed), money(x.difference)]
            for x in r.dfg.itertuples(index=False)
        ],
        {1: GBP, 2: GBP, 3: GBP},
    )
    note = (
        f"{met} of {len(r.checks)} checks met for {year}. The requirements are the figures "
        "entered on the BCF requirements sheet from the year's BCF allocations and planning "
        "requirements: check them against the year's publications."
    )
    return SheetOutput(
        BCF,
        [
            heading(f"Better Care Fund plan checks: {result.inputs.arrangement.name}", note),
            *place([summary, findings, requirements, by_source, ring, dfg]),
        ],
        widths={"A": 44, "B": 34, "C": 50, "D": 40, "E": 60},
    )
