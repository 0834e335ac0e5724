"""Risk matrices: the built-in NPSA 5×5 through the scheme hook, and an organisation's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cpcxl.common.errors import InputError
from cpcxl.plugins import registry
from cpcxl.risk.engine import band_names, score_cells
from cpcxl.risk.models import AppetiteLevel
from cpcxl.risk.schemes import NHS_5X5, matrix_from_tables, matrix_from_toml, matrix_named

FOUR_BY_FOUR = (Path(__file__).parents[1] / "data" / "risk" / "council_4x4.toml").read_text(
    encoding="utf-8"
)


def test_nhs_5x5_is_registered_through_the_scheme_hook_by_the_risk_plugin() -> None:
    reg = registry()
    assert reg.schemes[("risk-matrix", "nhs-5x5")].plugin == "risk"
    assert matrix_named("NHS-5x5") is NHS_5X5
    assert matrix_named(None) is NHS_5X5  # blank means the default


def test_an_unknown_matrix_name_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"'nhs-4x4' is not a known risk-matrix scheme; valid: "):
        matrix_named("nhs-4x4")


def test_a_toml_matrix_scores_and_bands_on_its_own_scale() -> None:
    matrix = matrix_from_toml(FOUR_BY_FOUR, file="council.toml")
    scored = score_cells(
        np.array(["low", "VH", 3, 5], dtype=object),
        np.array([3, "Critical", "serious", 1]).astype(object),
        matrix,
    )
    # Low(1) × Serious(3) = 3 Green; Very high(4) × Critical(4) = 16 Red; 3 × 3 = 9 Red;
    # 5 is off a four-point scale.
    assert scored.scores.tolist()[:3] == [3, 16, 9]
    assert band_names(matrix)[scored.scores[:3]].tolist() == ["Green", "Red", "Red"]
    assert scored.errors[3] == (
        "5 is not a likelihood (scores run from 1 to 4); valid: 1 to 4, or Low, Medium, High, "
        "Very high"
    )
    assert matrix.appetite[AppetiteLevel.OPEN] == 8
    assert matrix.high_score == 4  # lower bound of the band above the middle (Amber)


def test_a_matrix_with_a_score_in_no_band_says_which() -> None:
    broken = FOUR_BY_FOUR.replace("low = 9\n", "low = 10\n")
    with pytest.raises(InputError) as caught:
        matrix_from_toml(broken, file="council.toml")
    assert str(caught.value) == (
        "council.toml: the risk matrix is not valid (Value error, score 9 falls in no band; "
        "each score needs one band)"
    )


def test_a_matrix_from_the_workbooks_tables() -> None:
    likelihood = [
        ["Score", "Likelihood", "Description"],
        [1, "Unlikely", ""],
        [2, "Possible", ""],
        [3, "Likely", ""],
        [None, None, None],
    ]
    impact = [
        ["Score", "Impact", "Description"],
        [1, "Low", ""],
        [2, "Medium", ""],
        [3, "High", ""],
    ]
    bands = [
        ["Band", "From", "To", "Colour"],
        ["Low", 1, 2, "C6EFCE"],
        ["Medium", 3, 4, None],
        ["High", 6, 9, "#FFC7CE"],
        [None, None, None, None],
    ]
    levels = [
        ["Level", "Highest tolerated residual score"],
        ["Averse", 1],
        ["Minimal", 2],
        ["Cautious", 3],
        ["Open", 4],
        ["Eager", 6],
    ]
    matrix = matrix_from_tables("org-3x3", likelihood, impact, bands, levels, high_from=6)
    assert [lv.label for lv in matrix.likelihood] == ["Unlikely", "Possible", "Likely"]
    assert [(b.name, b.low, b.high) for b in matrix.bands] == [
        ("Low", 1, 2),
        ("Medium", 3, 4),
        ("High", 6, 9),
    ]
    assert matrix.bands[2].colour == "FFC7CE"
    assert matrix.appetite[AppetiteLevel.EAGER] == 6 and matrix.high_score == 6
