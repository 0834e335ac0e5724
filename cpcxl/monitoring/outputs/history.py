"""The history workbook's sheets as rows, in the columns of the same table specifications
that read it back (:mod:`cpcxl.monitoring.inputs.history`). Pure data, no file access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cpcxl.common import formats
from cpcxl.common.fields import Date, Number
from cpcxl.common.inputs import TableSpec

from ..inputs.history import (
    ABOUT_SHEET,
    ACTION_HISTORY,
    BASELINES,
    COMPLIANCE_LOG,
    KPI_HISTORY,
    rounds_spec,
)
from ..models import MonitoringFramework, ProviderHistory


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


def _row(spec: TableSpec, values: Mapping[str, Any]) -> list[Any]:
    out = []
    for c in spec.columns:
        value = values.get(c.field)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif value is not None and not isinstance(value, str | int | float | dt.date):
            value = str(value)
        out.append(None if value == "" else value)
    return out


def history_tables(
    providers: Iterable[ProviderHistory], frameworks: Mapping[str, MonitoringFramework]
) -> list[HistoryTable]:
    """Every sheet of the history (after About): a Rounds sheet for each framework that has
    rounds, then KPIs, Actions, Compliance log and Baselines; providers in ID order, each
    provider's rounds in order."""
    ordered = sorted(providers, key=lambda h: h.provider_id.casefold())
    rounds: dict[str, list[list[Any]]] = {}
    kpis, actions, log, baselines = [], [], [], []
    for history in ordered:
        order = {r.round: r.number for r in history.rounds}
        for record in sorted(history.rounds, key=lambda r: r.number):
            framework = frameworks[record.framework]
            spec = rounds_spec(framework)
            values = record.model_dump()
            by_name = {d.domain: d for d in record.domains}
            for i, name in enumerate(framework.domain_names()):
                d = by_name.get(name)
                if d is not None:
                    values.update(
                        {
                            f"d{i}_pct": d.percentage,
                            f"d{i}_rating": d.rating,
                            f"d{i}_from": d.from_round,
                            f"d{i}_from_date": d.from_date,
                        }
                    )
            rounds.setdefault(framework.name, []).append(_row(spec, values))
        for k in sorted(history.kpis, key=lambda k: order.get(k.round, 0)):
            kpis.append(_row(KPI_HISTORY, k.model_dump()))
        for a in sorted(history.actions, key=lambda a: order.get(a.round, 0)):
            actions.append(_row(ACTION_HISTORY, a.model_dump()))
        for e in history.compliance:
            values = {**e.model_dump(), "provider_id": history.provider_id}
            if not values["recorded_from"]:
                values["recorded_from"] = "cpcxl batch" if e.source == "batch" else e.source
            log.append(_row(COMPLIANCE_LOG, values))
        if history.baseline is not None:
            baselines.append(_row(BASELINES, history.baseline.model_dump()))
    tables = []
    for name in sorted(rounds):
        spec = rounds_spec(frameworks[name])
        tables.append(
            HistoryTable(
                spec,
                f"Monitoring rounds: the {name} framework",
                "One row per provider per round. A rating carried forward names the round it "
                "was given in.",
                rounds[name],
                _formats(spec),
            )
        )
    tables += [
        HistoryTable(
            KPI_HISTORY, "KPIs at each round", KPI_HISTORY.title, kpis, _formats(KPI_HISTORY)
        ),
        HistoryTable(
            ACTION_HISTORY,
            "Requirements and recommendations at each round",
            ACTION_HISTORY.title,
            actions,
            _formats(ACTION_HISTORY),
        ),
        HistoryTable(
            COMPLIANCE_LOG,
            "Compliance log: the audit trail of compliance stages (CPC 306 C)",
            COMPLIANCE_LOG.title,
            log,
            _formats(COMPLIANCE_LOG),
        ),
        HistoryTable(
            BASELINES,
            "Baselines: the round each provider's progress is measured from (CPC 424 C1)",
            "Fill in a row for a provider to measure it from a round other than its first "
            "(type the round's label as the Rounds sheet has it).",
            baselines,
            _formats(BASELINES),
        ),
    ]
    return tables


#: The About sheet's name, for the writer.
ABOUT_NAME = ABOUT_SHEET
