"""The whole plan from checked inputs: every table the output sheets show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..models import DIVERSITY_FIELDS, Assumptions
from .cover import role_rates
from .diversity import diversity_profile
from .fte import active_staff, demand_by_year, gap_by_role_and_skill
from .mix import current_mix, target_distance
from .optimiser import OptimisedMix, optimise_mix
from .projection import project
from .risks import risks

#: The by-role gap table's columns that add up from its skill levels.
GAP_TOTALS = (
    "hours_needed",
    "required_fte",
    "headcount",
    "substantive_fte",
    "cover_fte",
    "gap_fte",
    "vacancy_fte",
    "uncovered_fte",
)


@dataclass
class Plan:
    assumptions: Assumptions
    summary: pd.DataFrame
    demand_by_service: pd.DataFrame  # service: hours a week now and each plan year
    gap: pd.DataFrame  # role, skill
    gap_by_role: pd.DataFrame  # with each role's vacancy rate and its published rate
    rates: pd.DataFrame  # by role: NHS share, turnover, published vacancy, pay, cover rate
    mix: pd.DataFrame  # contract type x employer
    targets: pd.DataFrame
    projection: pd.DataFrame
    risks: pd.DataFrame
    optimised: OptimisedMix
    diversity: dict[str, pd.DataFrame]


def plan(staff: pd.DataFrame, demand: pd.DataFrame, targets: pd.DataFrame, a: Assumptions) -> Plan:
    """The whole plan from checked inputs (``inputs.read_plan``)."""
    gap = gap_by_role_and_skill(staff, demand, a)
    gap_role = gap.groupby("role", sort=True)[list(GAP_TOTALS)].sum().reset_index()
    gap_role["vacancy_rate"] = gap_role["vacancy_fte"] / gap_role["required_fte"].where(
        gap_role["required_fte"] > 0
    )
    rates = role_rates(staff, pd.Index(gap_role["role"].tolist()), a)
    gap_role["published_vacancy"] = rates["published_vacancy"].to_numpy()
    mix = current_mix(staff, a)
    distance = target_distance(staff, targets, a)
    projection = project(staff, demand, a)
    flags = risks(staff, distance, projection, a)
    optimised = optimise_mix(staff, demand, targets, a)
    diversity = {
        name: diversity_profile(active_staff(staff, a.plan_start), name)
        for name in DIVERSITY_FIELDS
        if name in staff
    }
    totals = {
        "Headcount": float(mix["headcount"].sum()),
        "Substantive FTE (permanent and fixed-term: in post)": float(gap["substantive_fte"].sum()),
        "Cover FTE (bank, agency, contractors, volunteers)": float(gap["cover_fte"].sum()),
        "Required FTE (with headroom)": float(gap["required_fte"].sum()),
        "Vacancy FTE (required − substantive, where short)": float(gap["vacancy_fte"].sum()),
        "Vacancy FTE that cover does not reach": float(gap["uncovered_fte"].sum()),
        "Gap FTE (+ shortfall, − surplus)": float(gap["gap_fte"].sum()),
        "Weekly cost of current staff": float(mix["weekly_cost"].sum()),
        "Annual cost of current staff": float(mix["annual_cost"].sum()),
        f"Recruitment need over {a.years} years (FTE)": float(
            projection["recruitment_need_fte"].sum()
        ),
        "Weekly cost of the least-cost mix": optimised.weekly_cost,
        "Risk flags": float(len(flags)),
    }
    summary = pd.DataFrame({"measure": list(totals), "value": list(totals.values())})
    by_service = demand_by_year(demand, a, by=("service",))
    return Plan(
        a,
        summary,
        by_service,
        gap,
        gap_role,
        role_rates(staff, pd.Index(projection["role"].unique()), a),
        mix,
        distance,
        projection,
        flags,
        optimised,
        diversity,
    )
