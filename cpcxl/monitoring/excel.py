"""Worksheet functions and the Build summary button for monitoring returns."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, ScriptExample, examples
from cpcxl.common.fields import FLAG, TEXT, CellType, choice_key, parse_argument
from cpcxl.common.grid import cell_error, elementwise, flatten, from_grid, to_grid
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank

from . import engine
from .inputs import (
    DEFAULT_TOLERANCE,
    DOMAIN_SCORE,
    KPI_TOLERANCE,
    NUMBER,
    SCORE,
    SPECS,
    rating_choice,
    read_return,
)
from .models import MonitoringFramework
from .outputs import ReportSettings, domain_block, summary_outputs
from .sample import example_return_file
from .schemes import framework_resolver

_known = framework_resolver({})


def framework(name: Any = "cqc") -> MonitoringFramework:
    """A monitoring framework by name (cqc, council, or one a plugin registers)."""
    return _known("cqc" if is_blank(name) else parse_argument(TEXT, name, "scheme"))


def _each(kind: CellType, values: Any, argument: str) -> list[Any]:
    """Every non-blank cell of a range read by ``kind``; a bad one is named by its position."""
    read = []
    for position, value in enumerate(flatten(values), start=1):
        if position % 4096 == 0:
            check_time()  # a huge range on the server stops at its time limit
        if is_blank(value):
            continue
        try:
            read.append(kind.parse(value))
        except InputError as exc:
            raise InputError(
                f"{argument}, item {position}: {exc.message}", valid=exc.valid
            ) from None
    return read


@examples(
    Example(
        ([[3], [3], [2], [4]],),
        75.0,
        "(3+3+2+4) ÷ (4 × 4) = 12/16 = 75%",
    ),
    Example(
        ([3, "N/A", None, 2, 4, 4],),
        81.25,
        "N/A and the blank are left out: (3+2+4+4) ÷ (4 × 4) = 13/16 = 81.25%",
    ),
    Example(
        ([[1, 2], [2, 1]],),
        37.5,
        "a 2×2 range is one domain: 6 ÷ 16 = 37.5%",
    ),
    Example(
        ([3, "three", 2],),
        "#VALUE! scores, item 2: 'three' is not a score; valid: 1, 2, 3, 4 or N/A",
        "text in a score cell is named by its position",
    ),
    Example((["N/A", None],), None, "nothing scored gives a blank, not 0%"),
)
def cpc_monitoring_score(scores: Any) -> Any:
    """Domain score: sum of statement scores (1-4) ÷ (4 × statements scored), as a percentage 0-100; blanks and N/A are left out."""  # noqa: E501 (the one sentence Excel shows)
    scored = [int(v) for v in _each(SCORE, scores, "scores") if not math.isnan(v)]
    return engine.score_percentage(scored)


@examples(
    Example((38,), "Inadequate", "CQC: 38% or lower is Inadequate"),
    Example((39,), "Requires improvement", "CQC: 39-62% is Requires improvement"),
    Example(
        ([[38.4], [38.5], [62.5], [87.49], [87.5], [None]],),
        [["Inadequate"], ["Requires improvement"], ["Good"], ["Good"], ["Outstanding"], [None]],
        "rounded to whole percent, halves up: 38.4->38, 38.5->39, 62.5->63, 87.49->87, 87.5->88",
    ),
    Example((75, "council"), "Good", "council bands: 63-87% is Good"),
    Example((90, "council"), "Excellent", "council bands: 88% or more is Excellent"),
    Example(
        ([70, "high", 0.75],),
        [
            "Good",
            "#VALUE! percentage: 'high' is not a domain score; valid: a domain score from 0 to 100",
            "#VALUE! 0.75 looks like a fraction; valid: a percentage from 0 to 100, e.g. 75 for "
            "75% (multiply a % cell by 100)",
        ],
        "a bad cell gives its own reason and leaves the others alone",
    ),
)
def cpc_monitoring_rating(percentage: Any, scheme: Any = "cqc") -> Any:
    """Rating for a domain percentage (0-100) from the framework's bands; CQC by default: 38 or lower Inadequate, 39-62 Requires improvement, 63-87 Good, 88+ Outstanding."""  # noqa: E501 (the one sentence Excel shows)
    chosen = framework(scheme)

    def one(value: Any) -> str:
        return engine.rating(parse_argument(DOMAIN_SCORE, value, "percentage"), chosen)

    return elementwise(one, percentage)


_NOT_RATED = choice_key(engine.NOT_RATED)


def _levels(values: list[Any], chosen: MonitoringFramework, argument: str) -> list[int | None]:
    """One rating level per domain of the framework, in its order, from a range's cells: a
    blank (or "Not rated") is a domain without a rating; missing cells at the end too."""
    names = chosen.domain_names()
    if len(values) > len(names):
        raise InputError(
            f"{argument} has {len(values)} cells, but the {chosen.name} framework has "
            f"{len(names)} domains",
            valid=f"one cell for each of {', '.join(names)}, in that order",
        )
    choice = rating_choice(chosen)
    levels: list[int | None] = []
    for position, value in enumerate(values, start=1):
        if position % 4096 == 0:
            check_time()
        if is_blank(value) or (isinstance(value, str) and choice_key(value) == _NOT_RATED):
            levels.append(None)
            continue
        try:
            levels.append(chosen.level_of(choice.parse(value)))
        except InputError as exc:
            raise InputError(
                f"{argument}, item {position}: {exc.message}", valid=exc.valid
            ) from None
    return levels + [None] * (len(names) - len(levels))


