"""The Risk share sheet: the agreed terms, the tested overspend on every basis, and the
settlement of the actual variance."""

from __future__ import annotations

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import BudgetResult
from .cells import GBP, PCT, PENCE, block, heading, money, number, place, variance_words

RISK = "Risk share"


def settlement_block(title: str, settlement: pd.DataFrame) -> Block:
    rows = [
        [
            p,
            money(r["contribution"]),
            number(r["share"]),
            money(r["shared_part"]),
            money(r["excluded_part"]),
            money(r["settlement"]),
        ]
        for p, r in settlement.iterrows()
    ]
    rows.append(
        [
            "Total",
            money(settlement["contribution"].sum()),
            1.0,
            int(settlement["shared_pence"].sum()) / 100,
            int(settlement["excluded_pence"].sum()) / 100,
            int(settlement["pence"].sum()) / 100,
        ]
    )
    header = [
        "Partner",
        "Cash on shared lines £",
        "Share",
        "Part of shared lines £",
        "Part of excluded lines £",
        "Settlement £",
    ]
    fills = {
        (i + 1, 5): (formats.RED if r["settlement"] > 0 else formats.GREEN)
        for i, (_, r) in enumerate(settlement.iterrows())
        if r["settlement"] != 0
    }
    return block(title, header, rows, {1: GBP, 2: PCT, 3: PENCE, 4: PENCE, 5: PENCE}, fills)


def risk_sheet(result: BudgetResult) -> SheetOutput:
    a = result.inputs.arrangement
    excluded = [line.name for line in result.inputs.lines if line.excluded]
    terms = Block(
        [
            ["Term", "Value"],
            ["Agreed basis", a.basis.label],
            ["Host", a.host or "none"],
            ["Overspend tested £", a.test_variance],
            ["Year whose contributions weight the shares", year_label(a.risk_year)],
            ["Lines kept out of the risk share", "; ".join(excluded) or "none"],
            [
                "Rounding",
                "To the penny; pence left over go to the largest fractions "
                "(ties: the partner listed first), so settlements add up exactly",
            ],
        ],
        title="Risk-share terms",
        formats={},
    )
    agreed = settlement_block(
        f"Exposure to {variance_words(a.test_variance)} on the agreed basis ({a.basis.label})",
        result.exposure,
    )
    by_basis = result.exposure_by_basis
    rows = [
        [p, *[money(v) if not isinstance(v, str) else v for v in r]] for p, r in by_basis.iterrows()
    ]
    total = []
    for col in by_basis.columns:
        values = by_basis[col]
        numeric = pd.to_numeric(values, errors="coerce")
        total.append(money(numeric.sum()) if numeric.notna().all() else "n/a")
    rows.append(["Total", *total])
    every = block(
        f"The same variance on every basis, £ (each column adds up to £{a.test_variance:,.2f})",
        ["Partner", *by_basis.columns],
        rows,
        {i + 1: PENCE for i in range(len(by_basis.columns))},
    )
    blocks = [terms, agreed, every]
    if result.actual_settlement is not None:
        year = result.actual_settlement.attrs.get("year")
        variance = result.actual_settlement["settlement"].sum()
        blocks.append(
            settlement_block(
                f"Settlement of the {year_label(year)} actual variance of £{variance:,.2f} "
                "(from the Actuals table)",
                result.actual_settlement,
            )
        )
    return SheetOutput(
        RISK,
        [
            heading(
                "Risk share of overspends and underspends",
                "Positive: the partner pays in (overspend); negative: it gets money back.",
            ),
            *place(blocks),
        ],
        widths={"A": 36, "B": 24, "C": 18, "D": 18, "E": 18, "F": 18, "G": 18},
    )
