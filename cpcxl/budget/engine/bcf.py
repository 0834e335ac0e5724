"""The checks a Better Care Fund plan must pass, against the year's national requirements as
the officer entered them (BCF policy framework and planning requirements 2025 to 2026:
national condition 3, the NHS minimum contribution's ring-fenced spend, the Disabled
Facilities Grant passed to the housing authorities, and the planning template's scheme
types, lead commissioners and metrics). Each check gives located messages. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from cpcxl.common.errors import Location
from cpcxl.common.fields import year_label

from ..models import (
    ContributionKind,
    FundingSource,
    NationalRequirement,
    Requirement,
    Scheme,
    SpendArea,
)
from .arrangement import BudgetInputs

#: A difference of less than half a penny is no difference.
PENNY = 0.005


@dataclass(frozen=True)
class Finding:
    """One thing a check found wrong, where it is."""

    message: str
    location: Location | None = None
    valid: str = ""


@dataclass
class BcfCheck:
    """One of the plan's checks: what it checks, and what it found wrong (nothing: met)."""

    check: str
    rule: str  # the requirement and where it comes from
    findings: list[Finding] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.findings


@dataclass
class BcfResult:
    """A BCF plan's checks for its year, with the figures they were made from."""

    year: int | None
    requirements: list[NationalRequirement]
    checks: list[BcfCheck]
    #: source, income, expenditure, difference (income less expenditure)
    by_source: pd.DataFrame
    #: area, minimum, planned, headroom (planned less minimum)
    ring_fence: pd.DataFrame
    #: authority, allocation, passed, difference (passed less allocation)
    dfg: pd.DataFrame

    @property
    def met(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.checks for f in c.findings]


def _money(amount: float) -> str:
    return f"{'-' if amount < 0 else ''}£{abs(amount):,.2f}"


def income_by_source(inputs: BudgetInputs, projected: pd.DataFrame, year: int) -> pd.Series:
    """The plan year's cash by BCF funding source: each contribution series (partner, line,
    kind) takes the source of its latest row entered up to that year, so a projected year
    keeps the source; a row carried forward keeps its own."""
    c = inputs.contributions
    if "funding_source" not in c.columns:
        return pd.Series(dtype=float)
    carried_rows = (
        c["carried_forward"].astype(bool)
        if "carried_forward" in c.columns
        else pd.Series(False, index=c.index)
    )
    entered = c[(c["year"] <= year) & ~carried_rows]
    entered = entered.sort_values("year", kind="stable")
    source = entered.groupby(["partner", "line", "kind"])["funding_source"].last()
    mine = projected[projected["year"] == year]
    mine = mine[mine["kind"].astype(str) == ContributionKind.FINANCIAL.value]
    forward = mine["carried_forward"].astype(bool) if "carried_forward" in mine else False
    keys = pd.MultiIndex.from_arrays(
        [mine["partner"].astype(str), mine["line"].astype(str), mine["kind"].astype(str)]
    )
    sources = pd.Series(source.reindex(keys).to_numpy(), index=mine.index).fillna("")
    if "carried_forward" in c.columns and bool(pd.Series(forward).any()):
        carried = c[c["carried_forward"].astype(bool) & (c["year"] == year)]
        by_key = carried.groupby(["partner", "line"])["funding_source"].last()
        for i in mine.index[forward]:
            sources[i] = by_key.get((str(mine.at[i, "partner"]), str(mine.at[i, "line"])), "")
    amounts = mine["amount"].astype(float)
    return amounts[sources != ""].groupby(sources[sources != ""]).sum()


