"""The current mix: FTE, headcount, pay and cost with on-costs by contract type and employer;
the distance from each target; and what an hour costs by role and contract type."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpcxl.common.tables import ROW

from ..models import (
    ALL_ROLES,
    PERMANENT,
    WEEKS_PER_YEAR,
    Assumptions,
    ContractType,
    Employer,
    PaySetup,
    TargetKind,
)
from .costing import costed
from .fte import active_staff, with_fte

#: The contract types in the order every table shows them.
TYPES = [c.value for c in ContractType]


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def current_mix(staff: pd.DataFrame, a: Assumptions, pay: PaySetup | None = None) -> pd.DataFrame:
    """FTE, headcount, pay and cost with on-costs by contract type and employer, with each
    one's share of FTE (issue 18: every cost with employer on-costs)."""
    live = costed(active_staff(staff, a.plan_start), pay or PaySetup(), a)
    mix = (
        live.groupby(["contract_type", "employer"], sort=False)
        .agg(
            headcount=("count", "sum"),
            fte=("fte", "sum"),
            weekly_pay=("weekly_pay", "sum"),
            weekly_cost=("weekly_cost", "sum"),
        )
        .reset_index()
    )
    order = {c.value: i for i, c in enumerate(ContractType)}
    employer_order = {e.value: i for i, e in enumerate(Employer)}
    mix = mix.sort_values(
        ["contract_type", "employer"],
        key=lambda s: s.map(order if s.name == "contract_type" else employer_order),
    ).reset_index(drop=True)
    mix["share_of_fte"] = _share(mix["fte"], pd.Series(mix["fte"].sum(), index=mix.index))
    mix["annual_pay"] = mix["weekly_pay"] * WEEKS_PER_YEAR
    mix["annual_cost"] = mix["weekly_cost"] * WEEKS_PER_YEAR
    return mix


def target_distance(staff: pd.DataFrame, targets: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Each target beside the current mix: actual, distance (actual − target), met or not.

    Shares are of the hours of the roles in scope; a role no one holds yet has no share.
    """
    live = with_fte(active_staff(staff, a.plan_start), a)
    hours = live.groupby(["role", "contract_type", "skill"], sort=False)["total_hours"].sum()
    hours = hours.reset_index()
    rows = []
    for record in targets.to_dict("records"):
        kind = TargetKind(record["kind"])
        value = float(record["value"])
        in_scope = hours if record["role"] == ALL_ROLES else hours[hours["role"] == record["role"]]
        total = float(in_scope["total_hours"].sum())
        if kind == TargetKind.MAX_AGENCY_SHARE:
            chosen = in_scope["contract_type"] == ContractType.AGENCY.value
        elif kind == TargetKind.MIN_PERMANENT_SHARE:
            chosen = in_scope["contract_type"].isin([c.value for c in PERMANENT])
        elif kind == TargetKind.MIN_SKILL_SHARE:
            chosen = in_scope["skill"] == record["detail"]
        else:
            chosen = in_scope["contract_type"] == record["detail"]
        part = float(in_scope.loc[chosen, "total_hours"].sum())
        if kind == TargetKind.MAX_HOURS:
            actual, met = part, part <= value + 1e-9
        elif total > 0:
            actual = part / total
            upper = kind == TargetKind.MAX_AGENCY_SHARE
            met = actual <= value + 1e-12 if upper else actual >= value - 1e-12
        else:
            actual, met = np.nan, None
        rows.append(
            {
                "target": kind.value,
                "role": record["role"],
                "detail": record["detail"],
                "target_value": value,
                "actual": actual,
                "distance": actual - value,
                "met": "No one in post" if met is None else "Yes" if met else "No",
                ROW: record.get(ROW),
            }
        )
    columns = ["target", "role", "detail", "target_value", "actual", "distance", "met", ROW]
    return pd.DataFrame(rows, columns=columns)


def hourly_costs(live: pd.DataFrame, roles: pd.Index, rates: pd.DataFrame) -> np.ndarray:
    """Cost of an hour by role and contract type (``live``: costed records in post).

    Where a role has people on a contract type, what they cost (employees with on-costs;
    agency and contractors their charge). Where it has none: the role's own cost an hour
    with on-costs for full-time, part-time and fixed-term; bank at the role's own cost with
    the bank premium; agency and contractors at the role's own cost with the agency premium;
    volunteers nothing (issue 18: agency and bank cover at the role's own rate).
    """
    priced = live[~live["cost_hourly"].isna() & (live["total_hours"] > 0)]
    spend = priced.assign(spend=priced["cost_hourly"] * priced["total_hours"])
    totals = spend.groupby(["role", "contract_type"])[["spend", "total_hours"]].sum()
    observed = (
        (totals["spend"] / totals["total_hours"])
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .to_numpy(dtype=float)
    )
    by_role = rates.set_index("role").reindex(roles)
    own = by_role["cost_rate"].to_numpy(dtype=float)
    fallback = np.empty((len(roles), len(TYPES)))
    for t, kind in enumerate(TYPES):
        if kind == ContractType.BANK.value:
            fallback[:, t] = by_role["bank_rate"].to_numpy(dtype=float)
        elif kind in (ContractType.AGENCY.value, ContractType.CONTRACTOR.value):
            fallback[:, t] = by_role["cover_rate"].to_numpy(dtype=float)
        elif kind == ContractType.VOLUNTEER.value:
            fallback[:, t] = 0.0
        else:
            fallback[:, t] = own
    return np.where(np.isnan(observed), np.nan_to_num(fallback), observed)
