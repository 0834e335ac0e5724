"""Scenarios for negotiation: the agreed budget changed one way or another, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cpcxl.common.errors import InputError, InputErrors

from ..models import ArrangementKind, Change, Condition, RiskBasis
from .aggregation import joint_budget, outcomes_served
from .arrangement import CASH, IN_KIND, BudgetInputs, empty_actuals
from .projection import project
from .risk import RiskTerms, tested_exposure


@dataclass(frozen=True)
class ScenarioChange:
    """One row of a scenario: a partner's contributions scaled, its uplift or cap replaced."""

    scenario: str
    partner: str | None = None
    contribution_change: float | None = None  # fraction: -0.1 is 10% less
    uplift: float | None = None  # fraction a year, replacing the partner's uplifts
    cap: float | None = None  # £ a year on the partner's cash, replacing its caps
    basis: RiskBasis | None = None
    test_variance: float | None = None
    row: int | None = None


def check_scenarios(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> InputErrors:
    """A scenario naming a partner that is not in the partner list."""
    errors = InputErrors()
    for change in changes:
        if change.partner is not None and change.partner not in inputs.partner_names:
            errors.add(
                InputError(
                    f"{change.partner!r} is not in the partner list",
                    location=inputs.where("scenarios", change.row, "partner"),
                    valid=inputs.partner_names,
                )
            )
    return errors


def apply_scenario(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> BudgetInputs:
    """The inputs as one scenario would have them."""
    contributions = inputs.contributions.copy()
    conditions = list(inputs.conditions)
    arrangement = inputs.arrangement
    for change in changes:
        if change.basis is not None:
            # A scenario's basis is for overspends and underspends alike.
            arrangement = arrangement.model_copy(
                update={"basis": change.basis, "underspend_basis": None}
            )
        if change.test_variance is not None:
            arrangement = arrangement.model_copy(update={"test_variance": change.test_variance})
        if change.partner is None:
            continue
        if change.contribution_change is not None:
            mine = contributions["partner"] == change.partner
            contributions.loc[mine, "amount"] = contributions.loc[mine, "amount"] * (
                1 + change.contribution_change
            )
        if change.uplift is not None:
            conditions = [
                c
                for c in conditions
                if not (c.partner == change.partner and c.change is Change.UPLIFT)
            ]
            conditions.append(
                Condition(
                    partner=change.partner,
                    change=Change.UPLIFT,
                    value=change.uplift,
                    from_year=arrangement.first_year + 1,
                )
            )
        if change.cap is not None:
            conditions = [
                c
                for c in conditions
                if not (c.partner == change.partner and c.change is Change.CAP)
            ]
            conditions.append(
                Condition(
                    partner=change.partner,
                    change=Change.CAP,
                    value=change.cap,
                    from_year=arrangement.first_year,
                )
            )
    return BudgetInputs(
        arrangement=arrangement,
        partners=inputs.partners,
        lines=inputs.lines,
        contributions=contributions,
        conditions=conditions,
        outcomes=inputs.outcomes,
        standalone=inputs.standalone,
        actuals=empty_actuals(),
        places=inputs.places,
    )


def compare_scenarios(inputs: BudgetInputs, changes: Sequence[ScenarioChange]) -> pd.DataFrame:
    """Per scenario (the agreed budget first, as "Base") and partner: cash, in kind, share,
    the joint budget on lines serving the partner's outcomes, and exposure to the test variance.
    """
    names = ["Base", *dict.fromkeys(c.scenario for c in changes if c.scenario != "Base")]
    frames = []
    for name in names:
        scenario = apply_scenario(inputs, [c for c in changes if c.scenario == name])
        a = scenario.arrangement
        partners, lines, years = scenario.partner_names, scenario.line_names, a.year_list
        projected = project(scenario.contributions, scenario.conditions, partners, years)
        budget = joint_budget(projected, partners, lines, years)
        totals = budget.by("partner").reindex(partners)
        outcomes = outcomes_served(budget, scenario.outcomes)
        served = outcomes.groupby("partner")["joint_budget"].sum()
        count = outcomes.groupby("partner").size()
        try:
            exposure = tested_exposure(
                budget, RiskTerms.from_inputs(scenario), a.test_variance, a.risk_year
            )["settlement"].reindex(totals.index)
        except InputError as exc:  # one scenario's unworkable terms don't hide the others
            exposure = pd.Series(f"n/a: {exc.message}", index=totals.index, dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "partner": totals.index.astype(str),
                    "cash": totals[CASH].fillna(0.0).to_numpy(),
                    "in_kind": totals[IN_KIND].fillna(0.0).to_numpy(),
                    "share": totals["share"].to_numpy(),
                    "outcomes": count.reindex(totals.index).fillna(0).astype(int).to_numpy(),
                    "outcome_budget": served.reindex(totals.index).fillna(0.0).to_numpy(),
                    "basis": "Aligned: each partner its own"
                    if a.kind is ArrangementKind.ALIGNED
                    else a.basis.label,
                    "test_variance": scenario.arrangement.test_variance,
                    "exposure": exposure.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
