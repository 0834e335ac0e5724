"""Evaluating expenditure proposals: Green Book appraisal, criteria scores, AHP weights,
decisions with reasons (CPC 506 B1-B8) and the best portfolio within yearly budgets.

Pure: numpy, pandas, numpy-financial, scipy and pydantic; no workbook or file access. Every
default follows a published source named beside it; local policy choices say so.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy_financial as npf
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.models import build_model

from .models import (
    CriteriaSet,
    Criterion,
    Decision,
    DecisionRules,
    Evaluation,
    Evidence,
    ProjectType,
    Proposal,
    Schedule,
)

# --- discounting (HM Treasury Green Book 2022, annex A6: discount rates) -----------------

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

SCHEDULE_NAMES = ", ".join(s.value for s in Schedule)


def schedule_of(value: str | Schedule) -> Schedule:
    try:
        return Schedule(str(value).strip().lower())
    except ValueError:
        raise InputError(
            f"{value!r} is not a discount schedule", valid=SCHEDULE_NAMES, field="schedule"
        ) from None


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


def discount_factor(year: float, schedule: str | Schedule = Schedule.STANDARD) -> float:
    """The Green Book discount factor for one whole year from year 0."""
    if not float(year).is_integer() or year < 0:
        raise InputError(
            f"year {year:g} is not a whole number of years from year 0",
            valid="0, 1, 2, ... (year 0 is the present)",
        )
    return float(discount_factors(int(year), schedule)[int(year)])


# --- optimism bias (Green Book supplementary guidance, Mott MacDonald 2002, table 1) --------


@dataclass(frozen=True)
class OptimismBias:
    """Upper and lower bounds from the supplementary guidance (fractions)."""

    capital_upper: float
    capital_lower: float
    works_duration_upper: float | None
    works_duration_lower: float | None


#: The upper bounds are where an appraisal starts before any mitigation.
OPTIMISM_BIAS: dict[ProjectType, OptimismBias] = {
    ProjectType.STANDARD_BUILDINGS: OptimismBias(0.24, 0.02, 0.04, 0.01),
    ProjectType.NON_STANDARD_BUILDINGS: OptimismBias(0.51, 0.04, 0.39, 0.02),
    ProjectType.STANDARD_CIVIL: OptimismBias(0.44, 0.03, 0.20, 0.01),
    ProjectType.NON_STANDARD_CIVIL: OptimismBias(0.66, 0.06, 0.25, 0.03),
    ProjectType.EQUIPMENT_DEVELOPMENT: OptimismBias(2.00, 0.10, 0.54, 0.10),
    ProjectType.OUTSOURCING: OptimismBias(0.41, 0.00, None, None),
}

PROJECT_TYPES = ", ".join(p.value for p in ProjectType)


def project_type_of(value: str | ProjectType) -> ProjectType:
    text = str(value).strip().lower()
    for p in ProjectType:
        if p.value.lower() == text or p.name.lower() == text.replace(" ", "_"):
            return p
    raise InputError(
        f"{value!r} has no optimism-bias entry", valid=PROJECT_TYPES, field="Project type"
    )


def optimism_bias(project_type: str | ProjectType, mitigation: float = 0.0) -> float:
    """The uplift added to costs: the capital-expenditure upper bound × (1 − mitigation)."""
    if not 0 <= mitigation <= 1:
        raise InputError(
            f"mitigation {mitigation:g} is outside 0 to 1",
            valid="a fraction from 0 (none mitigated) to 1 (fully mitigated)",
            field="Mitigation",
        )
    return OPTIMISM_BIAS[project_type_of(project_type)].capital_upper * (1.0 - mitigation)


# --- appraisal ------------------------------------------------------------------------------


def appraise(
    costs: np.ndarray,
    benefits: np.ndarray,
    *,
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: float | np.ndarray = 0.0,
    index: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Present values, NPSV, BCR, IRR, discounted payback and switching values, one row each.

    ``costs`` and ``benefits`` are (proposals × years) in real terms from year 0. The
    appraisal is one matrix product with the discount-factor vector.
    """
    costs = np.atleast_2d(np.asarray(costs, dtype=float))
    benefits = np.atleast_2d(np.asarray(benefits, dtype=float))
    if costs.shape != benefits.shape:
        raise InputError(
            f"costs cover {costs.shape[1]} years but benefits cover {benefits.shape[1]}",
            valid="costs and benefits over the same years, from year 0",
        )
    n, years = costs.shape
    if years == 0:
        raise InputError("there are no years to appraise", valid="amounts from year 0")
    uplift = np.broadcast_to(np.asarray(optimism_bias, dtype=float), (n,))
    factors = discount_factors(years - 1, schedule)
    adjusted = costs * (1.0 + uplift[:, None])
    pv_costs_raw = costs @ factors
    pv_costs = adjusted @ factors
    pv_benefits = benefits @ factors
    npsv = pv_benefits - pv_costs
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = np.where(pv_costs > 0, pv_benefits / pv_costs, np.nan)
        # How far benefits may fall (or costs rise) before the NPSV reaches zero.
        benefit_switch = np.where(pv_benefits > 0, npsv / pv_benefits, np.nan)
        cost_switch = np.where(pv_costs > 0, npsv / pv_costs, np.nan)
    net = benefits - adjusted
    cum_costs = np.cumsum(adjusted * factors, axis=1)
    cum_benefits = np.cumsum(benefits * factors, axis=1)
    paid = (cum_benefits >= cum_costs) & (cum_costs > 0)
    # Paid back for good: from that year on the cumulative position never falls back.
    later_unpaid = np.flip(np.cumsum(np.flip(~paid, axis=1), axis=1), axis=1) > 0
    settled = paid & ~np.concatenate([later_unpaid[:, 1:], np.zeros((n, 1), bool)], axis=1)
    payback = np.where(settled.any(axis=1), settled.argmax(axis=1), -1).astype(float)
    payback[payback < 0] = np.nan
    return pd.DataFrame(
        {
            "pv_costs_before_ob": pv_costs_raw,
            "optimism_bias": uplift,
            "pv_costs": pv_costs,
            "pv_benefits": pv_benefits,
            "npsv": npsv,
            "bcr": bcr,
            "irr": [_irr(row) for row in net],
            "payback_year": payback,
            "benefit_switching": benefit_switch,
            "cost_switching": cost_switch,
        },
        index=pd.Index(list(index) if index is not None else range(n), name="id"),
    )


