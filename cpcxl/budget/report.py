"""The output sheets of a budget (Budget, Risk share, Scenarios, Monitoring) and partner statements.

Pure data: :class:`~cpcxl.common.report.SheetOutput` objects that the button script writes
into the open workbook and the command line writes into files, so both look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput

from .engine import CASH, IN_KIND, BudgetResult
from .models import year_label

BUDGET = "Budget"
RISK = "Risk share"
SCENARIOS = "Scenarios"
MONITORING = "Monitoring"

GBP = formats.GBP
PENCE = formats.GBP_PENCE
PCT = formats.PERCENT_1DP


def _num(value: Any) -> Any:
    """A number for a cell: NaN is a blank; money keeps its pence, no more."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return None
        return round(value, 6)
    return value


def _money(value: Any) -> Any:
    value = _num(value)
    return round(value, 2) if isinstance(value, float) else value


def _block(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[int, str],
    fills: dict[tuple[int, int], str] | None = None,
) -> Block:
    return Block(
        [list(header), *[list(r) for r in rows]], title=title, formats=formats, fills=fills or {}
    )


def _place(blocks: Sequence[Block], *, start: int = 3, gap: int = 2) -> list[Block]:
    """Blocks one under another from row ``start`` (rows 1-2 keep the sheet's heading)."""
    placed = []
    row = start
    for b in blocks:
        top = row + (1 if b.title else 0)
        placed.append(Block(b.values, top, b.column, b.title, b.header, b.formats, b.fills))
        row = top + len(b.values) + gap
    return placed


def _variance_words(amount: float) -> str:
    """'an overspend of £1,200,000.00' or 'an underspend of £50,000.00'."""
    kind = "an overspend" if amount >= 0 else "an underspend"
    return f"{kind} of £{abs(amount):,.2f}"


def _heading(text: str, note: str) -> Block:
    return Block([[text], [note]], row=1, header=False)


