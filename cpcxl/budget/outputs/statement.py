"""A partner's statement for negotiation (CPC 509 B6-B8): what it puts in, its share, its
outcomes, the benefit of pooling and its exposure on every basis."""

from __future__ import annotations

from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import CASH, IN_KIND, BudgetResult
from ..models import ArrangementKind
from .cells import GBP, PCT, PENCE, block, heading, money, number, place, variance_words


def statement_sheet(result: BudgetResult, partner: str) -> SheetOutput:
    """One partner's statement for negotiation (CPC 509 B6-B8)."""
    b = result.budget
    a = result.inputs.arrangement
    info = next(p for p in result.inputs.partners if p.name == partner)
    totals = b.by("partner")
    t = totals.loc[partner] if partner in totals.index else None
    summary = Block(
        [
            ["Item", "Value"],
            ["Partner", partner],
            ["Type", info.type.value],
            ["Arrangement", a.name],
            ["Aligned or pooled", a.kind.value],
            ["Years", f"{year_label(a.first_year)} to {year_label(a.year_list[-1])}"],
            ["Host", a.host or "none"],
            ["Cash contribution £", money(t[CASH]) if t is not None else 0.0],
            ["In-kind contribution £", money(t[IN_KIND]) if t is not None else 0.0],
            ["Share of the cash", number(t["cash_share"]) if t is not None else 0.0],
            ["Share of all contributions", number(t["share"]) if t is not None else 0.0],
            ["Joint budget, cash £", money(b.total_cash)],
            ["Joint budget, in kind £", money(b.total_in_kind)],
        ],
        title="Summary",
        formats={},
    )
    mine = result.projected[result.projected["partner"] == partner]
    pivot = mine.pivot_table(
        index=["line", "kind"], columns="year", values="amount", aggfunc="sum"
    ).fillna(0.0)
    rows = []
    for (line, kind), r in pivot.iterrows():
        rows.append(
            [
                line,
                kind,
                "Cash" if kind == "Financial" else "In kind",
                *[money(r.get(y, 0.0)) for y in a.year_list],
                money(r.sum()),
            ]
        )
    contributions = block(
        "What you contribute, by line, kind and year",
        ["Line", "Kind", "Cash or in kind", *[year_label(y) for y in a.year_list], "Total £"],
        rows,
        {i + 3: GBP for i in range(len(a.year_list) + 1)},
    )
    by_year = b.by("year", "partner")
    share_rows = []
    for y in a.year_list:
        key = (y, partner)
        r = by_year.loc[key] if key in by_year.index else None
        share_rows.append(
            [
                year_label(y),
                money(r[CASH]) if r is not None else 0.0,
                money(r[IN_KIND]) if r is not None else 0.0,
                number(r["cash_share"]) if r is not None else 0.0,
                number(r["share"]) if r is not None else 0.0,
            ]
        )
    shares = block(
        "Your share by year",
        ["Year", "Cash £", "In kind £", "Share of cash", "Share of all contributions"],
        share_rows,
        {1: GBP, 2: GBP, 3: PCT, 4: PCT},
    )
    outcomes = result.outcomes[result.outcomes["partner"] == partner]
    indicators = result.indicators[result.indicators["partner"] == partner]
    outcome_block = block(
        "Your outcomes and the budget that serves them (all years)",
        [
            "Outcome",
            "Indicator",
            "Lines serving it",
            "Joint budget on those lines £",
            "Your contribution £",
            "Other partners' contribution £",
            "Baseline",
            "Target",
            "Latest actual",
            "Progress to target",
        ],
        [
            [
                r.outcome,
                r.indicator,
                r.lines,
                money(r.joint_budget),
                money(r.own_contribution),
                money(r.others_contribution),
                number(i.baseline),
                number(i.target),
                number(i.actual),
                number(i.progress),
            ]
            for r, i in zip(
                outcomes.itertuples(index=False), indicators.itertuples(index=False), strict=True
            )
        ],
        {3: GBP, 4: GBP, 5: GBP, 9: PCT},
    )
    pooling = result.pooling[result.pooling["partner"] == partner]
    benefit = block(
        "Benefit of pooling",
        ["Cost alone £", "Contribution jointly £", "Saving £", "Saving %"],
        [
            [
                money(r.standalone_cost),
                money(r.joint_contribution),
                money(r.saving),
                number(r.saving_share),
            ]
            for r in pooling.itertuples(index=False)
        ]
        or [["no stand-alone cost entered", None, None, None]],
        {0: GBP, 1: GBP, 2: GBP, 3: PCT},
    )
    aligned = a.kind is ArrangementKind.ALIGNED
    agreed = "Aligned: your own budget" if aligned else a.basis.label
    exposure_rows = [[agreed + " (agreed)", money(result.exposure.loc[partner, "settlement"])]]
    for basis, value in result.exposure_by_basis.loc[partner].items():
        shown = f"If pooled: {basis}" if aligned else basis
        exposure_rows.append([shown, money(value) if not isinstance(value, str) else value])
    exposure = block(
        f"Your exposure to {variance_words(a.test_variance)} in {year_label(a.risk_year)}",
        ["Risk-share basis", "Your part £"],
        exposure_rows,
        {1: PENCE},
    )
    blocks = [summary, contributions, shares, outcome_block, benefit, exposure]
    if result.actual_settlement is not None and partner in result.actual_settlement.index:
        s = result.actual_settlement.loc[partner]
        year = result.actual_settlement.attrs.get("year")
        if aligned:  # CPC 509: its own actuals against its own contributions, not shared
            header, parts = ["Your own variance £", "Settlement £"], ["own_part", "settlement"]
        else:
            header = ["Part of shared lines £", "Part of excluded lines £", "Settlement £"]
            parts = ["shared_part", "excluded_part", "settlement"]
        blocks.append(
            block(
                f"Your part of the {year_label(year)} actual variance",
                header,
                [[money(s[c]) for c in parts]],
                {i: PENCE for i in range(len(parts))},
            )
        )
    return SheetOutput(
        "Statement",
        [
            heading(
                f"Partner statement: {partner}",
                f"{a.name}. Figures include projections where no amount was entered for a year.",
            ),
            *place(blocks),
        ],
        widths={"A": 40, "B": 30, "C": 22, "D": 18, "E": 18, "F": 18, "G": 18},
    )
