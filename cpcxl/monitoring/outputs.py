"""The monitoring summary (one per provider) and the portfolio workbook (overview, rating
distribution and monitoring plan), described as SheetOutputs: pure data, no file access.

The Build summary button renders them into the open workbook (xlwings); the batch writes
them to files with XlsxWriter (:mod:`cpcxl.monitoring.workbook.summaries`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.inputs import column_letter
from cpcxl.common.report import Block, SheetOutput, stack

from . import engine
from .models import NOT_APPLICABLE
from .schemes import BUILT_IN


def _s(value: Any) -> str | None:
    return str(value) if value is not None else None


# --- the summary ----------------------------------------------------------------------------

RATING_FILLS = (formats.RED, formats.AMBER, formats.GREEN, "9BC2E6")
RAG_FILLS = {engine.RED: formats.RED, engine.AMBER: formats.AMBER, engine.GREEN: formats.GREEN}

DEFAULT_CHALLENGE = (
    "If the provider disagrees with the outcome of this monitoring, it may challenge it. "
    "Write to the contracts team within 28 days of receiving this summary, saying which "
    "findings are challenged and why, with any evidence. A manager who took no part in this "
    "monitoring will review the findings and reply in writing within 28 days. The challenge "
    "does not delay action on safeguarding concerns, and does not affect the disputes "
    "procedure in the contract."
)


@dataclass(frozen=True)
class ReportSettings:
    """What an organisation sets once: its name, the protective marking, its challenge text.

    Every default is a local choice to set: the name is a placeholder; the marking follows
    the Government Security Classifications Policy (Cabinet Office); the challenge text's
    28 days are cpcxl's, for CPC 305 C8 / P31 ask for a procedure, not its timescale.
    """

    organisation: str = "The commissioning organisation"
    marking: str = "OFFICIAL-SENSITIVE"
    challenge_text: str = DEFAULT_CHALLENGE


#: The settings when an organisation has set none.
DEFAULT_SETTINGS = ReportSettings()


def _fill(level: int | None) -> str | None:
    return RATING_FILLS[level] if level is not None and level >= 0 else None


def summary_outputs(
    result: engine.ProviderResult, settings: ReportSettings = DEFAULT_SETTINGS
) -> list[SheetOutput]:
    """The monitoring summary as sheets: Summary, Evidence and Action plan."""
    ret, d, fw = result.ret, result.ret.details, result.framework
    period = " to ".join(f"{x:%d/%m/%Y}" for x in (d.period_start, d.period_end) if x)
    details: list[list[Any]] = [
        ["Provider", d.provider_name],
        ["Provider ID", d.provider_id],
        ["Provider type", _s(d.provider_type) or ""],
        ["Service", d.service],
        ["Contract", d.contract_reference],
        ["Annual contract value", f"£{d.contract_value:,.0f}" if d.contract_value else ""],
        ["Monitoring period", period],
        ["Date of monitoring", d.monitoring_date],
        ["Monitoring activity", _s(d.activity) or ""],
        ["Lead officer", d.lead_officer],
        ["Framework", f"{fw.name}: {fw.description}"],
        [
            "Who took part",
            "; ".join(
                p.role + (f" ({p.organisation})" if p.organisation else "")
                for p in ret.participants
            )
            or "Not recorded",
        ],
        ["Monitored by", settings.organisation],
    ]
    overall: list[list[Any]] = [
        ["Overall rating", "Overall score (%)", "Previous rating", "Trend", "How it was decided"],
        [
            result.overall.label,
            result.overall_percentage,
            d.previous_overall or "None recorded",
            result.overall_trend,
            "; ".join(result.overall.reasons),
        ],
    ]
    # Domain and score side by side: the chart's categories and values, in any runtime.
    domains: list[list[Any]] = [
        [
            "Domain",
            "Score (%)",
            "Rating",
            "Statements scored",
            "Previous score (%)",
            "Trend",
            "Note",
        ]
    ]
    domain_fills = {}
    for i, x in enumerate(result.domains, start=1):
        domains.append(
            [
                x.domain,
                x.percentage,
                x.rating,
                x.statements_scored,
                x.previous_percentage,
                x.trend,
                x.note,
            ]
        )
        if (colour := _fill(x.level)) is not None:
            domain_fills[(i, 2)] = colour
    kpis: list[list[Any]] = [
        ["KPI", "Unit", "Target", "Actual", "Higher is better", "Tolerance", "RAG"]
    ]
    kpi_fills = {}
    for i, k in enumerate(result.kpis, start=1):
        kpis.append(
            [
                k.kpi.name,
                k.kpi.unit,
                k.kpi.target,
                k.kpi.actual,
                "Yes" if k.kpi.higher_is_better else "No",
                k.kpi.tolerance,
                k.rag,
            ]
        )
        kpi_fills[(i, 6)] = RAG_FILLS[k.rag]
    if len(kpis) == 1:
        kpis.append(["No KPIs recorded", "", None, None, "", None, ""])
    urgent: list[list[Any]] = [
        [
            "Concern needing immediate action",
            "Issue type",
            "Date raised",
            "Escalated to",
            "Action taken",
        ]
    ]
    urgent += [
        [i.description, _s(i.issue_type) or "", i.raised, str(i.escalated_to), i.action_taken]
        for i in result.safeguarding
    ] or [["None recorded", "", None, "", ""]]
    escalations: list[list[Any]] = [
        ["Escalated concern", "Escalated to", "Date raised", "Safeguarding"]
    ]
    escalations += [
        [i.description, str(i.escalated_to), i.raised, "Yes" if i.safeguarding else "No"]
        for i in result.escalations
    ] or [["None", "", None, ""]]
    issues: list[list[Any]] = [
        ["Issue or concern", "Issue type", "Non-compliance with", "Safeguarding", "Escalated to"]
    ]
    issues += [
        [
            i.description,
            _s(i.issue_type) or "",
            _s(i.non_compliance) or "",
            "Yes" if i.safeguarding else "No",
            str(i.escalated_to),
        ]
        for i in ret.issues
    ] or [["None recorded", "", "", "", ""]]
    required: list[list[Any]] = [
        ["Improvement required", "Responsible", "Due date", "Timescale (days)", "Status"]
    ]
    required += [
        [a.action, str(a.responsible), a.due, _days(d.monitoring_date, a.due), str(a.status)]
        for a in result.requirements
    ] or [["No improvements are required", "", None, None, ""]]
    recommended: list[list[Any]] = [["Recommendation", "Responsible", "Suggested by", "Status"]]
    recommended += [
        [a.action, str(a.responsible), a.due, str(a.status)] for a in result.recommendations
    ] or [["No recommendations", "", None, ""]]
    challenge = [[line] for line in _wrap(settings.challenge_text, 95)]
    chart_space: list[list[Any]] = [[None]] * CHART_ROWS
    notes = (
        [Block([[n] for n in ret.notes], header=False, title="Notes on reading the return")]
        if ret.notes
        else []
    )
    blocks = stack(
        Block(details, header=False, title=f"Monitoring summary: {d.provider_name}", formats={}),
        Block(overall, title="Overall rating", fills=_overall_fill(result), formats={1: "0.0"}),
        Block(
            domains,
            title="Scores and ratings by domain",
            fills=domain_fills,
            formats={1: "0.0", 4: "0.0"},
        ),
        Block(chart_space, header=False),
        Block(
            kpis, title="Key performance indicators", fills=kpi_fills, formats={5: formats.PERCENT}
        ),
        Block(
            urgent,
            title="Concerns that need immediate action (safeguarding)",
            formats={2: formats.DATE_UK},
        ),
        Block(escalations, title="Escalations", formats={2: formats.DATE_UK}),
        Block(issues, title="Issues and concerns raised"),
        Block(
            required,
            title="Improvements required (requirements of the contract)",
            formats={2: formats.DATE_UK, 3: "0"},
        ),
        Block(
            recommended,
            title="Recommendations (advice; not contractual requirements)",
            formats={2: formats.DATE_UK},
        ),
        Block(challenge, header=False, title="The provider's right to challenge this outcome"),
        *notes,
    )
    summary = SheetOutput(
        "Summary",
        blocks,
        widths={"A": 40, "B": 20, "C": 16, "D": 22, "E": 20, "F": 16, "G": 16},
    )
    evidence: list[list[Any]] = [
        ["Domain", "Statement", "Score", "Evidence", "Evidence type", "Source"]
    ]
    evidence += [
        [
            s.domain,
            s.statement,
            s.score if s.score is not None else NOT_APPLICABLE,
            s.evidence,
            _s(s.evidence_type) or "",
            s.source,
        ]
        for s in ret.scores
    ]
    who: list[list[Any]] = [["Who took part", "Organisation", "Level of involvement"]]
    who += [[p.role, p.organisation, _s(p.involvement) or ""] for p in ret.participants] or [
        ["Not recorded", "", ""]
    ]
    evidence_blocks = stack(
        Block(evidence, title="Evidence of performance and its sources"),
        Block(who, title="Who took part"),
    )
    # who took part goes under the evidence, beside its Evidence column
    evidence_blocks[1] = dataclasses.replace(evidence_blocks[1], column=4)
    evidence_sheet = SheetOutput(
        "Evidence",
        evidence_blocks,
        widths={"A": 16, "B": 36, "C": 8, "D": 50, "E": 24, "F": 30},
    )
    plan: list[list[Any]] = [
        [
            "Action",
            "Requirement or recommendation",
            "Action type",
            "Responsible",
            "Due date",
            "Status",
            "Overdue",
        ]
    ]
    overdue = {id(a) for a in result.overdue}
    plan += [
        [
            a.action,
            str(a.kind),
            _s(a.action_type) or "",
            str(a.responsible),
            a.due,
            str(a.status),
            "Yes" if id(a) in overdue else "No",
        ]
        for a in ret.actions
    ] or [["No actions agreed", "", "", "", None, "", ""]]
    plan_fills = {
        (i, 6): formats.RED for i, a in enumerate(ret.actions, start=1) if id(a) in overdue
    }
    plan_sheet = SheetOutput(
        "Action plan",
        stack(
            Block(
                plan,
                title=f"Action plan agreed with {d.provider_name}",
                formats={4: formats.DATE_UK},
                fills=plan_fills,
            )
        ),
        widths={"A": 50, "B": 18, "C": 26, "D": 22, "E": 12, "F": 14, "G": 10},
    )
    return [summary, evidence_sheet, plan_sheet]


CHART_ROWS = 16


def _overall_fill(result: engine.ProviderResult) -> dict[tuple[int, int], str]:
    colour = _fill(result.overall.level)
    return {(1, 0): colour} if colour else {}


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days if start and end else None


def _wrap(text: str, width: int) -> list[str]:
    """Paragraph text as lines of about ``width`` characters, so it prints on A4."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def domain_block(outputs: list[SheetOutput]) -> Block:
    return outputs[0].blocks[2]


