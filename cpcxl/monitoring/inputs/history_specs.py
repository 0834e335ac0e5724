"""The history workbook's tables: one TableSpec for each sheet, used to write it and to read
it back, and how a row of cells becomes a model.

The history (``cpcxl monitoring batch --history HISTORY.xlsx``) has one row per provider per
round on a *Rounds <framework>* sheet (one sheet per framework, whose columns are that
framework's domains), the detail of each round on *KPIs*, *Actions* and *Compliance log*, and
*Baselines*, the one sheet an officer fills in: the round each provider's progress is
measured from (CPC 424 C1). Every sheet is one :class:`~cpcxl.common.inputs.TableSpec`, used
to write it and to read it back.

No file access here, and no workbook library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cpcxl.common.fields import Choice, Date, Text, Whole
from cpcxl.common.inputs import Column, TableSpec

from ..models import (
    ActionKind,
    ActionStatus,
    MonitoringFramework,
    Responsible,
    RoundRecord,
)
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


@dataclass(frozen=True)
class CarriedFrom(Text):
    """Where a rating carried forward was given: the round's label and its date, as
    "2025-10, 13/07/2025" (the date decides whether it is too old to carry further)."""

    what: str = "a round and its date, e.g. 2025-10, 13/07/2025"

    def parse(self, value: Any) -> tuple[str, dt.date | None]:  # type: ignore[override]
        text = super().parse(value)
        label, _, day = text.rpartition(",")
        if not label.strip():
            return text, None
        return label.strip(), Date().parse(day.strip())


def carried_text(round_label: str, day: dt.date | None) -> str:
    """The Rounds sheet's "carried from" cell: the round, and its date when known."""
    if not round_label:
        return ""
    return f"{round_label}, {day:%d/%m/%Y}" if day else round_label


CARRIED = CarriedFrom()
_SPECS: dict[int, tuple[MonitoringFramework, TableSpec]] = {}


def rounds_spec(framework: MonitoringFramework) -> TableSpec:
    """The Rounds sheet of one framework: a provider's round per row, its domains' scores
    and ratings (and the round a rating carried forward was given in), overall, KPI counts,
    open requirements and the compliance stage."""
    found = _SPECS.get(id(framework))
    if found is not None and found[0] is framework:
        return found[1]
    spec = _rounds_spec(framework)
    if len(_SPECS) > 16:
        _SPECS.clear()
    _SPECS[id(framework)] = (framework, spec)
    return spec


def _rounds_spec(framework: MonitoringFramework) -> TableSpec:
    domains: list[Column] = []
    for i, name in enumerate(framework.domain_names()):
        domains += [
            Column(f"d{i}_pct", f"{name} (%)", DOMAIN_SCORE, blank=True, width=10),
            Column(f"d{i}_rating", f"{name} rating", required=False, default="", width=20),
            Column(f"d{i}_from", f"{name} carried from", CARRIED, required=False, width=22),
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
