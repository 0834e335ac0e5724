"""The 3-5 year projection: for each role and year, required FTE, leavers, known starters,
recruitment need, closing FTE, recruitment capacity and the cost of cover while recruiting.

The projection follows substantive staff (permanent and fixed-term), who fill posts: bank,
agency, contractors' staff and volunteers cover vacancies but do not fill them, so they
neither open a year nor leave in it, and turnover applies to substantive staff only.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cpcxl.common.limits import check_time

from ..models import Assumptions
from .cover import is_substantive, role_rates
from .fte import active_staff, demand_by_year, required_from_hours, with_fte


def project(staff: pd.DataFrame, demand: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Year by year for each role: required FTE, leavers, recruitment need and closing FTE.

    Leavers are the role's turnover rate × the year's opening substantive FTE, or the
    substantive FTE with leaving dates in that year if more; substantive starters with future
    start dates join in their year. Recruitment need closes the gap: max(0, required −
    (opening − leavers + starters)). Agency cover while recruiting is priced at each role's
    own cover rate (``cover.role_rates``).
    """
    needed = demand_by_year(demand, a).groupby("role", sort=True).sum(numeric_only=True)
    roles = needed.index
    rates = role_rates(staff, roles, a)
    turnover = rates["turnover"].to_numpy()
    filled = staff.loc[is_substantive(staff)]
    priced = with_fte(filled, a)
    bounds = np.array([np.datetime64(_add_years(a.plan_start, y), "D") for y in range(a.years + 1)])

    # Which plan year (1..n) a date falls in; 0 = on or before the start, n+1 = after.
    def year_of(dates: np.ndarray) -> np.ndarray:
        out = np.searchsorted(bounds, dates, side="left")
        return np.where(np.isnat(dates), -1, out)

    leave_year = year_of(priced["leaving_date"].to_numpy())
    start_year = year_of(priced["start_date"].to_numpy())
    role_codes = roles.get_indexer(priced["role"])  # -1: a role with no demand
    known = role_codes >= 0
    n_roles, n_years = len(roles), a.years

    def per_role_year(year: np.ndarray) -> np.ndarray:
        grid = np.zeros((n_roles, n_years + 2))
        ok = known & (year >= 0)
        np.add.at(
            grid, (role_codes[ok], np.clip(year[ok], 0, n_years + 1)), priced["fte"].to_numpy()[ok]
        )
        return grid

    leavers_known = per_role_year(leave_year)
    starters = per_role_year(start_year)
    current = with_fte(active_staff(filled, a.plan_start), a)
    opening = current.groupby("role")["fte"].sum().reindex(roles).fillna(0.0).to_numpy(dtype=float)
    frames = []
    for year in range(1, n_years + 1):
        check_time()  # each year is a pass over every role
        required = required_from_hours(needed[f"year_{year}"].to_numpy(dtype=float), a)
        leavers = np.maximum(turnover * opening, leavers_known[:, year])
        after = opening - leavers + starters[:, year]
        need = np.maximum(0.0, required - after)
        closing = after + need
        frames.append(
            pd.DataFrame(
                {
                    "role": roles,
                    "year": year,
                    "required_fte": required,
                    "opening_fte": opening,
                    "leavers_fte": leavers,
                    "starters_fte": starters[:, year],
                    "recruitment_need_fte": need,
                    "closing_fte": closing,
                    # A role no one holds yet can recruit against what it needs instead.
                    "recruitment_capacity_fte": a.recruitment_rate
                    * np.where(opening > 0, opening, required),
                }
            )
        )
        opening = closing
    projection = pd.concat(frames, ignore_index=True).sort_values(["role", "year"])
    cover_rate = projection["role"].map(rates.set_index("role")["cover_rate"]).to_numpy()
    projection["cover_cost_while_recruiting"] = (
        projection["recruitment_need_fte"] * a.standard_hours * a.weeks_to_recruit * cover_rate
    )
    return projection.reset_index(drop=True)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
