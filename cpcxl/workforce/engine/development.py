"""Development needs (CPC 505 A5, issue 18): who holds the training and qualifications their
role needs, and the training need by role and year, new starters from the recruitment need
included, with its cost.

Who is counted: the staff the organisation and its providers employ (substantive and bank);
agency and contractors' staff are trained by their own employers, volunteers are left out.
Year 1 trains everyone in post who does not hold it; a requirement renewed every n years is
renewed each year by 1/n of those in post who hold it (an even spread, as no dates of the
last renewal are given); new starters each year are the projection's recruitment need in
people (FTE × the role's people per FTE now, one a FTE where no one is in post yet), less
the share who arrive holding it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpcxl.common.fields import choice_key

from ..models import EMPLOYED, Assumptions
from .fte import active_staff, with_fte

STATUS_COLUMNS = ("role", "item", "people", "holding", "not_holding", "share_holding")
NEED_COLUMNS = ("role", "item", "year", "in_post", "renewals", "new_starters", "people", "cost")


def training_status(staff: pd.DataFrame, skills: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """For each role and requirement: people in post, how many hold it and how many do not."""
    live = _trained(staff, a)
    rows = []
    for req in skills.itertuples(index=False):
        mine = live[live["role"] == req.role]
        people = float(mine["count"].sum())
        wanted = choice_key(req.item)
        holds = np.array([wanted in h for h in mine["held_keys"]], dtype=bool)
        holding = float(mine["count"].to_numpy(dtype=float)[holds].sum()) if len(mine) else 0.0
        rows.append(
            {
                "role": req.role,
                "item": req.item,
                "people": people,
                "holding": holding,
                "not_holding": people - holding,
                "share_holding": holding / people if people else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


def training_need(
    staff: pd.DataFrame, skills: pd.DataFrame, projection: pd.DataFrame, a: Assumptions
) -> pd.DataFrame:
    """People to train each plan year for each role's requirements, and the cost."""
    status = training_status(staff, skills, a).set_index(["role", "item"])
    live = _trained(staff, a)
    fte = live.groupby("role")["fte"].sum()
    people = live.groupby("role")["count"].sum()
    per_fte = (people / fte.where(fte > 0)).fillna(1.0)
    need = projection.set_index(["role", "year"])
    rows = []
    for req in skills.itertuples(index=False):
        state = status.loc[(req.role, req.item)]
        ppf = float(per_fte.get(req.role, 1.0))
        renew = req.renew_years if req.renew_years == req.renew_years else None
        hold = 0.0 if req.starters_hold != req.starters_hold else float(req.starters_hold)
        cost = 0.0 if req.cost != req.cost else float(req.cost)
        for year in range(1, a.years + 1):
            starters = 0.0
            opening = float(state.people)
            if (req.role, year) in need.index:
                row = need.loc[(req.role, year)]
                starters = float(row["recruitment_need_fte"] + row["starters_fte"]) * ppf
                opening = float(row["opening_fte"]) * ppf
            new = starters * (1 - hold)
            untrained = float(state.not_holding) if year == 1 else 0.0
            held = float(state.holding) if year == 1 else opening
            renewals = held / renew if renew else 0.0
            total = untrained + renewals + new
            rows.append(
                {
                    "role": req.role,
                    "item": req.item,
                    "year": year,
                    "in_post": untrained,
                    "renewals": renewals,
                    "new_starters": new,
                    "people": total,
                    "cost": total * cost,
                }
            )
    return pd.DataFrame(rows, columns=list(NEED_COLUMNS))


def _trained(staff: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Staff in post whom the organisation and its providers train, with what each holds."""
    live = with_fte(active_staff(staff, a.plan_start), a)
    live = live[live["contract_type"].isin([c.value for c in EMPLOYED])]
    held = live["held"] if "held" in live else pd.Series([()] * len(live), index=live.index)
    keys = [{choice_key(item) for item in (h or ())} for h in held]
    return live.assign(held_keys=keys)
