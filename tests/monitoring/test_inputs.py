"""Reading a return from its cells (as calamine or xlwings give them), with no file at all."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells, TableSpec
from cpcxl.monitoring.inputs import (
    ACTIONS,
    DETAILS,
    ISSUES,
    KPIS,
    PARTICIPANTS,
    PREVIOUS,
    SCORES,
    framework_from_cells,
    provider_id_in,
    read_plan_settings,
    read_return,
)
from cpcxl.monitoring.models import ActionStatus, Escalation
from cpcxl.monitoring.schemes import framework_resolver

RESOLVE = framework_resolver({})
DAY = dt.date(2026, 5, 12)


def table(spec: TableSpec, *rows: list[Any], header: list[Any] | None = None) -> Cells:
    """An Excel Table's cells as read: its header on sheet row 3, its rows below."""
    return Cells([header or spec.headers, *rows], first_row=3, exact=True)


def details(**entries: Any) -> Cells:
    values = {"provider_id": "P-0042", "provider_name": "Riverside", "monitoring_date": DAY}
    values.update(entries)
    rows = [[DETAILS.setting(f).label, v, None] for f, v in values.items()]
    return Cells([["Detail", "Entry", "Notes"], *rows], first_row=3, exact=True)


def a_return(**tables: Cells) -> dict[str, Cells]:
    cells = {
        DETAILS.name: details(),
        PARTICIPANTS.name: table(PARTICIPANTS, ["Contracts officer", None, None]),
        SCORES.name: table(
            SCORES,
            ["Safe", "Safeguarding", "Yes", 3, "Seen", "Observed", "Visit"],
            ["Safe", "Safe environments", "No", "N/A", None, None, None],
            ["Effective", "Assessing needs", None, 2, None, None, None],
        ),
        KPIS.name: table(KPIS, ["Missed visits", 5, 4, "No", None, None, None, None]),
        ISSUES.name: table(ISSUES, ["Late visits", None, None, None, None, None, None]),
        ACTIONS.name: table(ACTIONS, ["Train staff", "Requirement", None, "Provider", DAY, None]),
        PREVIOUS.name: table(PREVIOUS, ["Safe", 70, None], ["Caring", None, "Good"]),
    }
    cells.update(tables)
    return cells


def problems(cells: dict[str, Cells]) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read_return(cells, RESOLVE, file="r.xlsx")
    return [str(e) for e in caught.value]


def test_a_return_reads_with_the_defaults_of_its_blank_cells() -> None:
    ret, framework = read_return(a_return(), RESOLVE, file="r.xlsx")
    assert framework.name == "cqc" and ret.details.framework == "cqc"
    assert ret.details.regulatory_breach is False
    assert [(s.domain, s.score, s.row) for s in ret.scores] == [
        ("Safe", 3, 4),
        ("Safe", None, 5),  # N/A: not scored
        ("Effective", 2, 6),
    ]
    assert ret.scores[0].safeguarding and not ret.scores[2].safeguarding
    [kpi] = ret.kpis
    # a blank tolerance is 5% (0.05), the default; "No" means lower is better
    assert (kpi.tolerance, kpi.higher_is_better) == (0.05, False)
    [issue] = ret.issues
    assert (issue.escalated_to, issue.issue_type, issue.safeguarding) == (
        Escalation.NONE, None, False
    )  # fmt: skip
    assert ret.actions[0].status == ActionStatus.OPEN
    assert [(p.domain, p.percentage, p.rating) for p in ret.previous] == [
        ("Safe", 70, ""),
        ("Caring", None, "Good"),
    ]
    assert ret.participants[0].organisation == "" and ret.notes == []


def test_a_tolerance_typed_as_5_is_refused_with_what_was_probably_meant() -> None:
    row = ["Missed visits", 5, 4, "No", 5, None, None, None]
    assert problems(a_return(KPIs=table(KPIS, row))) == [
        "r.xlsx, KPIs!E4, field 'Tolerance': 5 is 500%, outside 0% to 50% for a KPI tolerance "
        "(more than half short of the target is Red, never Amber); type 5% (or 0.05); valid: a "
        "percentage from 0% to 50%"
    ]