def _irr(flows: np.ndarray) -> float:
    # Less than half a penny is nothing; left in, a near-zero first flow makes the polynomial
    # npf.irr solves overflow.
    flows = np.where(np.abs(flows) < 0.005, 0.0, flows)
    # The IRR exists only where the net flows change sign.
    if not ((flows > 0).any() and (flows < 0).any()):
        return math.nan
    try:
        value = float(npf.irr(flows))
    except np.linalg.LinAlgError:  # no real root could be found
        return math.nan
    return value if math.isfinite(value) else math.nan


def npsv(
    costs: Sequence[float],
    benefits: Sequence[float],
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: float = 0.0,
) -> float:
    return float(
        appraise([costs], [benefits], schedule=schedule, optimism_bias=optimism_bias)["npsv"][0]
    )


def bcr(
    costs: Sequence[float],
    benefits: Sequence[float],
    schedule: str | Schedule = Schedule.STANDARD,
    optimism_bias: float = 0.0,
) -> float:
    result = appraise([costs], [benefits], schedule=schedule, optimism_bias=optimism_bias)
    if not result["pv_costs"][0] > 0:
        raise InputError("the costs have no present value, so there is no ratio")
    return float(result["bcr"][0])


# --- weights by the analytic hierarchy process (Saaty) --------------------------------------

#: Saaty's random consistency index by matrix size (Saaty 1980, The Analytic Hierarchy Process).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
#: Saaty's limit: judgements with a consistency ratio above this should be revisited.
CONSISTENCY_LIMIT = 0.10
#: How far a[i, j] × a[j, i] may stray from 1 when people type 0.33 for 1/3.
RECIPROCAL_TOLERANCE = 0.02


@dataclass(frozen=True)
class Conflict:
    """A judgement that disagrees most with what the others imply."""

    row: int
    column: int
    given: float
    implied: float


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    conflicts: tuple[Conflict, ...]

    @property
    def acceptable(self) -> bool:
        return self.consistency_ratio <= CONSISTENCY_LIMIT


