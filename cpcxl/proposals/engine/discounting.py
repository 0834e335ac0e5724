"""Discounting to present values: HM Treasury Green Book (2022), annex A6 discount rates."""

from __future__ import annotations

import functools

import numpy as np

from cpcxl.common.errors import InputError

from ..models import SCHEDULES, Schedule

#: (last year of the period, rate) for each period; None is "every later year".
#: Standard: the social time preference rate. Health: the Green Book's reduced rate for
#: health and life values (1.5% excluding the wealth effect), which declines in the same
#: proportion as the standard rate: 1.50%, 1.29%, 1.07%, 0.86%, 0.64%, 0.43%.
RATE_BANDS: dict[Schedule, tuple[tuple[int | None, float], ...]] = {
    Schedule.STANDARD: (
        (30, 0.035),
        (75, 0.030),
        (125, 0.025),
        (200, 0.020),
        (300, 0.015),
        (None, 0.010),
    ),
    Schedule.HEALTH: (
        (30, 0.015),
        (75, 0.0129),
        (125, 0.0107),
        (200, 0.0086),
        (300, 0.0064),
        (None, 0.0043),
    ),
}


def schedule_of(value: str | Schedule) -> Schedule:
    """A discount schedule by name ('standard', 'Health', ...); an unknown one is refused."""
    schedule: Schedule = SCHEDULES.parse(value)
    return schedule


def rates(last_year: int, schedule: str | Schedule = Schedule.STANDARD) -> np.ndarray:
    """The rate that discounts each year 1..last_year back to the year before it."""
    years = np.arange(1, last_year + 1)
    out = np.empty(last_year, dtype=float)
    start = 0
    for end, rate in RATE_BANDS[schedule_of(schedule)]:
        mask = years > start if end is None else (years > start) & (years <= end)
        out[mask] = rate
        start = end if end is not None else start
    return out


@functools.lru_cache(maxsize=32)
def _factors(last_year: int, schedule: Schedule) -> np.ndarray:
    # Year 0 is undiscounted; each later year divides by (1 + that year's rate), so a
    # factor is the product across the periods: year 31 is 1/(1.035**30 * 1.03).
    factors = np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates(last_year, schedule)))))
    factors.flags.writeable = False
    return factors


def discount_factors(last_year: int, schedule: str | Schedule = Schedule.STANDARD) -> np.ndarray:
    """Discount factors for years 0..last_year."""
    if last_year < 0:
        raise InputError("the last year must be 0 or later")
    return _factors(int(last_year), schedule_of(schedule))


#: Factors for years 0 to this are worked once per schedule and looked up: one year's
#: factor is the same whatever the length of the vector it comes from (a running product).
_LOOKUP_YEARS = 1000


def discount_factor(year: float, schedule: str | Schedule = Schedule.STANDARD) -> float:
    """The Green Book discount factor for one whole year from year 0."""
    if not float(year).is_integer() or year < 0:
        raise InputError(
            f"year {year:g} is not a whole number of years from year 0",
            valid="0, 1, 2, ... (year 0 is the present)",
        )
    return float(discount_factors(max(int(year), _LOOKUP_YEARS), schedule)[int(year)])
