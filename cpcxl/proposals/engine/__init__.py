"""Evaluating expenditure proposals: Green Book appraisal, criteria scores, AHP weights,
decisions with reasons (CPC 506 B1-B8) and the best portfolio within yearly budgets.

Pure: numpy, pandas, numpy-financial, scipy and pydantic; no workbook or file access. Every
default follows a published source named beside it; local policy choices say so. One module
per idea:

- :mod:`.discounting`: the Green Book's declining discount rates and factors
- :mod:`.appraisal`: optimism bias and the appraisal measures (NPSV, BCR, IRR, payback)
- :mod:`.ahp`: criteria weights from pairwise comparisons (Saaty)
- :mod:`.scoring`: the score matrix and weighted scores
- :mod:`.realism`: weaknesses a submitter can fix
- :mod:`.portfolio`: the best set within yearly budgets (MILP)
- :mod:`.decisions`: Accept, Amend or Reject, with reasons
- :mod:`.evaluation`: the whole round
"""

from __future__ import annotations

from .ahp import (
    CONSISTENCY_LIMIT,
    RANDOM_INDEX,
    RECIPROCAL_TOLERANCE,
    AhpResult,
    Conflict,
    GroupAhp,
    ahp,
    ahp_weights,
    combine_judgements,
    criteria_from_ahp,
    criteria_from_group_ahp,
    group_ahp,
    pairwise_matrix,
    reciprocal_meant,
    saaty_value,
)
from .appraisal import (
    OPTIMISM_BIAS,
    OptimismBias,
    appraise,
    bcr,
    irr,
    irr_problem,
    irr_rates,
    npsv,
    optimism_bias,
    project_type_of,
    rates_text,
)
from .decisions import Feedback
from .discounting import RATE_BANDS, discount_factor, discount_factors, rates, schedule_of
from .evaluation import RoundResult, cash_flows, evaluate, evaluate_round
from .figures import money
from .portfolio import Portfolio, choose_portfolio
from .realism import Weakness, realism_checks
from .scoring import score_matrix, weighted_scores
from .sensitivity import Swing, WeightChange, npsv_swings, weight_sensitivity

__all__ = [
    "CONSISTENCY_LIMIT",
    "OPTIMISM_BIAS",
    "RANDOM_INDEX",
    "RATE_BANDS",
    "RECIPROCAL_TOLERANCE",
    "AhpResult",
    "Conflict",
    "GroupAhp",
    "Swing",
    "WeightChange",
    "Feedback",
    "OptimismBias",
    "Portfolio",
    "RoundResult",
    "Weakness",
    "ahp",
    "ahp_weights",
    "appraise",
    "bcr",
    "cash_flows",
    "choose_portfolio",
    "combine_judgements",
    "criteria_from_ahp",
    "criteria_from_group_ahp",
    "group_ahp",
    "npsv_swings",
    "weight_sensitivity",
    "discount_factor",
    "discount_factors",
    "evaluate",
    "evaluate_round",
    "irr",
    "irr_problem",
    "irr_rates",
    "money",
    "npsv",
    "optimism_bias",
    "pairwise_matrix",
    "project_type_of",
    "rates",
    "rates_text",
    "realism_checks",
    "reciprocal_meant",
    "saaty_value",
    "schedule_of",
    "score_matrix",
    "weighted_scores",
]
