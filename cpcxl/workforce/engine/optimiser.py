"""The least-cost mix of contract types over the whole plan by linear programming (SciPy's
HiGHS), and, when no mix meets every constraint, the smallest set of constraints that
conflict (issue 18: the horizon, not only the current year).

For each plan year y, role r and contract type t the programme chooses the weekly hours
x[y, r, t], and for each year and role the substantive hours recruited R[y, r]. It minimises
the cost of every year's hours (each at the role's own cost with on-costs, agency and bank
at the role's own rate with their premiums; ``mix.hourly_costs``) subject to, each a named
group of constraints:

- required hours: every role's demand for the year with its headroom;
- each target, every year (agency maximum, permanent minimum, maximum hours of a type);
- volunteers giving no more hours than they give now (unless a target sets their hours);
- substantive staff available: in year y, substantive (permanent and fixed-term) hours, who
  fill posts and must be recruited, are at most
  those in post at the year's start, of whom the role's turnover leave through the year (so
  1 − turnover ÷ 2 of them on average), plus the year's recruits for the part of the year
  after the time to recruit (a post cannot be filled before its time to recruit); those in
  post at a year's start are those at the last one's less its turnover, plus its recruits;
- recruitment capacity: at most the recruitment rate × the role's current hours recruited a
  year (for a role no one holds yet, × the hours it needs in year 1);
- the staff budget of each year that has one: the year's hours at their costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from cpcxl.common.limits import check_time

from ..models import (
    ALL_ROLES,
    PERMANENT,
    SUBSTANTIVE,
    WEEKS_PER_YEAR,
    Assumptions,
    ContractType,
    PaySetup,
    TargetKind,
)
from .costing import costed
from .cover import role_rates
from .fte import active_staff, demand_by_year, required_from_hours
from .mix import TYPES, hourly_costs

#: Seconds one solve may take (a local limit: the largest plan benchmarked, 200 roles × 7
#: contract types × 5 years, solves in well under a second). Each solve first checks the
#: call's own time limit.
LP_TIME_LIMIT = 10.0
REQUIRED = "required hours (every role)"
#: £ an hour added to each contract type in the objective only, to break ties.
TIE_BREAK = {
    ContractType.TEMPORARY.value: 0.001,
    ContractType.BANK.value: 0.002,
    ContractType.CONTRACTOR.value: 0.003,
    ContractType.AGENCY.value: 0.004,
}


def _linprog(*args: Any, **kwargs: Any) -> Any:
    """SciPy's HiGHS, stopped at :data:`LP_TIME_LIMIT` (status 1) and never started past the
    server's time limit for the call."""
    check_time()
    return linprog(*args, method="highs", options={"time_limit": LP_TIME_LIMIT}, **kwargs)


@dataclass
class OptimisedMix:
    feasible: bool
    hours: pd.DataFrame  # (year, role) x contract type weekly hours (empty when infeasible)
    weekly_cost: float  # year 1, £ a week
    message: str
    conflicts: list[str] = field(default_factory=list)
    shortfall: pd.DataFrame | None = None  # role, year, hours short at best, when infeasible
    annual_cost: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # by year
    recruited: pd.DataFrame = field(default_factory=pd.DataFrame)  # (year, role) hours a week

    def year(self, year: int) -> pd.DataFrame:
        """The mix of one plan year: role x contract type weekly hours."""
        return self.hours.xs(year, level="year") if len(self.hours) else self.hours


@dataclass
class _Problem:
    cost: np.ndarray
    rows: list[sparse.csr_matrix]
    limits: list[np.ndarray]
    groups: dict[str, list[int]]  # group name -> indices into rows

    def add(self, group: str, matrix: Any, limit: Any) -> None:
        self.groups.setdefault(group, []).append(len(self.rows))
        self.rows.append(sparse.csr_matrix(matrix))
        self.limits.append(np.atleast_1d(np.asarray(limit, dtype=float)))

    def solve(self, keep: list[str] | None = None, c: np.ndarray | None = None) -> Any:
        chosen = [i for g in (keep if keep is not None else self.groups) for i in self.groups[g]]
        if chosen:
            a_ub = sparse.vstack([self.rows[i] for i in chosen]).tocsr()
            b_ub = np.concatenate([self.limits[i] for i in chosen])
        else:
            a_ub, b_ub = None, None
        return _linprog(self.cost if c is None else c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None))


