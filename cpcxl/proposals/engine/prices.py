"""Real and nominal prices, and what the chosen proposals cost in cash each year.

HM Treasury, *The Green Book* (2022), chapter 5, "Adjustments for inflation": the appraisal
is in real prices of a base year, general inflation removed with the GDP deflator; beyond
the forecast the deflator grows at the rate of its final year. The affordability view is the
other way round: what the proposals will cost in cash (nominal) in each financial year,
with optimism bias and contingency, against each year's budget (the Financial Case of the
Five Case Model, Green Book 2022, chapter 3; CPC 506 A and C).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..models import DeflatorSeries, Prices, Proposal, year_text
from .appraisal import optimism_bias
from .figures import money

#: The lines of a proposal's yearly amounts, as Proposal names them.
LINES = ("capital", "revenue", "cash_releasing", "social_value", "health_benefits")


def price_factors(
    proposal: Proposal, first_year: int, base_year: int, deflators: DeflatorSeries
) -> np.ndarray:
    """What each year's amount is multiplied by to be in real prices of ``base_year``.

    Nominal: D(base) / D(year), the year being year 0's financial year plus t. Real in the
    prices of P: D(base) / D(P), the same every year (rebasing)."""
    years = np.arange(proposal.years)
    base = deflators.at(base_year)
    if proposal.prices == Prices.NOMINAL:
        return np.array([base / deflators.at(first_year + int(t)) for t in years])
    own = proposal.price_year if proposal.price_year is not None else base_year
    return np.full(len(years), base / deflators.at(own))


def needs_conversion(proposal: Proposal, base_year: int | None) -> bool:
    return proposal.prices == Prices.NOMINAL or (
        proposal.price_year is not None and proposal.price_year != base_year
    )


def in_real_prices(
    proposals: Sequence[Proposal],
    first_year: int | None,
    base_year: int | None,
    deflators: DeflatorSeries | None,
) -> list[Proposal]:
    """Each proposal with its amounts in real prices of the base year (one already in them
    is returned as it is, so its figures are exactly as entered)."""
    out = []
    for p in proposals:
        if not needs_conversion(p, base_year):
            out.append(p)
            continue
        assert first_year is not None and base_year is not None and deflators is not None
        factors = price_factors(p, first_year, base_year, deflators)
        update = {
            name: tuple(float(v) for v in np.asarray(p.line(name)) * factors)
            for name in LINES
            if getattr(p, name)
        }
        out.append(p.model_copy(update={**update, "prices": Prices.REAL, "price_year": base_year}))
    return out


def cash_factors(
    proposal: Proposal, first_year: int, base_year: int | None, deflators: DeflatorSeries
) -> np.ndarray:
    """What each year's amount as entered is multiplied by to be in cash: 1 for nominal
    figures; D(year) / D(P) for real figures in the prices of P."""
    if proposal.prices == Prices.NOMINAL:
        return np.ones(proposal.years)
    own = proposal.price_year if proposal.price_year is not None else base_year
    assert own is not None
    return np.array(
        [deflators.at(first_year + t) / deflators.at(own) for t in range(proposal.years)]
    )


@dataclass(frozen=True)
class AffordableYear:
    """One financial year of the chosen proposals' cash costs against its budget."""

    year: int  # years from year 0
    financial_year: int
    cost: float  # cash, before optimism bias and contingency
    optimism_bias: float
    contingency: float
    budget: float | None

    @property
    def total(self) -> float:
        return self.cost + self.optimism_bias + self.contingency

    @property
    def gap(self) -> float | None:
        """Budget less cash cost: negative is a shortfall."""
        return None if self.budget is None else self.budget - self.total

    def named(self) -> str:
        label = year_text(self.financial_year)
        if self.gap is None:
            return f"{label}: no budget given; cash cost {money(self.total)}"
        if self.gap < -0.5:
            return (
                f"{label}: short by {money(-self.gap)} (cash cost {money(self.total)} against "
                f"a budget of {money(self.budget or 0)})"
            )
        return f"{label}: affordable, {money(self.gap)} to spare"


@dataclass
class Affordability:
    """The chosen proposals' cash costs by financial year, against the budget."""

    chosen: list[str]
    chosen_from: str  # "the chosen portfolio" or "the accepted proposals"
    years: list[AffordableYear]
    by_proposal: dict[str, list[float]] = field(default_factory=dict)  # cash, all in

    @property
    def gaps(self) -> list[AffordableYear]:
        return [y for y in self.years if y.gap is not None and y.gap < -0.5]

    def summary(self) -> str:
        if not self.chosen:
            return f"No proposals in {self.chosen_from}, so nothing to afford."
        if not any(y.budget is not None for y in self.years):
            return "No budget was given: the cash costs are shown without one to compare."
        if not self.gaps:
            return f"{self.chosen_from.capitalize()} is affordable in cash in every budget year."
        worst = min(self.gaps, key=lambda y: y.gap or 0.0)
        return (
            f"{self.chosen_from.capitalize()} is short of budget in {len(self.gaps)} year"
            f"{'s' if len(self.gaps) > 1 else ''}; the largest gap is "
            f"{worst.named()}."
        )


def affordability(
    proposals: Sequence[Proposal],
    chosen: Sequence[str],
    chosen_from: str,
    budgets: Sequence[float] | None,
    first_year: int,
    base_year: int | None,
    deflators: DeflatorSeries,
) -> Affordability:
    """Cash cost by financial year of the chosen proposals, with optimism bias (capital and
    operating bounds, on positive costs, as in the appraisal) and each proposal's
    contingency (on positive costs), against each year's budget (from year 0)."""
    by_id = {p.id: p for p in proposals}
    picked = [by_id[i] for i in chosen if i in by_id]
    horizon = max([p.years for p in picked] + [len(budgets or [])] + [0])
    base_cost = np.zeros(horizon)
    bias = np.zeros(horizon)
    contingency = np.zeros(horizon)
    detail: dict[str, list[float]] = {}
    for p in picked:
        cash = cash_factors(p, first_year, base_year, deflators)
        capital = np.asarray(p.line("capital")) * cash
        revenue = np.asarray(p.line("revenue")) * cash
        positive = np.clip(capital, 0, None) + np.clip(revenue, 0, None)
        uplift = np.clip(capital, 0, None) * optimism_bias(p.project_type, p.mitigation)
        uplift += np.clip(revenue, 0, None) * optimism_bias(
            p.project_type, p.mitigation, operating=True
        )
        extra = positive * p.contingency
        n = p.years
        base_cost[:n] += capital + revenue
        bias[:n] += uplift
        contingency[:n] += extra
        detail[p.id] = [float(v) for v in capital + revenue + uplift + extra]
    years = [
        AffordableYear(
            t,
            first_year + t,
            float(base_cost[t]),
            float(bias[t]),
            float(contingency[t]),
            float(budgets[t]) if budgets is not None and t < len(budgets) else None,
        )
        for t in range(horizon)
        if t < len(budgets or []) or base_cost[t] or bias[t] or contingency[t]
    ]
    return Affordability(list(chosen), chosen_from, years, detail)
