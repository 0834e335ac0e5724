"""A monitoring return from its cells: the tables it is made of, and reading them into models.

Each input table of the return is one :class:`~cpcxl.common.inputs.TableSpec` (and the Return
sheet's provider and contract details one :class:`~cpcxl.common.inputs.SettingsSpec`): the
workbook layer builds the template from these and the same declarations read it back, from a
file (calamine) or the open workbook (xlwings). Every problem is collected with its place
(file, sheet, cell, field) and raised together, so an officer can fix them all at once.

The one rule for rates holds here: a rate is a fraction (5% is 0.05). The only rates a
return holds are KPI tolerances (0% to 50%: see :data:`KPI_TOLERANCE`). Domain scores are
percentages 0 to 100 (a score, not a rate), as CQC publishes them.

No file access here, and no workbook library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cpcxl.common.errors import InputError, InputErrors, Location
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
from cpcxl.common.inputs import (
    Cells,
    Column,
    Setting,
    SettingsSpec,
    TableRead,
    TableSpec,
    read_settings,
    read_table,
)
from cpcxl.common.tables import ROW, normalise_header
from cpcxl.common.values import describe, is_blank, to_number

from .engine import PlanSettings
from .models import (
    NOT_APPLICABLE,
    Action,
    ActionKind,
    ActionStatus,
    ActionType,
    Escalation,
    EvidenceType,
    Involvement,
    Issue,
    IssueType,
    Kpi,
    MonitoringActivity,
    MonitoringFramework,
    MonitoringReturn,
    NonCompliance,
    Participant,
    PreviousScore,
    ProviderDetails,
    ProviderType,
    Responsible,
    Statement,
    StatementScore,
)
from .schemes import CQC, CQC_BANDS, framework_from_dict

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
    ),
    "Statement scores: 1 significant shortfalls, 2 some shortfalls, 3 good, 4 exceptional, "
    "N/A not applicable",
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
#: What every return has, in reading order.
RETURN_SPECS: tuple[TableSpec | SettingsSpec, ...] = (DETAILS, *TABLES)
#: Everything a return is read from (the Framework sheet is optional).
SPECS = (*RETURN_SPECS, FRAMEWORK)
RETURN_SHEETS = tuple(dict.fromkeys(s.sheet for s in RETURN_SPECS))


# --- reading a return ---------------------------------------------------------------------


def read_return(
    cells: Mapping[str, Cells],
    framework_for: Callable[[str], MonitoringFramework],
    *,
    file: str = "",
    sheet_names: Sequence[str] | None = None,
) -> tuple[MonitoringReturn, MonitoringFramework]:
    """A checked :class:`MonitoringReturn` and its framework from the return's cells
    ({table name: cells}, as ``read_tables`` or ``read_book_tables`` give them).

    Every problem is raised together (InputErrors); a table whose header is wrong is
    reported and nothing is read from it. Notes (a header read under another spelling) are
    kept on the return.
    """
    missing = [s.sheet for s in RETURN_SPECS if s.name not in cells]
    if missing:
        found = ", ".join(sheet_names if sheet_names is not None else []) or "none"
        raise InputError(
            f"this is not a monitoring return: sheet{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} missing (sheets found: {found})",
            location=Location(file=file or None),
            valid=f"a copy of {TEMPLATE_FILE} with the sheets {', '.join(RETURN_SHEETS)}",
        )
    errors = InputErrors()
    own = cells.get(FRAMEWORK.name)
    if own is not None:
        framework_for = _with_sheet_framework(framework_for, own, file)
    details, framework = _read_details(cells[DETAILS.name], framework_for, errors, file)
    tables = {spec.name: read_table(spec, cells[spec.name], errors, file=file) for spec in TABLES}
    ret = MonitoringReturn(details=details, source_file=file)
    ret.participants = [Participant(**r) for r in _records(tables[PARTICIPANTS.name])]
    ret.scores = _scores(tables[SCORES.name], framework, errors)
    ret.kpis = [Kpi(**r) for r in _records(tables[KPIS.name])]
    ret.issues = [Issue(**r) for r in _records(tables[ISSUES.name])]
    ret.actions = _actions(tables[ACTIONS.name], errors)
    ret.previous = _previous(tables[PREVIOUS.name], framework, errors)
    errors.raise_if_any()
    ret.notes = list(errors.notes)
    return ret, framework


def _located(table: TableRead | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """The good rows of a table as (sheet row, {field: value}), a blank as None (a number
    column gives NaN for it)."""
    if table is None:
        return
    for record in table.records():
        row = int(record.pop(ROW))
        yield (
            row,
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in record.items()},
        )


def _records(table: TableRead | None) -> Iterator[dict[str, Any]]:
    return (r for _, r in _located(table))


def _read_details(
    cells: Cells,
    framework_for: Callable[[str], MonitoringFramework],
    errors: InputErrors,
    file: str,
) -> tuple[ProviderDetails, MonitoringFramework]:
    if not cells.exact:
        # A Return sheet without its Details table (a return made before it had one): the
        # details are its first columns, label and entry; the score preview is beside them.
        cells = Cells(
            [list(r[:DETAIL_COLUMNS]) for r in cells.rows], cells.first_row, cells.first_column
        )
    before = len(errors)
    read = read_settings(DETAILS, cells, errors, file=file)
    if read is None:
        return ProviderDetails(provider_id="?", provider_name="?"), CQC
    values = dict(read.values)
    base = Location(file=file or None, sheet=DETAILS.sheet)

    def where(field_name: str) -> Location:
        return read.where.get(field_name) or base.with_(field=DETAILS.setting(field_name).label)

    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start:
        errors.add(
            f"the period ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})",
            location=where("period_end"),
        )
    name = values.get("framework") or CQC.name
    values["framework"] = name
    try:
        framework = framework_for(name)
    except InputErrors as many:  # the return's own Framework sheet is wrong
        errors.extend(many)
        framework = CQC
    except InputError as exc:
        errors.add(InputError(exc.message, valid=exc.valid), location=where("framework"))
        framework = CQC
    breach_domain = values.get("breach_domain")
    if breach_domain:
        try:
            values["breach_domain"] = domain_choice(framework).parse(breach_domain)
        except InputError as exc:
            errors.add(exc, location=where("breach_domain"))
            values["breach_domain"] = ""
        else:
            if not values.get("regulatory_breach"):
                errors.add(
                    f"a key question of the breach ({values['breach_domain']}) is given, but "
                    "Regulatory breach found is not Yes",
                    location=where("breach_domain"),
                    valid="Yes in Regulatory breach found, or leave this blank",
                )
    previous = values.get("previous_overall")
    if previous:
        try:
            values["previous_overall"] = rating_choice(framework).parse(previous)
        except InputError as exc:
            errors.add(exc, location=where("previous_overall"))
            values["previous_overall"] = ""
    if len(errors) > before:
        # Nothing below can be trusted without the details; report what is wrong so far
        # together with the tables' problems, but build the model from safe stand-ins.
        values = {k: v for k, v in values.items() if v not in (None, "")}
        values.setdefault("provider_id", "?")
        values.setdefault("provider_name", "?")
    return ProviderDetails(**{k: v for k, v in values.items() if v is not None}), framework


def _scores(
    table: TableRead | None, framework: MonitoringFramework, errors: InputErrors
) -> list[StatementScore]:
    if table is None:
        return []
    domains = domain_choice(framework)
    scores = []
    for row, r in _located(table):
        try:
            domain = domains.parse(r["domain"])
        except InputError as exc:
            errors.add(exc, location=table.where(row, "domain"))
            continue
        score = r["score"]
        scores.append(
            StatementScore(
                **{**r, "domain": domain, "score": None if score is None else int(score)},
                row=row,
            )
        )
    return scores


def _actions(table: TableRead | None, errors: InputErrors) -> list[Action]:
    if table is None:
        return []
    actions = []
    for row, r in _located(table):
        if r["kind"] == ActionKind.REQUIREMENT and r["due"] is None:
            errors.add(
                "a requirement needs a due date (its timescale)",
                location=table.where(row, "due"),
                valid="a date (dd/mm/yyyy)",
            )
            continue
        actions.append(Action(**r))
    return actions


def _previous(
    table: TableRead | None, framework: MonitoringFramework, errors: InputErrors
) -> list[PreviousScore]:
    if table is None:
        return []
    domains, ratings = domain_choice(framework), rating_choice(framework)
    previous = []
    for row, r in _located(table):
        domain = errors.attempt(domains.parse, r["domain"], where=table.where(row, "domain"))
        rating = r["rating"]
        if rating:
            rating = errors.attempt(ratings.parse, rating, where=table.where(row, "rating"))
        if domain is not None and rating is not None:
            previous.append(PreviousScore(domain=domain, percentage=r["percentage"], rating=rating))
    return previous


# The choices of the frameworks met so far, by identity: a batch meets the same few in every
# return, and hashing a framework (every statement) would cost more than the lookup saves.
_CHOICES: dict[tuple[int, str], tuple[MonitoringFramework, Choice]] = {}


def _framework_choice(framework: MonitoringFramework, kind: str) -> Choice:
    key = (id(framework), kind)
    found = _CHOICES.get(key)
    if found is None or found[0] is not framework:
        options = framework.domain_names() if kind == "domain" else framework.labels
        found = (framework, Choice.of(options, f"a {kind} of the {framework.name} framework"))
        if len(_CHOICES) > 64:
            _CHOICES.clear()
        _CHOICES[key] = found
    return found[1]


def domain_choice(framework: MonitoringFramework) -> Choice:
    """The framework's domains as a choice (so 'well led' is 'Well-led')."""
    return _framework_choice(framework, "domain")


