"""Forecast outturn from actuals to date, by a stated method (CPC 509 C3-C5).

``profile``: the actuals to date plus the budget still to be spent as profiled (flat, twelve
equal parts, unless a profile of weights is given). ``run_rate``: the actuals to date scaled
to the whole year. Budget £1,200 with six months of actuals adding up to £690: flat profile,
690 + 1,200 × 6/12 = £1,290; run rate, 690 × 12/6 = £1,380. Pure numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cpcxl.common.errors import InputError

from ..models import ForecastMethod

#: A year has twelve months or four quarters: a range of actuals is one or the other.
PERIOD_COUNTS = (12, 4)


def periods_closed(actuals: np.ndarray) -> int:
    """How many periods are closed: up to the last one with an actual (a blank before it is a
    period with nothing spent; blanks after it are periods not yet closed)."""
    given = np.flatnonzero(~np.isnan(np.asarray(actuals, dtype=float)))
    return int(given[-1]) + 1 if given.size else 0


def check_profile(profile: Sequence[float] | np.ndarray | None, periods: int) -> np.ndarray:
    """The profile's weights for a year of ``periods`` (flat when None), or why they will not
    do: one weight a period, none blank or negative, adding up to more than zero."""
    if profile is None:
        return np.ones(periods)
    weights = np.asarray(profile, dtype=float).reshape(-1)
    given = int((~np.isnan(weights)).sum())
    if weights.size != periods or given != periods:
        raise InputError(
            f"the profile has {given} weight{'s' if given != 1 else ''} but the year has "
            f"{periods} periods",
            valid=f"{periods} weights, one a period (0 for a period with nothing to spend)",
        )
    if (weights < 0).any():
        raise InputError("a profile weight is negative", valid="weights of 0 or more")
    if weights.sum() <= 0:
        raise InputError(
            "the profile's weights add up to 0, so they spread nothing",
            valid="weights that add up to more than zero",
        )
    return weights


def remaining_share(weights: np.ndarray) -> np.ndarray:
    """For each number of periods closed (0 to all, the last axis), the part of the year's
    budget profiled for the periods still to come: Σ weights after / Σ weights."""
    w = np.asarray(weights, dtype=float)
    suffix = np.concatenate(
        [np.cumsum(w[..., ::-1], axis=-1)[..., ::-1], np.zeros((*w.shape[:-1], 1))], axis=-1
    )
    return suffix / w.sum(axis=-1, keepdims=True)


def outturn(
    budget: float,
    actuals: Sequence[float] | np.ndarray,
    method: ForecastMethod = ForecastMethod.PROFILE,
    profile: Sequence[float] | np.ndarray | None = None,
) -> float:
    """The forecast outturn of a year's ``budget`` from its ``actuals`` (one a period, NaN for
    a period not yet closed), by ``method``, with ``profile`` (one weight a period; flat when
    None) for the profile method. With nothing closed yet, the forecast is the budget."""
    values = np.asarray(actuals, dtype=float).reshape(-1)
    periods = values.size
    if periods not in PERIOD_COUNTS:
        raise InputError(
            f"the actuals have {periods} periods",
            valid="12 months or 4 quarters, a blank for each period not yet closed",
        )
    closed = periods_closed(values)
    spent = float(np.nansum(values[:closed]))
    if method is ForecastMethod.RUN_RATE:
        return spent * periods / closed if closed else float(budget)
    weights = check_profile(profile, periods)
    return spent + float(budget) * float(remaining_share(weights)[closed])


def forecast_grid(
    budget: np.ndarray,
    to_date: np.ndarray,
    run_rate: np.ndarray,
    weights: np.ndarray,
    periods: int,
) -> np.ndarray:
    """Forecasts of many lines at once, as at each number of periods closed.

    ``budget`` (n,); ``to_date`` (n, m + 1): the actuals to date after 0 to m periods;
    ``run_rate`` (n,) True where the method is the run rate; ``weights`` (n, periods) the
    profiles. Returns (n, m + 1): the forecast as at each period (nothing closed: the budget).
    """
    m = to_date.shape[1] - 1
    closed = np.arange(m + 1)
    profiled = to_date + budget[:, None] * remaining_share(weights)[:, : m + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(closed > 0, to_date * periods / np.maximum(closed, 1), budget[:, None])
    return np.where(run_rate[:, None], rate, profiled)
