"""The least-cost mix of contract types by linear programming (SciPy's HiGHS), and, when no
mix meets every constraint, the smallest set of constraints that conflict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from cpcxl.common.limits import check_time

from ..models import ALL_ROLES, PERMANENT, Assumptions, ContractType, TargetKind
from .fte import active_staff, demand_by_year, required_from_hours, with_fte
from .mix import TYPES, hourly_costs

#: Seconds one solve may take (a local limit: the largest plan benchmarked, 200 roles × 7
#: contract types, solves in 0.05 s). Each solve first checks the call's own time limit.
LP_TIME_LIMIT = 10.0


def _linprog(*args: Any, **kwargs: Any) -> Any:
    """SciPy's HiGHS, stopped at :data:`LP_TIME_LIMIT` (status 1) and never started past the
    server's time limit for the call."""
    check_time()
    return linprog(*args, method="highs", options={"time_limit": LP_TIME_LIMIT}, **kwargs)


@dataclass
class OptimisedMix:
    feasible: bool
    hours: pd.DataFrame  # role x contract type weekly hours (empty when infeasible)
    weekly_cost: float
    message: str
    conflicts: list[str] = field(default_factory=list)
    shortfall: pd.DataFrame | None = None  # role, hours short at best, when infeasible


@dataclass
class _Problem:
    cost: np.ndarray
    rows: list[sparse.csr_matrix]
    limits: list[np.ndarray]
    groups: dict[str, list[int]]  # group name -> indices into rows

    def solve(self, keep: list[str] | None = None, c: np.ndarray | None = None) -> Any:
        chosen = [i for g in (keep if keep is not None else self.groups) for i in self.groups[g]]
        if chosen:
            a_ub = sparse.vstack([self.rows[i] for i in chosen]).tocsr()
            b_ub = np.concatenate([self.limits[i] for i in chosen])
        else:
            a_ub, b_ub = None, None
        return _linprog(self.cost if c is None else c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None))


