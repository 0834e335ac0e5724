"""The Month-end report sheet (CPC 509 C2-C5; CPC 501 C3): per line and per partner, the
budget, actual to date, forecast outturn, forecast variance, each partner's share of it and
the movement since last period; a chart of forecast outturn against budget by month; the
lines whose forecast moved most first; in kind apart; the carry-forward; who has paid."""

from __future__ import annotations

from typing import Any

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from ..engine import BudgetResult, InYearResult, RiskTerms, terms_words
from ..models import UnderspendUse
from .cells import GBP, PCT, PENCE, block, money, number, place, title_heading

REPORT = "Month-end report"
#: The title of the chart's data block, and the rows left under the summary for the chart.
CHART_DATA = "Chart data: forecast outturn against budget by month"
CHART_ROWS = 18


def _red_green(
    values: list[Any], column: int, *, over_is_bad: bool = True
) -> dict[tuple[int, int], str]:
    fills = {}
    for i, v in enumerate(values):
        if isinstance(v, float | int) and abs(v) >= 0.005:
            bad = v > 0 if over_is_bad else v < 0
            fills[(i + 1, column)] = formats.RED if bad else formats.GREEN
    return fills


def summary_block(r: InYearResult) -> Block:
    lines = r.lines
    rows = []
    if lines["kind"].nunique() > 1:  # pooled and aligned lines both: each, then the whole
        for label, kind in (("Pooled lines", "Pooled"), ("Aligned lines", "Aligned")):
            rows.append(_totals(label, lines[lines["kind"] == kind]))
    rows.append(_totals("All lines (cash)", lines))
    header = [
        "",
        "Budget £",
        "Actual to date £",
        "Commitments £",
        "Forecast outturn £",
        "Forecast variance £",
        "Variance %",
        "Last period's forecast £",
        "Movement £",
    ]
    fills = _red_green([row[5] for row in rows], 5)
    fmt = {1: GBP, 2: GBP, 3: GBP, 4: GBP, 5: GBP, 6: PCT, 7: GBP, 8: GBP}
    return block("The position at a glance", header, rows, fmt, fills)


def _totals(label: str, part: Any) -> list[Any]:
    budget, forecast = float(part["budget"].sum()), float(part["forecast"].sum())
    previous = float(part["previous"].sum())
    return [
        label,
        money(budget),
        money(float(part["actual"].sum())),
        money(float(part["commitments"].sum())),
        money(forecast),
        money(forecast - budget),
        number((forecast - budget) / budget) if budget else None,
        money(previous),
        money(forecast - previous),
    ]


def lines_block(r: InYearResult) -> Block:
    rows = []
    for x in r.lines.itertuples(index=False):
        note = None
        if x.committed_beyond > 0.005:
            note = f"actual and committed exceed the forecast by £{x.committed_beyond:,.0f}"
        rows.append(
            [
                x.line,
                x.kind,
                money(x.budget),
                money(x.actual),
                money(x.commitments),
                money(x.forecast),
                money(x.variance),
                number(x.variance_share),
                money(x.movement),
                x.bearer,
                x.how,
                note,
            ]
        )
    header = [
        "Line",
        "Aligned or pooled",
        "Budget £",
        "Actual to date £",
        "Commitments £",
        "Forecast outturn £",
        "Forecast variance £",
        "Variance %",
        "Movement since last period £",
        "Who bears the variance",
        "How forecast",
        "Note",
    ]
    fmt = {2: GBP, 3: GBP, 4: GBP, 5: GBP, 6: GBP, 7: PCT, 8: GBP}
    return block(
        "Each line, the forecast that moved most since last period first (cash)",
        header,
        rows,
        fmt,
        _red_green([row[6] for row in rows], 6),
    )