def _flag(value: Any) -> bool:
    return False if is_blank(value) else bool(parse_argument(FLAG, value, "breach"))


def _one_overall(
    ratings: list[Any], previous: list[Any], breach: Any, chosen: MonitoringFramework
) -> str | None:
    """One provider's overall rating: this round's ratings, blanks filled from ``previous``
    (the same domains in the same order); Not rated, naming them, if any is still missing."""
    if all(is_blank(v) for v in [*ratings, *previous]):
        return None
    now = _levels(ratings, chosen, "ratings")
    before = _levels(previous, chosen, "previous")
    levels = [b if n is None else n for n, b in zip(now, before, strict=True)]
    return engine.overall_rating(levels, chosen, breach=_flag(breach)).text


@examples(
    Example(
        (["Good", "Good", "Requires improvement", "Good", "Good"],),
        "Good",
        "one Requires improvement is allowed in Good",
    ),
    Example(
        (["Good", "Requires improvement", "Requires improvement", "Good", "Outstanding"],),
        "Requires improvement",
        "two or more Requires improvement give Requires improvement",
    ),
    Example(
        (["Inadequate", "Inadequate", "Good", "Good", "Good"],),
        "Inadequate",
        "two or more Inadequate give Inadequate",
    ),
    Example(
        (["Outstanding", "Outstanding", "Good", "Good", "Good"],),
        "Outstanding",
        "two Outstanding and the rest Good",
    ),
    Example(
        (["Outstanding", "Outstanding", "Good", "Good", "Good"], True),
        "Requires improvement",
        "a regulatory breach caps the overall rating at Requires improvement",
    ),
    Example(
        ([["Good"]],),
        "Not rated: no rating for Effective, Caring, Responsive, Well-led",
        "issue 13 case 13: CQC aggregates all five key questions (rating principle 2), so one "
        "rating alone gives no overall rating; the four without one are named",
    ),
    Example(
        (
            ["Outstanding", "Outstanding", None, None, None],
            False,
            "cqc",
            ["Good", "Good", "Good", "Good", "Good"],
        ),
        "Outstanding",
        "issue 13 case 13: Caring, Responsive and Well-led were not reassessed and carry "
        "their previous Good forward: two Outstanding and three Good give Outstanding",
    ),
    Example(
        (["Outstanding", "Outstanding", None, None, None], False, "cqc", ["Good", "Good"]),
        "Not rated: no rating for Caring, Responsive, Well-led",
        "the previous round rated only Safe and Effective, so three key questions have no "
        "rating given or carried forward",
    ),
    Example(
        (
            [
                ["Good", "Good", "Good", "Outstanding", "Outstanding"],
                ["Good", "Inadequate", "Good", "Good", "Good"],
                ["Good", "Great", "Good", "Good", "Good"],
            ],
            [[False], [False], [False]],
        ),
        [
            ["Outstanding"],
            ["Requires improvement"],
            [
                "#VALUE! ratings, item 2: 'Great' is not a rating of the cqc framework; valid: "
                "Inadequate, Requires improvement, Good, Outstanding"
            ],
        ],
        "one provider per row: one Inadequate gives Requires improvement; a bad row says why",
    ),
)
def cpc_overall_rating(
    ratings: Any, breach: Any = False, scheme: Any = "cqc", previous: Any = None
) -> Any:
    """Overall rating from all five domain ratings by CQC's principles (2+ Inadequate: Inadequate; 1 Inadequate or 2+ Requires improvement: Requires improvement); a breach caps it; previous fills blanks; otherwise Not rated. One row per provider."""  # noqa: E501 (the one sentence Excel shows)
    chosen = framework(scheme)
    grid = to_grid(ratings)
    before = to_grid(None if _blank_argument(previous) else previous)
    if grid.kind != "table" or grid.shape[0] == 1:
        return _one_overall(flatten(ratings), _cells(before), breach, chosen)
    breaches = to_grid(breach)
    if breaches.shape not in ((1, 1), (grid.shape[0], 1)):
        raise InputError(
            "breach must be one cell or one column with a cell per row of ratings",
            valid=f"a cell, or a column of {grid.shape[0]} cells",
        )
    if _cells(before) and before.shape[0] != grid.shape[0]:
        raise InputError(
            "previous must have a row for each row of ratings",
            valid=f"{grid.shape[0]} rows of previous ratings, or none",
        )
    out = np.empty((grid.shape[0], 1), dtype=object)
    for r in range(grid.shape[0]):
        check_time()
        flag = breaches.cells[min(r, breaches.shape[0] - 1), 0]
        earlier = list(before.cells[r]) if _cells(before) else []
        try:
            out[r, 0] = _one_overall(list(grid.cells[r]), earlier, flag, chosen)
        except InputError as exc:
            out[r, 0] = cell_error(str(exc))
    return from_grid(out, "table")


