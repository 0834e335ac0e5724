"""Worksheet functions beyond their worked examples: shapes, bad cells, refusals."""

from __future__ import annotations

import importlib

import pytest

from cpcxl.common.errors import InputError
from cpcxl.proposals.excel import (
    cpc_ahp_consistency,
    cpc_ahp_weights,
    cpc_bcr,
    cpc_discount_factor,
    cpc_npsv,
    cpc_weighted_score,
)

from .test_engine import HOUSE


def udf(name: str):
    return getattr(importlib.import_module("cpcxl.xl.udfs"), name)


def test_a_row_of_years_gives_a_row_of_factors():
    # 1/1.035 and 1/1.015 (health), by hand.
    assert cpc_discount_factor([1, 1], ["standard", "health"]) == pytest.approx(
        [1 / 1.035, 1 / 1.015]
    )


def test_an_unknown_schedule_is_explained_in_the_cell():
    assert cpc_discount_factor(1, "green") == (
        "#VALUE! field 'schedule': 'green' is not a discount schedule; valid: standard, health"
    )


def test_costs_and_benefits_of_different_lengths_reach_excel_as_a_sentence():
    result = udf("cpc_npsv")([100, 0, 0, 0], [0, 60, 60])
    assert result.startswith("#VALUE! the cost range covers 4 years but the benefit range covers 3")


def test_npsv_with_blanks_for_years_with_nothing():
    # Blank cells inside a row are years with no amount: 100 in year 0, 110 in year 2.
    assert cpc_npsv([100, None, None], [None, None, 110]) == pytest.approx(110 / 1.035**2 - 100)


def test_a_negative_optimism_bias_is_refused():
    with pytest.raises(InputError, match=r"optimism bias -0\.2 is negative"):
        cpc_bcr([100], [120], "standard", -0.2)


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


def test_judgements_typed_as_text_fractions_and_blank_cells():
    weights = cpc_ahp_weights([[1, "1/3"], ["3", 1]])
    assert [w[0] for w in weights] == pytest.approx([0.25, 0.75])
    with pytest.raises(InputError, match="row 1, column 2 is blank"):
        cpc_ahp_weights([[1, None], [1, 1]])
