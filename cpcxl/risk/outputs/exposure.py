"""The Exposure sheet: the register's £ exposure, how its risks are correlated, what drives
the contingency (a tornado, as a table here and a native bar chart in a saved workbook) and
when it would fall, by financial year of each risk's proximity."""

from __future__ import annotations

from typing import Any

import numpy as np

from cpcxl.common import formats
from cpcxl.common.fields import year_label
from cpcxl.common.report import Block, SheetOutput

from .. import engine
from ..inputs import RegisterBook
from .sheets import exposure_frame

EXPOSURE = "Exposure"
TORNADO_TITLE = "What drives the contingency (largest first)"
#: The tornado table starts here, so a chart pointed at its first rows stays on them when the
#: button rewrites the sheet; the chart shows at most this many risks.
TORNADO_ROW = 14
TORNADO_CHART_RISKS = 15
PHASING_COLUMN = 8  # H: beside the figures
BAR_WIDTH = 18  # characters of the in-cell bar of the largest driver


def _bar(value: float, largest: float) -> str:
    """An in-cell bar: the share of the largest, in up to BAR_WIDTH blocks."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * value / largest))


def exposure_output(result: engine.Assessment, book: RegisterBook) -> SheetOutput:
    analysis = result.analysis
    exposure = analysis.exposure
    confidence = f"{exposure.confidence:.0%}"
    blocks = [
        Block(
            [
                ["Quantified exposure: what drives it and when it would fall"],
                [
                    f"{exposure.risks} open quantified risks; {exposure.iterations:,} iterations, "
                    f"seed 1; correlation: {result.correlation_text}"
                ],
            ],
            header=False,
        ),
        Block.from_frame(
            exposure_frame(exposure),
            row=5,
            column=2,
            title="The register's exposure",
            formats={"£": formats.GBP},
        ),
    ]
    blocks.append(_phasing(analysis, row=5))
    blocks.append(_tornado(result, confidence))
    if result.correlation_problem is not None:
        blocks += _correlation_problem(result, row=TORNADO_ROW + len(analysis.drivers) + 3)
    widths = {"A": 12, "B": 40, "C": 16, "D": 18, "E": 14, "F": 26, "H": 20, "I": 8, "J": 16}
    return SheetOutput(EXPOSURE, blocks, widths={**widths, "K": 16})


def _tornado(result: engine.Assessment, confidence: str) -> Block:
    drivers = result.analysis.drivers
    largest = max((d.removed for d in drivers), default=0.0)
    header = [
        "Risk ID",
        "Title",
        "Expected (£)",
        f"Contingency falls by without it (£, {confidence})",
        "Share of the spread",
        "",
    ]
    rows: list[list[Any]] = [header]
    for d in drivers:
        risk = result.quantified.iloc[d.index]
        rows.append(
            [
                risk["risk_id"],
                risk["title"],
                engine.round_pounds(d.expected),
                engine.round_pounds(d.removed),
                round(d.share, 4),
                _bar(d.removed, largest),
            ]
        )
    if not drivers:
        rows.append(["None", "no open risk has a £ estimate", None, None, None, None])
    return Block(
        rows,
        row=TORNADO_ROW,
        title=TORNADO_TITLE,
        formats={2: formats.GBP, 3: formats.GBP, 4: formats.PERCENT_1DP},
    )


def _phasing(analysis: engine.ExposureAnalysis, *, row: int) -> Block:
    rows: list[list[Any]] = [["Financial year", "Risks", "Expected (£)", "P80 (£)"]]
    for phase in analysis.phases:
        year = year_label(phase.year) if phase.year is not None else "No proximity given"
        rows.append(
            [
                year,
                phase.risks,
                engine.round_pounds(phase.expected),
                engine.round_pounds(phase.p80),
            ]
        )
    if len(rows) == 1:
        rows.append(["None", 0, 0, 0])
    return Block(
        rows,
        row=row,
        column=PHASING_COLUMN,
        title="By financial year of proximity (April to March)",
        formats={2: formats.GBP, 3: formats.GBP},
    )


def _correlation_problem(result: engine.Assessment, *, row: int) -> list[Block]:
    problem = result.correlation_problem
    assert problem is not None
    blocks = [
        Block(
            [
                [f"The correlation given cannot be used: {problem.message}"],
                ["The exposure above treats the risks as independent until it is put right."],
            ],
            row=row,
            header=False,
        )
    ]
    if problem.nearest is not None and problem.nearest.shape[0] <= 50:
        ids = [str(r) for r in result.quantified["risk_id"]]
        nearest = np.round(problem.nearest, 4)
        values: list[list[Any]] = [["Risk ID", *ids]]
        values += [[i, *map(float, nearest[k])] for k, i in enumerate(ids)]
        blocks.append(
            Block(
                values,
                row=row + 4,
                title="The nearest valid correlation matrix (Higham's method): copy it over "
                "the Correlation sheet's matrix",
            )
        )
    return blocks
