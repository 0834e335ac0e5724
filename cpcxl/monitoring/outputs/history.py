"""The history workbook's sheets after this round, as rows in the columns of the table
specifications that read it back (:mod:`cpcxl.monitoring.inputs.history_specs`).

Every provider's rows are written back as they were read; a provider with a return this
round has its round added (or, run again, its latest round replaced), and the compliance
changes it brought added to the log. Nothing else changes, and no earlier round is lost:
:func:`history_tables` refuses to give sheets that would lose one. Pure data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cpcxl.common import formats
from cpcxl.common.errors import CpcxlError
from cpcxl.common.fields import Date, Number
from cpcxl.common.fields import cached_choice_key as choice_key
from cpcxl.common.inputs import TableSpec

from .. import engine
from ..inputs import (
    ABOUT_SHEET,
    ACTION_HISTORY,
    BASELINES,
    COMPLIANCE_LOG,
    HISTORY_TABLES,
    KPI_HISTORY,
    History,
    model_row,
    round_row,
    rounds_sheet,
    rounds_spec,
)
from ..models import MonitoringFramework


@dataclass(frozen=True)
class HistoryTable:
    """One sheet of the history: its table's spec, title, a note, and its rows of values in
    the spec's column order."""

    spec: TableSpec
    title: str
    note: str
    rows: Sequence[Sequence[Any]]
    formats: Mapping[int, str] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return self.spec.headers

    @property
    def widths(self) -> list[float]:
        return [c.width or max(10.0, min(len(c.header) + 2.0, 30.0)) for c in self.spec.columns]


class HistoryLost(CpcxlError):
    """The history about to be written would not hold a round the old one had."""


ABOUT = (
    "This workbook is the history of monitoring rounds that `cpcxl monitoring batch --history` "
    "reads and updates: one row per provider per round on a Rounds sheet (one for each "
    "framework), each round's KPIs and open actions, and the audit trail of compliance stages.",
    "cpcxl rewrites it whole at each run (atomically: it is never left half-written) and "
    "never drops an earlier round; a rerun of a provider's latest round replaces that round. "
    "A change someone made to a cell is kept; formatting and notes are not, so keep notes in "
    "a workbook of your own (a sheet cpcxl does not know stops the run, so nothing is lost).",
    "Baselines is yours: the round each provider's progress is measured from (CPC 424 C1). "
    "A provider with no row there is measured from its first round.",
    "The Compliance log is never rewritten: each change of stage is kept as first recorded, "
    "with who decided, when and why (CPC 306 C).",
)
ABOUT_NAME = ABOUT_SHEET


def about_rows(round_label: str, as_at: dt.date) -> list[list[str]]:
    return [[p] for p in ABOUT] + [
        [f"Last updated by round {round_label}, as at {as_at:%d/%m/%Y}."]
    ]


def _formats(spec: TableSpec) -> dict[int, str]:
    found = {}
    for i, c in enumerate(spec.columns):
        kind = c.type
        if isinstance(kind, Date):
            found[i] = formats.DATE_UK
        elif isinstance(kind, Number) and not getattr(kind, "whole", False):
            found[i] = "0.0" if c.header.endswith("(%)") else "#,##0.##"
    return found


def _column(spec: TableSpec, name: str) -> int:
    return [c.field for c in spec.columns].index(name)


@dataclass(frozen=True)
class NewRound:
    """A provider's round as the history's rows (in cell form, by sheet), and the framework
    it was monitored under: what a batch's worker hands back to be written (plain values
    cross to the parent in a seventh of the time its models would: 23 against 160
    microseconds a provider, pickled and unpickled)."""

    provider_id: str
    framework: str
    rows: Mapping[str, list[list[Any]]]


def new_round(rows: engine.RoundRows, framework: MonitoringFramework) -> NewRound:
    """A provider's round (``rows``, monitored under ``framework``) as the history's rows."""
    pid = rows.round.provider_id
    return NewRound(
        pid,
        framework.name,
        {
            rounds_sheet(framework.name): [round_row(rows.round, framework)],
            KPI_HISTORY.sheet: [model_row(KPI_HISTORY, k) for k in rows.kpis],
            ACTION_HISTORY.sheet: [model_row(ACTION_HISTORY, a) for a in rows.actions],
            COMPLIANCE_LOG.sheet: [
                model_row(
                    COMPLIANCE_LOG,
                    e,
                    provider_id=pid,
                    recorded_from=e.recorded_from
                    or (engine.BATCH_RECORDED_FROM if e.source == "batch" else ""),
                )
                for e in rows.compliance
            ],
        },
    )


