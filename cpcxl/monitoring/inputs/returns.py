"""Reading a monitoring return's cells into a checked :class:`MonitoringReturn`.

Every problem is collected with its place (file, sheet, cell, field) and raised together, so
an officer can fix them all at once. No file access here, and no workbook library.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import Choice, choice_key
from cpcxl.common.inputs import Cells, TableRead, read_settings, read_table
from cpcxl.common.tables import ROW, normalise_header
from cpcxl.common.values import is_blank

from ..models import (
    Action,
    ActionKind,
    ComplianceEntry,
    ComplianceScheme,
    Issue,
    Kpi,
    MonitoringFramework,
    MonitoringReturn,
    Participant,
    PreviousScore,
    ProviderDetails,
    Stakeholder,
    Statement,
    StatementScore,
    Strength,
)
from ..schemes import CPC306, CQC, CQC_BANDS, framework_from_dict
from .tables import (
    ACTIONS,
    COMPLIANCE,
    DETAIL_COLUMNS,
    DETAILS,
    FRAMEWORK,
    ISSUES,
    KPIS,
    LATER_TABLES,
    PARTICIPANTS,
    PREVIOUS,
    RETURN_SHEETS,
    RETURN_SPECS,
    SCORES,
    STAKEHOLDERS,
    STRENGTHS,
    TABLES,
    TEMPLATE_FILE,
)


def read_return(
    cells: Mapping[str, Cells],
    framework_for: Callable[[str], MonitoringFramework],
    *,
    file: str = "",
    sheet_names: Sequence[str] | None = None,
    stages: ComplianceScheme = CPC306,
) -> tuple[MonitoringReturn, MonitoringFramework]:
    """A checked :class:`MonitoringReturn` and its framework from the return's cells
    ({table name: cells}, as ``read_tables`` or ``read_book_tables`` give them).

    Every problem is raised together (InputErrors); a table whose header is wrong is
    reported and nothing is read from it. Notes (a header read under another spelling) are
    kept on the return. The Strengths, Stakeholders and Compliance sheets are read when the
    return has them (returns made before them do not); ``stages`` is the compliance scheme
    the Compliance sheet's stages are of.
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
    later = {
        spec.name: read_table(spec, cells.get(spec.name), errors, file=file, optional=True)
        for spec in LATER_TABLES
    }
    ret.strengths = _strengths(later[STRENGTHS.name], framework, errors)
    ret.stakeholders = [Stakeholder(**r) for r in _records(later[STAKEHOLDERS.name])]
    ret.compliance = _compliance(
        later[COMPLIANCE.name], stages, ret.actions, errors, since=ret.details.period_start
    )
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


def _strengths(
    table: TableRead | None, framework: MonitoringFramework, errors: InputErrors
) -> list[Strength]:
    if table is None:
        return []
    domains = domain_choice(framework)
    strengths = []
    for row, r in _located(table):
        domain = r["domain"]
        if domain:
            domain = errors.attempt(domains.parse, domain, where=table.where(row, "domain"))
            if domain is None:
                continue
        strengths.append(Strength(**{**r, "domain": domain or ""}))
    return strengths


def _compliance(
    table: TableRead | None,
    stages: ComplianceScheme,
    actions: Sequence[Action],
    errors: InputErrors,
    *,
    since: dt.date | None = None,
) -> list[ComplianceEntry]:
    """The Compliance sheet's stage changes, each checked on its own row: a stage of the
    scheme, a deadline where the stage needs one and never before the date entered, the
    requirement it names one of the Actions sheet's (for a change entered in this return's
    period, from ``since``: an earlier round's row may stay on the sheet after its
    requirement has left the Actions sheet). Whether a change skips a step the scheme
    requires is checked against the whole trail (with the history's), in the engine.
    """
    if table is None:
        return []
    choice = stage_choice(stages)
    requirements = {
        choice_key(a.action): a.action for a in actions if a.kind == ActionKind.REQUIREMENT
    }
    entries = []
    for row, r in _located(table):
        before = len(errors)
        stage = errors.attempt(choice.parse, r["stage"], where=table.where(row, "stage"))
        entered, deadline = r["entered"], r["deadline"]
        if stage is not None and stage != stages.none:
            if stages.stage(stage).deadline and deadline is None:
                errors.add(
                    f"the stage {stage} needs a deadline: the date by which it must be put right",
                    location=table.where(row, "deadline"),
                    valid="a date (dd/mm/yyyy) on or after the date entered",
                )
            if not r["issue"]:
                errors.add(
                    f"say which breach or issue the stage {stage} is for",
                    location=table.where(row, "issue"),
                    valid="the breach or issue, e.g. 'Medicines records incomplete'",
                )
        if deadline is not None and entered is not None and deadline < entered:
            errors.add(
                f"the deadline ({deadline:%d/%m/%Y}) is before the date the stage was entered "
                f"({entered:%d/%m/%Y})",
                location=table.where(row, "deadline"),
                valid=f"a date on or after {entered:%d/%m/%Y}",
            )
        requirement = r["requirement"]
        earlier_round = since is not None and entered is not None and entered < since
        if requirement:
            found = requirements.get(choice_key(requirement))
            if found is None and earlier_round:
                errors.note(
                    f"{table.spec.sheet}!{table.where(row, 'requirement').cell}: "
                    f"{requirement[:60]!r} is not on the Actions sheet; the change was entered "
                    "before this return's period, so it is kept as an earlier round's"
                )
            elif found is None:
                shown = "; ".join(list(requirements.values())[:5]) or "none in this return"
                errors.add(
                    f"{requirement[:60]!r} is not a requirement on the Actions sheet",
                    location=table.where(row, "requirement"),
                    valid=f"a requirement's text as the Actions sheet has it ({shown}), or blank",
                )
            else:
                requirement = found
        if len(errors) > before or stage is None:
            continue
        entries.append(
            ComplianceEntry(
                **{**r, "stage": stage, "requirement": requirement},
                source="return",
                row=row,
                cell=table.where(row, "stage").cell or "",
            )
        )
    return entries


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


_STAGE_CHOICES: dict[int, tuple[ComplianceScheme, Choice]] = {}


def stage_choice(stages: ComplianceScheme) -> Choice:
    """The scheme's stages as a choice ('improvement notice' is Improvement notice)."""
    found = _STAGE_CHOICES.get(id(stages))
    if found is None or found[0] is not stages:
        found = (stages, Choice.of(stages.names, f"a stage of the {stages.name} scheme"))
        if len(_STAGE_CHOICES) > 16:
            _STAGE_CHOICES.clear()
        _STAGE_CHOICES[id(stages)] = found
    return found[1]


def provider_id_in(rows: Sequence[Sequence[Any]]) -> str:
    """Only the provider ID from the Return sheet's rows (label in column A, entry in B),
    found without reading the rest, so a batch can look for duplicates first; "" if none,
    or if it is no ID a summary may have (the full read says so, at its cell: two returns of
    such an ID are not copies of one provider)."""
    setting = DETAILS.setting("provider_id")
    names = set(setting.names())
    for row in rows:
        if row and not is_blank(row[0]) and normalise_header(row[0]) in names:
            value = row[1] if len(row) > 1 else None
            if is_blank(value):
                return ""
            try:
                return str(setting.type.parse(value))
            except InputError:
                return ""
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