def pairwise_matrix(
    values: Sequence[Sequence[float]], names: Sequence[str] | None = None
) -> np.ndarray:
    """Check a pairwise comparison matrix: square, positive, ones on the diagonal, reciprocal.

    With ``names``, a problem is described by the items compared rather than by position.
    """
    rows = [list(r) for r in values]
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        shape = f"{n}×{max((len(r) for r in rows), default=0)}"
        raise InputError(
            f"the pairwise comparison matrix is not square ({shape})",
            valid="n rows by n columns, one row and one column per criterion",
        )
    a = np.array(rows, dtype=float)

    def pair(i: int, j: int) -> str:
        if names is not None and len(names) == n:
            return f"{names[i]!r} against {names[j]!r}"
        return f"row {i + 1}, column {j + 1}"

    if not np.isfinite(a).all() or (a <= 0).any():
        i, j = np.argwhere(~(np.isfinite(a) & (a > 0)))[0]
        raise InputError(
            f"{pair(i, j)} is {a[i, j]:g}", valid="a positive judgement such as 1/9 to 9"
        )
    for i in range(n):
        if not math.isclose(a[i, i], 1.0, abs_tol=1e-9):
            raise InputError(
                f"{pair(i, i)} is {a[i, i]:g}: an item compared with itself is 1",
                valid="1 on the diagonal",
            )
    product = a * a.T
    bad = np.argwhere(np.triu(np.abs(product - 1.0) > RECIPROCAL_TOLERANCE, 1))
    if len(bad):
        i, j = bad[0]
        raise InputError(
            f"the matrix is not reciprocal: {pair(i, j)} is {a[i, j]:g} but "
            f"{pair(j, i)} is {a[j, i]:g}",
            valid=f"{pair(j, i)} = 1/{a[i, j]:g} = {1 / a[i, j]:.4g}",
        )
    # Judgements are the upper triangle; the lower one is its exact reciprocal.
    return np.triu(a, 1) + np.tril(1.0 / a.T, -1) + np.eye(n)


def ahp(values: Sequence[Sequence[float]], names: Sequence[str] | None = None) -> AhpResult:
    """Weights as the normalised principal eigenvector, with Saaty's consistency measures."""
    a = pairwise_matrix(values, names)
    n = len(a)
    if n > max(RANDOM_INDEX):
        raise InputError(
            f"{n} items are too many to compare pairwise reliably",
            valid=f"at most {max(RANDOM_INDEX)} (Saaty's random index table stops there)",
        )
    eigenvalues, vectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    ci = max(lambda_max - n, 0.0) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    implied = weights[:, None] / weights[None, :]
    error = np.abs(np.log(a / implied))
    pairs = [(float(error[i, j]), i, j) for i in range(n) for j in range(i + 1, n)]
    pairs.sort(reverse=True)
    conflicts = tuple(
        Conflict(i, j, float(a[i, j]), float(implied[i, j])) for e, i, j in pairs[:3] if e > 1e-9
    )
    return AhpResult(weights, lambda_max, ci, ri, cr, conflicts)


def saaty_value(x: float) -> str:
    """A judgement as people write it on Saaty's scale: 5, 1/3, or 2.4."""
    if x >= 1:
        return f"{x:.3g}"
    inverse = 1 / x
    return f"1/{inverse:.0f}" if abs(inverse - round(inverse)) < 0.05 else f"1/{inverse:.2g}"


def ahp_weights(
    values: Sequence[Sequence[float]], names: Sequence[str] | None = None
) -> np.ndarray:
    """AHP weights, refused when the judgements are too inconsistent to trust (CR > 0.10)."""
    result = ahp(values, names)
    if not result.acceptable:
        label = list(names) if names else [f"item {i + 1}" for i in range(len(result.weights))]
        conflicts = "; ".join(
            f"{label[c.row]} against {label[c.column]} is {saaty_value(c.given)} but the other "
            f"judgements imply about {saaty_value(c.implied)}"
            for c in result.conflicts
        )
        raise InputError(
            f"the pairwise judgements are too inconsistent (consistency ratio "
            f"{result.consistency_ratio:.3f}, above {CONSISTENCY_LIMIT:.2f}); the comparisons "
            f"that conflict most: {conflicts}",
            valid="revise those comparisons until the consistency ratio is 0.10 or less",
        )
    return result.weights


