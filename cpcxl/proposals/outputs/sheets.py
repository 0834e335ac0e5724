"""A round's results as report sheets and feedback documents: pure data, no files.

The button writes the sheets into the open workbook through xlwings and the command line
into a copy of the file through openpyxl, so both show the same figures. Each submitter's
feedback letter (outputs/letters.py) is a Word document the command line writes beside the
workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from cpcxl.common import formats
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from .charts import ChartSpec
from .letters import schedule_text
from .review import (
    affordability_sheet,
    judges_block,
    negotiation_sheet,
    panel_sheet,
    sensitivity_sheet,
    value_sheet,
)

#: The result sheets, in the order they are written.
RESULT_SHEETS = ("Appraisal", "Scores", "Ranking", "Portfolio", "Feedback")
PROBLEMS_SHEET = "Input problems"
NOTES_SHEET = "Input notes"

DECISION_FILL = {"Accept": formats.GREEN, "Amend": formats.AMBER, "Reject": formats.RED}


def _blank_nan(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _irr_cell(rates: Sequence[float]) -> float | str | None:
    """The IRR, blank where there is none, and the rates in words where there are several
    (issue 13 case 6: never one of them as if it were the answer)."""
    if len(rates) == 1:
        return rates[0]
    if not rates:
        return None
    return f"More than one: {engine.rates_text(rates)}; judge by the NPSV"


def result_sheets(result: engine.RoundResult, notes: Sequence[str] = ()) -> list[SheetOutput]:
    """The result sheets the button and the CLI both write: the five of every round, then
    (for a round read whole, :func:`engine.evaluate`) the panel's scores where a panel
    scored, the sensitivity, value for money and affordability sheets and the negotiation
    where there were amendments; and an Input notes sheet when the reading had something to
    say (a header read under another spelling)."""
    return result_sheets_and_charts(result, notes)[0]


def result_sheets_and_charts(
    result: engine.RoundResult, notes: Sequence[str] = ()
) -> tuple[list[SheetOutput], list[ChartSpec]]:
    """The result sheets and the charts drawn on them."""
    by_id = {f.id: f for f in result.feedback}
    schedule = schedule_text(result.schedule)
    a = result.appraisal
    appraisal_rows: list[list[Any]] = [
        [
            "Proposal ID",
            "Title",
            "Optimism bias on capital",
            "Optimism bias on revenue",
            "PV costs before optimism bias £",
            "PV costs £",
            "PV benefits £",
            "of which health benefits £",
            "NPSV £",
            "Benefit-cost ratio",
            "IRR",
            "Discounted payback (year)",
            "Benefits may fall by",
            "Costs may rise by",
            "Weaknesses",
        ]
    ]
    for pid, row in a.iterrows():
        f = by_id[str(pid)]
        appraisal_rows.append(
            [
                pid,
                f.title,
                row["optimism_bias"],
                row["operating_optimism_bias"],
                round(row["pv_costs_before_ob"]),
                round(row["pv_costs"]),
                round(row["pv_benefits"]),
                round(row["pv_health_benefits"]),
                round(row["npsv"]),
                _blank_nan(round(row["bcr"], 2)),
                _irr_cell(row["irr_rates"]),
                _blank_nan(row["payback_year"]),
                _blank_nan(row["benefit_switching"]),
                _blank_nan(row["cost_switching"]),
                "; ".join(w.name for w in f.weaknesses),
            ]
        )
    money = {i: formats.GBP for i in (4, 5, 6, 7, 8)}
    pct = {
        2: formats.PERCENT_1DP,
        3: formats.PERCENT_1DP,
        10: formats.PERCENT_1DP,
        12: formats.PERCENT,
        13: formats.PERCENT,
    }
    appraisal = SheetOutput(
        "Appraisal",
        stack(
            Block(
                appraisal_rows,
                title=f"Green Book appraisal in real terms: {schedule}",
                formats={**money, **pct, 9: formats.DECIMAL_2},
            )
        ),
        widths={
            "A": 14,
            "B": 40,
            **{letter: 12 for letter in "CD"},
            **{letter: 15 for letter in "EFGHI"},
            **{letter: 12 for letter in "JKLMN"},
            "O": 60,
        },
        freeze="C3",
    )

    criteria = result.criteria
    assert criteria is not None
    s = result.scores
    score_rows = [
        ["Proposal ID", "Title", *criteria.names, "Weighted score", "Score %", "Must-pass failures"]
    ]
    for pid, row in s.iterrows():
        f = by_id[str(pid)]
        failed = [
            c.name
            for c in criteria.criteria
            if c.must_pass and c.pass_mark is not None and row[c.name] < c.pass_mark
        ]
        score_rows.append(
            [
                pid,
                f.title,
                *(row[n] for n in criteria.names),
                round(row["weighted_score"], 2),
                round(row["score_share"], 4),
                ", ".join(failed),
            ]
        )
    k = len(criteria.names)
    weights_rows = [["Criterion", "Weight", "Must pass", "Pass mark"]] + [
        [c.name, c.weight, "Yes" if c.must_pass else "No", c.pass_mark] for c in criteria.criteria
    ]
    judges = judges_block(result)
    scores = SheetOutput(
        "Scores",
        stack(
            Block(
                weights_rows,
                title=f"Criteria (weights {criteria.weights_from})",
                formats={1: formats.PERCENT_1DP},
            ),
            *([judges] if judges is not None else []),
            Block(
                score_rows,
                title=f"Scores ({criteria.scale_min:g} to {criteria.scale_max:g})",
                formats={2 + k: formats.DECIMAL_2, 3 + k: formats.PERCENT},
            ),
        ),
        widths={"A": 30, "B": 40},
    )

    r = result.ranking
    ranking_rows: list[list[Any]] = [
        [
            "Rank",
            "Proposal ID",
            "Score %",
            "NPSV £",
            "Benefit-cost ratio",
            "Decision",
            "In portfolio",
            "Term",
            "Title",
        ]
    ]
    fills = {}
    for i, (pid, row) in enumerate(r.iterrows(), start=1):
        ranking_rows.append(
            [
                _blank_nan(row["rank"]),
                pid,
                round(row["score_share"], 4),
                round(row["npsv"]),
                _blank_nan(round(row["bcr"], 2)),
                row["decision"],
                "Yes" if row["in_portfolio"] else "No",
                by_id[str(pid)].term,
                by_id[str(pid)].title,
            ]
        )
        fills[(i, 5)] = DECISION_FILL[row["decision"]]
    evaluation = result.rules.evaluation.value if result.rules else "Absolute"
    ranking = SheetOutput(
        "Ranking",
        stack(
            Block(
                ranking_rows,
                title=f"Ranking ({evaluation.lower()} evaluation; unranked "
                "proposals are not eligible)",
                formats={2: formats.PERCENT, 3: formats.GBP, 4: formats.DECIMAL_2},
                fills=fills,
            )
        ),
        widths={"D": 14, "F": 12, "H": 14, "I": 40},
    )

    p = result.portfolio
    if p is None:
        portfolio = SheetOutput(
            "Portfolio",
            [
                Block(
                    [
                        [
                            "No budget was given, so no portfolio was chosen. Enter yearly "
                            "budgets on the Budget sheet to choose the best set within them."
                        ]
                    ],
                    header=False,
                )
            ],
        )
    else:
        years = [["Year", "Budget £", "Chosen spend £", "Left £"]] + [
            [y, b, round(sp), round(b - sp)]
            for y, (b, sp) in enumerate(zip(p.budgets, p.spend, strict=True))
        ]
        chosen = [["Proposal ID", "Title", "NPSV £"]] + [
            [pid, by_id[pid].title, round(by_id[pid].appraisal["npsv"])] for pid in p.chosen
        ]
        left = [["Proposal ID", "Title", "Why it was left out"]] + [
            [pid, by_id[pid].title, why[:1].upper() + why[1:]] for pid, why in p.left_out.items()
        ]
        status = "the exact optimum" if p.solved else "not proven optimal (solver limit)"
        portfolio = SheetOutput(
            "Portfolio",
            stack(
                Block(
                    years,
                    title=f"Budget by year: chosen set has NPSV {engine.money(p.value)}, {status}",
                    formats={1: formats.GBP, 2: formats.GBP, 3: formats.GBP},
                ),
                Block(
                    chosen,
                    title="Chosen proposals (most value within every year's budget)",
                    formats={2: formats.GBP},
                ),
                Block(left, title="Left out, and why"),
            ),
            widths={"A": 14, "B": 40, "C": 90, "D": 14},
        )

    feedback_rows = [["Proposal ID", "Title", "Sponsor", "Decision", "Reasons"]]
    feedback_fills = {}
    for i, f in enumerate(result.feedback, start=1):
        reasons = "\n".join(f"{n}. {text}" for n, text in enumerate(f.reasons, start=1))
        feedback_rows.append([f.id, f.title, f.sponsor, f.decision.value, reasons])
        feedback_fills[(i, 3)] = DECISION_FILL[f.decision.value]
    feedback = SheetOutput(
        "Feedback",
        stack(
            Block(
                feedback_rows,
                title="Decisions and reasons for submitters (CPC 506 B6-B7)",
                fills=feedback_fills,
            )
        ),
        widths={"A": 14, "B": 40, "C": 28, "D": 10, "E": 120},
    )
    sheets = [appraisal, scores, ranking, portfolio, feedback]
    charts: list[ChartSpec] = []
    if result.review is not None:
        panel = panel_sheet(result)
        if panel is not None:
            sheets.append(panel)
        for make in (sensitivity_sheet, value_sheet, affordability_sheet):
            sheet, drawn = make(result)
            sheets.append(sheet)
            charts += drawn
        negotiation = negotiation_sheet(result)
        if negotiation is not None:
            sheets.append(negotiation)
    return sheets + ([notes_sheet(notes)] if notes else []), charts


def problems_sheet(problems: InputError | InputErrors) -> SheetOutput:
    """The sheet a button writes instead of results: each problem where it is, what would be
    valid, and any notes on how the tables were read."""
    found = list(problems) if isinstance(problems, InputErrors) else [problems]
    rows = [["Where", "Problem", "What would be valid"]] + [
        [str(p.location or ""), p.message, p.valid or ""] for p in found
    ]
    blocks = [Block(rows, row=2, title="Fix these, then press Evaluate proposals again")]
    notes = problems.notes if isinstance(problems, InputErrors) else []
    if notes:
        blocks.append(
            Block(
                [["Note"], *([n] for n in notes)],
                row=len(rows) + 4,
                title="How the tables were read",
            )
        )
    return SheetOutput(PROBLEMS_SHEET, blocks, widths={"A": 45, "B": 80, "C": 50})


def notes_sheet(notes: Sequence[str]) -> SheetOutput:
    """What the reading found worth saying (a header read under another spelling)."""
    return SheetOutput(
        NOTES_SHEET,
        stack(Block([["Note"], *([n] for n in notes)], title="How the tables were read")),
        widths={"A": 100},
    )
