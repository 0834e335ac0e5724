"""Worksheet functions and the Build summary button, run as Excel runs them."""

from __future__ import annotations

import datetime as dt
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
from cpcxl.monitoring.models import PreviousScore
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import CQC
from cpcxl.monitoring.workbook import write_return
from cpcxl.xl.remote import run_script_on_file

from .cases import ISSUE_CASES, edited_return, only_scored


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


# --- issue 13: the rating cases, in the worksheet function and through the button --------


def test_issue13_case13_the_function_needs_all_five_or_previous_ones() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    # CQC rating principle 2: the overall rating aggregates all five key questions
    assert udfs.cpc_overall_rating([["Good"]]) == (
        "Not rated: no rating for Effective, Caring, Responsive, Well-led"
    )  # was "Good"
    two = ["Outstanding", "Outstanding", None, None, None]
    assert udfs.cpc_overall_rating(two) == "Not rated: no rating for Caring, Responsive, Well-led"
    # previous (the fourth argument) fills the blanks: 2 Outstanding + 3 Good carried forward
    # is Outstanding; by keyword too, as the guide writes it
    assert udfs.cpc_overall_rating(two, False, "cqc", ["Good"] * 5) == "Outstanding"
    assert udfs.cpc_overall_rating(two, previous=["Good", "Good", "Good", "RI", "Good"]) == (
        "#VALUE! previous, item 4: 'RI' is not a rating of the cqc framework; valid: "
        "Inadequate, Requires improvement, Good, Outstanding"
    )
    assert udfs.cpc_overall_rating(["Good"] * 6).startswith(
        "#VALUE! ratings has 6 cells, but the cqc framework has 5 domains"
    )


def _summary_of(ret, tmp_path: Path) -> dict[str, object]:
    return run_script_on_file(build_summary, write_return(tmp_path / "r.xlsx", ret))["Summary"]


def test_issue13_case13_the_button_rates_only_with_all_five(tmp_path: Path) -> None:
    # only Safe and Effective scored, all 4s (Outstanding): not Outstanding overall
    summary = _summary_of(only_scored({"Safe": [4, 4], "Effective": [4, 4]}), tmp_path)
    assert summary["A18"] == "Not rated"
    assert str(summary["E18"]).startswith("no rating for Caring, Responsive, Well-led")
    assert [summary[f"C{r}"] for r in range(22, 27)] == ["Outstanding"] * 2 + ["Not rated"] * 3


def test_issue13_case13_the_button_carries_the_previous_round_forward(tmp_path: Path) -> None:
    previous = tuple(
        PreviousScore(domain=d, rating="Good") for d in ("Caring", "Responsive", "Well-led")
    )
    ret = only_scored({"Safe": [4, 4], "Effective": [4, 4]}, previous=previous)
    summary = _summary_of(ret, tmp_path)
    # two Outstanding this round and three Good carried forward: Outstanding
    assert summary["A18"] == "Outstanding"
    # issue 16: the note names the round the rating came from (the Previous round date)
    assert (summary["A24"], summary["C24"], summary["G24"]) == (
        "Caring",
        "Good",
        "carried forward from the previous round, 14/05/2025",
    )
    assert summary["F24"] == "Not reassessed"


def test_issue13_case14_the_button_caps_the_key_question_of_the_breach(tmp_path: Path) -> None:
    ret = only_scored(
        {d: [3, 3] for d in CQC.domain_names()}, breach=True, breach_domain="Effective"
    )
    summary = _summary_of(ret, tmp_path)
    # Effective scores 3, 3: 6/8 = 75% (Good), capped at Requires improvement by the breach
    assert (summary["A23"], summary["B23"], summary["C23"]) == (
        "Effective", 75.0, "Requires improvement"
    )  # fmt: skip
    assert summary["G23"] == "capped: breach"
    assert summary["A18"] == "Requires improvement"
    assert "Effective capped at Requires improvement" in str(summary["E18"])


def test_issue13_case14_a_breach_key_question_without_a_breach_is_refused(
    tmp_path: Path,
) -> None:
    ret = only_scored({"Safe": [3]}, breach=False, breach_domain="Safe")
    with pytest.raises(InputErrors, match=r"Return!B17.*Regulatory breach found is not Yes"):
        run_script_on_file(build_summary, write_return(tmp_path / "r.xlsx", ret))


def test_issue13_case15_every_statement_na_is_not_rated_not_an_error(tmp_path: Path) -> None:
    summary = _summary_of(only_scored({}), tmp_path)
    assert summary["A18"] == "Not rated"
    assert str(summary["E18"]).startswith("no statement scored this round")
    assert [summary[f"C{r}"] for r in range(22, 27)] == ["Not rated"] * 5


