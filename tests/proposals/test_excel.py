"""Worksheet functions beyond their worked examples (shapes, bad cells, refusals) and the
"Evaluate proposals" button, run on workbook files through xlwings' remote engine."""

from __future__ import annotations

import importlib
import math
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError
from cpcxl.proposals.excel import (
    cpc_ahp_consistency,
    cpc_ahp_weights,
    cpc_bcr,
    cpc_discount_factor,
    cpc_irr,
    cpc_npsv,
    cpc_weighted_score,
    evaluate_proposals,
)
from cpcxl.proposals.inputs import DEFAULT_CRITERIA
from cpcxl.proposals.sample import sample_round, two_proposals_round
from cpcxl.proposals.workbook import build
from cpcxl.xl.remote import (
    apply_values,
    payload_after,
    payload_from_xlsx,
    run_script,
    run_script_on_file,
)

from .test_engine import HOUSE
from .test_workbook import rename_header

PVB = 600 / 1.035 + 600 / 1.035**2  # £600 in years 1 and 2 at 3.5%: £1,139.82


def udf(name: str):
    return getattr(importlib.import_module("cpcxl.xl.udfs"), name)


def test_a_row_of_years_gives_a_row_of_factors():
    # 1/1.035 and 1/1.015 (health), by hand.
    assert cpc_discount_factor([1, 1], ["standard", "health"]) == pytest.approx(
        [1 / 1.035, 1 / 1.015]
    )


def test_an_unknown_schedule_is_explained_in_the_cell():
    assert cpc_discount_factor(1, "green") == (
        "#VALUE! schedule: 'green' is not a discount schedule; valid: standard, health"
    )


def test_a_fractional_year_is_refused_in_its_cell():
    assert cpc_discount_factor(2.5) == (
        "#VALUE! year: 2.5 is not a whole number; valid: a year from year 0 from 0 to 1,000"
    )


def test_costs_and_benefits_of_different_lengths_reach_excel_as_a_sentence():
    result = udf("cpc_npsv")([100, 0, 0, 0], [0, 60, 60])
    assert result.startswith("#VALUE! the cost range covers 4 years but the benefit range covers 3")


def test_npsv_with_blanks_for_years_with_nothing():
    # Blank cells inside a row are years with no amount: 100 in year 0, 110 in year 2.
    assert cpc_npsv([100, None, None], [None, None, 110]) == pytest.approx(110 / 1.035**2 - 100)


def test_the_functions_take_their_arguments_by_keyword():
    # £1,000 in year 0 raised 24% by optimism bias to £1,240, against PV benefits £1,139.82.
    by_keyword = udf("cpc_npsv")(
        costs=[1000, 0, 0], benefits=[0, 600, 600], optimism_bias=0.24, schedule="standard"
    )
    assert by_keyword == pytest.approx(PVB - 1240)


# --- the cases in the worksheet functions -------------------------------------------


@pytest.mark.parametrize("function", [cpc_npsv, cpc_bcr])
def test_an_optimism_bias_of_24_is_refused_naming_the_argument(function):
    with pytest.raises(InputError) as caught:
        function([1000, 0, 0], [0, 600, 600], "standard", 24)
    message = str(caught.value)
    assert message.startswith("optimism_bias: 24 is 2,400%, outside 0% to 200% for optimism bias")
    assert "type 24% (or 0.24)" in message


def test_an_optimism_bias_of_24_reaches_the_cell_as_a_short_reason():
    cell = udf("cpc_bcr")([1000, 0, 0], [0, 600, 600], "standard", 24)
    assert cell.startswith("#VALUE! optimism_bias: 24 is 2,400%")
    assert "type 24% (or 0.24)" in cell and len(cell) <= 255


