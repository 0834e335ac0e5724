"""Monitoring over time: a provider's earlier rounds, as the history holds them, brought to
this round (CPC 424 B-C, CPC 305 C7).

- :func:`prior_rounds` checks this round can follow the history (the same framework, a later
  date, a round label that is new or the latest) and gives what came before it;
- :func:`carried_forward` is the rating a key question not reassessed carries from the
  round it was last given in, with that round; one older than the framework allows (24
  months by default) is refused;
- :func:`trajectory` is the provider's domain scores and KPIs over the last rounds against
  its baseline (the first round, or one an officer set: CPC 424 A6, C1);
- :func:`follow_up` carries open requirements and recommendations over, with their age;
- :func:`round_records` is this round as the history's rows.

Pure: no files, no workbook library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cpcxl.common.errors import InputError, Location
from cpcxl.common.fields import cached_choice_key as choice_key
from cpcxl.common.values import steady_number

from ..models import (
    Action,
    ActionRound,
    ActionStatus,
    ComplianceEntry,
    Kpi,
    KpiRound,
    PreviousScore,
    ProviderHistory,
    RoundRecord,
)

#: A KPI's direction since the previous round, for a measure where higher is better or not.
BETTER, WORSE, SAME, NEW = "Better", "Worse", "Unchanged", "New this round"
#: Where a baseline came from.
FIRST_ROUND = "the first round"
#: An action is escalated in the overview when it has been open past its due date at this
#: many rounds running (the issue: "overdue for two rounds").
ESCALATE_AFTER_ROUNDS = 2


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from ``earlier`` to ``later`` (12/03/2024 to 12/03/2026 is 24; to
    11/03/2026, 23)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def _history_location(history: ProviderHistory, record: RoundRecord, field_name: str) -> Location:
    return Location(
        file=history.file or None, sheet=record.sheet or None, row=record.row, field=field_name
    )


#: What the history's log says a change the batch made was recorded from.
BATCH_RECORDED_FROM = "cpcxl batch"


def batch_made(entry: ComplianceEntry) -> bool:
    """A change the batch made (a stage closed when its requirements were met), made this
    run or read back from the history's log."""
    return entry.source == "batch" or entry.recorded_from == BATCH_RECORDED_FROM


def prior_rounds(
    history: ProviderHistory,
    round_label: str,
    *,
    framework: str,
    monitoring_date: dt.date | None,
    file: str = "",
) -> ProviderHistory:
    """The provider's history before this round: every round but this one's label, and the
    detail recorded in them.

    Refused, with where: a round of another framework (scores on two scales cannot be one
    trajectory); a round label already in the history that is not the provider's latest
    (only the latest round may be run again); the latest round run again with a return of
    another date (a new visit under an old label would replace the round); a return dated on
    or before the latest earlier round's date (rounds come in date order).
    """
    for record in history.rounds:
        if record.framework.lower() != framework.lower():
            raise InputError(
                f"{history.provider_id}'s round {record.round} in the history is of the "
                f"{record.framework} framework, and this return is of the {framework} "
                "framework; one provider's rounds must be of one framework to be compared",
                location=_history_location(history, record, "Round"),
                valid=f"a return of the {record.framework} framework, or a new history for "
                f"the {framework} framework",
            )
    label = choice_key(round_label)
    same = [r for r in history.rounds if choice_key(r.round) == label]
    if same and same[-1] is not history.rounds[-1]:
        record = same[-1]
        raise InputError(
            f"round {record.round} is already in the history for {history.provider_id} "
            f"(round {record.number} of {len(history.rounds)}), and later rounds follow it; "
            "only a provider's latest round can be run again",
            location=_history_location(history, record, "Round"),
            valid=f"a new round label (after {history.rounds[-1].round}), or "
            f"--round {history.rounds[-1].round} to run the latest again",
        )
    if same and monitoring_date is not None and monitoring_date != same[-1].monitoring_date:
        record = same[-1]
        raise InputError(
            f"round {record.round} is in the history for {history.provider_id}, dated "
            f"{record.monitoring_date:%d/%m/%Y} ({record.sheet} row {record.row}), and this "
            f"return is dated {monitoring_date:%d/%m/%Y}; running a round again replaces it, "
            "so its return must be of the same visit",
            location=Location(file=file or None, sheet="Return", field="Date of monitoring"),
            valid=f"a new round label for a new visit (--round, after {record.round}), or the "
            f"round's date; if the history's date is wrong, correct it on {record.sheet} first",
        )
    earlier = [r for r in history.rounds if choice_key(r.round) != label]
    if earlier and monitoring_date is not None and monitoring_date <= earlier[-1].monitoring_date:
        latest = earlier[-1]
        raise InputError(
            f"the return is dated {monitoring_date:%d/%m/%Y}, not after {history.provider_id}'s "
            f"latest round in the history ({latest.round}, {latest.monitoring_date:%d/%m/%Y}, "
            f"{latest.sheet} row {latest.row}); rounds come in date order",
            location=Location(file=file or None, sheet="Return", field="Date of monitoring"),
            valid=f"a date after {latest.monitoring_date:%d/%m/%Y}, or --round {latest.round} "
            "to run that round again",
        )
    rounds = {r.round for r in earlier}
    return ProviderHistory(
        provider_id=history.provider_id,
        framework=earlier[-1].framework if earlier else "",
        rounds=earlier,
        kpis=[k for k in history.kpis if k.round in rounds],
        actions=[a for a in history.actions if a.round in rounds],
        compliance=[c for c in history.compliance if choice_key(c.round) != label],
        # the batch's own closures belong to its run of the round: run again, it makes them
        # again if they still hold (the history's writer drops them: outputs.history)
        recorded_this_round=[
            c for c in history.compliance if choice_key(c.round) == label and not batch_made(c)
        ],
        baseline=history.baseline,
        file=history.file,
    )


