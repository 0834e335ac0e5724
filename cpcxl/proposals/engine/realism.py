"""Realism checks: weaknesses a submitter can fix (CPC 506 B4, B6)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..models import DecisionRules, Evidence, Proposal
from .figures import money


@dataclass(frozen=True)
class Weakness:
    name: str
    detail: str


def realism_checks(
    proposal: Proposal, appraisal: Mapping[str, float], rules: DecisionRules
) -> list[Weakness]:
    found: list[Weakness] = []
    costs = np.asarray(proposal.costs)
    benefits = np.asarray(proposal.benefits)
    first_cost = int(np.argmax(costs > 0)) if (costs > 0).any() else None
    first_benefit = int(np.argmax(benefits > 0)) if (benefits > 0).any() else None
    if first_benefit is not None and (first_cost is None or first_benefit < first_cost):
        when = (
            "with no cost at all"
            if first_cost is None
            else f"before the first cost in year {first_cost}"
        )
        found.append(
            Weakness(
                "Benefits before any cost",
                f"Benefits start in year {first_benefit}, {when}. Show what spending delivers "
                "them, or move them to the years after the spending starts.",
            )
        )
    has_benefits = bool(benefits.sum() > 0)
    if has_benefits and proposal.evidence == Evidence.NONE:
        found.append(
            Weakness(
                "Benefits with no evidence",
                "The benefits have no evidence behind them. Name the evaluation, study or local "
                "data the figures come from.",
            )
        )
    ratio = appraisal.get("bcr", math.nan)
    ceiling = rules.plausible_bcr.get(proposal.evidence)
    if (
        has_benefits
        and proposal.evidence != Evidence.NONE
        and ceiling is not None
        and math.isfinite(ratio)
        and ratio > ceiling
    ):
        found.append(
            Weakness(
                "Ratio implausibly high for the evidence",
                f"A benefit-cost ratio of {ratio:.1f} is higher than evidence of this kind "
                f"({proposal.evidence.value.lower()}) can support (at most {ceiling:g}, this "
                "organisation's local limit). Give stronger evidence or more cautious benefit "
                "estimates.",
            )
        )
    if proposal.missing_years:
        years = ", ".join(str(y) for y in proposal.missing_years)
        found.append(
            Weakness(
                "Missing years",
                f"No figures are given for year{'s' if len(proposal.missing_years) > 1 else ''} "
                f"{years}. Enter each year's costs and benefits, using 0 where there are none.",
            )
        )
    for stated, actual, what in (
        (proposal.stated_total_cost, float(costs.sum()), "cost"),
        (proposal.stated_total_benefit, float(benefits.sum()), "benefit"),
    ):
        if stated is not None and abs(stated - actual) > 0.5:
            found.append(
                Weakness(
                    "Totals do not add up",
                    f"The stated total {what} is {money(stated)} but the yearly figures add up to "
                    f"{money(actual)}. Correct whichever is wrong.",
                )
            )
    if not any(o.strip() for o in proposal.objectives):
        found.append(
            Weakness(
                "No objective supported",
                "The proposal does not say which of the organisation's objectives it supports. "
                "Name them and say how it supports each.",
            )
        )
    known = {o.strip().lower() for o in rules.objectives}
    unknown = [o for o in proposal.objectives if known and o.strip().lower() not in known]
    if unknown:
        listed = ", ".join(repr(o) for o in unknown)
        found.append(
            Weakness(
                "Objective not recognised",
                f"{listed} {'is' if len(unknown) == 1 else 'are'} not among the organisation's "
                f"objectives ({'; '.join(rules.objectives)}). Use their wording and say how the "
                "proposal supports each.",
            )
        )
    return found