def test_optimism_bias_does_not_enlarge_a_saving_in_the_function():
    # Issue 13 case 3: the saving of £500 in year 1 stays £500: NPSV 500/1.035 = £483.09 with
    # a 200% optimism bias as without (it gave £1,449.28, the saving tripled).
    assert udf("cpc_npsv")([0, -500, 0], [0, 0, 0], "standard", 2.0) == pytest.approx(500 / 1.035)
    assert cpc_npsv([0, -500, 0], [0, 0, 0]) == pytest.approx(483.0918, abs=1e-4)
    # BCR: benefits £1,035 in year 1 (PV £1,000) over costs £1,000 raised 24% less a saving of
    # £207 in year 1 (PV £200): 1000 / (1240 - 200).
    assert cpc_bcr([1000, -207], [0, 1035], "standard", 0.24) == pytest.approx(1000 / 1040)


def test_irr_with_two_rates_is_an_error_listing_both():
    # Issue 13 case 6: costs 100, 0, 132 against benefits 0, 230, 0 have rates of 10% and 20%
    # (100(1+r)^2 - 230(1+r) + 132 = 0 gives 1+r = 1.1 or 1.2); the cell says so, listing both.
    cell = udf("cpc_irr")([100, 0, 132], [0, 230, 0])
    assert cell.startswith("#NUM! the net flows have 2 internal rates of return (10% and 20%)")
    assert len(cell) <= 255
    assert cpc_irr([100, 0], [0, 121]) == pytest.approx(0.21)  # 121/(1+r) = 100
    # In a table, only that row's cell: the first row is 21% (121/(1+r) = 100).
    table = udf("cpc_irr")([[100, 0, 0], [100, 0, 132]], [[0, 121, 0], [0, 230, 0]])
    assert table[0] == [pytest.approx(0.21)]
    assert table[1][0].startswith("#NUM! the net flows have 2 internal rates of return")


def test_health_benefits_at_the_health_rate_and_costs_at_the_standard_rate():
    # Issue 13 case 4. Health schedule: benefits at 1.5%, costs at 3.5%: 1,100/1.015 -
    # 1,000/1.035 = £117.56 (costs were discounted at 1.5% too: £98.52).
    assert udf("cpc_npsv")([0, 1000], [0, 1100], "health") == pytest.approx(
        1100 / 1.015 - 1000 / 1.035
    )
    # The fifth argument, by keyword: £600 of health and life values at 1.5% beside £500 of
    # other benefits at 3.5%.
    ratio = udf("cpc_bcr")(costs=[0, 1000], benefits=[0, 500], health_benefits=[0, 600])
    assert ratio == pytest.approx((500 / 1.035 + 600 / 1.015) / (1000 / 1.035))
    # A bad health amount is named by its year; a range of another size is refused.
    assert udf("cpc_npsv")([0, 1000], [0, 0], "standard", 0, [0, "lots"]).startswith(
        "#VALUE! health_benefits year 1: 'lots' is not an amount in £"
    )
    assert udf("cpc_npsv")([0, 1000], [0, 0], "standard", 0, [0, 1, 2]).startswith(
        "#VALUE! the cost range covers 2 years but the health benefit range covers 3"
    )


def test_a_negative_optimism_bias_is_refused():
    with pytest.raises(InputError, match=r"optimism_bias: -0\.2 is -20%, outside 0% to 200%"):
        cpc_bcr([100], [120], "standard", -0.2)


def test_1_000_in_a_cost_is_named_by_its_year():
    assert udf("cpc_npsv")([1000, "1_000", 0], [0, 600, 600]).startswith(
        "#VALUE! costs year 1: '1_000' is not an amount in £"
    )


def test_a_cell_of_32767_characters_gives_a_short_reason_not_the_text():
    text = "1" * 32_767
    cell = udf("cpc_npsv")([[1000, 0], [text, 0]], [[0, 1100], [0, 1100]])
    # The first row is fine (1100/1.035 - 1000); the second names the cell, shortened.
    assert cell[0] == [pytest.approx(1100 / 1.035 - 1000)]
    reason = cell[1][0]
    assert reason.startswith("#VALUE! costs year 0: '1111")
    assert "(32,767 characters)" in reason and len(reason) <= 255