# --- ratings carried forward --------------------------------------------------------------


@dataclass(frozen=True)
class Earlier:
    """A domain's score and rating at the round before this one, and where its rating was
    given (``from_round``, ``from_date``): the round itself, or the one it was carried from."""

    percentage: float | None
    rating: str
    from_round: str
    from_date: dt.date | None
    #: where it was read, for a message that refuses it
    location: Location = field(default_factory=Location)


def earlier_domains(
    history: ProviderHistory | None,
    previous: Sequence[PreviousScore],
    previous_date: dt.date | None,
    *,
    file: str = "",
) -> dict[str, Earlier]:
    """{domain (folded): what the round before this one said of it}: the history's latest
    round when there is one, otherwise the return's Previous round sheet (dated by the
    return's Previous round date)."""
    if history is not None and history.rounds:
        latest = history.rounds[-1]
        found = {}
        for d in latest.domains:
            from_round = d.from_round or latest.round
            from_date = d.from_date if d.from_round else latest.monitoring_date
            found[d.domain.strip().lower()] = Earlier(
                d.percentage,
                d.rating,
                from_round,
                from_date,
                _history_location(history, latest, f"{d.domain} rating"),
            )
        return found
    where = Location(file=file or None, sheet="Return", field="Previous round date")
    return {
        p.domain.strip().lower(): Earlier(
            p.percentage, p.rating, "the previous round", previous_date, where
        )
        for p in previous
    }


def check_carried_age(
    domain: str,
    earlier: Earlier,
    monitoring_date: dt.date | None,
    limit_months: int,
    *,
    framework: str,
    rating: str,
    location: Location,
) -> None:
    """Refuse a rating carried forward from longer ago than the framework allows."""
    if earlier.from_date is None or monitoring_date is None:
        return
    age = months_between(earlier.from_date, monitoring_date)
    if age > limit_months:
        raise InputError(
            f"{domain} was not assessed this round, and its last rating ({rating}, "
            f"{earlier.from_round}, {earlier.from_date:%d/%m/%Y}) is {age} months old, older "
            f"than the {limit_months} months the {framework} framework allows a rating to be "
            "carried forward",
            location=location,
            valid=f"score {domain}'s statements this round (or set carry_forward_months)",
        )


# --- trajectories and KPI baselines ----------------------------------------------------------


@dataclass(frozen=True)
class RoundPoint:
    """One round of a provider's trajectory."""

    round: str
    date: dt.date
    overall: str
    overall_percentage: float | None
    domains: dict[str, float | None]
    kpi_rag: tuple[int, int, int]  # red, amber, green

    @property
    def label(self) -> str:
        return f"{self.round} ({self.date:%d/%m/%Y})"


@dataclass(frozen=True)
class Trajectory:
    """The last rounds (oldest first, this round last) and the baseline they are measured
    against: the first round, or the round an officer set (``set_by`` says which)."""

    points: tuple[RoundPoint, ...]
    baseline: RoundPoint
    set_by: str = FIRST_ROUND
    #: rounds in the history in all (the points are the last of them)
    rounds: int = 0


