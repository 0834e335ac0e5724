"""Reading a register's cells: ratings, the Register table, the Matrix and Appetite sheets, a
TOML matrix and the worksheet functions' ranges, each problem where it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.risk import engine, inputs
from cpcxl.risk.inputs import read_ratings
from cpcxl.risk.models import AppetiteLevel
from cpcxl.risk.schemes import NHS_5X5

from .registers import HEADER, register, row

VALID = "valid: 1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain"
FOUR_BY_FOUR = (Path(__file__).parents[1] / "data" / "risk" / "council_4x4.toml").read_text(
    encoding="utf-8"
)


def cells(*values: object) -> np.ndarray:
    return np.array(values, dtype=object)


def scored(likelihood: np.ndarray, impact: np.ndarray, matrix=NHS_5X5):  # type: ignore[no-untyped-def]
    ratings = read_ratings(likelihood, impact, matrix)
    return ratings, engine.scores(ratings.likelihood, ratings.impact)


# --- likelihood and impact ----------------------------------------------------------------------


def test_labels_in_any_case_and_number_label_forms_mean_their_scores() -> None:
    ratings, scores = scored(
        cells("Rare", "UNLIKELY", " possible ", "3 - Possible", "Likely (4)", "almost certain"),
        cells("Negligible", "minor", "Moderate", "Moderate", "Major", "Catastrophic"),
    )
    assert scores.tolist() == [1 * 1, 2 * 2, 3 * 3, 3 * 3, 4 * 4, 5 * 5]
    assert ratings.ok.all()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, f"0 is not a likelihood (scores run from 1 to 5); {VALID}"),
        (6, f"6 is not a likelihood (scores run from 1 to 5); {VALID}"),
        (3.5, f"3.5 is not a likelihood (scores are whole numbers from 1 to 5); {VALID}"),
        ("likley", f"'likley' is not a likelihood; did you mean 'Likely'?; {VALID}"),
        ("#DIV/0!", f"the cell holds the error #DIV/0!; {VALID}"),
        (True, f"TRUE is not a likelihood; {VALID}"),  # as Excel spells it
        (
            "4 - Possible",
            "'4 - Possible' is not a likelihood (the number says 4, the label "
            f"Possible is 3); {VALID}",
        ),
        # Digits other than 0-9 and Python's underscores are no score, however they look.
        ("٣", f"'٣' is not a likelihood; {VALID}"),
        ("1_000", f"'1_000' is not a likelihood; {VALID}"),
    ],
)
def test_a_bad_likelihood_is_an_error_in_its_own_cell_only(value: object, message: str) -> None:
    ratings, scores = scored(cells(2, value, 5), cells(3, 3, "Major"))
    assert ratings.errors.tolist() == [None, message, None]
    assert scores.tolist() == [6, 0, 20]


def test_blanks_give_blanks_and_half_a_pair_says_which_half() -> None:
    ratings, _ = scored(cells(None, "", 3, None), cells(None, "  ", None, 4))
    assert ratings.blank.tolist() == [True, True, False, False]
    assert ratings.errors.tolist() == [
        None,
        None,
        "the impact is blank; give both likelihood and impact",
        "the likelihood is blank; give both likelihood and impact",
    ]


def test_a_hundred_thousand_cells_score_like_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    labels = np.array(["Rare", "Unlikely", "Possible", "Likely", "Almost certain"], dtype=object)
    numbers = rng.integers(1, 6, 100_000)
    likelihood = np.where(rng.random(100_000) < 0.5, labels[numbers - 1], numbers).astype(object)
    impact = rng.integers(1, 6, 100_000).astype(object)
    ratings, scores = scored(likelihood, impact)
    assert (scores == numbers * impact.astype(int)).all()
    assert pd.isna(pd.Series(ratings.errors)).all()


LIKELIHOOD_LABELS = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
IMPACT_LABELS = ["Negligible", "Minor", "Moderate", "Major", "Catastrophic"]


def npsa_band(score: int) -> str:
    """The NPSA bands, written independently of the engine's band table."""
    if score <= 3:
        return "Low"
    if score <= 6:
        return "Moderate"
    return "High" if score <= 12 else "Extreme"


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5), st.integers(1, 5), st.sampled_from(["number", "label", "text"])
        ),
        min_size=1,
        max_size=40,
    )
)
def test_however_a_rating_is_written_the_score_is_the_product(
    ratings: list[tuple[int, int, str]],
) -> None:
    def written(score: int, labels: list[str], form: str) -> object:
        if form == "label":
            return labels[score - 1].upper()
        return str(score) if form == "text" else score

    likelihood = cells(*(written(lv, LIKELIHOOD_LABELS, form) for lv, _, form in ratings))
    impact = cells(*(written(im, IMPACT_LABELS, form) for _, im, form in ratings))
    _, scores = scored(likelihood, impact)
    assert scores.tolist() == [lv * im for lv, im, _ in ratings]
    bands = engine.band_names(NHS_5X5)[scores].tolist()
    assert bands == [npsa_band(lv * im) for lv, im, _ in ratings]


