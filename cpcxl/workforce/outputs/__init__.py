"""Every sheet a workforce plan writes, described once for both renderers (``SheetOutput``).

- ``plan``: Plan, Gap, Projection, Optimised mix and Risks;
- ``pay``: Costs and Wage floor (issue 18);
- ``review``: Development and Review (issue 18);
- ``common``: formats and the helpers they share.
"""

from __future__ import annotations

from collections.abc import Sequence

from cpcxl.common.report import SheetOutput

from ..engine import Plan
from .pay import COSTS_SHEET, FLOOR_SHEET, costs_sheet, wage_floor_sheet
from .plan import (
    GAP_CHART_ANCHOR,
    GAP_FIRST_ROW,
    GAP_SHEET,
    MIX_SHEET,
    PLAN_SHEET,
    PROJECTION_SHEET,
    RISKS_SHEET,
    gap_sheet,
    headroom_block,
    mix_sheet,
    plan_sheet,
    projection_sheet,
    risks_sheet,
)
from .review import DEVELOPMENT_SHEET, REVIEW_SHEET, development_sheet, review_sheet

OUTPUT_SHEETS = (
    PLAN_SHEET,
    GAP_SHEET,
    PROJECTION_SHEET,
    MIX_SHEET,
    RISKS_SHEET,
    COSTS_SHEET,
    FLOOR_SHEET,
    DEVELOPMENT_SHEET,
    REVIEW_SHEET,
)


def plan_outputs(plan: Plan, notes: Sequence[str] = ()) -> list[SheetOutput]:
    """Every sheet the plan writes, in order."""
    return [
        plan_sheet(plan, notes),
        gap_sheet(plan),
        projection_sheet(plan),
        mix_sheet(plan),
        risks_sheet(plan),
        costs_sheet(plan),
        wage_floor_sheet(plan),
        development_sheet(plan),
        review_sheet(plan),
    ]


__all__ = [
    "COSTS_SHEET",
    "DEVELOPMENT_SHEET",
    "FLOOR_SHEET",
    "GAP_CHART_ANCHOR",
    "GAP_FIRST_ROW",
    "GAP_SHEET",
    "MIX_SHEET",
    "OUTPUT_SHEETS",
    "PLAN_SHEET",
    "PROJECTION_SHEET",
    "REVIEW_SHEET",
    "RISKS_SHEET",
    "costs_sheet",
    "development_sheet",
    "gap_sheet",
    "headroom_block",
    "mix_sheet",
    "plan_outputs",
    "plan_sheet",
    "projection_sheet",
    "review_sheet",
    "risks_sheet",
    "wage_floor_sheet",
]
