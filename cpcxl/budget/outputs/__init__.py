"""The output sheets of a budget (Budget, Risk share, Scenarios, Monitoring), the Problems
sheet, and partner statements.

Pure data: :class:`~cpcxl.common.report.SheetOutput` objects that the button script writes
into the open workbook and the command line writes into files, so both look the same. One
module per sheet; ``cells`` holds what they share.
"""

from __future__ import annotations

import pandas as pd

from cpcxl.common.errors import InputErrors
from cpcxl.common.report import Block, SheetOutput

from ..engine import BudgetResult
from .budget import BUDGET, budget_sheet
from .cells import chart_column, chart_ranges
from .monitoring import MONITORING, monitoring_sheet
from .risk import RISK, risk_sheet
from .scenarios import SCENARIOS, scenarios_sheet
from .statement import statement_sheet

PROBLEMS = "Problems"

__all__ = [
    "BUDGET",
    "MONITORING",
    "PROBLEMS",
    "RISK",
    "SCENARIOS",
    "SheetOutput",
    "budget_sheet",
    "chart_column",
    "chart_ranges",
    "monitoring_sheet",
    "output_sheets",
    "problems_sheet",
    "risk_sheet",
    "scenarios_sheet",
    "statement_sheet",
]


def output_sheets(result: BudgetResult, comparison: pd.DataFrame) -> list[SheetOutput]:
    """The four sheets the Build budget button and ``cpcxl budget build`` write."""
    return [
        budget_sheet(result),
        risk_sheet(result),
        scenarios_sheet(result, comparison),
        monitoring_sheet(result),
    ]


def problems_sheet(errors: InputErrors) -> SheetOutput:
    """Every problem found, with where it is and what would be valid, instead of a budget."""
    rows = [["Where", "Problem", "What would be valid"]]
    for e in errors:
        rows.append([str(e.location or ""), e.message, e.valid or ""])
    return SheetOutput(
        PROBLEMS,
        [
            Block(
                [["The budget was not built: fix these and press Build budget again."]],
                header=False,
            ),
            Block(rows, row=3),
        ],
        widths={"A": 40, "B": 70, "C": 50},
    )
