"""What employing someone costs: pay, employer National Insurance above the threshold, the
employer's pension by scheme and the apprenticeship levy (issue 18), for each staff record.

An employee's hourly pay is their record's, or where blank their role's pay from the Pay
sheet. National Insurance and a pension's limits are per person, so each record is costed
for one of its people at their own hours. Agency and contractors' staff are bought in: their
recorded hourly amount is the whole charge, on-costs and fee included.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..models import (
    BOUGHT_IN,
    EMPLOYED,
    WEEKS_PER_YEAR,
    Assumptions,
    Employer,
    LevyRule,
    PaySetup,
)
from .fte import with_fte

#: The employers whose pay bill is the organisation's own (the levy falls on it).
OWN_EMPLOYERS = (Employer.IN_HOUSE.value, Employer.NHS.value)


def employment_cost(
    annual_pay: Any, pension_rate: Any = 0.0, ni_rate: Any = 0.15, ni_threshold: Any = 5000.0
) -> Any:
    """Pay + employer National Insurance on pay above the threshold + pension on pay.

    30,000 → 30,000 + 15% × 25,000 = 33,750; with a 20% pension, + 6,000 = 39,750.
    """
    pay = np.asarray(annual_pay, dtype=float)
    return pay + np.asarray(ni_rate) * np.maximum(pay - ni_threshold, 0.0) + pension_rate * pay


def pensionable(pay: Any, low: Any, high: Any) -> np.ndarray:
    """The pay a scheme's rate applies to: all of it, or between its limits (automatic
    enrolment's qualifying earnings: £6,240 to £50,270 in 2025/26). A blank limit is NaN."""
    pay = np.asarray(pay, dtype=float)
    low = np.nan_to_num(np.asarray(low, dtype=float), nan=0.0)
    high = np.asarray(high, dtype=float)
    high = np.where(np.isnan(high), np.inf, high)
    return np.maximum(np.minimum(pay, high) - low, 0.0)


def levy_rate(annual_pay: np.ndarray, own: np.ndarray, setup: PaySetup) -> float:
    """The levy as a share of the organisation's own pay bill (In-house and NHS staff).

    Automatic: 0.5% of the bill less the £15,000 allowance, so nothing on a bill of £3
    million or less; Yes: 0.5% of all of it (the allowance is used elsewhere in the
    organisation); No: none.
    """
    c = setup.on_costs
    if c.levy == LevyRule.NO:
        return 0.0
    if c.levy == LevyRule.YES:
        return c.levy_rate
    bill = float(annual_pay[own].sum())
    return max(0.0, c.levy_rate * bill - c.levy_allowance) / bill if bill > 0 else 0.0


def scheme_of(staff: pd.DataFrame, setup: PaySetup) -> np.ndarray:
    """Each record's pension scheme: its role's on the Pay sheet, else by who employs it."""
    c = setup.on_costs
    employer = staff["employer"].to_numpy()
    by_employer = np.where(
        employer == Employer.NHS.value,
        c.nhs_scheme,
        np.where(employer == Employer.IN_HOUSE.value, c.in_house_scheme, c.provider_scheme),
    )
    chosen = setup.roles.set_index("role")["scheme"] if len(setup.roles) else pd.Series()
    own = staff["role"].map(chosen).to_numpy(dtype=object)
    return np.where(pd.isna(own), by_employer, own)


def role_hourly_pay(setup: PaySetup) -> pd.Series:
    """Each Pay sheet role's hourly pay: annual pay ÷ (full-time hours × 52.143)."""
    roles = setup.roles
    if not len(roles):
        return pd.Series(dtype=float)
    hourly = roles["annual_pay"].to_numpy(dtype=float) / (
        roles["hours"].to_numpy(dtype=float) * WEEKS_PER_YEAR
    )
    return pd.Series(hourly, index=roles["role"].to_numpy())