def rating_choice(framework: MonitoringFramework) -> Choice:
    """The framework's rating labels as a choice, worst first."""
    return _framework_choice(framework, "rating")


def provider_id_in(rows: Sequence[Sequence[Any]]) -> str:
    """Only the provider ID from the Return sheet's rows (label in column A, entry in B),
    found without reading the rest, so a batch can look for duplicates first; "" if none."""
    setting = DETAILS.setting("provider_id")
    names = set(setting.names())
    for row in rows:
        if row and not is_blank(row[0]) and normalise_header(row[0]) in names:
            value = row[1] if len(row) > 1 else None
            return "" if is_blank(value) else TEXT.parse(value)
    return ""


# --- an organisation's own framework, from the return's Framework sheet -------------------


def framework_from_cells(
    cells: Cells,
    *,
    name: str,
    bands: Sequence[Any] = CQC_BANDS,
    file: str | None = None,
) -> MonitoringFramework:
    """A framework from a sheet of Domain | Statement | Safeguarding rows, in that order."""
    errors = InputErrors()
    table = read_table(FRAMEWORK, cells, errors, file=file)
    errors.raise_if_any()
    by_domain: dict[str, list[Statement]] = {}
    for r in _records(table):
        by_domain.setdefault(r["domain"], []).append(
            Statement(text=r["statement"], safeguarding=bool(r["safeguarding"]))
        )
    return framework_from_dict(
        {
            "name": name,
            "domains": [
                {"name": d, "statements": [s.model_dump() for s in ss]}
                for d, ss in by_domain.items()
            ],
            "bands": [b.model_dump() for b in bands],
        },
        Location(file=file, sheet=FRAMEWORK.sheet),
    )


