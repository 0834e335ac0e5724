"""Realistic filled-in returns for demonstrations, tests and the benchmark (seeded, repeatable),
and the demonstration: 40 sample returns to summaries and a portfolio overview.

Providers are organisations with descriptive names; people appear only as roles.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cpcxl.common.files import Outputs
from cpcxl.plugins import Demo

from .engine import kpi_rag, overall_rating, rating
from .models import (
    Action,
    ActionKind,
    ActionRound,
    ActionStatus,
    ActionType,
    Channel,
    ComplianceEntry,
    DomainRound,
    Escalation,
    EvidenceType,
    Involvement,
    Issue,
    IssueType,
    Kpi,
    KpiRound,
    MonitoringActivity,
    MonitoringFramework,
    MonitoringReturn,
    NonCompliance,
    Participant,
    PreviousScore,
    ProviderDetails,
    ProviderHistory,
    ProviderType,
    Responsible,
    RoundRecord,
    Stakeholder,
    StakeholderKind,
    StatementScore,
    Strength,
)
from .schemes import COUNCIL, CQC

PLACES = (
    "Riverside", "Oakwood", "Meadowbank", "Hillcrest", "Northgate", "Willowbrook",
    "Harbour View", "Elmfield", "Brookside", "Castle Lane", "Greenacres", "Ashdown",
    "Kingsway", "Millbrook", "Fernhill", "Station Road", "Beacon", "Lakeside", "Orchard",
    "Thornbury", "Westfield", "Cedar", "Moorland", "Parkside",
)  # fmt: skip
KINDS = (
    ("Home Care Ltd", ProviderType.PRIVATE, "Home care"),
    ("Care Home Ltd", ProviderType.PRIVATE, "Residential care"),
    ("Nursing Home Ltd", ProviderType.PRIVATE, "Nursing care"),
    ("Supported Living CIC", ProviderType.VOLUNTARY, "Supported living"),
    ("Community Support Trust", ProviderType.VOLUNTARY, "Day opportunities"),
    ("Carers Network", ProviderType.VOLUNTARY, "Carers' support"),
    ("Council Reablement Service", ProviderType.LOCAL_AUTHORITY, "Reablement"),
    ("Personal Assistants Co-operative", ProviderType.SELECTED_BY_USERS, "Direct payments support"),
)
KPI_POOL = (
    ("Visits delivered within 30 minutes of the planned time", "%", 95, True),
    ("Missed visits", "per 1,000 visits", 5, False),
    ("Care plans reviewed in the last 12 months", "%", 100, True),
    ("Staff turnover", "% a year", 25, False),
    ("Staff with safeguarding training up to date", "%", 100, True),
    ("Complaints resolved within 28 days", "%", 90, True),
    ("Medication errors", "per month", 2, False),
    ("People who say they feel safe", "%", 90, True),
)
EVIDENCE = (
    ("Observed during the visit", EvidenceType.OBSERVED, "Monitoring visit"),
    ("Ten care records sampled", EvidenceType.DOCUMENTARY, "Care records"),
    ("Rota and call-monitoring data for the quarter", EvidenceType.DOCUMENTARY, "Call monitoring"),
    ("Survey of people using the service", EvidenceType.REPORTED, "Survey"),
    ("Conversations with families", EvidenceType.REPORTED, "Family carers"),
    ("Latest inspection report", EvidenceType.REGULATOR, "Regulator's report"),
    ("Training matrix and supervision records", EvidenceType.DOCUMENTARY, "Training records"),
    ("Interviews with care staff", EvidenceType.REPORTED, "Staff interviews"),
)
# fmt: off
ISSUES = (
    ("Late and shortened visits on evening rounds", IssueType.CAPACITY, NonCompliance.QUANTITY),
    ("Care plans not updated after hospital discharge", IssueType.PERFORMANCE,
     NonCompliance.QUALITY),
    ("Too few staff trained to give medicines", IssueType.CAPABILITY, NonCompliance.QUALITY),
    ("Vacancies covered by agency staff", IssueType.RESOURCE, NonCompliance.OUTCOMES),
    ("Policies not updated for new national guidance", IssueType.LEGISLATION,
     NonCompliance.MILESTONES),
    ("Unexplained bruising not reported to the safeguarding team", IssueType.PERFORMANCE,
     NonCompliance.QUALITY),
)
ACTIONS = (
    ("Recruit and train evening care workers", ActionType.RECRUIT, Responsible.PROVIDER),
    ("Refresh medicines training for all care staff", ActionType.TRAINING, Responsible.PROVIDER),
    ("Review the care-plan update process after discharge", ActionType.SYSTEMS,
     Responsible.PROVIDER),
    ("Offer the provider quality-improvement advice", ActionType.ADVICE, Responsible.COMMISSIONER),
    ("Arrange specialist safeguarding support", ActionType.SPECIALIST, Responsible.COMMISSIONER),
    ("Vary the contract to fund evening capacity", ActionType.VARIATION, Responsible.COMMISSIONER),
    ("Join the residents' forum to review menus and activities", ActionType.OTHER,
     Responsible.PEOPLE),
    ("Improve the accessibility of the entrance", ActionType.FACILITIES, Responsible.PROVIDER),
)
# fmt: on
PARTICIPANTS = (
    ("Contracts and Quality Officer", "Commissioning team", Involvement.TOTAL),
    ("Registered Manager", "Provider", Involvement.TOTAL),
    ("People using the service (4)", "", Involvement.LIMITED),
    ("Family carers (2)", "", Involvement.LIMITED),
    ("Care workers (3)", "Provider", Involvement.LIMITED),
    ("Safeguarding Adults Lead", "Council", Involvement.INFORMATION_ONLY),
)
#: Why a sample statement was not scored (CPC 305 B6).
NOT_SCORED_REASONS = (
    "Not applicable: the service does not handle medicines",
    "Not assessed this round: the visit focused on other statements",
    "Not applicable to a service of this kind",
    "Evidence requested and not yet received",
)
STRENGTH_POOL = (
    ("Staff know people well and speak of them with warmth", "Caring"),
    ("Care plans are personal and reviewed with families", "Responsive"),
    ("A stable team with low use of agency staff", "Safe"),
    ("Clear leadership and a manager who acts on feedback", "Well-led"),
    ("People are supported to keep links with their community", "Effective"),
)
STAKEHOLDER_POOL = (
    ("Family carers of people using the service", "", StakeholderKind.USERS, Channel.LETTER),
    ("Residents' and relatives' forum", "", StakeholderKind.USERS, Channel.MEETING),
    ("Integrated Care Board quality lead", "NHS", StakeholderKind.FUNDERS, Channel.LETTER),
    ("Adult social care practitioners", "Council", StakeholderKind.REFERRERS, Channel.NEWSLETTER),
    ("Healthwatch", "Healthwatch", StakeholderKind.PARTNERS, Channel.LETTER),
)
#: Sample monitoring visits fall from 01/04/2026 to 28/09/2026; the round ends on this day.
SAMPLE_ROUND_END = dt.date(2026, 10, 1)

# Score chances for 1, 2, 3, 4 by how well a provider is doing.
QUALITY = {
    "struggling": (0.25, 0.45, 0.25, 0.05),
    "mixed": (0.05, 0.35, 0.5, 0.1),
    "good": (0.01, 0.12, 0.67, 0.2),
    "excellent": (0.0, 0.04, 0.46, 0.5),
}


def sample_return(index: int, seed: int) -> MonitoringReturn:
    """The ``index``-th sample provider of the seeded set (the same every time)."""
    rng = random.Random(f"{seed}-{index}")
    suffix, provider_type, service = KINDS[rng.randrange(len(KINDS))]
    name = f"{PLACES[index % len(PLACES)]} {suffix}"
    if index >= len(PLACES):
        name = f"{PLACES[index % len(PLACES)]} {suffix} ({index // len(PLACES) + 1})"
    framework: MonitoringFramework = COUNCIL if rng.random() < 0.15 else CQC
    quality = rng.choices(list(QUALITY), weights=(2, 4, 10, 2))[0]
    weights = QUALITY[quality]
    monitoring_date = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(0, 180))
    scores = []
    for domain in framework.domains:
        for statement in domain.statements:
            score = None if rng.random() < 0.08 else rng.choices((1, 2, 3, 4), weights)[0]
            text, kind, source = EVIDENCE[rng.randrange(len(EVIDENCE))]
            scores.append(
                StatementScore(
                    domain=domain.name,
                    statement=statement.text,
                    safeguarding=statement.safeguarding,
                    score=score,
                    evidence=f"{text}: {statement.text.lower()}" if score else "",
                    evidence_type=kind if score else None,
                    source=source if score else "",
                )
            )
    kpis = []
    for kpi_name, unit, target, higher in rng.sample(KPI_POOL, rng.randint(3, 6)):
        spread = {"struggling": 0.25, "mixed": 0.12, "good": 0.06, "excellent": 0.03}[quality]
        drift = rng.gauss(0, spread) * (target if target else 1)
        actual = target - abs(drift) if higher and rng.random() < 0.6 else target + drift
        if unit == "%":
            actual = min(100.0, max(0.0, actual))
        kpis.append(
            Kpi(
                name=kpi_name,
                target=target,
                actual=round(max(actual, 0.0), 1),
                higher_is_better=higher,
                tolerance=0.05 if rng.random() < 0.8 else 0.1,
                unit=unit,
                source="Provider's quarterly return",
            )
        )
    issues = []
    n_issues = {"struggling": 4, "mixed": 3, "good": 1, "excellent": 0}[quality]
    for description, issue_type, non_compliance in rng.sample(ISSUES, rng.randint(0, n_issues)):
        safeguarding = "safeguarding" in description or (
            quality == "struggling" and rng.random() < 0.2
        )
        escalated = Escalation.SAFEGUARDING if safeguarding else Escalation.NONE
        if quality == "struggling" and rng.random() < 0.3:
            escalated = Escalation.REGULATOR
        issues.append(
            Issue(
                description=description,
                issue_type=issue_type,
                safeguarding=safeguarding,
                non_compliance=non_compliance,
                raised=monitoring_date - dt.timedelta(days=rng.randrange(0, 60)),
                escalated_to=escalated,
                action_taken="Referred the same day" if safeguarding else "Discussed at the visit",
            )
        )
    actions = []
    for text, action_type, responsible in rng.sample(ACTIONS, rng.randint(1, 5)):
        action_kind = ActionKind.REQUIREMENT if rng.random() < 0.5 else ActionKind.RECOMMENDATION
        earlier = rng.random() < 0.3  # carried over from the last round
        due = monitoring_date + dt.timedelta(
            days=rng.choice((-45, -14)) if earlier else rng.choice((28, 56, 90))
        )
        status = (
            rng.choice((ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE))
            if earlier
            else ActionStatus.OPEN
        )
        actions.append(
            Action(
                action=text,
                kind=action_kind,
                action_type=action_type,
                responsible=responsible,
                due=due,
                status=status,
            )
        )
    previous: list[PreviousScore] = []
    previous_overall = ""
    if rng.random() < 0.6:
        for domain in framework.domains:
            pct = round(min(100.0, max(25.0, rng.gauss(70, 12))))
            previous.append(PreviousScore(domain=domain.name, percentage=pct))
        previous_overall = rng.choice(framework.labels[1:3])
    participants = [
        Participant(role=r, organisation=o, involvement=i)
        for r, o, i in rng.sample(PARTICIPANTS, rng.randint(2, 5))
    ]
    value = round(rng.lognormvariate(12.8, 0.9), -3)
    details = ProviderDetails(
        provider_id=f"P-{index + 1:04d}",
        provider_name=name,
        provider_type=provider_type,
        service=service,
        contract_reference=f"ASC-{2024 + index % 3}-{index + 1:04d}",
        contract_value=value,
        framework=framework.name,
        period_start=monitoring_date - dt.timedelta(days=182),
        period_end=monitoring_date - dt.timedelta(days=1),
        monitoring_date=monitoring_date,
        activity=rng.choices(list(MonitoringActivity), (8, 2, 1))[0],
        lead_officer="Contracts and Quality Officer",
        regulatory_breach=quality == "struggling" and rng.random() < 0.3,
        previous_date=monitoring_date - dt.timedelta(days=365) if previous else None,
        previous_overall=previous_overall,
    )
    ret = MonitoringReturn(
        details=details,
        participants=participants,
        scores=scores,
        kpis=kpis,
        issues=issues,
        actions=actions,
        previous=previous,
    )
    _add_issue16_parts(ret, random.Random(f"{seed}-{index}-16"), quality, framework)
    return ret


def _add_issue16_parts(
    ret: MonitoringReturn, rng: random.Random, quality: str, framework: MonitoringFramework
) -> None:
    """Reasons for statements not scored, strengths, who is kept informed and any compliance
    action (issue 16), from their own random stream, so the rest of a sample stays as it was."""
    for s in ret.scores:
        if s.score is None:
            s.reason = rng.choice(NOT_SCORED_REASONS)
    names = framework.domain_names()
    ret.strengths = [
        Strength(
            strength=text, domain=domain if domain in names else "", evidence="Seen at the visit"
        )
        for text, domain in rng.sample(
            STRENGTH_POOL, rng.randint(0, 2 if quality != "struggling" else 1)
        )
    ]
    ret.stakeholders = [
        Stakeholder(
            who=who,
            organisation=organisation,
            kind=kind,
            involvement=Involvement.INFORMATION_ONLY,
            channel=channel,
        )
        for who, organisation, kind, channel in rng.sample(STAKEHOLDER_POOL, rng.randint(1, 3))
    ]
    requirements = [a for a in ret.actions if a.kind == ActionKind.REQUIREMENT]
    day = ret.details.monitoring_date
    if quality == "struggling" and requirements and day is not None:
        entered = day - dt.timedelta(days=rng.choice((42, 70, 120)))
        ret.compliance = [
            ComplianceEntry(
                stage="Improvement notice",
                entered=entered,
                issue=ret.issues[0].description if ret.issues else "Shortfalls found at the visit",
                requirement=requirements[0].action,
                deadline=entered + dt.timedelta(days=rng.choice((28, 56, 180))),
                evidence="An audit showing the requirement is met, checked at a visit",
                decided_by="Head of Commissioning",
                why="Shortfalls found at two visits running",
            )
        ]


def example_return() -> MonitoringReturn:
    """A small hand-checkable return (the Build summary button's worked example).

    Safe 3,2,2,2 = 9/16 = 56.25% (Requires improvement); Effective 3,3,3 = 75% Good;
    Caring 3,3 = 75% Good; Responsive 3,3,3 = 75% Good; Well-led 3,4,3 = 10/12 = 83.3% Good.
    One Requires improvement and the rest Good is Good; the regulatory breach caps it at
    Requires improvement.
    """
    chosen = {
        "Safe": [3, 2, 2, 2],
        "Effective": [3, 3, 3],
        "Caring": [3, 3],
        "Responsive": [3, 3, 3],
        "Well-led": [3, 4, 3],
    }
    scores = []
    for domain in CQC.domains:
        given = chosen[domain.name]
        for i, statement in enumerate(domain.statements):
            score = given[i] if i < len(given) else None
            scores.append(
                StatementScore(
                    domain=domain.name,
                    statement=statement.text,
                    safeguarding=statement.safeguarding,
                    score=score,
                    evidence="Seen at the visit" if score else "",
                    evidence_type=EvidenceType.OBSERVED if score else None,
                    source="Monitoring visit" if score else "",
                )
            )
    day = dt.date(2026, 5, 12)
    return MonitoringReturn(
        details=ProviderDetails(
            provider_id="P-0042",
            provider_name="Riverside Home Care Ltd",
            provider_type=ProviderType.PRIVATE,
            service="Home care",
            contract_reference="ASC-2025-0042",
            contract_value=480_000,
            framework="cqc",
            period_start=dt.date(2025, 11, 1),
            period_end=dt.date(2026, 4, 30),
            monitoring_date=day,
            activity=MonitoringActivity.PROACTIVE,
            lead_officer="Contracts and Quality Officer",
            regulatory_breach=True,
            previous_date=dt.date(2025, 5, 14),
            previous_overall="Good",
        ),
        participants=[
            Participant(
                role="Contracts and Quality Officer",
                organisation="Commissioning team",
                involvement=Involvement.TOTAL,
            ),
            Participant(
                role="Registered Manager", organisation="Provider", involvement=Involvement.TOTAL
            ),
        ],
        scores=scores,
        kpis=[
            Kpi(
                name="Visits delivered within 30 minutes of the planned time",
                target=95,
                actual=91,
                unit="%",
            ),
            Kpi(
                name="Missed visits",
                target=5,
                actual=4,
                higher_is_better=False,
                unit="per 1,000 visits",
            ),
        ],
        issues=[
            Issue(
                description="Medicines records incomplete for two people",
                issue_type=IssueType.PERFORMANCE,
                safeguarding=True,
                non_compliance=NonCompliance.QUALITY,
                raised=day,
                escalated_to=Escalation.SAFEGUARDING,
                action_taken="Referred to the safeguarding team the same day",
            )
        ],
        actions=[
            Action(
                action="Audit every medicines record and retrain staff",
                kind=ActionKind.REQUIREMENT,
                action_type=ActionType.TRAINING,
                responsible=Responsible.PROVIDER,
                due=dt.date(2026, 6, 9),
            ),
            Action(
                action="Offer the provider medicines-management advice",
                kind=ActionKind.RECOMMENDATION,
                action_type=ActionType.ADVICE,
                responsible=Responsible.COMMISSIONER,
                due=dt.date(2026, 6, 30),
            ),
        ],
        previous=[PreviousScore(domain=d, percentage=70) for d in CQC.domain_names()],
    )


# --- sample returns as files ---------------------------------------------------------------


def _write_sample(task: tuple[Path, int, int, bool]) -> tuple[Path, bool]:
    """(the sample's path, whether it was written); an existing file is kept unless
    ``overwrite`` (the one rule of :class:`cpcxl.common.files.Outputs`)."""
    from .workbook import write_return

    out_dir, index, seed, overwrite = task
    ret = sample_return(index, seed)
    target = out_dir / f"return_{ret.details.provider_id}.xlsx"
    if not Outputs(overwrite=overwrite).may_write(target):
        return target, False
    return write_return(target, ret), True


def write_samples(
    out_dir: Path,
    providers: int,
    seed: int,
    *,
    overwrite: bool = False,
    jobs: int = 1,
    first: int = 0,
    outputs: Outputs | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[Path]:
    """Seeded sample returns ``first`` .. ``providers - 1`` in ``out_dir``, named
    return_<provider id>.xlsx (the same return for the same seed and index); the paths
    written. A return already there is kept unless ``overwrite``, and noted in ``outputs``.
    ``progress(done, total)`` is told after each return.
    """
    outputs = outputs if outputs is not None else Outputs(overwrite=overwrite)
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(out_dir, index, seed, outputs.overwrite) for index in range(first, providers)]

    def told(results: Iterable[tuple[Path, bool]]) -> Iterator[tuple[Path, bool]]:
        for count, result in enumerate(results, start=1):
            if progress is not None:
                progress(count, len(tasks))
            yield result

    if jobs <= 1:
        done = list(told(map(_write_sample, tasks)))
    else:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            done = list(told(pool.imap(_write_sample, tasks, chunksize=16)))
    for path, wrote in done:
        if wrote:
            outputs.wrote(path)
        else:
            outputs.kept.append(path)
    return [path for path, wrote in done if wrote]


#: Earlier rounds in the demonstration's history (a local choice: two years, six-monthly).
DEMO_ROUNDS = 4


def run_demo(out_dir: Path) -> list[Path]:
    """40 sample returns and a history of their four earlier rounds, then the batch on them:
    summaries with their progress, updates, the portfolio and plan, and the history with
    this round added."""
    from cpcxl.common.commands import console

    from .workbook import BatchOptions, run_batch

    returns = out_dir / "returns"
    write_samples(returns, 40, seed=2026, overwrite=True)
    history = write_sample_history(out_dir / "history.xlsx", 40, DEMO_ROUNDS, 2026)
    summaries = out_dir / "summaries"
    # The samples' round runs from April to September 2026: report as at its end.
    options = BatchOptions(
        jobs=2,
        overwrite=True,
        as_at=SAMPLE_ROUND_END,
        history=history,
        round_label=sample_round_label(0),
        updates=True,
    )
    report = run_batch(returns, summaries, options)
    console.print(f"monitoring summaries are in {summaries} (overview: {report.portfolio})")
    return [*report.written, report.errors_csv]


DEMO = Demo(
    name="monitoring",
    title="Provider monitoring: 40 sample returns to summaries and a portfolio overview",
    run=run_demo,
)


def example_return_file(folder: Path) -> Path:
    """The worked example as a return file in ``folder`` (for the Build summary example)."""
    from .workbook import write_return

    return write_return(folder / "example_return.xlsx", example_return())


# --- a history of earlier rounds for the sample providers ---------------------------------

#: Months between the sample's monitoring rounds (six-monthly, a local choice for the demo).
SAMPLE_ROUND_MONTHS = 6


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def sample_round_label(rounds_back: int, *, end: dt.date = SAMPLE_ROUND_END) -> str:
    """The label of the sample round ``rounds_back`` before the one ending ``end`` (0: that
    round), as the batch's default --round labels it: its as-at month, 2026-10."""
    return f"{_months_before(end, SAMPLE_ROUND_MONTHS * rounds_back):%Y-%m}"


def sample_history(providers: int, rounds: int, seed: int) -> list[ProviderHistory]:
    """``rounds`` earlier six-monthly rounds of the first ``providers`` sample providers (the
    same providers, frameworks and KPIs as :func:`sample_return`), ending the round before
    the sample's; seeded, so the same every time."""
    histories = []
    for index in range(providers):
        ret = sample_return(index, seed)
        rng = random.Random(f"{seed}-{index}-history")
        framework = COUNCIL if ret.details.framework == COUNCIL.name else CQC
        d = ret.details
        assert d.monitoring_date is not None
        level = rng.gauss(68, 10)
        history = ProviderHistory(provider_id=d.provider_id, framework=framework.name)
        for back in range(rounds, 0, -1):
            label = sample_round_label(back)
            day = d.monitoring_date - dt.timedelta(days=182 * back + rng.randrange(-20, 20))
            domains = []
            for domain in framework.domain_names():
                pct = round(min(100.0, max(25.0, rng.gauss(level, 9))), 1)
                domains.append(
                    DomainRound(domain=domain, percentage=pct, rating=rating(pct, framework))
                )
            levels = [framework.level_of(x.rating) for x in domains]
            overall = overall_rating(levels, framework)
            kpis = []
            for k in ret.kpis:
                drift = rng.gauss(0, 0.08) * (k.target or 1)
                actual = round(max(0.0, k.target + drift), 1)
                if k.unit == "%":
                    actual = min(actual, 100.0)
                kpis.append(
                    KpiRound(
                        provider_id=d.provider_id,
                        round=label,
                        name=k.name,
                        unit=k.unit,
                        higher_is_better=k.higher_is_better,
                        target=k.target,
                        actual=actual,
                        rag=str(kpi_rag(actual, k.target, k.higher_is_better, k.tolerance)),
                    )
                )
            rags = [k.rag for k in kpis]
            history.rounds.append(
                RoundRecord(
                    provider_id=d.provider_id,
                    provider_name=d.provider_name,
                    framework=framework.name,
                    round=label,
                    number=rounds - back + 1,
                    monitoring_date=day,
                    overall=overall.label,
                    overall_percentage=round(
                        sum(x.percentage or 0 for x in domains) / len(domains), 1
                    ),
                    domains=domains,
                    kpi_red=rags.count("Red"),
                    kpi_amber=rags.count("Amber"),
                    kpi_green=rags.count("Green"),
                    stage="None",
                    return_file=f"return_{d.provider_id}.xlsx",
                    recorded=day + dt.timedelta(days=30),
                )
            )
            history.kpis += kpis
        # the actions this round's return lists as already due were raised in earlier rounds
        earlier = [a for a in ret.actions if a.due and a.due < d.monitoring_date]
        late = [rng.random() < 0.25 for _ in earlier]
        for back in range(min(rounds, 2), 0, -1):
            label = sample_round_label(back)
            first = sample_round_label(min(rounds, 2))
            history.actions += [
                ActionRound(
                    provider_id=d.provider_id,
                    round=label,
                    action=a.action,
                    kind=a.kind,
                    responsible=a.responsible,
                    due=a.due,
                    status=ActionStatus.IN_PROGRESS,
                    first_round=first,
                    first_date=history.rounds[-min(rounds, 2)].monitoring_date,
                    # a quarter were past due at the last round already
                    rounds_overdue=1 if back == 1 and overdue else 0,
                )
                for a, overdue in zip(earlier, late, strict=True)
            ]
        history.rounds[-1].open_requirements = sum(
            1 for a in earlier if a.kind == ActionKind.REQUIREMENT
        )
        histories.append(history)
    return histories


def write_sample_history(
    path: Path, providers: int, rounds: int, seed: int, *, marking: str = "OFFICIAL-SENSITIVE"
) -> Path:
    """The sample history as a history workbook (what the batch reads with --history)."""
    from .inputs import history_of
    from .schemes import CPC306
    from .workbook.history import write_history

    frameworks = {f.name: f for f in (CQC, COUNCIL)}
    history = history_of(sample_history(providers, rounds, seed), frameworks, CPC306)
    return write_history(
        path,
        history,
        {},
        frameworks,
        round_label=sample_round_label(1),
        as_at=_months_before(SAMPLE_ROUND_END, SAMPLE_ROUND_MONTHS),
        marking=marking,
    )