# --- the portfolio overview and the monitoring plan ---------------------------------------

PORTFOLIO_FIRST = (
    "Provider ID",
    "Provider name",
    "Provider type",
    "Overall rating",
    "Previous rating",
    "Trend",
    "Safeguarding concerns",
    "Escalations",
    "KPI reds",
    "Overdue actions",
    "Requirements",
    "Overall score (%)",
    "Lowest domain",
    "Lowest score (%)",
)
PORTFOLIO_LAST = (
    "Contract value (£)",
    "Monitoring date",
    "Framework",
    "Why",
    "Return file",
    "Summary status",
)
#: What the overview's Summary status column says of each summary in the output folder:
#: up to date (written from its return as it is now, this run or an earlier one), or out of
#: date and why.
UP_TO_DATE = "Up to date"
RETURN_CHANGED = "Out of date: its return has changed (--overwrite rebuilds it)"
NO_RECORD = "Out of date: no record of its return (--overwrite rebuilds it)"
NO_RETURN = "Out of date: no return read for it in this run"


def portfolio_outputs(
    frame: Any,
    plan: Any,
    capacity: engine.PlanCapacity,
    *,
    failed: int = 0,
    stale: int = 0,
    as_at: dt.date,
    settings: ReportSettings = DEFAULT_SETTINGS,
) -> list[SheetOutput]:
    """The overview (most concerning first), the rating distribution and the plan."""
    # Built-in frameworks' domains in their own order, then any others alphabetically, so
    # the columns do not depend on which return a worker happened to finish first.
    known = [f"{d} (%)" for f in BUILT_IN for d in f.domain_names()]
    found = {c for c in frame.columns if c.endswith(" (%)") and c not in PORTFOLIO_FIRST}
    domain_columns = [c for c in known if c in found] + sorted(found - set(known))
    columns = [*PORTFOLIO_FIRST, *domain_columns, *PORTFOLIO_LAST]
    shown = frame.reindex(columns=columns) if not frame.empty else pd.DataFrame(columns=columns)
    values = [columns] + [list(r) for r in shown.itertuples(index=False, name=None)]
    values = [[_cell(v) for v in row] for row in values]
    rating_col = columns.index("Overall rating")
    fills = {
        (i, rating_col): RATING_FILLS[level]
        for i, level in enumerate(frame["_level"].tolist() if not frame.empty else [], start=1)
        if level >= 0  # Not rated has no colour
    }
    column_formats = {columns.index(c): "0.0" for c in columns if c.endswith("(%)")}
    column_formats[columns.index("Contract value (£)")] = formats.GBP
    column_formats[columns.index("Monitoring date")] = formats.DATE_UK
    heading = [
        [f"{len(frame)} providers, most concerning first. As at {as_at:%d/%m/%Y}."],
        [
            f"Returns that could not be read: {failed} (listed in errors.csv)."
            + (f" Summaries out of date: {stale} (see Summary status)." if stale else "")
        ],
    ]
    overview = SheetOutput(
        "Overview",
        [
            Block(
                heading, row=2, header=False, title=f"Portfolio overview: {settings.organisation}"
            ),
            Block(values, row=5, formats=column_formats, fills=fills),
        ],
        widths={column_letter(i + 1): _width(c) for i, c in enumerate(columns)},
        freeze="C6",
    )
    used = set(frame["Framework"]) if not frame.empty else set()
    bands = [(i, b.label) for f in BUILT_IN if f.name in used for i, b in enumerate(f.bands)]
    distribution = engine.rating_distribution(frame, bands)
    dist_values: list[list[Any]] = [["Overall rating", "Providers"]] + [
        [r, int(n)] for r, n in distribution.itertuples(index=False, name=None)
    ]
    ratings = SheetOutput(
        "Ratings",
        [Block(dist_values, row=2, title="Providers by overall rating")],
        widths={"A": 24, "B": 12},
    )
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
        + [[_cell(v) for v in r] for r in plan.itertuples(index=False, name=None)]
        if not plan.empty
        else [["No providers"]]
    )
    plan_formats = (
        {4: formats.GBP, 6: "0", 7: "#,##0", 8: formats.DATE_UK} if not plan.empty else {}
    )
    plan_sheet = SheetOutput(
        "Monitoring plan",
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
    return [overview, ratings, plan_sheet]


def _width(header: str) -> float:
    wide = {
        "Provider name": 40,
        "Provider type": 32,
        "Overall rating": 22,
        "Previous rating": 22,
        "Trend": 18,
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


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