def criteria_from_ahp(
    criteria: Sequence[Criterion], values: Sequence[Sequence[float]], **scale: float
) -> CriteriaSet:
    """A criteria set whose weights come from pairwise comparisons."""
    weights = ahp_weights(values, [c.name for c in criteria])
    if len(weights) != len(criteria):
        raise InputError(
            f"the pairwise matrix compares {len(weights)} items but there are "
            f"{len(criteria)} criteria",
            valid="one row and one column per criterion, in the same order",
        )
    updated = tuple(
        c.model_copy(update={"weight": float(w)}) for c, w in zip(criteria, weights, strict=True)
    )
    return build_model(
        CriteriaSet, criteria=updated, weights_from="pairwise comparisons (AHP)", **scale
    )


# --- scores ---------------------------------------------------------------------------------


def weighted_scores(scores: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Σ weight × score for each row; weights must sum to 1."""
    w = np.asarray(weights, dtype=float)
    if (w < 0).any():
        raise InputError("a weight is negative", valid="weights from 0% to 100%")
    if not math.isclose(float(w.sum()), 1.0, abs_tol=1e-3):
        raise InputError(
            f"the weights add up to {w.sum():.1%}, not 100%", valid="weights that sum to 100%"
        )
    s = np.atleast_2d(np.asarray(scores, dtype=float))
    if s.shape[1] != len(w):
        raise InputError(
            f"there are {s.shape[1]} scores but {len(w)} weights",
            valid="one weight per criterion (score column)",
        )
    return s @ w


def score_matrix(
    ids: Sequence[str],
    criteria: CriteriaSet,
    scores: Mapping[tuple[str, str], float],
) -> np.ndarray:
    """Proposals × criteria scores; every score must be given and on the scale."""
    errors = InputErrors()
    out = np.full((len(ids), len(criteria.criteria)), np.nan)
    lowered = {(p, c.strip().lower()): v for (p, c), v in scores.items()}
    for i, pid in enumerate(ids):
        for j, c in enumerate(criteria.criteria):
            value = lowered.get((pid, c.name.strip().lower()))
            if value is None:
                errors.add(InputError(f"proposal {pid} has no score for {c.name!r}"))
            elif not criteria.scale_min <= value <= criteria.scale_max:
                errors.add(
                    InputError(
                        f"proposal {pid} scores {value:g} on {c.name!r}, outside the scale",
                        valid=f"{criteria.scale_min:g} to {criteria.scale_max:g}",
                    )
                )
            else:
                out[i, j] = value
    known = {c.name.strip().lower() for c in criteria.criteria}
    for (pid, cname), _ in lowered.items():
        if cname not in known:
            errors.add(
                InputError(
                    f"proposal {pid} is scored on {cname!r}, which is not a criterion",
                    valid=", ".join(criteria.names),
                )
            )
    errors.raise_if_any()
    return out


# --- realism checks: weaknesses a submitter can fix (CPC 506 B4, B6) ------------------------


@dataclass(frozen=True)
class Weakness:
    name: str
    detail: str


def realism_checks(
    proposal: Proposal, appraisal: Mapping[str, float], rules: DecisionRules
) -> list[Weakness]:
    found: list[Weakness] = []
    costs = np.asarray(proposal.costs)
    benefits = np.asarray(proposal.benefits)
    first_cost = int(np.argmax(costs > 0)) if (costs > 0).any() else None
    first_benefit = int(np.argmax(benefits > 0)) if (benefits > 0).any() else None
    if first_benefit is not None and (first_cost is None or first_benefit < first_cost):
        when = (
            "with no cost at all"
            if first_cost is None
            else f"before the first cost in year {first_cost}"
        )
        found.append(
            Weakness(
                "Benefits before any cost",
                f"Benefits start in year {first_benefit}, {when}. Show what spending delivers "
                "them, or move them to the years after the spending starts.",
            )
        )
    has_benefits = bool(benefits.sum() > 0)
    if has_benefits and proposal.evidence == Evidence.NONE:
        found.append(
            Weakness(
                "Benefits with no evidence",
                "The benefits have no evidence behind them. Name the evaluation, study or local "
                "data the figures come from.",
            )
        )
    ratio = appraisal.get("bcr", math.nan)
    ceiling = rules.plausible_bcr.get(proposal.evidence)
    if (
        has_benefits
        and proposal.evidence != Evidence.NONE
        and ceiling is not None
        and math.isfinite(ratio)
        and ratio > ceiling
    ):
        found.append(
            Weakness(
                "Ratio implausibly high for the evidence",
                f"A benefit-cost ratio of {ratio:.1f} is higher than evidence of this kind "
                f"({proposal.evidence.value.lower()}) can support (at most {ceiling:g}). Give "
                "stronger evidence or more cautious benefit estimates.",
            )
        )
    if proposal.missing_years:
        years = ", ".join(str(y) for y in proposal.missing_years)
        found.append(
            Weakness(
                "Missing years",
                f"No figures are given for year{'s' if len(proposal.missing_years) > 1 else ''} "
                f"{years}. Enter each year's costs and benefits, using 0 where there are none.",
            )
        )
    for stated, actual, what in (
        (proposal.stated_total_cost, float(costs.sum()), "cost"),
        (proposal.stated_total_benefit, float(benefits.sum()), "benefit"),
    ):
        if stated is not None and abs(stated - actual) > 0.5:
            found.append(
                Weakness(
                    "Totals do not add up",
                    f"The stated total {what} is {money(stated)} but the yearly figures add up to "
                    f"{money(actual)}. Correct whichever is wrong.",
                )
            )
    if not any(o.strip() for o in proposal.objectives):
        found.append(
            Weakness(
                "No objective supported",
                "The proposal does not say which of the organisation's objectives it supports. "
                "Name them and say how it supports each.",
            )
        )
    known = {o.strip().lower() for o in rules.objectives}
    unknown = [o for o in proposal.objectives if known and o.strip().lower() not in known]
    if unknown:
        listed = ", ".join(repr(o) for o in unknown)
        found.append(
            Weakness(
                "Objective not recognised",
                f"{listed} {'is' if len(unknown) == 1 else 'are'} not among the organisation's "
                f"objectives ({'; '.join(rules.objectives)}). Use their wording and say how the "
                "proposal supports each.",
            )
        )
    return found


def money(value: float) -> str:
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


# --- the whole round ------------------------------------------------------------------------


@dataclass
class Feedback:
    """Everything a submitter is told about one proposal."""

    id: str
    title: str
    sponsor: str
    term: str
    decision: Decision
    reasons: list[str]
    weaknesses: list[Weakness]
    scores: list[tuple[str, float, float, str]]  # criterion, score, weight, descriptor
    weighted_score: float
    score_share: float
    appraisal: dict[str, float]
    rank: int | None
    in_portfolio: bool


@dataclass
class Portfolio:
    chosen: list[str]
    value: float
    spend: list[float]
    budgets: list[float]
    left_out: dict[str, str]
    solved: bool = True


@dataclass
class RoundResult:
    appraisal: pd.DataFrame
    scores: pd.DataFrame
    ranking: pd.DataFrame
    portfolio: Portfolio | None
    feedback: list[Feedback] = field(default_factory=list)
    criteria: CriteriaSet | None = None
    rules: DecisionRules | None = None
    schedule: Schedule = Schedule.STANDARD


def cash_flows(proposals: Sequence[Proposal]) -> tuple[np.ndarray, np.ndarray]:
    """Costs and benefits as (proposals × years) matrices, zero after a proposal's last year."""
    years = max(p.years for p in proposals)
    costs = np.zeros((len(proposals), years))
    benefits = np.zeros((len(proposals), years))
    for i, p in enumerate(proposals):
        costs[i, : p.years] = p.costs
        benefits[i, : p.years] = p.benefits
    return costs, benefits


def choose_portfolio(
    values: np.ndarray,
    costs: np.ndarray,
    budgets: Sequence[float],
    eligible: np.ndarray | None = None,
) -> tuple[np.ndarray, bool]:
    """The exact best set: maximise Σ value subject to Σ cost ≤ budget in each year (MILP).

    ``costs`` is (proposals × budget years). Returns a 0/1 choice and whether it is optimal.
    """
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
    )
    if result.x is None:
        return np.zeros(n, bool), False
    return result.x > 0.5, bool(result.success)