def _blank_argument(value: Any) -> bool:
    """True for an argument left out, a blank cell or a range of blank cells."""
    return value is None or all(is_blank(v) for v in flatten(value))


def _cells(grid: Any) -> list[Any]:
    """A grid's cells in reading order; none for a blank argument."""
    cells = grid.cells.reshape(-1).tolist()
    return [] if all(is_blank(v) for v in cells) else cells


@examples(
    Example((95, 90), "Green", "higher is better, 95 on a target of 90 meets it"),
    Example((86, 90), "Amber", "4 short of 90 is within 5% of 90 (4.5)"),
    Example((85, 90), "Red", "5 short of 90 is beyond 5% of 90 (4.5)"),
    Example((10.5, 10, False, 0.1), "Amber", "lower is better: 0.5 over 10 is within 10% (1)"),
    Example(
        ([[95], [85.5], [85.4], [None], ["n/a"]], 90),
        [
            ["Green"],
            ["Amber"],
            ["Red"],
            [None],
            ["#VALUE! actual: 'n/a' is not a number; valid: a number"],
        ],
        "a column against one target: 85.5 is exactly 4.5 short (Amber), 85.4 is 4.6 (Red)",
    ),
)
def cpc_kpi_rag(
    actual: Any, target: Any, higher_is_better: Any = True, tolerance: Any = DEFAULT_TOLERANCE
) -> Any:
    """KPI RAG: Green on target or better, Amber short by no more than tolerance × target (5% by default), otherwise Red; set higher_is_better FALSE for measures where lower is better."""  # noqa: E501 (the one sentence Excel shows)

    def one(a: Any, t: Any, higher: Any, tol: Any) -> str | None:
        if is_blank(a):  # no actual yet: nothing to rate
            return None
        rag = engine.kpi_rag(
            parse_argument(NUMBER, a, "actual"),
            parse_argument(NUMBER, t, "target"),
            True if is_blank(higher) else parse_argument(FLAG, higher, "higher_is_better"),
            DEFAULT_TOLERANCE if is_blank(tol) else parse_argument(KPI_TOLERANCE, tol, "tolerance"),
        )
        return str(rag)

    return elementwise(one, actual, target, higher_is_better, tolerance)


# --- the button -------------------------------------------------------------------------------


@examples(
    ScriptExample(
        example_return_file,
        {
            "Summary": {
                "A1": "Monitoring summary: Riverside Home Care Ltd",
                "B2": "Riverside Home Care Ltd",
                "B3": "P-0042",
                "A18": "Requires improvement",
                "C22": "Requires improvement",
                "B22": 56.25,
                "C23": "Good",
                "B23": 75.0,
            },
            "Action plan": {"A2": "Action"},
        },
        "Safe scores 3,2,2,2 -> 9/16 = 56.25% Requires improvement; Effective 3,3,3 = 75% Good; "
        "the Safeguarding statement scored 2 (not 1), so no cap; overall: one Requires "
        "improvement and the rest Good would be Good, but the regulatory breach caps it at "
        "Requires improvement",
    )
)
def build_summary(book: Any) -> None:
    """Build summary: check the return and write Summary, Evidence and Action plan sheets."""
    from cpcxl.xl.book import read_book_tables
    from cpcxl.xl.render import render

    cells = read_book_tables(book, SPECS)
    names = [sheet.name for sheet in book.sheets]
    ret, chosen = read_return(cells, _known, file=book.name, sheet_names=names)
    as_at = ret.details.monitoring_date or dt.date.today()
    result = engine.evaluate(ret, chosen, as_at=as_at)
    outputs = summary_outputs(result, ReportSettings())
    for output in outputs:
        render(book, output)
    _domain_chart(book.sheets["Summary"], domain_block(outputs))


CHART_NAME = "Domain scores"


def _domain_chart(sheet: Any, block: Any) -> None:
    """A bar chart of this round's domain scores, in the space the summary leaves for it."""
    try:
        existing = [c for c in sheet.charts if c.name == CHART_NAME]
    except KeyError:  # a workbook payload that carries no chart list has no chart to replace
        existing = []
    for chart in existing:
        chart.delete()
    first, last = block.row, block.row + len(block.values) - 1
    sheet.charts.add(
        width=460,
        height=220,
        chart_type="bar_clustered",
        source=sheet.range((first, 1), (last, 2)),
        anchor=sheet.range((last + 2, 1)),
        name=CHART_NAME,
    )


FUNCTIONS: list[Callable[..., Any]] = [
    cpc_monitoring_score,
    cpc_monitoring_rating,
    cpc_overall_rating,
    cpc_kpi_rag,
]
SCRIPTS: list[Callable[..., None]] = [build_summary]