def partner_totals_block(result: BudgetResult) -> Block:
    b = result.budget
    totals = b.by("partner").reindex(b.partners)
    types = {p.name: p.type.value for p in result.inputs.partners}
    rows = [
        [
            p,
            types.get(p, ""),
            _money(t[CASH]),
            _money(t[IN_KIND]),
            _money(t["total"]),
            _num(t["cash_share"]),
            _num(t["share"]),
        ]
        for p, t in totals.fillna(0.0).iterrows()
    ]
    rows.append(
        [
            "Total",
            "",
            _money(b.total_cash),
            _money(b.total_in_kind),
            _money(b.total_cash + b.total_in_kind),
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
    return _block(
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
            out += [_money(r[CASH]), _money(r[IN_KIND]), _num(r["cash_share"])]
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
                _money(t[CASH]) if t is not None else 0.0,
                _money(t[IN_KIND]) if t is not None else 0.0,
            ]
        )
    header = ["Year", *_partner_columns(partners), "Total cash £", "Total in kind £"]
    formats = _partner_formats(1, partners)
    formats[1 + 3 * len(partners)] = GBP
    formats[2 + 3 * len(partners)] = GBP
    return _block("By year (share is of that year's cash)", header, rows, formats)


def line_year_block(result: BudgetResult) -> Block:
    b = result.budget
    by = b.by("line", "year", "partner")
    totals = b.by("line", "year")
    projected = result.projected.groupby(["line", "year"])["projected"].any()
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
                    _money(t[CASH]) if t is not None else 0.0,
                    _money(t[IN_KIND]) if t is not None else 0.0,
                    "Yes" if projected.get(key, False) else "No",
                ]
            )
    header = [
        "Line",
        "Year",
        *_partner_columns(partners),
        "Total cash £",
        "Total in kind £",
        "Includes projection",
    ]
    formats = _partner_formats(2, partners)
    formats[2 + 3 * len(partners)] = GBP
    formats[3 + 3 * len(partners)] = GBP
    return _block(
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
                _money(t[CASH]) if t is not None else 0.0,
                _money(t[IN_KIND]) if t is not None else 0.0,
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
    return _block("By line, all years", header, rows, formats)


def chart_blocks(result: BudgetResult) -> tuple[Block, Block]:
    """The two small tables the contribution charts are drawn from."""
    b = result.budget
    totals = b.by("partner").reindex(b.partners).fillna(0.0)
    kinds = _block(
        "Chart data: cash and in kind by partner",
        ["Partner", "Cash £", "In kind £"],
        [[p, _money(t[CASH]), _money(t[IN_KIND])] for p, t in totals.iterrows()],
        {1: GBP, 2: GBP},
    )
    by_year = b.pivot(["year"], "cash") + b.pivot(["year"], "in_kind")
    years = _block(
        "Chart data: contributions by partner and year (cash and in kind)",
        ["Partner", *[year_label(y) for y in b.years]],
        [[p, *[_money(by_year[p].get(y, 0.0)) for y in b.years]] for p in b.partners],
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
            _money(r.joint_budget),
            _money(r.own_contribution),
            _money(r.others_contribution),
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
    return _block(
        "How the budget serves each partner's outcomes (all years)",
        header,
        rows,
        {4: GBP, 5: GBP, 6: GBP},
    )


def pooling_block(result: BudgetResult) -> Block:
    rows = [
        [
            r.partner,
            _money(r.standalone_cost),
            _money(r.joint_contribution),
            _money(r.saving),
            _num(r.saving_share),
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
                _money(total_alone),
                _money(total_joint),
                _money(saving),
                _num(saving / total_alone) if total_alone else None,
            ]
        )
    header = [
        "Partner",
        "Cost alone £",
        "Contribution jointly £",
        "Saving from pooling £",
        "Saving %",
    ]
    return _block(
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
    return _block(
        "Conditions for changing applied to years with no amount entered",
        ["Partner", "Change", "Rate or cap", "From", "To", "Reason"],
        rows,
        {},
    )


def budget_sheet(result: BudgetResult) -> SheetOutput:
    a = result.inputs.arrangement
    years = a.year_list
    note = (
        f"{a.kind.value} budget, {year_label(years[0])} to {year_label(years[-1])}"
        + (f"; host: {a.host}" if a.host else "")
        + ". Cash and in kind are shown apart; in kind is valued in £."
    )
    kinds, by_year = chart_blocks(result)
    blocks = _place(
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
        ]
    )
    return SheetOutput(
        BUDGET,
        [_heading(f"Joint budget: {a.name}", note), *blocks],
        widths={"A": 36, "B": 24, "C": 16, "D": 16, "E": 16},
        freeze="B3",
    )


def settlement_block(title: str, settlement: pd.DataFrame) -> Block:
    rows = [
        [
            p,
            _money(r["contribution"]),
            _num(r["share"]),
            _money(r["shared_part"]),
            _money(r["excluded_part"]),
            _money(r["settlement"]),
        ]
        for p, r in settlement.iterrows()
    ]
    rows.append(
        [
            "Total",
            _money(settlement["contribution"].sum()),
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
    return _block(title, header, rows, {1: GBP, 2: PCT, 3: PENCE, 4: PENCE, 5: PENCE}, fills)


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
        f"Exposure to {_variance_words(a.test_variance)} on the agreed basis ({a.basis.label})",
        result.exposure,
    )
    by_basis = result.exposure_by_basis
    rows = [
        [p, *[_money(v) if not isinstance(v, str) else v for v in r]]
        for p, r in by_basis.iterrows()
    ]
    total = []
    for col in by_basis.columns:
        values = by_basis[col]
        numeric = pd.to_numeric(values, errors="coerce")
        total.append(_money(numeric.sum()) if numeric.notna().all() else "n/a")
    rows.append(["Total", *total])
    every = _block(
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
            _heading(
                "Risk share of overspends and underspends",
                "Positive: the partner pays in (overspend); negative: it gets money back.",
            ),
            *_place(blocks),
        ],
        widths={"A": 36, "B": 24, "C": 18, "D": 18, "E": 18, "F": 18, "G": 18},
    )


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
                _money(r["cash"] + r["in_kind"]),
                _num(r["share"]),
                int(r["outcomes"]),
                _money(r["outcome_budget"]),
                _money(r["exposure"]),
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
    blocks = _place(
        [
            _block(
                "Scenarios side by side (contribution is cash and in kind, all years)",
                header,
                rows,
                formats,
            ),
            _block(
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
            _heading(
                "Scenarios for negotiation",
                "Base is the budget as entered; each scenario changes it as the Scenario "
                "changes table says.",
            ),
            *blocks,
        ],
        widths={"A": 36},
    )


def monitoring_sheet(result: BudgetResult) -> SheetOutput:
    m = result.monitoring
    fills = {
        (i + 1, 5): formats.RED if v > 0 else formats.GREEN
        for i, v in enumerate(m["variance"])
        if v
    }
    actuals = _block(
        "Actuals against budget (cash)",
        ["Line", "Year", "Partner", "Budget £", "Actual £", "Variance £", "Variance %"],
        [
            [
                r.line,
                year_label(int(r.year)),
                r.partner,
                _money(r.budget),
                _money(r.actual),
                _money(r.variance),
                _num(r.variance_share),
            ]
            for r in m.itertuples(index=False)
        ],
        {3: GBP, 4: GBP, 5: GBP, 6: PCT},
        fills,
    )
    mp = result.monitoring_by_partner
    partners = _block(
        "By line and partner (a pooled line's spend attributed by each partner's cash in it)",
        ["Line", "Year", "Partner", "Budget £", "Actual £", "Variance £"],
        [
            [
                r.line,
                year_label(int(r.year)),
                r.partner,
                _money(r.budget),
                _money(r.actual),
                _money(r.variance),
            ]
            for r in mp.itertuples(index=False)
        ],
        {3: GBP, 4: GBP, 5: GBP},
    )
    ind = result.indicators
    indicators = _block(
        "Agreed indicators per partner",
        [
            "Partner",
            "Outcome",
            "Indicator",
            "Baseline",
            "Target",
            "Latest actual",
            "Progress to target",
        ],
        [
            [
                r.partner,
                r.outcome,
                r.indicator,
                _num(r.baseline),
                _num(r.target),
                _num(r.actual),
                _num(r.progress),
            ]
            for r in ind.itertuples(index=False)
        ],
        {6: PCT},
    )
    return SheetOutput(
        MONITORING,
        [
            _heading(
                "Monitoring the impact", "Variance is actual less budget: positive is an overspend."
            ),
            *_place([actuals, partners, indicators]),
        ],
        widths={"A": 36, "B": 24, "C": 36},
    )


def output_sheets(result: BudgetResult, comparison: pd.DataFrame) -> list[SheetOutput]:
    return [
        budget_sheet(result),
        risk_sheet(result),
        scenarios_sheet(result, comparison),
        monitoring_sheet(result),
    ]


def chart_ranges(sheet: SheetOutput) -> dict[str, tuple[int, int, int, int]]:
    """Where the chart data blocks are: title -> (first row, first col, last row, last col)."""
    out = {}
    for block in sheet.blocks:
        if block.title and block.title.startswith("Chart data"):
            out[block.title] = (
                block.row,
                block.column,
                block.row + len(block.values) - 1,
                block.column + block.width - 1,
            )
    return out


# --- partner statements ---------------------------------------------------------------------


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
            ["Cash contribution £", _money(t[CASH]) if t is not None else 0.0],
            ["In-kind contribution £", _money(t[IN_KIND]) if t is not None else 0.0],
            ["Share of the cash", _num(t["cash_share"]) if t is not None else 0.0],
            ["Share of all contributions", _num(t["share"]) if t is not None else 0.0],
            ["Joint budget, cash £", _money(b.total_cash)],
            ["Joint budget, in kind £", _money(b.total_in_kind)],
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
                *[_money(r.get(y, 0.0)) for y in a.year_list],
                _money(r.sum()),
            ]
        )
    contributions = _block(
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
                _money(r[CASH]) if r is not None else 0.0,
                _money(r[IN_KIND]) if r is not None else 0.0,
                _num(r["cash_share"]) if r is not None else 0.0,
                _num(r["share"]) if r is not None else 0.0,
            ]
        )
    shares = _block(
        "Your share by year",
        ["Year", "Cash £", "In kind £", "Share of cash", "Share of all contributions"],
        share_rows,
        {1: GBP, 2: GBP, 3: PCT, 4: PCT},
    )
    outcomes = result.outcomes[result.outcomes["partner"] == partner]
    indicators = result.indicators[result.indicators["partner"] == partner]
    outcome_block = _block(
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
                _money(r.joint_budget),
                _money(r.own_contribution),
                _money(r.others_contribution),
                _num(i.baseline),
                _num(i.target),
                _num(i.actual),
                _num(i.progress),
            ]
            for r, i in zip(
                outcomes.itertuples(index=False), indicators.itertuples(index=False), strict=True
            )
        ],
        {3: GBP, 4: GBP, 5: GBP, 9: PCT},
    )
    pooling = result.pooling[result.pooling["partner"] == partner]
    benefit = _block(
        "Benefit of pooling",
        ["Cost alone £", "Contribution jointly £", "Saving £", "Saving %"],
        [
            [
                _money(r.standalone_cost),
                _money(r.joint_contribution),
                _money(r.saving),
                _num(r.saving_share),
            ]
            for r in pooling.itertuples(index=False)
        ]
        or [["no stand-alone cost entered", None, None, None]],
        {0: GBP, 1: GBP, 2: GBP, 3: PCT},
    )
    exposure_rows = [
        [a.basis.label + " (agreed)", _money(result.exposure.loc[partner, "settlement"])]
    ]
    for basis, value in result.exposure_by_basis.loc[partner].items():
        exposure_rows.append([basis, _money(value) if not isinstance(value, str) else value])
    exposure = _block(
        f"Your exposure to {_variance_words(a.test_variance)} in {year_label(a.risk_year)}",
        ["Risk-share basis", "Your part £"],
        exposure_rows,
        {1: PENCE},
    )
    blocks = [summary, contributions, shares, outcome_block, benefit, exposure]
    if result.actual_settlement is not None and partner in result.actual_settlement.index:
        s = result.actual_settlement.loc[partner]
        year = result.actual_settlement.attrs.get("year")
        blocks.append(
            _block(
                f"Your part of the {year_label(year)} actual variance",
                ["Part of shared lines £", "Part of excluded lines £", "Settlement £"],
                [[_money(s["shared_part"]), _money(s["excluded_part"]), _money(s["settlement"])]],
                {0: PENCE, 1: PENCE, 2: PENCE},
            )
        )
    return SheetOutput(
        "Statement",
        [
            _heading(
                f"Partner statement: {partner}",
                f"{a.name}. Figures include projections where no amount was entered for a year.",
            ),
            *_place(blocks),
        ],
        widths={"A": 40, "B": 30, "C": 22, "D": 18, "E": 18, "F": 18, "G": 18},
    )


def chart_column(sheet: SheetOutput) -> int:
    """The first free column to the right of every block, where the charts go."""
    return max(b.column + b.width for b in sheet.blocks) + 1