def evaluate_round(
    proposals: Sequence[Proposal],
    criteria: CriteriaSet,
    scores: Mapping[tuple[str, str], float],
    *,
    rules: DecisionRules | None = None,
    budgets: Sequence[float] | None = None,
    schedule: str | Schedule = Schedule.STANDARD,
) -> RoundResult:
    """Appraise, score, decide and (with budgets) choose the portfolio for a round."""
    rules = rules or DecisionRules()
    schedule = schedule_of(schedule)
    if not proposals:
        raise InputError("there are no proposals to evaluate", valid="at least one proposal")
    ids = [p.id for p in proposals]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise InputError(f"proposal ID used twice: {', '.join(duplicates)}", field="Proposal ID")
    if rules.evaluation == Evaluation.COMPARATIVE and not budgets and rules.places is None:
        raise InputError(
            "comparative evaluation needs a budget or a number of places to fill",
            valid="yearly budgets, or the number of proposals to accept",
        )
    costs, benefits = cash_flows(proposals)
    uplift = np.array([optimism_bias(p.project_type, p.mitigation) for p in proposals])
    appraisal = appraise(costs, benefits, schedule=schedule, optimism_bias=uplift, index=ids)
    s = score_matrix(ids, criteria, scores)
    ws = weighted_scores(s, criteria.weights)
    share = (ws - criteria.scale_min) / (criteria.scale_max - criteria.scale_min)
    score_frame = pd.DataFrame(s, columns=criteria.names, index=appraisal.index)
    score_frame["weighted_score"] = ws
    score_frame["score_share"] = share

    records = appraisal.to_dict("index")
    weaknesses = [realism_checks(p, records[p.id], rules) for p in proposals]
    failures = [_must_pass_failures(s[i], criteria) for i in range(len(proposals))]
    npsv_values = appraisal["npsv"].to_numpy()
    bcr_values = appraisal["bcr"].to_numpy()
    # Eligible: passes every must-pass criterion, its benefits at least cover its costs and,
    # in an absolute evaluation, it reaches the score needed to be considered.
    absolute = rules.evaluation == Evaluation.ABSOLUTE
    eligible = np.array(
        [
            not failures[i]
            and _ratio_ok(bcr_values[i], rules.reject_bcr)
            and not (absolute and share[i] < rules.reject_score)
            for i in range(len(ids))
        ],
        dtype=bool,
    )
    order = np.lexsort((-npsv_values, -ws))
    ranked = [i for i in order if eligible[i]]
    rank = {ids[i]: r for r, i in enumerate(ranked, start=1)}

    portfolio = None
    chosen = np.zeros(len(ids), bool)
    if budgets:
        chosen, solved = choose_portfolio(npsv_values, costs, budgets, eligible)
        spend = (costs[:, : len(budgets)] * chosen[:, None]).sum(axis=0)
        spend = np.pad(spend, (0, len(budgets) - len(spend)))
        portfolio = Portfolio(
            chosen=[ids[i] for i in range(len(ids)) if chosen[i]],
            value=float(npsv_values[chosen].sum()),
            spend=[float(x) for x in spend],
            budgets=[float(b) for b in budgets],
            left_out={},
            solved=solved,
        )
        for i in range(len(ids)):
            if not chosen[i]:
                portfolio.left_out[ids[i]] = _left_out_reason(
                    i, failures, npsv_values, bcr_values, share, costs, spend, budgets, rules
                )

    context = _Context(rules, criteria, share, ranked, portfolio)
    feedback: list[Feedback] = []
    for i, p in enumerate(proposals):
        decision, reasons = _decide(
            p,
            s[i],
            float(share[i]),
            records[p.id],
            failures[i],
            weaknesses[i],
            rank.get(p.id),
            context,
        )
        feedback.append(
            Feedback(
                id=p.id,
                title=p.title,
                sponsor=p.sponsor,
                term=p.term.value,
                decision=decision,
                reasons=reasons,
                weaknesses=weaknesses[i],
                scores=[
                    (c.name, float(s[i, j]), c.weight, _descriptor(c, s[i, j]))
                    for j, c in enumerate(criteria.criteria)
                ],
                weighted_score=float(ws[i]),
                score_share=float(share[i]),
                appraisal={k: float(v) for k, v in records[p.id].items()},
                rank=rank.get(p.id),
                in_portfolio=bool(chosen[i]),
            )
        )
    ranking = pd.DataFrame(
        {
            "rank": [rank.get(i) for i in ids],
            "weighted_score": ws,
            "score_share": share,
            "npsv": npsv_values,
            "bcr": bcr_values,
            "decision": [f.decision.value for f in feedback],
            "in_portfolio": chosen,
        },
        index=appraisal.index,
    )
    ranking = ranking.iloc[np.lexsort((-npsv_values, -ws, ~eligible))]
    return RoundResult(
        appraisal, score_frame, ranking, portfolio, feedback, criteria, rules, schedule
    )