def _with_sheet_framework(
    framework_for: Callable[[str], MonitoringFramework], cells: Cells, file: str
) -> Callable[[str], MonitoringFramework]:
    """Known frameworks first; a name they do not know is the one on the Framework sheet."""

    def resolve(name: str) -> MonitoringFramework:
        try:
            return framework_for(name)
        except InputError:
            return framework_from_cells(cells, name=name, file=file or None)

    return resolve


# --- the settings file's [plan] table -----------------------------------------------------

#: The margin the monitoring plan keeps for contingencies (CPC 305 A7, P10), as a fraction of
#: the hours needed: 0% to 50%, a local choice (more than half again is a second plan).
CONTINGENCY = Rate(
    0, 0.5, "more than half again is a second plan, not a margin", what="the contingency margin"
)


def read_plan_settings(data: Mapping[str, Any], *, file: str | None = None) -> PlanSettings:
    """The monitoring plan's settings from the [plan] table of a settings file."""
    where = Location(file=file, field="[plan]")
    values = dict(data)
    if "contingency" in values:
        try:
            values["contingency"] = CONTINGENCY.parse(values["contingency"])
        except InputError as exc:
            raise InputError(
                f"[plan] contingency: {exc.message}", location=where, valid=exc.valid
            ) from None
    try:
        return PlanSettings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError(
            f"the [plan] settings are not valid ({problems})", location=where
        ) from None