def test_a_weight_typed_as_25_is_refused_with_what_was_meant():
    cell = udf("cpc_weighted_score")([4, 3, 5, 2], [25, 25, 25, 25])
    assert cell.startswith("#VALUE! weight 1: 25 is 2,500%, outside 0% to 100% for a weight")
    assert "type 25% (or 0.25)" in cell


def test_a_score_above_the_top_of_the_scale_is_refused_in_its_own_cell():
    # Issue 13 case 9. On the 0-5 scale a 6 is not a score: 0.5×4 + 0.3×6 + 0.2×5 = 4.8 (or
    # 4.9 with other weights) "out of 5" came from it. Only that row's cell says so, naming
    # the score by its position; the row above is 0.5×4 + 0.3×3 + 0.2×5 = 3.9.
    cells = udf("cpc_weighted_score")([[4, 3, 5], [4, 6, 5], [-1, 3, 5]], [0.5, 0.3, 0.2])
    assert cells[0] == [pytest.approx(3.9)]
    assert cells[1] == [
        "#VALUE! score 2: 6 is outside 0 to 5 (the scoring scale, 0 to scale_max 5); valid: a "
        "score from 0 to 5"
    ]
    assert cells[2][0].startswith("#VALUE! score 1: -1 is outside 0 to 5")
    # The third argument sets the top of the scale: on 0-10 the 6 is a score (4.8).
    assert cpc_weighted_score([4, 6, 5], [0.5, 0.3, 0.2], 10) == pytest.approx(4.8)
    assert udf("cpc_weighted_score")(scores=[4, 6, 5], weights=[0.5, 0.3, 0.2], scale_max=10) == (
        pytest.approx(4.8)
    )
    assert udf("cpc_weighted_score")([4, 3, 5], [0.5, 0.3, 0.2], 0) == (
        "#VALUE! scale_max: 0 is outside 1 to 1,000 (a local limit: scoring scales run 0-5, "
        "0-10 or 0-100); valid: the top of the scoring scale from 1 to 1,000"
    )


def test_the_button_refuses_a_score_above_the_scale_where_it_is(tmp_path):
    # Issue 13 case 9 in the workbook: the Assessment table's scores are on the 0-5 scale, so
    # a 6 is reported at its cell and nothing is evaluated.
    inputs = sample_round()
    inputs.assessment[0][2] = 6
    sheet = problems_written(tmp_path, build(tmp_path / "bad.xlsx", inputs))
    assert sheet["A3"] == "bad.xlsx, Assessment!C2, field 'Score'"
    assert sheet["B3"].startswith("6 is outside 0 to 5")
    assert sheet["C3"] == "a score from 0 to 5"


def test_weights_are_checked_even_for_a_blank_row_of_scores():
    with pytest.raises(InputError, match="weight 2 is blank"):
        cpc_weighted_score([[1, 2]], [0.5, None])


def test_more_scores_than_weights_is_refused():
    assert "there are 3 scores but 2 weights" in udf("cpc_weighted_score")([1, 2, 3], [0.5, 0.5])


def test_saatys_house_judgements_are_refused_in_the_cell_with_the_conflicts():
    result = udf("cpc_ahp_weights")(HOUSE)
    assert result.startswith("#VALUE! the pairwise judgements are too inconsistent")
    assert "item 3 against item 7 is 6" in result
    # The consistency ratio itself is still reported (Saaty's published 0.169).
    assert round(cpc_ahp_consistency(HOUSE), 3) == 0.169


