"""The result sheets and feedback documents, as data, for a round small enough to check by
hand."""

from __future__ import annotations

import pytest

from cpcxl.common import formats
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.proposals import engine
from cpcxl.proposals.inputs import read_round
from cpcxl.proposals.outputs import (
    RESULT_SHEETS,
    feedback_letters,
    problems_sheet,
    result_sheets,
)
from cpcxl.proposals.sample import two_proposals_round

# X: £1,000 in year 0, £600 in years 1 and 2: PV benefits 600/1.035 + 600/1.035^2 = 1,139.82.
# Y: £1,000 in year 0, £1,100 in years 1 and 2: PV benefits 1,100 × 1.899694 = 2,089.66.
PVB_X = 600 / 1.035 + 600 / 1.035**2
PVB_Y = 1100 / 1.035 + 1100 / 1.035**2


@pytest.fixture(scope="module")
def result() -> engine.RoundResult:
    tables, pairwise = two_proposals_round().cells()
    return engine.evaluate(read_round(tables, pairwise=pairwise))


#: Issue 17: a round read whole also gets these (and Panel scores, Negotiation where it has
#: a panel or amendments).
REVIEW_SHEETS = ["Sensitivity", "Value for money", "Affordability"]


def letter_text(letter) -> str:
    """A letter's parts as lines of text, a table's rows as '| a | b |'."""
    from cpcxl.proposals.outputs.letters import Bullets, Heading, Paragraph, Table

    lines = []
    for part in letter.parts:
        if isinstance(part, Heading | Paragraph):
            lines.append(part.text)
        elif isinstance(part, Bullets):
            lines += list(part.items)
        elif isinstance(part, Table):
            lines += ["| " + " | ".join(row) + " |" for row in part.rows]
    return "\n".join(lines)


def test_the_five_sheets_in_order_and_a_notes_sheet_only_with_notes(result) -> None:
    assert [s.name for s in result_sheets(result)] == [*RESULT_SHEETS, *REVIEW_SHEETS]
    with_notes = result_sheets(result, ["Costs: read the header 'Revenue (£)' as 'Revenue £'"])
    assert [s.name for s in with_notes] == [*RESULT_SHEETS, *REVIEW_SHEETS, "Input notes"]
    notes = with_notes[-1].blocks[0]
    assert notes.values == [["Note"], ["Costs: read the header 'Revenue (£)' as 'Revenue £'"]]


def test_the_appraisal_sheet_holds_the_hand_figures_to_the_pound(result) -> None:
    appraisal = result_sheets(result)[0]
    block = appraisal.blocks[0]
    assert block.row == 2 and block.title.startswith("Green Book appraisal in real terms")
    header, x, y = block.values
    assert header[:10] == [
        "Proposal ID",
        "Title",
        "Optimism bias on capital",
        "Optimism bias on revenue",
        "PV costs before optimism bias £",
        "PV costs £",
        "PV benefits £",
        "of which health benefits £",
        "NPSV £",
        "Benefit-cost ratio",
    ]
    # Outsourcing fully mitigated (100%): its lower bound, 0%, on capital and on revenue, so
    # PV costs are the £1,000 spent.
    assert x[:10] == [
        "X",
        "Home care pilot",
        0.0,
        0.0,
        1000,
        1000,
        round(PVB_X),
        0,  # no health benefits
        round(PVB_X - 1000),
        1.14,
    ]
    assert y[:10] == [
        "Y",
        "Reablement",
        0.0,
        0.0,
        1000,
        1000,
        round(PVB_Y),
        0,
        round(PVB_Y - 1000),
        2.09,
    ]
    assert block.formats[8] == formats.GBP and block.formats[2] == formats.PERCENT_1DP


def test_the_ranking_colours_each_decision(result) -> None:
    ranking = result_sheets(result)[2].blocks[0]
    # Both score 80%; Y's larger NPSV breaks the tie. X's ratio of 1.14 is below 1.5: Amend.
    assert [r[:2] for r in ranking.values[1:]] == [[1, "Y"], [2, "X"]]
    assert [r[5] for r in ranking.values[1:]] == ["Accept", "Amend"]
    assert ranking.fills == {(1, 5): formats.GREEN, (2, 5): formats.AMBER}


