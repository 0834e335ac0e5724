"""Returns with the bad entries of issue 11, shared by the button, batch and command tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from cpcxl.monitoring.models import (
    ComplianceEntry,
    DomainRound,
    MonitoringReturn,
    PreviousScore,
    ProviderHistory,
    RoundRecord,
)
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import CQC
from cpcxl.monitoring.workbook import write_return

#: case -> (cells to change {sheet: {cell: value}}, sheet, cell, how its message starts)
ISSUE_CASES: dict[str, tuple[dict[str, dict[str, object]], str, str, str]] = {
    "1_000 in a KPI actual": (
        {"KPIs": {"C4": "1_000"}},
        "KPIs",
        "C4",
        "'1_000' is not a number",
    ),
    "32,767 characters in a score": (
        {"Scores": {"D4": "x" * 32_767}},
        "Scores",
        "D4",
        f"'{'x' * 37}...' (32,767 characters) is not a score",
    ),
    "a tolerance typed as 5": (
        {"KPIs": {"E4": 5}},
        "KPIs",
        "E4",
        "5 is 500%, outside 0% to 50% for a KPI tolerance (more than half short of the target "
        "is Red, never Amber); type 5% (or 0.05)",
    ),
    "a renamed Scores header": (
        {"Scores": {"D3": "Mark"}},
        "Scores",
        "D3",
        "the header 'Mark' is not a column of the Scores table",
    ),
}


def edited_return(path: Path, edits: dict[str, dict[str, object]]) -> Path:
    """The worked example's return with some cells changed ({sheet: {cell: value}})."""
    write_return(path, example_return())
    wb = load_workbook(path)
    for sheet, cells in edits.items():
        for cell, value in cells.items():
            wb[sheet][cell].value = value
            if isinstance(value, str):
                wb[sheet][cell].data_type = "s"  # typed text, not a formula
    wb.save(path)
    return path


def only_scored(
    chosen: dict[str, list[int]],
    *,
    breach: bool = False,
    breach_domain: str = "",
    previous: tuple[PreviousScore, ...] = (),
) -> MonitoringReturn:
    """The worked example's return with only the ``chosen`` domains scored (their first
    statements, in order; every other statement N/A), for the rating cases of issue 13."""
    ret = example_return()
    ret.details.regulatory_breach = breach
    ret.details.breach_domain = breach_domain
    ret.details.previous_overall = ""
    seen: dict[str, int] = {}
    scores = []
    for s in ret.scores:
        i = seen.get(s.domain, 0)
        seen[s.domain] = i + 1
        given = chosen.get(s.domain, [])
        scores.append(s.model_copy(update={"score": given[i] if i < len(given) else None}))
    ret.scores = scores
    ret.previous = list(previous)
    return ret


#: The worked example's requirement (its Actions sheet's first row).
REQUIREMENT = "Audit every medicines record and retrain staff"


def with_compliance(*stages: tuple[str, dt.date, dt.date | None]) -> MonitoringReturn:
    """The worked example with a Compliance sheet: (stage, date entered, deadline) rows, each
    for the example's requirement, decided by the Head of Commissioning."""
    ret = example_return()
    ret.compliance = [
        ComplianceEntry(
            stage=stage,
            entered=entered,
            issue="Medicines records incomplete for two people",
            requirement=REQUIREMENT,
            deadline=deadline,
            evidence="An audit of every record",
            decided_by="Head of Commissioning",
            why="Found at two visits",
        )
        for stage, entered, deadline in stages
    ]
    return ret


# --- a provider's earlier rounds ---------------------------------------------------------------


def a_round(
    number: int,
    label: str,
    day: dt.date,
    ratings: dict[str, tuple[float | None, str]],
    *,
    overall: str = "Good",
    framework: str = "cqc",
    carried: dict[str, tuple[str, dt.date]] | None = None,
) -> RoundRecord:
    carried = carried or {}
    return RoundRecord(
        provider_id="P-0042",
        provider_name="Riverside Home Care Ltd",
        framework=framework,
        round=label,
        number=number,
        monitoring_date=day,
        overall=overall,
        overall_percentage=70.0,
        domains=[
            DomainRound(
                domain=d,
                percentage=ratings[d][0],
                rating=ratings[d][1],
                from_round=carried.get(d, ("", None))[0],
                from_date=carried.get(d, ("", None))[1],
            )
            for d in ratings
        ],
        sheet=f"Rounds {framework}",
        row=3 + number,
    )


GOOD = {d: (75.0, "Good") for d in CQC.domain_names()}


def two_rounds() -> ProviderHistory:
    return ProviderHistory(
        provider_id="P-0042",
        framework="cqc",
        rounds=[
            a_round(1, "2025-05", dt.date(2025, 5, 14), GOOD),
            a_round(
                2,
                "2025-11",
                dt.date(2025, 11, 12),
                {**GOOD, "Caring": (50.0, "Requires improvement")},
            ),
        ],
        file="history.xlsx",
    )


def caring_carried() -> ProviderHistory:
    """Two rounds, Caring not scored in the second: its Good carried forward from the first."""
    history = two_rounds()
    history.rounds[1] = a_round(
        2,
        "2025-11",
        dt.date(2025, 11, 12),
        {**GOOD, "Caring": (None, "Good")},
        carried={"Caring": ("2025-05", dt.date(2025, 5, 14))},
    )
    return history
