"""Monitoring scores, ratings, KPI RAG, trends, the portfolio order and the monitoring plan.

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

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from cpcxl.common.errors import InputError

from .models import (
    Action,
    ActionKind,
    ActionStatus,
    Escalation,
    Issue,
    Kpi,
    MonitoringFramework,
    MonitoringReturn,
    PreviousScore,
    StatementScore,
)

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


# --- one provider --------------------------------------------------------------------------


@dataclass
class DomainResult:
    domain: str
    statements_scored: int
    total: int
    percentage: float | None
    level: int | None
    rating: str
    previous_percentage: float | None
    trend: str
    #: how the rating came about when not from this round's scores alone
    note: str = ""


CARRIED_FORWARD = "carried forward"
CAPPED_BY_BREACH = "capped: breach"


@dataclass
class KpiResult:
    kpi: Kpi
    rag: str


@dataclass
class ProviderResult:
    ret: MonitoringReturn
    framework: MonitoringFramework
    domains: list[DomainResult]
    overall: OverallRating
    overall_percentage: float | None
    previous_level: int | None
    overall_trend: str
    kpis: list[KpiResult]
    safeguarding: list[Issue]
    escalations: list[Issue]
    requirements: list[Action]
    recommendations: list[Action]
    overdue: list[Action]
    limits_hit: list[str] = field(default_factory=list)

    @property
    def red_kpis(self) -> int:
        return sum(1 for k in self.kpis if k.rag == RED)


def evaluate(
    ret: MonitoringReturn, framework: MonitoringFramework, *, as_at: dt.date
) -> ProviderResult:
    """Score and rate one provider's return; ``as_at`` decides which actions are overdue.

    A domain with no statement scored this round carries forward its previous round's
    rating (or the band of its previous score), as CQC aggregates a focused inspection's
    new ratings with the existing ratings of the key questions not inspected; a domain with
    neither has no rating, and the overall rating is then Not rated. A return that scores
    no statement at all is Not rated (nothing was assessed), not an error.
    """
    by_domain: dict[str, list[int]] = {d: [] for d in framework.domain_names()}
    folded = {d.lower(): d for d in by_domain}
    for s in ret.scores:
        name = folded.get(s.domain.strip().lower())
        if name is None:
            raise InputError(
                f"{s.domain!r} is not a domain of the {framework.name} framework",
                valid=framework.domain_names(),
                sheet="Scores",
                row=s.row,
            )
        if s.score is not None:
            by_domain[name].append(s.score)
    anything_scored = any(by_domain.values())
    previous = {p.domain.strip().lower(): p for p in ret.previous}
    d = ret.details
    breach_in = [d.breach_domain] if d.regulatory_breach and d.breach_domain else []
    found = []  # (name, scores, percentage, level before any cap, previous, note, trend)
    for name, scores in by_domain.items():
        pct = score_percentage(scores)
        level = rating_level(pct, framework) if pct is not None else None
        before = previous.get(name.lower())
        before_pct = before.percentage if before else None
        note, trend_now = "", trend(pct, before_pct)
        if level is None and anything_scored:
            level = previous_domain_level(before, framework)
            if level is not None:
                note, trend_now = CARRIED_FORWARD, NOT_REASSESSED
        found.append((name, scores, pct, level, before_pct, note, trend_now))
    levels = [f[3] for f in found]
    capped, _ = breach_caps(levels, framework, breach_in)
    domains = [
        DomainResult(
            domain=name,
            statements_scored=len(scores),
            total=sum(scores),
            percentage=pct,
            level=level,
            rating=framework.labels[level] if level is not None else NOT_RATED,
            previous_percentage=before_pct,
            trend=trend_now,
            note=CAPPED_BY_BREACH if level != uncapped else note,
        )
        for (name, scores, pct, uncapped, before_pct, note, trend_now), level in zip(
            found, capped, strict=True
        )
    ]
    limits = limiting_rules_hit(ret.scores, framework)
    if anything_scored:
        overall = overall_rating(
            levels,
            framework,
            breach=d.regulatory_breach,
            breach_in=breach_in,
            limits_hit=limits,
        )
        carried = [dr.domain for dr in domains if dr.note == CARRIED_FORWARD]
        if carried and overall.rated:
            overall = dataclasses.replace(
                overall,
                reasons=(
                    *overall.reasons,
                    f"carried forward: {', '.join(carried)}",
                ),
            )
    else:
        overall = not_scored_rating(d.previous_overall)
    all_scores = [s for ss in by_domain.values() for s in ss]
    previous_level = (
        framework.level_of(ret.details.previous_overall) if ret.details.previous_overall else None
    )
    overall_trend = (
        NOT_RATED
        if not overall.rated
        else NO_PREVIOUS
        if previous_level is None
        else UP
        if overall.level > previous_level
        else DOWN
        if overall.level < previous_level
        else UNCHANGED
    )
    kpis: list[KpiResult] = []
    if ret.kpis:
        rags = kpi_rag(
            [k.actual for k in ret.kpis],
            [k.target for k in ret.kpis],
            [k.higher_is_better for k in ret.kpis],
            [k.tolerance for k in ret.kpis],
        )
        kpis = [KpiResult(k, str(r)) for k, r in zip(ret.kpis, rags, strict=True)]
    open_actions = [a for a in ret.actions if a.status != ActionStatus.COMPLETE]
    return ProviderResult(
        ret=ret,
        framework=framework,
        domains=domains,
        overall=overall,
        overall_percentage=score_percentage(all_scores),
        previous_level=previous_level,
        overall_trend=overall_trend,
        kpis=kpis,
        safeguarding=[i for i in ret.issues if i.safeguarding],
        escalations=[i for i in ret.issues if i.escalated_to != Escalation.NONE],
        requirements=[a for a in ret.actions if a.kind == ActionKind.REQUIREMENT],
        recommendations=[a for a in ret.actions if a.kind == ActionKind.RECOMMENDATION],
        overdue=[a for a in open_actions if a.due is not None and a.due < as_at],
        limits_hit=limits,
    )


# --- the portfolio ---------------------------------------------------------------------------


def portfolio_row(result: ProviderResult) -> dict[str, Any]:
    """The few facts the overview and plan need: small, so a batch can stream results."""
    d = result.ret.details
    scored = [x for x in result.domains if x.percentage is not None]
    lowest = min(scored, key=lambda x: x.percentage) if scored else None  # type: ignore[arg-type, return-value]
    row: dict[str, Any] = {
        "Provider ID": d.provider_id,
        "Provider name": d.provider_name,
        "Provider type": str(d.provider_type) if d.provider_type else "",
        "Framework": result.framework.name,
        "Overall rating": result.overall.label,
        "_level": result.overall.level,
        "Previous rating": d.previous_overall,
        "Trend": result.overall_trend,
        "Overall score (%)": result.overall_percentage,
        "Lowest domain": lowest.domain if lowest else "",
        "Lowest score (%)": lowest.percentage if lowest else None,
        "Safeguarding concerns": len(result.safeguarding),
        "Escalations": len(result.escalations),
        "KPI reds": result.red_kpis,
        "Overdue actions": len(result.overdue),
        "Requirements": len(result.requirements),
        "Contract value (£)": d.contract_value,
        "Monitoring date": d.monitoring_date,
        "Why": "; ".join(result.overall.reasons),
    }
    for domain in result.domains:
        row[f"{domain.domain} (%)"] = domain.percentage
    return row


#: Where a provider that could not be rated stands among the rating levels when the
#: overview orders providers: after Inadequate, before Requires improvement (a local
#: choice: nothing shows it is Inadequate, but nothing shows it is at least adequate).
NOT_RATED_RANK = 0.5

#: How the overview orders providers: most concerning first.
CONCERN_ORDER = (
    ("_rank", True),
    ("Safeguarding concerns", False),
    ("Escalations", False),
    ("KPI reds", False),
    ("Overdue actions", False),
    ("Lowest score (%)", True),
    ("Provider ID", True),
)


def portfolio_frame(rows: Sequence[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Every provider's row, most concerning first: worst rating, then safeguarding
    concerns, escalations, red KPIs, overdue actions, and the lowest domain score."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return frame
    level = frame["_level"].astype(float)
    frame = frame.assign(_rank=level.where(level >= 0, NOT_RATED_RANK))
    keys = [k for k, _ in CONCERN_ORDER]
    return (
        frame.sort_values(
            keys, ascending=[a for _, a in CONCERN_ORDER], na_position="last", kind="stable"
        )
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def rating_distribution(frame: pd.DataFrame, bands: Sequence[tuple[int, str]] = ()) -> pd.DataFrame:
    """How many providers have each overall rating, worst first, then Not rated (if any
    provider is); ``bands`` (level, label) are listed even when no provider has them, so a
    chart shows the empty bands too."""
    counts: dict[tuple[int, str], int] = {band: 0 for band in bands}
    if not frame.empty:
        for key, n in frame.groupby(["_level", "Overall rating"]).size().items():
            counts[(int(key[0]), str(key[1]))] = int(n)
    ordered = sorted(counts.items(), key=lambda item: (item[0][0] < 0, item[0]))
    return pd.DataFrame(
        {"Overall rating": [k[1] for k, _ in ordered], "Providers": [n for _, n in ordered]}
    )


# --- the monitoring plan ---------------------------------------------------------------------


class PlanSettings(BaseModel):
    """How often to visit and how long it takes; local defaults an organisation should set.

    CPC 305 A2 and P5 ask that the schedule reflect past performance and the provider's
    size; A4, A7 and P10 that it be realistic for the resources, with a margin for
    contingencies. The numbers are starting points, not from a standard.
    """

    model_config = ConfigDict(extra="forbid")

    visits_by_level: tuple[int, int, int, int] = (6, 4, 2, 1)
    #: a provider that could not be rated is visited as one that requires improvement (a
    #: local choice, like the rest: nothing shows it is Good)
    visits_if_not_rated: int = 4
    extra_visit_if_declining: int = 1
    large_contract_value: float = 1_000_000
    extra_visit_if_large: int = 1
    hours_small: float = 6
    hours_medium: float = 10
    hours_large: float = 14
    medium_contract_value: float = 250_000
    contingency: float = Field(0.15, ge=0, lt=1)
    officers: float = Field(4, ge=0)
    hours_per_officer: float = Field(1000, ge=0)


@dataclass(frozen=True)
class PlanCapacity:
    hours_needed: float
    contingency_hours: float
    hours_with_contingency: float
    hours_available: float

    @property
    def spare(self) -> float:
        return self.hours_available - self.hours_with_contingency

    @property
    def realistic(self) -> bool:
        return self.spare >= 0


def monitoring_plan(
    portfolio: pd.DataFrame, settings: PlanSettings | None = None
) -> tuple[pd.DataFrame, PlanCapacity]:
    """Proactive visits for next year per provider, and officer hours against hours available."""
    settings = settings or PlanSettings()
    if portfolio.empty:
        empty = PlanCapacity(0, 0, 0, settings.officers * settings.hours_per_officer)
        return pd.DataFrame(), empty
    level = portfolio["_level"].to_numpy(dtype=int)
    visits = np.where(
        level >= 0,
        np.asarray(settings.visits_by_level)[np.clip(level, 0, 3)],
        settings.visits_if_not_rated,
    )
    declining = (portfolio["Trend"] == DOWN).to_numpy()
    value = pd.to_numeric(portfolio["Contract value (£)"], errors="coerce").fillna(0).to_numpy()
    visits = visits + declining * settings.extra_visit_if_declining
    visits = visits + (value >= settings.large_contract_value) * settings.extra_visit_if_large
    hours_each = np.where(
        value >= settings.large_contract_value,
        settings.hours_large,
        np.where(
            value >= settings.medium_contract_value, settings.hours_medium, settings.hours_small
        ),
    )
    hours = visits * hours_each
    reasons = [
        ", ".join(
            p
            for p in (
                f"rated {r}" if r != NOT_RATED else NOT_RATED.lower(),
                "declining" if dn else "",
                "large contract" if v >= settings.large_contract_value else "",
            )
            if p
        )
        for r, dn, v in zip(portfolio["Overall rating"], declining, value, strict=True)
    ]
    # The next proactive visit falls one interval (a year ÷ visits) after this round's.
    dates = portfolio["Monitoring date"] if "Monitoring date" in portfolio else [None] * len(visits)
    last = pd.to_datetime(pd.Series(dates), errors="coerce")
    next_due = [
        (d + pd.Timedelta(days=int(365 // v))).date() if pd.notna(d) and v else None
        for d, v in zip(last, visits, strict=True)
    ]
    plan = pd.DataFrame(
        {
            "Provider ID": portfolio["Provider ID"],
            "Provider name": portfolio["Provider name"],
            "Overall rating": portfolio["Overall rating"],
            "Trend": portfolio["Trend"],
            "Contract value (£)": portfolio["Contract value (£)"],
            "Proactive visits a year": visits.astype(int),
            "Hours a visit": hours_each,
            "Hours a year": hours,
            "Next visit due": next_due,
            "Why": reasons,
        }
    )
    needed = float(hours.sum())
    contingency = needed * settings.contingency
    capacity = PlanCapacity(
        hours_needed=needed,
        contingency_hours=contingency,
        hours_with_contingency=needed + contingency,
        hours_available=settings.officers * settings.hours_per_officer,
    )
    return plan, capacity
