"""The Scenarios sheet: the budget as entered and each scenario, side by side, per partner."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpcxl.common.report import SheetOutput

from ..engine import BudgetResult
from .cells import GBP, PCT, PENCE, block, heading, money, number, place

SCENARIOS = "Scenarios"


def scenarios_sheet(result: BudgetResult, comparison: pd.DataFrame) -> SheetOutput:
    partners = result.budget.partners
    names = list(dict.fromkeys(comparison["scenario"]))
    header = ["Partner"]
    formats: dict[int, str] = {}
    for name in names:
        start = len(header)
        header += [
            f"{name}: contribution £",
            f"{name}: share",
            f"{name}: outcomes served",
            f"{name}: budget on its outcomes £",
            f"{name}: exposure £",
        ]
        formats.update({start: GBP, start + 1: PCT, start + 3: GBP, start + 4: PENCE})
    by = comparison.set_index(["scenario", "partner"])
    rows = []
    for p in partners:
        row: list[Any] = [p]
        for name in names:
            r = by.loc[(name, p)]
            row += [
                money(r["cash"] + r["in_kind"]),
                number(r["share"]),
                int(r["outcomes"]),
                money(r["outcome_budget"]),
                money(r["exposure"]),
            ]
        rows.append(row)
    settings = [
        [
            name,
            comparison.loc[comparison["scenario"] == name, "basis"].iat[0],
            float(comparison.loc[comparison["scenario"] == name, "test_variance"].iat[0]),
        ]
        for name in names
    ]
    blocks = place(
        [
            block(
                "Scenarios side by side (contribution is cash and in kind, all years)",
                header,
                rows,
                formats,
            ),
            block(
                "Each scenario's risk-share terms",
                ["Scenario", "Basis", "Overspend tested £"],
                settings,
                {2: GBP},
            ),
        ]
    )
    return SheetOutput(
        SCENARIOS,
        [
            heading(
                "Scenarios for negotiation",
                "Base is the budget as entered; each scenario changes it as the Scenario "
                "changes table says.",
            ),
            *blocks,
        ],
        widths={"A": 36},
    )
