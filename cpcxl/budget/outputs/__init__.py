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
from .bcf import BCF, bcf_sheet
from .budget import BUDGET, budget_sheet
from .cells import chart_column, chart_ranges
from .monitoring import MONITORING, monitoring_sheet
from .report import CHART_DATA, REPORT, chart_anchor, chart_data, report_sheet
from .risk import RISK, risk_sheet
from .scenarios import SCENARIOS, scenarios_sheet
from .statement import BY_YEAR, STATEMENT, statement_sheet

PROBLEMS = "Problems"

__all__ = [
    "BCF",
    "BUDGET",
    "BY_YEAR",
    "CHART_DATA",
    "MONITORING",
    "PROBLEMS",
    "REPORT",
    "RISK",
    "SCENARIOS",
    "STATEMENT",
    "SheetOutput",
    "bcf_sheet",
    "budget_sheet",
    "chart_anchor",
    "chart_column",
    "chart_data",
    "chart_ranges",
    "monitoring_sheet",
    "output_sheets",
    "problems_sheet",
    "report_sheet",
    "risk_sheet",
    "scenarios_sheet",
    "statement_sheet",
]


def output_sheets(result: BudgetResult, comparison: pd.DataFrame) -> list[SheetOutput]:
    """The sheets the Build budget button and ``cpcxl budget build`` write: Budget, Risk
    share, Scenarios and Monitoring; the Month-end report when there are actuals by period
    or payments; the BCF checks when the arrangement is a Better Care Fund plan."""
    return [
        budget_sheet(result),
        risk_sheet(result),
        scenarios_sheet(result, comparison),
        monitoring_sheet(result),
        *([report_sheet(result)] if result.in_year is not None else []),
        *([bcf_sheet(result)] if result.bcf is not None else []),
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