# --- the Register table ---------------------------------------------------------------------------


def messages(reg: inputs.Register) -> list[str]:
    return [str(p) for p in reg.problems]


def test_a_clean_register_reads_with_no_problems_and_typed_values() -> None:
    reg = register(row("R1"), row("R2", **{"Inherent likelihood": "Almost certain"}))
    assert list(reg.problems) == []
    assert reg.risks["inherent_likelihood"].tolist() == [4, 5]
    # UK text dates are day first: 01/09/2026 is the 1st of September.
    assert reg.risks["next_review"].tolist() == [dt.date(2026, 9, 1)] * 2


def test_duplicate_ids_are_reported_on_the_repeat_and_both_rows_are_kept() -> None:
    reg = register(row("R1"), row("R2"), row("r1"))
    assert messages(reg) == [
        "Register!A4, field 'Risk ID': risk id 'r1' is already used at row 2; "
        "valid: an id unique in the register"
    ]
    assert reg.risks["risk_id"].tolist() == ["R1", "R2", "r1"]


def test_each_bad_cell_is_located_and_the_rest_of_the_register_is_kept() -> None:
    reg = register(
        row("R1", **{"Inherent likelihood": 0}),
        row("R2", **{"Residual impact": "#N/A"}),
        row("R3", **{"Next review": "31/02/2026"}),
        row("R4", **{"Inherent impact": 3.5}),
        row(None),
    )
    assert messages(reg) == [
        f"Register!E2, field 'Inherent likelihood': 0 is not a likelihood (scores run from 1 to "
        f"5); {VALID}",
        "Register!I3, field 'Residual impact': the cell holds the error #N/A; valid: 1 to 5, or "
        "Negligible, Minor, Moderate, Major, Catastrophic",
        "Register!M4, field 'Next review': '31/02/2026' is not a real date (February 2026 has "
        "28 days); valid: a date, an Excel date serial, dd/mm/yyyy or yyyy-mm-dd",
        "Register!F5, field 'Inherent impact': 3.5 is not an impact (scores are whole numbers "
        "from 1 to 5); valid: 1 to 5, or Negligible, Minor, Moderate, Major, Catastrophic",
        "Register!A6, field 'Risk ID': the risk id is blank; valid: an id unique in the register",
    ]
    # Every row is still there, and each keeps its good values.
    assert reg.risks["risk_id"].tolist() == ["R1", "R2", "R3", "R4", None]
    assert reg.risks["inherent_impact"].tolist() == [4, 4, 4, None, 4]
    assert reg.risks["residual_impact"].tolist() == [3, None, 3, 3, 3]


def test_a_register_missing_a_required_column_lists_the_headers_found() -> None:
    errors = InputErrors()
    read = inputs.read_register(
        Cells([["Ref", "Title", "Likelihood"], ["R1", "Provider fails", 3]]), NHS_5X5, errors
    )
    assert read is None
    assert [e.message for e in errors] == [
        "the Register table has no 'Inherent impact' column (headers found: 'Ref', 'Title', "
        "'Likelihood')"
    ]
    # Other spellings of a column are read, and said.
    assert errors.notes == [
        "Register: read the header 'Ref' as 'Risk ID'",
        "Register: read the header 'Likelihood' as 'Inherent likelihood'",
    ]


def test_a_header_that_is_no_column_stops_the_register_and_names_it() -> None:
    # A renamed optional column must not be read as missing: nothing is read until it is fixed.
    errors = InputErrors()
    header = [*HEADER[:-1], "Max £ impact"]
    read = inputs.read_register(Cells([header, row("R1")]), NHS_5X5, errors, file="r.xlsx")
    assert read is None
    assert [str(e) for e in errors] == [
        "r.xlsx, Register!R1: the header 'Max £ impact' is not a column of the Register table; "
        "valid: the columns " + ", ".join(inputs.REGISTER_SPEC.headers) + " (rename the header "
        "to one of them, or remove the column)"
    ]


