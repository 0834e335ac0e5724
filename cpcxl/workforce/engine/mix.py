"""Costs and the current mix: FTE, headcount and cost by contract type and employer, the
distance from each target, and what an hour costs by role and contract type."""

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
    TargetKind,
)
from .fte import active_staff, with_fte

#: The contract types in the order every table shows them.
TYPES = [c.value for c in ContractType]


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def current_mix(staff: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """FTE, headcount and cost by contract type and employer, with each one's share of FTE."""
    live = with_fte(active_staff(staff, a.plan_start), a)
    mix = (
        live.groupby(["contract_type", "employer"], sort=False)
        .agg(headcount=("count", "sum"), fte=("fte", "sum"), weekly_cost=("weekly_cost", "sum"))
        .reset_index()
    )
    order = {c.value: i for i, c in enumerate(ContractType)}
    employer_order = {e.value: i for i, e in enumerate(Employer)}
    mix = mix.sort_values(
        ["contract_type", "employer"],
        key=lambda s: s.map(order if s.name == "contract_type" else employer_order),
    ).reset_index(drop=True)
    mix["share_of_fte"] = _share(mix["fte"], pd.Series(mix["fte"].sum(), index=mix.index))
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


def hourly_costs(live: pd.DataFrame, roles: pd.Index, a: Assumptions) -> np.ndarray:
    """Cost of an hour by role and contract type: from the records where they exist.

    Where a role has no one on a contract type, the role's permanent hourly cost stands in,
    times what that contract type costs against permanent staff in the roles that have both
    (the agency premium if no one is on agency anywhere; volunteers cost nothing).
    """
    priced = live[~live["hourly_cost"].isna() & (live["total_hours"] > 0)]
    spend = priced.assign(spend=priced["hourly_cost"] * priced["total_hours"])

    def mean(keys: list[str], rows: pd.DataFrame = spend) -> pd.Series:
        totals = rows.groupby(keys)[["spend", "total_hours"]].sum()
        return totals["spend"] / totals["total_hours"]

    observed = mean(["role", "contract_type"]).unstack().reindex(index=roles, columns=TYPES)
    permanent = spend[spend["contract_type"].isin([c.value for c in PERMANENT])]
    paid = spend[spend["contract_type"] != ContractType.VOLUNTEER.value]
    org_permanent = (
        permanent["spend"].sum() / permanent["total_hours"].sum()
        if len(permanent)
        else paid["spend"].sum() / paid["total_hours"].sum()
        if len(paid)
        else 0.0
    )
    base = mean(["role"], permanent).reindex(roles)
    base = base.fillna(mean(["role"], paid).reindex(roles)).fillna(org_permanent).to_numpy()
    # Each contract type against permanent staff in the same role, averaged over the roles
    # where both are recorded (weighted by hours), so the mix of roles does not bias it.
    hours = (
        spend.groupby(["role", "contract_type"])["total_hours"]
        .sum()
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .to_numpy(dtype=float)
    )
    relative = observed.to_numpy(dtype=float) / base[:, None]
    weights = np.where(np.isnan(relative) | np.isnan(hours), 0.0, hours)
    with np.errstate(invalid="ignore"):
        ratio = pd.Series(
            np.nansum(np.nan_to_num(relative) * weights, axis=0) / weights.sum(axis=0),
            index=TYPES,
        )
    # Full- and part-time staff are the same employees on the same pay scales.
    ratio[[c.value for c in PERMANENT]] = 1.0
    defaults = {ContractType.AGENCY.value: 1 + a.agency_premium, ContractType.VOLUNTEER.value: 0}
    ratio = ratio.fillna(pd.Series(defaults)).fillna(1.0)
    fallback = base[:, None] * ratio.to_numpy(dtype=float)[None, :]
    cost = observed.to_numpy(dtype=float)
    return np.where(np.isnan(cost), fallback, cost)
