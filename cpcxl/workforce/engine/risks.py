"""The plan's risks as named flags, each against CPC 505's risk list with a contingency."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..models import CONTINGENCY, RISK_CATEGORY, Assumptions, RiskFlag, TargetKind
from .fte import active_staff


def risks(
    staff: pd.DataFrame,
    distance: pd.DataFrame,
    projection: pd.DataFrame,
    a: Assumptions,
) -> pd.DataFrame:
    """The plan's risks as named flags, each with its CPC 505 risk category."""
    rows: list[dict[str, Any]] = []
    for t in distance.itertuples(index=False):
        if t.met != "No":
            continue
        if t.target == TargetKind.MAX_AGENCY_SHARE:
            rows.append(
                _risk(
                    RiskFlag.AGENCY_OVER_LIMIT,
                    t.role,
                    f"agency is {t.actual:.1%} of hours; the limit is {t.target_value:.1%}",
                )
            )
        elif t.target == TargetKind.MIN_SKILL_SHARE:
            rows.append(
                _risk(
                    RiskFlag.SKILL_MINIMUM_NOT_MET,
                    t.role,
                    f"{t.detail} is {t.actual:.1%} of hours; the minimum is {t.target_value:.1%}",
                )
            )
    live = active_staff(staff, a.plan_start)
    heads = live.groupby("role", sort=True)["count"].sum()
    for role in heads.index[heads.to_numpy() == 1]:
        rows.append(
            _risk(
                RiskFlag.SINGLE_PERSON_ROLE,
                role,
                "one person holds this role: plan cover for their absence or leaving",
            )
        )
    over = projection[
        projection["recruitment_need_fte"] > projection["recruitment_capacity_fte"] + 1e-9
    ]
    for role, group in over.groupby("role", sort=True):
        years = ", ".join(str(y) for y in group["year"])
        worst = group.loc[group["recruitment_need_fte"].idxmax()]
        rows.append(
            _risk(
                RiskFlag.RECRUITMENT_BEYOND_CAPACITY,
                role,
                f"year {years}: up to {worst['recruitment_need_fte']:.1f} FTE to recruit "
                f"against {worst['recruitment_capacity_fte']:.1f} FTE the recruitment "
                f"rate of {a.recruitment_rate:.0%} allows",
            )
        )
    return pd.DataFrame(rows, columns=["flag", "category", "role", "detail", "contingency"])


def _risk(flag: RiskFlag, role: str, detail: str) -> dict[str, Any]:
    return {
        "flag": flag.value,
        "category": RISK_CATEGORY[flag],
        "role": role,
        "detail": detail,
        "contingency": CONTINGENCY[flag],
    }