def _merged(
    spec: TableSpec, old: list[list[Any]], new: list[list[Any]], round_label: str
) -> list[list[Any]]:
    """One provider's rows of one sheet after this round (see the module docstring)."""
    if spec is BASELINES:
        return old
    if spec is COMPLIANCE_LOG:
        stage, entered = _column(spec, "stage"), _column(spec, "entered")
        at, source = _column(spec, "round"), _column(spec, "recorded_from")
        # a person's change is kept as first recorded; the batch's own closures of this round
        # went with its earlier run of it (this run makes them again if they still hold)
        label = choice_key(round_label)
        old = [
            r
            for r in old
            if not (r[source] == engine.BATCH_RECORDED_FROM and choice_key(r[at] or "") == label)
        ]
        known = {(choice_key(r[stage]), r[entered]) for r in old}
        added = []
        for row in new:
            key = (choice_key(row[stage]), row[entered])
            if key not in known:
                known.add(key)
                added.append(row)
        return old + added
    label = choice_key(round_label)
    at = _column(spec, "round")
    return [r for r in old if choice_key(r[at]) != label] + new


def history_tables(
    history: History,
    new: Mapping[str, NewRound],
    frameworks: Mapping[str, MonitoringFramework],
    *,
    round_label: str,
) -> list[HistoryTable]:
    """Every sheet of the history after this round (after About): a Rounds sheet for each
    framework with rounds, then KPIs, Actions, Compliance log and Baselines; providers in ID
    order. ``new``: this round's rows, by provider key (the ID case folded); ``frameworks``
    holds each of their frameworks."""
    added = {key: r.rows for key, r in new.items()}
    keys = sorted(set(history.provider_keys()) | set(added))
    used = set(history.sheets) | {s for rows in added.values() for s in rows if rows[s]}
    names = sorted(f for f in frameworks if rounds_sheet(f) in used)
    specs = [rounds_spec(frameworks[f]) for f in names] + list(HISTORY_TABLES)
    lost: list[str] = []
    tables = []
    for spec in specs:
        rows: list[list[Any]] = []
        old_rows = history.rows.get(spec.sheet, [])
        for key in keys:
            old = [old_rows[i] for i in history.spans.get(key, {}).get(spec.sheet, ())]
            if key not in added:
                rows += old
                continue
            merged = _merged(spec, old, added[key].get(spec.sheet, []), round_label)
            if spec.sheet.startswith("Rounds "):
                lost += _lost(spec, old, merged, round_label)
            rows += merged
        tables.append(HistoryTable(spec, _title(spec), _note(spec), rows, _formats(spec)))
    if lost:
        raise HistoryLost(
            f"the history was not written: it would lose {len(lost)} earlier rounds "
            f"({', '.join(lost[:5])}); this is a fault in cpcxl, please report it"
        )
    return tables


def _lost(spec: TableSpec, old: list[list[Any]], merged: list[list[Any]], label: str) -> list[str]:
    at = _column(spec, "round")
    have = {choice_key(r[at]) for r in merged}
    return [
        f"{r[0]} {r[at]}"
        for r in old
        if choice_key(r[at]) not in have and choice_key(r[at]) != choice_key(label)
    ]


def _title(spec: TableSpec) -> str:
    if spec.sheet.startswith("Rounds "):
        return f"Monitoring rounds: the {spec.sheet[len('Rounds ') :]} framework"
    return {
        KPI_HISTORY.sheet: "KPIs at each round",
        ACTION_HISTORY.sheet: "Requirements and recommendations at each round",
        COMPLIANCE_LOG.sheet: "Compliance log: the audit trail of compliance stages (CPC 306 C)",
        BASELINES.sheet: "Baselines: the round each provider's progress is measured from "
        "(CPC 424 C1)",
    }[spec.sheet]


def _note(spec: TableSpec) -> str:
    if spec.sheet.startswith("Rounds "):
        return (
            "One row per provider per round. A rating carried forward names the round it was "
            "given in, and that round's date."
        )
    if spec is BASELINES:
        return (
            "Fill in a row for a provider to measure it from a round other than its first "
            "(type the round's label as the Rounds sheet has it)."
        )
    return spec.title
