"""Reading the history workbook: its sheets' rows, and each provider's rounds from them.

The history keeps every sheet's rows as the cells hold them ("cell form": text, numbers,
dates; a flag as Yes or No, a choice by its label), each provider's rows found by its ID.
A provider's models (its rounds, KPIs, actions, compliance trail and baseline) are built
from its rows when asked for, so a batch builds only those of the providers it has returns
for (in its workers, side by side), and writes every other provider's rows back as they
were read.

Two ways in. From a file's cells (:func:`read_history`): every cell is read by its column's
type through :func:`~cpcxl.common.inputs.read_table`, and every provider checked. From the
rows cpcxl recorded when it wrote the file, for a file whose sheets are byte for byte as it
wrote them (:func:`read_history_rows`): nothing there can be other than cpcxl wrote.

A problem in one provider's rows (rounds out of order, a bad cell) is kept against that
provider, whose return then fails with it; a problem in the workbook as a whole (not a
history, a sheet cpcxl does not keep, a framework this run does not know) is raised, and the
batch writes nothing. No file access here, and no workbook library.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel, TypeAdapter

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import Choice, Date
from cpcxl.common.fields import cached_choice_key as choice_key
from cpcxl.common.inputs import Cells, TableSpec, column_letter, read_table
from cpcxl.common.tables import ROW, normalise_header
from cpcxl.common.values import is_blank

from ..models import (
    ActionRound,
    Baseline,
    ComplianceEntry,
    ComplianceScheme,
    KpiRound,
    MonitoringFramework,
    ProviderHistory,
    RoundRecord,
)
from .history_specs import (
    ABOUT_SHEET,
    ACTION_HISTORY,
    BASELINES,
    COMPLIANCE_LOG,
    HISTORY_TABLES,
    KPI_HISTORY,
    ROUNDS_PREFIX,
    CarriedFrom,
    carried_text,
    rounds_spec,
)
from .returns import stage_choice
from .tables import YES_NO

#: The hidden sheet where cpcxl keeps its record of the history it wrote.
RECORD_SHEET = "cpcxl"
#: The first row of each history table's body (a title, a note and the header above it).
FIRST_ROW = 4
_ROUND_FIELDS = frozenset(RoundRecord.model_fields) - {"domains", "framework", "sheet", "row"}


@dataclass
class History:
    """The history as read (see the module docstring).

    ``rows``: every sheet's rows in cell form, in the sheet's column order; ``numbers``:
    each row's sheet row; ``spans``: {provider key: {sheet: its row indexes}} (a key is a
    provider ID case folded); ``problems``: what is wrong with a provider's rows.
    """

    file: str = ""
    frameworks: dict[str, MonitoringFramework] = field(default_factory=dict)
    #: the rounds sheet of each framework, by sheet name
    sheets: dict[str, MonitoringFramework] = field(default_factory=dict)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    numbers: dict[str, list[int]] = field(default_factory=dict)
    spans: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    problems: dict[str, list[InputError]] = field(default_factory=dict)
    stages: ComplianceScheme | None = None
    notes: list[str] = field(default_factory=list)
    _built: dict[str, ProviderHistory] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def provider_keys(self) -> list[str]:
        return list(self.spans)

    def rows_of(self, key: str) -> dict[str, list[list[Any]]]:
        """One provider's rows, by sheet."""
        spans = self.spans.get(key, {})
        return {sheet: [self.rows[sheet][i] for i in found] for sheet, found in spans.items()}

    def of(self, provider_id: str, *, recent: int | None = None) -> ProviderHistory:
        """A provider's history (empty for one new to it), built from its rows the first
        time it is asked for. Raises InputErrors if its rows have problems.

        ``recent``: the KPIs and actions of only the provider's last ``recent`` rounds, its
        first round and its baseline round (what a summary shows) are built; every round,
        the compliance trail and the baseline always are.
        """
        key = provider_id.casefold()
        if self.problems.get(key):
            raise InputErrors(self.problems[key])
        found = self._built.get(f"{key}\0{recent}")
        if found is None:
            if key not in self.spans:
                return ProviderHistory(provider_id=provider_id, file=self.file)
            found = self._built[f"{key}\0{recent}"] = _build(self, key, recent)
        return found

    def slice(self, provider_id: str) -> HistorySlice:
        """One provider's rows and problems, as read (see :class:`HistorySlice`)."""
        key = provider_id.casefold()
        spans = self.spans.get(key, {})
        return HistorySlice(
            file=self.file,
            key=key,
            rows={s: [self.rows[s][i] for i in found] for s, found in spans.items()},
            numbers={s: [self.numbers[s][i] for i in found] for s, found in spans.items()},
            problems=self.problems.get(key, []),
        )

    def problems_of(self, provider_id: str) -> list[InputError]:
        return self.problems.get(provider_id.casefold(), [])

    @property
    def providers(self) -> dict[str, ProviderHistory]:
        """Every provider's history (building them all: for a report, not for a batch)."""
        return {key: self.of(key) for key in self.spans if not self.problems.get(key)}