def check_bcf(inputs: BudgetInputs, projected: pd.DataFrame) -> BcfResult:
    """Every check of the plan, each with what it found wrong and where."""
    plan = inputs.bcf
    a = inputs.arrangement
    year_check = BcfCheck(
        "The year's national requirements are entered",
        "each requirement with its year and where it comes from, for one year of the "
        "arrangement (BCF planning requirements)",
    )
    years = [r.year for r in plan.requirements]
    year = max(set(years), key=years.count) if years else None
    if year is None:
        year_check.findings.append(
            Finding(
                "no national requirements are entered",
                inputs.where("requirements", None),
                "the NHS minimum contribution, the two ring-fenced minimums and each DFG "
                "allocation for the plan's year",
            )
        )
    for r in plan.requirements:
        if year is not None and r.year != year:
            year_check.findings.append(
                Finding(
                    f"this requirement is for {year_label(r.year)}, the others for "
                    f"{year_label(year)}",
                    inputs.where("requirements", r.row, "year"),
                    "one year's requirements",
                )
            )
    if year is not None and year not in a.year_list:
        year_check.findings.append(
            Finding(
                f"the plan's year {year_label(year)} is outside the arrangement",
                inputs.where("requirements", plan.requirements[0].row, "year"),
                f"{year_label(a.year_list[0])} to {year_label(a.year_list[-1])}",
            )
        )
    seen: dict[tuple[Requirement, str], int | None] = {}
    for r in plan.requirements:
        key = (r.requirement, r.authority or "")
        if key in seen:
            year_check.findings.append(
                Finding(
                    f"{r.requirement.value!r}"
                    + (f" for {r.authority!r}" if r.authority else "")
                    + f" is given twice (first at row {seen[key]})",
                    inputs.where("requirements", r.row, "requirement"),
                    "each requirement once",
                )
            )
        seen[key] = r.row
    checks = [year_check]
    plan_year = year if year is not None else a.first_year
    income = income_by_source(inputs, projected, plan_year)
    checks += _balance(inputs, income)
    minimums, ring = _ring_fence(inputs)
    checks.append(minimums)
    dfg_check, dfg = _dfg(inputs)
    checks.append(dfg_check)
    checks += _schemes(inputs)
    sources = [s.value for s in FundingSource]
    spend = _spend_by_source(plan.schemes)
    by_source = pd.DataFrame(
        {
            "source": sources,
            "income": [float(income.get(s, 0.0)) for s in sources],
            "expenditure": [float(spend.get(s, 0.0)) for s in sources],
        }
    )
    by_source["difference"] = by_source["income"] - by_source["expenditure"]
    return BcfResult(year, list(plan.requirements), checks, by_source, ring, dfg)


def _spend_by_source(schemes: Iterable[Scheme]) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in schemes:
        out[s.source.value] = out.get(s.source.value, 0.0) + s.amount
    return out


def _balance(inputs: BudgetInputs, income: pd.Series) -> list[BcfCheck]:
    """Income equals planned expenditure, in total and by funding source."""
    schemes = inputs.bcf.schemes
    spend = _spend_by_source(schemes)
    total = BcfCheck(
        "Income equals planned expenditure in total",
        "the plan spends all its income and no more (national condition 3, BCF policy "
        "framework 2025 to 2026)",
    )
    got, planned = float(income.sum()), sum(spend.values())
    if abs(got - planned) >= PENNY:
        total.findings.append(
            Finding(
                f"planned expenditure {_money(planned)} against income {_money(got)}: "
                f"{_money(abs(got - planned))} {'unplanned' if got > planned else 'unfunded'}",
                inputs.where("schemes", None, "amount"),
                "planned expenditure equal to the income from the Contributions table's "
                "funding sources",
            )
        )
    each = BcfCheck(
        "Income equals planned expenditure by funding source",
        "each source's income is planned, and only that (BCF planning template)",
    )
    first_row: dict[str, int | None] = {}
    for s in schemes:
        first_row.setdefault(s.source.value, s.row)
    for source in FundingSource:
        got_s, planned_s = float(income.get(source.value, 0.0)), spend.get(source.value, 0.0)
        if abs(got_s - planned_s) >= PENNY:
            row = first_row.get(source.value)
            each.findings.append(
                Finding(
                    f"{source.value}: income {_money(got_s)}, planned expenditure "
                    f"{_money(planned_s)} ({_money(abs(got_s - planned_s))} "
                    f"{'unplanned' if got_s > planned_s else 'unfunded'})",
                    inputs.where("schemes", row, "source")
                    if row is not None
                    else inputs.where("contributions", None, "funding_source"),
                    "the same amount in and out for each source",
                )
            )
    return [total, each]


