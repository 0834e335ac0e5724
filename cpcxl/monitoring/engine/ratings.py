"""Statement scores to domain scores, bands and the overall rating; KPI RAG and trends.

Pure: no workbook library, no xlwings, no files. Defaults follow CQC's published scoring
("How we reach a rating", 2023) and rating principles ("How we aggregate ratings using the
rating principles", 12 May 2022) unless a framework (scheme) says otherwise; the
safeguarding limiting rule, the portfolio's order and the plan's numbers are local choices,
said so beside each.

Rounding rule (a local choice: CQC publishes whole-number thresholds): a domain's
percentage is kept exact (e.g. 2/3 of the maximum is 66.67%); to find its band it is
rounded to the nearest whole percent with halves rounded up (38.5% -> 39% -> Requires
improvement; 38.49% -> 38% -> Inadequate), as Excel's ROUND does for positive numbers,
then compared with the bands' whole-number thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cpcxl.common.errors import InputError

from ..models import MonitoringFramework, PreviousScore, StatementScore

RED, AMBER, GREEN = "Red", "Amber", "Green"
UP, DOWN, UNCHANGED, NO_PREVIOUS = "Up", "Down", "Unchanged", "No previous round"

# Float noise (e.g. 38.499999999 from a sum of fractions) must not move a score across a band.
_EPSILON = 1e-9


# --- scores and ratings ------------------------------------------------------------------


def round_percent(percentage: float) -> int:
    """Nearest whole percent, halves up: the rounding every band comparison uses."""
    return math.floor(percentage + 0.5 + _EPSILON)


def score_percentage(scores: Sequence[float]) -> float | None:
    """Sum of statement scores ÷ (4 × statements scored), as a percentage; None if none."""
    if not scores:
        return None
    for score in scores:
        if score not in (1, 2, 3, 4):
            raise InputError(f"{score} is not a statement score", valid="1, 2, 3, 4 or N/A")
    return 100.0 * sum(scores) / (4 * len(scores))


def check_percentage(percentage: float) -> float:
    if not 0 <= percentage <= 100:
        raise InputError(
            f"{percentage:g} is not a percentage", valid="a percentage from 0 to 100, e.g. 75"
        )
    if 0 < percentage <= 1:
        # A cell formatted as % holds 0.75 for 75%; no domain can score 1% or less (25% is
        # the floor), so reading it as 0.75% would rate a good service Inadequate.
        raise InputError(
            f"{percentage:g} looks like a fraction",
            valid="a percentage from 0 to 100, e.g. 75 for 75% (multiply a % cell by 100)",
        )
    return percentage


def rating_level(percentage: float, framework: MonitoringFramework) -> int:
    """The band (0 = worst) a percentage falls in, after the rounding rule."""
    rounded = round_percent(check_percentage(percentage))
    level = 0
    for index, band in enumerate(framework.bands):
        if rounded >= band.min_percent:
            level = index
    return level


def rating_levels(percentages: np.ndarray, framework: MonitoringFramework) -> np.ndarray:
    """:func:`rating_level` over an array of percentages (NaN stays -1: not rated)."""
    mins = np.array([b.min_percent for b in framework.bands])
    values = np.asarray(percentages, dtype=float)
    rounded = np.floor(values + 0.5 + _EPSILON)
    levels = np.searchsorted(mins, rounded, side="right") - 1
    return np.where(np.isnan(values), -1, levels)


def rating(percentage: float, framework: MonitoringFramework) -> str:
    return framework.bands[rating_level(percentage, framework)].label


#: What a domain or the overall rating is when it cannot be rated.
NOT_RATED = "Not rated"
#: The level of "Not rated" (the bands are 0, worst, to 3, best).
NOT_RATED_LEVEL = -1
#: The trend of a domain carried forward from the previous round, or of an overall rating
#: that could not be given.
NOT_REASSESSED = "Not reassessed"


@dataclass(frozen=True)
class OverallRating:
    level: int  # NOT_RATED_LEVEL when not rated
    label: str
    reasons: tuple[str, ...]
    #: the domains that had no rating, given or carried forward (why it is not rated)
    missing: tuple[str, ...] = ()

    @property
    def rated(self) -> bool:
        return self.level >= 0

    @property
    def text(self) -> str:
        """The rating as a cell shows it: 'Not rated' says which domains had no rating."""
        if self.missing:
            return f"{NOT_RATED}: no rating for {', '.join(self.missing)}"
        return self.label


def breach_caps(
    levels: Sequence[int | None], framework: MonitoringFramework, breach_in: Sequence[str]
) -> tuple[list[int | None], list[str]]:
    """The domain levels with each domain a regulatory breach sits in capped at the breach
    cap (Requires improvement for CQC), and a reason for each cap that lowered a rating.

    A breach of regulations means the standard the key question measures is not met, so the
    key question is not Good (CQC's ratings: Good means the regulations are met), as well as
    the overall rating being capped (CQC rating principle 1). A domain without a rating stays
    without one: a cap never makes a rating.
    """
    names = framework.domain_names()
    cap = framework.level_of(framework.overall.breach_caps_at)
    wanted = {d.strip().lower() for d in breach_in}
    capped = list(levels)
    reasons = []
    for i, name in enumerate(names):
        level = capped[i]
        if name.lower() in wanted and level is not None and level > cap:
            capped[i] = cap
            reasons.append(f"{name} capped at {framework.labels[cap]}: the breach sits in it")
    return capped, reasons


def overall_rating(
    levels: Sequence[int | None],
    framework: MonitoringFramework,
    *,
    breach: bool = False,
    breach_in: Sequence[str] = (),
    limits_hit: Sequence[str] = (),
) -> OverallRating:
    """The overall rating from the domains' rating levels, by the framework's rule set.

    ``levels`` has one entry per domain of the framework, in its order, None where a domain
    has no rating (neither this round's nor one carried forward from the previous round):
    then the result is Not rated and names the missing domains, for an overall rating
    aggregates every key question (CQC rating principle 2).

    CQC's principles by default: two or more at the worst band give the worst; one worst,
    or two or more at the second band, give the second; Good allows no worst and at most one
    second; the best needs at least two best and the rest Good. A regulatory breach caps
    the domains it sits in (``breach_in``) and the result; a limiting rule that was hit
    (``limits_hit`` names them) caps the result.
    """
    rules = framework.overall
    labels = framework.labels
    names = framework.domain_names()
    if len(levels) != len(names):
        raise InputError(
            f"{len(levels)} domain ratings for the {len(names)} domains of the "
            f"{framework.name} framework",
            valid=f"one rating for each of {', '.join(names)}",
        )
    breach = breach or bool(breach_in)
    capped, reasons = breach_caps(levels, framework, breach_in)
    missing = tuple(n for n, v in zip(names, capped, strict=True) if v is None)
    if missing:
        return OverallRating(
            NOT_RATED_LEVEL,
            NOT_RATED,
            (
                f"no rating for {', '.join(missing)} (every domain needs one, scored or "
                "carried forward)",
            ),
            missing,
        )
    rated = [v for v in capped if v is not None]
    worst = sum(1 for v in rated if v == 0)
    second = sum(1 for v in rated if v == 1)
    best = sum(1 for v in rated if v == 3)
    if worst >= rules.worst_if_worst_at_least:
        level = 0
        reasons.append(f"{worst} domains rated {labels[0]}")
    elif worst > rules.good_allows_worst:
        level = 1
        reasons.append(f"{worst} domain rated {labels[0]}")
    elif second >= rules.second_if_second_at_least or second > rules.good_allows_second:
        level = 1
        reasons.append(f"{second} domains rated {labels[1]}")
    elif best >= rules.best_needs_best_at_least and second == 0:
        level = 3
        reasons.append(f"{best} domains rated {labels[3]} and the rest {labels[2]}")
    else:
        level = 2
        reasons.append(
            f"no domain rated {labels[0]} and at most {rules.good_allows_second} {labels[1]}"
        )
    caps = [(framework.level_of(rules.breach_caps_at), "a regulatory breach")] if breach else []
    by_name = {r.name: r for r in rules.limiting_rules}
    caps += [
        (
            framework.level_of(by_name[name].caps_at),
            f"{name} ({by_name[name].source})" if by_name[name].source else name,
        )
        for name in limits_hit
    ]
    for cap, why in caps:
        if level > cap:
            level = cap
            reasons.append(f"capped at {labels[cap]}: {why}")
    return OverallRating(level, labels[level], tuple(reasons))


def not_scored_rating(previous_overall: str = "") -> OverallRating:
    """The overall rating of a return that scored no statement at all (every one N/A or
    blank): Not rated, with no error, for nothing was assessed this round."""
    reason = "no statement scored this round (all N/A)"
    if previous_overall:
        reason += f"; the previous {previous_overall} is not re-awarded"
    return OverallRating(NOT_RATED_LEVEL, NOT_RATED, (reason,))


def previous_domain_level(
    previous: PreviousScore | None, framework: MonitoringFramework
) -> int | None:
    """The previous round's rating of a domain, as a level: its rating, or the band of its
    score when only the score was recorded; None when neither was."""
    if previous is None:
        return None
    if previous.rating:
        return framework.level_of(previous.rating)
    if previous.percentage is not None:
        return rating_level(previous.percentage, framework)
    return None


def limiting_rules_hit(
    scores: Sequence[StatementScore], framework: MonitoringFramework
) -> list[str]:
    """Names of the framework's limiting rules that the statement scores trigger."""
    hit = []
    for rule in framework.overall.limiting_rules:
        for s in scores:
            flagged = rule.flag == "any" or s.safeguarding
            if flagged and s.score is not None and s.score <= rule.score_at_most:
                hit.append(rule.name)
                break
    return hit


# --- KPIs and trends ---------------------------------------------------------------------


def kpi_rag(
    actual: Any, target: Any, higher_is_better: Any = True, tolerance: Any = 0.05
) -> np.ndarray:
    """Red, Amber or Green for each KPI (arrays broadcast).

    Green: on target or better. Amber: short of target by no more than ``tolerance`` (a
    fraction of the target, 0.05 = 5%). Red: further short than that.
    """
    a = np.asarray(actual, dtype=float)
    t = np.asarray(target, dtype=float)
    tol = np.asarray(tolerance, dtype=float)
    higher = np.asarray(higher_is_better, dtype=bool)
    if np.any((tol < 0) | (tol >= 1)):
        raise InputError("the tolerance must be a fraction of the target", valid="0 to 0.99")
    shortfall = np.where(higher, t - a, a - t)
    allowed = tol * np.abs(t)
    scale = np.maximum(np.abs(t), 1.0) * _EPSILON
    green = shortfall <= scale
    amber = shortfall <= allowed + scale
    return np.where(green, GREEN, np.where(amber, AMBER, RED))


def trend(current: float | None, previous: float | None) -> str:
    """Up, Down or Unchanged, comparing whole percents (or levels) as the ratings do."""
    if current is None or previous is None:
        return NO_PREVIOUS
    now, before = round_percent(current), round_percent(previous)
    return UP if now > before else DOWN if now < before else UNCHANGED