@dataclass
class HistorySlice:
    """One provider's rows of a history (and their problems): what a batch hands the worker
    summarising the provider's return, instead of the whole history. The frameworks and the
    stages, which every worker has already, are not sent with it."""

    file: str
    key: str
    rows: dict[str, list[list[Any]]]
    numbers: dict[str, list[int]]
    problems: list[InputError]

    def history(
        self, framework_for: Callable[[str], MonitoringFramework], stages: ComplianceScheme
    ) -> History:
        """The slice as a history of this one provider."""
        sheets = {
            s: framework_for(_sheet_framework(s)) for s in self.rows if s.startswith(ROUNDS_PREFIX)
        }
        part = History(
            file=self.file,
            frameworks={f.name: f for f in sheets.values()},
            sheets=sheets,
            rows=self.rows,
            numbers=self.numbers,
            stages=stages,
        )
        if self.problems:
            part.problems[self.key] = self.problems
        if self.rows:
            part.spans[self.key] = {s: list(range(len(r))) for s, r in self.rows.items()}
        return part


def _sheet_framework(sheet: str) -> str:
    return sheet[len(ROUNDS_PREFIX) :].strip()


# --- a row of cells and a model ----------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value


def _parser(spec: TableSpec) -> list[Callable[[Any], Any]]:
    """How each column's cell (in cell form) becomes its model's value."""
    found: list[Callable[[Any], Any]] = []
    for column in spec.columns:
        kind = column.type
        default = column.default
        if isinstance(kind, CarriedFrom | Choice) or kind is YES_NO:
            found.append(_parsed(functools.lru_cache(maxsize=1024)(kind.parse), default))
        elif default is not None:
            found.append(_defaulted(default))
        else:
            found.append(_plain)
    return found


def _parsed(parse: Callable[[Any], Any], default: Any) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        return default if value is None else parse(value)

    return read


def _defaulted(default: Any) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        return default if value is None else value

    return read


_PARSERS: dict[int, tuple[TableSpec, list[str], list[Callable[[Any], Any]]]] = {}


def _parsers(spec: TableSpec) -> tuple[list[str], list[Callable[[Any], Any]]]:
    found = _PARSERS.get(id(spec))
    if found is None or found[0] is not spec:
        found = _PARSERS[id(spec)] = (spec, [c.field for c in spec.columns], _parser(spec))
    return found[1], found[2]


def record_of(spec: TableSpec, row: Sequence[Any]) -> dict[str, Any]:
    """A row of cells as {field: value}, as read_table reads a table's good row."""
    fields, parsers = _parsers(spec)
    return {f: p(v) for f, p, v in zip(fields, parsers, row, strict=True)}


def cell_of(value: Any) -> Any:
    """A model's value as its cell holds it: a flag Yes or No, a choice by its label."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Enum):
        return str(value)
    return value


def round_row(record: RoundRecord, framework: MonitoringFramework) -> list[Any]:
    """A round as its Rounds sheet's row."""
    values: dict[str, Any] = {n: getattr(record, n) for n in _ROUND_FIELDS}
    by_name = {d.domain: d for d in record.domains}
    for i, name in enumerate(framework.domain_names()):
        d = by_name.get(name)
        if d is not None:
            values[f"d{i}_pct"] = d.percentage
            values[f"d{i}_rating"] = d.rating
            values[f"d{i}_from"] = carried_text(d.from_round, d.from_date)
    return [cell_of(values.get(c.field)) for c in rounds_spec(framework).columns]


def model_row(spec: TableSpec, item: Any, **fixed: Any) -> list[Any]:
    """A model's row on a detail sheet (``fixed`` for the columns it has no attribute for)."""
    return [
        cell_of(fixed[c.field] if c.field in fixed else getattr(item, c.field))
        for c in spec.columns
    ]


