"""One provider's round: its return scored and rated, with what the history adds (ratings
carried forward, trajectories, actions carried over with their age) and its compliance stage.

Pure: no workbook library, no files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from cpcxl.common.errors import InputError, InputErrors, Location

from ..models import (
    Action,
    ActionKind,
    ActionRound,
    ActionStatus,
    ComplianceEntry,
    ComplianceScheme,
    DomainRound,
    Escalation,
    Issue,
    Kpi,
    KpiRound,
    MonitoringFramework,
    MonitoringReturn,
    ProviderHistory,
    RoundRecord,
)
from ..schemes import CPC306
from .compliance import ComplianceResult, compliance_now
from .history import (
    ActionAge,
    Earlier,
    KpiHistory,
    RoundPoint,
    Trajectory,
    check_carried_age,
    earlier_domains,
    follow_up,
    kpi_history,
    kpis_by_name,
    round_record_actions,
    round_record_kpis,
    trajectory,
)
from .ratings import (
    AMBER,
    DOWN,
    GREEN,
    NO_PREVIOUS,
    NOT_RATED,
    NOT_REASSESSED,
    RED,
    UNCHANGED,
    UP,
    OverallRating,
    breach_caps,
    kpi_rag,
    limiting_rules_hit,
    not_scored_rating,
    overall_rating,
    rating_level,
    score_percentage,
    trend,
)


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
    #: the round a rating carried forward was given in, and its date
    carried_from: str = ""
    carried_date: dt.date | None = None


CARRIED_FORWARD = "carried forward"
CAPPED_BY_BREACH = "capped: breach"


@dataclass
class KpiResult:
    kpi: Kpi
    rag: str
    #: the KPI over the last rounds, its baseline and direction (with a history or a
    #: Baseline in the return)
    history: KpiHistory | None = None


@dataclass(frozen=True)
class StrengthItem:
    """Good practice to feed back (CPC 305 C1): a statement scored 4, or one the return's
    Strengths table names."""

    domain: str
    text: str
    evidence: str
    source: str


@dataclass(frozen=True)
class NotScored:
    """Statements not scored this round and why (CPC 305 B6): one statement, or all of a
    domain's when they share a reason (or all have none)."""

    domain: str
    statements: str
    count: int
    reason: str


SCORED_FOUR = "Scored 4 (exceptional)"
STRENGTHS_TABLE = "Strengths table"


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
    #: every action: this return's, then those carried over from earlier rounds
    actions: list[Action] = field(default_factory=list)
    #: each action's age, in the order of ``actions``
    ages: list[ActionAge] = field(default_factory=list)
    compliance: ComplianceResult | None = None
    strengths: list[StrengthItem] = field(default_factory=list)
    not_scored: list[NotScored] = field(default_factory=list)
    trajectory: Trajectory | None = None
    #: the round this result is of (the history's label), and what came before it
    round_label: str = ""
    prior: ProviderHistory | None = None
    #: the overall rating the history or the return recorded for the previous round
    previous_overall: str = ""
    #: the compliance scheme the stage was checked against
    stages: ComplianceScheme = CPC306

    @property
    def red_kpis(self) -> int:
        return sum(1 for k in self.kpis if k.rag == RED)

    def age_of(self, action: Action) -> ActionAge | None:
        for a, age in zip(self.actions, self.ages, strict=False):
            if a is action:
                return age
        return None

    @property
    def escalated_actions(self) -> list[Action]:
        """Actions overdue at this round and the one before (escalated in the overview)."""
        return [
            a
            for a, age in zip(self.actions, self.ages, strict=False)
            if age.escalated and a.status != ActionStatus.COMPLETE
        ]


def _strengths(ret: MonitoringReturn) -> list[StrengthItem]:
    found = [
        StrengthItem(s.domain, s.statement, s.evidence, SCORED_FOUR)
        for s in ret.scores
        if s.score == 4
    ]
    found += [
        StrengthItem(s.domain, s.strength, s.evidence, STRENGTHS_TABLE) for s in ret.strengths
    ]
    return found


def _not_scored(ret: MonitoringReturn, framework: MonitoringFramework) -> list[NotScored]:
    by_domain: dict[str, list[tuple[str, str, bool]]] = {d: [] for d in framework.domain_names()}
    folded = {d.lower(): d for d in by_domain}
    for s in ret.scores:
        name = folded.get(s.domain.strip().lower())
        if name is not None:
            by_domain[name].append((s.statement, s.reason, s.score is None))
    found = []
    for domain, statements in by_domain.items():
        unscored = [(text, reason) for text, reason, none in statements if none]
        if not unscored:
            continue
        reasons = {reason for _, reason in unscored}
        if len(unscored) == len(statements) and len(reasons) == 1:
            n = len(unscored)
            found.append(
                NotScored(
                    domain,
                    f"All {n} statements" if n > 1 else unscored[0][0] or "Its statement",
                    n,
                    reasons.pop(),
                )
            )
            continue
        found += [
            NotScored(domain, text or "(no statement text)", 1, reason) for text, reason in unscored
        ]
    return found


