"""The tables a monitoring return is made of, and the value types of their cells.

Each input table of the return is one :class:`~cpcxl.common.inputs.TableSpec` (and the Return
sheet's provider and contract details one :class:`~cpcxl.common.inputs.SettingsSpec`): the
workbook layer builds the template from these and the same declarations read it back, from a
file (calamine) or the open workbook (xlwings).

The one rule for rates holds here: a rate is a fraction (5% is 0.05). The only rates a
return holds are KPI tolerances (0% to 50%: see :data:`KPI_TOLERANCE`). Domain scores are
percentages 0 to 100 (a score, not a rate), as CQC publishes them.

No file access here, and no workbook library.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from cpcxl.common.errors import InputError
from cpcxl.common.fields import (
    MONEY_LIMIT,
    Choice,
    Date,
    Flag,
    Listed,
    Money,
    Number,
    Rate,
    Text,
    Validation,
    choice_key,
)
from cpcxl.common.inputs import Column, Setting, SettingsSpec, TableSpec
from cpcxl.common.values import describe, to_number

from ..models import (
    NOT_APPLICABLE,
    ActionKind,
    ActionStatus,
    ActionType,
    Channel,
    Escalation,
    EvidenceType,
    Involvement,
    IssueType,
    MonitoringActivity,
    NonCompliance,
    ProviderType,
    Responsible,
    StakeholderKind,
)
from ..schemes import CQC

TEMPLATE_FILE = "monitoring_return.xlsx"
YES_NO_LIST = "YesNoList"

# --- value types of a return --------------------------------------------------------------

#: What an unscored statement may say instead of a score (case and punctuation ignored).
NOT_SCORED = frozenset(choice_key(t) for t in (NOT_APPLICABLE, "NA", "not applicable", "n.a."))


@dataclass(frozen=True)
class Score(Number):
    """A statement score: 1, 2, 3 or 4 (CQC's scale for evidence); N/A is not scored (NaN)."""

    what: str = "a score"
    low: float | None = 1
    high: float | None = 4
    whole: bool = True
    list_name: str = "ScoreList"

    def parse(self, value: Any) -> float:
        if isinstance(value, str) and choice_key(value) in NOT_SCORED:
            return math.nan
        number = to_number(value, what=self.what, percent=False, valid=self.valid)
        if number not in (1, 2, 3, 4):
            raise InputError(f"{describe(value)} is not {self.what}", valid=self.valid)
        return number

    @property
    def valid(self) -> str:
        return f"1, 2, 3, 4 or {NOT_APPLICABLE}"

    @property
    def validation(self) -> Validation:
        return Validation("list", source=self.list_name, message=self.valid)


_PROVIDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
#: The name of the batch's overview (portfolio.xlsx), which sits beside the summaries: no
#: provider ID may be it, in any case (Windows and macOS fold case in file names).
OVERVIEW_NAME = "portfolio"
# Names Windows keeps for devices: a summary called CON.xlsx could not be saved there.
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)


@dataclass(frozen=True)
class ProviderId(Text):
    """A provider's short code; it names the provider's summary file, so it must be able to."""

    what: str = "a provider ID"

    def parse(self, value: Any) -> str:
        text = super().parse(value)
        if not _PROVIDER_ID.match(text) or text.split(".")[0].upper() in _DEVICES:
            raise InputError(f"{describe(text)} cannot name a summary file", valid=self.valid)
        if text.casefold() == OVERVIEW_NAME:
            raise InputError(
                f"{describe(text)} cannot name a summary file: the batch's overview is "
                f"{OVERVIEW_NAME}.xlsx, beside the summaries",
                valid=f"another ID; {self.valid}",
            )
        return text

    @property
    def valid(self) -> str:
        return "letters, digits, '-', '_' or '.', up to 64 characters, e.g. P-0042"


SCORE = Score()
#: A domain score as CQC publishes it: a percentage from 0 to 100 (75 for 75%), not a rate.
DOMAIN_SCORE = Number(
    what="a domain score",
    low=0,
    high=100,
    reason="a domain score is a percentage of the most it could be",
    number_format="0",
)
#: How far short of its target a KPI may be and still be Amber, as a fraction of the target.
#: 0% to 50% (issue 11): a KPI more than half short of its target is Red whatever is typed.
KPI_TOLERANCE = Rate(
    0,
    0.5,
    "more than half short of the target is Red, never Amber",
    what="a KPI tolerance",
)
#: The tolerance when none is given: 5%, a local choice (the near miss most councils' KPI
#: schedules allow before a measure turns Red).
DEFAULT_TOLERANCE = 0.05
YES_NO = Flag(list_name=YES_NO_LIST)
#: A KPI's target and actual: any finite number (a count, a percentage, a rate per 1,000).
NUMBER = Number()
TEXT = Text()
#: The ratings a Previous rating cell may give are the framework's; checked after reading.
RATING_TEXT = Listed(Text(what="a rating"), "RatingList")
DOMAIN_TEXT = Listed(Text(what="a domain"), "DomainList")