def optimise_mix(
    staff: pd.DataFrame, demand: pd.DataFrame, targets: pd.DataFrame, a: Assumptions
) -> OptimisedMix:
    """Weekly hours by contract type for each role, meeting required hours at least cost.

    Constraints, each a named group: required hours (demand now with headroom); each target
    (agency maximum, permanent minimum, maximum hours of a contract type); volunteer hours no
    more than volunteers give now; permanent hours growing by no more than the recruitment
    rate allows. When no mix meets them all, groups are relaxed one at a time to find the
    smallest set that conflicts, and the message names it.
    """
    live = with_fte(active_staff(staff, a.plan_start), a)
    needed = demand_by_year(demand, a).groupby("role", sort=True)["year_0"].sum()
    roles = needed.index
    n_r, n_t = len(roles), len(TYPES)
    if not n_r:
        return OptimisedMix(True, pd.DataFrame(columns=TYPES), 0.0, "No demand: no mix to find.")
    n = n_r * n_t
    required_hours = required_from_hours(needed.to_numpy(dtype=float), a) * a.standard_hours
    cost = hourly_costs(live, roles, a).reshape(-1)
    hours_now = (
        live.groupby(["role", "contract_type"])["total_hours"]
        .sum()
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .fillna(0.0)
        .to_numpy()
    )

    def var(r: Any, t: Any) -> Any:
        return r * n_t + t

    all_r = np.arange(n_r)
    problem = _Problem(cost, [], [], {})

    def add(group: str, matrix: sparse.spmatrix, limit: np.ndarray) -> None:
        problem.groups.setdefault(group, []).append(len(problem.rows))
        problem.rows.append(sparse.csr_matrix(matrix))
        problem.limits.append(np.asarray(limit, dtype=float))

    # Required hours: −Σ_t x[r,t] ≤ −required[r].
    cover = sparse.csr_matrix((-np.ones(n), (np.repeat(all_r, n_t), np.arange(n))), shape=(n_r, n))
    add("required hours (every role)", cover, -required_hours)
    agency, volunteer = (
        TYPES.index(ContractType.AGENCY.value),
        TYPES.index(ContractType.VOLUNTEER.value),
    )
    permanent = [TYPES.index(c.value) for c in PERMANENT]
    role_index = {r: i for i, r in enumerate(roles)}
    capped_volunteers = set()
    for t in targets.itertuples(index=False):
        scope = (
            all_r
            if t.role == ALL_ROLES
            else np.array([role_index[t.role]] if t.role in role_index else [], dtype=int)
        )
        if not len(scope):
            continue
        where = "whole organisation" if t.role == ALL_ROLES else t.role
        row = np.zeros(n)
        kind = TargetKind(t.kind)
        if kind == TargetKind.MAX_AGENCY_SHARE:
            # agency − share × all ≤ 0 over the roles in scope
            for r in scope:
                row[var(r, np.arange(n_t))] -= t.value
                row[var(r, agency)] += 1
            name = f"maximum agency share {t.value:.0%} ({where})"
            limit = [0.0]
        elif kind == TargetKind.MIN_PERMANENT_SHARE:
            for r in scope:
                row[var(r, np.arange(n_t))] += t.value
                for p in permanent:
                    row[var(r, p)] -= 1
            name = f"minimum permanent share {t.value:.0%} ({where})"
            limit = [0.0]
        elif kind == TargetKind.MAX_HOURS:
            row[var(scope, TYPES.index(t.detail))] = 1
            name = f"maximum {t.detail} hours {t.value:g} a week ({where})"
            limit = [t.value]
            if t.detail == ContractType.VOLUNTEER.value:
                capped_volunteers.update(scope.tolist())
        else:
            continue  # skill shares are met by the demand itself (it is by skill level)
        add(name, sparse.csr_matrix(row), np.array(limit))
    # Volunteers give the hours they give: no more than now unless a target says otherwise.
    free = np.array([r for r in all_r if r not in capped_volunteers], dtype=int)
    if len(free):
        add(
            "volunteer hours no more than volunteers give now",
            sparse.csr_matrix(
                (np.ones(len(free)), (np.arange(len(free)), var(free, volunteer))),
                shape=(len(free), n),
            ),
            hours_now[free, volunteer],
        )
    # Permanent hours can grow only as fast as people can be recruited.
    perm_now = hours_now[:, permanent].sum(axis=1)
    # A role no one holds yet recruits against the hours it needs instead.
    base = np.where(hours_now.sum(axis=1) > 0, hours_now.sum(axis=1), required_hours)
    rows_ = np.repeat(all_r, len(permanent))
    cols_ = var(all_r[:, None], np.array(permanent)[None, :]).reshape(-1)
    add(
        f"recruitment capacity (permanent hours up by at most {a.recruitment_rate:.0%} of "
        "current hours a year)",
        sparse.csr_matrix((np.ones(len(rows_)), (rows_, cols_)), shape=(n_r, n)),
        perm_now + a.recruitment_rate * base,
    )

    result = problem.solve()
    if result.status == 0:
        hours = pd.DataFrame(result.x.reshape(n_r, n_t), index=roles, columns=TYPES)
        hours = hours.where(hours > 1e-7, 0.0)
        return OptimisedMix(
            True,
            hours,
            float(result.fun),
            f"Least-cost mix found: £{result.fun:,.0f} a week for {required_hours.sum():,.1f} "
            "required hours a week.",
        )
    if result.status != 2:
        return OptimisedMix(
            False,
            pd.DataFrame(),
            np.nan,
            f"The optimiser stopped without an answer: {result.message}",
        )
    conflicts = _conflicting_groups(problem)
    shortfall = _shortfall(problem, conflicts, roles, n_r, n_t, required_hours)
    listed = "; ".join(conflicts)
    message = (
        "No mix meets every constraint. These constraints conflict (relaxing any one of them "
        f"makes a mix possible): {listed}."
    )
    if shortfall is not None and len(shortfall):
        short = ", ".join(
            f"{r} ({h:,.1f} hours a week short)"
            for r, h in shortfall.head(5).itertuples(index=False)
        )
        message += f" Roles that cannot be covered: {short}."
    return OptimisedMix(False, pd.DataFrame(), np.nan, message, conflicts, shortfall)


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
    n_r: int,
    n_t: int,
    required_hours: np.ndarray,
) -> pd.DataFrame | None:
    """The hours each role is short at best, with required hours made elastic."""
    cover_group = "required hours (every role)"
    if cover_group not in conflicts:
        return None
    others = [g for g in problem.groups if g != cover_group]
    # Maximise covered hours per role, capped at the requirement: x plus n_r 'covered' vars.
    n = n_r * n_t
    rows = [problem.rows[i] for g in others for i in problem.groups[g]]
    limits = [problem.limits[i] for g in others for i in problem.groups[g]]
    widened = [sparse.hstack([m, sparse.csr_matrix((m.shape[0], n_r))]) for m in rows]
    # covered[r] ≤ Σ_t x[r,t]  and covered[r] ≤ required[r]
    link = sparse.hstack(
        [
            sparse.csr_matrix(
                (-np.ones(n), (np.repeat(np.arange(n_r), n_t), np.arange(n))), shape=(n_r, n)
            ),
            sparse.identity(n_r, format="csr"),
        ]
    )
    a_ub = sparse.vstack([*widened, link]).tocsr()
    b_ub = np.concatenate([*limits, np.zeros(n_r)])
    bounds = [(0, None)] * n + [(0, h) for h in required_hours]
    c = np.concatenate([np.zeros(n), -np.ones(n_r)])
    result = _linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds)
    if result.status != 0:
        return None
    short = required_hours - result.x[n:]
    frame = pd.DataFrame({"role": roles, "hours_short": short})
    return frame[frame["hours_short"] > 1e-6].sort_values("hours_short", ascending=False)