def partners_block(r: InYearResult) -> Block:
    p = r.partners
    split = bool((r.lines["kind"] == "Aligned").any())  # pooled and aligned parts apart
    s, previous = r.settlement, r.previous_settlement
    rows = []
    for x in p.itertuples(index=False):
        parts = [money(x.pooled_share), money(x.own_share)] if split else []
        rows.append(
            [
                x.partner,
                money(x.budget),
                money(x.actual),
                money(x.forecast),
                money(x.variance),
                money(x.share),
                *parts,
                money(x.previous_share),
                money(x.share_movement),
            ]
        )
    pooled = int((s["shared_pence"] + s["excluded_pence"]).sum()) / 100
    rows.append(
        [
            "Total",
            money(float(p["budget"].sum())),
            money(float(p["actual"].sum())),
            money(float(p["forecast"].sum())),
            money(float(p["variance"].sum())),
            int(s["pence"].sum()) / 100,
            *([pooled, int(s["own_pence"].sum()) / 100] if split else []),
            int(previous["pence"].sum()) / 100,
            (int(s["pence"].sum()) - int(previous["pence"].sum())) / 100,
        ]
    )
    header = [
        "Partner",
        "Cash budget £",
        "Actual to date £",
        "Forecast outturn £",
        "Forecast variance on its part £",
        "Its share of the forecast variance £",
        *(["Of which pooled lines £", "Of which its aligned lines £"] if split else []),
        "Share last period £",
        "Movement of its share £",
    ]
    fmt = {1: GBP, 2: GBP, 3: GBP, 4: GBP, **{c: PENCE for c in range(5, len(header))}}
    return block(
        "Each partner's share of the forecast variance, under the agreement's terms (cash; "
        "+ it pays in, - it gets back)",
        header,
        rows,
        fmt,
        _red_green([row[5] for row in rows[:-1]], 5),
    )


def in_kind_block(r: InYearResult) -> Block:
    p = r.partners[(r.partners["in_kind_budget"] != 0) | (r.partners["in_kind_actual"] != 0)]
    rows = [
        [
            x.partner,
            money(x.in_kind_budget),
            money(x.in_kind_actual),
            money(x.in_kind_forecast),
            money(x.in_kind_variance),
        ]
        for x in p.itertuples(index=False)
    ]
    return block(
        "In kind, valued in £ and kept apart from cash: never shared",
        ["Partner", "In-kind budget £", "Valued to date £", "Forecast £", "Variance £"],
        rows,
        {1: GBP, 2: GBP, 3: GBP, 4: GBP},
    )


def line_partner_block(r: InYearResult) -> Block:
    rows = [
        [
            x.line,
            x.partner or "(no contributor)",
            money(x.budget),
            money(x.actual),
            money(x.forecast),
            money(x.variance),
            money(x.movement),
        ]
        for x in r.line_partner.itertuples(index=False)
    ]
    return block(
        "By line and partner (a pooled line's figures attributed by each partner's cash in it)",
        [
            "Line",
            "Partner",
            "Budget £",
            "Actual to date £",
            "Forecast outturn £",
            "Forecast variance £",
            "Movement £",
        ],
        rows,
        {2: GBP, 3: GBP, 4: GBP, 5: GBP, 6: GBP},
    )


def carry_blocks(r: InYearResult) -> list[Block]:
    if r.carried_forward.empty:
        return []
    nxt = year_label(r.year + 1)
    forward = block(
        f"Underspend carried forward into {nxt}, as each partner's contribution (enter these "
        "rows in Contributions with Carried forward = Yes)",
        ["Partner", "Line", "Year", "Kind", "Amount £", "Carried forward"],
        [
            [x.partner, x.line, year_label(int(x.year)), "Financial", money(x.amount), "Yes"]
            for x in r.carried_forward.itertuples(index=False)
        ],
        {4: PENCE},
    )
    budget = block(
        f"{nxt}: each partner's cash with what it carries forward",
        ["Partner", "Planned £", "Carried forward £", "Total £"],
        [
            [x.partner, money(x.planned), money(x.carried_forward), money(x.total)]
            for x in r.next_year.itertuples(index=False)
        ],
        {1: GBP, 2: PENCE, 3: PENCE},
    )
    return [forward, budget]