@pytest.mark.parametrize(("typed", "read"), [("5%", 0.05), (0.1, 0.1), ("50%", 0.5), (0, 0.0)])
def test_a_tolerance_as_a_percentage_or_a_fraction_is_read(typed: Any, read: float) -> None:
    row = ["Missed visits", 5, 4, "No", typed, None, None, None]
    ret, _ = read_return(a_return(KPIs=table(KPIS, row)), RESOLVE)
    assert ret.kpis[0].tolerance == pytest.approx(read)


def test_1_000_in_a_kpi_actual_is_refused_where_it_is() -> None:
    row = ["Missed visits", 5, "1_000", "No", None, None, None, None]
    assert problems(a_return(KPIs=table(KPIS, row))) == [
        "r.xlsx, KPIs!C4, field 'Actual': '1_000' is not a number; valid: a number"
    ]


def test_a_32767_character_score_is_refused_without_echoing_it() -> None:
    text = "x" * 32_767
    scores = table(SCORES, ["Safe", "Safeguarding", "Yes", text, None, None, None])
    [message] = problems(a_return(Scores=scores))
    assert message == (
        "r.xlsx, Scores!D4, field 'Score (1-4 or N/A)': "
        f"'{'x' * 37}...' (32,767 characters) is not a score; valid: 1, 2, 3, 4 or N/A"
    )


def test_a_renamed_scores_header_is_reported_and_nothing_is_read_from_the_table() -> None:
    header = ["Domain", "Statement", "Safeguarding statement", "Mark", "Evidence"]
    # the bad score would be reported too if anything were read from the table
    scores = table(SCORES, ["Safe", "Safeguarding", "Yes", "three", None], header=header)
    assert problems(a_return(Scores=scores)) == [
        "r.xlsx, Scores!D3: the header 'Mark' is not a column of the Scores table; valid: the "
        "columns Domain, Statement, Safeguarding statement, Score (1-4 or N/A), Evidence, "
        "Evidence type, Source of evidence, Reason if not scored (rename the header to one of "
        "them, or remove the column)",
        "r.xlsx, sheet 'Scores', row 3: the Scores table has no 'Score (1-4 or N/A)' column "
        "(headers found: 'Domain', 'Statement', 'Safeguarding statement', 'Mark', 'Evidence'); "
        "valid: the columns Domain, Statement, Safeguarding statement, Score (1-4 or N/A), "
        "Evidence, Evidence type, Source of evidence, Reason if not scored",
    ]


def test_a_close_variant_of_a_header_is_read_and_noted() -> None:
    header = [*KPIS.headers[:4], "Tolerance (%)", *KPIS.headers[5:]]
    row = ["Missed visits", 5, 4, "No", 0.1, None, None, None]
    ret, _ = read_return(a_return(KPIs=table(KPIS, row, header=header)), RESOLVE)
    assert ret.kpis[0].tolerance == 0.1
    assert ret.notes == ["KPIs: read the header 'Tolerance (%)' as 'Tolerance'"]


def test_framework_dependent_cells_are_checked_against_the_returns_framework() -> None:
    scores = table(SCORES, ["Efective", "Assessing needs", None, 3, None, None, None])
    previous = table(PREVIOUS, ["Safe", 70, "Excellent"])  # a council rating, not CQC's
    assert problems(a_return(Scores=scores, PreviousRound=previous)) == [
        "r.xlsx, Scores!A4, field 'Domain': 'Efective' is not a domain of the cqc framework; "
        "did you mean 'Effective'?; valid: Safe, Effective, Caring, Responsive, Well-led",
        "r.xlsx, 'Previous round'!C4, field 'Previous rating': 'Excellent' is not a rating of "
        "the cqc framework; valid: Inadequate, Requires improvement, Good, Outstanding",
    ]


def test_a_requirement_needs_its_due_date_and_every_action_who_is_responsible() -> None:
    actions = table(
        ACTIONS,
        ["Train staff", "Requirement", None, "Provider", None, None],
        ["Offer advice", "Recommendation", None, None, None, None],
    )
    assert problems(a_return(Actions=actions)) == [
        "r.xlsx, Actions!D5, field 'Responsible': this is blank; valid: Provider, "
        "Commissioner, People using the service",
        "r.xlsx, Actions!E4, field 'Due date': a requirement needs a due date (its timescale); "
        "valid: a date (dd/mm/yyyy)",
    ]


