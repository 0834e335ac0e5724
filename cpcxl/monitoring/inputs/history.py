"""The history workbook's tables, and reading its cells into each provider's rounds.

The history (``cpcxl monitoring batch --history HISTORY.xlsx``) has one row per provider per
round on a *Rounds <framework>* sheet (one sheet per framework, whose columns are that
framework's domains), the detail of each round on *KPIs*, *Actions* and *Compliance log*, and
*Baselines*, the one sheet an officer fills in: the round each provider's progress is
measured from (CPC 424 C1). Every sheet is one :class:`~cpcxl.common.inputs.TableSpec`, used
to write it and to read it back.

A problem in one provider's rows (rounds out of order, a bad cell) is kept against that
provider, whose return then fails with it; a problem in the workbook as a whole (not a
history, a sheet cpcxl does not keep, a framework this run does not know) is raised, and the
batch writes nothing. No file access here, and no workbook library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import Choice, Date, Text, Whole, choice_key
from cpcxl.common.inputs import Cells, Column, TableRead, TableSpec, column_letter, read_table
from cpcxl.common.tables import ROW, normalise_header
from cpcxl.common.values import is_blank

from ..models import (
    ActionKind,
    ActionRound,
    ActionStatus,
    Baseline,
    ComplianceEntry,
    ComplianceScheme,
    DomainRound,
    KpiRound,
    MonitoringFramework,
    ProviderHistory,
    Responsible,
    RoundRecord,
)
from .returns import stage_choice
from .tables import DOMAIN_SCORE, NUMBER, YES_NO, ProviderId

ABOUT_SHEET = "About"
ROUNDS_PREFIX = "Rounds "
#: Excel allows 31 characters in a sheet name; "Rounds " takes 7 of them.
LONGEST_FRAMEWORK_NAME = 31 - len(ROUNDS_PREFIX)
_COUNT = Whole(0, 100_000, reason="more than any provider's round could hold")
_ROUND_NUMBER = Whole(1, 1_000, reason="a thousand rounds is centuries of monitoring")
PROVIDER_ID = Column("provider_id", "Provider ID", ProviderId(), width=12)
ROUND = Column("round", "Round", Text(what="a round label"), width=14)


_ROUND_FIELDS = frozenset(RoundRecord.model_fields) - {"domains", "framework", "sheet", "row"}


def rounds_sheet(framework: str) -> str:
    return f"{ROUNDS_PREFIX}{framework}"


def rounds_spec(framework: MonitoringFramework) -> TableSpec:
    """The Rounds sheet of one framework: a provider's round per row, its domains' scores
    and ratings (and the round a rating carried forward was given in), overall, KPI counts,
    open requirements and the compliance stage."""
    domains: list[Column] = []
    for i, name in enumerate(framework.domain_names()):
        domains += [
            Column(f"d{i}_pct", f"{name} (%)", DOMAIN_SCORE, blank=True, width=10),
            Column(f"d{i}_rating", f"{name} rating", required=False, default="", width=20),
            Column(f"d{i}_from", f"{name} carried from", required=False, default="", width=14),
            Column(
                f"d{i}_from_date", f"{name} carried from date", Date(), required=False, width=14
            ),
        ]
    return TableSpec(
        f"Rounds_{framework.name}",
        rounds_sheet(framework.name),
        (
            PROVIDER_ID,
            Column("provider_name", "Provider name", blank=True, default="", width=36),
            ROUND,
            Column("number", "Round no.", _ROUND_NUMBER, width=9),
            Column("monitoring_date", "Monitoring date", Date(), width=14),
            Column("overall", "Overall rating", blank=True, default="", width=22),
            Column("overall_percentage", "Overall score (%)", DOMAIN_SCORE, blank=True, width=10),
            Column("trend", "Trend", required=False, default="", width=16),
            *domains,
            Column("kpi_red", "KPIs red", _COUNT, required=False, default=0, width=9),
            Column("kpi_amber", "KPIs amber", _COUNT, required=False, default=0, width=9),
            Column("kpi_green", "KPIs green", _COUNT, required=False, default=0, width=9),
            Column(
                "open_requirements",
                "Open requirements",
                _COUNT,
                required=False,
                default=0,
                width=12,
            ),
            Column(
                "open_recommendations",
                "Open recommendations",
                _COUNT,
                required=False,
                default=0,
                width=14,
            ),
            Column("stage", "Compliance stage", required=False, default="", width=24),
            Column("return_file", "Return file", required=False, default="", width=24),
            Column("return_sha256", "Return SHA-256", required=False, default="", width=20),
            Column("recorded", "Recorded on", Date(), required=False, width=14),
        ),
        f"Monitoring rounds, {framework.name} framework: one row per provider per round",
    )


KPI_HISTORY = TableSpec(
    "KPI_history",
    "KPIs",
    (
        PROVIDER_ID,
        ROUND,
        Column("name", "KPI", width=44),
        Column("unit", "Unit", required=False, default="", width=14),
        Column("higher_is_better", "Higher is better", YES_NO, required=False, default=True),
        Column("target", "Target", NUMBER, width=10),
        Column("actual", "Actual", NUMBER, width=10),
        Column("rag", "RAG", required=False, default="", width=8),
        Column("baseline", "Baseline", NUMBER, required=False, width=10),
    ),
    "Each provider's KPIs at each round, with the baseline progress is measured from",
)
ACTION_HISTORY = TableSpec(
    "Action_history",
    "Actions",
    (
        PROVIDER_ID,
        ROUND,
        Column("action", "Action", width=50),
        Column(
            "kind",
            "Requirement or recommendation",
            Choice.of(ActionKind, "a requirement or a recommendation"),
            width=16,
        ),
        Column(
            "responsible",
            "Responsible",
            Choice.of(Responsible, "who is responsible"),
            required=False,
            width=16,
        ),
        Column("due", "Due date", Date(), required=False, width=12),
        Column(
            "status",
            "Status",
            Choice.of(ActionStatus, "a status"),
            required=False,
            default=ActionStatus.OPEN,
            width=12,
        ),
        Column("first_round", "First raised in", required=False, default="", width=14),
        Column("first_date", "First raised on", Date(), required=False, width=14),
        Column("rounds_overdue", "Rounds overdue", _COUNT, required=False, default=0, width=10),
    ),
    "Requirements and recommendations open at each round (and those completed in it)",
)
COMPLIANCE_LOG = TableSpec(
    "Compliance_log",
    "Compliance log",
    (
        PROVIDER_ID,
        Column("stage", "Stage", Text(what="a compliance stage"), width=26),
        Column("entered", "Date entered", Date(), width=12),
        Column("issue", "Breach or issue", required=False, default="", width=36),
        Column("requirement", "Requirement", required=False, default="", width=30),
        Column("deadline", "Deadline", Date(), required=False, width=12),
        Column("evidence", "Evidence that would close it", required=False, default="", width=30),
        Column("decided_by", "Decided by (role)", required=False, default="", width=24),
        Column("why", "Why", required=False, default="", width=36),
        Column("round", "Recorded in round", required=False, default="", width=14),
        Column("recorded", "Recorded on", Date(), required=False, width=12),
        Column("recorded_from", "Recorded from", required=False, default="", width=24),
    ),
    "Every change of compliance stage (CPC 306 C): who decided, when and why; never rewritten",
)
BASELINES = TableSpec(
    "Baselines",
    "Baselines",
    (
        PROVIDER_ID,
        Column("round", "Baseline round", Text(what="a round label"), width=16),
        Column("set_by", "Set by (role)", required=False, default="", width=28),
        Column("why", "Why", required=False, default="", width=50),
    ),
    "The round each provider's progress is measured from (CPC 424 C1); blank: its first round",
)
#: The history's sheets other than the Rounds sheets, in their order.
HISTORY_TABLES = (KPI_HISTORY, ACTION_HISTORY, COMPLIANCE_LOG, BASELINES)


def history_specs(frameworks: Sequence[MonitoringFramework]) -> list[TableSpec]:
    """Every table of a history holding rounds of these frameworks, in sheet order."""
    return [*(rounds_spec(f) for f in frameworks), *HISTORY_TABLES]


# --- reading ---------------------------------------------------------------------------------


@dataclass
class History:
    """The history as read: each provider's rounds and detail, and the problems found in one
    provider's rows (its return then fails with them: its rows are kept as they are)."""

    file: str = ""
    providers: dict[str, ProviderHistory] = field(default_factory=dict)
    problems: dict[str, list[InputError]] = field(default_factory=dict)
    frameworks: dict[str, MonitoringFramework] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def of(self, provider_id: str) -> ProviderHistory:
        """A provider's history (empty for a provider new to it)."""
        found = self.providers.get(provider_id.casefold())
        return (
            found if found is not None else ProviderHistory(provider_id=provider_id, file=self.file)
        )

    def problems_of(self, provider_id: str) -> list[InputError]:
        return self.problems.get(provider_id.casefold(), [])

    @property
    def ok(self) -> bool:
        return not self.problems