def _choice(enum: Any, what: str, list_name: str) -> Choice:
    return Choice.of(enum, what, list_name=list_name)


# --- the return's tables ------------------------------------------------------------------

DETAILS = SettingsSpec(
    "Details",
    "Return",
    (
        Setting(
            "provider_id",
            "Provider ID",
            ProviderId(),
            required=True,
            note="A short code that names the summary file, e.g. P-0042",
        ),
        Setting("provider_name", "Provider name", TEXT, required=True),
        Setting(
            "provider_type",
            "Provider type",
            _choice(ProviderType, "a provider type", "ProviderTypeList"),
            note="CPC 305 scope: service provider",
        ),
        Setting("service", "Service", TEXT),
        Setting("contract_reference", "Contract reference", TEXT),
        Setting(
            "contract_value",
            "Annual contract value (£)",
            Money(0, MONEY_LIMIT, what="an annual contract value in £"),
            note="£ a year; sizes the monitoring plan",
        ),
        Setting(
            "framework",
            "Monitoring framework",
            Listed(Text(what="a monitoring framework"), "FrameworkList"),
            default=CQC.name,
            note="cqc (default), council, or your own (see Instructions)",
        ),
        Setting("period_start", "Monitoring period from", Date()),
        Setting("period_end", "Monitoring period to", Date()),
        Setting("monitoring_date", "Date of monitoring", Date(), required=True),
        Setting(
            "activity",
            "Monitoring activity",
            _choice(MonitoringActivity, "a monitoring activity", "ActivityList"),
            note="CPC 305 scope: proactive, reactive or self-assessment",
        ),
        Setting("lead_officer", "Lead officer (role)", TEXT, note="A role, not a name"),
        Setting(
            "regulatory_breach",
            "Regulatory breach found",
            YES_NO,
            default=False,
            note="Yes caps the overall rating at Requires improvement",
        ),
        Setting(
            "breach_domain",
            "Key question of the breach",
            DOMAIN_TEXT,
            synonyms=("breach key question", "domain of the breach"),
            note="Where the breach sits: its rating is capped at Requires improvement too",
        ),
        Setting("previous_date", "Previous round date", Date()),
        Setting(
            "previous_overall",
            "Previous overall rating",
            RATING_TEXT,
            note="For the trend; a rating of this return's framework",
        ),
    ),
    label_header="Detail",
    value_header="Entry",
    note_header="Notes",
    title="Monitoring return: provider and contract details",
)
#: The Return sheet's details are its first three columns (label, entry, note); the score
#: preview stands to their right.
DETAIL_COLUMNS = 3

