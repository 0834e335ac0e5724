"""Green Book appraisal: optimism bias, present values, NPSV, BCR, IRR, payback, switching.

Optimism bias follows HM Treasury's *Supplementary Green Book guidance: optimism bias* (2003),
whose table of recommended adjustment ranges is table 2 ("Optimism bias guidelines") of Mott
MacDonald, *Review of large public procurement in the UK* (for HM Treasury, July 2002).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from cpcxl.common.errors import InputError
from cpcxl.common.fields import percent_text
from cpcxl.common.limits import check_time

from ..models import PROJECT_TYPES, ProjectType, Schedule
from .discounting import discount_factors


@dataclass(frozen=True)
class OptimismBias:
    """Upper and lower bounds from the supplementary guidance (fractions)."""

    capital_upper: float
    capital_lower: float
    works_duration_upper: float | None
    works_duration_lower: float | None


#: Mott MacDonald (2002) table 2, as the supplementary guidance (2003) recommends it: the
#: capital-expenditure and works-duration bounds of each project type. An appraisal starts at
#: the upper bound and mitigation brings it down towards the lower bound, which the guidance
#: expects good risk management to reach by contract award. Outsourcing's 41% (0%) is the
#: guidance's figure for *operating* expenditure (the table's footnote: "measured for
#: operating expenditure"); it gives no capital figure for outsourcing, so cpcxl applies the
#: same bounds to an outsourcing project's capital costs (a local choice, rather than none).
OPTIMISM_BIAS: dict[ProjectType, OptimismBias] = {
    ProjectType.STANDARD_BUILDINGS: OptimismBias(0.24, 0.02, 0.04, 0.01),
    ProjectType.NON_STANDARD_BUILDINGS: OptimismBias(0.51, 0.04, 0.39, 0.02),
    ProjectType.STANDARD_CIVIL: OptimismBias(0.44, 0.03, 0.20, 0.01),
    ProjectType.NON_STANDARD_CIVIL: OptimismBias(0.66, 0.06, 0.25, 0.03),
    ProjectType.EQUIPMENT_DEVELOPMENT: OptimismBias(2.00, 0.10, 0.54, 0.10),
    ProjectType.OUTSOURCING: OptimismBias(0.41, 0.00, None, None),
}
#: Operating (revenue) costs of every project type: the guidance's one operating-expenditure
#: figure, 41% upper and 0% lower (measured on outsourcing projects). The capital bounds are
#: for capital costs only (issue 13 case 5).
OPERATING_OPTIMISM_BIAS = (0.41, 0.00)


def project_type_of(value: str | ProjectType) -> ProjectType:
    """A project type of the optimism-bias table by name; an unknown one is refused."""
    project_type: ProjectType = PROJECT_TYPES.parse(value)
    return project_type


def optimism_bias(
    project_type: str | ProjectType, mitigation: float = 0.0, *, operating: bool = False
) -> float:
    """The uplift on a proposal's capital costs (``operating``: on its revenue costs).

    Mitigation moves it from the upper bound towards the lower bound of the supplementary
    guidance, never below it: applied = upper - mitigation × (upper - lower). Full mitigation
    of equipment/development gives its lower bound of 10%, not 0% (issue 13 case 5).
    """
    if not 0 <= mitigation <= 1:
        raise InputError(
            f"mitigation {mitigation:g} is outside 0 to 1",
            valid="a fraction from 0 (none mitigated) to 1 (fully mitigated)",
            field="Mitigation",
        )
    bounds = OPTIMISM_BIAS[project_type_of(project_type)]
    upper, lower = (
        OPERATING_OPTIMISM_BIAS if operating else (bounds.capital_upper, bounds.capital_lower)
    )
    # upper - mitigation × (upper - lower), written so that none and full mitigation give
    # the bounds exactly.
    return upper * (1.0 - mitigation) + lower * mitigation


def with_optimism_bias(costs: np.ndarray, uplift: np.ndarray) -> np.ndarray:
    """Costs raised by each row's optimism bias: a cost (a positive amount) rises; a saving
    typed as a negative cost is left as it is, since optimism bias makes estimates of costs
    too low, never savings too small (Green Book supplementary guidance: the adjustment
    raises cost estimates). Issue 13 case 3."""
    return np.where(costs > 0, costs * (1.0 + uplift[:, None]), costs)


def _matrix(values: npt.ArrayLike, what: str, shape: tuple[int, ...] | None) -> np.ndarray:
    matrix = np.atleast_2d(np.asarray(values, dtype=float))
    if shape is not None and matrix.shape != shape:
        raise InputError(
            f"costs cover {shape[1]} years but {what} cover {matrix.shape[1]}"
            if matrix.shape[0] == shape[0]
            else f"there are {shape[0]} rows of costs but {matrix.shape[0]} of {what}",
            valid=f"costs and {what} over the same years, from year 0",
        )
    return matrix


def appraise(
    costs: npt.ArrayLike,
    benefits: npt.ArrayLike,
    *,
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: npt.ArrayLike = 0.0,
    index: Sequence[str] | None = None,
    health_benefits: npt.ArrayLike | None = None,
    operating_costs: npt.ArrayLike | None = None,
    operating_optimism_bias: npt.ArrayLike = 0.0,
    rates_of_return: bool = True,
) -> pd.DataFrame:
    """Present values, NPSV, BCR, IRR, discounted payback and switching values, one row each.

    ``costs``, ``benefits`` and ``health_benefits`` are (proposals × years) in real terms
    from year 0. Costs are discounted at the standard rate; ``benefits`` at the ``schedule``'s
    rate; ``health_benefits`` (health and life values) at the health rate, whatever the
    schedule (Green Book 2022, annex A6: the 1.5% schedule is for health and life values,
    costs and other benefits stay at the standard rate; issue 13 case 4). Each present value
    is one matrix product with a discount-factor vector.

    ``operating_costs`` (revenue costs), where given, are more costs raised by their own
    ``operating_optimism_bias``; ``costs`` are then the capital costs, raised by
    ``optimism_bias`` (issue 13 case 5: the capital bounds on capital, the operating bound on
    operating costs). With ``rates_of_return`` False the IRRs (a root-finding per proposal,
    the one costly step) are left out.
    """
    costs = _matrix(costs, "costs", None)
    benefits = _matrix(benefits, "benefits", costs.shape)
    health = (
        np.zeros_like(costs)
        if health_benefits is None
        else _matrix(health_benefits, "health benefits", costs.shape)
    )
    operating = (
        np.zeros_like(costs)
        if operating_costs is None
        else _matrix(operating_costs, "operating costs", costs.shape)
    )
    n, years = costs.shape
    if years == 0:
        raise InputError("there are no years to appraise", valid="amounts from year 0")
    uplift = np.broadcast_to(np.asarray(optimism_bias, dtype=float), (n,))
    operating_uplift = np.broadcast_to(np.asarray(operating_optimism_bias, dtype=float), (n,))
    cost_factors = discount_factors(years - 1, Schedule.STANDARD)
    benefit_factors = discount_factors(years - 1, schedule)
    health_factors = discount_factors(years - 1, Schedule.HEALTH)
    adjusted = with_optimism_bias(costs, uplift) + with_optimism_bias(operating, operating_uplift)
    pv_costs_raw = (costs + operating) @ cost_factors
    pv_costs = adjusted @ cost_factors
    pv_health = health @ health_factors
    pv_benefits = benefits @ benefit_factors + pv_health
    npsv = pv_benefits - pv_costs
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = np.where(pv_costs > 0, pv_benefits / pv_costs, np.nan)
        # How far benefits may fall (or costs rise) before the NPSV reaches zero.
        benefit_switch = np.where(pv_benefits > 0, npsv / pv_benefits, np.nan)
        cost_switch = np.where(pv_costs > 0, npsv / pv_costs, np.nan)
    net = benefits + health - adjusted
    irr_found: list[tuple[float, ...]] = []
    for row in net if rates_of_return else ():
        check_time()  # a polynomial root-finding per proposal: stop if the call is out of time
        irr_found.append(irr_rates(row))
    if not rates_of_return:
        irr_found = [()] * n
    cum_costs = np.cumsum(adjusted * cost_factors, axis=1)
    cum_benefits = np.cumsum(benefits * benefit_factors + health * health_factors, axis=1)
    # Discounted payback on the net flows (issue 13 case 7): the first year from which the
    # cumulative discounted benefits stay at or above the cumulative discounted costs, once
    # a cost has been incurred. Asking for cumulative costs above zero instead left it blank
    # when a later saving or receipt (a negative cost) took the cumulative costs below zero.
    incurred = np.cumsum(adjusted > 0, axis=1) > 0
    paid = (cum_benefits >= cum_costs) & incurred
    # Paid back for good: from that year on the cumulative position never falls back.
    later_unpaid = np.flip(np.cumsum(np.flip(~paid, axis=1), axis=1), axis=1) > 0
    settled = paid & ~np.concatenate([later_unpaid[:, 1:], np.zeros((n, 1), bool)], axis=1)
    payback = np.where(settled.any(axis=1), settled.argmax(axis=1), -1).astype(float)
    payback[payback < 0] = np.nan
    return pd.DataFrame(
        {
            "pv_costs_before_ob": pv_costs_raw,
            "optimism_bias": uplift,
            "operating_optimism_bias": operating_uplift,
            "pv_costs": pv_costs,
            "pv_benefits": pv_benefits,
            "pv_health_benefits": pv_health,
            "npsv": npsv,
            "bcr": bcr,
            "irr": [r[0] if len(r) == 1 else math.nan for r in irr_found],
            "irr_rates": irr_found,
            "payback_year": payback,
            "benefit_switching": benefit_switch,
            "cost_switching": cost_switch,
        },
        index=pd.Index(list(index) if index is not None else range(n), name="id"),
    )


#: Net flows smaller than this (half a penny) are nothing for the IRR; left in, a near-zero
#: first flow makes the polynomial overflow.
_PENNY = 0.005


def irr_rates(flows: npt.ArrayLike) -> tuple[float, ...]:
    """Every internal rate of return of yearly net flows from year 0, lowest first.

    A rate r (above -100%) is an IRR where Σ flow_t / (1 + r)^t = 0: the real positive roots
    y = 1/(1 + r) of Σ flow_t y^t, as numpy-financial's ``irr`` finds them. With one sign
    change in the flows there is exactly one (Descartes' rule of signs); with more there may
    be several (costs 100, 0, 132 against benefits 0, 230, 0 have 10% and 20%), and then no
    one rate describes the proposal. No sign change: none.
    """
    values = np.asarray(flows, dtype=float)
    values = np.where(np.abs(values) < _PENNY, 0.0, values)
    if not ((values > 0).any() and (values < 0).any()):
        return ()
    try:
        roots = np.roots(values[::-1])
    except np.linalg.LinAlgError:  # no roots could be found
        return ()
    # A root the solver gives with a trace of an imaginary part (a root touched twice) is real.
    real = roots[(np.abs(roots.imag) <= 1e-7 * np.maximum(1.0, np.abs(roots))) & (roots.real > 0)]
    found: list[float] = []
    for rate in sorted(float(1 / y - 1) for y in real.real):
        if math.isfinite(rate) and not (found and math.isclose(rate, found[-1], abs_tol=1e-7)):
            found.append(rate)
    return tuple(found)


def rates_text(rates: Sequence[float], most: int = 6) -> str:
    """Rates as people read them: '10% and 20%', '-41.77%, 13.07% and 71.77%'."""
    shown = [percent_text(round(r, 4)) for r in rates[:most]]
    if len(rates) > most:
        shown.append(f"{len(rates) - most} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def irr_problem(rates: Sequence[float]) -> str:
    """Why flows with other than one internal rate of return have no IRR to show."""
    if not rates:
        return "no rate makes the net present value zero, so there is no internal rate of return"
    return (
        f"the net flows have {len(rates)} internal rates of return ({rates_text(rates)}): "
        "more than one rate makes the net present value zero, so no one rate describes them"
    )


def irr(costs: Sequence[float], benefits: Sequence[float]) -> float:
    """The internal rate of return of benefits less costs, year 0 first (no optimism bias);
    refused, with every rate listed, where there is not exactly one."""
    if len(costs) != len(benefits):
        raise InputError(
            f"costs cover {len(costs)} years but benefits cover {len(benefits)}",
            valid="costs and benefits over the same years, from year 0",
        )
    rates = irr_rates(np.asarray(benefits, dtype=float) - np.asarray(costs, dtype=float))
    if len(rates) != 1:
        raise InputError(
            irr_problem(rates),
            valid="judge the proposal by its net present social value (CPC_NPSV) instead"
            if rates
            else "net flows that change sign (costs first, benefits later, or the reverse)",
        )
    return rates[0]


def _one(
    costs: Sequence[float],
    benefits: Sequence[float],
    schedule: str | Schedule,
    optimism_bias: float,
    health_benefits: Sequence[float] | None,
) -> pd.Series:
    """The appraisal of one proposal's yearly amounts, without its IRRs."""
    return appraise(
        [costs],
        [benefits],
        schedule=schedule,
        optimism_bias=optimism_bias,
        health_benefits=None if health_benefits is None else [health_benefits],
        rates_of_return=False,
    ).iloc[0]


def npsv(
    costs: Sequence[float],
    benefits: Sequence[float],
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: float = 0.0,
    health_benefits: Sequence[float] | None = None,
) -> float:
    return float(_one(costs, benefits, schedule, optimism_bias, health_benefits)["npsv"])


def bcr(
    costs: Sequence[float],
    benefits: Sequence[float],
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: float = 0.0,
    health_benefits: Sequence[float] | None = None,
) -> float:
    result = _one(costs, benefits, schedule, optimism_bias, health_benefits)
    if not result["pv_costs"] > 0:
        raise InputError("the costs have no present value, so there is no ratio")
    return float(result["bcr"])