_VALIDATORS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def _models(kind: type[BaseModel], values: list[dict[str, Any]]) -> list[Any]:
    """``values`` as models of ``kind``, checked as each model's own constructor checks
    them, in one call: a provider's hundred-odd models in 0.27-0.29 ms rather than
    0.32-0.35 ms one by one."""
    if not values:
        return []
    validator = _VALIDATORS.get(kind)
    if validator is None:
        validator = _VALIDATORS[kind] = TypeAdapter(list[kind])  # type: ignore[valid-type]
    return validator.validate_python(values)


def _build(history: History, key: str, recent: int | None = None) -> ProviderHistory:
    """One provider's models from its rows (checked already: :func:`_check_rows`); with
    ``recent``, only the KPIs and actions of the rounds :meth:`History.of` says."""
    spans = history.spans[key]
    built = ProviderHistory(provider_id=key, file=history.file)
    rounds: list[dict[str, Any]] = []
    for sheet, framework in history.sheets.items():
        spec = rounds_spec(framework)
        keys = [
            (name, f"d{i}_pct", f"d{i}_rating", f"d{i}_from")
            for i, name in enumerate(framework.domain_names())
        ]
        for index in spans.get(sheet, ()):
            r = record_of(spec, history.rows[sheet][index])
            domains = []
            for name, pct, rating, carried in keys:
                from_round, from_date = r[carried] or ("", None)
                domains.append(
                    {
                        "domain": name,
                        "percentage": r[pct],
                        "rating": r[rating] or "",
                        "from_round": from_round,
                        "from_date": from_date,
                    }
                )
            values = {k: v for k, v in r.items() if k in _ROUND_FIELDS}
            values.update(
                framework=framework.name,
                domains=domains,
                sheet=sheet,
                row=history.numbers[sheet][index],
            )
            rounds.append(values)
    built.rounds = _models(RoundRecord, rounds)
    wanted = None if recent is None else _recent_rounds(history, key, built.rounds, recent)
    choice = stage_choice(history.stages) if history.stages else None
    kpis: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    compliance: list[dict[str, Any]] = []
    for spec in HISTORY_TABLES:
        placed = _Placed(spec, history.file)
        some = wanted is not None and spec in (KPI_HISTORY, ACTION_HISTORY)
        for index in spans.get(spec.sheet, ()):
            cells = history.rows[spec.sheet][index]
            if some and cells[1] not in wanted:  # type: ignore[operator]
                continue
            row = history.numbers[spec.sheet][index]
            values = record_of(spec, cells)
            values["row"] = row
            if spec is KPI_HISTORY:
                kpis.append(values)
            elif spec is ACTION_HISTORY:
                actions.append(values)
            elif spec is BASELINES:
                built.baseline = built.baseline or Baseline(**values)
            else:
                if choice is not None:
                    values["stage"] = choice.parse(values["stage"])
                del values["provider_id"]
                values.update(source="history", cell=placed.where(row, "stage").cell or "")
                compliance.append(values)
    built.kpis = _models(KpiRound, kpis)
    built.actions = _models(ActionRound, actions)
    built.compliance = _models(ComplianceEntry, compliance)
    # the provider ID as its rows spell it (each table's first column)
    built.provider_id = next(
        (str(history.rows[sheet][found[0]][0]) for sheet, found in spans.items() if found), key
    )
    built.rounds.sort(key=lambda r: r.number)
    if built.rounds:
        built.framework = built.rounds[-1].framework
    built.compliance.sort(key=lambda e: (e.entered, e.row or 0))
    return built


def _recent_rounds(
    history: History, key: str, rounds: Sequence[RoundRecord], recent: int
) -> set[str]:
    """The labels of a provider's last ``recent`` rounds, its first, its baseline's, and the
    first round each of its KPIs was measured in (a KPI's baseline when no other is)."""
    ordered = sorted(rounds, key=lambda r: r.number)
    wanted = {r.round for r in ordered[-recent:]} | {r.round for r in ordered[:1]}
    spans = history.spans[key]
    for index in spans.get(BASELINES.sheet, ())[:1]:
        wanted.add(history.rows[BASELINES.sheet][index][1])
    number = {r.round: r.number for r in ordered}
    first: dict[str, str] = {}
    for index in spans.get(KPI_HISTORY.sheet, ()):
        cells = history.rows[KPI_HISTORY.sheet][index]
        name, label = choice_key(cells[2]), cells[1]
        if name not in first or number.get(label, 0) < number.get(first[name], 0):
            first[name] = label
    return wanted | set(first.values())


