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

from ..models import WEEKS_PER_YEAR, Assumptions, PaySetup
from .cover import is_substantive, role_rates
from .fte import active_staff, demand_by_year, required_from_hours, with_fte


def project(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    a: Assumptions,
    pay: PaySetup | None = None,
    benchmarks: pd.DataFrame | None = None,
    *,
    rates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Year by year for each role: required FTE, leavers, recruitment need and closing FTE.

    Leavers are the role's turnover rate × the year's opening substantive FTE, or the
    substantive FTE with leaving dates in that year if more; substantive starters with future
    start dates join in their year. Recruitment need closes the gap: max(0, required −
    (opening − leavers + starters)). Agency cover while recruiting is priced at each role's
    own cover rate, and recruits cost the role's own cost with on-costs for the part of their
    first year after the time to recruit (``cover.role_rates``; ``rates`` if worked out
    already, with a row for every role in the demand).
    """
    needed = demand_by_year(demand, a).groupby("role", sort=True).sum(numeric_only=True)
    roles = needed.index
    if rates is None:
        rates = role_rates(staff, roles, a, pay, benchmarks)
    by_role = rates.set_index("role").reindex(roles)
    turnover = by_role["turnover"].to_numpy(dtype=float)
    headroom = by_role["headroom"].to_numpy(dtype=float)
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

    required = np.column_stack(
        [
            required_from_hours(needed[f"year_{y}"].to_numpy(dtype=float), a, headroom)
            for y in range(1, n_years + 1)
        ]
    )
    current = with_fte(active_staff(filled, a.plan_start), a)
    opening = current.groupby("role")["fte"].sum().reindex(roles).fillna(0.0).to_numpy(dtype=float)
    projection = run(
        roles,
        required,
        opening,
        turnover,
        a,
        leavers_known=per_role_year(leave_year)[:, 1 : n_years + 1],
        starters=per_role_year(start_year)[:, 1 : n_years + 1],
    )
    return priced_projection(projection, rates, a)


def run(
    roles: pd.Index,
    required: np.ndarray,
    opening: np.ndarray,
    turnover: np.ndarray,
    a: Assumptions,
    *,
    leavers_known: np.ndarray | None = None,
    starters: np.ndarray | None = None,
    first_year: int = 1,
    first_fraction: float = 1.0,
) -> pd.DataFrame:
    """The year-by-year projection from ``opening`` FTE for the plan years ``first_year`` to
    the last (``required``, ``leavers_known`` and ``starters`` have a column for each of
    them); the first year may be the rest of one (``first_fraction`` of it: leavers at that
    share of the year's turnover), as the review's re-projection from a quarter's actuals."""
    n_years = required.shape[1]
    zeros = np.zeros_like(required)
    leavers_known = zeros if leavers_known is None else leavers_known
    starters = zeros if starters is None else starters
    frames = []
    for offset in range(n_years):
        check_time()  # each year is a pass over every role
        fraction = first_fraction if offset == 0 else 1.0
        leavers = np.maximum(turnover * opening * fraction, leavers_known[:, offset])
        after = opening - leavers + starters[:, offset]
        need = np.maximum(0.0, required[:, offset] - after)
        closing = after + need
        frames.append(
            pd.DataFrame(
                {
                    "role": roles,
                    "year": first_year + offset,
                    "required_fte": required[:, offset],
                    "opening_fte": opening,
                    "leavers_fte": leavers,
                    "starters_fte": starters[:, offset],
                    "recruitment_need_fte": need,
                    "closing_fte": closing,
                    # A role no one holds yet can recruit against what it needs instead.
                    "recruitment_capacity_fte": a.recruitment_rate
                    * fraction
                    * np.where(opening > 0, opening, required[:, offset]),
                }
            )
        )
        opening = closing
    return pd.concat(frames, ignore_index=True).sort_values(["role", "year"])


def priced_projection(
    projection: pd.DataFrame, rates: pd.DataFrame, a: Assumptions
) -> pd.DataFrame:
    """The projection with what its recruitment costs: agency cover at each role's own cover
    rate while posts are being filled, and the recruits at the role's own cost with on-costs
    for the part of their first year after the time to recruit."""
    by_role = rates.set_index("role")
    cover_rate = projection["role"].map(by_role["cover_rate"]).to_numpy(dtype=float)
    per_fte = projection["role"].map(by_role["cost_per_fte"]).to_numpy(dtype=float)
    need = projection["recruitment_need_fte"].to_numpy(dtype=float)
    working = max(0.0, 1 - a.weeks_to_recruit / WEEKS_PER_YEAR)
    projection = projection.assign(
        cover_cost_while_recruiting=need * a.standard_hours * a.weeks_to_recruit * cover_rate,
        recruits_cost=need * per_fte * working,
    )
    return projection.reset_index(drop=True)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