def _sheet_framework(sheet: str) -> str:
    return sheet[len(ROUNDS_PREFIX) :].strip()


def read_history(
    sheets: Mapping[str, Cells],
    framework_for: Callable[[str], MonitoringFramework],
    stages: ComplianceScheme,
    *,
    file: str = "",
) -> History:
    """The history from its sheets' cells ({sheet name: cells}, every sheet of the file).

    Raises InputErrors for a workbook that is no history, has a sheet cpcxl would not keep,
    or has rounds of a framework this run does not know; keeps every problem in a provider's
    rows (a bad cell, rounds out of order, detail for a round it does not have) against
    that provider.
    """
    errors = InputErrors()
    base = Location(file=file or None)
    known = {ABOUT_SHEET, *(s.sheet for s in HISTORY_TABLES)}
    frameworks: dict[str, MonitoringFramework] = {}
    for sheet in sheets:
        if sheet.startswith(ROUNDS_PREFIX):
            name = _sheet_framework(sheet)
            try:
                frameworks[sheet] = framework_for(name)
            except InputError as exc:
                errors.add(
                    f"the history has rounds of the framework {name!r} (sheet {sheet!r}), which "
                    "this run does not know",
                    location=base.with_(sheet=sheet),
                    valid=f"{exc.valid or 'a known framework'}; pass --framework for it",
                )
        elif sheet not in known and sheet != "cpcxl":
            errors.add(
                f"the history has a sheet {sheet!r} that cpcxl does not keep: rewriting the "
                "history would lose it",
                location=base.with_(sheet=sheet),
                valid="the sheets About, Rounds <framework>, KPIs, Actions, Compliance log and "
                "Baselines only: move the sheet to a workbook of your own",
            )
    if not frameworks and not any(s.sheet in sheets for s in HISTORY_TABLES):
        errors.add(
            "this is not a monitoring history: it has no Rounds sheet",
            location=base,
            valid="a history written by cpcxl monitoring batch --history, or a new file name",
        )
    errors.raise_if_any()
    history = History(file=file, frameworks={f.name: f for f in frameworks.values()})
    reader = _Reader(history, errors, file)
    for sheet, framework in frameworks.items():
        reader.rounds(rounds_spec(framework), sheets[sheet], framework)
    for spec in HISTORY_TABLES:
        reader.detail(spec, sheets.get(spec.sheet), stages)
    errors.raise_if_any()
    reader.check()
    return history