def _scores_location(ret: MonitoringReturn, domain: str) -> Location:
    rows = [s.row for s in ret.scores if s.domain == domain and s.row is not None]
    return Location(
        file=ret.source_file or None,
        sheet="Scores",
        cell=f"A{min(rows)}" if rows else None,
        row=min(rows) if rows else None,
        field="Domain",
    )


def evaluate(
    ret: MonitoringReturn,
    framework: MonitoringFramework,
    *,
    as_at: dt.date,
    history: ProviderHistory | None = None,
    round_label: str = "",
    stages: ComplianceScheme = CPC306,
    carry_forward_months: int | None = None,
    rounds_shown: int = 4,
) -> ProviderResult:
    """Score and rate one provider's return; ``as_at`` decides which actions are overdue.

    A domain with no statement scored this round carries forward its previous round's
    rating (or the band of its previous score), as CQC aggregates a focused inspection's
    new ratings with the existing ratings of the key questions not inspected; a domain with
    neither has no rating, and the overall rating is then Not rated. A return that scores
    no statement at all is Not rated (nothing was assessed), not an error.

    ``history`` (the provider's rounds before this one, from :func:`prior_rounds`) is where
    the previous round comes from when it has any rounds, instead of the return's Previous
    round sheet; a rating carried forward is marked with the round it was given in and
    refused when older than ``carry_forward_months`` (the framework's own limit, 24 months
    by default, when None). ``stages`` is the compliance scheme of the return's Compliance
    sheet and the history's log.
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
    d = ret.details
    earlier = earlier_domains(history, ret.previous, d.previous_date, file=ret.source_file)
    limit = carry_forward_months or framework.overall.carry_forward_months
    breach_in = [d.breach_domain] if d.regulatory_breach and d.breach_domain else []
    problems = InputErrors()
    found = []  # (name, scores, percentage, level before any cap, previous %, note, trend, from)
    for name, scores in by_domain.items():
        pct = score_percentage(scores)
        level = rating_level(pct, framework) if pct is not None else None
        before = earlier.get(name.lower())
        before_pct = before.percentage if before else None
        note, trend_now = "", trend(pct, before_pct)
        carried: Earlier | None = None
        if level is None and anything_scored and before is not None:
            level = _earlier_level(before, framework)
            if level is not None:
                note, trend_now, carried = CARRIED_FORWARD, NOT_REASSESSED, before
                problems.attempt(
                    check_carried_age,
                    name,
                    before,
                    d.monitoring_date,
                    limit,
                    framework=framework.name,
                    rating=framework.labels[level],
                    location=_scores_location(ret, name),
                )
        found.append((name, scores, pct, level, before_pct, note, trend_now, carried))
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
            note=CAPPED_BY_BREACH
            if level != uncapped
            else _carried_note(carried)
            if carried
            else note,
            carried_from=carried.from_round if carried else "",
            carried_date=carried.from_date if carried else None,
        )
        for (name, scores, pct, uncapped, before_pct, note, trend_now, carried), level in zip(
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
        carried_names = [
            f"{dr.domain} ({dr.carried_from})" if history is not None else dr.domain
            for dr in domains
            if dr.carried_from
        ]
        if carried_names and overall.rated:
            overall = dataclasses.replace(
                overall,
                reasons=(*overall.reasons, f"carried forward: {', '.join(carried_names)}"),
            )
    else:
        overall = not_scored_rating(_previous_overall(history, d.previous_overall, framework))
    all_scores = [s for ss in by_domain.values() for s in ss]
    previous_label = _previous_overall(history, d.previous_overall, framework)
    previous_level = framework.level_of(previous_label) if previous_label else None
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
    actions, ages = follow_up(
        ret.actions,
        history,
        round_label=round_label,
        monitoring_date=d.monitoring_date,
        as_at=as_at,
    )
    open_actions = [a for a in actions if a.status != ActionStatus.COMPLETE]
    requirements = [a for a in actions if a.kind == ActionKind.REQUIREMENT]
    compliance = problems.attempt(
        compliance_now,
        history.compliance if history else [],
        ret.compliance,
        stages,
        requirements=requirements,
        monitoring_date=d.monitoring_date,
        as_at=as_at,
        round_label=round_label,
        file=ret.source_file,
        history=history.file if history else "",
        already=history.recorded_this_round if history else (),
    )
    problems.raise_if_any()
    result = ProviderResult(
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
        requirements=requirements,
        recommendations=[a for a in actions if a.kind == ActionKind.RECOMMENDATION],
        overdue=[a for a in open_actions if a.due is not None and a.due < as_at],
        limits_hit=limits,
        actions=actions,
        ages=ages,
        compliance=compliance,
        strengths=_strengths(ret),
        not_scored=_not_scored(ret, framework),
        round_label=round_label,
        prior=history,
        previous_overall=previous_label,
        stages=stages,
    )
    _add_trajectory(result, history, rounds_shown)
    return result


def _earlier_level(before: Earlier, framework: MonitoringFramework) -> int | None:
    if before.rating and before.rating != NOT_RATED:
        try:
            return framework.level_of(before.rating)
        except KeyError:
            return None
    if before.percentage is not None:
        return rating_level(before.percentage, framework)
    return None


def _carried_note(carried: Earlier) -> str:
    when = f", {carried.from_date:%d/%m/%Y}" if carried.from_date else ""
    return f"{CARRIED_FORWARD} from {carried.from_round}{when}"


def _previous_overall(
    history: ProviderHistory | None, given: str, framework: MonitoringFramework | None = None
) -> str:
    """The previous round's overall rating: the history's latest (when it was rated), or the
    return's Previous overall rating."""
    if history is not None and history.rounds:
        label = history.rounds[-1].overall
        return label if framework is None or label in framework.labels else ""
    return given


