"""Issue 17: panels and moderation, several members' pairwise judgements, the sensitivity of
the result, real and nominal prices, affordability and the negotiation, each against a hand
calculation; and the issue's bad input, each a located error in the tables and through the
command or the button."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cpcxl.common.errors import InputErrors
from cpcxl.proposals import engine
from cpcxl.proposals.excel import cpc_weight_sensitivity, evaluate_proposals
from cpcxl.proposals.inputs import DEFAULT_CRITERIA, RoundInputs, read_round
from cpcxl.proposals.models import Decision, ModerationMethod, Panel, PanelScore
from cpcxl.proposals.outputs import result_sheets
from cpcxl.proposals.sample import panel_round, two_proposals_round
from cpcxl.proposals.workbook import build
from cpcxl.xl.remote import run_script_on_file

NAMES = [r[0] for r in DEFAULT_CRITERIA]


def read(inputs: RoundInputs, file: str = "round.xlsx"):
    tables, pairwise = inputs.cells()
    return read_round(tables, pairwise=pairwise, file=file)


def problems(inputs: RoundInputs) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        read(inputs)
    return [str(e) for e in caught.value]


def panel_of_two(scores: dict[str, list[float]]) -> RoundInputs:
    """The two-proposal round scored by a panel instead of the Assessment."""
    inputs = two_proposals_round()
    inputs.assessment = []
    inputs.panel = [
        [member, pid, name, score, f"{member} on {pid}"]
        for member, given in scores.items()
        for pid in "XY"
        for name, score in zip(NAMES, given, strict=True)
    ]
    return inputs


# --- sensitivity -----------------------------------------------------------------------------


def test_the_issues_weight_sensitivity_example():
    # Issue 17: A [5, 1], B [1, 4], weights [0.6, 0.4]: A leads 3.4 to 2.2. Moving the first
    # weight by d (the second becomes 0.4 - d): A 3.4 + 4d, B 2.2 - 3d, level at d = -1.2/7.
    (row,) = cpc_weight_sensitivity([[5, 1], [1, 4]], [0.6, 0.4])
    assert row == pytest.approx([-0.1714, 0.1714], abs=5e-5)
    assert row[0] == pytest.approx(-1.2 / 7) and row[1] == pytest.approx(1.2 / 7)
    # Why +0.1714: moving the second weight by d rescales the only other weight, the first,
    # to 1 - (0.4 + d) = 0.6 - d; at d = +1.2/7 the weights are 3/7 and 4/7, the very point
    # the first weight's -0.1714 reaches, where A and B tie at 0.4286×5 + 0.5714×1 = 2.7143.
    first = [0.6 + row[0], 0.4 - row[0]]
    second = [0.6 - row[1], 0.4 + row[1]]
    assert first == pytest.approx([3 / 7, 4 / 7]) and second == pytest.approx(first)
    scores = np.array([[5, 1], [1, 4]])
    assert scores @ np.array(first) == pytest.approx([19 / 7, 19 / 7])
    # Beyond the tie B leads: at the first weight 0.42, B 0.42 + 2.32 = 2.74 > A 2.68.
    assert engine.weight_sensitivity(scores, [0.6, 0.4])[0].leader == 1


def test_a_criterion_with_all_the_weight_has_no_others_to_rescale():
    # [1, 0]: nothing to rescale from the first; the second may take B to the lead at 4/7.
    changes = engine.weight_sensitivity([[5, 1], [1, 4]], [1.0, 0.0])
    assert changes[0].change is None
    assert changes[1].change == pytest.approx(4 / 7)


def test_the_sensitivity_sheet_names_who_would_rank_first():
    result = engine.evaluate(read(two_proposals_round()))
    # Every score is 4 for X and Y: no weights separate them, so every change is blank.
    sheet = next(s for s in result_sheets(result) if s.name == "Sensitivity")
    weights = sheet.blocks[0].values
    assert weights[0][:3] == ["Criterion", "Weight", "Change"]
    assert all(r[2] is None for r in weights[1:])


def test_the_tornado_moves_npsv_by_a_fifth_of_each_lines_present_value():
    # Y, the one proposal in the portfolio: capital £1,000 in year 0 (outsourcing fully
    # mitigated: 0% optimism bias), £1,100 of cash-releasing benefits in years 1 and 2:
    # PV 1,100/1.035 + 1,100/1.035^2 = 2,089.66. ±20%: benefits ±417.93, capital ∓200.
    result = engine.evaluate(read(two_proposals_round()))
    assert result.review is not None
    (tornado,) = result.review.tornadoes
    assert tornado.proposal_id == "Y"
    swings = {s.line: (s.low, s.high) for s in tornado.swings}
    pvb = 1100 / 1.035 + 1100 / 1.035**2
    assert swings["Cash-releasing benefits"] == pytest.approx((-0.2 * pvb, 0.2 * pvb))
    assert swings["Capital costs"] == pytest.approx((200.0, -200.0))
    # The same as appraising Y with the line scaled: NPSV(1.2 × benefits) - NPSV.
    assert engine.npsv([1000, 0, 0], [0, 1320, 1320]) - engine.npsv(
        [1000, 0, 0], [0, 1100, 1100]
    ) == pytest.approx(swings["Cash-releasing benefits"][1])


# --- panels and moderation -------------------------------------------------------------------


def test_the_moderated_score_is_the_median_or_the_mean_and_wide_spreads_are_flagged():
    members = np.array([[[1.0, 4.0, 4.0, 5.0]]])  # one proposal, one criterion, four members
    chair = np.full((1, 1), np.nan)
    derived, _, _, _, _, flagged = engine.moderate_scores(members, chair)
    assert derived[0, 0] == 4.0  # median of 1, 4, 4, 5: (4 + 4) / 2
    assert flagged[0, 0]  # 5 - 1 = 4 points apart, more than 2
    mean = engine.moderate_scores(members, chair, ModerationMethod.MEAN)[1]
    assert mean[0, 0] == pytest.approx(3.5)  # (1 + 4 + 4 + 5) / 4
    # A spread of exactly 2 is not more than 2: not flagged.
    level = engine.moderate_scores(np.array([[[3.0, 5.0]]]), chair)[5]
    assert not level[0, 0]


def test_a_panel_round_is_moderated_and_a_conflicted_member_left_out():
    inputs = panel_of_two({"Ann": [4] * 6, "Ben": [2] * 6, "Cal": [5] * 6})
    inputs.panel = [r for r in inputs.panel if not (r[0] == "Cal" and r[1] == "X")]
    inputs.conflicts = [["Cal", "X", "Partner runs the provider"]]
    round_ = read(inputs)
    assert round_.panel is not None and round_.panel.members == ["Ann", "Ben", "Cal"]
    result = engine.evaluate(round_)
    # X: Ann 4 and Ben 2 (Cal conflicted): median 3, flagged? 4 - 2 = 2, not more than 2.
    # Y: 4, 2, 5: median 4; 5 - 2 = 3 > 2, flagged for moderation.
    assert result.scores.loc["X", NAMES[0]] == 3.0
    assert result.scores.loc["Y", NAMES[0]] == 4.0
    sheet = next(s for s in result_sheets(result) if s.name == "Panel scores")
    rows = sheet.blocks[0].values
    x_row = next(r for r in rows if r[0] == "X")
    assert x_row[2:5] == [4.0, 2.0, "Conflicted"]
    y_row = next(r for r in rows if r[0] == "Y")
    assert y_row[-3:] == [4.0, "median of 3", "Spread 3 > 2: to moderate"]
    # The comments side by side for the flagged rows, and the record of the conflict.
    flagged = sheet.blocks[1].values
    assert flagged[1][:6] == ["Y", NAMES[0], 3.0, "4: Ann on Y", "2: Ben on Y", "5: Cal on Y"]
    assert sheet.blocks[2].values[1] == [
        "Cal",
        "X",
        "Partner runs the provider",
        "Did not score this proposal; left out of it",
    ]


def test_the_chairs_moderated_score_stands_and_goes_to_the_letter():
    inputs = panel_of_two({"Ann": [4] * 6, "Ben": [2] * 6, "Cal": [5] * 6})
    inputs.moderation = [["Y", NAMES[0], 3, "", "Strategic fit explained, not measured"]]
    result = engine.evaluate(read(inputs))
    assert result.scores.loc["Y", NAMES[0]] == 3.0  # the chair's 3, not the median 4
    assert result.review is not None
    assert result.review.comments[("Y", NAMES[0])] == "Strategic fit explained, not measured"


def test_several_members_pairwise_judgements_combine_by_the_geometric_mean():
    # Aczél and Saaty (1983): Ann judges A 2 × B, Ben 8 × B: combined sqrt(2 × 8) = 4, so
    # weights 4/5 and 1/5; each member's own 2 × 2 matrix is perfectly consistent (CR 0).
    group = engine.group_ahp([[[1, 2], [0.5, 1]], [[1, 8], [0.125, 1]]], ["Ann", "Ben"])
    assert group.combined_matrix[0, 1] == pytest.approx(4.0)
    assert group.weights == pytest.approx([0.8, 0.2])
    assert [r.consistency_ratio for r in group.each] == [0.0, 0.0]


def test_a_round_reads_several_members_matrices_from_the_pairwise_sheet():
    inputs = two_proposals_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in inputs.criterion_names]
    ann = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]  # consistent: weights 4/7, 2/7, 1/7
    ben = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]
    inputs.member_pairwise = {"Ann": ann, "Ben": ben}
    round_ = read(inputs)
    assert round_.criteria.weights == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert [m for m, _ in round_.criteria.judges] == ["Ann", "Ben"]
    assert "geometric mean (Aczél and Saaty 1983)" in round_.criteria.weights_from


# --- real, nominal and affordable ------------------------------------------------------------


def test_nominal_figures_are_deflated_to_the_base_years_prices():
    # Y in cash: £1,000 in year 0 (2026/27) and £1,100 of benefits in each of years 1
    # (2027/28) and 2 (2028/29). In 2026/27 prices (index 105.3095): 1,100 × 105.3095 /
    # 107.3546 = 1,079.05 and 1,100 × 105.3095 / 109.3571 = 1,059.29; the year-0 cost stays
    # £1,000. NPSV = 1,079.05/1.035 + 1,059.29/1.035^2 - 1,000.
    inputs = two_proposals_round()
    inputs.proposals[1] += [None, None, None]
    inputs.proposals[1][12] = "Nominal"
    result = engine.evaluate(read(inputs))
    y1, y2 = 1100 * 105.3095 / 107.3546, 1100 * 105.3095 / 109.3571
    expected = y1 / 1.035 + y2 / 1.035**2 - 1000
    assert result.appraisal.loc["Y", "npsv"] == pytest.approx(expected)
    assert result.review is not None and "Y" in result.review.converted


def test_the_affordability_sheet_names_the_gap():
    # Y (chosen: £1,000 of capital in year 0, 2026/27, no optimism bias) with a 50%
    # contingency costs £1,500 in cash against a year-0 budget of £1,400: short by £100.
    inputs = two_proposals_round()
    inputs.proposals[1] += [None, None, 0.5]
    inputs.budget = [[0, 1400]]
    result = engine.evaluate(read(inputs))
    assert result.review is not None and result.review.affordability is not None
    (year,) = result.review.affordability.years
    assert (year.cost, year.contingency, year.total, year.gap) == (1000, 500, 1500, -100)
    assert year.named() == ("2026/27: short by £100 (cash cost £1,500 against a budget of £1,400)")
    sheet = next(s for s in result_sheets(result) if s.name == "Affordability")
    assert "short of budget in 1 year" in sheet.blocks[0].values[0][0]


# --- the negotiation -------------------------------------------------------------------------


def test_a_resubmission_is_evaluated_and_shown_beside_the_original():
    # X (BCR 1.14, Amend) is resubmitted as X2 with £800 of benefits in each of years 1
    # and 2: PV 800/1.035 + 800/1.035^2 = 1,519.76 over £1,000, BCR 1.52 ≥ 1.5: Accept.
    inputs = two_proposals_round()
    x2 = list(inputs.proposals[0])
    x2[0] = "X2"
    inputs.proposals.append(x2)
    inputs.costs.append(["X2", 0, 1000, 0])
    inputs.benefits += [["X2", 1, 800, 0], ["X2", 2, 800, 0]]
    inputs.assessment += [["X2", n, 4, None] for n in NAMES]
    inputs.budget = [[0, 2000]]
    inputs.amendments = [["X", "Raise the benefits' evidence", None, "X2", None, "Done"]]
    result = engine.evaluate(read(inputs))
    assert "X" not in result.appraisal.index  # superseded by X2
    assert result.review is not None
    (n,) = result.review.renegotiated
    assert (n.original.decision, n.amended.decision) == (Decision.AMEND, Decision.ACCEPT)
    sheet = next(s for s in result_sheets(result) if s.name == "Negotiation")
    money = sheet.blocks[1].values
    assert money[0] == ["Measure", "Original (X)", "Amended (X2)", "Change"]
    # NPSV £139.82 to £519.76: a change of £379.94.
    assert money[3] == ["NPSV £", 140, 520, 380]


# --- bad input: a located error each ---------------------------------------------------------


def test_a_member_scoring_a_proposal_they_are_conflicted_on_is_refused_where_it_is():
    inputs = panel_of_two({"Ann": [4] * 6, "Ben": [2] * 6})
    inputs.conflicts = [["Ben", "X", "Trustee of the charity"]]
    found = problems(inputs)
    # Ann's 12 rows come first (X then Y, six criteria each, rows 2 to 13), so Ben's scores
    # for X are rows 14 to 19; the Score column is D.
    assert found[0].startswith(
        "round.xlsx, Panel!D14, field 'Score': Ben scores X, but declared a conflict of "
        "interest in it (the Conflicts table, row 2)"
    )
    assert len(found) == 6  # each of Ben's six scores for X


def test_a_moderated_score_outside_the_members_range_needs_a_reason():
    inputs = panel_of_two({"Ann": [4] * 6, "Ben": [2] * 6})
    inputs.moderation = [["X", NAMES[0], 5, "", ""]]
    assert problems(inputs) == [
        "round.xlsx, Moderation!C2, field 'Moderated score': the moderated score 5 for X on "
        "'Strategic fit' is outside the members' scores (2 to 4) and gives no reason; valid: "
        "a score from 2 to 4, or the reason for going outside them in the Reason column"
    ]
    inputs.moderation = [["X", NAMES[0], 5, "New evidence at the panel meeting", ""]]
    assert engine.evaluate(read(inputs)).scores.loc["X", NAMES[0]] == 5.0


def test_a_deflator_series_with_a_gap_is_refused_at_the_year_after_it():
    inputs = two_proposals_round()
    inputs.deflators = [r for r in inputs.deflators if r[0] != "2020-21"]
    assert problems(inputs) == [
        "round.xlsx, Deflators!A7, field 'Financial year': the deflator series has a gap: no "
        "2020/21 between 2019/20 (row 6) and 2021/22 (row 7); valid: an index for every "
        "financial year from the first to the last, as the Treasury's series gives them"
    ]


def test_a_base_year_outside_the_deflator_series_is_refused_at_its_setting():
    inputs = two_proposals_round()
    inputs.settings = {"price_year": "2031/32"}
    found = problems(inputs)
    assert found == [
        "round.xlsx, Settings!B12, field 'Price base year': the price base year 2031/32 is "
        "outside the deflator series (2015/16 to 2030/31); valid: a price base year from "
        "2015/16 to 2030/31, or a newer deflator series"
    ]


def test_nominal_and_real_mixed_in_one_proposal_is_refused_at_the_row():
    inputs = two_proposals_round()
    inputs.costs = [["X", 0, 1000, 0, "Real"], ["Y", 0, 1000, 0]]
    inputs.benefits = [
        ["X", 1, 600, 0, None, "Real"],
        ["X", 2, 600, 0, None, "Nominal"],
        *(r for r in inputs.benefits if r[0] == "Y"),
    ]
    found = problems(inputs)
    assert found == [
        "round.xlsx, Benefits!F3, field 'Prices': nominal and real prices are mixed in "
        "proposal X: this row says Nominal, but its prices are Real (round.xlsx, Costs!E2, "
        "field 'Prices'); valid: one price basis for every cost and benefit of X: all Real (in "
        "one base year's prices) or all Nominal (cash)"
    ]


def test_the_bad_input_reaches_the_command_and_the_button_located(tmp_path: Path):
    # Through the command: non-zero exit and the located message.
    inputs = panel_of_two({"Ann": [4] * 6, "Ben": [2] * 6})
    inputs.conflicts = [["Ben", "X", "Trustee of the charity"]]
    path = build(tmp_path / "conflict.xlsx", inputs)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cpcxl",
            "proposals",
            "evaluate",
            str(path),
            "--out",
            str(tmp_path / "out.xlsx"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "conflict.xlsx, Panel!D14, field 'Score': Ben scores X, but declared a conflict" in (
        run.stderr
    )
    # Through the button: the Input problems sheet says where.
    inputs = two_proposals_round()
    inputs.deflators = [r for r in inputs.deflators if r[0] != "2020-21"]
    cells = run_script_on_file(evaluate_proposals, build(tmp_path / "gap.xlsx", inputs))
    sheet = cells["Input problems"]
    assert sheet["A3"] == "gap.xlsx, Deflators!A7, field 'Financial year'"
    assert sheet["B3"].startswith("the deflator series has a gap: no 2020/21")


# --- the demo's panel round ------------------------------------------------------------------


def test_the_demo_round_has_a_panel_a_conflict_a_resubmission_and_nominal_prices():
    result = engine.evaluate(read(panel_round()))
    review = result.review
    assert review is not None and review.moderation is not None
    assert len(review.moderation.member_names) == 5
    assert review.conflicts and review.renegotiated
    assert any("nominal" in v for v in review.converted.values())
    names = [s.name for s in result_sheets(result)]
    assert {"Panel scores", "Negotiation", "Affordability"} <= set(names)
    assert isinstance(Panel([PanelScore("A", "X", "c", 1.0)]).members, list)