def test_a_minimum_above_the_maximum_drops_only_that_risks_estimate() -> None:
    money = {"Chance of occurring": "30%", "Minimum impact (£)": "£50,000",
             "Most likely impact (£)": 30000, "Maximum impact (£)": 20000}  # fmt: skip
    good = {"Chance of occurring": 0.3, "Minimum impact (£)": 10000,
            "Most likely impact (£)": 20000, "Maximum impact (£)": 50000}  # fmt: skip
    reg = register(row("R1", **money), row("R2", **good))
    assert messages(reg) == [
        "Register!P2, field 'Minimum impact (£)': the minimum £50,000 is above the maximum "
        "£20,000; valid: minimum ≤ most likely ≤ maximum"
    ]
    assert reg.risks["quantified"].tolist() == [False, True]
    assert reg.risks["probability"].tolist() == [0.3, 0.3]  # '30%' read as people mean it
    assert reg.risks["inherent_likelihood"].tolist() == [4, 4]  # scoring is untouched


def test_a_probability_typed_as_thirty_is_refused_with_what_was_meant_never_divided() -> None:
    estimate = {"Minimum impact (£)": 1, "Most likely impact (£)": 2, "Maximum impact (£)": 3}
    reg = register(
        row("R1", **{"Chance of occurring": 30, **estimate}),
        row("R2", **{"Chance of occurring": "30", **estimate}),
    )
    # A rate is a fraction: 30 is 3,000%, outside 0% to 100%; 30% (0.3) was probably meant.
    first, second = messages(reg)
    assert first.startswith("Register!O2, field 'Chance of occurring': 30 is 3,000%, outside ")
    assert "type 30% (or 0.3)" in first
    assert second.startswith("Register!O3, field 'Chance of occurring': '30' is 3,000%")
    assert reg.risks["probability"].isna().all()  # not read as 0.3 behind the officer's back
    assert reg.risks["quantified"].tolist() == [False, False]  # so not in the £ total


def test_half_a_residual_pair_and_a_missing_inherent_rating_are_reported() -> None:
    reg = register(
        row("R1", **{"Residual impact": None}),
        row("R2", **{"Inherent likelihood": None, "Inherent impact": " "}),
    )
    assert messages(reg) == [
        "Register!I2, field 'Residual impact': the residual impact is blank; valid: both "
        "residual likelihood and impact, or neither",
        "Register!E3, field 'Inherent likelihood': the inherent likelihood and impact are "
        "blank; valid: the risk's rating before controls, e.g. Possible and Major",
    ]
    # R2 is still scored on what it has: its residual 3 × 3 is its current score.
    scored = engine.score_register(reg.risks, as_of=dt.date(2026, 6, 1))
    assert scored["current_score"].tolist() == [16, 9]


def test_a_category_not_on_the_appetite_sheet_is_reported_and_kept() -> None:
    reg = register(
        row("R1", Category="Cyber"),
        row("R2", Category="financial"),
        categories=["Financial loss", "Reputation"],
    )
    assert messages(reg) == [
        "Register!C2, field 'Category': 'Cyber' is not a category on the Appetite sheet; valid: "
        "Financial loss, Reputation, or add it to the Appetite sheet"
    ]
    # The common word 'financial' is read as the standard category.
    assert reg.risks["category"].tolist() == [None, "Financial loss"]


def test_register_values_keep_unreadable_cells_as_they_were() -> None:
    reg = register(
        row("R1", **{"Inherent likelihood": "likley"}),
        row("R2", **{"Inherent likelihood": "almost CERTAIN", "Score at last review": "12"}),
    )
    values = reg.values(NHS_5X5)
    assert [v["inherent_likelihood"] for v in values] == ["likley", "Almost certain"]
    assert values[0]["next_review"] == dt.date(2026, 9, 1)
    assert values[1]["previous_score"] == 12 and type(values[1]["previous_score"]) is int


def test_uk_text_dates_are_read_day_first() -> None:
    reg = register(row("R1", **{"Next review": "03/04/2026"}),
                   row("R2", **{"Next review": "3.4.26"}))  # fmt: skip
    assert list(reg.problems) == []
    assert reg.risks["next_review"].tolist() == [dt.date(2026, 4, 3)] * 2  # 3 April, not 4 March


# The issue's own cases: '1_000' in a £ estimate, and 32,767 characters in a numeric cell.
LONG = "9" * 10 + "x" * 32_757  # a cell's most: 32,767 characters


