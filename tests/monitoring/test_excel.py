"""Worksheet functions and the Build summary button, run as Excel runs them."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.monitoring.excel import (
    build_summary,
    cpc_kpi_rag,
    cpc_monitoring_rating,
    cpc_monitoring_score,
    cpc_overall_rating,
)
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.workbook import write_return
from cpcxl.xl.remote import run_script_on_file

from .cases import ISSUE_CASES, edited_return


def test_score_of_a_single_cell_and_excel_error_cells() -> None:
    assert cpc_monitoring_score(2) == 50.0  # 2 / 4
    assert cpc_monitoring_score([4, "n/a", "NA"]) == 100.0
    with pytest.raises(InputError, match="#DIV/0!"):
        cpc_monitoring_score([3, "#DIV/0!"])


def test_rating_of_an_unknown_scheme_lists_the_known_ones() -> None:
    with pytest.raises(
        InputError, match=r"'iso' is not a known monitoring framework; valid: council, cqc"
    ):
        cpc_monitoring_rating(70, "iso")


def test_rating_a_row_of_percentages_keeps_its_shape() -> None:
    assert cpc_monitoring_rating([[38, 39, 63, 88]]) == [
        ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    ]


def test_overall_rating_with_council_labels_and_a_text_breach() -> None:
    ratings = ["Good", "Excellent", "Excellent", "Good", "Good"]
    assert cpc_overall_rating(ratings, False, "council") == "Excellent"
    assert cpc_overall_rating(ratings, "Yes", "council") == "Requires improvement"
    with pytest.raises(InputError, match="breach: 'maybe' is not Yes or No"):
        cpc_overall_rating(ratings, "maybe", "council")


def test_kpi_rag_with_ranges_for_every_argument() -> None:
    result = cpc_kpi_rag(
        [[95], [12], [3]], [[90], [10], [2]], [[True], [False], ["No"]], [[0.05], [0.2], [0.1]]
    )
    # 95 >= 90 Green; 12 is 2 over 10 = 20% (Amber at 20%); 3 is 1 over 2 = 50% > 10%: Red
    assert result == [["Green"], ["Amber"], ["Red"]]


def test_build_summary_writes_the_summary_into_the_open_workbook(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    cells = run_script_on_file(build_summary, path)
    summary = cells["Summary"]
    assert summary["A18"] == "Requires improvement"
    text = set(summary.values())
    assert "Improvements required (requirements of the contract)" in text
    assert "Recommendations (advice; not contractual requirements)" in text
    assert "The provider's right to challenge this outcome" in text
    assert cells["Evidence"]["A1"] == "Evidence of performance and its sources"
    # 34 statements under the header on row 2, then who took part beside the evidence column
    assert cells["Evidence"]["D39"] == "Who took part"
    assert cells["Evidence"]["D40"] == "Contracts and Quality Officer"
    assert cells["Action plan"]["A3"] == "Audit every medicines record and retrain staff"


def test_build_summary_names_the_bad_cell(tmp_path: Path) -> None:
    path = write_return(tmp_path / "r.xlsx", example_return())
    wb = load_workbook(path)
    wb["Scores"]["D6"] = "excellent"
    wb.save(path)
    with pytest.raises(InputErrors, match=r"Scores!D6.*'excellent' is not a score"):
        run_script_on_file(build_summary, path)


def test_a_return_can_carry_its_own_framework_on_a_framework_sheet(tmp_path: Path) -> None:
    ret = example_return()
    ret.details.framework = "day-services"
    ret.previous = []
    ret.details.previous_overall = ""
    ret.scores = [
        ret.scores[0].model_copy(update={"domain": "Activities", "score": 4}),
        ret.scores[1].model_copy(update={"domain": "Activities", "score": 3}),
        ret.scores[2].model_copy(update={"domain": "Safety", "score": 2, "safeguarding": True}),
    ]
    path = write_return(tmp_path / "r.xlsx", ret)
    wb = load_workbook(path)
    ws = wb.create_sheet("Framework")
    for row in (
        ["Domain", "Statement", "Safeguarding"],
        ["Activities", "People choose their activities", "No"],
        ["Activities", "Activities meet people's goals", "No"],
        ["Safety", "People are kept safe", "Yes"],
    ):
        ws.append(row)
    wb.save(path)
    cells = run_script_on_file(build_summary, path)
    summary = cells["Summary"]
    # Activities 7/8 = 87.5% -> 88 Outstanding; Safety 2/4 = 50% Requires improvement:
    # one Requires improvement and no two Outstanding-and-rest-Good -> Good, then the breach
    # in the example caps it at Requires improvement.
    assert (summary["A22"], summary["B22"], summary["C22"]) == ("Activities", 87.5, "Outstanding")
    assert (summary["A23"], summary["C23"]) == ("Safety", "Requires improvement")
    assert summary["A18"] == "Requires improvement"


def test_build_summary_adds_a_bar_chart_of_the_domain_scores(tmp_path: Path) -> None:
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    path = write_return(tmp_path / "r.xlsx", example_return())
    actions = run_script(build_summary, payload_from_xlsx(path))
    charts = [a["args"] for a in actions if a["func"] == "addChart"]
    # the domain table's header is on row 21 and its five domains on rows 22-26 (A: domain,
    # B: score); the chart sits in the space left under it
    assert len(charts) == 1
    name, kind, sheet, source = charts[0][:4]
    assert (name, kind, sheet, source) == (
        "Domain scores",
        "BarClustered",
        "Summary",
        "$A$21:$B$26",
    )
    assert charts[0][9] == "$A$28"


# --- the cases of issue 11, in the worksheet functions and through the button ------------


def test_1_000_in_a_kpi_actual_is_refused_by_the_worksheet_function() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    assert udfs.cpc_kpi_rag("1_000", 90) == (
        "#VALUE! actual: '1_000' is not a number; valid: a number"
    )
    # the same figure typed plainly, or with a thousands comma, is read: 1,000 beats 90
    assert udfs.cpc_kpi_rag("1,000", 90) == udfs.cpc_kpi_rag(1000, 90) == "Green"


def test_a_tolerance_typed_as_5_is_refused_and_5_percent_is_read() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    assert udfs.cpc_kpi_rag(86, 90, True, 5) == (
        "#VALUE! tolerance: 5 is 500%, outside 0% to 50% for a KPI tolerance (more than half "
        "short of the target is Red, never Amber); type 5% (or 0.05); valid: a percentage from "
        "0% to 50%"
    )
    # 86 is 4 short of 90, within 5% of 90 (4.5): Amber, however 5% is typed
    assert udfs.cpc_kpi_rag(86, 90, True, "5%") == udfs.cpc_kpi_rag(86, 90, True, 0.05) == "Amber"


def test_a_32767_character_score_gives_a_short_message_in_the_cell() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    result = udfs.cpc_monitoring_score([3, "x" * 32_767])
    assert result == (
        f"#VALUE! scores, item 2: '{'x' * 37}...' (32,767 characters) is not a score; valid: "
        "1, 2, 3, 4 or N/A"
    )
    assert len(result) <= 255


@pytest.mark.parametrize("case", ISSUE_CASES)
def test_the_issue_cases_are_located_by_the_build_summary_button(case: str, tmp_path: Path) -> None:
    edits, sheet, cell, message = ISSUE_CASES[case]
    path = edited_return(tmp_path / "r.xlsx", edits)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(build_summary, path)
    found = [(e.location.sheet, e.location.cell, e.message) for e in caught.value]  # type: ignore[union-attr]
    assert any((s, c) == (sheet, cell) and m.startswith(message) for s, c, m in found), found
    assert all(len(str(e)) < 400 for e in caught.value)  # long input is never echoed whole


def test_build_summary_reads_a_return_of_the_older_layout_and_notes_the_old_header(
    tmp_path: Path,
) -> None:
    # good_1.xlsx was made before the Details table and the rate rule ("Tolerance (%)")
    old = Path(__file__).resolve().parents[1] / "data" / "monitoring" / "good_1.xlsx"
    cells = run_script_on_file(build_summary, shutil.copy(old, tmp_path / "old.xlsx"))
    summary = cells["Summary"]
    assert summary["B3"] == "P-0001"
    notes = [k for k, v in summary.items() if v == "Notes on reading the return"]
    assert len(notes) == 1
    row = int(notes[0][1:]) + 1
    assert summary[f"A{row}"] == "KPIs: read the header 'Tolerance (%)' as 'Tolerance'"
