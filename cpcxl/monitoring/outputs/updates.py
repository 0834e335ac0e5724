"""The one-page update of a provider's monitoring for people kept informed (CPC 305 B8:
"ensure individuals, families and communities who may be using the service are kept
informed of the progress and timescales of the monitoring activity").

It says what was monitored and when, the outcome in plain words, what is being improved and
by when, any formal action, and when the next visit is due; it leaves out the evidence, the
safeguarding detail and the names the provider's summary holds. Pure data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from ..models import ActionStatus, Involvement
from .report import ReportSettings, date_text, rating_fill, text_of, wrap

UPDATE = "Update"
#: Requirements the update lists at most (one page); the rest are counted.
UPDATE_REQUIREMENTS = 6


def update_outputs(
    result: engine.ProviderResult, settings: ReportSettings, *, next_visit: dt.date | None = None
) -> list[SheetOutput]:
    """The update as one A4 portrait sheet."""
    d = result.ret.details
    period = " to ".join(f"{x:%d/%m/%Y}" for x in (d.period_start, d.period_end) if x)
    compliance = result.compliance
    since = compliance.entry.entered if compliance and compliance.entry else None
    formal = (
        f"{compliance.stage} since {date_text(since)}"
        if compliance is not None and compliance.level > 0
        else "None"
    )
    facts: list[list[Any]] = [
        ["Service", f"{d.service or 'Care and support'} by {d.provider_name}"],
        ["Monitored by", settings.organisation],
        ["How", text_of(d.activity) or "Monitoring"],
        ["When", d.monitoring_date],
        ["Period looked at", period or "Not recorded"],
        ["Outcome", _outcome(result)],
        ["Formal action by the commissioner", formal],
        ["Next monitoring visit due", next_visit or "To be arranged"],
    ]
    fills = {}
    if (colour := rating_fill(result.overall.level)) is not None:
        fills[(5, 1)] = colour
    open_requirements = [a for a in result.requirements if a.status != ActionStatus.COMPLETE]
    improving: list[list[Any]] = [["What the provider must improve", "By"]]
    improving += [[a.action, a.due] for a in open_requirements[:UPDATE_REQUIREMENTS]] or [
        ["Nothing is required at present", None]
    ]
    if len(open_requirements) > UPDATE_REQUIREMENTS:
        improving.append([f"and {len(open_requirements) - UPDATE_REQUIREMENTS} more", None])
    informed = [s for s in result.ret.stakeholders if s.involvement == Involvement.INFORMATION_ONLY]
    sent: list[list[Any]] = [["Sent to", "How"]]
    sent += [
        [s.who + (f" ({s.organisation})" if s.organisation else ""), text_of(s.channel) or ""]
        for s in informed
    ] or [["No one receiving information only is recorded on the return", ""]]
    blocks = stack(
        Block(
            [[line] for line in wrap(_intro(result, settings), 80)],
            header=False,
            title=f"Monitoring update: {d.provider_name}",
        ),
        Block(facts, header=False, formats={1: formats.DATE_UK}, fills=fills),
        Block(improving, title="What is being improved", formats={1: formats.DATE_UK}),
        Block(
            [[line] for line in wrap(settings.contact_text, 80)],
            header=False,
            title="Raising a concern",
        ),
        Block(sent, title="Who receives this update (CPC 305 B8)"),
    )
    return [SheetOutput(UPDATE, blocks, widths={"A": 58, "B": 40})]


def _intro(result: engine.ProviderResult, settings: ReportSettings) -> str:
    d = result.ret.details
    when = f" on {d.monitoring_date:%d/%m/%Y}" if d.monitoring_date else ""
    return (
        f"{settings.organisation} monitors the services it commissions. This is an update on "
        f"the monitoring of {d.provider_name}{when}, for people who are kept informed. It is "
        "not the full monitoring report, which goes to the provider."
    )


def _outcome(result: engine.ProviderResult) -> str:
    rating = result.overall.label
    if not result.overall.rated:
        return "Not rated this round (not enough was assessed to give a rating)"
    moved = {
        engine.UP: "better than last time",
        engine.DOWN: "lower than last time",
        engine.UNCHANGED: "the same as last time",
    }.get(result.overall_trend, "")
    return f"{rating}" + (f", {moved}" if moved else "") + f" ({result.framework.name} framework)"
