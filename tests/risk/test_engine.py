"""Scoring, register checks and summaries against hand calculations on the NPSA matrix."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpcxl.common.errors import InputError
from cpcxl.risk import engine
from cpcxl.risk.engine import (
    band_counts,
    category_counts,
    heat_map,
    movement,
    read_register,
    register_frame,
    register_heat_map,
    score_cells,
    score_register,
    top_risks,
)
from cpcxl.risk.models import Flag
from cpcxl.risk.schemes import NHS_5X5

VALID = "valid: 1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain"


def cells(*values: object) -> np.ndarray:
    return np.array(values, dtype=object)


# --- scores and bands -------------------------------------------------------------------------


def test_every_cell_of_the_npsa_matrix_scores_and_bands_as_published() -> None:
    # NPSA (2008) table 3: the product of the scores, banded 1-3 Low, 4-6 Moderate,
    # 8-12 High, 15-25 Extreme. Written out row by row (likelihood 1..5, impact 1..5).
    published = {
        1: ["Low", "Low", "Low", "Moderate", "Moderate"],
        2: ["Low", "Moderate", "Moderate", "High", "High"],
        3: ["Low", "Moderate", "High", "High", "Extreme"],
        4: ["Moderate", "High", "High", "Extreme", "Extreme"],
        5: ["Moderate", "High", "Extreme", "Extreme", "Extreme"],
    }
    likelihood = cells(*(lv for lv in range(1, 6) for _ in range(5)))
    impact = cells(*(im for _ in range(5) for im in range(1, 6)))
    scored = score_cells(likelihood, impact)
    assert scored.scores.tolist() == [lv * im for lv in range(1, 6) for im in range(1, 6)]
    bands = engine.band_names(NHS_5X5)[scored.scores].tolist()
    assert bands == [b for lv in range(1, 6) for b in published[lv]]


def test_labels_in_any_case_and_number_label_forms_mean_their_scores() -> None:
    scored = score_cells(
        cells("Rare", "UNLIKELY", " possible ", "3 - Possible", "Likely (4)", "almost certain"),
        cells("Negligible", "minor", "Moderate", "Moderate", "Major", "Catastrophic"),
    )
    assert scored.scores.tolist() == [1 * 1, 2 * 2, 3 * 3, 3 * 3, 4 * 4, 5 * 5]
    assert scored.ok.all()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, f"0 is not a likelihood (scores run from 1 to 5); {VALID}"),
        (6, f"6 is not a likelihood (scores run from 1 to 5); {VALID}"),
        (3.5, f"3.5 is not a likelihood (scores are whole numbers from 1 to 5); {VALID}"),
        ("likley", f"'likley' is not a likelihood (did you mean 'Likely'?); {VALID}"),
        ("#DIV/0!", f"the cell holds the error #DIV/0!; {VALID}"),
        (True, f"TRUE is not a likelihood; {VALID}"),  # as Excel spells it
        (
            "4 - Possible",
            "'4 - Possible' is not a likelihood (the number says 4, the label "
            f"Possible is 3); {VALID}",
        ),
    ],
)
def test_a_bad_likelihood_is_an_error_in_its_own_cell_only(value: object, message: str) -> None:
    scored = score_cells(cells(2, value, 5), cells(3, 3, "Major"))
    assert scored.errors.tolist() == [None, message, None]
    assert scored.scores.tolist() == [6, 0, 20]


def test_blanks_give_blanks_and_half_a_pair_says_which_half() -> None:
    scored = score_cells(cells(None, "", 3, None), cells(None, "  ", None, 4))
    assert scored.blank.tolist() == [True, True, False, False]
    assert scored.errors.tolist() == [
        None,
        None,
        "the impact is blank; give both likelihood and impact",
        "the likelihood is blank; give both likelihood and impact",
    ]


def test_heat_map_puts_likelihood_five_on_top_and_impact_one_on_the_left() -> None:
    grid = heat_map(np.array([5, 5, 1, 3]), np.array([5, 5, 1, 2]), NHS_5X5)
    expected = np.zeros((5, 5), dtype=int)
    expected[0, 4] = 2  # likelihood 5, impact 5
    expected[4, 0] = 1  # likelihood 1, impact 1
    expected[2, 1] = 1  # likelihood 3, impact 2
    assert grid.tolist() == expected.tolist()


# --- reading a register -----------------------------------------------------------------------

HEADER = [
    "Risk ID", "Title", "Category", "Owner", "Inherent likelihood", "Inherent impact",
    "Controls", "Residual likelihood", "Residual impact", "Target likelihood", "Target impact",
    "Status", "Next review", "Score at last review", "Chance of occurring",
    "Minimum impact (£)", "Most likely impact (£)", "Maximum impact (£)",
]  # fmt: skip


def register(*rows: list[object]) -> engine.Register:
    return read_register(register_frame([HEADER, *rows]))


def row(risk_id: str = "R1", **changes: object) -> list[object]:
    values = {
        "Risk ID": risk_id, "Title": "Provider fails", "Category": "Financial loss",
        "Owner": "Head of Finance", "Inherent likelihood": 4, "Inherent impact": 4,
        "Controls": "Monthly checks", "Residual likelihood": 3, "Residual impact": 3,
        "Target likelihood": 2, "Target impact": 3, "Status": "Open",
        "Next review": "01/09/2026", "Score at last review": 9, "Chance of occurring": None,
        "Minimum impact (£)": None, "Most likely impact (£)": None, "Maximum impact (£)": None,
    }  # fmt: skip
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADER]


def messages(reg: engine.Register) -> list[str]:
    return [str(p) for p in reg.problems]


def test_a_clean_register_reads_with_no_problems_and_typed_values() -> None:
    reg = register(row("R1"), row("R2", **{"Inherent likelihood": "Almost certain"}))
    assert reg.problems == []
    assert reg.risks["inherent_likelihood"].tolist() == [4, 5]
    # UK text dates are day first: 01/09/2026 is the 1st of September.
    assert reg.risks["next_review"].tolist() == [dt.date(2026, 9, 1)] * 2


def test_duplicate_ids_are_reported_on_the_repeat_and_both_rows_are_kept() -> None:
    reg = register(row("R1"), row("R2"), row("r1"))
    assert messages(reg) == [
        "row 4, field 'Risk ID': risk id 'r1' is already used at row 2; "
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
        f"row 2, field 'Inherent likelihood': 0 is not a likelihood (scores run from 1 to 5); "
        f"{VALID}",
        "row 3, field 'Residual impact': the cell holds the error #N/A; valid: 1 to 5, or "
        "Negligible, Minor, Moderate, Major, Catastrophic",
        "row 4, field 'Next review': '31/02/2026' is not a real date (day is out of range for "
        "month); valid: a date, an Excel date serial, dd/mm/yyyy or yyyy-mm-dd",
        "row 5, field 'Inherent impact': 3.5 is not an impact (scores are whole numbers from 1 "
        "to 5); valid: 1 to 5, or Negligible, Minor, Moderate, Major, Catastrophic",
        "row 6, field 'Risk ID': the risk id is blank; valid: an id unique in the register",
    ]
    # Every row is still there, and each keeps its good values.
    assert reg.risks["risk_id"].tolist() == ["R1", "R2", "R3", "R4", None]
    assert reg.risks["inherent_impact"].tolist() == [4, 4, 4, None, 4]
    assert reg.risks["residual_impact"].tolist() == [3, None, 3, 3, 3]


def test_a_register_missing_a_required_column_lists_the_headers_found() -> None:
    rows = [["Ref", "Title", "Likelihood"], ["R1", "Provider fails", 3]]
    with pytest.raises(InputError) as caught:
        register_frame(rows)
    assert str(caught.value) == (
        "missing required column inherent_impact; headers found: 'Ref', 'Title', 'Likelihood'"
    )


def test_a_minimum_above_the_maximum_drops_only_that_risks_estimate() -> None:
    money = {"Chance of occurring": "30%", "Minimum impact (£)": "£50,000",
             "Most likely impact (£)": 30000, "Maximum impact (£)": 20000}  # fmt: skip
    good = {"Chance of occurring": 0.3, "Minimum impact (£)": 10000,
            "Most likely impact (£)": 20000, "Maximum impact (£)": 50000}  # fmt: skip
    reg = register(row("R1", **money), row("R2", **good))
    assert messages(reg) == [
        "row 2, field 'Minimum impact (£)': the minimum £50,000 is above the maximum £20,000; "
        "valid: minimum ≤ most likely ≤ maximum"
    ]
    assert reg.risks["quantified"].tolist() == [False, True]
    assert reg.risks["probability"].tolist() == [0.3, 0.3]  # '30%' read as people mean it
    assert reg.risks["inherent_likelihood"].tolist() == [4, 4]  # scoring is untouched


def test_a_probability_written_as_a_whole_number_is_queried_not_guessed() -> None:
    reg = register(
        row(
            "R1",
            **{
                "Chance of occurring": 30,
                "Minimum impact (£)": 1,
                "Most likely impact (£)": 2,
                "Maximum impact (£)": 3,
            },
        )
    )
    assert messages(reg)[0] == (
        "row 2, field 'Chance of occurring': 30 is above 1; valid: a probability such as 30% or 0.3"
    )


def test_half_a_residual_pair_and_a_missing_inherent_rating_are_reported() -> None:
    reg = register(
        row("R1", **{"Residual impact": None}),
        row("R2", **{"Inherent likelihood": None, "Inherent impact": " "}),
    )
    assert messages(reg) == [
        "row 2, field 'Residual impact': the residual impact is blank; valid: both residual "
        "likelihood and impact, or neither",
        "row 3, field 'Inherent likelihood': the inherent likelihood and impact are blank; "
        "valid: the risk's rating before controls, e.g. Possible and Major",
    ]
    # R2 is still scored on what it has: its residual 3 × 3 is its current score.
    scored = score_register(reg, as_of=dt.date(2026, 6, 1))
    assert scored["current_score"].tolist() == [16, 9]


# --- flags, movement and summaries --------------------------------------------------------------

AS_OF = dt.date(2026, 6, 1)


def test_flags_as_worked_by_hand() -> None:
    reg = register(
        # Financial loss is Cautious (up to 9): residual 3×4 = 12 is above it and above the
        # target 2×3 = 6; the review was due 01/05/2026, before 01/06/2026.
        row("R1", **{"Residual impact": 4, "Next review": "01/05/2026"}),
        # Inherent 2×2 = 4, residual 3×3 = 9: the controls made it worse, which is a data error.
        row(
            "R2",
            **{
                "Inherent likelihood": 2,
                "Inherent impact": 2,
                "Target likelihood": None,
                "Target impact": None,
            },
        ),
        # Inherent 4×4 = 16 (Extreme, at least the High band's 8) with no controls.
        row("R3", **{"Controls": None, "Residual likelihood": 1, "Residual impact": 1}),
        # Closed risks are never flagged.
        row("R4", **{"Residual impact": 5, "Status": "Closed"}),
    )
    scored = score_register(reg, NHS_5X5, as_of=AS_OF)
    assert scored["flags"].tolist() == [
        "Above appetite (Cautious: up to 9); Above target (6); Review overdue (due 01/05/2026)",
        "Residual above inherent",
        "High inherent risk, no controls",
        "",
    ]
    assert scored[engine.flag_column(Flag.ABOVE_APPETITE)].tolist() == [True, False, False, False]


def test_movement_since_last_review() -> None:
    reg = register(
        row("R1", **{"Score at last review": 12}),  # now 3×3 = 9
        row("R2", **{"Score at last review": 6}),
        row("R3", **{"Score at last review": 9}),
        row("R4", **{"Score at last review": None}),
    )
    scored = score_register(reg, as_of=AS_OF)
    assert scored["movement"].tolist() == ["Reduced", "Increased", "No change", "No earlier score"]
    moved = movement(scored)
    assert moved["Risk ID"].tolist() == ["R1", "R2"]
    assert moved["Score at last review"].tolist() == [12, 6]


def test_summaries_count_open_risks_by_band_category_and_cell() -> None:
    reg = register(
        row("R1"),  # inherent 16 Extreme, residual 9 High
        row(
            "R2", **{"Category": "Reputation", "Residual likelihood": 1, "Residual impact": 2}
        ),  # residual 2 Low
        row("R3", **{"Residual likelihood": None, "Residual impact": None}),  # current = 16
        row("R4", **{"Status": "Closed"}),  # not counted
    )
    scored = score_register(reg, as_of=AS_OF)
    bands = band_counts(scored, NHS_5X5)
    assert bands.to_dict("list") == {
        "Band": ["Low", "Moderate", "High", "Extreme"],
        "Inherent": [0, 0, 0, 3],
        "Residual": [1, 0, 1, 1],
    }
    by_category = category_counts(scored, NHS_5X5)
    assert by_category.to_dict("records") == [
        {"Category": "Financial loss", "Risks": 2, "Low": 0, "Moderate": 0, "High": 1,
         "Extreme": 1, "Above appetite": 1},
        {"Category": "Reputation", "Risks": 1, "Low": 1, "Moderate": 0, "High": 0,
         "Extreme": 0, "Above appetite": 0},
    ]  # fmt: skip
    residual = register_heat_map(scored, NHS_5X5, "residual")
    assert residual[5 - 3, 3 - 1] == 1 and residual[5 - 1, 2 - 1] == 1
    assert residual[5 - 4, 4 - 1] == 1 and residual.sum() == 3
    top = top_risks(scored, 2)
    assert top["Risk ID"].tolist() == ["R3", "R1"]
    assert top["Residual score"].tolist() == [16, 9]


def test_a_category_not_on_the_appetite_sheet_is_reported_and_kept() -> None:
    reg = read_register(
        register_frame([HEADER, row("R1", Category="Cyber"), row("R2", Category="financial")]),
        categories=["Financial loss", "Reputation"],
    )
    assert messages(reg) == [
        "row 2, field 'Category': 'Cyber' is not a category on the Appetite sheet; valid: "
        "Financial loss, Reputation, or add it to the Appetite sheet"
    ]
    # The common word 'financial' is read as the standard category.
    assert reg.risks["category"].tolist() == [None, "Financial loss"]


def test_register_values_keep_unreadable_cells_as_they_were() -> None:
    frame = register_frame(
        [
            HEADER,
            row("R1", **{"Inherent likelihood": "likley"}),
            row("R2", **{"Inherent likelihood": "almost CERTAIN"}),
        ]
    )
    reg = read_register(frame)
    values = engine.register_values(frame, reg)
    assert [v["inherent_likelihood"] for v in values] == ["likley", "Almost certain"]
    assert values[0]["next_review"] == dt.date(2026, 9, 1)


def test_a_hundred_thousand_cells_score_like_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    labels = np.array(["Rare", "Unlikely", "Possible", "Likely", "Almost certain"], dtype=object)
    numbers = rng.integers(1, 6, 100_000)
    likelihood = np.where(rng.random(100_000) < 0.5, labels[numbers - 1], numbers).astype(object)
    impact = rng.integers(1, 6, 100_000).astype(object)
    scored = score_cells(likelihood, impact)
    assert (scored.scores == numbers * impact.astype(int)).all()
    assert pd.isna(pd.Series(scored.errors)).all()


def test_uk_text_dates_are_read_day_first() -> None:
    reg = register(row("R1", **{"Next review": "03/04/2026"}),
                   row("R2", **{"Next review": "3.4.26"}))  # fmt: skip
    assert reg.problems == []
    assert reg.risks["next_review"].tolist() == [dt.date(2026, 4, 3)] * 2  # 3 April, not 4 March


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
    scored = score_cells(likelihood, impact)
    assert scored.scores.tolist() == [lv * im for lv, im, _ in ratings]
    bands = engine.band_names(NHS_5X5)[scored.scores].tolist()
    assert bands == [npsa_band(lv * im) for lv, im, _ in ratings]