def test_typed_reciprocals_are_read_as_the_fractions_they_stand_for():
    # Issue 13 case 8: 0.33 in both triangles is 1/3, so weights 3/7, 1/7, 3/7 exactly.
    weights = udf("cpc_ahp_weights")([[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]])
    assert [w[0] for w in weights] == pytest.approx([3 / 7, 1 / 7, 3 / 7], abs=1e-12)
    assert cpc_ahp_consistency([[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]]) == pytest.approx(
        0, abs=1e-12
    )
    # A conflict near equal says "about 1", never "about 1/1". The cycle 1 > 2 > 3 > 1 (a12 =
    # 1/3, a13 = 3, a23 = 1/3): every row's geometric mean is (1/3 × 3)^(1/3) = 1, so the
    # weights are equal and each judgement is against an implied 1.
    cell = udf("cpc_ahp_weights")([[1, 1 / 3, 3], [3, 1, 1 / 3], [1 / 3, 3, 1]])
    assert "item 1 against item 3 is 3 but the other judgements imply about 1;" in cell
    assert "1/1" not in cell
    # 12 criteria: Saaty's random index goes on to 15 (a consistent 12 × 12, weights in the
    # proportions 4 to 15, so every judgement is within Saaty's 1/9 to 9).
    w = [i / 114 for i in range(4, 16)]
    weights = udf("cpc_ahp_weights")([[a / b for b in w] for a in w])
    assert [x[0] for x in weights] == pytest.approx(w)


def test_judgements_typed_as_text_fractions_and_blank_cells():
    weights = cpc_ahp_weights([[1, "1/3"], ["3", 1]])
    assert [w[0] for w in weights] == pytest.approx([0.25, 0.75])
    with pytest.raises(InputError, match="row 1, column 2 is blank"):
        cpc_ahp_weights([[1, None], [1, 1]])


# --- issue 12 case 3: every sizing argument bounded before any work; long loops stopped -----


def test_a_year_of_1e8_is_refused_at_once():
    # Issue 12 case 3: CPC.DISCOUNT_FACTOR(1E8) took 7.6 s and 1 GB. The year is bounded (0 to
    # 1,000, a local limit) before any factor is worked.
    started = time.perf_counter()
    cell = udf("cpc_discount_factor")(1e8)
    assert time.perf_counter() - started < 0.5
    assert cell == (
        "#VALUE! year: 100000000 is outside 0 to 1,000 (a local limit beyond any appraisal); "
        "valid: a year from year 0 from 0 to 1,000"
    )


@pytest.mark.parametrize("name", ["cpc_npsv", "cpc_bcr", "cpc_irr"])
def test_a_cost_range_of_more_than_301_years_is_refused_before_any_cell_is_read(name):
    # Issue 12 case 3: the years in a range size the work (an IRR's polynomial grows with the
    # cube of the years); 301 (years 0 to 300) is the limit, checked before the cells are read,
    # so 200,000 cells of text are refused at once for their number, not parsed.
    started = time.perf_counter()
    cell = udf(name)([["x"] for _ in range(200_000)], [[0] for _ in range(200_000)])
    assert time.perf_counter() - started < 2
    assert cell == (
        "#VALUE! costs: the range covers 200,000 years, more than the 301 (years 0 to 300) a "
        "proposal may have; valid: at most 301 years, one column (or cell) per year from year 0"
    )
    assert not str(udf(name)([1] * 301, [2] * 301)).startswith("#VALUE!")  # 301 years is fine


def test_a_matrix_too_large_to_compare_is_refused_before_any_cell_is_read():
    # Issue 12 case 3: 400 × 400 cells of text are refused for their size (Saaty's random
    # index stops at 15), not parsed one by one.
    matrix = [["x"] * 400 for _ in range(400)]
    for name in ("cpc_ahp_weights", "cpc_ahp_consistency"):
        assert udf(name)(matrix).startswith(
            "#VALUE! the matrix is 400 × 400: 400 items are too many to compare pairwise"
        )


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("cpc_irr", ([[100, 0, 132]] * 50, [[0, 230, 0]] * 50)),
        ("cpc_weighted_score", ([[4, 3, 5]] * 50, [0.5, 0.3, 0.2])),
    ],
)
def test_long_loops_stop_when_the_call_is_out_of_time(name, arguments):
    # Issue 12 case 3: a call past the server's time limit is stopped where it next checks
    # the clock (each row) and answered with an error, not left computing.
    from cpcxl.common.limits import time_limit

    with time_limit(0.0):
        cell = udf(name)(*arguments)
    assert cell.startswith("#VALUE! stopped after 0 seconds, this server's time limit")


