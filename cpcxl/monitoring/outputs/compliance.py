"""The Compliance action sheet of a provider's summary (CPC 306 C): the stage it is at (from
the return's Compliance sheet and the history's log), how that stands against this round,
the audit trail of every change, and the scheme's stages."""

from __future__ import annotations

from typing import Any

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from ..models import ComplianceEntry
from .report import date_text

#: The summary's sheet (the return's own Compliance sheet is where stage changes are entered).
COMPLIANCE_ACTION = "Compliance action"
CHECK_FILLS = {
    engine.ESCALATE: formats.RED,
    engine.ON_TRACK: formats.AMBER,
    engine.CLOSED: formats.GREEN,
    engine.NO_REQUIREMENT: formats.AMBER,
}


def _recorded(entry: ComplianceEntry, round_label: str) -> str:
    if entry.source == "batch":
        return (
            f"by the batch, this round ({round_label})"
            if round_label
            else "by the batch, this round"
        )
    if entry.source == "return":
        return f"this round ({round_label})" if round_label else "this round's return"
    when = f" on {date_text(entry.recorded)}" if entry.recorded else ""
    return f"round {entry.round}{when}" if entry.round else f"earlier{when}"


def compliance_sheet(result: engine.ProviderResult) -> SheetOutput:
    """Stage now, this round's check, the trail of changes (who, when, why) and the stages."""
    c = result.compliance
    name = result.ret.details.provider_name
    stages = result.stages
    entry = c.entry if c else None
    now: list[list[Any]] = [
        ["Stage now", c.stage if c else stages.none],
        ["Since", entry.entered if entry else None],
        ["Breach or issue", entry.issue if entry else ""],
        [
            "Requirement it is for",
            (entry.requirement or "Every requirement") if entry and c and c.level else "",
        ],
        ["Deadline", entry.deadline if entry else None],
        ["Evidence that would close it", entry.evidence if entry else ""],
        ["Decided by", entry.decided_by if entry else ""],
        ["This round", c.message if c else engine.NO_ACTION],
    ]
    if c is not None and c.escalate and c.next_stage:
        now.append(["If escalated, the next stage", c.next_stage])
    check_fill = {(7, 1): CHECK_FILLS[c.check]} if c is not None and c.check in CHECK_FILLS else {}
    trail: list[list[Any]] = [
        ["Date entered", "Stage", "Breach or issue", "Deadline", "Decided by", "Why", "Recorded"]
    ]
    trail += [
        [
            e.entered,
            e.stage,
            e.issue,
            e.deadline,
            e.decided_by,
            e.why or e.issue,
            _recorded(e, result.round_label),
        ]
        for e in (c.trail if c else ())
    ] or [[None, "No change of stage recorded", "", None, "", "", ""]]
    scheme: list[list[Any]] = [["Stage", "Needs first", "Needs a deadline", "What it is"]]
    scheme += [
        [s.name, s.after or "", "Yes" if s.deadline else "No", s.description] for s in stages.stages
    ]
    blocks = stack(
        Block(
            now,
            header=False,
            title=f"Compliance action (CPC 306 C): {name}",
            formats={1: formats.DATE_UK},
            fills=check_fill,
        ),
        Block(
            trail,
            title="Audit trail: every change of stage, who decided, when and why (never rewritten)",
            formats={0: formats.DATE_UK, 3: formats.DATE_UK},
        ),
        Block(scheme, title=f"The stages ({stages.name}: {stages.description})"),
    )
    return SheetOutput(
        COMPLIANCE_ACTION,
        blocks,
        widths={"A": 30, "B": 28, "C": 36, "D": 14, "E": 26, "F": 40, "G": 28},
    )
