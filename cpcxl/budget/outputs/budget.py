"""The Budget sheet: each partner's contribution and share at every level, the outcomes the
budget serves, the benefit of pooling and the conditions applied (CPC 509 B4, B6-B8)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import CARRIED, CASH, IN_KIND, BudgetResult
from .cells import GBP, PCT, block, heading, money, number, place

BUDGET = "Budget"


def partner_totals_block(result: BudgetResult) -> Block:
    b = result.budget
    totals = b.by("partner").reindex(b.partners)
    types = {p.name: p.type.value for p in result.inputs.partners}
    rows = [
        [
            p,
            types.get(p, ""),
            money(t[CASH]),
            money(t[IN_KIND]),
            money(t["total"]),
            number(t["cash_share"]),
            number(t["share"]),
        ]
        for p, t in totals.fillna(0.0).iterrows()
    ]
    rows.append(
        [
            "Total",
            "",
            money(b.total_cash),
            money(b.total_in_kind),
            money(b.total_cash + b.total_in_kind),
            1.0,
            1.0,
        ]
    )
    header = [
        "Partner",
        "Type",
        "Cash £",
        "In kind £",
        "Total £",
        "Share of cash",
        "Share of total",
    ]
    return block(
        "Each partner's contribution, all years",
        header,
        rows,
        {2: GBP, 3: GBP, 4: GBP, 5: PCT, 6: PCT},
    )


def _partner_columns(partners: Sequence[str]) -> list[str]:
    return [f"{p} {what}" for p in partners for what in ("cash £", "in kind £", "share")]


def _partner_values(frame: pd.DataFrame, key: Any, partners: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for p in partners:
        k = (*key, p) if isinstance(key, tuple) else (key, p)
        if k in frame.index:
            r = frame.loc[k]
            out += [money(r[CASH]), money(r[IN_KIND]), number(r["cash_share"])]
        else:
            out += [0.0, 0.0, 0.0]
    return out


def _partner_formats(offset: int, partners: Sequence[str]) -> dict[int, str]:
    formats = {}
    for i in range(len(partners)):
        formats[offset + 3 * i] = GBP
        formats[offset + 3 * i + 1] = GBP
        formats[offset + 3 * i + 2] = PCT
    return formats


def year_block(result: BudgetResult) -> Block:
    b = result.budget
    by = b.by("year", "partner")
    year_totals = b.by("year")
    partners = b.partners
    rows = []
    for year in b.years:
        t = year_totals.loc[year] if year in year_totals.index else None
        rows.append(
            [
                year_label(year),
                *_partner_values(by, year, partners),
                money(t[CASH]) if t is not None else 0.0,
                money(t[IN_KIND]) if t is not None else 0.0,
            ]
        )
    header = ["Year", *_partner_columns(partners), "Total cash £", "Total in kind £"]
    formats = _partner_formats(1, partners)
    formats[1 + 3 * len(partners)] = GBP
    formats[2 + 3 * len(partners)] = GBP
    return block("By year (share is of that year's cash)", header, rows, formats)


def line_year_block(result: BudgetResult) -> Block:
    b = result.budget
    by = b.by("line", "year", "partner")
    totals = b.by("line", "year")
    projected = result.projected.groupby(["line", "year"], observed=True)["projected"].any()
    partners = b.partners
    rows = []
    for line in b.lines:
        for year in b.years:
            key = (line, year)
            t = totals.loc[key] if key in totals.index else None
            rows.append(
                [
                    line,
                    year_label(year),
                    *_partner_values(by, key, partners),
                    money(t[CASH]) if t is not None else 0.0,
                    money(t[IN_KIND]) if t is not None else 0.0,
                    "Yes" if projected.get(key, False) else "No",
                    money(t[CARRIED]) if t is not None else 0.0,
                ]
            )
    header = [
        "Line",
        "Year",
        *_partner_columns(partners),
        "Total cash £",
        "Total in kind £",
        "Includes projection",
        "Of the cash, carried forward £",
    ]
    formats = _partner_formats(2, partners)
    formats[2 + 3 * len(partners)] = GBP
    formats[3 + 3 * len(partners)] = GBP
    formats[5 + 3 * len(partners)] = GBP
    return block(
        "By line and year (share is of that line's cash in that year)", header, rows, formats
    )


def line_block(result: BudgetResult) -> Block:
    b = result.budget
    by = b.by("line", "partner")
    totals = b.by("line")
    excluded = {line.name for line in result.inputs.lines if line.excluded}
    leads = {line.name: line.lead or "" for line in result.inputs.lines}
    rows = []
    for line in b.lines:
        t = totals.loc[line] if line in totals.index else None
        rows.append(
            [
                line,
                leads.get(line, ""),
                "Yes" if line in excluded else "No",
                *_partner_values(by, line, b.partners),
                money(t[CASH]) if t is not None else 0.0,
                money(t[IN_KIND]) if t is not None else 0.0,
            ]
        )
    header = [
        "Line",
        "Commissioning partner",
        "Excluded from risk share",
        *_partner_columns(b.partners),
        "Total cash £",
        "Total in kind £",
    ]
    formats = _partner_formats(3, b.partners)
    formats[3 + 3 * len(b.partners)] = GBP
    formats[4 + 3 * len(b.partners)] = GBP
    return block("By line, all years", header, rows, formats)


def chart_blocks(result: BudgetResult) -> tuple[Block, Block]:
    """The two small tables the contribution charts are drawn from."""
    b = result.budget
    totals = b.by("partner").reindex(b.partners).fillna(0.0)
    kinds = block(
        "Chart data: cash and in kind by partner",
        ["Partner", "Cash £", "In kind £"],
        [[p, money(t[CASH]), money(t[IN_KIND])] for p, t in totals.iterrows()],
        {1: GBP, 2: GBP},
    )
    by_year = b.pivot(["year"], "cash") + b.pivot(["year"], "in_kind")
    years = block(
        "Chart data: contributions by partner and year (cash and in kind)",
        ["Partner", *[year_label(y) for y in b.years]],
        [[p, *[money(by_year[p].get(y, 0.0)) for y in b.years]] for p in b.partners],
        {i + 1: GBP for i in range(len(b.years))},
    )
    return kinds, years


def outcomes_block(result: BudgetResult) -> Block:
    rows = [
        [
            r.partner,
            r.outcome,
            r.indicator,
            r.lines,
            money(r.joint_budget),
            money(r.own_contribution),
            money(r.others_contribution),
        ]
        for r in result.outcomes.itertuples(index=False)
    ]
    header = [
        "Partner",
        "Outcome",
        "Indicator",
        "Lines serving it",
        "Joint budget on those lines £",
        "Partner's own contribution £",
        "Other partners' contribution £",
    ]
    return block(
        "How the budget serves each partner's outcomes (all years)",
        header,
        rows,
        {4: GBP, 5: GBP, 6: GBP},
    )


def pooling_block(result: BudgetResult) -> Block:
    rows = [
        [
            r.partner,
            money(r.standalone_cost),
            money(r.joint_contribution),
            money(r.saving),
            number(r.saving_share),
        ]
        for r in result.pooling.itertuples(index=False)
    ]
    if rows:
        total_alone = float(result.pooling["standalone_cost"].sum())
        total_joint = float(result.pooling["joint_contribution"].sum())
        saving = total_alone - total_joint
        rows.append(
            [
                "Total",
                money(total_alone),
                money(total_joint),
                money(saving),
                number(saving / total_alone) if total_alone else None,
            ]
        )
    header = [
        "Partner",
        "Cost alone £",
        "Contribution jointly £",
        "Saving from pooling £",
        "Saving %",
    ]
    return block(
        "Benefit of pooling: each partner alone against jointly, same lines and years",
        header,
        rows,
        {1: GBP, 2: GBP, 3: GBP, 4: PCT},
    )


def conditions_block(result: BudgetResult) -> Block:
    rows = [
        [
            c.partner,
            c.change.value,
            f"£{c.value:,.2f}" if c.change.value == "Cap" else f"{c.value:.2%}",
            year_label(c.from_year),
            year_label(c.to_year) if c.to_year else "end",
            c.reason.value if c.reason else "",
        ]
        for c in result.inputs.conditions
    ]
    return block(
        "Conditions for changing applied to years with no amount entered",
        ["Partner", "Change", "Rate or cap", "From", "To", "Reason"],
        rows,
        {},
    )


def notes_block(notes: Sequence[str]) -> Block:
    """What was read in a way worth saying (a header read under another spelling)."""
    return block("Notes on reading the inputs", ["Note"], [[n] for n in notes], {})


def budget_sheet(result: BudgetResult) -> SheetOutput:
    a = result.inputs.arrangement
    years = a.year_list
    note = (
        f"{a.kind.value} budget, {year_label(years[0])} to {year_label(years[-1])}"
        + (f"; host: {a.host}" if a.host else "")
        + ". Cash and in kind are shown apart; in kind is valued in £."
    )
    kinds, by_year = chart_blocks(result)
    blocks = place(
        [
            partner_totals_block(result),
            year_block(result),
            line_block(result),
            line_year_block(result),
            outcomes_block(result),
            pooling_block(result),
            conditions_block(result),
            kinds,
            by_year,
            *([notes_block(result.inputs.notes)] if result.inputs.notes else []),
        ]
    )
    return SheetOutput(
        BUDGET,
        [heading(f"Joint budget: {a.name}", note), *blocks],
        widths={"A": 36, "B": 24, "C": 16, "D": 16, "E": 16},
        freeze="B3",
    )