# --- the button ------------------------------------------------------------------------------


def test_the_button_writes_the_result_sheets_for_the_sample_round(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    cells = run_script_on_file(evaluate_proposals, path)
    for sheet in ("Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"):
        assert sheet in cells
    assert "Input notes" not in cells
    decisions = {cells["Feedback"][f"A{r}"]: cells["Feedback"][f"D{r}"] for r in range(3, 15)}
    # ASC-10 fails the safeguarding must-pass criterion (scored 2, pass mark 3).
    assert decisions["ASC-10"] == "Reject"
    assert "Safeguarding and statutory duties" in cells["Feedback"]["E12"]


def test_the_button_lists_input_problems_instead_of_failing(tmp_path):
    inputs = sample_round()
    inputs.assessment[0][2] = "good"
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "bad.xlsx", inputs))
    sheet = cells["Input problems"]
    assert sheet["A3"] == "bad.xlsx, Assessment!C2, field 'Score'"
    assert sheet["B3"] == "'good' is not a score"
    assert sheet["C3"] == "a score from 0 to 5"
    assert "Appraisal" not in cells


def appraisal_of(cells: dict[str, dict[str, object]], pid: str) -> dict[str, object]:
    """One proposal's row of the Appraisal sheet, by header (the header is row 2)."""
    sheet = cells["Appraisal"]
    header = {k[:-1]: v for k, v in sheet.items() if k[1:] == "2" and len(k) == 2}
    row = next(k[1:] for k, v in sheet.items() if k.startswith("A") and v == pid)
    return {name: sheet.get(f"{letter}{row}") for letter, name in header.items()}


def test_the_button_does_not_enlarge_a_saving_typed_as_a_negative_cost(tmp_path):
    # Issue 13 case 3 in the workbook. X: capital £1,000 in year 0 and -£500 in year 1 (an
    # asset sold), outsourcing with no mitigation (41%): PV costs 1,000 × 1.41 - 500/1.035 =
    # 1,410 - 483.09 = £926.91; the bias no longer makes the receipt £705.
    inputs = two_proposals_round()
    inputs.proposals[0][6] = 0
    inputs.costs.append(["X", 1, -500, 0])
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "saving.xlsx", inputs))
    x = appraisal_of(cells, "X")
    assert x["PV costs before optimism bias £"] == round(1000 - 500 / 1.035)  # 517
    assert x["PV costs £"] == round(1410 - 500 / 1.035)  # 927


def test_the_button_works_discounted_payback_on_the_net_flows(tmp_path):
    # Issue 13 case 7 in the workbook. X: £1,000 in year 0, a receipt of £3,000 in year 1
    # (capital -£3,000), benefits £2,100 in year 2; fully mitigated, so no optimism bias.
    # Cumulative discounted net flow after year 1: -1,000 + 3,000/1.035 = +£1,898.55, and it
    # only grows: paid back in year 1 (the cell was blank).
    inputs = two_proposals_round()
    inputs.costs.append(["X", 1, -3000, 0])
    inputs.benefits = [["X", 2, 2100, 0], *(r for r in inputs.benefits if r[0] == "Y")]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "payback.xlsx", inputs))
    assert appraisal_of(cells, "X")["Discounted payback (year)"] == 1


def test_the_button_lists_both_rates_instead_of_one_irr(tmp_path):
    # Issue 13 case 6 in the workbook: X's costs 100, 0, 132 against benefits 0, 230, 0
    # (fully mitigated, no optimism bias) have IRRs of 10% and 20%; the IRR cell says so
    # (before, it showed 10%).
    inputs = two_proposals_round()
    inputs.costs = [["X", 0, 100, 0], ["X", 1, 0, 0], ["X", 2, 132, 0], ["Y", 0, 1000, 0]]
    inputs.benefits = [["X", 1, 230, 0], *(r for r in inputs.benefits if r[0] == "Y")]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "irr.xlsx", inputs))
    assert appraisal_of(cells, "X")["IRR"] == "More than one: 10% and 20%; judge by the NPSV"
    # Y keeps its one rate: -1,000 + 1,100x + 1,100x^2 = 0 with x = 1/(1+r).
    x = (-1100 + math.sqrt(1100**2 + 4 * 1100 * 1000)) / 2200
    assert appraisal_of(cells, "Y")["IRR"] == pytest.approx(1 / x - 1)  # 73.43%