def _check_rows(history: History) -> None:
    """Every provider's rows in order: its rounds numbered without repeats, each dated after
    the one before, each label once; its KPIs and actions belonging to its rounds; one
    baseline; each compliance stage one of the scheme's. Cheap: the rows, not the models."""
    specs = {sheet: rounds_spec(f) for sheet, f in history.sheets.items()}
    at = {
        sheet: (_at(spec, "round"), _at(spec, "number"), _at(spec, "monitoring_date"))
        for sheet, spec in specs.items()
    }
    detail_round = {t.sheet: _at(t, "round") for t in (KPI_HISTORY, ACTION_HISTORY)}
    stage_at = _at(COMPLIANCE_LOG, "stage")
    choice = stage_choice(history.stages) if history.stages else None
    file = history.file or None
    for key, spans in history.spans.items():
        found: list[InputError] = []
        rounds = []
        for sheet, (label_at, number_at, date_at) in at.items():
            for i in spans.get(sheet, ()):
                cells = history.rows[sheet][i]
                rounds.append(
                    (
                        cells[number_at],
                        cells[date_at],
                        cells[label_at],
                        sheet,
                        history.numbers[sheet][i],
                    )
                )
        rounds.sort(key=lambda r: (r[0] is None, r[0] or 0))
        pid = _provider_name(history, key)
        labels: dict[str, int] = {}
        previous = None
        for number, day, label, sheet, row in rounds:
            where = Location(file=file, sheet=sheet, row=row)
            if previous is not None and number == previous[0]:
                found.append(
                    InputError(
                        f"{pid} has two rounds numbered {number:g} (rows {previous[4]} and {row})",
                        location=where.with_(field="Round no."),
                        valid="each round of a provider numbered once, 1, 2, 3 ...",
                    )
                )
            elif previous is not None and day <= previous[1]:
                found.append(
                    InputError(
                        f"{pid}'s rounds are out of order: round {number:g} ({label}) is dated "
                        f"{day:%d/%m/%Y}, not after round {previous[0]:g} ({previous[2]}, "
                        f"{previous[1]:%d/%m/%Y}, row {previous[4]})",
                        location=where.with_(field="Monitoring date"),
                        valid=f"a date after {previous[1]:%d/%m/%Y}, or the rounds numbered in "
                        "date order",
                    )
                )
            folded = choice_key(label)
            if folded in labels:
                found.append(
                    InputError(
                        f"{pid} has the round {label!r} twice (rows {labels[folded]} and {row})",
                        location=where.with_(field="Round"),
                        valid="each round label once per provider",
                    )
                )
            labels[folded] = row
            previous = (number, day, label, sheet, row)
        known = {r[2] for r in rounds}
        # a Rounds row with a bad cell was not read, and its problem is the provider's
        # already: that round's KPI and action rows would only repeat it as rows of no round
        dropped = any(
            p.location is not None and p.location.sheet in at for p in history.problems.get(key, ())
        )
        for sheet, label_at in detail_round.items() if not dropped else ():
            for i in spans.get(sheet, ()):
                label = history.rows[sheet][i][label_at]
                if label not in known:
                    found.append(
                        InputError(
                            f"{pid} has no round {label!r} on a Rounds sheet, so this "
                            f"{sheet[:-1]} row belongs to no round",
                            location=Location(
                                file=file, sheet=sheet, row=history.numbers[sheet][i], field="Round"
                            ),
                            valid=", ".join(sorted(known)) or "a round of the provider",
                        )
                    )
        baselines = spans.get(BASELINES.sheet, [])
        for i in baselines[1:]:
            found.append(
                InputError(
                    f"{pid} has a baseline already (row "
                    f"{history.numbers[BASELINES.sheet][baselines[0]]})",
                    location=_Placed(BASELINES, history.file).where(
                        history.numbers[BASELINES.sheet][i], "provider_id"
                    ),
                    valid="one baseline row per provider",
                )
            )
        if choice is not None:
            placed = _Placed(COMPLIANCE_LOG, history.file)
            for i in spans.get(COMPLIANCE_LOG.sheet, ()):
                try:
                    choice.parse(history.rows[COMPLIANCE_LOG.sheet][i][stage_at])
                except InputError as exc:
                    line = history.numbers[COMPLIANCE_LOG.sheet][i]
                    found.append(exc.at(**vars(placed.where(line, "stage"))))
        if found:
            history.problems.setdefault(key, []).extend(found)