def test_a_python_style_number_and_a_whole_cell_of_text_in_an_estimate_are_located() -> None:
    reg = register(
        row("R1", **{"Chance of occurring": 0.3, "Minimum impact (£)": "1_000",
                     "Most likely impact (£)": 2000, "Maximum impact (£)": 3000}),
        row("R2", **{"Chance of occurring": 0.3, "Minimum impact (£)": 1000,
                     "Most likely impact (£)": 2000, "Maximum impact (£)": LONG}),
    )  # fmt: skip
    found = messages(reg)
    assert found[0] == (
        "Register!P2, field 'Minimum impact (£)': '1_000' is not an amount in £; valid: an "
        "amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    )
    assert len(found) == 2  # the cell says what is wrong; the estimate is not "incomplete" too
    assert found[1].startswith(
        f"Register!R3, field 'Maximum impact (£)': '{LONG[:37]}...' (32,767 characters) is "
        "not an amount in £"
    )
    assert all(len(m) < 300 for m in found)  # the long text is shortened, never echoed whole
    assert reg.risks["quantified"].tolist() == [False, False]


# --- the Matrix and Appetite sheets ---------------------------------------------------------------

LIKELIHOOD = [
    ["Score", "Likelihood", "Description"],
    [1, "Unlikely", ""],
    [2, "Possible", ""],
    [3, "Likely", ""],
    [None, None, None],
]
IMPACT = [["Score", "Impact", "Description"], [1, "Low", ""], [2, "Medium", ""], [3, "High", ""]]
BANDS = [
    ["Band", "From", "To", "Colour"],
    ["Low", 1, 2, "C6EFCE"],
    ["Medium", 3, 4, None],
    ["High", 6, 9, "#FFC7CE"],
    [None, None, None, None],
]
LEVELS = [
    ["Level", "Highest tolerated residual score"],
    ["Averse", 1],
    ["Minimal", 2],
    ["Cautious", 3],
    ["Open", 4],
    ["Eager", 6],
]


def matrix_tables(**changes: list[list[object]]) -> dict[str, Cells]:
    tables = {"Likelihood": LIKELIHOOD, "Impact": IMPACT, "Bands": BANDS, "AppetiteLevels": LEVELS}
    tables.update(changes)
    return {name: Cells(rows, first_row=7) for name, rows in tables.items()}


def test_a_matrix_from_the_workbooks_tables() -> None:
    errors = InputErrors()
    named = {"MatrixName": "org-3x3", "HighRiskFrom": 6}
    matrix = inputs.read_matrix(matrix_tables(), named, errors)
    assert matrix is not None, str(errors)
    assert [lv.label for lv in matrix.likelihood] == ["Unlikely", "Possible", "Likely"]
    assert [(b.name, b.low, b.high) for b in matrix.bands] == [
        ("Low", 1, 2),
        ("Medium", 3, 4),
        ("High", 6, 9),
    ]
    assert matrix.bands[2].colour == "FFC7CE"
    assert matrix.appetite[AppetiteLevel.EAGER] == 6 and matrix.high_score == 6


def test_a_matrix_with_a_gap_or_a_bad_cell_says_where() -> None:
    errors = InputErrors()
    gap = [row if row[0] != "High" else ["High", 7, 9, None] for row in BANDS]
    assert inputs.read_matrix(matrix_tables(Bands=gap), {}, errors) is None
    # Scores 1×1 .. 3×3 give 6; a High band from 7 leaves it in none.
    assert [str(e) for e in errors] == [
        "sheet 'Matrix': the risk matrix is not valid (score 6 falls in no band; "
        "each score needs one band); valid: scores 1, 2, 3 ... on each scale and every score "
        "in one band"
    ]
    errors = InputErrors()
    bad = [*LIKELIHOOD[:2], ["two", "Possible", ""], *LIKELIHOOD[3:]]
    assert inputs.read_matrix(matrix_tables(Likelihood=bad), {"HighRiskFrom": 0}, errors) is None
    assert [str(e) for e in errors] == [
        "Matrix!B5, field 'High risk from score': 0 is outside 1 to 100 (a matrix of up to "
        "10 × 10 levels); valid: a score from 1 to 100",
        "Matrix!A9, field 'Score': 'two' is not a score; valid: a score from 1 to 10",
    ]


def test_appetite_by_category_with_a_level_left_blank() -> None:
    errors = InputErrors()
    rows = [
        ["Category", "Appetite level", "Highest tolerated score"],
        ["Financial loss", "open", 12],
        ["Cyber", None, None],
        ["Cyber", "Averse", 3],
    ]
    appetite = inputs.read_appetite(NHS_5X5, Cells(rows, first_row=5), errors)
    assert appetite is not None
    assert appetite.categories == {"Financial loss": AppetiteLevel.OPEN, "Cyber": None}
    assert appetite.tolerated("Financial loss") == 12 and appetite.tolerated("Cyber") is None
    assert [str(e) for e in errors] == [
        "Appetite!A8, field 'Category': the category 'Cyber' is listed twice; valid: each "
        "category once"
    ]


def test_a_toml_matrix_scores_and_bands_on_its_own_scale() -> None:
    matrix = inputs.matrix_from_toml(FOUR_BY_FOUR, file="council.toml")
    ratings, scores = scored(
        np.array(["low", "VH", 3, 5], dtype=object),
        np.array([3, "Critical", "serious", 1]).astype(object),
        matrix,
    )
    # Low(1) × Serious(3) = 3 Green; Very high(4) × Critical(4) = 16 Red; 3 × 3 = 9 Red;
    # 5 is off a four-point scale.
    assert scores.tolist()[:3] == [3, 16, 9]
    assert engine.band_names(matrix)[scores[:3]].tolist() == ["Green", "Red", "Red"]
    assert ratings.errors[3] == (
        "5 is not a likelihood (scores run from 1 to 4); valid: 1 to 4, or Low, Medium, High, "
        "Very high"
    )
    assert matrix.appetite[AppetiteLevel.OPEN] == 8
    assert matrix.high_score == 4  # lower bound of the band above the middle (Amber)


def test_toml_that_does_not_parse_says_where_without_the_parsers_own_words() -> None:
    with pytest.raises(InputError) as caught:
        inputs.matrix_from_toml(
            'name = "x"\n[[likelihood]\n', file="council.toml"
        )  # "]]" expected after col 13
    assert str(caught.value) == (
        "council.toml: the file is not valid TOML at line 2, column 13; valid: TOML as in "
        "docs/risk.md: name, [[likelihood]], [[impact]], [[band]], [appetite]"
    )


def test_a_toml_matrix_with_a_score_in_no_band_says_which() -> None:
    broken = FOUR_BY_FOUR.replace("low = 9\n", "low = 10\n")
    with pytest.raises(InputError) as caught:
        inputs.matrix_from_toml(broken, file="council.toml")
    assert str(caught.value) == (
        "council.toml: the risk matrix is not valid (score 9 falls in no band; "
        "each score needs one band)"
    )


# --- worksheet-function ranges --------------------------------------------------------------------


def test_estimates_skip_wholly_blank_rows_and_read_percentages_as_rates() -> None:
    estimates = inputs.read_estimates(
        [0.3, None, "45%"], ["£1,000", None, 0], [2000, None, 10], [3000, None, 20]
    )
    p, low, mode, high = estimates.arrays()
    assert estimates.kept.tolist() == [True, False, True]
    assert p.tolist() == [0.3, 0.45] and low.tolist() == [1000.0, 0.0]
    assert mode.tolist() == [2000.0, 10.0] and high.tolist() == [3000.0, 20.0]


def test_estimate_problems_name_the_item_and_the_range() -> None:
    with pytest.raises(InputError) as caught:
        inputs.read_estimates([30, 0.2], ["1_000", None], [2000, 5000], [3000, 9000])
    message = str(caught.value)
    assert message.startswith("item 1 probability: 30 is 3,000%, outside 0% to 100%")
    assert "type 30% (or 0.3)" in message
    assert "item 1 minimum: '1_000' is not an amount in £" in message
    assert "item 2 minimum: blank" in message


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (inputs.CONFIDENCE, 80, "confidence: 80 is 8,000%, outside 50% to 99.9% for a confidence"),
        (inputs.CONFIDENCE, 0.3, "confidence: 0.3 is 30%, outside 50% to 99.9% for a confidence"),
        (inputs.ITERATIONS, 2.5, "iterations: 2.5 is not a whole number"),
        (inputs.SEED, -1, "seed: -1 is outside 0 to 2,147,483,647"),
    ],
)
def test_options_are_read_by_their_types_and_name_the_argument(
    kind: object, value: object, message: str
) -> None:
    name = message.split(":")[0]
    with pytest.raises(InputError) as caught:
        inputs.option(kind, value, None, name)  # type: ignore[arg-type]
    assert caught.value.message.startswith(message)
    assert inputs.option(kind, None, 0.8, name) == 0.8  # blank: the default  # type: ignore[arg-type]