def test_details_problems_are_located_on_the_return_sheet() -> None:
    cells = a_return(
        Details=details(
            provider_id="CON",
            contract_value=-5000,
            period_start=dt.date(2026, 5, 1),
            period_end=dt.date(2026, 1, 1),
            framework="iso9001",
        )
    )
    found = problems(cells)
    assert found[0].startswith("r.xlsx, Return!B4, field 'Provider ID': 'CON' cannot name a")
    assert found[1].startswith(
        "r.xlsx, Return!B7, field 'Annual contract value (£)': -5000 is outside £0 to "
    )
    assert found[2:] == [
        "r.xlsx, Return!B9, field 'Monitoring period to': the period ends (01/01/2026) before it "
        "starts (01/05/2026)",
        "r.xlsx, Return!B10, field 'Monitoring framework': 'iso9001' is not a known monitoring "
        "framework; valid: council, cqc (or pass --framework FILE.toml)",
    ]


def test_a_return_sheet_without_its_table_is_read_beside_the_score_preview() -> None:
    # Returns made before the Details table: the labels in A, entries in B, and Excel's
    # score preview from column D, whose headers are no details.
    rows = [
        ["Monitoring return: provider and contract details"],
        ["Fill in the yellow cells"],
        ["Detail", "Entry", None, "Domain", "Score (%)", "Rating (CQC bands)"],
        ["Provider ID", "P-7", None, "Safe", 75, "Good"],
        ["Provider name", "Oakwood", None, "Effective", None, ""],
        ["Date of monitoring", DAY],
    ]
    ret, _ = read_return(a_return(Details=Cells(rows)), RESOLVE)
    assert (ret.details.provider_id, ret.details.monitoring_date) == ("P-7", DAY)
    assert provider_id_in(rows) == "P-7"


def test_a_workbook_that_is_not_a_return_says_which_sheets_are_missing() -> None:
    cells = a_return()
    del cells["Scores"], cells["KPIs"]
    with pytest.raises(InputError, match=r"sheets Scores, KPIs missing \(sheets found: Risks\)"):
        read_return(cells, RESOLVE, sheet_names=["Risks"])


def test_a_framework_from_a_sheet() -> None:
    rows = [
        ["Our framework"],
        [],
        ["Area", "Statement", "Safeguarding"],
        ["Safety", "People are safe", "Yes"],
        ["Safety", "Premises are safe", "No"],
        ["Voice", "People are listened to", None],
    ]
    framework = framework_from_cells(Cells(rows), name="sheet-framework")
    assert framework.domain_names() == ["Safety", "Voice"]
    assert [s.safeguarding for s in framework.domains[0].statements] == [True, False]
    assert framework_resolver({"sheet-framework": framework})("Sheet-Framework") is framework


def test_the_plans_contingency_is_a_rate() -> None:
    assert read_plan_settings({"contingency": 0.2}).contingency == 0.2
    assert read_plan_settings({"contingency": "20%"}).contingency == pytest.approx(0.2)
    assert read_plan_settings({}).contingency == 0.15  # the local default
    with pytest.raises(InputError) as caught:
        read_plan_settings({"contingency": 20}, file="settings.toml")
    assert str(caught.value) == (
        "settings.toml, field '[plan]': [plan] contingency: 20 is 2,000%, outside 0% to 50% "
        "for the contingency margin (more than half again is a second plan, not a margin); "
        "type 20% (or 0.2); valid: a percentage from 0% to 50%"
    )


@pytest.mark.parametrize("layer", ["models", "inputs", "engine", "outputs"])
def test_the_pure_layers_import_no_excel_or_workbook_library(layer: str) -> None:
    code = (
        f"import sys; import cpcxl.monitoring.{layer}; "
        "bad = ('xlwings', 'openpyxl', 'xlsxwriter', 'python_calamine'); "
        "print(','.join(m for m in bad if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"cpcxl.monitoring.{layer} imports {result.stdout}"
