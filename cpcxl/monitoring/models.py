"""What a monitoring round is made of, in the words of the standards.

The scope lists of CPC 305 (service provider, monitoring activity, issues, action points,
level of involvement), CPC 306 (evidence, non-compliance) and CPC 424 (provider and
commissioner actions) are the enums here and the drop-downs of the monitoring return.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cpcxl.common.fields import MONEY_LIMIT
from cpcxl.plugins import Scheme

FRAMEWORK_KIND: Final = "monitoring-framework"
STAGES_KIND: Final = "compliance-stages"


class ProviderType(StrEnum):
    """CPC 305 scope, "Service provider"."""

    PRIVATE = "Private sector"
    VOLUNTARY = "Voluntary and community sector"
    LOCAL_AUTHORITY = "Local authority"
    SELECTED_BY_USERS = "Selected by people using services"


class MonitoringActivity(StrEnum):
    """CPC 305 scope, "Monitoring activity"."""

    PROACTIVE = "Proactive monitoring"
    REACTIVE = "Reactive monitoring"
    SELF_ASSESSMENT = "Self-assessment"


class Involvement(StrEnum):
    """CPC 305 scope, "Level of involvement", for who took part."""

    TOTAL = "Total involvement"
    LIMITED = "Limited involvement"
    INFORMATION_ONLY = "Receiving information only"
    NONE = "No involvement"


class EvidenceType(StrEnum):
    """CPC 306 scope, "Evidence"."""

    OBSERVED = "Observed"
    DOCUMENTARY = "Documentary"
    REPORTED = "Reported by others"
    REGULATOR = "From inspectors or regulators"


class IssueType(StrEnum):
    """CPC 305 scope, "Issues"."""

    PERFORMANCE = "Performance"
    CAPACITY = "Capacity"
    CAPABILITY = "Capability"
    RESOURCE = "Resource"
    LEGISLATION = "Changes in legislation, regulation or guidance"


class NonCompliance(StrEnum):
    """CPC 306 scope, "Non-compliance"."""

    OUTCOMES = "Agreed outcomes"
    QUALITY = "Quality of service"
    QUANTITY = "Quantity of service"
    MILESTONES = "Meeting milestones"


class Escalation(StrEnum):
    """Who a concern was escalated to (CPC 305 P6/P15 "escalating concerns": commissioners,
    providers, regulators, the police working together)."""

    NONE = "Not escalated"
    SENIOR_MANAGER = "Senior manager"
    SAFEGUARDING = "Safeguarding team"
    REGULATOR = "Regulator"
    POLICE = "Police"
    OTHER_COMMISSIONERS = "Other commissioners"


class ActionKind(StrEnum):
    """CPC 305 C5d / P22: requirements are distinct from recommendations."""

    REQUIREMENT = "Requirement"
    RECOMMENDATION = "Recommendation"


class Responsible(StrEnum):
    """CPC 305 scope, "Action points": by service provider, by commissioner, by user."""

    PROVIDER = "Provider"
    COMMISSIONER = "Commissioner"
    PEOPLE = "People using the service"


class ActionType(StrEnum):
    """CPC 424 scope: actions by the service provider and by the commissioner."""

    RECRUIT = "Recruit more staff"
    TRAINING = "Additional training"
    SYSTEMS = "Review systems and processes"
    INVEST = "Invest more resources"
    FACILITIES = "Improve facilities"
    ADVICE = "Advice"
    SPECIALIST = "Specialist support"
    WORKFORCE = "Workforce development"
    VARIATION = "Contract variation"
    OTHER = "Other"


class StakeholderKind(StrEnum):
    """CPC 517 A/B scope, "Stakeholders" (the quality-assurance unit's list)."""

    FUNDERS = "Funders"
    COMMISSIONERS = "Commissioners"
    PARTNERS = "Partners"
    REFERRERS = "People and agencies that refer people to the service"
    USERS = "People using the service, their families and friends"
    WORKFORCE = "People who work for the provider"


class Channel(StrEnum):
    """How a stakeholder is told (CPC 306 scope: directly to those concerned, or indirectly
    through a website, forum or newsletter)."""

    LETTER = "Letter or email"
    MEETING = "Meeting or call"
    NEWSLETTER = "Newsletter, forum or website"


class ActionStatus(StrEnum):
    OPEN = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETE = "Complete"


NOT_APPLICABLE = "N/A"
YES_NO = ("Yes", "No")

#: What each statement score means (the issue's 1-4 scale, as CQC scores evidence).
SCORE_MEANINGS = {
    1: "Significant shortfalls",
    2: "Some shortfalls",
    3: "Good standard",
    4: "Exceptional standard",
}


# --- frameworks (schemes) -------------------------------------------------------------------


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    safeguarding: bool = False


class Domain(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    statements: tuple[Statement, ...] = ()


class Band(BaseModel):
    """A rating given to whole-number percentages from ``min_percent`` upwards."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    min_percent: int = Field(ge=0, le=100)


class LimitingRule(BaseModel):
    """A statement flagged ``flag`` scored ``score_at_most`` or lower caps the overall rating.

    ``source`` says whose rule it is, shown beside the cap in "How it was decided".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    flag: Literal["safeguarding", "any"] = "safeguarding"
    score_at_most: int = Field(1, ge=1, le=4)
    caps_at: str = "Requires improvement"
    source: str = ""


#: The one limiting rule cpcxl ships, on by default. It is cpcxl's own local rule, NOT one
#: of CQC's rating principles: CQC's inspectors judge safeguarding evidence themselves, and
#: its only published automatic cap is the regulatory breach (rating principle 1).
SAFEGUARDING_RULE = LimitingRule(
    name="a safeguarding statement scored 1 (significant shortfalls)",
    source="cpcxl's local rule, on by default; not CQC's",
)


#: How old a rating may be and still be carried forward for a key question not reassessed:
#: 24 months, a local choice (CQC gives no limit; two years is the longest most councils'
#: monitoring frameworks leave between full assessments). An organisation sets its own in
#: its framework (``[overall] carry_forward_months``) or in the settings file ([history]).
CARRY_FORWARD_MONTHS = 24


class OverallRules(BaseModel):
    """How domain ratings combine into the overall rating.

    The counts and the breach cap default to CQC's published rating principles ("How we
    aggregate ratings using the rating principles: adult social care services", CQC, page
    last updated 12 May 2022): every key question counts equally and an overall rating needs
    them all (principle 2); two or more Inadequate give Inadequate (6); two or more Requires
    improvement give Requires improvement (5); Good allows no Inadequate and at most one
    Requires improvement (4); Outstanding needs at least two Outstanding and the rest Good
    (3); a breach of regulations caps the overall rating at Requires improvement (1). The
    breach also caps the key question it sits in. The default limiting rule is cpcxl's own
    (:data:`SAFEGUARDING_RULE`), not CQC's.

    Counts refer to the four bands worst first: level 0 (e.g. Inadequate), 1 (Requires
    improvement), 2 (Good), 3 (Outstanding). Caps name a band label of the framework.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    worst_if_worst_at_least: int = 2
    second_if_second_at_least: int = 2
    good_allows_worst: int = 0
    good_allows_second: int = 1
    best_needs_best_at_least: int = 2
    breach_caps_at: str = "Requires improvement"
    limiting_rules: tuple[LimitingRule, ...] = (SAFEGUARDING_RULE,)
    #: the oldest a carried-forward rating may be (months from its round to this one)
    carry_forward_months: int = Field(CARRY_FORWARD_MONTHS, ge=1, le=120)


class MonitoringFramework(Scheme):
    """A monitoring framework: domains of statements scored 1-4, rating bands, overall rules."""

    kind: Literal["monitoring-framework"] = FRAMEWORK_KIND
    domains: tuple[Domain, ...]
    bands: tuple[Band, ...]
    overall: OverallRules = OverallRules()

    @model_validator(mode="after")
    def _check(self) -> MonitoringFramework:
        if not self.domains:
            raise ValueError("a framework needs at least one domain")
        names = [d.name.strip().lower() for d in self.domains]
        if len(set(names)) != len(names):
            raise ValueError("domain names must be different")
        if len(self.bands) != 4:
            raise ValueError("a framework needs four rating bands, worst first")
        mins = [b.min_percent for b in self.bands]
        if mins != sorted(mins) or len(set(mins)) != 4:
            raise ValueError("band minimum percentages must rise from the worst band to the best")
        labels = self.labels
        for cap in (self.overall.breach_caps_at, *(r.caps_at for r in self.overall.limiting_rules)):
            if cap not in labels:
                raise ValueError(f"cap {cap!r} is not one of the bands: {', '.join(labels)}")
        return self

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.bands]

    def level_of(self, label: str) -> int:
        folded = label.strip().lower()
        for level, band in enumerate(self.bands):
            if band.label.lower() == folded:
                return level
        raise KeyError(label)

    def domain_names(self) -> list[str]:
        return [d.name for d in self.domains]


# --- the monitoring plan's settings ---------------------------------------------------------


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


# --- a filled-in return ------------------------------------------------------------------


class Participant(BaseModel):
    role: str
    organisation: str = ""
    involvement: Involvement | None = None


class StatementScore(BaseModel):
    domain: str
    statement: str = ""
    safeguarding: bool = False
    score: int | None = None  # None: not applicable or not scored
    evidence: str = ""
    evidence_type: EvidenceType | None = None
    source: str = ""
    #: why a statement is N/A or was not assessed (CPC 305 B6: record reasons for any
    #: areas not implemented)
    reason: str = ""
    row: int | None = None


class Kpi(BaseModel):
    name: str
    target: float
    actual: float
    higher_is_better: bool = True
    tolerance: float = 0.05
    unit: str = ""
    source: str = ""
    #: the value progress is measured from (CPC 424 C1), when the return gives one
    baseline: float | None = None


class Issue(BaseModel):
    description: str
    issue_type: IssueType | None = None
    safeguarding: bool = False
    non_compliance: NonCompliance | None = None
    raised: dt.date | None = None
    escalated_to: Escalation = Escalation.NONE
    action_taken: str = ""


class Action(BaseModel):
    action: str
    kind: ActionKind
    action_type: ActionType | None = None
    responsible: Responsible
    due: dt.date | None = None
    status: ActionStatus = ActionStatus.OPEN


class Strength(BaseModel):
    """Good practice found (CPC 305 C1: feedback presented in a balanced way)."""

    strength: str
    domain: str = ""
    evidence: str = ""


class Stakeholder(BaseModel):
    """Someone kept informed of the monitoring (CPC 305 B8), by role or group: no personal
    contact details, which belong in the organisation's own records."""

    who: str
    organisation: str = ""
    kind: StakeholderKind | None = None
    involvement: Involvement = Involvement.INFORMATION_ONLY
    channel: Channel | None = None


class ComplianceEntry(BaseModel):
    """One change of a provider's compliance stage (CPC 306 C), as recorded: who decided,
    when, why. The trail of these is never rewritten."""

    stage: str
    entered: dt.date
    issue: str = ""
    requirement: str = ""
    deadline: dt.date | None = None
    evidence: str = ""
    decided_by: str = ""
    why: str = ""
    #: the round it was recorded in, and when (filled by the batch with a history)
    round: str = ""
    recorded: dt.date | None = None
    #: where this entry was read: "return" (its Compliance sheet), "history" (the log), or
    #: "batch" (a change the batch made: a stage closed when its requirements were met)
    source: str = ""
    #: what the history's log says it was recorded from (a return's file, or the batch)
    recorded_from: str = ""
    row: int | None = None
    #: the cell its stage was read from, for messages
    cell: str = ""


class PreviousScore(BaseModel):
    domain: str
    percentage: float | None = None
    rating: str = ""


class ProviderDetails(BaseModel):
    provider_id: str
    provider_name: str
    provider_type: ProviderType | None = None
    service: str = ""
    contract_reference: str = ""
    #: £ a year, within Money's plausible range (never a 309-digit figure in a summary)
    contract_value: float | None = Field(None, ge=0, le=MONEY_LIMIT)
    framework: str = "cqc"
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    monitoring_date: dt.date | None = None
    activity: MonitoringActivity | None = None
    lead_officer: str = ""
    regulatory_breach: bool = False
    #: the key question (domain) the breach sits in; its rating is capped too
    breach_domain: str = ""
    previous_date: dt.date | None = None
    previous_overall: str = ""


class MonitoringReturn(BaseModel):
    """One provider's return for one monitoring round."""

    details: ProviderDetails
    participants: list[Participant] = Field(default_factory=list)
    scores: list[StatementScore] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    previous: list[PreviousScore] = Field(default_factory=list)
    strengths: list[Strength] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    compliance: list[ComplianceEntry] = Field(default_factory=list)
    source_file: str = ""
    #: What was read in a way worth saying (a header read under another spelling).
    notes: list[str] = Field(default_factory=list)


# --- the compliance stages (a scheme) ------------------------------------------------------


class ComplianceStage(BaseModel):
    """One step of the procedure a commissioner follows to secure compliance (CPC 306 C).

    ``after``: the stage that must have been entered earlier in the same episode (since the
    provider was last at the first stage, no action) before this one may be; "" when it may
    be the first step. ``deadline``: whether entering it needs a deadline (a notice gives
    the date by which the breach must be put right).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    after: str = ""
    deadline: bool = True
    description: str = ""


class ComplianceScheme(Scheme):
    """The stages of compliance action, least to most serious; the first is "no action"."""

    kind: Literal["compliance-stages"] = STAGES_KIND
    stages: tuple[ComplianceStage, ...]

    @model_validator(mode="after")
    def _check(self) -> ComplianceScheme:
        names = [s.name.strip().lower() for s in self.stages]
        if len(self.stages) < 2:
            raise ValueError("a compliance scheme needs a first stage (no action) and another")
        if len(set(names)) != len(names):
            raise ValueError("stage names must be different")
        for index, stage in enumerate(self.stages):
            if stage.after and stage.after.strip().lower() not in names[:index]:
                raise ValueError(
                    f"{stage.name} comes after {stage.after!r}, which is not an earlier stage"
                )
        return self

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    @property
    def none(self) -> str:
        """The first stage: no compliance action."""
        return self.stages[0].name

    def level_of(self, name: str) -> int:
        folded = name.strip().lower()
        for level, stage in enumerate(self.stages):
            if stage.name.lower() == folded:
                return level
        raise KeyError(name)

    def stage(self, name: str) -> ComplianceStage:
        return self.stages[self.level_of(name)]


# --- the history of monitoring rounds --------------------------------------------------------


class DomainRound(BaseModel):
    """A domain's score and rating at one round; ``from_round`` names the round a rating
    carried forward was given in (blank when it was assessed that round)."""

    domain: str
    percentage: float | None = None
    rating: str = ""
    from_round: str = ""
    from_date: dt.date | None = None


class RoundRecord(BaseModel):
    """One provider at one round: the history's row."""

    provider_id: str
    provider_name: str = ""
    framework: str
    round: str
    number: int = Field(ge=1)
    monitoring_date: dt.date
    overall: str = ""
    overall_percentage: float | None = None
    trend: str = ""
    domains: list[DomainRound] = Field(default_factory=list)
    kpi_red: int = 0
    kpi_amber: int = 0
    kpi_green: int = 0
    open_requirements: int = 0
    open_recommendations: int = 0
    stage: str = ""
    return_file: str = ""
    return_sha256: str = ""
    recorded: dt.date | None = None
    #: where it was read (the history's sheet and row), for messages
    sheet: str = ""
    row: int | None = None


class KpiRound(BaseModel):
    provider_id: str
    round: str
    name: str
    unit: str = ""
    higher_is_better: bool = True
    target: float
    actual: float
    rag: str = ""
    baseline: float | None = None
    row: int | None = None


class ActionRound(BaseModel):
    """An action open at a round (or completed in it), with when it was first raised."""

    provider_id: str
    round: str
    action: str
    kind: ActionKind
    responsible: Responsible | None = None
    due: dt.date | None = None
    status: ActionStatus = ActionStatus.OPEN
    first_round: str = ""
    first_date: dt.date | None = None
    #: how many rounds, this one included, it has been open past its due date
    rounds_overdue: int = 0
    row: int | None = None


class Baseline(BaseModel):
    """The round a provider's progress is measured from, as an officer set it (CPC 424 C1)."""

    provider_id: str
    round: str
    set_by: str = ""
    why: str = ""
    row: int | None = None


class ProviderHistory(BaseModel):
    """What the history holds of one provider: its rounds in order and their detail."""

    provider_id: str
    framework: str = ""
    rounds: list[RoundRecord] = Field(default_factory=list)
    kpis: list[KpiRound] = Field(default_factory=list)
    actions: list[ActionRound] = Field(default_factory=list)
    compliance: list[ComplianceEntry] = Field(default_factory=list)
    #: compliance changes recorded by an earlier run of this same round (a rerun keeps them
    #: as first recorded)
    recorded_this_round: list[ComplianceEntry] = Field(default_factory=list)
    baseline: Baseline | None = None
    #: the history file's name, for messages
    file: str = ""

    @property
    def latest(self) -> RoundRecord | None:
        return self.rounds[-1] if self.rounds else None
