"""The whole budget: everything the Build budget button and the partner statements show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cpcxl.common.errors import InputError

from ..models import RiskBasis
from .aggregation import JointBudget, joint_budget, outcomes_served, pooling_benefit
from .arrangement import BudgetInputs
from .bcf import BcfResult, check_bcf
from .checks import check
from .inyear import InYearResult, in_year, settled_at_terms
from .monitoring import by_partner, indicator_progress, monitor
from .projection import project
from .risk import RiskTerms, tested_exposure


@dataclass
class BudgetResult:
    """Everything the Build budget button and the partner statements show."""

    inputs: BudgetInputs
    projected: pd.DataFrame
    budget: JointBudget
    exposure: pd.DataFrame  # per partner: settlement of the test variance on the agreed basis
    exposure_by_basis: pd.DataFrame  # partners × bases, £ (an aligned budget: if it were pooled)
    outcomes: pd.DataFrame
    pooling: pd.DataFrame
    monitoring: pd.DataFrame
    monitoring_by_partner: pd.DataFrame
    actual_settlement: pd.DataFrame | None
    indicators: pd.DataFrame
    #: the in-year position (when there are actuals by period or payments)
    in_year: InYearResult | None = None
    #: a Better Care Fund plan's checks (when the arrangement is one)
    bcf: BcfResult | None = None


def build(
    inputs: BudgetInputs, *, check_first: bool = True, period: int | None = None
) -> BudgetResult:
    """The joint budget, projections, risk share, outcomes, pooling benefit and monitoring;
    the in-year position as at ``period`` (by default the In-year setting or the last period
    with an actual) and a BCF plan's checks."""
    if check_first:
        check(inputs).raise_if_any()
    arrangement = inputs.arrangement
    partners, lines, years = inputs.partner_names, inputs.line_names, arrangement.year_list
    projected = project(inputs.contributions, inputs.conditions, partners, years)
    budget = joint_budget(projected, partners, lines, years)
    terms = RiskTerms.from_inputs(inputs)
    exposure = settled_at_terms(
        inputs,
        "the overspend to test",
        lambda: tested_exposure(budget, terms, arrangement.test_variance, arrangement.risk_year),
    )
    by_basis = {}
    for basis in RiskBasis:  # an aligned budget's figures if it were pooled on each basis
        try:
            by_basis[basis.label] = tested_exposure(
                budget,
                RiskTerms.from_inputs(inputs, basis).if_pooled(),
                arrangement.test_variance,
                arrangement.risk_year,
            )["settlement"]
        except InputError as exc:  # a basis the inputs don't support is shown as such
            by_basis[basis.label] = pd.Series(f"n/a: {exc.message}", index=partners)
    monitoring, settlement = _monitored(inputs, budget, terms)
    return BudgetResult(
        inputs=inputs,
        projected=projected,
        budget=budget,
        exposure=exposure,
        exposure_by_basis=pd.DataFrame(by_basis).reindex(partners),
        outcomes=outcomes_served(budget, inputs.outcomes),
        pooling=pooling_benefit(budget, inputs.standalone, years),
        monitoring=monitoring,
        monitoring_by_partner=by_partner(budget, monitoring),
        actual_settlement=settlement,
        indicators=indicator_progress(inputs.outcomes),
        in_year=in_year(inputs, budget, terms, period) if inputs.in_year.given else None,
        bcf=check_bcf(inputs, projected) if arrangement.bcf else None,
    )


def _monitored(
    inputs: BudgetInputs, budget: JointBudget, terms: RiskTerms
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The closed year's monitoring and settlement; terms that cannot settle it are a
    problem at the Arrangement's basis."""
    found: list[tuple[pd.DataFrame, pd.DataFrame | None]] = []

    def work() -> pd.DataFrame:
        found.append(monitor(budget, inputs.actuals, terms))
        return found[0][0]

    settled_at_terms(inputs, "the actual variance", work)
    return found[0]
