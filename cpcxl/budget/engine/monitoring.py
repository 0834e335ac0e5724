"""Monitoring the impact: actuals against the budget, and the agreed indicators (CPC 509
C2-C5)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from cpcxl.common.errors import InputError

from ..models import Outcome
from .aggregation import JointBudget, ratio
from .arrangement import CASH
from .risk import RiskTerms, settle, year_weights


def monitor(
    budget: JointBudget, actuals: pd.DataFrame, terms: RiskTerms
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Actuals against the cash budget by line, year and partner, and the latest year's share.

    An actual with no partner is for the whole line (a pooled fund); with a partner, for that
    partner's part. The variance of the latest year with actuals is settled: in a pooled
    budget, each line's variance shared on the agreed terms; on an aligned line (CPC 509),
    each partner bears its own (its actuals less its own contributions), nothing shared, so
    there every actual must name its partner (:func:`cpcxl.budget.engine.check` says where).
    """
    columns = ["line", "year", "partner", "budget", "actual", "variance", "variance_share"]
    if actuals.empty:
        return pd.DataFrame(columns=columns), None
    a = actuals.assign(partner=actuals["partner"].fillna("").astype(str).str.strip())
    a = a.groupby(["line", "year", "partner"], as_index=False)["actual"].sum()
    detail = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    )
    whole = detail.groupby(["line", "year"])[CASH].sum()
    own = detail.set_index(["line", "year", "partner"])[CASH]
    a["budget"] = [
        own.get((line, year, partner), 0.0) if partner else whole.get((line, year), 0.0)
        for line, year, partner in a[["line", "year", "partner"]].itertuples(index=False)
    ]
    a["variance"] = a["actual"] - a["budget"]
    a["variance_share"] = ratio(a["variance"], a["budget"])
    a["partner"] = a["partner"].replace("", "All partners")
    order = {line: i for i, line in enumerate(budget.lines)}
    a = a.sort_values(["year", "line"], key=lambda s: s.map(order) if s.name == "line" else s)
    latest = int(a["year"].max())
    year = a.loc[a["year"] == latest]
    aligned = year["line"].map(terms.is_aligned).astype(bool)
    if (aligned & (year["partner"] == "All partners")).any():
        raise InputError(
            "an aligned budget's actuals must say whose budget they are",
            valid="a partner for every actual",
        )
    own = year.loc[aligned].groupby("partner")["variance"].sum()
    line_variance = year.loc[~aligned].groupby("line")["variance"].sum()
    settlement = settle(year_weights(budget, latest), line_variance, own, terms)
    settlement.attrs["year"] = latest
    return a[columns], settlement


def by_partner(budget: JointBudget, monitoring: pd.DataFrame) -> pd.DataFrame:
    """Actuals against budget by line and partner: a pooled line's spend is attributed to the
    partners in proportion to their cash in that line and year (an aligned one is already)."""
    columns = ["line", "year", "partner", "budget", "actual", "variance"]
    if monitoring.empty:
        return pd.DataFrame(columns=columns)
    pooled = monitoring[monitoring["partner"] == "All partners"]
    aligned = monitoring.loc[monitoring["partner"] != "All partners", columns]
    cash = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    )[["line", "year", "partner", CASH]]
    merged = pooled[["line", "year", "budget", "actual"]].merge(
        cash, on=["line", "year"], how="inner"
    )
    fraction = ratio(merged[CASH], merged["budget"]).fillna(0.0)
    attributed = pd.DataFrame(
        {
            "line": merged["line"],
            "year": merged["year"],
            "partner": merged["partner"],
            "budget": merged[CASH],
            "actual": merged["actual"] * fraction,
        }
    )
    attributed = attributed[attributed["budget"] != 0]
    attributed["variance"] = attributed["actual"] - attributed["budget"]
    out = pd.concat([attributed, aligned], ignore_index=True)
    line_order = {line: i for i, line in enumerate(budget.lines)}
    partner_order = {p: i for i, p in enumerate(budget.partners)}
    out = out.assign(
        _l=out["line"].map(line_order), _p=out["partner"].map(partner_order)
    ).sort_values(["year", "_l", "_p"])
    return out[columns].reset_index(drop=True)


def indicator_progress(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Each agreed indicator: how far from baseline to target the latest actual has come."""
    rows = []
    for o in outcomes:
        progress = None
        if None not in (o.baseline, o.target, o.actual) and o.target != o.baseline:
            progress = (o.actual - o.baseline) / (o.target - o.baseline)  # type: ignore[operator]
        rows.append(
            {
                "partner": o.partner,
                "outcome": o.outcome,
                "indicator": o.indicator,
                "baseline": o.baseline,
                "target": o.target,
                "actual": o.actual,
                "progress": progress,
            }
        )
    columns = ["partner", "outcome", "indicator", "baseline", "target", "actual", "progress"]
    return pd.DataFrame(rows, columns=columns)