def test_the_button_discounts_health_benefits_at_the_health_rate(tmp_path):
    # Issue 13 case 4 in the workbook: the Benefits table's Health benefits £ column. X's
    # £600 in years 1 and 2 are health benefits: 600/1.015 + 600/1.015^2 = £1,173.53 (as
    # cash-releasing benefits at 3.5% they are £1,139.82).
    inputs = two_proposals_round()
    inputs.benefits = [
        [p, y, 0, 0, a] if p == "X" else [p, y, a, 0] for p, y, a, _ in inputs.benefits
    ]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "health.xlsx", inputs))
    x = appraisal_of(cells, "X")
    health = 600 / 1.015 + 600 / 1.015**2
    assert x["PV benefits £"] == round(health) == 1174
    assert x["of which health benefits £"] == 1174
    assert x["NPSV £"] == round(health - 1000)
    assert appraisal_of(cells, "Y")["of which health benefits £"] == 0


def test_the_buttons_health_schedule_keeps_costs_at_the_standard_rate(tmp_path):
    # Issue 13 case 4: Settings' Discount schedule = health. Y spends a further £500 in year
    # 1: PV costs 1,000 + 500/1.035 = £1,483.09 (at 1.5% it was £1,492.61); its benefits,
    # £1,100 in years 1 and 2, are at 1.5%: 1,100/1.015 + 1,100/1.015^2 = £2,151.47.
    inputs = two_proposals_round()
    inputs.settings = {"schedule": "health"}
    inputs.costs.append(["Y", 1, 500, 0])
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "schedule.xlsx", inputs))
    y = appraisal_of(cells, "Y")
    assert y["PV costs £"] == round(1000 + 500 / 1.035) == 1483
    assert y["PV benefits £"] == round(1100 / 1.015 + 1100 / 1.015**2) == 2151
    assert cells["Appraisal"]["A1"].endswith(
        "benefits at the health rate (1.5% declining), costs at the standard rate (3.5% declining)"
    )


def test_the_button_keeps_optimism_bias_within_the_guidances_bounds(tmp_path):
    # Issue 13 case 5 in the workbook. X: equipment/development fully mitigated, capital
    # £1,000 in year 0 and revenue £103.50 in year 1. Capital: the lower bound, 10%, so
    # £1,100 (it was 0%); revenue: the operating bound's lower, 0%, so 103.5/1.035 = £100.
    # Y: standard buildings with no mitigation, capital £1,000 (24%: £1,240) and revenue
    # £103.50 in year 1 (41%: 145.935/1.035 = £141; it was 24%, £124).
    inputs = two_proposals_round()
    inputs.proposals[0][5] = "Equipment/development"
    inputs.proposals[1][5], inputs.proposals[1][6] = "Standard buildings", 0
    inputs.costs += [["X", 1, 0, 103.5], ["Y", 1, 0, 103.5]]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "bias.xlsx", inputs))
    x, y = appraisal_of(cells, "X"), appraisal_of(cells, "Y")
    assert (x["Optimism bias on capital"], x["Optimism bias on revenue"]) == (0.1, 0)
    assert x["PV costs £"] == 1200
    assert (y["Optimism bias on capital"], y["Optimism bias on revenue"]) == (0.24, 0.41)
    assert y["PV costs £"] == 1240 + 141


def problems_written(tmp_path: Path, path: Path) -> dict[str, str]:
    cells = run_script_on_file(evaluate_proposals, path)
    assert "Appraisal" not in cells, "nothing is evaluated while there are problems"
    return cells["Input problems"]


