"""Aligned and pooled budgets: projection, the joint budget, risk share, scenarios, monitoring.

Pure: pandas and numpy over a long table of contributions (partner, line, year, kind, amount),
no Excel and no files. Money is in pounds as floats until a settlement is made; settlements
are made in whole pence so that they add up exactly to the variance being shared.

One module per idea: ``arrangement`` (what the engine is given), ``checks`` (problems across
tables), ``projection``, ``aggregation`` (the joint budget and its shares), ``risk`` (risk
share to the penny), ``monitoring``, ``scenarios``, and ``build`` (the whole budget).
"""

from __future__ import annotations

from .aggregation import (
    JointBudget,
    joint_budget,
    outcomes_served,
    pool_shares,
    pool_summary,
    pooling_benefit,
    ratio,
)
from .arrangement import (
    CASH,
    CONTRIBUTION_COLUMNS,
    IN_KIND,
    BudgetInputs,
    Place,
    empty_actuals,
    empty_standalone,
)
from .build import BudgetResult, build
from .checks import check
from .monitoring import by_partner, indicator_progress, monitor
from .projection import change_factors, project, uplift
from .risk import (
    FIXED_SHARE_TOLERANCE,
    GridShare,
    RiskTerms,
    allocate_pence,
    bear_own,
    capped_parts,
    check_fixed_shares,
    share_grid,
    share_risk,
    spread_over_lines,
    tested_exposure,
    to_pence,
    year_weights,
)
from .scenarios import ScenarioChange, apply_scenario, check_scenarios, compare_scenarios

__all__ = [
    "CASH",
    "CONTRIBUTION_COLUMNS",
    "FIXED_SHARE_TOLERANCE",
    "IN_KIND",
    "BudgetInputs",
    "BudgetResult",
    "GridShare",
    "JointBudget",
    "Place",
    "RiskTerms",
    "ScenarioChange",
    "allocate_pence",
    "apply_scenario",
    "bear_own",
    "build",
    "by_partner",
    "capped_parts",
    "change_factors",
    "check",
    "check_fixed_shares",
    "check_scenarios",
    "compare_scenarios",
    "empty_actuals",
    "empty_standalone",
    "indicator_progress",
    "joint_budget",
    "monitor",
    "outcomes_served",
    "pool_shares",
    "pool_summary",
    "pooling_benefit",
    "project",
    "ratio",
    "share_grid",
    "share_risk",
    "spread_over_lines",
    "tested_exposure",
    "to_pence",
    "uplift",
    "year_weights",
]