def test_the_portfolio_says_what_fits_the_budget(result) -> None:
    years, chosen, left = result_sheets(result)[3].blocks
    # Year 0: £1,500 funds one £1,000 proposal; Y (NPSV £1,090) beats X (£140).
    assert years.values[1] == [0, 1500, 1000, 500]
    assert [r[0] for r in chosen.values[1:]] == ["Y"]
    # X needs £1,000 in year 0 where £500 is left after Y.
    assert left.values[1] == [
        "X",
        "Home care pilot",
        "Proposals giving more value in total use the budget; adding it would overspend year 0 "
        "by £500 (£500 left).",
    ]


def test_input_problems_are_listed_where_they_are_with_what_would_be_valid() -> None:
    errors = InputErrors(
        [
            InputError(
                "'1_000' is not an amount in £",
                location=Location(file="r.xlsx", sheet="Costs", cell="C3", field="Capital £"),
                valid="an amount in £",
            )
        ],
        notes=["Costs: read the header 'Revenue (£)' as 'Revenue £'"],
    )
    sheet = problems_sheet(errors)
    assert sheet.name == "Input problems"
    problems, notes = sheet.blocks
    assert problems.values == [
        ["Where", "Problem", "What would be valid"],
        ["r.xlsx, Costs!C3, field 'Capital £'", "'1_000' is not an amount in £", "an amount in £"],
    ]
    assert notes.values[1] == ["Costs: read the header 'Revenue (£)' as 'Revenue £'"]
    assert problems_sheet(InputError("the weights add up to 110.0%")).blocks[0].values[1] == [
        "",
        "the weights add up to 110.0%",
        "",
    ]


def test_feedback_letters_say_the_decision_the_reasons_and_the_figures(result) -> None:
    # One letter per submitter: X and Y are both the Head of Commissioning's.
    (letter,) = feedback_letters(result)
    assert letter.name == "feedback_Head_of_Commissioning"
    assert letter.title == "Feedback on your proposals X, Y"
    text = letter_text(letter)
    assert text.startswith("Proposal X: Home care pilot\n")
    assert "Decision: Amend" in text and "Decision: Accept" in text
    assert (
        "| Strategic fit | 25% | 4 | Supports several objectives with measures of progress | - |"
        in text
    )
    assert "Weighted score: 4.00 of 5 (80%); weights given directly." in text
    assert f"| Net present social value | £{PVB_X - 1000:,.0f} |" in text  # £140
    # NPSV / PV benefits = 139.82 / 1,139.82 = 12.3%: benefits could fall by 12%.
    assert "| Switching value: benefits could fall by | 12% |" in text
    # X is Amend (BCR 1.14 below 1.5): what would have to change, and how to resubmit.
    assert "What would have to change for Amend to become Accept" in text
    assert "How to resubmit" in text
    # Strengths: every criterion scored 4 of 5 is in the top two points of the scale.
    assert "Strategic fit: scored 4 of 5 (Supports several objectives with measures of " in text


def test_a_feedback_document_lists_every_irr_where_there_are_several() -> None:
    # Issue 13 case 6 in the feedback: X's costs 100, 0, 132 against benefits 0, 230, 0 have
    # rates of 10% and 20% (100(1+r)^2 - 230(1+r) + 132 = 0); the document says so instead of
    # giving 10%. Y keeps its one rate, 73% (-1,000 + 1,100x + 1,100x^2 = 0, x = 1/(1+r)).
    inputs = two_proposals_round()
    inputs.costs = [["X", 0, 100, 0], ["X", 2, 132, 0], ["Y", 0, 1000, 0]]
    inputs.benefits = [["X", 1, 230, 0], *(r for r in inputs.benefits if r[0] == "Y")]
    tables, pairwise = inputs.cells()
    result = engine.evaluate(read_round(tables, pairwise=pairwise))
    x, y = (letter_text(letter) for letter in _by_proposal(result))
    assert (
        "| Internal rate of return | none: the net flows have 2 rates (10% and 20%), so no one "
        "rate describes them; judge by the net present social value |" in x
    )
    assert "| Internal rate of return | 73% |" in y


def _by_proposal(result):
    """A letter for each proposal: the two proposals given a sponsor each."""
    for f, sponsor in zip(result.feedback, ("Lead X", "Lead Y"), strict=True):
        f.sponsor = sponsor
    return feedback_letters(result)