def _ratio_ok(ratio: float, minimum: float) -> bool:
    return bool(math.isfinite(ratio) and ratio >= minimum)


def _must_pass_failures(row: np.ndarray, criteria: CriteriaSet) -> list[tuple[Criterion, float]]:
    return [
        (c, float(row[j]))
        for j, c in enumerate(criteria.criteria)
        if c.must_pass and c.pass_mark is not None and row[j] < c.pass_mark
    ]


def _descriptor(c: Criterion, score: float) -> str:
    return c.descriptors.get(int(score), "") if float(score).is_integer() else ""


def _weakest(criteria: CriteriaSet, row: np.ndarray, count: int = 2) -> str:
    # The criteria where a point more would add most to the weighted score.
    gaps = [
        (c.weight * (criteria.scale_max - row[j]), j)
        for j, c in enumerate(criteria.criteria)
        if row[j] < criteria.scale_max
    ]
    gaps.sort(reverse=True)
    parts = []
    for _, j in gaps[:count]:
        c = criteria.criteria[j]
        target = min(int(row[j]) + 1, int(criteria.scale_max))
        better = c.descriptors.get(target)
        text = f"{c.name!r} (scored {row[j]:g} of {criteria.scale_max:g}"
        text += f"; {target} means: {better})" if better else ")"
        parts.append(text)
    return " and ".join(parts)


