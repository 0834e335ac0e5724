"""A partner's statement for negotiation (CPC 509 B6-B8, C6; CPC 501 B3-B4): what it puts in
by line and year, cash and in kind apart; its share of the pool; the outcomes the budget
serves for it; the benefit of pooling; its exposure under the current forecast and to a
tested overspend; the scenarios side by side with what each would cost it; and the
conditions for changing its contribution. Money in £, shares as percentages."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import CARRIED, CASH, IN_KIND, BudgetResult
from ..models import ArrangementKind, Change, ChangeReason, UnderspendUse
from .cells import GBP, PCT, PENCE, block, money, number, place, title_heading, variance_words

STATEMENT = "Statement"
#: The title of the block the statement's chart is drawn from.
BY_YEAR = "Your contribution by year"
#: The title of the block the chart is drawn beside.
CONTRIBUTION = "Your contribution and the pool, all years"


def _terms(result: BudgetResult) -> str:
    a = result.inputs.arrangement
    if all((line.kind or a.kind) is ArrangementKind.ALIGNED for line in result.inputs.lines):
        return "Aligned: each partner bears the variance on its own budget (CPC 509)"
    under = "carried forward" if a.underspend_use is UnderspendUse.CARRIED_FORWARD else "returned"
    return f"Overspends: {a.basis.label}; underspends: {a.under_basis.label}, {under}" + (
        "; aligned lines: each partner its own"
        if any(line.kind for line in result.inputs.lines)
        else ""
    )


def about_block(result: BudgetResult, partner: str) -> Block:
    a = result.inputs.arrangement
    info = next(p for p in result.inputs.partners if p.name == partner)
    return block(
        "About",
        ["Item", "Value"],
        [
            ["Partner", partner],
            ["Type", info.type.value],
            ["Arrangement", a.name],
            ["Aligned or pooled", a.kind.value],
            ["Years", f"{year_label(a.first_year)} to {year_label(a.year_list[-1])}"],
            ["Host", a.host or "none"],
            ["Risk-share terms", _terms(result)],
        ],
        {},
    )


def contribution_blocks(result: BudgetResult, partner: str) -> list[Block]:
    b = result.budget
    totals = b.by("partner")
    t = totals.loc[partner] if partner in totals.index else None
    carried = float(b.detail.loc[b.detail["partner"] == partner, CARRIED].sum())
    rows: list[list[Any]] = [
        ["Cash contribution £", money(t[CASH]) if t is not None else 0.0],
        ["In-kind contribution £", money(t[IN_KIND]) if t is not None else 0.0],
    ]
    if carried:
        rows.append(["Of the cash, carried forward from underspends £", money(carried)])
    rows += [
        ["Joint budget, cash £", money(b.total_cash)],
        ["Joint budget, in kind £", money(b.total_in_kind)],
    ]
    money_block = block(CONTRIBUTION, ["Item", "£"], rows, {1: GBP})
    shares = block(
        "Your share of the pool, all years",
        ["Item", "Share"],
        [
            ["Share of the cash", number(t["cash_share"]) if t is not None else 0.0],
            ["Share of all contributions", number(t["share"]) if t is not None else 0.0],
        ],
        {1: PCT},
    )
    return [money_block, shares]


def lines_block(result: BudgetResult, partner: str) -> Block:
    a = result.inputs.arrangement
    mine = result.projected[result.projected["partner"] == partner]
    kind = mine["kind"].astype(str)
    if "carried_forward" in mine.columns:
        kind = kind.where(~mine["carried_forward"].astype(bool), kind + " (carried forward)")
    mine = mine.assign(kind=kind, line=mine["line"].astype(str))
    pivot = mine.pivot_table(
        index=["line", "kind"], columns="year", values="amount", aggfunc="sum", sort=False
    ).fillna(0.0)
    order = {line: i for i, line in enumerate(result.budget.lines)}
    pivot = pivot.iloc[sorted(range(len(pivot)), key=lambda i: order.get(pivot.index[i][0], 0))]
    rows = [
        [
            line,
            kind,
            "Cash" if kind.startswith("Financial") else "In kind",
            *[money(r.get(y, 0.0)) for y in a.year_list],
            money(r.sum()),
        ]
        for (line, kind), r in pivot.iterrows()
    ]
    return block(
        "What you contribute, by line, kind and year",
        ["Line", "Kind", "Cash or in kind", *[year_label(y) for y in a.year_list], "Total £"],
        rows,
        {i + 3: GBP for i in range(len(a.year_list) + 1)},
    )


def by_year_block(result: BudgetResult, partner: str) -> Block:
    by_year = result.budget.by("year", "partner")
    rows = []
    for y in result.inputs.arrangement.year_list:
        key = (y, partner)
        r = by_year.loc[key] if key in by_year.index else None
        rows.append(
            [
                year_label(y),
                money(r[CASH]) if r is not None else 0.0,
                money(r[IN_KIND]) if r is not None else 0.0,
                number(r["cash_share"]) if r is not None else 0.0,
                number(r["share"]) if r is not None else 0.0,
            ]
        )
    return block(
        BY_YEAR,
        ["Year", "Cash £", "In kind £", "Share of cash", "Share of all contributions"],
        rows,
        {1: GBP, 2: GBP, 3: PCT, 4: PCT},
    )


def outcomes_block(result: BudgetResult, partner: str) -> Block:
    outcomes = result.outcomes[result.outcomes["partner"] == partner]
    indicators = result.indicators[result.indicators["partner"] == partner]
    return block(
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


def pooling_block(result: BudgetResult, partner: str) -> Block:
    pooling = result.pooling[result.pooling["partner"] == partner]
    return block(
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


def forecast_block(result: BudgetResult, partner: str) -> Block | None:
    """Its exposure under the current forecast: its share of the forecast variance."""
    r = result.in_year
    if r is None:
        return None
    me = r.partners.set_index("partner").loc[partner]
    at = (
        f"{year_label(r.year)}, as at {r.periods.label(r.period)}"
        if r.period
        else year_label(r.year)
    )
    rows: list[list[Any]] = [
        ["Your share of the forecast variance £", money(me["share"])],
        ["of which the pooled lines £", money(me["pooled_share"])],
        ["of which your aligned lines £", money(me["own_share"])],
        ["Movement since last period £", money(me["share_movement"])],
        ["In kind, apart (never shared) £", money(me["in_kind_variance"])],
    ]
    forward = r.carried_forward
    mine = (
        float(forward.loc[forward["partner"] == partner, "amount"].sum()) if len(forward) else 0.0
    )
    if mine:
        rows.append([f"Carried forward into {year_label(r.year + 1)} £", money(mine)])
    if r.payments is not None:
        behind = float(r.payments.partners.set_index("partner").loc[partner, "behind"])
        rows.append(["Payments behind schedule £", money(max(behind, 0.0))])
    return block(
        f"Your exposure under the current forecast, cash ({at}; + you pay in, - you get back)",
        ["Item", "£"],
        rows,
        {1: PENCE},
    )


def exposure_block(result: BudgetResult, partner: str) -> Block:
    a = result.inputs.arrangement
    aligned = a.kind is ArrangementKind.ALIGNED
    agreed = "Aligned: your own budget" if aligned else a.basis.label
    rows = [[agreed + " (agreed)", money(result.exposure.loc[partner, "settlement"])]]
    for basis, value in result.exposure_by_basis.loc[partner].items():
        shown = f"If pooled: {basis}" if aligned else basis
        rows.append([shown, money(value) if not isinstance(value, str) else value])
    return block(
        f"Your exposure to {variance_words(a.test_variance)} in {year_label(a.risk_year)}",
        ["Risk-share basis", "Your part £"],
        rows,
        {1: PENCE},
    )


def scenarios_block(comparison: pd.DataFrame, partner: str) -> Block:
    """The scenarios side by side and what each would cost the partner: its contribution
    and its exposure to the tested overspend, against the agreed budget (Base)."""
    mine = comparison[comparison["partner"] == partner]
    base = mine[mine["scenario"] == "Base"].iloc[0]

    def cost(r: Any) -> float | None:
        exposure = r["exposure"]
        if isinstance(exposure, str):
            return None
        return float(r["cash"] + r["in_kind"] + exposure)

    base_cost = cost(base)
    rows = []
    for _, r in mine.iterrows():
        contribution = float(r["cash"] + r["in_kind"])
        total = cost(r)
        rows.append(
            [
                r["scenario"],
                r["basis"],
                money(contribution),
                money(contribution - float(base["cash"] + base["in_kind"])),
                number(r["share"]),
                money(r["exposure"]) if not isinstance(r["exposure"], str) else r["exposure"],
                money(total),
                money(total - base_cost) if total is not None and base_cost is not None else None,
            ]
        )
    return block(
        "The scenarios side by side: what each would cost you (all years; exposure to the "
        "tested overspend)",
        [
            "Scenario",
            "Risk-share basis",
            "Your contribution £",
            "Change against Base £",
            "Your share of all contributions",
            "Your exposure £",
            "Cost to you £",
            "Change in cost against Base £",
        ],
        rows,
        {2: GBP, 3: GBP, 4: PCT, 5: PENCE, 6: GBP, 7: GBP},
    )


def conditions_block(result: BudgetResult, partner: str) -> Block:
    """The agreed conditions for changing its contribution in future years (CPC 509 A4)."""
    rows: list[list[Any]] = [
        [
            c.change.value,
            f"£{c.value:,.0f} a year" if c.change is Change.CAP else f"{c.value:.2%} a year",
            year_label(c.from_year),
            year_label(c.to_year) if c.to_year else "the end",
            c.reason.value if c.reason else "",
        ]
        for c in result.inputs.conditions
        if c.partner == partner
    ]
    if not rows:
        rows = [["none agreed", "the amounts entered stand", "", "", ""]]
    reasons = "; ".join(r.value.lower() for r in ChangeReason)
    return block(
        f"The conditions for changing your contribution (CPC 509 A4: {reasons})",
        ["Change", "Rate or cap", "From", "To", "Reason"],
        rows,
        {},
    )


def actual_block(result: BudgetResult, partner: str) -> Block | None:
    if result.actual_settlement is None or partner not in result.actual_settlement.index:
        return None
    s = result.actual_settlement.loc[partner]
    year = result.actual_settlement.attrs.get("year")
    if result.actual_settlement.attrs.get("aligned"):  # CPC 509: its own, not shared
        header, parts = ["Your own variance £", "Settlement £"], ["own_part", "settlement"]
    else:
        header = ["Part of shared lines £", "Part of excluded lines £", "Settlement £"]
        parts = ["shared_part", "excluded_part", "settlement"]
        if s["own_pence"]:
            header.insert(2, "Your aligned lines £")
            parts.insert(2, "own_part")
    return block(
        f"Your part of the {year_label(year)} actual variance",
        header,
        [[money(s[c]) for c in parts]],
        {i: PENCE for i in range(len(parts))},
    )


def statement_sheet(
    result: BudgetResult, partner: str, comparison: pd.DataFrame | None = None
) -> SheetOutput:
    """One partner's statement for negotiation (CPC 509 B6-B8)."""
    a = result.inputs.arrangement
    blocks: list[Block | None] = [
        about_block(result, partner),
        *contribution_blocks(result, partner),
        lines_block(result, partner),
        by_year_block(result, partner),
        forecast_block(result, partner),
        exposure_block(result, partner),
        scenarios_block(comparison, partner) if comparison is not None else None,
        conditions_block(result, partner),
        outcomes_block(result, partner),
        pooling_block(result, partner),
        actual_block(result, partner),
    ]
    years = len(a.year_list)
    return SheetOutput(
        STATEMENT,
        [
            title_heading(
                f"Partner statement: {partner}",
                f"{a.name}. Figures include projections where no amount was entered for a year.",
            ),
            *place([b for b in blocks if b is not None]),
        ],
        widths={
            "A": 44,
            "B": 30,
            "C": 24,
            **{chr(ord("D") + i): 17 for i in range(max(years + 1, 7))},
        },
    )