def optimise_mix(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    targets: pd.DataFrame,
    a: Assumptions,
    pay: PaySetup | None = None,
    benchmarks: pd.DataFrame | None = None,
    *,
    rates: pd.DataFrame | None = None,
) -> OptimisedMix:
    """Weekly hours by contract type for each role and plan year at least cost over the plan.

    When no mix meets every constraint group (module docstring), groups are relaxed one at a
    time to find the smallest set that conflicts, and the message names it with the roles
    that cannot be covered.
    """
    setup = pay or PaySetup()
    live = costed(active_staff(staff, a.plan_start), setup, a)
    needed = demand_by_year(demand, a).groupby("role", sort=True).sum(numeric_only=True)
    roles = needed.index
    n_r, n_t, n_y = len(roles), len(TYPES), a.years
    if not n_r:
        return OptimisedMix(True, pd.DataFrame(columns=TYPES), 0.0, "No demand: no mix to find.")
    if rates is None:
        rates = role_rates(staff, roles, a, setup, benchmarks)
    by_role = rates.set_index("role").reindex(roles)
    headroom = by_role["headroom"].to_numpy(dtype=float)
    turnover = by_role["turnover"].to_numpy(dtype=float)
    required = np.vstack(
        [
            required_from_hours(needed[f"year_{y}"].to_numpy(dtype=float), a, headroom)
            * a.standard_hours
            for y in range(1, n_y + 1)
        ]
    )  # years x roles, hours a week
    cost = hourly_costs(live, roles, rates)  # roles x types, £ an hour
    hours_now = (
        live.groupby(["role", "contract_type"])["total_hours"]
        .sum()
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .fillna(0.0)
        .to_numpy()
    )
    n_x = n_y * n_r * n_t
    n = n_x + n_y * n_r
    x_index = np.arange(n_x).reshape(n_y, n_r, n_t)
    r_index = n_x + np.arange(n_y * n_r).reshape(n_y, n_r)
    annual = np.tile(cost.reshape(-1), n_y) * WEEKS_PER_YEAR
    # Ties (bank at the role's own cost, say) go to permanent staff, then fixed-term, bank,
    # contractors and agency: a tenth of a penny an hour, never counted in the costs shown.
    tie = np.array([TIE_BREAK.get(t, 0.0) for t in TYPES])
    objective = annual + np.tile(np.tile(tie, n_r), n_y) * WEEKS_PER_YEAR
    problem = _Problem(np.concatenate([objective, np.zeros(n_y * n_r)]), [], [], {})

    def matrix(rows: np.ndarray, cols: np.ndarray, values: Any, height: int) -> sparse.csr_matrix:
        data = np.broadcast_to(np.asarray(values, dtype=float), rows.shape).ravel()
        return sparse.csr_matrix((data, (rows.ravel(), cols.ravel())), shape=(height, n))

    # Required hours: −Σ_t x[y,r,t] ≤ −required[y,r].
    rows = np.repeat(np.arange(n_y * n_r), n_t)
    problem.add(REQUIRED, matrix(rows, x_index.reshape(-1), -1.0, n_y * n_r), -required.ravel())
    agency = TYPES.index(ContractType.AGENCY.value)
    volunteer = TYPES.index(ContractType.VOLUNTEER.value)
    permanent = [TYPES.index(c.value) for c in PERMANENT]
    role_index = {r: i for i, r in enumerate(roles)}
    capped_volunteers: set[int] = set()
    for t in targets.itertuples(index=False):
        scope = (
            np.arange(n_r)
            if t.role == ALL_ROLES
            else np.array([role_index[t.role]] if t.role in role_index else [], dtype=int)
        )
        if not len(scope):
            continue
        where = "whole organisation" if t.role == ALL_ROLES else t.role
        kind = TargetKind(t.kind)
        years = np.arange(n_y)[:, None, None]
        every = x_index[:, scope, :]  # years x scope x types
        year_rows = np.broadcast_to(years, every.shape)
        if kind in (TargetKind.MAX_AGENCY_SHARE, TargetKind.MIN_PERMANENT_SHARE):
            chosen = [agency] if kind == TargetKind.MAX_AGENCY_SHARE else permanent
            # agency − share × all ≤ 0; share × all − permanent ≤ 0 (each year, roles in scope)
            sign = 1.0 if kind == TargetKind.MAX_AGENCY_SHARE else -1.0
            weights = np.full(every.shape, -sign * t.value)
            weights[:, :, chosen] += sign
            name = (
                f"maximum agency share {t.value:.0%} ({where})"
                if kind == TargetKind.MAX_AGENCY_SHARE
                else f"minimum permanent share {t.value:.0%} ({where})"
            )
            problem.add(name, matrix(year_rows, every, weights, n_y), np.zeros(n_y))
        elif kind == TargetKind.MAX_HOURS:
            column = TYPES.index(t.detail)
            picked = x_index[:, scope, column]
            rows_ = np.broadcast_to(np.arange(n_y)[:, None], picked.shape)
            problem.add(
                f"maximum {t.detail} hours {t.value:g} a week ({where})",
                matrix(rows_, picked, 1.0, n_y),
                np.full(n_y, t.value),
            )
            if t.detail == ContractType.VOLUNTEER.value:
                capped_volunteers.update(scope.tolist())
        # skill shares are met by the demand itself (it is stated by skill level)
    # Volunteers give the hours they give: no more than now unless a target says otherwise.
    free = np.array([r for r in range(n_r) if r not in capped_volunteers], dtype=int)
    if len(free):
        picked = x_index[:, free, volunteer].reshape(-1)
        problem.add(
            "volunteer hours no more than volunteers give now",
            matrix(np.arange(len(picked)), picked, 1.0, len(picked)),
            np.tile(hours_now[free, volunteer], n_y),
        )
    substantive = [TYPES.index(c.value) for c in SUBSTANTIVE]
    _substantive_dynamics(
        problem, a, turnover, hours_now, required, x_index, r_index, substantive, n
    )
    for year, budget in a.budgets.items():
        y = year - 1
        problem.add(
            f"staff budget for year {year} (£{budget:,.0f})",
            sparse.csr_matrix(
                (
                    cost.reshape(-1) * WEEKS_PER_YEAR,
                    (np.zeros(n_r * n_t, dtype=int), x_index[y].ravel()),
                ),
                shape=(1, n),
            ),
            [budget],
        )
    result = problem.solve()
    if result.status == 0:
        return _found(result.x, roles, required, cost, x_index, r_index, a)
    if result.status != 2:
        return OptimisedMix(
            False,
            pd.DataFrame(),
            np.nan,
            f"The optimiser stopped without an answer: {result.message}",
        )
    conflicts = _conflicting_groups(problem)
    shortfall = _shortfall(problem, conflicts, roles, required, x_index, n)
    listed = "; ".join(conflicts)
    message = (
        "No mix meets every constraint. These constraints conflict (relaxing any one of them "
        f"makes a mix possible): {listed}."
    )
    if shortfall is not None and len(shortfall):
        worst = shortfall.sort_values("hours_short", ascending=False).drop_duplicates("role")
        short = ", ".join(
            f"{r} ({h:,.1f} hours a week short in year {y})"
            for r, y, h in worst.head(5).itertuples(index=False)
        )
        message += f" Roles that cannot be covered: {short}."
    return OptimisedMix(False, pd.DataFrame(), np.nan, message, conflicts, shortfall)