def test_the_button_refuses_a_mitigation_of_24_with_what_was_meant(tmp_path):
    inputs = sample_round()
    inputs.proposals[0][6] = 24
    sheet = problems_written(tmp_path, build(tmp_path / "bad.xlsx", inputs))
    assert sheet["A3"] == "bad.xlsx, Proposals!G2, field 'Optimism bias mitigation'"
    assert sheet["B3"].startswith("24 is 2,400%, outside 0% to 100% for optimism bias mitigation")
    assert sheet["B3"].endswith("type 24% (or 0.24)")
    assert sheet["C3"] == "a percentage from 0% to 100%"


def test_the_button_reports_a_renamed_revenue_header_and_evaluates_nothing(tmp_path):
    path = rename_header(build(tmp_path / "bad.xlsx", sample_round()), "Costs", 4, "Rev")
    sheet = problems_written(tmp_path, path)
    assert sheet["A3"] == "bad.xlsx, Costs!D1"
    assert sheet["B3"] == "the header 'Rev' is not a column of the Costs table"
    assert sheet["C3"].startswith("the columns Proposal ID, Year, Capital £, Revenue £")
    assert "A4" not in sheet  # the one problem: no proposal is reported empty


def test_the_button_reads_revenue_in_brackets_and_shows_the_note(tmp_path):
    path = rename_header(build(tmp_path / "round.xlsx", sample_round()), "Costs", 4, "Revenue (£)")
    cells = run_script_on_file(evaluate_proposals, path)
    assert cells["Input notes"]["A3"] == "Costs: read the header 'Revenue (£)' as 'Revenue £'"
    # The revenue is read: ASC-01's £400,000 a year makes its NPSV as without the rename
    # (£1,273,732, shown to the pound).
    assert appraisal_of(cells, "ASC-01")["NPSV £"] == 1273732


def test_the_button_names_1_000_and_a_very_long_text_in_the_costs(tmp_path):
    inputs = sample_round()
    inputs.costs[1][2] = "1_000"  # sheet row 3
    inputs.costs[2][3] = "9" * 32_767  # sheet row 4
    sheet = problems_written(tmp_path, build(tmp_path / "bad.xlsx", inputs))
    assert (sheet["A3"], sheet["B3"]) == (
        "bad.xlsx, Costs!C3, field 'Capital £'",
        "'1_000' is not an amount in £",
    )
    assert sheet["A4"] == "bad.xlsx, Costs!D4, field 'Revenue £'"
    assert sheet["B4"].endswith("...' (32,767 characters) is not an amount in £")
    assert len(sheet["B4"]) < 100


def test_the_button_reads_weights_from_pairwise_comparisons(tmp_path):
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in inputs.criterion_names]
    # Consistent judgements for weights 0.5, 0.3, 0.2: a_ij = w_i / w_j.
    inputs.pairwise = [[1, "5/3", 2.5], [0.6, 1, 1.5], [0.4, "2/3", 1]]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "ahp.xlsx", inputs))
    scores = cells["Scores"]
    assert scores["A1"] == "Criteria (weights pairwise comparisons (AHP))"
    assert [scores[f"B{r}"] for r in (3, 4, 5)] == pytest.approx([0.5, 0.3, 0.2])


def test_the_button_reads_a_typed_third_above_the_diagonal_as_one_third(tmp_path):
    # Issue 13 case 8 in the workbook: the Pairwise sheet holds 3, 1 and 0.33 above the
    # diagonal (and 0.33, 1, 3 below): weights 3/7, 1/7, 3/7 exactly.
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in inputs.criterion_names]
    inputs.pairwise = [[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "ahp.xlsx", inputs))
    scores = cells["Scores"]
    assert [scores[f"B{r}"] for r in (3, 4, 5)] == pytest.approx([3 / 7, 1 / 7, 3 / 7], abs=1e-12)


