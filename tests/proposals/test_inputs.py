"""Reading a round from its tables' cells: what is read, and every problem located, with what
would be valid. No files: the cells are laid out as the template lays them out."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.proposals import engine
from cpcxl.proposals.inputs import (
    COSTS,
    DEFAULT_CRITERIA,
    JUDGEMENT,
    PROPOSALS,
    SETTINGS,
    TABLES,
    RoundInputs,
    read_round,
)
from cpcxl.proposals.models import Decision, Evidence, ProjectType, Round, Term
from cpcxl.proposals.sample import sample_round


def read(inputs: RoundInputs) -> Round:
    tables, pairwise = inputs.cells()
    return read_round(tables, pairwise=pairwise, file="round.xlsx")


def problems(inputs: RoundInputs) -> InputErrors:
    with pytest.raises(InputErrors) as caught:
        read(inputs)
    return caught.value


def pairwise_round() -> RoundInputs:
    inputs = sample_round()
    inputs.criteria = [[r[0], None, *r[2:]] for r in DEFAULT_CRITERIA[:3]]
    inputs.assessment = [r for r in inputs.assessment if r[1] in inputs.criterion_names]
    return inputs


def test_every_table_is_declared_once_and_each_has_its_own_name() -> None:
    names = [t.name for t in TABLES]
    assert len(names) == len(set(names))
    assert PROPOSALS.headers[:2] == ["Proposal ID", "Title"]
    # Issue 17: a yearly row may say its price basis (blank: the proposal's).
    assert COSTS.headers == ["Proposal ID", "Year", "Capital £", "Revenue £", "Prices"]


def test_the_sample_round_reads_back_with_its_weaknesses() -> None:
    round_ = read(sample_round())
    assert [p.id for p in round_.proposals] == [f"ASC-{i:02d}" for i in range(1, 13)]
    assert round_.budgets == [2_500_000, 2_000_000, 1_500_000]
    by_id = {p.id: p for p in round_.proposals}
    assert by_id["ASC-11"].missing_years == (3,)
    assert by_id["ASC-03"].years == 26
    assert by_id["ASC-12"].objectives == ()
    assert by_id["ASC-02"].project_type == ProjectType.EQUIPMENT_DEVELOPMENT
    assert by_id["ASC-02"].mitigation == 0.8
    assert by_id["ASC-02"].evidence == Evidence.LOCAL_EVALUATION
    assert round_.criteria.weights == [0.25, 0.25, 0.20, 0.20, 0.10, 0.0]
    assert round_.notes == []


def test_weights_can_come_from_pairwise_comparisons() -> None:
    inputs = pairwise_round()
    # Consistent judgements for weights 0.5, 0.3, 0.2: a_ij = w_i / w_j.
    inputs.pairwise = [[1, "5/3", 2.5], [0.6, 1, 1.5], [0.4, "2/3", 1]]
    round_ = read(inputs)
    assert round_.criteria.weights == pytest.approx([0.5, 0.3, 0.2])
    assert round_.criteria.weights_from == "pairwise comparisons (AHP)"


def test_pairwise_comparisons_are_matched_by_criterion_name_not_position() -> None:
    inputs = pairwise_round()
    inputs.pairwise = [[1, "5/3", 2.5], [0.6, 1, 1.5], [0.4, "2/3", 1]]
    tables, pairwise = inputs.cells()
    # Swap the first two columns of the comparisons, headers included.
    rows = [[r[0], r[2], r[1], *r[3:]] for r in pairwise.rows]
    round_ = read_round(tables, pairwise=Cells(rows, first_row=4))
    assert round_.criteria.weights == pytest.approx([0.5, 0.3, 0.2])


# --- the cases -----------------------------------------------------------------------


def test_a_mitigation_typed_as_24_is_refused_with_what_was_meant() -> None:
    # A rate is a fraction: 24 is 2,400%, outside 0% to 100%; 24% was probably meant.
    inputs = sample_round()
    inputs.proposals[0][6] = 24  # ASC-01, sheet row 2, column G
    [error] = problems(inputs)
    assert str(error).startswith(
        "round.xlsx, Proposals!G2, field 'Optimism bias mitigation': 24 is 2,400%, outside 0% to "
        "100% for optimism bias mitigation"
    )
    assert "type 24% (or 0.24)" in error.message


def test_a_mitigation_typed_as_a_percentage_is_the_fraction() -> None:
    inputs = sample_round()
    inputs.proposals[0][6] = "24%"
    assert read(inputs).proposals[0].mitigation == pytest.approx(0.24)


def test_a_weight_typed_as_25_is_refused_not_divided_by_100() -> None:
    # The old rule read weights summing to more than 1.5 as percentages; now each is refused.
    inputs = sample_round()
    inputs.criteria = copy.deepcopy(DEFAULT_CRITERIA)
    for row, weight in zip(inputs.criteria, (25, 25, 20, 20, 10, 0), strict=True):
        row[1] = weight
    found = problems(inputs)
    assert [e.location.cell for e in found] == ["B2", "B3", "B4", "B5", "B6"]  # type: ignore[union-attr]
    assert "25 is 2,500%, outside 0% to 100% for a weight" in found.errors[0].message
    assert found.errors[0].message.endswith("type 25% (or 0.25)")


def test_an_accept_score_typed_as_60_is_refused() -> None:
    inputs = sample_round()
    inputs.settings = {"accept_score": 60}
    [error] = problems(inputs)
    assert error.location.cell == "B4"  # type: ignore[union-attr]
    assert error.message.startswith("60 is 6,000%, outside 0% to 100% for a score threshold")
    assert error.message.endswith("type 60% (or 0.6)")


def test_1_000_in_a_cost_is_not_a_number() -> None:
    inputs = sample_round()
    inputs.costs[1][2] = "1_000"  # ASC-01 year 1 capital, sheet row 3
    [error] = problems(inputs)
    assert str(error).startswith(
        "round.xlsx, Costs!C3, field 'Capital £': '1_000' is not an amount in £; valid: an "
        "amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    )


def test_a_cell_of_32767_characters_is_shortened_in_the_message() -> None:
    inputs = sample_round()
    inputs.costs[1][3] = "9" * 30_000 + "x" * 2_767  # Excel's longest cell text
    [error] = problems(inputs)
    assert error.location.cell == "D3"  # type: ignore[union-attr]
    assert "(32,767 characters) is not an amount in £" in error.message
    assert len(str(error)) < 250


def test_short_dash_term_is_the_short_term() -> None:
    inputs = sample_round()
    inputs.proposals[0][3] = "Short-term"
    inputs.proposals[1][3] = "LONG TERM"
    round_ = read(inputs)
    assert [p.term for p in round_.proposals[:2]] == [Term.SHORT, Term.LONG]


def test_a_renamed_revenue_header_stops_the_round_and_says_what_was_expected() -> None:
    inputs = sample_round()
    tables, pairwise = inputs.cells()
    costs = tables["Costs"]
    rows = [["Proposal ID", "Year", "Capital £", "Rev"], *costs.rows[1:]]
    tables["Costs"] = Cells(rows, exact=True)
    with pytest.raises(InputErrors) as caught:
        read_round(tables, pairwise=pairwise, file="round.xlsx")
    # One problem, the header: nothing is worked out from the table, so no proposal is
    # reported empty or read with £0 of revenue.
    assert [str(e) for e in caught.value] == [
        "round.xlsx, Costs!D1: the header 'Rev' is not a column of the Costs table; valid: the "
        "columns Proposal ID, Year, Capital £, Revenue £, Prices (rename the header to one of "
        "them, or remove the column)"
    ]


def test_revenue_in_brackets_still_matches_and_is_noted() -> None:
    inputs = sample_round()
    tables, pairwise = inputs.cells()
    rows = [["Proposal ID", "Year", "Capital £", "Revenue (£)"], *tables["Costs"].rows[1:]]
    tables["Costs"] = Cells(rows, exact=True)
    round_ = read_round(tables, pairwise=pairwise)
    assert round_.notes == ["Costs: read the header 'Revenue (£)' as 'Revenue £'"]
    # ASC-01 spends £400,000 of revenue in each of years 0-4.
    assert round_.proposals[0].revenue == (400_000,) * 5


# --- other bad input -------------------------------------------------------------------------


def test_weights_that_do_not_sum_to_100_percent_name_the_sheet() -> None:
    inputs = sample_round()
    inputs.criteria = copy.deepcopy(DEFAULT_CRITERIA)
    inputs.criteria[0][1] = 0.35
    assert str(problems(inputs)) == (
        "1 problem in the input:\n- round.xlsx, sheet 'Criteria', field 'Weight': the weights "
        "add up to 110.0%, not 100%; valid: weights that sum to 100% (or leave them blank to use "
        "pairwise comparisons)"
    )


def test_some_weights_blank_and_some_given_is_refused() -> None:
    inputs = sample_round()
    inputs.criteria = copy.deepcopy(DEFAULT_CRITERIA)
    inputs.criteria[1][1] = None
    assert "no weight for Outcomes for people" in str(problems(inputs))


def test_a_pairwise_matrix_that_is_not_reciprocal_is_located() -> None:
    inputs = pairwise_round()
    inputs.pairwise = [[1, 3, 5], [3, 1, 2], [0.2, 0.5, 1]]
    text = str(problems(inputs))
    assert "sheet 'Pairwise'" in text
    assert (
        "not reciprocal: 'Strategic fit' against 'Outcomes for people' is 3 but 'Outcomes for "
        "people' against 'Strategic fit' is 3; valid: 'Outcomes for people' against 'Strategic "
        "fit' = 1/3 = 0.3333" in text
    )


def test_a_blank_judgement_names_its_cell() -> None:
    inputs = pairwise_round()
    inputs.pairwise = [[1, 3, 5], [1 / 3, 1, None], [0.2, 0.5, 1]]
    # Row 6 of the sheet is the second criterion's; column D the third criterion's.
    assert "round.xlsx, Pairwise!D6: 'Outcomes for people' against 'Value for money' is blank" in (
        str(problems(inputs))
    )


def test_a_judgement_off_saatys_scale_names_its_cell() -> None:
    inputs = pairwise_round()
    inputs.pairwise = [[1, 3, 5], [1 / 3, 1, "1_0"], [0.2, 0.1, 1]]
    assert (
        "Pairwise!D6: 'Outcomes for people' against 'Value for money': '1_0' is not a judgement"
        in str(problems(inputs))
    )


def test_a_score_outside_the_scale_names_its_cell() -> None:
    inputs = sample_round()
    inputs.assessment[3][2] = 7  # ASC-01, fourth criterion, on sheet row 5
    assert str(problems(inputs)).endswith(
        "round.xlsx, Assessment!C5, field 'Score': 7 is outside 0 to 5 (the scoring scale); "
        "valid: a score from 0 to 5"
    )


def test_text_in_amounts_and_an_unknown_project_type_are_all_reported() -> None:
    inputs = sample_round()
    inputs.costs[1][2] = "about 5k"  # ASC-01 year 1 capital, sheet row 3
    inputs.proposals[1][5] = "Care home"  # ASC-02, sheet row 3
    text = str(problems(inputs))
    assert "2 problems in the input" in text
    assert "Costs!C3, field 'Capital £': 'about 5k' is not an amount in £" in text
    assert (
        "Proposals!F3, field 'Project type': 'Care home' is not a project type of the "
        "optimism-bias table; valid: Standard buildings," in text
    )


def test_a_misspelt_project_type_is_given_its_likely_meaning() -> None:
    inputs = sample_round()
    inputs.proposals[0][5] = "Outsorcing"
    assert "did you mean 'Outsourcing'?" in str(problems(inputs))


def test_an_empty_proposal_is_located() -> None:
    inputs = sample_round()
    inputs.costs = [r for r in inputs.costs if r[0] != "ASC-05"]
    inputs.benefits = [r for r in inputs.benefits if r[0] != "ASC-05"]
    assert (
        "sheet 'Proposals', row 6: proposal ASC-05 is empty: it has no costs and no benefits"
        in str(problems(inputs))
    )


def test_costs_for_an_unknown_proposal_and_a_repeated_year_are_located() -> None:
    inputs = sample_round()
    inputs.costs.append(["ASC-99", 0, 100, 0])
    inputs.benefits.append(["ASC-01", 1, 5, 5])
    text = str(problems(inputs))
    # The rows appended are the last of each table (the header is row 1).
    last_cost, last_benefit = len(inputs.costs) + 1, len(inputs.benefits) + 1
    assert f"Costs!A{last_cost}, field 'Proposal ID': proposal ID 'ASC-99' is not on the" in text
    assert f"Benefits!B{last_benefit}, field 'Year': year 1 is given twice for ASC-01" in text


def test_a_proposal_id_used_twice_is_located() -> None:
    inputs = sample_round()
    inputs.proposals[4][0] = "ASC-01"  # sheet row 6
    assert "Proposals!A6, field 'Proposal ID': proposal ID ASC-01 is also used on row 2" in str(
        problems(inputs)
    )


def test_a_score_on_an_unknown_criterion_and_a_missing_score_are_located() -> None:
    inputs = sample_round()
    inputs.assessment[0][1] = "Strategic fitt"  # sheet row 2
    text = str(problems(inputs))
    assert "Assessment!B2, field 'Criterion': 'Strategic fitt' is not a criterion" in text
    assert "did you mean 'Strategic fit'?" in text
    inputs = sample_round()
    del inputs.assessment[0]
    assert "sheet 'Assessment': proposal ASC-01 has no score for 'Strategic fit'" in str(
        problems(inputs)
    )


def test_comparative_evaluation_without_a_budget_or_places_points_at_places() -> None:
    inputs = sample_round()
    inputs.settings = {"evaluation": "comparative"}
    inputs.budget = []
    [error] = problems(inputs)
    assert error.location.cell == "B8"  # type: ignore[union-attr]
    assert error.message == "comparative evaluation needs a budget or a number of places to fill"


def test_a_missing_table_is_named() -> None:
    tables, pairwise = sample_round().cells()
    del tables["Assessment"]
    with pytest.raises(InputErrors, match="the Assessment table is missing or empty"):
        read_round(tables, pairwise=pairwise)


# --- what the round gives ----------------------------------------------------------------------


def test_the_organisations_objectives_come_from_the_settings_sheet() -> None:
    inputs = sample_round()
    inputs.proposals[1][4] = "Prevention and early help; Better roads"  # ASC-02
    result = engine.evaluate(read(inputs))
    by_id = {f.id: [w.name for w in f.weaknesses] for f in result.feedback}
    assert by_id["ASC-02"] == ["Objective not recognised"]
    assert by_id["ASC-01"] == []


def test_every_decision_has_a_reason() -> None:
    result = engine.evaluate(read(sample_round()))
    assert {f.decision for f in result.feedback} == set(Decision)
    assert all(f.reasons for f in result.feedback)


def test_a_comparative_round_funds_the_best_set_and_says_why_others_were_not() -> None:
    inputs = sample_round()
    inputs.settings = {"evaluation": "Comparative"}
    result = engine.evaluate(read(inputs))
    by_id = {f.id: f for f in result.feedback}
    # The extra care scheme's £3m in year 0 cannot fit beside the better-value set.
    assert by_id["ASC-03"].decision == Decision.REJECT
    assert "would overspend year 0 by £2,380,000 (£620,000 left)" in by_id["ASC-03"].reasons[0]
    assert by_id["ASC-01"].decision == Decision.ACCEPT
    assert "It ranks 1 of 9 eligible proposals." in by_id["ASC-01"].reasons


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(3, 3.0), ("1/3", 1 / 3), (" 5 / 3 ", 5 / 3), (0.11, 0.11), ("1/9", 1 / 9)],
)
def test_judgements_as_numbers_and_typed_fractions(typed: object, expected: float) -> None:
    assert JUDGEMENT.parse(typed) == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["1/0", "one third", "1_0/3", 10, 0.05, -3, "#N/A"])
def test_judgements_off_the_scale_or_not_numbers_are_refused(typed: object) -> None:
    with pytest.raises(InputError):
        JUDGEMENT.parse(typed)


# --- issue 13 case 17: every default says where it comes from ----------------------------

YEAR_CITED = re.compile(r"\b(19|20)\d\d\b")


def test_every_setting_names_its_source_and_year_or_says_it_is_a_local_choice():
    # Issue 13 case 17: each Settings default names its source and year (the Green Book 2022,
    # DfT 2015) or says plainly it is a local choice; the accept and reject thresholds,
    # which no standard sets, say they are local choices.
    for setting in SETTINGS.settings:
        assert YEAR_CITED.search(setting.note) or "a local choice" in setting.note, setting.label
    thresholds = {"accept_score", "reject_score", "accept_bcr", "reject_bcr"}
    for setting in SETTINGS.settings:
        if setting.field in thresholds:
            assert "a local choice" in setting.note, setting.label


def test_the_guide_gives_every_default_a_source_and_year_or_calls_it_local():
    # Issue 13 case 17 in the guide: each row of its tables of defaults names a year or says
    # "a local choice"; the thresholds and the believable ratios say "a local choice".
    guide = (Path(__file__).parents[2] / "docs" / "proposals.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Settings and their defaults") :]
    section = section[: section.index("\n## ", 5)]
    rows = [r for r in section.splitlines() if r.startswith("| ") and not r.startswith("| Setting")]
    rows = [r for r in rows if not r.startswith("| Default |")]
    assert len(rows) >= 19
    for row in rows:
        source = row.rstrip(" |").rsplit("|", 1)[1]
        assert YEAR_CITED.search(source) or "a local choice" in source, row
    for name in ("Accept score", "Reject score", "Accept benefit-cost", "Reject benefit-cost",
                 "Believable benefit-cost"):  # fmt: skip
        row = next(r for r in rows if r.startswith(f"| {name}"))
        assert "a local choice" in row, row


def test_a_round_of_more_than_1000_proposals_is_refused_before_it_is_read():
    # Issue 12 case 3: the proposals size the work (the portfolio, the reasons); 1,000 is
    # the local limit, checked before any proposal is read.
    inputs = sample_round()
    row = inputs.proposals[0]
    inputs.proposals = [[f"P{i}", *row[1:]] for i in range(1001)]
    found = [str(e) for e in problems(inputs)]
    assert found == [
        "round.xlsx, sheet 'Proposals': the Proposals table has 1,001 rows, more than the 1,000 "
        "proposals a round may have; valid: at most 1,000 proposals: split the round"
    ]
