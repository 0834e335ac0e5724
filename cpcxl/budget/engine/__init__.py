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
    CARRIED,
    CASH,
    CONTRIBUTION_COLUMNS,
    IN_KIND,
    PERIOD_FIELDS,
    BcfInputs,
    BudgetInputs,
    InYearInputs,
    Place,
    empty_actuals,
    empty_period_actuals,
    empty_standalone,
)
from .bcf import BcfCheck, BcfResult, Finding, check_bcf, income_by_source
from .build import BudgetResult, build
from .checks import check, check_in_year, check_terms
from .inyear import InYearResult, as_at, in_year, last_period, monitored_year, terms_words
from .monitoring import by_partner, indicator_progress, monitor
from .outturn import (
    PERIOD_COUNTS,
    check_profile,
    forecast_grid,
    outturn,
    periods_closed,
    remaining_share,
)
from .payments import PaymentPosition, payment_position
from .projection import change_factors, project, uplift
from .risk import (
    FIXED_SHARE_TOLERANCE,
    GridShare,
    RiskTerms,
    allocate_pence,
    bear_own,
    capped_parts,
    check_fixed_shares,
    settle,
    share_grid,
    share_risk,
    spread_over_lines,
    tested_exposure,
    to_pence,
    year_weights,
)
from .scenarios import ScenarioChange, apply_scenario, check_scenarios, compare_scenarios

__all__ = [
    "CARRIED",
    "CASH",
    "CONTRIBUTION_COLUMNS",
    "FIXED_SHARE_TOLERANCE",
    "IN_KIND",
    "PERIOD_COUNTS",
    "PERIOD_FIELDS",
    "BcfCheck",
    "BcfInputs",
    "BcfResult",
    "BudgetInputs",
    "BudgetResult",
    "Finding",
    "GridShare",
    "InYearInputs",
    "InYearResult",
    "JointBudget",
    "PaymentPosition",
    "Place",
    "RiskTerms",
    "ScenarioChange",
    "allocate_pence",
    "apply_scenario",
    "as_at",
    "bear_own",
    "build",
    "by_partner",
    "capped_parts",
    "change_factors",
    "check",
    "check_bcf",
    "check_fixed_shares",
    "check_in_year",
    "check_profile",
    "check_scenarios",
    "check_terms",
    "compare_scenarios",
    "empty_actuals",
    "empty_period_actuals",
    "empty_standalone",
    "forecast_grid",
    "in_year",
    "income_by_source",
    "indicator_progress",
    "joint_budget",
    "last_period",
    "monitor",
    "monitored_year",
    "outcomes_served",
    "outturn",
    "payment_position",
    "periods_closed",
    "pool_shares",
    "pool_summary",
    "pooling_benefit",
    "project",
    "ratio",
    "remaining_share",
    "settle",
    "share_grid",
    "share_risk",
    "spread_over_lines",
    "terms_words",
    "tested_exposure",
    "to_pence",
    "uplift",
    "year_weights",
]
