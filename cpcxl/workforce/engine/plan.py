"""The whole plan from checked inputs: every table the output sheets show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models import DIVERSITY_FIELDS, WEEKS_PER_YEAR, Assumptions, PaySetup
from .costing import costed, organisation_levy
from .cover import role_rates
from .development import training_need, training_status
from .diversity import diversity_profile
from .fte import active_staff, demand_by_year, gap_by_role_and_skill
from .mix import current_mix, target_distance
from .optimiser import OptimisedMix, optimise_mix
from .projection import project
from .review import Review, review
from .risks import risks
from .wage_floor import wage_floor_check

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
    rates: pd.DataFrame  # by role: rates and their sources, headroom, pay, cost, cover rates
    mix: pd.DataFrame  # contract type x employer
    targets: pd.DataFrame
    projection: pd.DataFrame
    risks: pd.DataFrame
    optimised: OptimisedMix
    diversity: dict[str, pd.DataFrame]
    # issue 18
    pay: PaySetup
    costs: pd.DataFrame  # by role: FTE in post, pay and cost with on-costs a year
    wage_floor: pd.DataFrame
    training_status: pd.DataFrame | None = None
    training_need: pd.DataFrame | None = None
    review: Review | None = None


def plan(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    targets: pd.DataFrame,
    a: Assumptions,
    *,
    pay: PaySetup | None = None,
    benchmarks: pd.DataFrame | None = None,
    skills: pd.DataFrame | None = None,
    actuals: pd.DataFrame | None = None,
) -> Plan:
    """The whole plan from checked inputs (``inputs.read_plan``); the issue 18 inputs are
    optional (shipped on-costs; no benchmarks, skills or actuals)."""
    setup = pay or PaySetup()
    planned = demand_by_year(demand, a).groupby("role", sort=True).sum(numeric_only=True)
    roles = pd.Index(sorted(set(planned.index) | set(staff["role"])))
    rates = role_rates(staff, roles, a, setup, benchmarks)
    headroom = rates.set_index("role")["headroom"]
    gap = gap_by_role_and_skill(staff, demand, a, headroom)
    gap_role = gap.groupby("role", sort=True)[list(GAP_TOTALS)].sum().reset_index()
    gap_role["vacancy_rate"] = gap_role["vacancy_fte"] / gap_role["required_fte"].where(
        gap_role["required_fte"] > 0
    )
    by_role = rates.set_index("role")
    gap_role["published_vacancy"] = gap_role["role"].map(by_role["published_vacancy"])
    gap_role["vacancy_source"] = gap_role["role"].map(by_role["vacancy_source"])
    mix = current_mix(staff, a, setup)
    distance = target_distance(staff, targets, a)
    planned_rates = rates[rates["role"].isin(planned.index)].reset_index(drop=True)
    projection = project(staff, demand, a, setup, rates=planned_rates)
    flags = risks(staff, distance, projection, a)
    optimised = optimise_mix(staff, demand, targets, a, setup, rates=planned_rates)
    diversity = {
        name: diversity_profile(active_staff(staff, a.plan_start), name)
        for name in DIVERSITY_FIELDS
        if name in staff
    }
    costs = role_costs(staff, a, setup, rates)
    floor = wage_floor_check(staff, a, setup)
    status = need = None
    if skills is not None and len(skills):
        status = training_status(staff, skills, a)
        need = training_need(staff, skills, projection, a)
    checked = (
        review(actuals, projection, staff, planned_rates, a)
        if actuals is not None and len(actuals)
        else None
    )
    staff_rows = floor["what"] != "Role's pay (Pay sheet)" if len(floor) else []
    totals = {
        "Headcount": float(mix["headcount"].sum()),
        "Substantive FTE (permanent and fixed-term: in post)": float(gap["substantive_fte"].sum()),
        "Cover FTE (bank, agency, contractors, volunteers)": float(gap["cover_fte"].sum()),
        "Required FTE (with headroom)": float(gap["required_fte"].sum()),
        "Vacancy FTE (required − substantive, where short)": float(gap["vacancy_fte"].sum()),
        "Vacancy FTE that cover does not reach": float(gap["uncovered_fte"].sum()),
        "Gap FTE (+ shortfall, − surplus)": float(gap["gap_fte"].sum()),
        "Weekly pay of current staff": float(mix["weekly_pay"].sum()),
        "Weekly cost of current staff (with on-costs)": float(mix["weekly_cost"].sum()),
        "Annual cost of current staff (with on-costs)": float(mix["annual_cost"].sum()),
        f"Recruitment need over {a.years} years (FTE)": float(
            projection["recruitment_need_fte"].sum()
        ),
        f"Cost of recruits and cover while recruiting over {a.years} years": float(
            projection["recruits_cost"].sum() + projection["cover_cost_while_recruiting"].sum()
        ),
        "Weekly cost of the least-cost mix, year 1": optimised.weekly_cost,
        f"Cost of the least-cost mix over {a.years} years": float(optimised.annual_cost.sum())
        if optimised.feasible
        else np.nan,
        f"Rates below the {setup.on_costs.floor_label}": float(len(floor)),
        "Cost a year of bringing staff up to the wage floor": float(
            floor.loc[staff_rows, "cost_yearly"].sum()
        )
        if len(floor)
        else 0.0,
        "Risk flags": float(len(flags)),
    }
    if need is not None:
        totals[f"Training cost over {a.years} years"] = float(need["cost"].sum())
    if checked is not None:
        totals["Roles off plan by more than the review tolerance"] = float(
            (checked.off_plan["flagged"] == "Yes").sum()
        )
    money = {
        "Weekly pay of current staff",
        "Weekly cost of current staff (with on-costs)",
        "Annual cost of current staff (with on-costs)",
        f"Cost of recruits and cover while recruiting over {a.years} years",
        "Weekly cost of the least-cost mix, year 1",
        f"Cost of the least-cost mix over {a.years} years",
        "Cost a year of bringing staff up to the wage floor",
        f"Training cost over {a.years} years",
    }
    summary = pd.DataFrame(
        {
            "measure": list(totals),
            "value": list(totals.values()),
            "money": [m in money for m in totals],
        }
    )
    by_service = demand_by_year(demand, a, by=("service",))
    return Plan(
        a,
        summary,
        by_service,
        gap,
        gap_role,
        planned_rates,
        mix,
        distance,
        projection,
        flags,
        optimised,
        diversity,
        setup,
        costs,
        floor,
        status,
        need,
        checked,
    )


def role_costs(
    staff: pd.DataFrame, a: Assumptions, pay: PaySetup, rates: pd.DataFrame
) -> pd.DataFrame:
    """By role: the substantive and bank staff in post, their pay and each on-cost a year, and
    the role's own cost an hour and per FTE (the Pay sheet's role, else its staff's)."""
    live = costed(active_staff(staff, a.plan_start), pay, a)
    employed = live[live["annual_pay"].notna()]
    people = employed["count"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "role": employed["role"].to_numpy(),
            "fte": employed["fte"].to_numpy(dtype=float),
            "pay": employed["annual_pay"].to_numpy(dtype=float) * people,
            "employer_ni": employed["employer_ni"].to_numpy(dtype=float) * people,
            "pension": employed["pension"].to_numpy(dtype=float) * people,
            "levy": employed["levy"].to_numpy(dtype=float) * people,
        }
    )
    summed = frame.groupby("role", sort=True).sum()
    summed["cost"] = summed[["pay", "employer_ni", "pension", "levy"]].sum(axis=1)
    summed["on_cost_share"] = (summed["cost"] / summed["pay"].where(summed["pay"] > 0)) - 1
    by_role = rates.set_index("role")
    out = by_role[["pay", "cost_rate", "cost_per_fte", "cover_rate", "bank_rate", "pay_basis"]]
    out = out.rename(columns={"pay": "pay_hourly"}).join(summed, how="left").reset_index()
    out["levy_rate"] = organisation_levy(live, pay)
    out["weeks"] = WEEKS_PER_YEAR
    return out