def _substantive_dynamics(
    problem: _Problem,
    a: Assumptions,
    turnover: np.ndarray,
    hours_now: np.ndarray,
    required: np.ndarray,
    x_index: np.ndarray,
    r_index: np.ndarray,
    substantive: list[int],
    n: int,
) -> None:
    """Substantive hours each year from those in post, turnover, recruits and the time to
    recruit; and the recruitment capacity each year."""
    n_y, n_r = r_index.shape
    keep = 1 - turnover  # the share of a year's permanent hours still in post a year later
    # Leavers go through the year, so those in post at its start work 1 − turnover ÷ 2 of it
    # on average; a recruit starts after the time to recruit at the soonest.
    average = 1 - turnover / 2
    lead = min(1.0, a.weeks_to_recruit / WEEKS_PER_YEAR)
    perm_now = hours_now[:, substantive].sum(axis=1)
    rows, cols, values = [], [], []
    for y in range(n_y):
        for p in substantive:
            rows.append(y * n_r + np.arange(n_r))
            cols.append(x_index[y, :, p])
            values.append(np.ones(n_r))
        for k in range(y + 1):
            share = (1 - lead) * np.ones(n_r) if k == y else keep ** (y - 1 - k) * average
            rows.append(y * n_r + np.arange(n_r))
            cols.append(r_index[k])
            values.append(-share)
    problem.add(
        "substantive staff available (permanent and fixed-term: those in post less each "
        f"year's turnover, and recruits only after the {a.weeks_to_recruit:g} weeks to "
        "recruit)",
        sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n_y * n_r, n),
        ),
        np.concatenate([perm_now * keep**y * average for y in range(n_y)]),
    )
    # A role no one holds yet recruits against the hours it needs in year 1 instead.
    current = hours_now.sum(axis=1)
    base = np.where(current > 0, current, required[0])
    problem.add(
        f"recruitment capacity (at most {a.recruitment_rate:.0%} of current hours recruited "
        "each year)",
        sparse.csr_matrix(
            (np.ones(n_y * n_r), (np.arange(n_y * n_r), r_index.reshape(-1))),
            shape=(n_y * n_r, n),
        ),
        np.tile(a.recruitment_rate * base, n_y),
    )


