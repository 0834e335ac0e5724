"""The packaged workbook: built as committed, formulas right in LibreOffice, rounds read back,
and bad input reported with its sheet, row and field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.files import sha256
from cpcxl.common.workbook import read_sheets
from cpcxl.proposals import engine
from cpcxl.proposals.excel import evaluate_proposals
from cpcxl.proposals.models import Decision
from cpcxl.proposals.sample import sample_round
from cpcxl.proposals.workbook import (
    DEFAULT_CRITERIA,
    DISCOUNT_YEARS,
    build,
    evaluate,
    read_round,
    write_results,
)
from cpcxl.xl.remote import run_script_on_file


def test_the_committed_workbook_is_what_the_code_builds(build_and_compare):
    built = build_and_compare("expenditure_proposals")
    wb = load_workbook(built)
    assert wb.sheetnames[:2] == ["Instructions", "Guidance"]
    tables = {t for ws in wb.worksheets for t in ws.tables}
    assert {"Criteria", "Proposals", "Costs", "Benefits", "Assessment", "Budget"} <= tables
    assert wb["xlwings.conf"].sheet_state == "hidden"


@pytest.mark.soffice
def test_formulas_evaluate_in_libreoffice_and_agree_with_the_engine(recalculated, tmp_path):
    values = recalculated(build(tmp_path / "template.xlsx"))
    rows = values["Discount factors"]
    standard = engine.discount_factors(DISCOUNT_YEARS, "standard")
    health = engine.discount_factors(DISCOUNT_YEARS, "health")
    for year in range(DISCOUNT_YEARS + 1):
        row = rows[year + 1]
        assert row[0] == year
        assert row[2] == pytest.approx(standard[year], rel=1e-12)
        assert row[4] == pytest.approx(health[year], rel=1e-12)
    # The default criteria's weights total 100%, shown beside the table.
    header = values["Criteria"][0]
    total = header.index("Total weight")
    assert values["Criteria"][1][total] == pytest.approx(1.0)
    for sheet, sheet_rows in values.items():
        for row in sheet_rows:
            for cell in row:
                assert not (
                    isinstance(cell, str) and cell.startswith(("#VALUE", "#NAME", "#REF"))
                ), f"{sheet}: {cell}"


def test_the_sample_round_reads_back_with_its_weaknesses(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    round_ = read_round(read_sheets(path), file=path.name)
    assert [p.id for p in round_.proposals] == [f"ASC-{i:02d}" for i in range(1, 13)]
    assert round_.budgets == [2_500_000, 2_000_000, 1_500_000]
    by_id = {p.id: p for p in round_.proposals}
    assert by_id["ASC-11"].missing_years == (3,)
    assert by_id["ASC-03"].years == 26
    assert by_id["ASC-12"].objectives == ()
    assert round_.criteria.weights == [0.25, 0.25, 0.20, 0.20, 0.10, 0.0]


def test_the_button_writes_the_result_sheets_for_the_sample_round(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    cells = run_script_on_file(evaluate_proposals, path)
    for sheet in ("Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"):
        assert sheet in cells
    decisions = {cells["Feedback"][f"A{r}"]: cells["Feedback"][f"D{r}"] for r in range(3, 15)}
    # ASC-10 fails the safeguarding must-pass criterion (scored 2, pass mark 3).
    assert decisions["ASC-10"] == "Reject"
    assert "Safeguarding and statutory duties" in cells["Feedback"]["E12"]


def test_evaluated_copy_has_charts_and_leaves_the_input_alone(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    before = sha256(path)
    result = write_results(path, tmp_path / "evaluated.xlsx")
    assert sha256(path) == before
    wb = load_workbook(tmp_path / "evaluated.xlsx")
    assert len(wb["Appraisal"]._charts) == 1 and len(wb["Portfolio"]._charts) == 1
    assert result.portfolio is not None and "ASC-03" in result.portfolio.left_out


def test_weights_can_come_from_pairwise_comparisons(tmp_path):
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    # Consistent judgements for weights 0.5, 0.3, 0.2: a_ij = w_i / w_j.
    inputs.pairwise = [[1, "5/3", 2.5], [0.6, 1, 1.5], [0.4, "2/3", 1]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in {c[0] for c in inputs.criteria}]
    path = build(tmp_path / "ahp.xlsx", inputs)
    result = evaluate(read_sheets(path), file=path.name)
    assert result.criteria.weights == pytest.approx([0.5, 0.3, 0.2])
    assert result.criteria.weights_from == "pairwise comparisons (AHP)"


# --- bad input ------------------------------------------------------------------------------


def problems(inputs, tmp_path: Path) -> str:
    path = build(tmp_path / "bad.xlsx", inputs)
    with pytest.raises((InputError, InputErrors)) as caught:
        evaluate(read_sheets(path), file=path.name)
    return str(caught.value)


def test_weights_that_do_not_sum_to_100_percent_name_the_sheet(tmp_path):
    inputs = sample_round()
    inputs.criteria = copy.deepcopy(DEFAULT_CRITERIA)
    inputs.criteria[0][1] = 0.35
    text = problems(inputs, tmp_path)
    assert (
        "bad.xlsx, sheet 'Criteria', field 'Weight': the weights add up to 110.0%, not 100%" in text
    )


def test_a_pairwise_matrix_that_is_not_reciprocal_is_located(tmp_path):
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.pairwise = [[1, 3, 5], [3, 1, 2], [0.2, 0.5, 1]]
    text = problems(inputs, tmp_path)
    assert "sheet 'Pairwise'" in text
    assert (
        "not reciprocal: 'Strategic fit' against 'Outcomes for people' is 3 but 'Outcomes for "
        "people' against 'Strategic fit' is 3; valid: 'Outcomes for people' against 'Strategic "
        "fit' = 1/3 = 0.3333" in text
    )


def test_a_blank_judgement_names_its_cell(tmp_path):
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.pairwise = [[1, 3, 5], [1 / 3, 1, None], [0.2, 0.5, 1]]
    text = problems(inputs, tmp_path)
    assert "bad.xlsx, Pairwise!D6: 'Outcomes for people' against 'Value for money' is blank" in text


def test_a_score_outside_the_scale_names_its_row(tmp_path):
    inputs = sample_round()
    inputs.assessment[3][2] = 7  # ASC-01, fourth criterion, on sheet row 5
    text = problems(inputs, tmp_path)
    assert (
        "sheet 'Assessment', row 5, field 'Score': score 7 is outside the scale; valid: 0 to 5"
        in text
    )


def test_text_in_amounts_and_an_unknown_project_type_are_all_reported(tmp_path):
    inputs = sample_round()
    inputs.costs[1][2] = "about 5k"  # ASC-01 year 1 capital, sheet row 3
    inputs.proposals[1][5] = "Care home"  # ASC-02, sheet row 3
    text = problems(inputs, tmp_path)
    assert "2 problems in the input" in text
    assert "sheet 'Costs', row 3, field 'Capital £': 'about 5k' is not an amount in £" in text
    assert (
        "sheet 'Proposals', row 3, field 'Project type': 'Care home' has no optimism-bias entry"
        in text
    )


def test_an_empty_proposal_is_located(tmp_path):
    inputs = sample_round()
    inputs.costs = [r for r in inputs.costs if r[0] != "ASC-05"]
    inputs.benefits = [r for r in inputs.benefits if r[0] != "ASC-05"]
    text = problems(inputs, tmp_path)
    assert (
        "sheet 'Proposals', row 6: proposal ASC-05 is empty: it has no costs and no benefits"
        in text
    )


def test_costs_for_an_unknown_proposal_and_a_repeated_year_are_located(tmp_path):
    inputs = sample_round()
    inputs.costs.append(["ASC-99", 0, 100, 0])
    inputs.benefits.append(["ASC-01", 1, 5, 5])
    text = problems(inputs, tmp_path)
    assert "proposal ID 'ASC-99' is not on the Proposals sheet" in text
    assert "year 1 is given twice for ASC-01" in text


def test_the_button_lists_input_problems_instead_of_failing(tmp_path):
    inputs = sample_round()
    inputs.assessment[0][2] = "good"
    path = build(tmp_path / "bad.xlsx", inputs)
    cells = run_script_on_file(evaluate_proposals, path)
    sheet = cells["Input problems"]
    assert sheet["A3"] == "bad.xlsx, sheet 'Assessment', row 2, field 'Score'"
    assert sheet["B3"] == "'good' is not a score from 0 to 5"


def test_every_decision_has_a_reason(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    result = evaluate(read_sheets(path))
    assert {f.decision for f in result.feedback} == set(Decision)
    assert all(f.reasons for f in result.feedback)


def test_the_button_draws_the_score_and_budget_charts(tmp_path):
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    path = build(tmp_path / "round.xlsx", sample_round())
    actions = run_script(evaluate_proposals, payload_from_xlsx(path))
    charts = {
        a["args"][0]: (a["args"][1], a["args"][3]) for a in actions if a["func"] == "addChart"
    }
    # 12 proposals: IDs and score shares in B3:C14 under the header in row 2; 3 budget years.
    assert charts == {
        "Scores chart": ("BarClustered", "$B$2:$C$14"),
        "Budget chart": ("ColumnClustered", "$A$2:$C$5"),
    }


def test_a_successful_evaluation_removes_the_old_input_problems_sheet(tmp_path):
    from cpcxl.xl.remote import payload_from_xlsx, run_script

    path = build(tmp_path / "round.xlsx", sample_round())
    wb = load_workbook(path)
    wb.create_sheet("Input problems")
    wb.save(path)
    payload = payload_from_xlsx(path)
    position = [s["name"] for s in payload["sheets"]].index("Input problems")
    actions = run_script(evaluate_proposals, payload)
    deleted = [a["sheet_position"] for a in actions if a["func"] == "sheetDelete"]
    assert deleted == [position]


def test_a_mitigation_over_100_percent_is_located(tmp_path):
    inputs = sample_round()
    inputs.proposals[0][6] = 50  # meant 50%, typed as 50
    text = problems(inputs, tmp_path)
    assert (
        "sheet 'Proposals', row 2, field 'Optimism bias mitigation': mitigation 50 is outside "
        "0% to 100%" in text
    )


def test_a_comparative_round_funds_the_best_set_and_says_why_others_were_not(tmp_path):
    inputs = sample_round()
    inputs.settings = {"Evaluation": "Comparative"}
    path = build(tmp_path / "round.xlsx", inputs)
    result = evaluate(read_sheets(path))
    by_id = {f.id: f for f in result.feedback}
    # The extra care scheme's £3m in year 0 cannot fit beside the better-value set.
    assert by_id["ASC-03"].decision == Decision.REJECT
    assert "would overspend year 0 by £2,380,000 (£620,000 left)" in by_id["ASC-03"].reasons[0]
    assert by_id["ASC-01"].decision == Decision.ACCEPT
    assert "It ranks 1 of 9 eligible proposals." in by_id["ASC-01"].reasons


def test_a_proposal_id_used_twice_is_located(tmp_path):
    inputs = sample_round()
    inputs.proposals[4][0] = "ASC-01"  # sheet row 6
    text = problems(inputs, tmp_path)
    assert (
        "sheet 'Proposals', row 6, field 'Proposal ID': proposal ID ASC-01 is also used on row 2"
        in text
    )


def test_pairwise_comparisons_are_matched_by_criterion_name_not_position(tmp_path):
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.pairwise = [[1, "5/3", 2.5], [0.6, 1, 1.5], [0.4, "2/3", 1]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in {c[0] for c in inputs.criteria}]
    path = build(tmp_path / "ahp.xlsx", inputs)
    # Swap the first two columns of the comparisons, headers included.
    wb = load_workbook(path)
    ws = wb["Pairwise"]
    for r in range(4, 8):
        ws.cell(r, 2).value, ws.cell(r, 3).value = ws.cell(r, 3).value, ws.cell(r, 2).value
    wb.save(path)
    result = evaluate(read_sheets(path), file=path.name)
    assert result.criteria.weights == pytest.approx([0.5, 0.3, 0.2])


def test_the_organisations_objectives_come_from_the_settings_sheet(tmp_path):
    inputs = sample_round()
    inputs.proposals[1][4] = "Prevention and early help; Better roads"  # ASC-02
    path = build(tmp_path / "round.xlsx", inputs)
    result = evaluate(read_sheets(path))
    by_id = {f.id: [w.name for w in f.weaknesses] for f in result.feedback}
    assert by_id["ASC-02"] == ["Objective not recognised"]
    assert by_id["ASC-01"] == []


def test_row_numbers_stay_right_when_a_sheet_does_not_start_in_a1(tmp_path):
    inputs = sample_round()
    inputs.assessment[0][2] = "good"
    path = build(tmp_path / "bad.xlsx", inputs)
    wb = load_workbook(path)
    ws = wb["Assessment"]
    ws.insert_rows(1)  # the table now starts in row 2; the first score is in C3
    for table in ws.tables.values():
        table.ref = "A2:D62"
    wb.save(path)
    cells = run_script_on_file(evaluate_proposals, path)
    assert cells["Input problems"]["A3"] == "bad.xlsx, sheet 'Assessment', row 3, field 'Score'"
