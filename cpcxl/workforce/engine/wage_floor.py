"""Pay against the wage floor (issue 18): every role on the Pay sheet and every rate staff
records are paid (in-house and provider alike) below the National Living Wage, or the Real
Living Wage where the organisation has committed to it, with the shortfall an hour and a
year and the cost, with on-costs, of bringing it up to the floor (fair cost of care).

Agency and contractors' charges are not pay (the worker's pay inside them is not known) and
volunteers are unpaid: neither is checked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models import EMPLOYED, WEEKS_PER_YEAR, Assumptions, PaySetup
from .costing import costed, organisation_levy, pensionable, role_cost
from .fte import active_staff

#: The columns of the check, one row for each rate below the floor.
COLUMNS = (
    "what",
    "role",
    "employer",
    "pay_hourly",
    "floor",
    "shortfall_hourly",
    "people",
    "hours",
    "shortfall_yearly",
    "cost_yearly",
)
ROLE_RATE = "Role's pay (Pay sheet)"
STAFF_RATE = "Staff records"


def wage_floor_check(
    staff: pd.DataFrame, a: Assumptions, pay: PaySetup | None = None
) -> pd.DataFrame:
    """Each rate below the floor: the Pay sheet's roles (a full-time post: shortfall a year
    for one post, cost with on-costs for one post) and each group of staff records in post
    paid alike (role, employer and hourly pay: shortfall and cost for all of them a year).
    Empty when nothing is below the floor or the floor has no rate."""
    setup = pay or PaySetup()
    floor = setup.on_costs.floor
    if floor is None:
        return pd.DataFrame(columns=list(COLUMNS))
    live = costed(active_staff(staff, a.plan_start), setup, a)
    rows = [*_roles(setup, floor, live), *_records(live, floor, setup)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.sort_values(["what", "shortfall_hourly", "role"], ascending=[True, False, True])


def _roles(setup: PaySetup, floor: float, live: pd.DataFrame) -> list[dict[str, object]]:
    roles = setup.roles
    if not len(roles):
        return []
    hours = roles["hours"].to_numpy(dtype=float)
    annual = roles["annual_pay"].to_numpy(dtype=float)
    hourly = annual / (hours * WEEKS_PER_YEAR)
    below = hourly < floor - 1e-9
    if not below.any():
        return []
    schemes = np.where(
        roles["scheme"].isna(), setup.on_costs.in_house_scheme, roles["scheme"]
    ).astype(object)
    levy = organisation_levy(live, setup)
    up = floor * hours * WEEKS_PER_YEAR
    own = np.ones(len(roles), dtype=bool)
    extra = (
        (
            role_cost(up, hours, schemes, own, levy, setup)
            - role_cost(annual, hours, schemes, own, levy, setup)
        )
        * hours
        * WEEKS_PER_YEAR
    )
    return [
        {
            "what": ROLE_RATE,
            "role": role,
            "employer": "",
            "pay_hourly": float(hourly[i]),
            "floor": floor,
            "shortfall_hourly": float(floor - hourly[i]),
            "people": 1.0,
            "hours": float(hours[i]),
            "shortfall_yearly": float((floor - hourly[i]) * hours[i] * WEEKS_PER_YEAR),
            "cost_yearly": float(extra[i]),
        }
        for i, role in enumerate(roles["role"])
        if below[i]
    ]


def _records(live: pd.DataFrame, floor: float, setup: PaySetup) -> list[dict[str, object]]:
    employed = live["contract_type"].isin([c.value for c in EMPLOYED]).to_numpy()
    pay = live["pay_hourly"].to_numpy(dtype=float)
    below = employed & ~np.isnan(pay) & (pay < floor - 1e-9)
    if not below.any():
        return []
    low = live.loc[below].copy()
    hours = low["hours"].to_numpy(dtype=float)
    people = low["count"].to_numpy(dtype=float)
    annual = low["annual_pay"].to_numpy(dtype=float)
    raised = floor * hours * WEEKS_PER_YEAR
    c = setup.on_costs
    schemes = setup.schemes.set_index("scheme")
    scheme = pd.Series(low["scheme"].to_numpy())
    rate = np.nan_to_num(scheme.map(schemes["rate"]).to_numpy(dtype=float))
    lo = scheme.map(schemes["low"]).to_numpy(dtype=float)
    hi = scheme.map(schemes["high"]).to_numpy(dtype=float)
    levy = np.where(low["levy"].to_numpy(dtype=float) > 0, organisation_levy(live, setup), 0.0)

    def cost(amount: np.ndarray) -> np.ndarray:
        return (
            amount
            + c.ni_rate * np.maximum(amount - c.ni_threshold, 0.0)
            + rate * pensionable(amount, lo, hi)
            + levy * amount
        )

    low["extra"] = (cost(raised) - cost(annual)) * people
    low["short_year"] = (raised - annual) * people
    grouped = low.groupby(["role", "employer", "pay_hourly"], sort=True).agg(
        people=("count", "sum"),
        hours=("total_hours", "sum"),
        shortfall_yearly=("short_year", "sum"),
        cost_yearly=("extra", "sum"),
    )
    return [
        {
            "what": STAFF_RATE,
            "role": role,
            "employer": employer,
            "pay_hourly": float(rate_),
            "floor": floor,
            "shortfall_hourly": float(floor - rate_),
            "people": float(g.people),
            "hours": float(g.hours),
            "shortfall_yearly": float(g.shortfall_yearly),
            "cost_yearly": float(g.cost_yearly),
        }
        for (role, employer, rate_), g in grouped.iterrows()
    ]
