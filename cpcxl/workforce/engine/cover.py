"""Who fills a post and who covers it, and each role's rates: its turnover, its published
vacancy rate, and what an hour of agency cover costs in it.

A vacancy is establishment (required FTE) less substantive staff, the permanent and
fixed-term employees (``models.SUBSTANTIVE``); bank, agency, contractors' staff and
volunteers cover vacancies without filling them, and turnover applies to substantive staff.
A role takes the NHS rates in proportion to the share of its substantive FTE the NHS
employs, and the social care rates (Skills for Care) for the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models import PERMANENT, SUBSTANTIVE, Assumptions, ContractType, Employer
from .fte import active_staff, with_fte

#: What each role's agency cover is priced from, as the Projection sheet says.
ROLE_PAY = "the role's permanent pay"
ROLE_FIXED_TERM_PAY = "the role's fixed-term pay (no permanent pay recorded)"
ORGANISATION_PAY = "the organisation's average permanent pay (no pay recorded for the role)"
NO_PAY = "no pay recorded: cover is not priced"


def is_substantive(staff: pd.DataFrame) -> np.ndarray:
    """True for the records that fill posts (permanent and fixed-term employees)."""
    return staff["contract_type"].isin([c.value for c in SUBSTANTIVE]).to_numpy()


def _mean_pay(records: pd.DataFrame) -> pd.Series:
    """Hours-weighted hourly cost by role, over records with a cost and hours."""
    priced = records[~records["hourly_cost"].isna() & (records["total_hours"] > 0)]
    spend = priced["hourly_cost"] * priced["total_hours"]
    totals = pd.DataFrame({"role": priced["role"], "spend": spend, "hours": priced["total_hours"]})
    grouped = totals.groupby("role")[["spend", "hours"]].sum()
    return grouped["spend"] / grouped["hours"]


def _average(records: pd.DataFrame) -> float | None:
    priced = records[~records["hourly_cost"].isna() & (records["total_hours"] > 0)]
    hours = float(priced["total_hours"].sum())
    return float((priced["hourly_cost"] * priced["total_hours"]).sum() / hours) if hours else None


def role_rates(staff: pd.DataFrame, roles: pd.Index, a: Assumptions) -> pd.DataFrame:
    """For each role: the NHS share of its substantive FTE, the turnover and published vacancy
    rate that share gives, its pay, what that pay is, and its agency cover rate (£ an hour:
    the role's own pay × (1 + the agency premium)).

    The NHS share is of the role's substantive FTE in post on the plan start; a role with no
    substantive staff takes the share of everyone working in it, and a role no one holds is
    a social care role. Pay is the role's permanent staff's hourly cost (weighted by hours),
    else its fixed-term staff's, else the organisation's average permanent pay.
    """
    live = with_fte(active_staff(staff, a.plan_start), a)
    nhs = (live["employer"] == Employer.NHS.value).to_numpy()
    filled = is_substantive(live)

    def fte_by_role(mask: np.ndarray) -> pd.Series:
        return live.loc[mask].groupby("role")["fte"].sum().reindex(roles).fillna(0.0)

    substantive_fte = fte_by_role(filled)
    all_fte = fte_by_role(np.ones(len(live), dtype=bool))
    share = (fte_by_role(filled & nhs) / substantive_fte.where(substantive_fte > 0)).fillna(
        fte_by_role(nhs) / all_fte.where(all_fte > 0)
    )
    share = share.fillna(0.0)

    permanent = live[live["contract_type"].isin([c.value for c in PERMANENT])]
    fixed_term = live[live["contract_type"] == ContractType.TEMPORARY.value]
    own = _mean_pay(permanent).reindex(roles)
    fixed = _mean_pay(fixed_term).reindex(roles)
    organisation = _average(permanent)
    if organisation is None:
        organisation = _average(live[filled])
    pay = own.fillna(fixed)
    basis = np.where(~own.isna(), ROLE_PAY, np.where(~fixed.isna(), ROLE_FIXED_TERM_PAY, ""))
    missing = pay.isna().to_numpy()
    basis = np.where(missing, ORGANISATION_PAY if organisation is not None else NO_PAY, basis)
    pay = pay.fillna(organisation if organisation is not None else 0.0)
    return pd.DataFrame(
        {
            "role": roles,
            "nhs_share": share.to_numpy(dtype=float),
            "turnover": (share * a.nhs_turnover + (1 - share) * a.turnover).to_numpy(dtype=float),
            "published_vacancy": (share * a.nhs_vacancy + (1 - share) * a.vacancy).to_numpy(
                dtype=float
            ),
            "pay": pay.to_numpy(dtype=float),
            "pay_basis": basis,
            "cover_rate": pay.to_numpy(dtype=float) * (1 + a.agency_premium),
        }
    )
