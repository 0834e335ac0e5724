"""The best set of proposals within yearly budgets: an exact mixed-integer programme."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from cpcxl.common.limits import check_time

#: Seconds the solver may search for the best set before it answers with the best found so
#: far, marked not proven optimal: a local choice, within the add-in server's 30-second limit
#: for one call (issue 12 case 3). Rounds of a few dozen proposals solve in milliseconds.
SOLVER_TIME_LIMIT = 20.0


@dataclass
class Portfolio:
    chosen: list[str]
    value: float
    spend: list[float]
    budgets: list[float]
    left_out: dict[str, str]
    solved: bool = True


def choose_portfolio(
    values: npt.ArrayLike,
    costs: npt.ArrayLike,
    budgets: npt.ArrayLike,
    eligible: npt.ArrayLike | None = None,
    *,
    time_limit: float = SOLVER_TIME_LIMIT,
) -> tuple[np.ndarray, bool]:
    """The exact best set: maximise Σ value subject to Σ cost ≤ budget in each year (MILP).

    ``costs`` is (proposals × budget years). Returns a 0/1 choice and whether it is optimal
    (False when the solver stopped at ``time_limit`` seconds with the best set found so far).
    """
    check_time()
    values = np.asarray(values, dtype=float)
    n = len(values)
    b = np.asarray(budgets, dtype=float)
    spend = np.asarray(costs, dtype=float)[:, : len(b)]
    if spend.shape[1] < len(b):
        spend = np.pad(spend, ((0, 0), (0, len(b) - spend.shape[1])))
    allowed = np.ones(n, bool) if eligible is None else np.asarray(eligible, bool)
    allowed &= values > 0  # a proposal that adds no value is never worth a place
    if n == 0 or not allowed.any():
        return np.zeros(n, bool), True
    result = milp(
        c=-values,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), allowed.astype(float)),
        constraints=LinearConstraint(spend.T, -np.inf, b),
        options={"time_limit": time_limit},
    )
    check_time()
    if result.x is None:
        return np.zeros(n, bool), False
    return result.x > 0.5, bool(result.success)
