"""The monitoring summary of one provider as SheetOutputs: Summary, Evidence, Action plan and
Compliance action. Pure data, no file access.

The Build summary button renders them into the open workbook (xlwings); the batch writes
them to files with XlsxWriter (:mod:`cpcxl.monitoring.workbook.summaries`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from ..models import NOT_APPLICABLE, ActionStatus
from .compliance import compliance_sheet
from .report import (
    DEFAULT_SETTINGS,
    RAG_FILLS,
    ReportSettings,
    block_titled,
    date_text,
    rating_fill,
    text_of,
    wrap,
)

#: Rows left under the domain table for its chart, and under the progress table for its two.
CHART_ROWS = 16
PROGRESS_CHART_ROWS = 15
DOMAINS_TITLE = "Scores and ratings by domain"
PROGRESS_TITLE = "Progress against the baseline"
NO_REASON = "No reason recorded (CPC 305 B6 asks for one)"
SUMMARY_WIDTHS = {"A": 40, "B": 20, "C": 16, "D": 22, "E": 20, "F": 16, "G": 16, "H": 14}


def summary_outputs(
    result: engine.ProviderResult,
    settings: ReportSettings = DEFAULT_SETTINGS,
    *,
    next_visit: dt.date | None = None,
) -> list[SheetOutput]:
    """The monitoring summary as sheets: Summary, Evidence, Action plan and Compliance
    action."""
    return [
        _summary(result, settings, next_visit),
        _evidence(result),
        _action_plan(result),
        compliance_sheet(result),
    ]


def _summary(
    result: engine.ProviderResult, settings: ReportSettings, next_visit: dt.date | None
) -> SheetOutput:
    ret, d, fw = result.ret, result.ret.details, result.framework
    period = " to ".join(f"{x:%d/%m/%Y}" for x in (d.period_start, d.period_end) if x)
    details: list[list[Any]] = [
        ["Provider", d.provider_name],
        ["Provider ID", d.provider_id],
        ["Provider type", text_of(d.provider_type) or ""],
        ["Service", d.service],
        ["Contract", d.contract_reference],
        ["Annual contract value", f"£{d.contract_value:,.0f}" if d.contract_value else ""],
        ["Monitoring period", period],
        ["Date of monitoring", d.monitoring_date],
        ["Monitoring activity", text_of(d.activity) or ""],
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
    compliance = result.compliance
    overall: list[list[Any]] = [
        [
            "Overall rating",
            "Overall score (%)",
            "Previous rating",
            "Trend",
            "How it was decided",
            "Compliance stage",
            "Next proactive visit",
        ],
        [
            result.overall.label,
            result.overall_percentage,
            result.previous_overall or "None recorded",
            result.overall_trend,
            "; ".join(result.overall.reasons),
            _stage_now(compliance),
            next_visit,
        ],
    ]
    overall_fills = {}
    if (colour := rating_fill(result.overall.level)) is not None:
        overall_fills[(1, 0)] = colour
    if compliance is not None and compliance.escalate:
        overall_fills[(1, 5)] = formats.RED
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
        if (colour := rating_fill(x.level)) is not None:
            domain_fills[(i, 2)] = colour
    chart_space: list[list[Any]] = [[None]] * CHART_ROWS
    blocks = [
        Block(details, header=False, title=_title(result), formats={}),
        Block(
            overall,
            title="Overall rating",
            fills=overall_fills,
            formats={1: "0.0", 6: formats.DATE_UK},
        ),
        Block(domains, title=DOMAINS_TITLE, fills=domain_fills, formats={1: "0.0", 4: "0.0"}),
        Block(chart_space, header=False),
    ]
    progress = _progress_block(result)
    if progress is not None:
        blocks.append(progress)
        if result.trajectory is not None:
            blocks.append(Block([[None]] * PROGRESS_CHART_ROWS, header=False))
    blocks += [
        _strengths_block(result),
        _kpi_block(result),
        *_issue_blocks(result),
        *_action_blocks(result),
        _not_scored_block(result),
        Block(
            [[line] for line in wrap(settings.challenge_text, 95)],
            header=False,
            title="The provider's right to challenge this outcome",
        ),
    ]
    if ret.notes or (compliance is not None and compliance.notes):
        notes = [*ret.notes, *(compliance.notes if compliance else ())]
        blocks.append(
            Block([[n] for n in notes], header=False, title="Notes on reading the return")
        )
    return SheetOutput("Summary", stack(*blocks), widths=SUMMARY_WIDTHS)


def _stage_now(compliance: engine.ComplianceResult | None) -> str:
    """The compliance stage in a few words (the Compliance action sheet says the rest)."""
    if compliance is None or compliance.check == engine.NO_ACTION:
        return "None"
    if compliance.check == engine.CLOSED:
        return f"Closed {compliance.entry.entered:%d/%m/%Y}" if compliance.entry else "Closed"
    if compliance.check == engine.ESCALATE:
        return f"{compliance.stage}: escalate"
    return compliance.stage


def _title(result: engine.ProviderResult) -> str:
    name = result.ret.details.provider_name
    return f"Monitoring summary: {name}" + (
        f", round {result.round_label}" if result.round_label else ""
    )


def _progress_block(result: engine.ProviderResult) -> Block | None:
    """The overall score, each domain and each KPI at the baseline, then at the last rounds
    (this one last), the change since the baseline and the direction since the previous
    round (CPC 424 A6, C1): with a history, or when the return gives KPI baselines. Read
    left to right it runs from the baseline to now; the chart under it draws the scores'
    rows, the baseline first."""
    path = result.trajectory
    kpis = [k for k in result.kpis if k.history is not None]
    if path is None and not any(k.history.baseline is not None for k in kpis if k.history):
        return None
    points = list(path.points) if path else []
    rounds = [p.label for p in points] if path else ["This round"]
    baseline = f"Baseline: {path.baseline.round}" if path else "Baseline"
    header = ["Measure", baseline, *rounds, "Change since baseline", "Since the previous round"]
    rows: list[list[Any]] = [header]
    fills: dict[tuple[int, int], str] = {}
    if path is not None:
        base = path.baseline
        rows.append(
            [
                "Overall score (%)",
                base.overall_percentage,
                *(p.overall_percentage for p in points),
                _change(result.overall_percentage, base.overall_percentage),
                result.overall_trend,
            ]
        )
        for dr in result.domains:
            then = base.domains.get(dr.domain)
            rows.append(
                [
                    f"{dr.domain} (%)",
                    then,
                    *(p.domains.get(dr.domain) for p in points),
                    _change(dr.percentage, then),
                    dr.trend,
                ]
            )
    for k in kpis:
        h = k.history
        assert h is not None
        if path is None and h.baseline is None:
            continue
        unit = f" ({k.kpi.unit})" if k.kpi.unit else ""
        values = list(h.values) if path else [k.kpi.actual]
        rows.append([f"{k.kpi.name}{unit}", h.baseline, *values, h.change, h.trend])
        for j, rag in enumerate(h.rags if path else (k.rag,)):
            if rag in RAG_FILLS:
                fills[(len(rows) - 1, 2 + j)] = RAG_FILLS[rag]
    n = len(rounds)
    number_formats = {i: "0.0" for i in range(1, n + 2)}  # the baseline and each round
    number_formats[n + 2] = "+0.0;-0.0;0.0"
    where = f"baseline {path.baseline.label}, {path.set_by}; " if path else ""
    title = f"{PROGRESS_TITLE} ({where}CPC 424 C1)"
    return Block(rows, title=title, formats=number_formats, fills=fills)


def _change(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _strengths_block(result: engine.ProviderResult) -> Block:
    rows: list[list[Any]] = [["Strength or good practice", "Domain", "From", "Evidence"]]
    rows += [[s.text, s.domain, s.source, s.evidence] for s in result.strengths] or [
        ["None recorded", "", "", ""]
    ]
    return Block(rows, title="Strengths and good practice (CPC 305 C1)")


def _kpi_block(result: engine.ProviderResult) -> Block:
    kpis: list[list[Any]] = [
        ["KPI", "Unit", "Target", "Actual", "Higher is better", "Tolerance", "RAG"]
    ]
    fills = {}
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
        fills[(i, 6)] = RAG_FILLS[k.rag]
    if len(kpis) == 1:
        kpis.append(["No KPIs recorded", "", None, None, "", None, ""])
    return Block(
        kpis, title="Key performance indicators", fills=fills, formats={5: formats.PERCENT}
    )


def _issue_blocks(result: engine.ProviderResult) -> list[Block]:
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
        [i.description, text_of(i.issue_type) or "", i.raised, str(i.escalated_to), i.action_taken]
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
            text_of(i.issue_type) or "",
            text_of(i.non_compliance) or "",
            "Yes" if i.safeguarding else "No",
            str(i.escalated_to),
        ]
        for i in result.ret.issues
    ] or [["None recorded", "", "", "", ""]]
    return [
        Block(
            urgent,
            title="Concerns that need immediate action (safeguarding)",
            formats={2: formats.DATE_UK},
        ),
        Block(escalations, title="Escalations", formats={2: formats.DATE_UK}),
        Block(issues, title="Issues and concerns raised"),
    ]


def age_text(age: engine.ActionAge | None, day: dt.date | None) -> str:
    """How long an action has been open, as the summary says it."""
    if age is None:
        return ""
    parts = []
    if age.rounds_open > 1:
        parts.append(f"{age.rounds_open} rounds")
        days = age.days_open(day)
        if days is not None:
            parts[-1] += f" ({days} days)"
    else:
        parts.append("this round")
    if age.rounds_overdue:
        parts.append(f"overdue {age.rounds_overdue} round{'s' if age.rounds_overdue > 1 else ''}")
    if age.carried:
        parts.append("not in this return")
    return "; ".join(parts)


def _raised(age: engine.ActionAge | None) -> str:
    if age is None or not age.first_round:
        return ""
    return f"{age.first_round}" + (f" ({date_text(age.first_date)})" if age.first_date else "")


def _action_blocks(result: engine.ProviderResult) -> list[Block]:
    day = result.ret.details.monitoring_date
    history = result.prior is not None
    required: list[list[Any]] = [
        ["Improvement required", "Responsible", "Due date", "Timescale (days)", "Status"]
        + (["Raised in", "Open for"] if history else [])
    ]
    fills: dict[tuple[int, int], str] = {}
    for i, a in enumerate(result.requirements, start=1):
        age = result.age_of(a)
        row: list[Any] = [a.action, str(a.responsible), a.due, _days(day, a.due), str(a.status)]
        if history:
            row += [_raised(age), age_text(age, day)]
            if age is not None and age.escalated and a.status != ActionStatus.COMPLETE:
                fills[(i, 6)] = formats.RED
        required.append(row)
    if len(required) == 1:
        required.append(
            ["No improvements are required", "", None, None, ""] + (["", ""] if history else [])
        )
    recommended: list[list[Any]] = [
        ["Recommendation", "Responsible", "Suggested by", "Status"]
        + (["Raised in", "Open for"] if history else [])
    ]
    for a in result.recommendations:
        age = result.age_of(a)
        row = [a.action, str(a.responsible), a.due, str(a.status)]
        if history:
            row += [_raised(age), age_text(age, day)]
        recommended.append(row)
    if len(recommended) == 1:
        recommended.append(["No recommendations", "", None, ""] + (["", ""] if history else []))
    return [
        Block(
            required,
            title="Improvements required (requirements of the contract)",
            formats={2: formats.DATE_UK, 3: "0"},
            fills=fills,
        ),
        Block(
            recommended,
            title="Recommendations (advice; not contractual requirements)",
            formats={2: formats.DATE_UK},
        ),
    ]


def _not_scored_block(result: engine.ProviderResult) -> Block:
    rows: list[list[Any]] = [["Domain", "Not scored", "Reason"]]
    fills = {}
    for i, n in enumerate(result.not_scored, start=1):
        rows.append([n.domain, n.statements, n.reason or NO_REASON])
        if not n.reason:
            fills[(i, 2)] = formats.AMBER
    if len(rows) == 1:
        rows.append(["Every statement was scored", "", ""])
    return Block(rows, title="Statements not scored this round, and why (CPC 305 B6)", fills=fills)


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days if start and end else None


def _evidence(result: engine.ProviderResult) -> SheetOutput:
    ret = result.ret
    evidence: list[list[Any]] = [
        ["Domain", "Statement", "Score", "Evidence", "Evidence type", "Source"]
    ]
    evidence += [
        [
            s.domain,
            s.statement,
            s.score if s.score is not None else NOT_APPLICABLE,
            s.evidence if s.score is not None or not s.reason else f"Not scored: {s.reason}",
            text_of(s.evidence_type) or "",
            s.source,
        ]
        for s in ret.scores
    ]
    who: list[list[Any]] = [["Who took part", "Organisation", "Level of involvement"]]
    who += [[p.role, p.organisation, text_of(p.involvement) or ""] for p in ret.participants] or [
        ["Not recorded", "", ""]
    ]
    informed: list[list[Any]] = [
        ["Kept informed (CPC 305 B8)", "Organisation", "Level of involvement", "How"]
    ]
    informed += [
        [s.who, s.organisation, str(s.involvement), text_of(s.channel) or ""]
        for s in ret.stakeholders
    ] or [["No stakeholders recorded", "", "", ""]]
    blocks = stack(
        Block(evidence, title="Evidence of performance and its sources"),
        Block(who, title="Who took part"),
        Block(informed, title="Stakeholders kept informed"),
    )
    # who took part and who is kept informed go under the evidence, beside its Evidence column
    blocks[1] = dataclasses.replace(blocks[1], column=4)
    blocks[2] = dataclasses.replace(blocks[2], column=4)
    return SheetOutput(
        "Evidence", blocks, widths={"A": 16, "B": 36, "C": 8, "D": 50, "E": 24, "F": 30, "G": 24}
    )


def _action_plan(result: engine.ProviderResult) -> SheetOutput:
    ret, d = result.ret, result.ret.details
    history = result.prior is not None
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
        + (["Raised in", "Open for"] if history else [])
    ]
    overdue = {id(a) for a in result.overdue}
    actions = result.actions if history else ret.actions
    for a in actions:
        age = result.age_of(a)
        row: list[Any] = [
            a.action,
            str(a.kind),
            text_of(a.action_type) or "",
            str(a.responsible),
            a.due,
            str(a.status),
            "Yes" if id(a) in overdue else "No",
        ]
        if history:
            row += [_raised(age), age_text(age, d.monitoring_date)]
        plan.append(row)
    if len(plan) == 1:
        plan.append(["No actions agreed", "", "", "", None, "", ""] + (["", ""] if history else []))
    fills = {(i, 6): formats.RED for i, a in enumerate(actions, start=1) if id(a) in overdue}
    widths = {"A": 50, "B": 18, "C": 26, "D": 22, "E": 12, "F": 14, "G": 10}
    if history:
        widths.update({"H": 22, "I": 30})
    return SheetOutput(
        "Action plan",
        stack(
            Block(
                plan,
                title=f"Action plan agreed with {d.provider_name}",
                formats={4: formats.DATE_UK},
                fills=fills,
            )
        ),
        widths=widths,
    )


def domain_block(outputs: list[SheetOutput]) -> Block:
    """The Summary's domain table (the chart's data)."""
    found = block_titled(outputs[0], DOMAINS_TITLE)
    assert found is not None
    return found


def progress_block(outputs: list[SheetOutput]) -> Block | None:
    """The Summary's progress table, when it has one (the trajectory chart's data)."""
    return block_titled(outputs[0], PROGRESS_TITLE)
