"""The portfolio workbook as SheetOutputs: the Overview a manager prints, the Full overview,
the Ratings of each framework on its own scale, and the Monitoring plan. Pure data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.inputs import column_letter
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from ..models import MonitoringFramework
from ..schemes import BUILT_IN
from .report import DEFAULT_SETTINGS, RATING_FILLS, ReportSettings, cell

PORTFOLIO_FIRST = (
    "Provider ID",
    "Provider name",
    "Provider type",
    "Service",
    "Overall rating",
    "Previous rating",
    "Trend",
    "Compliance stage",
    "Stage check",
    "Top concern",
    "Safeguarding concerns",
    "Escalations",
    "KPI reds",
    "Overdue actions",
    "Overdue two rounds",
    "Requirements",
    "Overall score (%)",
    "Lowest domain",
    "Lowest score (%)",
)
PORTFOLIO_LAST = (
    "Contract value (£)",
    "Monitoring date",
    "Next visit due",
    "Framework",
    "Round",
    "Why",
    "Return file",
    "Summary status",
)
#: The columns a manager reads, on the Overview that prints on one landscape A4 width.
PRINTED = (
    ("Provider", 34),
    ("Service", 20),
    ("Rating", 21),
    ("Trend", 11),
    ("Stage", 22),
    ("Top concern", 44),
    ("Next visit", 11),
)
#: The printed Overview's narrower words for a trend (its column is eleven wide).
PRINTED_TREND = {engine.NO_PREVIOUS: "No previous"}
OVERVIEW = "Overview"
FULL_OVERVIEW = "Full overview"
RATINGS = "Ratings"
PLAN = "Monitoring plan"
#: The sheets of portfolio.pdf: what prints well (the Full overview is for the screen).
PRINTED_SHEETS = (OVERVIEW, RATINGS, PLAN)
#: What the overview's Summary status column says of each summary in the output folder:
#: up to date (written from its return as it is now, this run or an earlier one), or out of
#: date and why.
UP_TO_DATE = "Up to date"
RETURN_CHANGED = "Out of date: its return has changed (--overwrite rebuilds it)"
HISTORY_CHANGED = "Out of date: its history has changed (--overwrite rebuilds it)"
NO_RECORD = "Out of date: no record of its return (--overwrite rebuilds it)"
NO_RETURN = "Out of date: no return read for it in this run"
HEADER_ROW = 5


def portfolio_outputs(
    frame: Any,
    plan: Any,
    capacity: engine.PlanCapacity,
    *,
    failed: int = 0,
    stale: int = 0,
    as_at: dt.date,
    settings: ReportSettings = DEFAULT_SETTINGS,
    frameworks: Mapping[str, MonitoringFramework] | None = None,
    history_note: str = "",
) -> list[SheetOutput]:
    """The Overview (by compliance stage, then most concerning first, the columns a manager
    reads), the Full overview, the Ratings of each framework and the Monitoring plan."""
    frame = _with_next_visit(frame, plan)
    heading = [
        [
            f"{len(frame)} providers, by compliance stage and then most concerning first. "
            f"As at {as_at:%d/%m/%Y}."
        ],
        [
            f"Returns that could not be read: {failed} (listed in errors.csv)."
            + (f" Summaries out of date: {stale} (see Summary status)." if stale else "")
            + (f" {history_note}" if history_note else "")
        ],
    ]
    title = f"Portfolio overview: {settings.organisation}"
    return [
        _printed(frame, heading, title, as_at),
        _full(frame, heading, title),
        _ratings(frame, frameworks or {}),
        _plan(plan, capacity),
    ]


def _with_next_visit(frame: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or plan.empty:
        return frame.assign(**{"Next visit due": None}) if not frame.empty else frame
    due = dict(zip(plan["Provider ID"], plan["Next visit due"], strict=True))
    return frame.assign(**{"Next visit due": [due.get(p) for p in frame["Provider ID"]]})


def _fills(frame: pd.DataFrame, column: int) -> dict[tuple[int, int], str]:
    return {
        (i, column): RATING_FILLS[int(level)]
        for i, level in enumerate(frame["_level"].tolist() if not frame.empty else [], start=1)
        if level >= 0  # Not rated has no colour
    }


def _printed(
    frame: pd.DataFrame, heading: list[list[Any]], title: str, as_at: dt.date
) -> SheetOutput:
    """The Overview as it prints: one landscape A4 page wide, the header on every page; a
    next visit already due by the as-at date is shown amber."""
    header = [name for name, _ in PRINTED]
    rows: list[list[Any]] = [header]
    fills = _fills(frame, 2)
    for i, r in enumerate(frame.to_dict("records") if not frame.empty else [], start=1):
        stage = r.get("Compliance stage") or ""
        check = str(r.get("Stage check") or "")
        if stage and stage != "None" and check.startswith("Escalate"):
            stage = f"{stage}: escalate"
            fills[(i, 4)] = formats.RED
        visit = cell(r.get("Next visit due"))
        if isinstance(visit, dt.date) and visit <= as_at:
            fills[(i, 6)] = formats.AMBER
        rows.append(
            [
                f"{r['Provider name']} ({r['Provider ID']})",
                cell(r.get("Service")) or "",
                r["Overall rating"],
                PRINTED_TREND.get(str(r["Trend"]), r["Trend"]),
                "" if stage == "None" else stage,
                cell(r.get("Top concern")) or "",
                visit,
            ]
        )
    return SheetOutput(
        OVERVIEW,
        [
            Block(heading, row=2, header=False, title=title),
            Block(rows, row=HEADER_ROW, formats={6: formats.DATE_UK}, fills=fills),
        ],
        widths={column_letter(i + 1): w for i, (_, w) in enumerate(PRINTED)},
        freeze=f"B{HEADER_ROW + 1}",
    )


def _full(frame: pd.DataFrame, heading: list[list[Any]], title: str) -> SheetOutput:
    """Every column of every provider, for filtering and sorting on screen."""
    # Built-in frameworks' domains in their own order, then any others alphabetically, so
    # the columns do not depend on which return a worker happened to finish first.
    known = [f"{d} (%)" for f in BUILT_IN for d in f.domain_names()]
    found = {c for c in frame.columns if c.endswith(" (%)") and c not in PORTFOLIO_FIRST}
    domain_columns = [c for c in known if c in found] + sorted(found - set(known))
    columns = [*PORTFOLIO_FIRST, *domain_columns, *PORTFOLIO_LAST]
    shown = frame.reindex(columns=columns) if not frame.empty else pd.DataFrame(columns=columns)
    values = [columns] + [list(r) for r in shown.itertuples(index=False, name=None)]
    values = [[cell(v) for v in row] for row in values]
    column_formats = {columns.index(c): "0.0" for c in columns if c.endswith("(%)")}
    column_formats[columns.index("Contract value (£)")] = formats.GBP
    column_formats[columns.index("Monitoring date")] = formats.DATE_UK
    column_formats[columns.index("Next visit due")] = formats.DATE_UK
    return SheetOutput(
        FULL_OVERVIEW,
        [
            Block(heading, row=2, header=False, title=title),
            Block(
                values,
                row=HEADER_ROW,
                formats=column_formats,
                fills=_fills(frame, columns.index("Overall rating")),
            ),
        ],
        widths={column_letter(i + 1): _width(c) for i, c in enumerate(columns)},
        freeze=f"C{HEADER_ROW + 1}",
    )


#: Columns between one framework's ratings table and the next, on the Ratings sheet.
RATINGS_STEP = 4
RATINGS_CHART_ROWS = 18


def _ratings(frame: pd.DataFrame, frameworks: Mapping[str, MonitoringFramework]) -> SheetOutput:
    """Each framework's providers counted on its own scale, side by side (a chart under
    each, drawn by the writer): CQC's Outstanding and PAMMS's Excellent are not one band."""
    known = {f.name: f for f in BUILT_IN} | dict(frameworks)
    used = sorted(set(frame["Framework"]) if not frame.empty else set(), key=_framework_order)
    blocks = []
    for index, name in enumerate(used or [BUILT_IN[0].name]):
        framework = known.get(name)
        subset = frame[frame["Framework"] == name] if not frame.empty else frame
        bands = [(i, b.label) for i, b in enumerate(framework.bands)] if framework else []
        distribution = engine.rating_distribution(subset, bands)
        values: list[list[Any]] = [["Overall rating", "Providers"]] + [
            [r, int(n)] for r, n in distribution.itertuples(index=False, name=None)
        ]
        blocks.append(
            dataclasses.replace(
                Block(
                    values, title=f"The {name} framework ({int(distribution['Providers'].sum())})"
                ),
                row=3,
                column=1 + index * RATINGS_STEP,
            )
        )
    intro = Block(
        [["Each framework's providers on its own scale (its bands are not comparable)."]],
        row=1,
        header=False,
    )
    widths: dict[str, float] = {}
    for index in range(len(blocks)):
        first = 1 + index * RATINGS_STEP
        widths[column_letter(first)] = 24
        widths[column_letter(first + 1)] = 11
        widths[column_letter(first + 2)] = 4
    return SheetOutput(RATINGS, [intro, *blocks], widths=widths)


def _framework_order(name: str) -> tuple[int, str]:
    order = [f.name for f in BUILT_IN]
    return (order.index(name) if name in order else len(order), name)


def ratings_tables(output: SheetOutput) -> list[Block]:
    """The Ratings sheet's tables, one per framework (each has a chart under it)."""
    return [b for b in output.blocks if b.header]


