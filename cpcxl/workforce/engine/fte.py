"""Full-time equivalents, headroom, recruitment need for an establishment, and the gap.

The four worksheet functions' calculations work on numbers or numpy arrays alike; the gap
by role and skill level works on the staff and demand tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError

from ..models import SUBSTANTIVE, Assumptions, HeadroomMethod


def fte(hours: Any, standard_hours: float = 37.5) -> Any:
    """Full-time equivalents of weekly contracted hours: hours ÷ standard full-time hours."""
    if standard_hours <= 0:
        raise InputError(f"standard hours {standard_hours:g} must be above 0", valid="e.g. 37.5")
    return np.asarray(hours, dtype=float) / standard_hours


def total_fte(hours: Sequence[float], standard_hours: float = 37.5) -> float:
    """The FTE of several people's weekly hours together: Σ hours ÷ standard hours."""
    return float(fte(sum(hours), standard_hours))


def required_fte(
    worked: Any, headroom: Any, method: HeadroomMethod | str = HeadroomMethod.UPLIFT
) -> Any:
    """Required FTE with headroom h: uplift worked × (1 + h), or divide worked ÷ (1 − h).

    ``headroom`` is a fraction (22% is 0.22); the inputs hold it from 0% to 60%.
    """
    chosen = HeadroomMethod(method)
    worked = np.asarray(worked, dtype=float)
    if chosen == HeadroomMethod.UPLIFT:
        return worked * (1 + np.asarray(headroom))
    if np.any(np.asarray(headroom) >= 1):
        raise InputError(
            f"headroom {np.max(headroom):.0%} with the divide method would need infinite staff",
            valid="a headroom below 100% (e.g. 22%), or the uplift method",
        )
    return worked / (1 - headroom)


def recruitment_need(fte_: Any, turnover: Any, vacancy: Any, years: Any) -> Any:
    """FTE to recruit over ``years`` to keep an establishment of ``fte_`` full.

    Year 1: fill today's vacancies and replace the year's leavers from the staff in post,
    FTE − FTE × (1 − vacancy) × (1 − turnover); each later year replaces FTE × turnover.
    """
    fte_, turnover, vacancy, years = (
        np.asarray(v, dtype=float) for v in (fte_, turnover, vacancy, years)
    )
    first = fte_ * (1 - (1 - vacancy) * (1 - turnover))
    return first + fte_ * turnover * (years - 1)


def workforce_gap(required: Any, current: Any) -> Any:
    """Required FTE minus current FTE: positive is a shortfall, negative a surplus."""
    return np.asarray(required, dtype=float) - np.asarray(current, dtype=float)


# --- over the staff and demand tables -------------------------------------------------------


def active_staff(staff: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Staff in post on the day: started on or before it and not yet left."""
    day = np.datetime64(on, "D")
    start, leave = staff["start_date"].to_numpy(), staff["leaving_date"].to_numpy()
    in_post = (np.isnat(start) | (start <= day)) & (np.isnat(leave) | (leave > day))
    return staff.loc[in_post]


def with_fte(staff: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Staff records with their total hours (hours × people) and FTE (``costing.costed``
    adds what they cost)."""
    hours = staff["hours"].to_numpy() * staff["count"].to_numpy()
    return staff.assign(total_hours=hours, fte=hours / a.standard_hours)


def demand_by_year(
    demand: pd.DataFrame, a: Assumptions, by: tuple[str, ...] = ("role", "skill")
) -> pd.DataFrame:
    """Weekly hours needed (by role and skill, or ``by``) now (year 0) and each plan year."""
    hours = demand["hours"].to_numpy(dtype=float)
    growth = demand["growth"].to_numpy(dtype=float)
    columns = {"year_0": hours}
    previous = hours
    for year in range(1, a.years + 1):
        series = demand[f"year_{year}"].to_numpy(dtype=float) if f"year_{year}" in demand else None
        grown = previous * (1 + growth)
        current = grown if series is None else np.where(np.isnan(series), grown, series)
        columns[f"year_{year}"] = current
        previous = current
    frame = pd.DataFrame({**{k: demand[k] for k in by}, **columns})
    return frame.groupby(list(by), sort=True).sum().reset_index()


def required_from_hours(hours: np.ndarray, a: Assumptions, headroom: Any = None) -> np.ndarray:
    """Required FTE for weekly hours of work: hours ÷ standard hours, with headroom (the
    single figure, or ``headroom`` for each row: each role's, built from its parts)."""
    h = a.headroom if headroom is None else np.asarray(headroom, dtype=float)
    return np.asarray(required_fte(hours / a.standard_hours, h, a.headroom_method))


def gap_by_role_and_skill(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    a: Assumptions,
    headroom: pd.Series | None = None,
) -> pd.DataFrame:
    """Required FTE now (demand with headroom, the establishment) beside the staff in post, by
    role and skill: substantive FTE (permanent and fixed-term, who fill posts), cover FTE
    (bank, agency, contractors' staff and volunteers, who cover vacancies without filling
    them), the gap (required − substantive), the vacancy (the gap where it is a shortfall)
    and the vacancy that cover does not reach."""
    live = with_fte(active_staff(staff, a.plan_start), a)
    filled = live["contract_type"].isin([c.value for c in SUBSTANTIVE]).to_numpy()
    current = live.assign(
        substantive_fte=np.where(filled, live["fte"], 0.0),
        cover_fte=np.where(filled, 0.0, live["fte"]),
    )
    current = current.groupby(["role", "skill"], sort=True).agg(
        headcount=("count", "sum"),
        substantive_fte=("substantive_fte", "sum"),
        cover_fte=("cover_fte", "sum"),
    )
    needed = demand_by_year(demand, a).set_index(["role", "skill"])
    worked = needed["year_0"] / a.standard_hours
    # ``headroom``: each role's (issue 18: built from its parts), else the single figure
    h = None if headroom is None else needed.index.get_level_values("role").map(headroom)
    required = pd.DataFrame(
        {
            "hours_needed": needed["year_0"],
            "worked_fte": worked,
            "required_fte": required_from_hours(needed["year_0"].to_numpy(), a, h),
        },
        index=needed.index,
    )
    table = required.join(current, how="outer").fillna(0.0).reset_index()
    table["gap_fte"] = workforce_gap(table["required_fte"], table["substantive_fte"])
    table["vacancy_fte"] = np.maximum(table["gap_fte"], 0.0)
    table["uncovered_fte"] = np.maximum(table["vacancy_fte"] - table["cover_fte"], 0.0)
    return table
