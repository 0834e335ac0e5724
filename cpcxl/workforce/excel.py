"""Worksheet functions and the "Plan workforce" button. Thin: the engine does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlwings as xw

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.grid import elementwise, numbers
from cpcxl.common.values import is_blank, to_number
from cpcxl.xl.render import render

from . import engine
from .inputs import ASSUMPTIONS_SHEET, DEMAND_SHEET, STAFF_SHEET, TARGETS_SHEET, TableValues
from .inputs import plan_inputs as read_plan_inputs
from .models import MAX_WEEKLY_HOURS
from .outputs import GAP_CHART_ANCHOR, GAP_FIRST_ROW, GAP_SHEET, plan_outputs

_STANDARD = 37.5


def _fraction(value: Any, what: str, *, below_one: bool = False) -> float:
    number = to_number(value, what=what)
    if number < 0 or number > 1 or (below_one and number >= 1):
        raise InputError(f"{what} {number:g} is out of range", valid="a fraction from 0 to 1")
    return number


@examples(
    Example((37.5,), 1.0, "one full-time week of 37.5 hours is 1 FTE"),
    Example(
        ([[37.5, 18.75], [30, None]],),
        2.3,
        "(37.5 + 18.75 + 30) ÷ 37.5 = 86.25 ÷ 37.5 = 2.3; the blank cell is skipped",
    ),
    Example(([37.5, 22.5], 37), 60 / 37, "60 hours on a 37-hour standard week: 60 ÷ 37"),
    Example(
        ([37.5, 90],),
        "#VALUE! item 2 (90): contracted hours a week 90 is out of range; valid: from 0 to 80",
        "90 hours a week is more than anyone can be contracted for",
    ),
    Example(
        ([37.5, "abc"],),
        "#VALUE! item 2 ('abc'): 'abc' is not contracted hours a week",
        "text is not hours",
    ),
)
def cpc_fte(hours: Any, standard_hours: Any = 37.5) -> float:
    """Total FTE of the weekly contracted hours given: hours ÷ standard hours (37.5)."""
    standard = (
        _STANDARD if is_blank(standard_hours) else to_number(standard_hours, what="standard hours")
    )
    values = numbers(hours, what="contracted hours a week")
    for position, value in enumerate(values, start=1):
        if not 0 <= value <= MAX_WEEKLY_HOURS:
            raise InputError(
                f"item {position} ({value:g}): contracted hours a week {value:g} is out of range",
                valid=f"from 0 to {MAX_WEEKLY_HOURS}",
            )
    return float(engine.fte(sum(values), standard))


@examples(
    Example((10, 0.22), 12.2, "uplift: 10 × (1 + 0.22) = 12.2"),
    Example((10, 0.2, "divide"), 12.5, "divide: 10 ÷ (1 − 0.2) = 12.5"),
    Example(
        ([[10], [5], [None]], 0.22),
        [[12.2], [6.1], [None]],
        "a column: 10 × 1.22 = 12.2, 5 × 1.22 = 6.1, blank stays blank",
    ),
    Example(
        ([[10], ["ten"]], 0.22),
        [[12.2], ["#VALUE! 'ten' is not worked FTE; valid: a number"]],
        "a bad cell gives its reason in that cell only",
    ),
    Example(
        (10, 1, "divide"),
        "#VALUE! headroom 100% with the divide method would need infinite staff; valid: a "
        "headroom below 100% (e.g. 0.22), or the uplift method",
        "divide by (1 − 1) is impossible",
    ),
)
def cpc_required_fte(worked_fte: Any, headroom: Any, method: Any = "uplift") -> Any:
    """Required FTE with headroom h: "uplift" worked×(1+h) or "divide" worked÷(1−h)."""

    def one(worked: Any, h: Any, m: Any) -> Any:
        if is_blank(worked):
            return None
        value = to_number(worked, what="worked FTE")
        share = to_number(h, what="headroom (a fraction such as 0.22)")
        return float(engine.required_fte(value, share, "uplift" if is_blank(m) else str(m)))

    return elementwise(one, worked_fte, headroom, method)


@examples(
    Example((12.2, 10), 12.2 - 10, "12.2 required − 10 in post = 2.2 FTE short"),
    Example(
        ([[12.2, 5], [3, None]], [[10, 6], [3, None]]),
        [[12.2 - 10, -1.0], [0.0, None]],
        "cell by cell: 2.2 short, 1 surplus, 0, blank",
    ),
    Example(
        ("n/a", 2),
        "#VALUE! 'n/a' is not required FTE; valid: a number",
        "text is not FTE",
    ),
)
def cpc_workforce_gap(required: Any, current: Any) -> Any:
    """Gap in FTE: required − current (positive = shortfall, negative = surplus)."""

    def one(r: Any, c: Any) -> float:
        need = to_number(r, what="required FTE")
        have = 0.0 if is_blank(c) else to_number(c, what="current FTE")
        return float(engine.workforce_gap(need, have))

    return elementwise(one, required, current)


@examples(
    Example(
        (100, 0.25, 0.08, 3),
        81.0,
        "year 1: 100 − 100 × 0.92 × 0.75 = 100 − 69 = 31; years 2 and 3: 25 each; 31 + 50 = 81",
    ),
    Example(
        ([[100], [40]], 0.25, 0.08, 1),
        [[31.0], [12.4]],
        "one year: 100 − 69 = 31; 40 − 40 × 0.92 × 0.75 = 40 − 27.6 = 12.4",
    ),
    Example(
        (100, 1.2, 0.08, 1),
        "#VALUE! turnover rate 1.2 is out of range; valid: a fraction from 0 to 1",
        "turnover is a fraction of staff leaving in a year",
    ),
    Example(
        (100, 0.25, 0.08, 0),
        "#VALUE! 0 years; valid: a whole number of years, 1 or more",
        "the need is over one or more whole years",
    ),
)
def cpc_recruitment_need(fte: Any, turnover: Any, vacancy: Any, years: Any) -> Any:
    """FTE to recruit over the years to keep an establishment of FTE full."""

    def one(f: Any, t: Any, v: Any, y: Any) -> Any:
        if is_blank(f):
            return None
        establishment = to_number(f, what="FTE")
        rate = _fraction(t, "turnover rate")
        vacant = _fraction(v, "vacancy rate", below_one=True)
        count = to_number(y, what="years")
        if count < 1 or count != int(count):
            raise InputError(f"{count:g} years", valid="a whole number of years, 1 or more")
        return float(engine.recruitment_need(establishment, rate, vacant, count))

    return elementwise(one, fte, turnover, vacancy, years)


# --- the button ---------------------------------------------------------------------------


def _example_book(folder: Path) -> Path:
    from .workbook import build

    return build(folder / "workforce_plan.xlsx")


@examples(
    ScriptExample(
        _example_book,
        {
            GAP_SHEET: {
                "A3": "Care worker",
                # demand 480 + 75 = 555 h; 555 ÷ 37.5 = 14.8 worked FTE; × 1.22 = 18.056
                "B3": 18.056,
                # in post: 6×37.5 + 4×22.5 + 2×15 + 2×37.5 + 3×6 = 438 h; ÷ 37.5 = 11.68
                "C3": 11.68,
                "D3": 18.056 - 11.68,
                "A4": "Occupational therapist",
                # 37.5 h ÷ 37.5 × 1.22 = 1.22 required; 1 in post; gap 0.22
                "B4": 1.22,
                "D4": 1.22 - 1,
            },
            # Care worker Level 3: only the 2 agency staff, 75 of 438 hours = 17.1% < 20%;
            # then the two roles one person holds, in role order.
            "Risks": {
                "A3": "Skill minimum not met",
                "C3": "Care worker",
                "A4": "Role held by a single person",
                "C4": "Occupational therapist",
                "C5": "Registered manager",
            },
        },
        "the packaged example: Care worker and the single-person roles worked by hand",
    )
)
def plan_workforce(book: xw.Book) -> None:
    """Read Staff, Demand, Assumptions and Targets; write Plan, Gap, Projection, Optimised
    mix and Risks."""
    tables: dict[str, TableValues] = {}
    names = [s.name for s in book.sheets]
    for name in (STAFF_SHEET, DEMAND_SHEET, TARGETS_SHEET, ASSUMPTIONS_SHEET):
        if name not in names:
            continue
        used = book.sheets[name].used_range
        rows = used.options(ndim=2).value or []
        if name == ASSUMPTIONS_SHEET:
            start = next(
                (i for i, r in enumerate(rows) if r and str(r[0]).strip().lower() == "assumption"),
                0,
            )
            tables[name] = TableValues(rows[start:], used.row + start)
        else:
            tables[name] = TableValues(rows, used.row)
    inputs = read_plan_inputs(tables, file=book.name)
    result = engine.plan(inputs.staff, inputs.demand, inputs.targets, inputs.assumptions)
    for output in plan_outputs(result):
        render(book, output)
    _gap_chart(book.sheets[GAP_SHEET], len(result.gap_by_role))


def _gap_chart(ws: xw.Sheet, roles: int) -> None:
    """Required and current FTE by role as a bar chart, replacing the last one."""
    try:
        existing = [chart.name for chart in ws.charts]
    except (KeyError, AttributeError):  # the client sent no chart list for this sheet
        return
    if "Gap chart" in existing:
        ws.charts["Gap chart"].delete()
    source = ws.range((GAP_FIRST_ROW, 1), (GAP_FIRST_ROW + roles, 3))
    ws.charts.add(
        0,
        0,
        520,
        max(220, 18 * roles),
        chart_type="bar_clustered",
        source=source,
        name="Gap chart",
        anchor=ws.range(GAP_CHART_ANCHOR),
    )