PARTICIPANTS = TableSpec(
    "Participants",
    "Participants",
    (
        Column(
            "role",
            "Who took part (role)",
            synonyms=("participant", "who took part"),
            width=40,
        ),
        Column("organisation", "Organisation", required=False, default="", width=36),
        Column(
            "involvement",
            "Level of involvement",
            _choice(Involvement, "a level of involvement", "InvolvementList"),
            synonyms=("involvement",),
            required=False,
            width=28,
        ),
    ),
    "Who took part (CPC 305 A1, A6, B2): people using the service, families, staff, others",
)
SCORES = TableSpec(
    "Scores",
    "Scores",
    (
        Column("domain", "Domain", DOMAIN_TEXT, synonyms=("key question", "area"), width=16),
        Column(
            "statement",
            "Statement",
            synonyms=("quality statement",),
            blank=True,
            default="",
            width=44,
        ),
        Column(
            "safeguarding",
            "Safeguarding statement",
            YES_NO,
            required=False,
            default=False,
            width=14,
        ),
        Column("score", "Score (1-4 or N/A)", SCORE, synonyms=("score",), blank=True, width=12),
        Column("evidence", "Evidence", required=False, default="", width=50),
        Column(
            "evidence_type",
            "Evidence type",
            _choice(EvidenceType, "an evidence type", "EvidenceTypeList"),
            required=False,
            width=26,
        ),
        Column(
            "source",
            "Source of evidence",
            synonyms=("source",),
            required=False,
            default="",
            width=30,
        ),
        Column(
            "reason",
            "Reason if not scored",
            synonyms=("reason not scored", "why not scored", "reason"),
            required=False,
            default="",
            width=40,
        ),
    ),
    "Statement scores: 1 significant shortfalls, 2 some shortfalls, 3 good, 4 exceptional, "
    "N/A not applicable (give the reason: CPC 305 B6)",
)
KPIS = TableSpec(
    "KPIs",
    "KPIs",
    (
        Column("name", "KPI", synonyms=("measure", "indicator"), width=44),
        Column("target", "Target", NUMBER),
        Column("actual", "Actual", NUMBER),
        Column(
            "higher_is_better",
            "Higher is better",
            YES_NO,
            synonyms=("higher better",),
            required=False,
            default=True,
        ),
        Column(
            "tolerance",
            "Tolerance",
            KPI_TOLERANCE,
            # the header of returns made before the rate rule, when 5 could mean 5%
            synonyms=("Tolerance (%)",),
            required=False,
            default=DEFAULT_TOLERANCE,
        ),
        Column("unit", "Unit", required=False, default="", width=16),
        Column(
            "source", "Source", synonyms=("source of data",), required=False, default="", width=30
        ),
        # Excel's own RAG, worked out by a formula the template writes: never read
        Column("rag", "RAG (preview)", required=False, output=True, width=14),
        # after the preview, so returns made before it keep their columns where they were
        Column(
            "baseline",
            "Baseline",
            NUMBER,
            synonyms=("baseline value",),
            required=False,
            prompt="Where progress is measured from (CPC 424 C1); blank: the history's",
        ),
    ),
    "Key performance indicators: Green on target, Amber within tolerance, Red beyond it",
)
ISSUES = TableSpec(
    "Issues",
    "Issues",
    (
        Column("description", "Issue or concern", synonyms=("issue", "concern"), width=50),
        Column(
            "issue_type",
            "Issue type",
            _choice(IssueType, "an issue type", "IssueTypeList"),
            required=False,
            width=30,
        ),
        Column("safeguarding", "Safeguarding concern", YES_NO, required=False, default=False),
        Column(
            "non_compliance",
            "Non-compliance with",
            _choice(NonCompliance, "a kind of non-compliance", "NonComplianceList"),
            required=False,
        ),
        Column("raised", "Date raised", Date(), required=False),
        Column(
            "escalated_to",
            "Escalated to",
            _choice(Escalation, "who it was escalated to", "EscalationList"),
            synonyms=("escalation",),
            required=False,
            default=Escalation.NONE,
        ),
        Column("action_taken", "Action taken", required=False, default="", width=40),
    ),
    "Issues and concerns (CPC 305 scope); a safeguarding concern needs immediate action",
)
ACTIONS = TableSpec(
    "Actions",
    "Actions",
    (
        Column("action", "Action", width=50),
        Column(
            "kind",
            "Requirement or recommendation",
            _choice(ActionKind, "a requirement or a recommendation", "ActionKindList"),
            synonyms=("requirement", "type of action"),
            width=18,
        ),
        Column(
            "action_type",
            "Action type",
            _choice(ActionType, "an action type", "ActionTypeList"),
            required=False,
            width=28,
        ),
        Column(
            "responsible",
            "Responsible",
            _choice(Responsible, "who is responsible", "ResponsibleList"),
            synonyms=("who is responsible", "owner"),
        ),
        Column("due", "Due date", Date(), synonyms=("due", "timescale"), blank=True),
        Column(
            "status",
            "Status",
            _choice(ActionStatus, "a status", "StatusList"),
            required=False,
            default=ActionStatus.OPEN,
        ),
    ),
    "Actions: a requirement is contractual; a recommendation is advice (CPC 305 C5d)",
)
PREVIOUS = TableSpec(
    "PreviousRound",
    "Previous round",
    (
        Column("domain", "Domain", DOMAIN_TEXT, synonyms=("key question", "area"), width=30),
        Column(
            "percentage",
            "Previous score (%)",
            DOMAIN_SCORE,
            synonyms=("previous score", "score"),
            blank=True,
            width=18,
        ),
        Column(
            "rating",
            "Previous rating",
            RATING_TEXT,
            synonyms=("rating",),
            required=False,
            default="",
            width=24,
        ),
    ),
    "The previous round's domain scores, for the trend",
)
STRENGTHS = TableSpec(
    "Strengths",
    "Strengths",
    (
        Column(
            "strength",
            "Strength or good practice",
            synonyms=("strength", "good practice"),
            width=60,
        ),
        Column("domain", "Domain", DOMAIN_TEXT, synonyms=("key question",), required=False),
        Column("evidence", "Evidence", required=False, default="", width=50),
    ),
    "Strengths and good practice found (CPC 305 C1); statements scored 4 are added to these",
)
STAKEHOLDERS = TableSpec(
    "Stakeholders",
    "Stakeholders",
    (
        Column(
            "who",
            "Stakeholder (role or group)",
            synonyms=("stakeholder", "who"),
            width=40,
        ),
        Column("organisation", "Organisation", required=False, default="", width=30),
        Column(
            "kind",
            "Kind of stakeholder",
            _choice(StakeholderKind, "a kind of stakeholder", "StakeholderKindList"),
            synonyms=("kind", "stakeholder type"),
            required=False,
            width=36,
        ),
        Column(
            "involvement",
            "Level of involvement",
            _choice(Involvement, "a level of involvement", "InvolvementList"),
            synonyms=("involvement",),
            required=False,
            default=Involvement.INFORMATION_ONLY,
            width=28,
        ),
        Column(
            "channel",
            "How they are informed",
            _choice(Channel, "a way of informing people", "ChannelList"),
            synonyms=("channel", "how informed"),
            required=False,
            width=28,
        ),
    ),
    "Who is kept informed of the monitoring (CPC 305 B8): roles or groups, no contact details",
)
#: A stage of compliance action: its choice is the scheme's, checked after reading.
STAGE_TEXT = Listed(Text(what="a compliance stage"), "StageList")
COMPLIANCE = TableSpec(
    "Compliance",
    "Compliance",
    (
        Column("stage", "Stage", STAGE_TEXT, synonyms=("compliance stage",), width=28),
        Column("entered", "Date entered", Date(), synonyms=("date", "entered"), width=14),
        Column(
            "issue",
            "Breach or issue",
            synonyms=("breach", "issue"),
            required=False,
            default="",
            width=40,
        ),
        Column(
            "requirement",
            "Requirement",
            synonyms=("requirement it is for",),
            required=False,
            default="",
            width=36,
            prompt="The requirement (Actions sheet) that closes it; blank: every requirement",
        ),
        Column("deadline", "Deadline", Date(), required=False, width=14),
        Column(
            "evidence",
            "Evidence that would close it",
            synonyms=("evidence to close", "evidence"),
            required=False,
            default="",
            width=40,
        ),
        Column(
            "decided_by",
            "Decided by (role)",
            synonyms=("decided by", "who decided"),
            width=28,
        ),
        Column(
            "why",
            "Why",
            synonyms=("reason", "reason for the change"),
            required=False,
            default="",
            width=40,
        ),
    ),
    "Compliance action (CPC 306 C): one row for each change of stage, with who decided and why",
)
#: An optional sheet of Domain | Statement | Safeguarding rows: the return's own framework,
#: used when its Monitoring framework cell names no built-in or registered framework.
FRAMEWORK = TableSpec(
    "Framework",
    "Framework",
    (
        Column("domain", "Domain", synonyms=("area", "key question")),
        Column("statement", "Statement", synonyms=("quality statement",)),
        Column(
            "safeguarding",
            "Safeguarding",
            YES_NO,
            synonyms=("safeguarding statement",),
            required=False,
            default=False,
        ),
    ),
    "Your organisation's own framework",
)
TABLES = (PARTICIPANTS, SCORES, KPIS, ISSUES, ACTIONS, PREVIOUS)
#: Tables a return made before issue 16 does not have: read when they are there.
LATER_TABLES = (STRENGTHS, STAKEHOLDERS, COMPLIANCE)
#: Every table the template holds, in its order.
TEMPLATE_TABLES = (*TABLES, *LATER_TABLES)
#: What every return has, in reading order.
RETURN_SPECS: tuple[TableSpec | SettingsSpec, ...] = (DETAILS, *TABLES)
#: Everything a return is read from (the later tables and the Framework sheet are optional).
SPECS = (*RETURN_SPECS, *LATER_TABLES, FRAMEWORK)
RETURN_SHEETS = tuple(dict.fromkeys(s.sheet for s in RETURN_SPECS))