def _at(spec: TableSpec, field_name: str) -> int:
    return [c.field for c in spec.columns].index(field_name)


def _provider_name(history: History, key: str) -> str:
    """A provider's ID as its rows spell it."""
    for sheet, found in history.spans[key].items():
        if found:
            return str(history.rows[sheet][found[0]][0])
    return key


class _Placed:
    """Where a row's cells are: the table's columns from A (as cpcxl writes them)."""

    def __init__(self, spec: TableSpec, file: str) -> None:
        self.letters = {c.field: column_letter(i + 1) for i, c in enumerate(spec.columns)}
        self.spec = spec
        self.base = Location(file=file or None, sheet=spec.sheet)

    def where(self, row: int | None, field_name: str) -> Location:
        letter = self.letters[field_name]
        return self.base.with_(
            cell=f"{letter}{row}" if row is not None else None,
            row=row,
            field=self.spec.header_of(field_name),
        )


# --- reading -----------------------------------------------------------------------------------


def _sheets_of(
    names: Sequence[str],
    framework_for: Callable[[str], MonitoringFramework],
    file: str,
) -> dict[str, MonitoringFramework]:
    """The Rounds sheets' frameworks; a workbook that is no history, or has a sheet cpcxl
    would not keep, or a framework this run does not know, raises."""
    errors = InputErrors()
    base = Location(file=file or None)
    known = {ABOUT_SHEET, RECORD_SHEET, *(s.sheet for s in HISTORY_TABLES)}
    frameworks: dict[str, MonitoringFramework] = {}
    for sheet in names:
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
        elif sheet not in known:
            errors.add(
                f"the history has a sheet {sheet!r} that cpcxl does not keep: rewriting the "
                "history would lose it",
                location=base.with_(sheet=sheet),
                valid="the sheets About, Rounds <framework>, KPIs, Actions, Compliance log and "
                "Baselines only: move the sheet to a workbook of your own",
            )
    if not frameworks and not any(s.sheet in names for s in HISTORY_TABLES):
        errors.add(
            "this is not a monitoring history: it has no Rounds sheet",
            location=base,
            valid="a history written by cpcxl monitoring batch --history, or a new file name",
        )
    errors.raise_if_any()
    return frameworks


def _index(history: History) -> None:
    """Each provider's rows, by sheet (the provider ID is every table's first column)."""
    for sheet, rows in history.rows.items():
        for index, row in enumerate(rows):
            key = str(row[0]).casefold()
            history.spans.setdefault(key, {}).setdefault(sheet, []).append(index)


def read_history_rows(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    framework_for: Callable[[str], MonitoringFramework],
    stages: ComplianceScheme,
    *,
    file: str = "",
) -> History:
    """The history from the rows cpcxl recorded when it wrote the file ({sheet name: rows in
    cell form, dates as ISO text}), for a file whose sheets are byte for byte as cpcxl wrote
    them. Each provider's rows are checked together (:func:`_check_rows`); its models are
    built when asked for (:meth:`History.of`)."""
    frameworks = _sheets_of(list(sheets), framework_for, file)
    history = History(file=file, stages=stages, sheets=frameworks)
    history.frameworks = {f.name: f for f in frameworks.values()}
    specs = {
        **{s: rounds_spec(f) for s, f in frameworks.items()},
        **{t.sheet: t for t in HISTORY_TABLES},
    }
    for sheet, spec in specs.items():
        rows = [list(r) for r in sheets.get(sheet, ())]
        dates = [i for i, c in enumerate(spec.columns) if isinstance(c.type, Date)]
        for row in rows:
            for i in dates:
                if isinstance(row[i], str):
                    row[i] = dt.date.fromisoformat(row[i])
        history.rows[sheet] = rows
        history.numbers[sheet] = list(range(FIRST_ROW, FIRST_ROW + len(rows)))
    _index(history)
    _check_rows(history)
    return history


