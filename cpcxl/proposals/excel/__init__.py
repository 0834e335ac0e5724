"""Worksheet functions and the "Evaluate proposals" button: thin wrappers over the engine.

One module per idea: :mod:`.appraisal` (discount factors, NPSV, BCR, IRR), :mod:`.scoring`
(weighted scores, AHP, weight sensitivity) and :mod:`.button` (the button script).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .appraisal import (
    MAX_YEARS,
    PVB_EXAMPLE,
    YEAR,
    cpc_bcr,
    cpc_discount_factor,
    cpc_irr,
    cpc_npsv,
)
from .button import SCRIPTS, evaluate_proposals
from .scoring import (
    CR_EXAMPLE,
    DEFAULT_SCALE_MAX,
    MAX_CRITERIA,
    SCALE_MAX,
    cpc_ahp_consistency,
    cpc_ahp_weights,
    cpc_weight_sensitivity,
    cpc_weighted_score,
)

FUNCTIONS: list[Callable[..., Any]] = [
    cpc_discount_factor,
    cpc_npsv,
    cpc_bcr,
    cpc_irr,
    cpc_weighted_score,
    cpc_ahp_weights,
    cpc_ahp_consistency,
    cpc_weight_sensitivity,
]

__all__ = [
    "CR_EXAMPLE",
    "DEFAULT_SCALE_MAX",
    "FUNCTIONS",
    "MAX_CRITERIA",
    "MAX_YEARS",
    "PVB_EXAMPLE",
    "SCALE_MAX",
    "SCRIPTS",
    "YEAR",
    "cpc_ahp_consistency",
    "cpc_ahp_weights",
    "cpc_bcr",
    "cpc_discount_factor",
    "cpc_irr",
    "cpc_npsv",
    "cpc_weight_sensitivity",
    "cpc_weighted_score",
    "evaluate_proposals",
]
