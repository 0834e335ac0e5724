"""The joint budget: each partner's cash and in kind, and its share, at every level; what the
budget does for each partner's outcomes; and the benefit of pooling (CPC 509 B4, B6-B8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError

from ..models import ContributionKind, Outcome
from .arrangement import CARRIED, CASH, IN_KIND


@dataclass
class JointBudget:
    """The joint budget with each partner's contribution and share at every level."""

    #: line, year, partner, cash, in_kind, carried_forward (of the cash, what last year's
    #: underspend carried forward): the finest level, one row per cell of the budget
    detail: pd.DataFrame
    partners: list[str]
    lines: list[str]
    years: list[int]

    def by(self, *levels: str) -> pd.DataFrame:
        """Cash and in-kind summed to ``levels`` (e.g. "partner", "year"), with shares.

        ``cash_share`` is the partner's part of the cash at the same level without the
        partner (its share of that line-year, year, line or the whole); ``share`` is the same
        for cash and in kind together.
        """
        amounts = [c for c in (CASH, IN_KIND, CARRIED) if c in self.detail.columns]
        grouped = self.detail.groupby(list(levels), observed=True, sort=False)[amounts].sum()
        grouped["total"] = grouped[CASH] + grouped[IN_KIND]
        if "partner" in levels:
            outer = [lv for lv in levels if lv != "partner"]
            if outer:
                level_totals = grouped.groupby(level=outer, observed=True, sort=False)[
                    [CASH, "total"]
                ].transform("sum")
            else:
                whole = grouped[[CASH, "total"]].sum()
                level_totals = pd.DataFrame(
                    {CASH: whole[CASH], "total": whole["total"]}, index=grouped.index
                )
            grouped["cash_share"] = ratio(grouped[CASH], level_totals[CASH])
            grouped["share"] = ratio(grouped["total"], level_totals["total"])
        return grouped.sort_index()

    def pivot(self, index: Sequence[str], values: str = CASH) -> pd.DataFrame:
        """``values`` by ``index`` with one column per partner, in the partners' order."""
        table = self.detail.pivot_table(
            index=list(index), columns="partner", values=values, aggfunc="sum", observed=True
        )
        return table.reindex(columns=self.partners).fillna(0.0)

    @property
    def total_cash(self) -> float:
        return float(self.detail[CASH].sum())

    @property
    def total_in_kind(self) -> float:
        return float(self.detail[IN_KIND].sum())


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denominator.to_numpy() != 0, numerator / denominator, np.nan)
    return pd.Series(values, index=numerator.index)


def joint_budget(
    projected: pd.DataFrame, partners: Sequence[str], lines: Sequence[str], years: Sequence[int]
) -> JointBudget:
    """Cash and in-kind apart for every line, year and partner, in the order they were listed."""
    is_cash = (projected["kind"] == ContributionKind.FINANCIAL.value).to_numpy()
    amount = projected["amount"].to_numpy()
    carried = (
        projected["carried_forward"].to_numpy(dtype=bool)
        if "carried_forward" in projected.columns
        else np.zeros(len(projected), dtype=bool)
    )
    frame = pd.DataFrame(
        {
            "line": pd.Categorical(projected["line"], categories=list(lines)),
            "year": pd.Categorical(projected["year"], categories=list(years)),
            "partner": pd.Categorical(projected["partner"], categories=list(partners)),
            CASH: np.where(is_cash, amount, 0.0),
            IN_KIND: np.where(is_cash, 0.0, amount),
            CARRIED: np.where(is_cash & carried, amount, 0.0),
        }
    )
    detail = (
        frame.groupby(["line", "year", "partner"], observed=True, sort=True)[
            [CASH, IN_KIND, CARRIED]
        ]
        .sum()
        .reset_index()
    )
    return JointBudget(detail, list(partners), list(lines), list(years))