def read_history(
    sheets: Mapping[str, Cells],
    framework_for: Callable[[str], MonitoringFramework],
    stages: ComplianceScheme,
    *,
    file: str = "",
) -> History:
    """The history from its sheets' cells ({sheet name: cells}, every sheet of the file),
    every cell read by its column's type and every provider checked.

    Raises InputErrors for a workbook that is no history, has a sheet cpcxl would not keep,
    or has rounds of a framework this run does not know; keeps every problem in a provider's
    rows (a bad cell, rounds out of order, detail for a round it does not have) against that
    provider.
    """
    frameworks = _sheets_of(list(sheets), framework_for, file)
    history = History(file=file, stages=stages, sheets=frameworks)
    history.frameworks = {f.name: f for f in frameworks.values()}
    errors = InputErrors()
    specs = {
        **{s: rounds_spec(f) for s, f in frameworks.items()},
        **{t.sheet: t for t in HISTORY_TABLES},
    }
    for sheet, spec in specs.items():
        rows, numbers = [], []
        for row, record in _read_table(history, spec, sheets.get(sheet), errors):
            rows.append(_cells(spec, record))
            numbers.append(row)
        history.rows[sheet] = rows
        history.numbers[sheet] = numbers
    errors.raise_if_any()
    _index(history)
    _check_rows(history)
    return history


def _cells(spec: TableSpec, record: Mapping[str, Any]) -> list[Any]:
    """A table's good row, as read_table reads it, in cell form."""
    out = []
    for c in spec.columns:
        value = record[c.field]
        if isinstance(value, float) and value != value:
            value = None  # a blank number
        elif isinstance(value, tuple):
            value = carried_text(*value)
        out.append(cell_of(value))
    return out


def _read_table(
    history: History, spec: TableSpec, cells: Cells | None, errors: InputErrors
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Good rows of a table; a bad cell goes to its row's provider (or, with no provider ID
    to go by, to the workbook's problems, which are raised)."""
    if cells is None:
        return
    found = InputErrors()
    _unheaded_values(spec, cells, found, history.file)
    table = read_table(spec, cells, found, file=history.file or None, optional=True)
    if table is None:
        errors.extend(found)
        return
    ids = {int(r): v for r, v in zip(table.rows, table.columns["provider_id"], strict=True)}
    for error in found:
        row = error.location.row if error.location else None
        provider_id = ids.get(row) if row is not None else None
        if provider_id:
            history.problems.setdefault(provider_id.casefold(), []).append(error)
        else:
            errors.add(error)
    for record in table.records():
        row = int(record.pop(ROW))
        yield row, record


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


def history_of(
    providers: Sequence[ProviderHistory],
    frameworks: Mapping[str, MonitoringFramework],
    stages: ComplianceScheme,
    *,
    file: str = "",
) -> History:
    """A history holding these providers' models, as if read from a file that has them
    (for the sample history, and for tests)."""
    by_sheet = {f"{ROUNDS_PREFIX}{f.name}": f for f in frameworks.values()}
    history = History(file=file, stages=stages, frameworks=dict(frameworks))
    history.sheets = {
        s: f
        for s, f in by_sheet.items()
        if any(r.framework == f.name for p in providers for r in p.rounds)
    }
    rows: dict[str, list[list[Any]]] = {s: [] for s in history.sheets}
    rows.update({t.sheet: [] for t in HISTORY_TABLES})
    for p in sorted(providers, key=lambda h: h.provider_id.casefold()):
        for r in sorted(p.rounds, key=lambda r: r.number):
            framework = frameworks[r.framework]
            rows[f"{ROUNDS_PREFIX}{framework.name}"].append(round_row(r, framework))
        rows[KPI_HISTORY.sheet] += [model_row(KPI_HISTORY, k) for k in p.kpis]
        rows[ACTION_HISTORY.sheet] += [model_row(ACTION_HISTORY, a) for a in p.actions]
        rows[COMPLIANCE_LOG.sheet] += [
            model_row(COMPLIANCE_LOG, e, provider_id=p.provider_id) for e in p.compliance
        ]
        if p.baseline is not None:
            rows[BASELINES.sheet].append(model_row(BASELINES, p.baseline))
    history.rows = rows
    history.numbers = {s: list(range(FIRST_ROW, FIRST_ROW + len(r))) for s, r in rows.items()}
    _index(history)
    _check_rows(history)
    return history