@dataclass(frozen=True)
class _Context:
    """What a decision needs to know about the whole round."""

    rules: DecisionRules
    criteria: CriteriaSet
    shares: np.ndarray
    ranked: list[int]  # positions of eligible proposals, best first
    portfolio: Portfolio | None


def _decide(
    p: Proposal,
    row: np.ndarray,
    share: float,
    fig: Mapping[str, float],
    failures: list[tuple[Criterion, float]],
    weaknesses: list[Weakness],
    rank: int | None,
    context: _Context,
) -> tuple[Decision, list[str]]:
    rules, criteria, portfolio = context.rules, context.criteria, context.portfolio
    ranked, places = context.ranked, context.rules.places
    ranked_count = len(ranked)
    reject: list[str] = []
    amend: list[str] = []
    for c, value in failures:
        need = c.descriptors.get(int(c.pass_mark or 0))
        text = (
            f"It scored {value:g} on {c.name!r}, which every proposal must score at least "
            f"{c.pass_mark:g} on"
        )
        reject.append(text + (f": show that {need[0].lower() + need[1:]}." if need else "."))
    ratio, pvb, pvc = fig["bcr"], fig["pv_benefits"], fig["pv_costs"]
    if not pvc > 0:
        amend.append(
            "It gives no costs, so there is nothing to appraise or fund: enter each year's "
            "capital and revenue costs, including staff time."
        )
    elif not _ratio_ok(ratio, rules.reject_bcr):
        shortfall = rules.reject_bcr * pvc - pvb
        reject.append(
            f"Its benefits (present value {money(pvb)}) do not cover its costs including "
            f"optimism bias ({money(pvc)}): a benefit-cost ratio of "
            f"{'none' if not math.isfinite(ratio) else f'{ratio:.2f}'}, below the minimum of "
            f"{rules.reject_bcr:g}. It needs {money(shortfall)} more benefits in present value, "
            "or lower costs."
        )
    elif ratio < rules.accept_bcr:
        amend.append(
            f"Its benefit-cost ratio of {ratio:.2f} is below the {rules.accept_bcr:g} needed for "
            f"acceptance: raise benefits by {money(rules.accept_bcr * pvc - pvb)} in present "
            "value or reduce costs (lowering optimism bias by evidencing mitigation counts)."
        )
    if rules.evaluation == Evaluation.ABSOLUTE:
        if share < rules.reject_score:
            reject.append(
                f"Its weighted score of {share:.0%} is below the {rules.reject_score:.0%} "
                f"needed to be considered; the biggest gains are on {_weakest(criteria, row)}."
            )
        elif share < rules.accept_score:
            amend.append(
                f"Its weighted score of {share:.0%} is below the {rules.accept_score:.0%} needed "
                f"for acceptance; strengthen {_weakest(criteria, row)}."
            )
    amend += [f"{w.name}: {w.detail}" for w in weaknesses]
    if reject:
        return Decision.REJECT, reject + amend
    if rules.evaluation == Evaluation.COMPARATIVE:
        if portfolio is not None:
            if p.id not in portfolio.chosen:
                return Decision.REJECT, [
                    f"Ranked {rank} of {ranked_count} eligible proposals, but not in the best "
                    f"set the budget allows: {portfolio.left_out[p.id]}",
                    *amend,
                ]
        elif places is not None and rank is not None and rank > places:
            last = context.shares[ranked[places - 1]] if places else math.nan
            cut = f" (the last accepted scored {last:.0%})" if places else ""
            return Decision.REJECT, [
                f"Ranked {rank} of {ranked_count} eligible proposals for {places} place"
                f"{'s' if places != 1 else ''}: it scored {share:.0%}{cut}. The biggest gains "
                f"are on {_weakest(criteria, row)}.",
                *amend,
            ]
    if amend:
        return Decision.AMEND, amend
    why = [
        f"It meets every must-pass criterion, scores {share:.0%} and has a benefit-cost ratio of "
        f"{ratio:.2f} (net present social value {money(fig['npsv'])})."
    ]
    if rules.evaluation == Evaluation.COMPARATIVE and rank is not None:
        why.append(f"It ranks {rank} of {ranked_count} eligible proposals.")
    if p.objectives:
        why.append(f"It supports: {', '.join(p.objectives)}.")
    return Decision.ACCEPT, why


