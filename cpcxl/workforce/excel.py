"""Worksheet functions and the "Plan workforce" button. Thin: convert, call the engine, convert
back. Every argument is read by the value type the input tables use (``models``), so a rate
is a fraction here as everywhere (22% is 0.22) and 22 is refused, not read as 2,200%."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.fields import parse_argument
from cpcxl.common.grid import elementwise, flatten
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank
from cpcxl.xl.book import read_book_tables
from cpcxl.xl.render import render

from . import engine, sample
from .inputs import HEADROOM_METHOD, SPECS, read_plan
from .models import (
    ANNUAL_PAY,
    FTE_FIGURE,
    HEADROOM,
    NEED_YEARS,
    NI_RATE,
    NI_THRESHOLD,
    PENSION_RATE,
    STANDARD_HOURS,
    TURNOVER,
    VACANCY,
    WEEKLY_HOURS,
    Assumptions,
    HeadroomMethod,
)
from .outputs import GAP_CHART_ANCHOR, GAP_FIRST_ROW, GAP_SHEET, plan_outputs

_STANDARD = Assumptions().standard_hours


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
        "#VALUE! hours, item 2: 90 is outside 0 to 80 (over 80 a week is a slip: the legal "
        "average is 48 unless opted out); valid: contracted hours a week from 0 to 80",
        "90 hours a week is more than anyone can be contracted for",
    ),
    Example(
        ([37.5, "abc"],),
        "#VALUE! hours, item 2: 'abc' is not contracted hours a week; valid: contracted hours "
        "a week from 0 to 80",
        "text is not hours",
    ),
    Example(
        ("1_000",),
        "#VALUE! hours, item 1: '1_000' is not contracted hours a week; valid: contracted "
        "hours a week from 0 to 80",
        "'1_000' is Python's way of writing 1000, not a figure Excel or a person writes",
    ),
)
def cpc_fte(hours: Any, standard_hours: Any = 37.5) -> float:
    """Total FTE of the weekly contracted hours given: hours ÷ standard hours (37.5)."""
    standard = (
        _STANDARD
        if is_blank(standard_hours)
        else parse_argument(STANDARD_HOURS, standard_hours, "standard_hours")
    )
    values = []
    for position, value in enumerate(flatten(hours), start=1):
        if position % 4096 == 0:
            check_time()  # a range of up to MAX_ARGUMENT_CELLS cells, one by one
        if not is_blank(value):
            values.append(parse_argument(WEEKLY_HOURS, value, f"hours, item {position}"))
    return engine.total_fte(values, standard)


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
        [
            [12.2],
            [
                "#VALUE! worked_fte: 'ten' is not a number of FTE; valid: a number of FTE "
                "from 0 to 10,000,000"
            ],
        ],
        "a bad cell gives its reason in that cell only",
    ),
    Example(
        (10, 22),
        "#VALUE! headroom: 22 is 2,200%, outside 0% to 60% for headroom (NHS roster policies "
        "set 16% to 26%; over 60% is more absence than any rota plans for); type 22% (or "
        "0.22); valid: a percentage from 0% to 60%",
        "a rate is a fraction: 22 is 2,200%, not 22%, and is refused rather than used",
    ),
    Example(
        (10, 0.2, "multiply"),
        "#VALUE! method: 'multiply' is not a headroom method; valid: uplift, divide",
        "there are two methods",
    ),
)
def cpc_required_fte(worked_fte: Any, headroom: Any, method: Any = "uplift") -> Any:
    """Required FTE with headroom h (a percentage, 0% to 60%): "uplift" worked×(1+h) or
    "divide" worked÷(1−h)."""

    def one(worked: Any, h: Any, m: Any) -> Any:
        if is_blank(worked):
            return None
        value = parse_argument(FTE_FIGURE, worked, "worked_fte")
        share = parse_argument(HEADROOM, h, "headroom")
        chosen = (
            HeadroomMethod.UPLIFT if is_blank(m) else parse_argument(HEADROOM_METHOD, m, "method")
        )
        return float(engine.required_fte(value, share, chosen))

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
        "#VALUE! required: 'n/a' is not a number of FTE; valid: a number of FTE from 0 to "
        "10,000,000",
        "text is not FTE",
    ),
)
def cpc_workforce_gap(required: Any, current: Any) -> Any:
    """Gap in FTE: required − current (positive = shortfall, negative = surplus)."""

    def one(r: Any, c: Any) -> float:
        need = parse_argument(FTE_FIGURE, r, "required")
        have = 0.0 if is_blank(c) else parse_argument(FTE_FIGURE, c, "current")
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
        "#VALUE! turnover: 1.2 is 120%, outside 0% to 100% for turnover (the share of staff "
        "in post who leave in a year: none to all); type 1.2% (or 0.012); valid: a percentage "
        "from 0% to 100%",
        "turnover is the share of the staff in post who leave in a year: at most all of them",
    ),
    Example(
        (100, 0.25, 0.08, 0),
        "#VALUE! years: 0 is outside 1 to 50 (a working life: beyond any workforce plan); "
        "valid: a whole number of years from 1 to 50",
        "the need is over one or more whole years",
    ),
    Example(
        (100, 0.25, 0.08, 2.5),
        "#VALUE! years: 2.5 is not a whole number; valid: a whole number of years from 1 to 50",
        "year 1 fills vacancies and each later year replaces leavers: half a year is neither",
    ),
)
def cpc_recruitment_need(fte: Any, turnover: Any, vacancy: Any, years: Any) -> Any:
    """FTE to recruit over whole years to keep an establishment of FTE full (turnover and
    vacancy as percentages)."""

    def one(f: Any, t: Any, v: Any, y: Any) -> Any:
        if is_blank(f):
            return None
        establishment = parse_argument(FTE_FIGURE, f, "fte")
        rate = parse_argument(TURNOVER, t, "turnover")
        vacant = parse_argument(VACANCY, v, "vacancy")
        count = parse_argument(NEED_YEARS, y, "years")
        return float(engine.recruitment_need(establishment, rate, vacant, count))

    return elementwise(one, fte, turnover, vacancy, years)


@examples(
    Example(
        (30000,),
        33750.0,
        "the issue's example: 30,000 + 15% × (30,000 − 5,000) = 30,000 + 3,750 = 33,750",
    ),
    Example(
        (30000, 0.2),
        39750.0,
        "with a 20% pension: 33,750 + 20% × 30,000 = 33,750 + 6,000 = 39,750",
    ),
    Example((4000,), 4000.0, "4,000 is below the £5,000 threshold: no National Insurance"),
    Example(
        (38682, 0.2378),
        38682 + 0.15 * 33682 + 0.2378 * 38682,
        "Agenda for Change Band 6 entry 2025/26 in the NHS Pension Scheme: 38,682 + 15% × "
        "33,682 + 23.78% × 38,682 = 38,682 + 5,052.30 + 9,198.58 = 52,932.88",
    ),
    Example(
        ([[30000], [None], [4000]], 0.2),
        [[39750.0], [None], [4800.0]],
        "a column: 39,750; blank stays blank; 4,000 + 20% × 4,000 = 4,800",
    ),
    Example(
        (30000, 0.2, 0.138, 9100),
        30000 + 0.138 * 20900 + 0.2 * 30000,
        "2024/25's 13.8% above £9,100: 30,000 + 2,884.20 + 6,000 = 38,884.20",
    ),
    Example(
        (30000, 0.45),
        "#VALUE! pension_rate: 0.45 is 45%, outside 0% to 40% for an employer pension rate "
        "(no UK employer scheme charges 40% of pay (the NHS 23.78%, LGPS funds about 20%): a "
        "local limit); type 0.45% (or 0.0045); valid: a percentage from 0% to 40%",
        "the issue's bad input: a pension rate above 40% (45% is refused; 0.45% would do)",
    ),
    Example(
        (30000, -0.01),
        "#VALUE! pension_rate: -0.01 is -1%, outside 0% to 40% for an employer pension rate "
        "(no UK employer scheme charges 40% of pay (the NHS 23.78%, LGPS funds about 20%): a "
        "local limit); valid: a percentage from 0% to 40%",
        "the issue's bad input: a pension rate below 0",
    ),
    Example(
        (30000, 20),
        "#VALUE! pension_rate: 20 is 2,000%, outside 0% to 40% for an employer pension rate "
        "(no UK employer scheme charges 40% of pay (the NHS 23.78%, LGPS funds about 20%): a "
        "local limit); type 20% (or 0.2); valid: a percentage from 0% to 40%",
        "a rate is a fraction: 20 is 2,000%, not 20%, and is refused rather than used",
    ),
)
def cpc_employment_cost(
    annual_pay: Any, pension_rate: Any = 0, ni_rate: Any = 0.15, ni_threshold: Any = 5000
) -> Any:
    """Employer's cost of annual pay: pay + employer National Insurance on pay above the
    threshold (15% above £5,000 in 2025/26) + employer pension on pay (0% to 40%)."""

    def one(pay: Any, pension: Any, ni: Any, threshold: Any) -> Any:
        if is_blank(pay):
            return None
        amount = parse_argument(ANNUAL_PAY, pay, "annual_pay")
        rate = 0.0 if is_blank(pension) else parse_argument(PENSION_RATE, pension, "pension_rate")
        ni_ = 0.15 if is_blank(ni) else parse_argument(NI_RATE, ni, "ni_rate")
        limit = (
            5000.0
            if is_blank(threshold)
            else parse_argument(NI_THRESHOLD, threshold, "ni_threshold")
        )
        return float(engine.employment_cost(amount, rate, ni_, limit))

    return elementwise(one, annual_pay, pension_rate, ni_rate, ni_threshold)


# --- the button ---------------------------------------------------------------------------


@examples(
    ScriptExample(
        sample.example_workbook,
        {
            GAP_SHEET: {
                "A3": "Care worker",
                # demand 480 + 75 = 555 h; 555 ÷ 37.5 = 14.8 worked FTE; × 1.22 = 18.056
                "B3": 18.056,
                # substantive (permanent and fixed-term) only: 6×37.5 + 4×22.5 = 315 h;
                # ÷ 37.5 = 8.4; bank 2×15, agency 2×37.5 and volunteers 3×6 = 123 h (3.28
                # FTE) cover the vacancy without filling it (issue 13, case 11)
                "C3": 8.4,
                "D3": 18.056 - 8.4,
                "E3": 18.056 - 8.4,
                "F3": 3.28,
                "A4": "Occupational therapist",
                # 37.5 h ÷ 37.5 × 1.22 = 1.22 required; 1 in post; gap 0.22
                "B4": 1.22,
                "D4": 1.22 - 1,
            },
            # Agency cover is priced from each role's own cost with on-costs × 1.3 (issue
            # 13, case 10; issue 18): care workers from the Pay sheet, NJC SCP 3 £24,796 for
            # 37 h in the LGPS (19.8%) with NI 15% above £5,000: (24,796 × 1.348 − 750) ÷
            # (37 × 52.143) = £16.936 → £22.017; the therapist's own £24.80 an hour →
            # 24.80 × 1.348 − 750 ÷ (37.5 × 52.143) = £33.047 → £42.961.
            "Projection": {
                "A11": "Care worker",
                "G11": (24796 * 1.348 - 750) / (37 * 365 / 7) * 1.3,
                "A12": "Occupational therapist",
                "G12": (24.80 * 1.348 - 750 / (37.5 * 365 / 7)) * 1.3,
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
    """Read every input table; write Plan, Gap, Projection, Optimised mix, Risks, Costs, Wage
    floor, Development and Review."""
    inputs = read_plan(read_book_tables(book, SPECS), file=book.name)
    result = engine.plan(
        inputs.staff,
        inputs.demand,
        inputs.targets,
        inputs.assumptions,
        pay=inputs.pay,
        benchmarks=inputs.benchmarks,
        skills=inputs.skills,
        actuals=inputs.actuals,
    )
    for output in plan_outputs(result, inputs.notes):
        render(book, output)
    _gap_chart(book.sheets[GAP_SHEET], len(result.gap_by_role))


def _gap_chart(ws: xw.Sheet, roles: int) -> None:
    """Required and substantive FTE by role as a bar chart, replacing the last one."""
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


FUNCTIONS: list[Callable[..., Any]] = [
    cpc_fte,
    cpc_required_fte,
    cpc_workforce_gap,
    cpc_recruitment_need,
    cpc_employment_cost,
]
SCRIPTS: list[Callable[..., None]] = [plan_workforce]