def payment_blocks(r: InYearResult) -> list[Block]:
    pay = r.payments
    if pay is None:
        return []
    label = r.periods.label
    rows = [
        [
            x.partner,
            money(x.due_year),
            money(x.due_to_date),
            money(x.paid),
            money(x.behind),
            label(int(x.next_period)) if x.next_period == x.next_period else "",
            money(x.next_due),
        ]
        for x in pay.partners.itertuples(index=False)
    ]
    fills = {(i + 1, 4): formats.RED for i, row in enumerate(rows) if row[4] > 0.005}
    paid = block(
        f"Contributions paid into the pooled fund, as at {label(r.period)} (behind in red)",
        [
            "Partner",
            "Due in the year £",
            "Due to date £",
            "Paid £",
            "Behind £",
            "Next instalment",
            "Next amount £",
        ],
        rows,
        {1: GBP, 2: GBP, 3: GBP, 4: GBP, 6: GBP},
        fills,
    )
    cash_rows = [
        [x.label, money(x.due), money(x.paid), money(x.spent), money(x.balance)]
        for x in pay.cash.itertuples(index=False)
    ]
    cash = block(
        f"The pooled fund's cash (opening balance £{pay.opening:,.0f}; paid counted in the "
        "period it was due; spent: the pooled lines' cash)",
        ["Period", "Due £", "Paid £", "Spent £", "Balance £"],
        cash_rows,
        {1: GBP, 2: GBP, 3: GBP, 4: GBP},
        {(i + 1, 4): formats.RED for i, row in enumerate(cash_rows) if row[4] < 0},
    )
    return [paid, cash]


def chart_block(r: InYearResult) -> Block:
    return block(
        CHART_DATA,
        ["Period", "Budget £", "Forecast outturn £"],
        [
            [x.label, money(x.budget), money(x.forecast)]
            for x in r.by_period.itertuples(index=False)
        ],
        {1: GBP, 2: GBP},
    )


def report_sheet(result: BudgetResult) -> SheetOutput:
    """The month-end report; the chart goes under the summary (:func:`chart_anchor`)."""
    r = result.in_year
    assert r is not None, "a month-end report needs actuals by period or payments"
    a = result.inputs.arrangement
    at = (
        f"as at the end of {r.periods.label(r.period)} (period {r.period} of {r.periods.size})"
        if r.period
        else "before any period has closed"
    )
    terms = terms_words(
        RiskTerms.from_inputs(result.inputs), a.underspend_use is UnderspendUse.CARRIED_FORWARD
    )
    note = (
        f"{year_label(r.year)}, {at}. Forecast variance is forecast outturn less budget: "
        f"positive is an overspend. Cash unless it says in kind. The pool's terms: {terms}."
    )
    summary = place([summary_block(r)])[0]
    start = summary.row + len(summary.values) + 2 + CHART_ROWS
    notes = [*r.notes, *(r.payments.notes if r.payments else [])]
    rest = place(
        [
            lines_block(r),
            partners_block(r),
            in_kind_block(r),
            *carry_blocks(r),
            *payment_blocks(r),
            line_partner_block(r),
            chart_block(r),
            *([block("Notes", ["Note"], [[n] for n in notes], {})] if notes else []),
        ],
        start=start,
    )
    return SheetOutput(
        REPORT,
        [title_heading(f"Month-end report: {a.name}", note), summary, *rest],
        widths={"A": 34, "B": 34, **{c: 16 for c in "CDEFGHI"}, "J": 28, "K": 44, "L": 36},
        freeze="B3",
    )


def chart_anchor(sheet: SheetOutput) -> tuple[int, int]:
    """Where the forecast chart goes: (row, column), under the summary."""
    summary = next(b for b in sheet.blocks if b.title == "The position at a glance")
    return summary.row + len(summary.values) + 1, 1


def chart_data(sheet: SheetOutput) -> tuple[int, int, int, int]:
    """The chart data block: (first row, first column, last row, last column)."""
    data = next(b for b in sheet.blocks if b.title == CHART_DATA)
    return data.row, data.column, data.row + len(data.values) - 1, data.column + 2
