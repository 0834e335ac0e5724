"""The Risk share sheet: the agreed terms, the tested overspend on every basis, and the
settlement of the actual variance."""

from __future__ import annotations

import pandas as pd

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import BudgetResult
from ..models import ArrangementKind
from .cells import GBP, PCT, PENCE, block, heading, money, number, place, variance_words

RISK = "Risk share"


def settlement_block(title: str, settlement: pd.DataFrame) -> Block:
    """A settlement per partner and its total: in a pooled budget the parts of shared and
    excluded lines; in an aligned one (``attrs["aligned"]``) each partner's own variance."""
    aligned = bool(settlement.attrs.get("aligned"))
    mixed = not aligned and bool(settlement["own_pence"].any())
    parts = ["own_part"] if aligned else ["shared_part", "excluded_part"]
    pence = ["own_pence"] if aligned else ["shared_pence", "excluded_pence"]
    if mixed:  # a pooled fund with aligned lines: each partner's own variance on them
        parts, pence = [*parts, "own_part"], [*pence, "own_pence"]
    rows = [
        [
            p,
            money(r["contribution"]),
            number(r["share"]),
            *[money(r[c]) for c in parts],
            money(r["settlement"]),
        ]
        for p, r in settlement.iterrows()
    ]
    rows.append(
        [
            "Total",
            money(settlement["contribution"].sum()),
            1.0,
            *[int(settlement[c].sum()) / 100 for c in pence],
            int(settlement["pence"].sum()) / 100,
        ]
    )
    if aligned:
        header = ["Partner", "Own cash budget £", "Share", "Own variance £", "Settlement £"]
    else:
        header = [
            "Partner",
            "Cash on shared lines £",
            "Share",
            "Part of shared lines £",
            "Part of excluded lines £",
            *(["Own variance on aligned lines £"] if mixed else []),
            "Settlement £",
        ]
    last = len(header) - 1
    fills = {
        (i + 1, last): (formats.RED if r["settlement"] > 0 else formats.GREEN)
        for i, (_, r) in enumerate(settlement.iterrows())
        if r["settlement"] != 0
    }
    number_formats = {1: GBP, 2: PCT, **{c: PENCE for c in range(3, last + 1)}}
    return block(title, header, rows, number_formats, fills)


#: What an aligned budget's Risk share sheet says of its terms (CPC 509).
ALIGNED_TERMS = (
    "aligned: each partner keeps control of its own budget and bears its own variance "
    "(CPC 509); the risk-share terms apply only if the budget is pooled"
)


def risk_sheet(result: BudgetResult) -> SheetOutput:
    a = result.inputs.arrangement
    aligned = a.kind is ArrangementKind.ALIGNED
    excluded = [line.name for line in result.inputs.lines if line.excluded]
    terms = Block(
        [
            ["Term", "Value"],
            *([["Aligned or pooled", ALIGNED_TERMS]] if aligned else []),
            ["Agreed basis", a.basis.label + (" (if pooled)" if aligned else "")],
            ["Host", a.host or "none"],
            ["Overspend tested £", a.test_variance],
            ["Year whose contributions weight the shares", year_label(a.risk_year)],
            [
                "Lines kept out of the risk share" + (" (if pooled)" if aligned else ""),
                "; ".join(excluded) or "none",
            ],
            [
                "Rounding",
                "To the penny; pence left over go to the largest fractions "
                "(ties: the partner listed first), so settlements add up exactly",
            ],
        ],
        title="Risk-share terms",
        formats={},
    )
    if aligned:
        title = (
            f"Exposure to {variance_words(a.test_variance)}, aligned: each partner bears the "
            "part on its own budget (spread over every budget in proportion to its cash)"
        )
    else:
        title = (
            f"Exposure to {variance_words(a.test_variance)} on the agreed basis ({a.basis.label})"
        )
    agreed = settlement_block(title, result.exposure)
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
        ("If the budget were pooled, the" if aligned else "The")
        + f" same variance on every basis, £ (each column adds up to £{a.test_variance:,.2f})",
        ["Partner", *by_basis.columns],
        rows,
        {i + 1: PENCE for i in range(len(by_basis.columns))},
    )
    blocks = [terms, agreed, every]
    if result.actual_settlement is not None:
        year = result.actual_settlement.attrs.get("year")
        variance = result.actual_settlement["settlement"].sum()
        title = (
            f"Each partner's own {year_label(year)} actual variance, {variance_words(variance)} "
            "in all (from the Actuals table; aligned: nothing is shared)"
            if aligned
            else f"Settlement of the {year_label(year)} actual variance of £{variance:,.2f} "
            "(from the Actuals table)"
        )
        blocks.append(settlement_block(title, result.actual_settlement))
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