class _Reader:
    """Reads each sheet, keeping a bad cell against the provider of its row."""

    def __init__(self, history: History, errors: InputErrors, file: str) -> None:
        self.history = history
        self.errors = errors  # problems of the workbook as a whole: raised
        self.file = file
        self.by_provider: dict[str, ProviderHistory] = history.providers

    def provider(self, provider_id: str) -> ProviderHistory:
        key = provider_id.casefold()
        found = self.by_provider.get(key)
        if found is None:
            found = self.by_provider[key] = ProviderHistory(provider_id=provider_id, file=self.file)
        return found

    def problem(self, provider_id: str, error: InputError) -> None:
        self.history.problems.setdefault(provider_id.casefold(), []).append(error)

    def read(
        self, spec: TableSpec, cells: Cells | None
    ) -> Iterator[tuple[int, dict[str, Any], TableRead]]:
        """Good rows of a table; a bad cell goes to its row's provider (or, with no provider
        ID to go by, to the workbook's problems)."""
        found = InputErrors()
        if cells is not None:
            _unheaded_values(spec, cells, found, self.file)
        table = read_table(spec, cells, found, file=self.file or None, optional=True)
        if table is None:
            self.errors.extend(found)
            return
        ids = {int(r): v for r, v in zip(table.rows, table.columns["provider_id"], strict=True)}
        for error in found:
            row = error.location.row if error.location else None
            provider_id = ids.get(row) if row is not None else None
            if provider_id:
                self.problem(provider_id, error)
            else:
                self.errors.add(error)
        for record in table.records():
            row = int(record.pop(ROW))
            yield row, record, table

    def rounds(self, spec: TableSpec, cells: Cells, framework: MonitoringFramework) -> None:
        names = framework.domain_names()
        for row, r, _ in self.read(spec, cells):
            domains = [
                DomainRound(
                    domain=name,
                    percentage=_number(r[f"d{i}_pct"]),
                    rating=r[f"d{i}_rating"] or "",
                    from_round=r[f"d{i}_from"] or "",
                    from_date=r[f"d{i}_from_date"],
                )
                for i, name in enumerate(names)
            ]
            record = RoundRecord(
                **{k: _plain(v) for k, v in r.items() if k in _ROUND_FIELDS},
                framework=framework.name,
                domains=domains,
                sheet=spec.sheet,
                row=row,
            )
            self.provider(record.provider_id).rounds.append(record)

    def detail(self, spec: TableSpec, cells: Cells | None, stages: ComplianceScheme) -> None:
        if cells is None:
            return
        choice = stage_choice(stages)
        for row, r, table in self.read(spec, cells):
            values = {k: _plain(v) for k, v in r.items()}
            provider_id = values["provider_id"]
            history = self.provider(provider_id)
            if spec is KPI_HISTORY:
                history.kpis.append(KpiRound(**values, row=row))
            elif spec is ACTION_HISTORY:
                history.actions.append(ActionRound(**values, row=row))
            elif spec is BASELINES:
                if history.baseline is not None:
                    self.problem(
                        provider_id,
                        InputError(
                            f"{provider_id} has a baseline already (row {history.baseline.row})",
                            location=table.where(row, "provider_id"),
                            valid="one baseline row per provider",
                        ),
                    )
                    continue
                history.baseline = Baseline(**values, row=row)
            else:
                try:
                    values["stage"] = choice.parse(values["stage"])
                except InputError as exc:
                    self.problem(provider_id, exc.at(**vars(table.where(row, "stage"))))
                    continue
                history.compliance.append(
                    ComplianceEntry(
                        **{k: v for k, v in values.items() if k != "provider_id"},
                        source="history",
                        row=row,
                        cell=table.where(row, "stage").cell or "",
                    )
                )

    def check(self) -> None:
        """Each provider's rounds in order (numbered without repeats, each dated after the
        one before) and its detail belonging to its rounds."""
        for history in self.by_provider.values():
            history.rounds.sort(key=lambda r: r.number)
            if history.rounds:
                history.framework = history.rounds[-1].framework
            labels: dict[str, RoundRecord] = {}
            previous: RoundRecord | None = None
            for record in history.rounds:
                where = Location(file=self.file or None, sheet=record.sheet, row=record.row)
                if previous is not None and record.number == previous.number:
                    self.problem(
                        history.provider_id,
                        InputError(
                            f"{history.provider_id} has two rounds numbered {record.number} "
                            f"(rows {previous.row} and {record.row})",
                            location=where.with_(field="Round no."),
                            valid="each round of a provider numbered once, 1, 2, 3 ...",
                        ),
                    )
                elif previous is not None and record.monitoring_date <= previous.monitoring_date:
                    self.problem(
                        history.provider_id,
                        InputError(
                            f"{history.provider_id}'s rounds are out of order: round "
                            f"{record.number} ({record.round}) is dated "
                            f"{record.monitoring_date:%d/%m/%Y}, not after round "
                            f"{previous.number} ({previous.round}, "
                            f"{previous.monitoring_date:%d/%m/%Y}, row {previous.row})",
                            location=where.with_(field="Monitoring date"),
                            valid=f"a date after {previous.monitoring_date:%d/%m/%Y}, or the "
                            "rounds numbered in date order",
                        ),
                    )
                key = choice_key(record.round)
                if key in labels:
                    self.problem(
                        history.provider_id,
                        InputError(
                            f"{history.provider_id} has the round {record.round!r} twice (rows "
                            f"{labels[key].row} and {record.row})",
                            location=where.with_(field="Round"),
                            valid="each round label once per provider",
                        ),
                    )
                labels[key] = record
                previous = record
            rounds = {r.round for r in history.rounds}
            for detail, sheet in ((history.kpis, "KPIs"), (history.actions, "Actions")):
                for item in detail:
                    if item.round not in rounds:
                        self.problem(
                            history.provider_id,
                            InputError(
                                f"{history.provider_id} has no round {item.round!r} on a Rounds "
                                f"sheet, so this {sheet[:-1]} row belongs to no round",
                                location=Location(
                                    file=self.file or None, sheet=sheet, row=item.row, field="Round"
                                ),
                                valid=", ".join(sorted(rounds)) or "a round of the provider",
                            ),
                        )
            history.compliance.sort(key=lambda e: (e.entered, e.row or 0))


def _unheaded_values(spec: TableSpec, cells: Cells, errors: InputErrors, file: str) -> None:
    """A value in a column with no header would be lost when cpcxl rewrites the history."""
    rows = cells.rows
    lookup = spec.lookup
    scores = [
        sum(1 for v in r if not is_blank(v) and normalise_header(v) in lookup) for r in rows[:15]
    ]
    if not scores or max(scores) == 0:
        return
    header_index = scores.index(max(scores))
    header = rows[header_index]
    width = max((i + 1 for i, v in enumerate(header) if not is_blank(v)), default=0)
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 1):
        extra = next((i for i in range(width, len(row)) if not is_blank(row[i])), None)
        if extra is not None:
            letter = column_letter(extra + cells.first_column)
            errors.add(
                f"a value in column {letter}, which has no header: rewriting the history "
                "would lose it",
                location=Location(
                    file=file or None, sheet=spec.sheet, cell=f"{letter}{cells.first_row + offset}"
                ),
                valid=f"values only under the {spec.sheet} sheet's headers",
            )
            return


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and value != value) else float(value)


def _plain(value: Any) -> Any:
    """A cell as the models take it: NaN is None; a whole float an int where counted."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