def _requirement(inputs: BudgetInputs, which: Requirement) -> NationalRequirement | None:
    return next((r for r in inputs.bcf.requirements if r.requirement is which), None)


def _ring_fence(inputs: BudgetInputs) -> tuple[BcfCheck, pd.DataFrame]:
    """The NHS minimum contribution spent on adult social care and on NHS-commissioned
    out-of-hospital services is at least each ring-fenced minimum."""
    check = BcfCheck(
        "The NHS minimum contribution meets its ring-fenced minimums",
        "spend from the NHS minimum contribution on adult social care and on NHS-commissioned "
        "out-of-hospital services at least each minimum (national condition 3, BCF policy "
        "framework 2025 to 2026)",
    )
    rows = []
    nhs = [s for s in inputs.bcf.schemes if s.source is FundingSource.NHS_MINIMUM]
    for which, area in (
        (Requirement.ASC_MINIMUM, SpendArea.ADULT_SOCIAL_CARE),
        (Requirement.OUT_OF_HOSPITAL_MINIMUM, SpendArea.OUT_OF_HOSPITAL),
    ):
        required = _requirement(inputs, which)
        planned = sum(s.amount for s in nhs if s.area is area)
        if required is None:
            check.findings.append(
                Finding(
                    f"the {which.value} is not entered",
                    inputs.where("requirements", None, "requirement"),
                    f"the {which.value} for the area from the year's BCF allocations",
                )
            )
            rows.append([area.value, None, planned, None])
            continue
        rows.append([area.value, required.amount, planned, planned - required.amount])
        if planned + PENNY < required.amount:
            check.findings.append(
                Finding(
                    f"NHS minimum contribution spend on {area.value.lower()} is "
                    f"{_money(planned)}, {_money(required.amount - planned)} below the "
                    f"minimum of {_money(required.amount)}",
                    inputs.where("requirements", required.row, "amount"),
                    f"at least {_money(required.amount)} of NHS minimum contribution spend "
                    f"marked {area.value!r} on the BCF schemes sheet",
                )
            )
    minimum = _requirement(inputs, Requirement.NHS_MINIMUM)
    if minimum is not None:
        planned = sum(s.amount for s in nhs)
        rows.append(
            ["NHS minimum contribution (all)", minimum.amount, planned, planned - minimum.amount]
        )
        if planned + PENNY < minimum.amount:
            check.findings.append(
                Finding(
                    f"the plan spends {_money(planned)} of the NHS minimum contribution, "
                    f"below the {_money(minimum.amount)} to be pooled",
                    inputs.where("requirements", minimum.row, "amount"),
                    f"at least {_money(minimum.amount)} from the NHS minimum contribution",
                )
            )
    frame = pd.DataFrame(rows, columns=["area", "minimum", "planned", "headroom"])
    return check, frame