def trajectory(
    prior: ProviderHistory,
    now: RoundPoint,
    *,
    shown: int,
) -> Trajectory:
    """The provider's last ``shown`` rounds (this one included) and its baseline."""
    points = [
        RoundPoint(
            r.round,
            r.monitoring_date,
            r.overall,
            r.overall_percentage,
            {d.domain: d.percentage for d in r.domains},
            (r.kpi_red, r.kpi_amber, r.kpi_green),
        )
        for r in prior.rounds
    ]
    points.append(now)
    baseline, set_by = points[0], FIRST_ROUND
    chosen = prior.baseline
    if chosen is not None:
        wanted = choice_key(chosen.round)
        found = [p for p in points if choice_key(p.round) == wanted]
        if not found:
            raise InputError(
                f"{chosen.round!r} is not a round of {prior.provider_id} in the history",
                location=Location(
                    file=prior.file or None,
                    sheet="Baselines",
                    row=chosen.row,
                    field="Baseline round",
                ),
                valid=", ".join(p.round for p in points[-12:]),
            )
        baseline = found[0]
        set_by = f"set by {chosen.set_by}" if chosen.set_by else "set by an officer"
        if chosen.why:
            set_by += f": {chosen.why}"
    return Trajectory(tuple(points[-shown:]), baseline, set_by, len(points))


@dataclass(frozen=True)
class KpiHistory:
    """A KPI over the last rounds: its actual at each (None where it was not measured), the
    previous round's, its baseline and where that came from, and its direction."""

    values: tuple[float | None, ...]
    rags: tuple[str, ...]
    previous: float | None
    baseline: float | None
    baseline_from: str
    trend: str

    @property
    def change(self) -> float | None:
        return None if self.baseline is None else self.values[-1] - self.baseline  # type: ignore[operator]


def kpis_by_name(prior: ProviderHistory | None) -> dict[str, list[KpiRound]]:
    """The history's KPI rows by KPI (its name, case and punctuation ignored), in round order."""
    found: dict[str, list[KpiRound]] = {}
    for k in prior.kpis if prior else ():
        found.setdefault(choice_key(k.name), []).append(k)
    return found


def kpi_history(
    kpi: Kpi,
    rag: str,
    prior: ProviderHistory | None,
    rounds: Sequence[str],
    baseline_round: str,
    *,
    by_name: dict[str, list[KpiRound]] | None = None,
) -> KpiHistory:
    """The KPI's values at ``rounds`` (the trajectory's, this round last), its baseline (the
    return's Baseline when given, else its value at the baseline round, else at the first
    round it was measured) and its direction since the previous round."""
    grouped = by_name if by_name is not None else kpis_by_name(prior)
    measured = grouped.get(choice_key(kpi.name), [])
    by_round = {k.round: k for k in measured}
    values = (*(by_round[r].actual if r in by_round else None for r in rounds[:-1]), kpi.actual)
    rags = (*(by_round[r].rag if r in by_round else "" for r in rounds[:-1]), rag)
    previous = measured[-1].actual if measured else None
    if kpi.baseline is not None:
        baseline, source = kpi.baseline, "this return"
    elif baseline_round in by_round:
        baseline, source = by_round[baseline_round].actual, baseline_round
    elif measured:
        baseline, source = measured[0].actual, measured[0].round
    else:
        baseline, source = None, ""
    if previous is None:
        direction = NEW if prior is not None and prior.rounds else ""
    else:
        gap = kpi.actual - previous
        scale = max(abs(previous), 1.0) * 1e-9
        if abs(gap) <= scale:
            direction = SAME
        else:
            direction = BETTER if (gap > 0) == kpi.higher_is_better else WORSE
    return KpiHistory(values, rags, previous, baseline, source, direction)


# --- requirements and recommendations carried over --------------------------------------


@dataclass(frozen=True)
class ActionAge:
    """How long an action has been open: since which round and day, over how many rounds
    (this one included), and at how many rounds running it has been past its due date."""

    first_round: str
    first_date: dt.date | None
    rounds_open: int
    rounds_overdue: int
    #: from an earlier round and not in this return (still open: nothing says it is done)
    carried: bool = False

    @property
    def escalated(self) -> bool:
        return self.rounds_overdue >= ESCALATE_AFTER_ROUNDS

    def days_open(self, day: dt.date | None) -> int | None:
        return (day - self.first_date).days if day and self.first_date else None


def action_key(kind: str, text: str) -> tuple[str, str]:
    return str(kind), choice_key(text)