def test_the_button_draws_the_score_budget_npsv_tornado_and_affordability_charts(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    actions = run_script(evaluate_proposals, payload_from_xlsx(path))
    charts = {
        a["args"][0]: (a["args"][1], a["args"][3]) for a in actions if a["func"] == "addChart"
    }
    # 12 proposals: IDs and score shares in B3:C14 under the header in row 2; 3 budget years.
    assert charts["Scores chart"] == ("BarClustered", "$B$2:$C$14")
    assert charts["Budget chart"] == ("ColumnClustered", "$A$2:$C$5")
    # Issue 17: NPSV and BCR by proposal, a column per decision (12 proposals under a header);
    # budget against cash cost for five financial years; a tornado for each of the 8 chosen.
    assert charts["NPSV chart"] == ("ColumnStacked", "$A$2:$D$14")
    assert charts["BCR chart"] == ("ColumnStacked", "$A$17:$D$29")
    assert charts["Affordability chart"] == ("ColumnClustered", "$A$5:$C$10")
    assert len([n for n in charts if n.startswith("Tornado ")]) == 8
    # Each decision's series in its colour: Accept green, Amend amber, Reject red.
    colours = [
        a["args"][2]["fill_color"].upper()
        for a in actions
        if a["func"] == "setChartSeries" and "fill_color" in a["args"][2]
    ]
    start = colours.index("#70AD47")  # the tornadoes' red and blue come first
    assert colours[start : start + 6] == ["#70AD47", "#FFC000", "#C00000"] * 2


def test_pressing_the_button_twice_keeps_no_edited_copy_and_a_third_keeps_the_officers(
    tmp_path,
):
    # Issue 12 case 13: the template makes no result sheet for the button (so there is none to
    # mark with mark_output_sheet); the first press keeps no "(edited)" copy, a second press
    # on the workbook as Excel sends it back keeps none either, and a press after the officer
    # typed a note on the Feedback sheet keeps that sheet aside and says where.
    path = build(tmp_path / "round.xlsx", sample_round())
    template = {s["name"] for s in payload_from_xlsx(path)["sheets"]}
    assert not template & {"Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"}
    payload = payload_from_xlsx(path)
    first = run_script(evaluate_proposals, payload)
    assert not [a for a in first if a["func"] == "copySheet"]
    again = payload_after(payload, first)
    second = run_script(evaluate_proposals, again)
    assert not [a for a in second if a["func"] == "copySheet"]
    edited = payload_after(again, second)
    feedback = next(s for s in edited["sheets"] if s["name"] == "Feedback")
    feedback["values"][2].append("Sponsor to resubmit in June")  # F3, beside ASC-01's reasons
    third = run_script(evaluate_proposals, edited)
    cells = apply_values(edited, third)
    assert [a["func"] for a in third].count("copySheet") == 1
    assert cells["Feedback (edited)"]["F3"] == "Sponsor to resubmit in June"
    assert "F3" not in cells["Feedback"]


def test_a_successful_evaluation_removes_the_old_input_problems_and_notes(tmp_path):
    path = build(tmp_path / "round.xlsx", sample_round())
    wb = load_workbook(path)
    wb.create_sheet("Input problems")
    wb.create_sheet("Input notes")
    wb.save(path)
    payload = payload_from_xlsx(path)
    names = [s["name"] for s in payload["sheets"]]
    actions = run_script(evaluate_proposals, payload)
    deleted = [a["sheet_position"] for a in actions if a["func"] == "sheetDelete"]
    # The first deletion shifts the later sheet up one place.
    assert deleted == [names.index("Input problems"), names.index("Input notes") - 1]


def test_row_numbers_stay_right_when_a_sheet_does_not_start_in_a1(tmp_path):
    inputs = sample_round()
    inputs.assessment[0][2] = "good"
    path = build(tmp_path / "bad.xlsx", inputs)
    wb = load_workbook(path)
    ws = wb["Assessment"]
    ws.insert_rows(1)  # the table now starts in row 2; the first score is in C3
    table = ws.tables["Assessment"]
    assert table.ref == "A1:D73"  # 12 proposals × 6 criteria under the header
    table.ref = "A2:D74"
    wb.save(path)
    cells = run_script_on_file(evaluate_proposals, path)
    assert cells["Input problems"]["A3"] == "bad.xlsx, Assessment!C3, field 'Score'"