def costed(staff: pd.DataFrame, setup: PaySetup, a: Assumptions) -> pd.DataFrame:
    """Staff records with FTE and what each costs: ``pay_hourly`` (the record's, else its
    role's from the Pay sheet), ``pay_source``, and for one of its people a year
    ``annual_pay``, ``employer_ni``, ``pension``, ``levy``; then ``cost_hourly`` (with
    on-costs), ``weekly_pay`` and ``weekly_cost`` for all its people. Unpriced: NaN."""
    live = with_fte(staff, a)
    contract = live["contract_type"].to_numpy()
    employed = np.isin(contract, [c.value for c in EMPLOYED])
    bought = np.isin(contract, [c.value for c in BOUGHT_IN])
    own_pay = live["hourly_pay"].to_numpy(dtype=float)
    role_pay = live["role"].map(role_hourly_pay(setup)).to_numpy(dtype=float)
    from_role = np.isnan(own_pay) & employed & ~np.isnan(role_pay)
    pay = np.where(from_role, role_pay, own_pay)
    hours = live["hours"].to_numpy(dtype=float)
    annual = np.where(employed, pay * hours * WEEKS_PER_YEAR, 0.0)
    schemes = setup.schemes.set_index("scheme")
    scheme = scheme_of(live, setup)
    rate = pd.Series(scheme).map(schemes["rate"]).to_numpy(dtype=float)
    low = pd.Series(scheme).map(schemes["low"]).to_numpy(dtype=float)
    high = pd.Series(scheme).map(schemes["high"]).to_numpy(dtype=float)
    c = setup.on_costs
    annual0 = np.nan_to_num(annual)
    ni = np.where(employed, c.ni_rate * np.maximum(annual0 - c.ni_threshold, 0.0), 0.0)
    pension = np.where(employed, np.nan_to_num(rate) * pensionable(annual0, low, high), 0.0)
    own = employed & np.isin(live["employer"].to_numpy(), OWN_EMPLOYERS)
    people = live["count"].to_numpy(dtype=float)
    levy = np.where(own, levy_rate(annual0 * people, own, setup) * annual0, 0.0)
    yearly_hours = hours * WEEKS_PER_YEAR
    with np.errstate(invalid="ignore", divide="ignore"):
        on_costs_hourly = np.where(yearly_hours > 0, (ni + pension + levy) / yearly_hours, 0.0)
    cost_hourly = np.where(employed, pay + on_costs_hourly, pay)
    total = live["total_hours"].to_numpy(dtype=float)
    return live.assign(
        pay_hourly=pay,
        pay_source=np.where(
            from_role, "the Pay sheet", np.where(np.isnan(pay), "none", "the staff record")
        ),
        scheme=np.where(employed, scheme, ""),
        annual_pay=np.where(employed, annual, np.nan),
        employer_ni=ni,
        pension=pension,
        levy=levy,
        cost_hourly=cost_hourly,
        bought_in=bought,
        weekly_pay=np.nan_to_num(pay) * total,
        weekly_cost=np.nan_to_num(cost_hourly) * total,
    )


def organisation_levy(live: pd.DataFrame, setup: PaySetup) -> float:
    """The levy as a share of the organisation's own pay bill, for costed records."""
    employed = np.isin(live["contract_type"].to_numpy(), [c.value for c in EMPLOYED])
    own = employed & np.isin(live["employer"].to_numpy(), OWN_EMPLOYERS)
    annual = np.nan_to_num(live["annual_pay"].to_numpy(dtype=float))
    return levy_rate(annual * live["count"].to_numpy(dtype=float), own, setup)


def role_cost(
    annual_pay: np.ndarray,
    hours: np.ndarray,
    scheme: np.ndarray,
    own: np.ndarray,
    levy: float,
    setup: PaySetup,
) -> np.ndarray:
    """The cost an hour with on-costs of a full-time post on ``annual_pay`` for ``hours``."""
    schemes = setup.schemes.set_index("scheme")
    rate = pd.Series(scheme).map(schemes["rate"]).to_numpy(dtype=float)
    low = pd.Series(scheme).map(schemes["low"]).to_numpy(dtype=float)
    high = pd.Series(scheme).map(schemes["high"]).to_numpy(dtype=float)
    c = setup.on_costs
    cost = (
        annual_pay
        + c.ni_rate * np.maximum(annual_pay - c.ni_threshold, 0.0)
        + np.nan_to_num(rate) * pensionable(annual_pay, low, high)
        + np.where(own, levy * annual_pay, 0.0)
    )
    return cost / (hours * WEEKS_PER_YEAR)