def _add_trajectory(result: ProviderResult, history: ProviderHistory | None, shown: int) -> None:
    """With a history: the trajectory over the last rounds and each KPI's; without one, a
    KPI's baseline when the return gives it."""
    if history is None:
        for k in result.kpis:
            if k.kpi.baseline is not None:
                k.history = KpiHistory(
                    (k.kpi.actual,), (k.rag,), None, k.kpi.baseline, "this return", ""
                )
        return
    reds = [k.rag for k in result.kpis]
    now = RoundPoint(
        result.round_label,
        result.ret.details.monitoring_date or dt.date.today(),
        result.overall.label,
        result.overall_percentage,
        {dr.domain: dr.percentage for dr in result.domains},
        (reds.count(RED), reds.count(AMBER), reds.count(GREEN)),
    )
    path = trajectory(history, now, shown=shown)
    result.trajectory = path
    rounds = [p.round for p in path.points]
    grouped = kpis_by_name(history)
    for k in result.kpis:
        k.history = kpi_history(k.kpi, k.rag, history, rounds, path.baseline.round, by_name=grouped)


# --- this round as the history's rows ----------------------------------------------------


@dataclass(frozen=True)
class RoundRows:
    """What the history records of one provider's round."""

    round: RoundRecord
    kpis: list[KpiRound]
    actions: list[ActionRound]
    compliance: list[ComplianceEntry]


def round_rows(result: ProviderResult, *, return_sha256: str = "", as_at: dt.date) -> RoundRows:
    """This round as the history's rows: the round (domains, overall, counts), its KPIs, the
    actions open at it (and those completed in it), and the compliance changes it adds."""
    d = result.ret.details
    prior = result.prior
    number = (prior.rounds[-1].number + 1) if prior and prior.rounds else 1
    rags = [k.rag for k in result.kpis]
    open_actions = [a for a in result.actions if a.status != ActionStatus.COMPLETE]
    stage = result.compliance.stage if result.compliance else ""
    record = RoundRecord(
        provider_id=d.provider_id,
        provider_name=d.provider_name,
        framework=result.framework.name,
        round=result.round_label,
        number=number,
        monitoring_date=d.monitoring_date or as_at,
        overall=result.overall.label,
        overall_percentage=result.overall_percentage,
        trend=result.overall_trend,
        domains=[
            DomainRound(
                domain=dr.domain,
                percentage=dr.percentage,
                rating=dr.rating if dr.level is not None else "",
                from_round=dr.carried_from,
                from_date=dr.carried_date,
            )
            for dr in result.domains
        ],
        kpi_red=rags.count(RED),
        kpi_amber=rags.count(AMBER),
        kpi_green=rags.count(GREEN),
        open_requirements=sum(1 for a in open_actions if a.kind == ActionKind.REQUIREMENT),
        open_recommendations=sum(1 for a in open_actions if a.kind == ActionKind.RECOMMENDATION),
        stage=stage,
        return_file=result.ret.source_file,
        return_sha256=return_sha256,
        recorded=as_at,
    )
    kept = [
        (a, age)
        for a, age in zip(result.actions, result.ages, strict=True)
        if a.status != ActionStatus.COMPLETE or not age.carried
    ]
    actions = round_record_actions(
        d.provider_id, result.round_label, [a for a, _ in kept], [g for _, g in kept]
    )
    kpis = round_record_kpis(
        d.provider_id,
        result.round_label,
        [(k.kpi, k.rag, k.history.baseline if k.history else k.kpi.baseline) for k in result.kpis],
    )
    new = [
        e.model_copy(
            update={
                "round": result.round_label,
                "recorded": as_at,
                "recorded_from": e.recorded_from
                or (result.ret.source_file if e.source == "return" else "cpcxl batch"),
            }
        )
        for e in (result.compliance.new if result.compliance else ())
    ]
    return RoundRows(record, kpis, actions, new)