def outcomes_served(budget: JointBudget, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """For each partner's outcome: the joint budget on its lines and the partner's own part."""
    per_line = budget.by("line", "partner")["total"]
    line_total = budget.by("line")["total"]
    rows = []
    for o in outcomes:
        lines = [line for line in o.lines if line in line_total.index]
        joint = float(line_total.reindex(lines).sum())
        own = float(sum(per_line.get((line, o.partner), 0.0) for line in lines))
        rows.append(
            {
                "partner": o.partner,
                "outcome": o.outcome,
                "indicator": o.indicator,
                "lines": "; ".join(o.lines),
                "joint_budget": joint,
                "own_contribution": own,
                "others_contribution": joint - own,
            }
        )
    columns = [
        "partner",
        "outcome",
        "indicator",
        "lines",
        "joint_budget",
        "own_contribution",
        "others_contribution",
    ]
    return pd.DataFrame(rows, columns=columns)


def pooling_benefit(
    budget: JointBudget, standalone: pd.DataFrame, years: Sequence[int]
) -> pd.DataFrame:
    """What each partner would spend alone on lines against what it puts in jointly (CPC 509 B4).

    A stand-alone cost with no year applies to every year of the arrangement. The saving is
    the stand-alone cost less the partner's contribution (cash and in kind) to the same lines
    in the same years.
    """
    columns = ["partner", "standalone_cost", "joint_contribution", "saving", "saving_share"]
    if standalone.empty:
        return pd.DataFrame(columns=columns)
    frame = standalone[["partner", "line", "year", "cost"]].copy()
    every = frame["year"].isna()
    if every.any():
        spread = frame.loc[every].merge(pd.DataFrame({"every_year": list(years)}), how="cross")
        spread["year"] = spread.pop("every_year")
        frame = pd.concat([frame.loc[~every], spread], ignore_index=True)
    frame["year"] = frame["year"].astype("int64")
    alone = frame.groupby(["partner", "line", "year"])["cost"].sum()
    detail = budget.detail.assign(
        partner=budget.detail["partner"].astype(str),
        line=budget.detail["line"].astype(str),
        year=budget.detail["year"].astype("int64"),
    ).set_index(["partner", "line", "year"])
    joint = (detail[CASH] + detail[IN_KIND]).reindex(alone.index).fillna(0.0)
    result = pd.DataFrame({"standalone_cost": alone, "joint_contribution": joint})
    result = result.groupby(level="partner").sum().reindex(budget.partners).dropna()
    result["saving"] = result["standalone_cost"] - result["joint_contribution"]
    result["saving_share"] = ratio(result["saving"], result["standalone_cost"])
    return result.reset_index()[columns]


def pool_shares(amounts: np.ndarray) -> np.ndarray:
    """Each amount's share of the total of the amounts (NaN, a blank, stays NaN).

    share_i = amount_i / Σ amounts. 300, 200 and 500 are 30%, 20% and 50% of 1,000.
    """
    total = np.nansum(amounts)
    if total == 0:
        raise InputError(
            "the amounts add up to £0, so there are no shares",
            valid="amounts with a total other than zero",
        )
    return np.asarray(amounts, dtype=float) / total


SUMMARY_COLUMNS = ["partner", CASH, IN_KIND, "total", "cash_share", "share"]


def pool_summary(contributions: pd.DataFrame) -> pd.DataFrame:
    """Each partner's cash, in kind, total and shares of a long table (partner, kind, amount),
    partners in the order they first appear, and a last row "Total".

    cash_share = the partner's cash / all cash; share = its cash and in kind / everything.
    NHS 600 + 200 cash and a Council 300 + 100 give 800 and 400 of 1,200: ⅔ and ⅓.
    """
    is_cash = contributions["kind"].map(lambda k: ContributionKind(k).is_cash).astype(bool)
    amount = contributions["amount"].astype(float)
    frame = pd.DataFrame(
        {
            "partner": contributions["partner"].astype(str),
            CASH: amount.where(is_cash, 0.0),
            IN_KIND: amount.where(~is_cash, 0.0),
        }
    )
    out = frame.groupby("partner", sort=False)[[CASH, IN_KIND]].sum().reset_index()
    out["total"] = out[CASH] + out[IN_KIND]
    total_cash, total = float(out[CASH].sum()), float(out["total"].sum())
    out["cash_share"] = out[CASH] / total_cash if total_cash else np.nan
    out["share"] = out["total"] / total if total else np.nan
    last = pd.DataFrame(
        [["Total", total_cash, total - total_cash, total, 1.0, 1.0]], columns=SUMMARY_COLUMNS
    )
    return pd.concat([out[SUMMARY_COLUMNS], last], ignore_index=True)
