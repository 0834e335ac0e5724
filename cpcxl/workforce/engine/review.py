"""Reviewing the plan against what happened (CPC 505 C1-C5, issue 18): each quarter's actuals
beside the plan, the roles furthest off plan, and the rest of the horizon re-projected from
the latest actuals.

The plan for a quarter: FTE in post moves evenly through each plan year from its opening to
its closing FTE; a quarter's leavers are a quarter of the year's, its starters a quarter of
the year's known starters and recruitment need; agency hours are those agency staff work now
for 13 weeks plus a quarter of the year's cover while recruiting, and agency spend the same
at what agency staff charge now and the role's cover rate.

The re-projection starts each role with actuals from its latest quarter's FTE in post, with
leavers at its actual turnover (the quarters' leavers over their average FTE in post, made
a yearly rate), or the plan's rate where no leavers were reported; the rest of that plan
year is the remaining quarters' share of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models import WEEKS_PER_YEAR, Assumptions, ContractType
from .fte import active_staff, with_fte
from .projection import priced_projection, run

MEASURES = {
    "fte": "FTE in post",
    "leavers": "Leavers FTE",
    "starters": "Starters FTE",
    "agency_hours": "Agency hours",
    "agency_spend": "Agency spend",
}


@dataclass
class Review:
    comparison: pd.DataFrame  # quarter, role, plan_x and actual_x for each measure
    off_plan: pd.DataFrame  # role, quarter, plan, actual, off (share), flagged
    reprojection: pd.DataFrame  # role, year, ... as the projection, plus plan_need, change
    turnover: pd.DataFrame  # role, actual turnover (a year), quarters, used


def plan_position(quarter: tuple[int, int], a: Assumptions) -> tuple[int, int]:
    """The plan year (1..n) and its quarter (1..4) a financial quarter falls in."""
    year, q = quarter
    month = 4 + 3 * (q - 1)
    months = (
        (year + (month > 12) - a.plan_start.year) * 12
        + ((month - 1) % 12 + 1)
        - (a.plan_start.month)
    )
    return months // 12 + 1, months % 12 // 3 + 1


def review(
    actuals: pd.DataFrame,
    projection: pd.DataFrame,
    staff: pd.DataFrame,
    rates: pd.DataFrame,
    a: Assumptions,
) -> Review:
    """The actuals beside the plan, the roles off plan and the re-projection."""
    live = with_fte(active_staff(staff, a.plan_start), a)
    agency = live[live["contract_type"] == ContractType.AGENCY.value]
    agency_hours = agency.groupby("role")["total_hours"].sum()
    spend = (agency["hourly_pay"].fillna(0.0) * agency["total_hours"]).groupby(agency["role"]).sum()
    by_year = projection.set_index(["role", "year"])
    quarter_weeks = WEEKS_PER_YEAR / 4
    rows = []
    for record in actuals.itertuples(index=False):
        year, q = plan_position(record.quarter, a)
        key = (record.role, year)
        plan = by_year.loc[key] if key in by_year.index else None
        row: dict[str, object] = {"quarter": record.quarter, "role": record.role, "year": year}
        if plan is not None:
            opening, closing = float(plan["opening_fte"]), float(plan["closing_fte"])
            need = float(plan["recruitment_need_fte"])
            recruiting = need * a.standard_hours * a.weeks_to_recruit / 4
            planned = {
                "fte": opening + (closing - opening) * q / 4,
                "leavers": float(plan["leavers_fte"]) / 4,
                "starters": (float(plan["starters_fte"]) + need) / 4,
                "agency_hours": float(agency_hours.get(record.role, 0.0)) * quarter_weeks
                + recruiting,
                "agency_spend": float(spend.get(record.role, 0.0)) * quarter_weeks
                + float(plan["cover_cost_while_recruiting"]) / 4,
            }
        else:  # a role the demand does not plan: nothing planned
            planned = dict.fromkeys(MEASURES, 0.0)
        for measure in MEASURES:
            actual = getattr(record, measure)
            row[f"plan_{measure}"] = planned[measure]
            row[f"actual_{measure}"] = actual
            row[f"difference_{measure}"] = actual - planned[measure] if actual == actual else np.nan
        rows.append(row)
    columns = ["quarter", "role", "year"] + [
        f"{kind}_{m}" for m in MEASURES for kind in ("plan", "actual", "difference")
    ]
    comparison = pd.DataFrame(rows, columns=columns).sort_values(["quarter", "role"])
    return Review(
        comparison.reset_index(drop=True),
        _off_plan(comparison, a),
        *_reproject(actuals, projection, rates, a),
    )


def _off_plan(comparison: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Each role at its latest quarter with FTE in post, furthest off plan first."""
    reported = comparison[comparison["actual_fte"].notna()]
    latest = reported.sort_values("quarter").drop_duplicates("role", keep="last")
    plan = latest["plan_fte"].to_numpy(dtype=float)
    actual = latest["actual_fte"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.where(plan > 0, (actual - plan) / plan, np.where(actual > 0, np.inf, 0.0))
    frame = pd.DataFrame(
        {
            "role": latest["role"].to_numpy(),
            "quarter": latest["quarter"].to_numpy(),
            "plan": plan,
            "actual": actual,
            "difference": actual - plan,
            "off": off,
            "flagged": np.where(np.abs(off) > a.review_tolerance + 1e-12, "Yes", "No"),
        }
    )
    order = np.argsort(-np.abs(frame["off"].to_numpy()), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def _reproject(
    actuals: pd.DataFrame, projection: pd.DataFrame, rates: pd.DataFrame, a: Assumptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rest of the horizon from each role's latest FTE in post at its actual turnover."""
    planned = rates.set_index("role")["turnover"]
    frames = []
    rows = []
    for role, group in actuals.groupby("role", sort=True):
        with_fte_ = group[group["fte"].notna()].sort_values("quarter")
        if not len(with_fte_) or role not in planned.index:
            continue
        leavers = group[group["leavers"].notna() & group["fte"].notna()]
        if len(leavers) and float(leavers["fte"].mean()) > 0:
            rate = float(leavers["leavers"].sum() / leavers["fte"].mean() * 4 / len(leavers))
            rate = min(rate, 1.0)
            used = "actual"
        else:
            rate, used = float(planned[role]), "the plan's (no leavers reported)"
        rows.append(
            {
                "role": role,
                "quarters": len(leavers),
                "actual_turnover": rate if used == "actual" else np.nan,
                "plan_turnover": float(planned[role]),
                "used": used,
            }
        )
        latest = with_fte_.iloc[-1]
        year, q = plan_position(latest["quarter"], a)
        mine = projection[(projection["role"] == role) & (projection["year"] >= year)]
        if not len(mine):
            continue
        required = mine.sort_values("year")["required_fte"].to_numpy(dtype=float)[None, :]
        frames.append(
            run(
                pd.Index([role]),
                required,
                np.array([float(latest["fte"])]),
                np.array([rate]),
                a,
                first_year=year,
                first_fraction=(4 - q) / 4,
            )
        )
    turnover = pd.DataFrame(
        rows, columns=["role", "quarters", "actual_turnover", "plan_turnover", "used"]
    )
    if not frames:
        return pd.DataFrame(), turnover
    again = priced_projection(pd.concat(frames, ignore_index=True), rates, a)
    plan = projection.set_index(["role", "year"])["recruitment_need_fte"]
    keys = list(zip(again["role"], again["year"], strict=True))
    again["plan_need_fte"] = [float(plan.get(k, 0.0)) for k in keys]
    again["change_in_need_fte"] = again["recruitment_need_fte"] - again["plan_need_fte"]
    return again, turnover