def follow_up(
    actions: Sequence[Action],
    prior: ProviderHistory | None,
    *,
    round_label: str,
    monitoring_date: dt.date | None,
    as_at: dt.date,
) -> tuple[list[Action], list[ActionAge]]:
    """This round's actions and those carried over, each with its age: (actions, ages) in
    the same order, this return's first.

    An action of the previous round that this return lists again (the same text and kind)
    keeps the round it was first raised in; one this return does not list is still open
    (nothing says it was done) and is carried over. An action past its due date at this
    round and at the previous one has been overdue two rounds running.
    """
    latest = prior.rounds[-1].round if prior and prior.rounds else None
    before = {
        action_key(a.kind, a.action): a
        for a in (prior.actions if prior else [])
        if a.round == latest
    }
    number = {r.round: r.number for r in (prior.rounds if prior else [])}
    count = len(prior.rounds) if prior else 0

    def age(action: Action, earlier: ActionRound | None, carried: bool) -> ActionAge:
        overdue = (
            action.status != ActionStatus.COMPLETE and action.due is not None and action.due < as_at
        )
        if earlier is None:
            return ActionAge(round_label, monitoring_date, 1, 1 if overdue else 0)
        first = earlier.first_round or earlier.round
        opened = count - number.get(first, count) + 2 if first in number else 2
        return ActionAge(
            first,
            earlier.first_date,
            opened,
            earlier.rounds_overdue + 1 if overdue else 0,
            carried,
        )

    listed, ages = [], []
    seen = set()
    for action in actions:
        key = action_key(action.kind, action.action)
        seen.add(key)
        listed.append(action)
        ages.append(age(action, before.get(key), False))
    for key, earlier in before.items():
        if key in seen or earlier.status == ActionStatus.COMPLETE:
            continue
        action = Action(
            action=earlier.action,
            kind=earlier.kind,
            responsible=earlier.responsible or "Provider",
            due=earlier.due,
            status=earlier.status,
        )
        listed.append(action)
        ages.append(age(action, earlier, True))
    return listed, ages


# --- this round as the history's rows ----------------------------------------------------


def round_record_actions(
    provider_id: str,
    round_label: str,
    actions: Sequence[Action],
    ages: Sequence[ActionAge],
) -> list[ActionRound]:
    """The actions the history keeps for this round: every one open, and those completed
    this round (so the closing is on record)."""
    return [
        ActionRound(
            provider_id=provider_id,
            round=round_label,
            action=a.action,
            kind=a.kind,
            responsible=a.responsible,
            due=a.due,
            status=a.status,
            first_round=age.first_round,
            first_date=age.first_date,
            rounds_overdue=age.rounds_overdue,
        )
        for a, age in zip(actions, ages, strict=True)
    ]


def round_record_kpis(
    provider_id: str, round_label: str, kpis: Sequence[tuple[Kpi, str, float | None]]
) -> list[KpiRound]:
    return [
        KpiRound(
            provider_id=provider_id,
            round=round_label,
            name=k.name,
            unit=k.unit,
            higher_is_better=k.higher_is_better,
            target=k.target,
            actual=k.actual,
            rag=rag,
            baseline=baseline,
        )
        for k, rag, baseline in kpis
    ]


# --- the history after this round ------------------------------------------------------------


def history_fingerprint(prior: ProviderHistory, *, exact: bool = False) -> str:
    """SHA-256 of what a provider's earlier rounds say (not where they sit in the sheets): a
    summary records it, so a rerun can tell whether the history changed since. Numbers count
    as :func:`~cpcxl.common.values.steady_number` gives them, so a history opened and saved
    unchanged is the same history; ``exact``: every number exactly, as cpcxl fingerprinted
    a history before (what the summaries it wrote then recorded)."""
    # Each number is made steady where it is put in (its fields are the models' floats): a
    # pass over the whole afterwards made every tuple twice, most of the fingerprint's cost.
    n = _exact if exact else _steady
    parts = (
        [
            (
                r.round,
                r.number,
                r.monitoring_date,
                r.overall,
                n(r.overall_percentage),
                r.stage,
                tuple(
                    (d.domain, n(d.percentage), d.rating, d.from_round, d.from_date)
                    for d in r.domains
                ),
                (r.kpi_red, r.kpi_amber, r.kpi_green, r.open_requirements, r.open_recommendations),
            )
            for r in prior.rounds
        ],
        [
            (
                k.round,
                k.name,
                k.unit,
                k.higher_is_better,
                n(k.target),
                n(k.actual),
                k.rag,
                n(k.baseline),
            )
            for k in prior.kpis
        ],
        [
            (
                a.round,
                a.action,
                str(a.kind),
                str(a.responsible),
                a.due,
                str(a.status),
                a.first_round,
                a.first_date,
                a.rounds_overdue,
            )
            for a in prior.actions
        ],
        [
            (
                c.stage,
                c.entered,
                c.issue,
                c.requirement,
                c.deadline,
                c.evidence,
                c.decided_by,
                c.why,
                c.round,
            )
            for c in prior.compliance
        ],
        (prior.baseline.round, prior.baseline.set_by, prior.baseline.why)
        if prior.baseline
        else None,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _steady(value: Any) -> Any:
    """A float as steady_number gives it (one not finite as its repr); anything else as is."""
    if isinstance(value, float):
        return steady_number(value) if math.isfinite(value) else repr(value)
    return value


def _exact(value: Any) -> Any:
    return value