def test_issue13_case16_the_summary_says_the_safeguarding_rule_is_cpcxls(tmp_path: Path) -> None:
    ret = only_scored({d: [4, 4] for d in CQC.domain_names()})
    ret.scores = [s.model_copy(update={"score": 1}) if s.safeguarding else s for s in ret.scores]
    summary = _summary_of(ret, tmp_path)
    # Safe 4,4,1 = 9/12 = 75% Good; the rest 100% Outstanding: Outstanding, then capped
    assert summary["A18"] == "Requires improvement"
    assert "(cpcxl's local rule, on by default; not CQC's)" in str(summary["E18"])


# --- issue 12: limits, and reruns of the button -------------------------------------------


def test_issue12_case3_long_loops_stop_at_the_servers_time_limit() -> None:
    from cpcxl.common.limits import TimeLimitExceeded, time_limit

    # 40,000 providers of five ratings (200,000 cells, MAX_ARGUMENT_CELLS): each row and
    # every 4,096 cells checks the clock, so a call past its time is stopped, not finished
    rows = [["Good"] * 5] * 40_000
    with time_limit(0.0), pytest.raises(TimeLimitExceeded, match="stopped after 0 seconds"):
        cpc_overall_rating(rows)
    with time_limit(0.0), pytest.raises(TimeLimitExceeded):
        cpc_monitoring_score([3] * 200_000)


def test_issue12_case3_a_range_over_the_cell_limit_is_refused_before_any_work() -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    # MAX_ARGUMENT_CELLS is 200,000 (cpcxl.common.limits): 200,001 scores are refused
    assert udfs.cpc_monitoring_score([[3]] * 200_001).startswith(
        "#VALUE! scores: the range has 200,001 cells, over the 200,000"
    )


def test_issue12_case13_pressing_build_summary_twice_keeps_no_edited_copy(tmp_path: Path) -> None:
    from cpcxl.xl.remote import apply_values, payload_after, payload_from_xlsx, run_script

    # The return's template makes no output sheet (Summary, Evidence and Action plan are
    # made by the first press), so there is none to mark with mark_output_sheet.
    payload = payload_from_xlsx(write_return(tmp_path / "r.xlsx", example_return()))
    first = run_script(build_summary, payload)
    assert not [a for a in first if a["func"] == "copySheet"]
    second = run_script(build_summary, payload_after(payload, first))
    assert not [a for a in second if a["func"] == "copySheet"]
    cells = apply_values(payload_after(payload, first), second)
    assert not [name for name in cells if "(edited)" in name]
    assert cells["Summary"]["A18"] == "Requires improvement"


# --- issue 16 through the button --------------------------------------------------------------


def test_issue16_the_button_refuses_a_carried_rating_older_than_24_months(tmp_path: Path) -> None:
    previous = (PreviousScore(domain="Caring", rating="Good"),)
    ret = only_scored(
        {"Safe": [3, 3], "Effective": [3, 3], "Responsive": [3], "Well-led": [3]}, previous=previous
    )
    # the previous round's date, 12/11/2023, is 30 whole months before 12/05/2026
    ret.details.previous_date = dt.date(2023, 11, 12)
    path = write_return(tmp_path / "r.xlsx", ret)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(build_summary, path)
    (error,) = caught.value.errors
    assert error.message == (
        "Caring was not assessed this round, and its last rating (Good, the previous round, "
        "12/11/2023) is 30 months old, older than the 24 months the cqc framework allows a "
        "rating to be carried forward"
    )
    # the first Caring statement: 8 Safe and 6 Effective statements from row 4
    assert (error.location.sheet, error.location.cell) == ("Scores", "A18")


def test_issue16_the_button_shows_strengths_and_why_statements_were_not_scored(
    tmp_path: Path,
) -> None:
    ret = example_return()
    for s in ret.scores:
        if s.score is None:
            s.reason = "Not assessed this round"
    cells = run_script_on_file(build_summary, write_return(tmp_path / "r.xlsx", ret))
    summary = cells["Summary"]
    texts = set(summary.values())
    assert "Strengths and good practice (CPC 305 C1)" in texts
    assert "Capable, compassionate and inclusive leaders" in texts  # scored 4
    assert "Statements not scored this round, and why (CPC 305 B6)" in texts
    assert "Not assessed this round" in texts
    assert "No reason recorded (CPC 305 B6 asks for one)" not in texts
