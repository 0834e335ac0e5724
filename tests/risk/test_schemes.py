"""Risk matrices: the built-in NPSA 5×5 through the scheme hook, and looking one up by name."""

from __future__ import annotations

import pytest

from cpcxl.common.errors import InputError
from cpcxl.plugins import registry
from cpcxl.risk.models import AppetiteLevel
from cpcxl.risk.schemes import NHS_5X5, matrix_named


def test_nhs_5x5_is_registered_through_the_scheme_hook_by_the_risk_plugin() -> None:
    reg = registry()
    assert reg.schemes[("risk-matrix", "nhs-5x5")].plugin == "risk"
    assert matrix_named("NHS-5x5") is NHS_5X5
    assert matrix_named(None) is NHS_5X5  # blank means the default


def test_an_unknown_matrix_name_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"'nhs-4x4' is not a known risk-matrix scheme; valid: "):
        matrix_named("nhs-4x4")


def test_the_npsa_bands_and_cpcxls_starting_appetite_scores() -> None:
    # NPSA (2008): 1-3 Low, 4-6 Moderate, 8-12 High, 15-25 Extreme; 7, 11, 13, 14 cannot occur.
    assert [(b.name, b.low, b.high) for b in NHS_5X5.bands] == [
        ("Low", 1, 3),
        ("Moderate", 4, 6),
        ("High", 8, 12),
        ("Extreme", 15, 25),
    ]
    # cpcxl's local starting points on those bands (docs/risk.md): Averse tolerates Low only,
    # Cautious the lower High scores, Eager the lower Extreme ones.
    assert NHS_5X5.appetite == {
        AppetiteLevel.AVERSE: 3,
        AppetiteLevel.MINIMAL: 6,
        AppetiteLevel.CAUTIOUS: 9,
        AppetiteLevel.OPEN: 12,
        AppetiteLevel.EAGER: 16,
    }
    assert NHS_5X5.high_score == 8
