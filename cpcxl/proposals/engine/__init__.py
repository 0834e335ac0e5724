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
from .evaluation import Review, RoundResult, cash_flows, evaluate, evaluate_round
from .figures import money
from .moderation import Moderated, moderate, moderate_scores
from .portfolio import Portfolio, choose_portfolio
from .prices import Affordability, AffordableYear, affordability, in_real_prices
from .realism import Weakness, realism_checks
from .review import (
    MAX_TORNADO_CHARTS,
    CriterionSensitivity,
    Renegotiated,
    Tornado,
    criteria_sensitivity,
    line_values,
    tornadoes,
)
from .scoring import score_matrix, weighted_scores
from .sensitivity import Swing, WeightChange, npsv_swings, weight_sensitivity

__all__ = [
    "CONSISTENCY_LIMIT",
    "MAX_TORNADO_CHARTS",
    "OPTIMISM_BIAS",
    "RANDOM_INDEX",
    "RATE_BANDS",
    "RECIPROCAL_TOLERANCE",
    "Affordability",
    "AffordableYear",
    "AhpResult",
    "Conflict",
    "CriterionSensitivity",
    "Feedback",
    "GroupAhp",
    "Moderated",
    "OptimismBias",
    "Portfolio",
    "Renegotiated",
    "Review",
    "RoundResult",
    "Swing",
    "Tornado",
    "Weakness",
    "WeightChange",
    "affordability",
    "ahp",
    "ahp_weights",
    "appraise",
    "bcr",
    "cash_flows",
    "choose_portfolio",
    "combine_judgements",
    "criteria_from_ahp",
    "criteria_from_group_ahp",
    "criteria_sensitivity",
    "discount_factor",
    "discount_factors",
    "evaluate",
    "evaluate_round",
    "group_ahp",
    "in_real_prices",
    "irr",
    "irr_problem",
    "irr_rates",
    "line_values",
    "moderate",
    "moderate_scores",
    "money",
    "npsv",
    "npsv_swings",
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
    "tornadoes",
    "weight_sensitivity",
    "weighted_scores",
]