def _found(
    x: np.ndarray,
    roles: pd.Index,
    required: np.ndarray,
    cost: np.ndarray,
    x_index: np.ndarray,
    r_index: np.ndarray,
    a: Assumptions,
) -> OptimisedMix:
    n_y, n_r, n_t = x_index.shape
    hours = x[x_index].reshape(n_y * n_r, n_t)
    hours = np.where(hours > 1e-7, hours, 0.0)
    index = pd.MultiIndex.from_product([range(1, n_y + 1), roles], names=["year", "role"])
    frame = pd.DataFrame(hours, index=index, columns=TYPES)
    weekly = (hours.reshape(n_y, n_r, n_t) * cost[None, :, :]).sum(axis=(1, 2))
    annual = pd.Series(weekly * WEEKS_PER_YEAR, index=range(1, n_y + 1), name="annual_cost")
    recruited = pd.DataFrame(
        {"recruited_hours": np.where(x[r_index] > 1e-7, x[r_index], 0.0).reshape(-1)},
        index=index,
    )
    message = (
        f"Least-cost mix over {n_y} years found: £{annual.iat[0]:,.0f} in year 1 "
        f"(£{weekly[0]:,.0f} a week for {required[0].sum():,.1f} required hours a week), "
        f"£{annual.sum():,.0f} over the plan"
    )
    if a.budgets:
        message += " within the staff budget of " + ", ".join(
            f"year {y} (£{b:,.0f})" for y, b in a.budgets.items()
        )
    return OptimisedMix(
        True, frame, float(weekly[0]), message + ".", annual_cost=annual, recruited=recruited
    )


def _conflicting_groups(problem: _Problem) -> list[str]:
    """Deletion filter: drop each group in turn; keep it only if dropping it cures the conflict."""
    zero = np.zeros_like(problem.cost)
    keep = list(problem.groups)
    for group in list(keep):
        trial = [g for g in keep if g != group]
        if problem.solve(trial, c=zero).status == 2:
            keep = trial
    return keep


def _shortfall(
    problem: _Problem,
    conflicts: list[str],
    roles: pd.Index,
    required: np.ndarray,
    x_index: np.ndarray,
    n: int,
) -> pd.DataFrame | None:
    """The hours each role is short at best each year, with required hours made elastic."""
    if REQUIRED not in conflicts:
        return None
    n_y, n_r, n_t = x_index.shape
    m = n_y * n_r
    others = [g for g in problem.groups if g != REQUIRED]
    rows = [problem.rows[i] for g in others for i in problem.groups[g]]
    limits = [problem.limits[i] for g in others for i in problem.groups[g]]
    widened = [sparse.hstack([r, sparse.csr_matrix((r.shape[0], m))]) for r in rows]
    # covered[y,r] ≤ Σ_t x[y,r,t]  and covered[y,r] ≤ required[y,r]
    link = sparse.hstack(
        [
            sparse.csr_matrix(
                (-np.ones(n_y * n_r * n_t), (np.repeat(np.arange(m), n_t), x_index.reshape(-1))),
                shape=(m, n),
            ),
            sparse.identity(m, format="csr"),
        ]
    )
    a_ub = sparse.vstack([*widened, link]).tocsr()
    b_ub = np.concatenate([*limits, np.zeros(m)])
    bounds = [(0, None)] * n + [(0, h) for h in required.ravel()]
    c = np.concatenate([np.zeros(n), -np.ones(m)])
    result = _linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds)
    if result.status != 0:
        return None
    short = required.ravel() - result.x[n:]
    frame = pd.DataFrame(
        {
            "role": np.tile(roles.to_numpy(), n_y),
            "year": np.repeat(np.arange(1, n_y + 1), n_r),
            "hours_short": short,
        }
    )
    return (
        frame[frame["hours_short"] > 1e-6]
        .sort_values(["hours_short", "year"], ascending=[False, True])
        .reset_index(drop=True)
    )