def _dfg(inputs: BudgetInputs) -> tuple[BcfCheck, pd.DataFrame]:
    """The Disabled Facilities Grant is passed in full to the housing authorities named."""
    check = BcfCheck(
        "The Disabled Facilities Grant is passed in full to the housing authorities",
        "each housing authority's DFG allocation passed to it in full (BCF policy framework; "
        "the DFG grant determination)",
    )
    allocations = [r for r in inputs.bcf.requirements if r.requirement is Requirement.DFG]
    schemes = [s for s in inputs.bcf.schemes if s.source is FundingSource.DFG]
    named = {r.authority for r in allocations if r.authority}
    rows = []
    for r in allocations:
        if not r.authority:
            check.findings.append(
                Finding(
                    "this DFG allocation names no housing authority",
                    inputs.where("requirements", r.row, "authority"),
                    "the housing authority the allocation is for",
                )
            )
            continue
        passed = sum(s.amount for s in schemes if s.authority == r.authority)
        rows.append([r.authority, r.amount, passed, passed - r.amount])
        if passed + PENNY < r.amount:
            check.findings.append(
                Finding(
                    f"{r.authority} is passed {_money(passed)} of its {_money(r.amount)} "
                    f"allocation: {_money(r.amount - passed)} short",
                    inputs.where("requirements", r.row, "amount"),
                    f"DFG schemes passing {_money(r.amount)} to {r.authority}",
                )
            )
    for s in schemes:
        if not s.authority:
            check.findings.append(
                Finding(
                    f"the DFG scheme {s.scheme!r} names no housing authority it is passed to",
                    inputs.where("schemes", s.row, "authority"),
                    ", ".join(sorted(named)) or "a housing authority",
                )
            )
        elif s.authority not in named:
            check.findings.append(
                Finding(
                    f"the DFG scheme {s.scheme!r} passes the grant to {s.authority!r}, which "
                    "has no DFG allocation entered",
                    inputs.where("schemes", s.row, "authority"),
                    ", ".join(sorted(named)) or "an authority with its allocation entered",
                )
            )
    frame = pd.DataFrame(rows, columns=["authority", "allocation", "passed", "difference"])
    return check, frame


def _schemes(inputs: BudgetInputs) -> list[BcfCheck]:
    """Every scheme has a scheme type from the national list and a lead commissioner, and
    is linked to at least one of the plan's metrics."""
    plan = inputs.bcf
    types = BcfCheck(
        "Every scheme has a scheme type from the national list and a lead commissioner",
        "the BCF planning template's scheme types (the list on the BCF scheme types sheet, "
        "updated each year) and each scheme's lead commissioner",
    )
    metrics = BcfCheck(
        "Every scheme is linked to at least one of the plan's metrics",
        "the plan's metrics (the national metrics of the year's planning requirements, and "
        "any local ones) on the BCF metrics sheet",
    )
    known = set(plan.scheme_types)
    plan_metrics = {m.metric for m in plan.metrics}
    if not plan.schemes:
        types.findings.append(
            Finding(
                "no schemes are entered",
                inputs.where("schemes", None),
                "each scheme's planned expenditure by funding source",
            )
        )
    if not known:
        types.findings.append(
            Finding(
                "the national list of scheme types is empty",
                inputs.where("scheme_types", None),
                "the scheme types of the year's BCF planning template",
            )
        )
    for s in plan.schemes:
        if s.scheme_type is None:
            types.findings.append(
                Finding(
                    f"the scheme {s.scheme!r} has no scheme type",
                    inputs.where("schemes", s.row, "scheme_type"),
                    "a scheme type from the BCF scheme types sheet",
                )
            )
        elif known and s.scheme_type not in known:
            types.findings.append(
                Finding(
                    f"{s.scheme_type!r} (scheme {s.scheme!r}) is not on the national list of "
                    "scheme types",
                    inputs.where("schemes", s.row, "scheme_type"),
                    "a scheme type from the BCF scheme types sheet (see its drop-down)",
                )
            )
        if s.commissioner is None:
            types.findings.append(
                Finding(
                    f"the scheme {s.scheme!r} has no lead commissioner",
                    inputs.where("schemes", s.row, "commissioner"),
                    "Local authority, NHS or Joint",
                )
            )
        if not s.metrics:
            metrics.findings.append(
                Finding(
                    f"the scheme {s.scheme!r} is linked to no metric",
                    inputs.where("schemes", s.row, "metrics"),
                    ", ".join(sorted(plan_metrics)) or "a metric from the BCF metrics sheet",
                )
            )
        for name in s.metrics:
            if name not in plan_metrics:
                metrics.findings.append(
                    Finding(
                        f"{name!r} (scheme {s.scheme!r}) is not one of the plan's metrics",
                        inputs.where("schemes", s.row, "metrics"),
                        ", ".join(sorted(plan_metrics)) or "a metric from the BCF metrics sheet",
                    )
                )
    return [types, metrics]