def _left_out_reason(
    i: int,
    failures: list[list[tuple[Criterion, float]]],
    npsv_values: np.ndarray,
    bcr_values: np.ndarray,
    share: np.ndarray,
    costs: np.ndarray,
    spend: np.ndarray,
    budgets: Sequence[float],
    rules: DecisionRules,
) -> str:
    if failures[i]:
        names = ", ".join(repr(c.name) for c, _ in failures[i])
        return f"it fails the must-pass criterion {names}"
    if not math.isfinite(bcr_values[i]):
        return "it gives no costs to fund"
    if not _ratio_ok(bcr_values[i], rules.reject_bcr):
        return f"its benefit-cost ratio is below {rules.reject_bcr:g}"
    if rules.evaluation == Evaluation.ABSOLUTE and share[i] < rules.reject_score:
        return f"its weighted score of {share[i]:.0%} is below {rules.reject_score:.0%}"
    if npsv_values[i] <= 0:
        return f"it adds no value (net present social value {money(npsv_values[i])})"
    over = []
    for y, budget in enumerate(budgets):
        need = costs[i, y] if y < costs.shape[1] else 0.0
        left = budget - spend[y]
        if need > left + 1e-6:
            over.append(f"year {y} by {money(need - left)} ({money(max(left, 0))} left)")
    if over:
        return (
            "proposals giving more value in total use the budget; adding it would overspend "
            + "; ".join(over)
            + "."
        )
    return "a combination without it gives more value within the budget."