def _plan(plan: pd.DataFrame, capacity: engine.PlanCapacity) -> SheetOutput:
    cap: list[list[Any]] = [
        ["Officer hours needed for proactive visits", capacity.hours_needed],
        [f"Margin for contingencies ({_pct(capacity)})", capacity.contingency_hours],
        ["Hours needed with the margin", capacity.hours_with_contingency],
        ["Officer hours available", capacity.hours_available],
        ["Hours to spare (negative: short)", capacity.spare],
        [
            "Is the plan realistic?",
            "Yes" if capacity.realistic else "No: add officer time or reduce visits",
        ],
    ]
    plan_values = (
        [list(plan.columns)]
        + [[cell(v) for v in r] for r in plan.itertuples(index=False, name=None)]
        if not plan.empty
        else [["No providers"]]
    )
    plan_formats = (
        {4: formats.GBP, 6: "0", 7: "#,##0", 8: formats.DATE_UK} if not plan.empty else {}
    )
    return SheetOutput(
        PLAN,
        stack(
            Block(
                cap,
                header=False,
                title="Monitoring plan for the next year (CPC 305 A): is it realistic?",
                formats={1: "#,##0"},
            ),
            Block(plan_values, title="Proactive visits by provider", formats=plan_formats),
        ),
        widths=dict(zip("ABCDEFGHIJ", (44, 42, 22, 18, 16, 14, 12, 12, 14, 44), strict=True)),
    )


def printed_only(outputs: Sequence[SheetOutput]) -> list[SheetOutput]:
    """The sheets of portfolio.pdf."""
    return [o for o in outputs if o.name in PRINTED_SHEETS]


def _width(header: str) -> float:
    wide = {
        "Provider name": 40,
        "Provider type": 32,
        "Service": 24,
        "Overall rating": 22,
        "Previous rating": 22,
        "Trend": 18,
        "Compliance stage": 26,
        "Stage check": 50,
        "Top concern": 44,
        "Why": 60,
        "Lowest domain": 24,
        "Return file": 24,
        "Summary status": 40,
    }
    return wide.get(header, max(10.0, min(len(header) * 0.8 + 2, 22)))


def _pct(capacity: engine.PlanCapacity) -> str:
    if not capacity.hours_needed:
        return "0%"
    return f"{capacity.contingency_hours / capacity.hours_needed:.0%}"
