"""The Monitoring sheet: actuals against the budget, by line and by partner, and the agreed
indicators (CPC 509 C2-C5)."""

from __future__ import annotations

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import SheetOutput

from ..engine import BudgetResult
from .cells import GBP, PCT, block, heading, money, number, place

MONITORING = "Monitoring"


def monitoring_sheet(result: BudgetResult) -> SheetOutput:
    m = result.monitoring
    fills = {
        (i + 1, 5): formats.RED if v > 0 else formats.GREEN
        for i, v in enumerate(m["variance"])
        if v
    }
    actuals = block(
        "Actuals against budget (cash)",
        ["Line", "Year", "Partner", "Budget £", "Actual £", "Variance £", "Variance %"],
        [
            [
                r.line,
                year_label(int(r.year)),
                r.partner,
                money(r.budget),
                money(r.actual),
                money(r.variance),
                number(r.variance_share),
            ]
            for r in m.itertuples(index=False)
        ],
        {3: GBP, 4: GBP, 5: GBP, 6: PCT},
        fills,
    )
    mp = result.monitoring_by_partner
    partners = block(
        "By line and partner (a pooled line's spend attributed by each partner's cash in it)",
        ["Line", "Year", "Partner", "Budget £", "Actual £", "Variance £"],
        [
            [
                r.line,
                year_label(int(r.year)),
                r.partner,
                money(r.budget),
                money(r.actual),
                money(r.variance),
            ]
            for r in mp.itertuples(index=False)
        ],
        {3: GBP, 4: GBP, 5: GBP},
    )
    ind = result.indicators
    indicators = block(
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
                number(r.baseline),
                number(r.target),
                number(r.actual),
                number(r.progress),
            ]
            for r in ind.itertuples(index=False)
        ],
        {6: PCT},
    )
    return SheetOutput(
        MONITORING,
        [
            heading(
                "Monitoring the impact", "Variance is actual less budget: positive is an overspend."
            ),
            *place([actuals, partners, indicators]),
        ],
        widths={"A": 36, "B": 24, "C": 36},
    )
