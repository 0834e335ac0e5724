"""The sheets that let a result survive a challenge: the panel's moderation, the
sensitivity of the result, the value for money chart, the cash view against the budget and
the negotiation record (issue 17). Pure data, no files."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput, stack

from .. import engine
from ..models import year_text
from .charts import (
    BUDGET_COLOUR,
    COST_COLOUR,
    DECISION_COLOUR,
    HIGHER_COLOUR,
    LOWER_COLOUR,
    ChartSpec,
    chart_of,
)

PANEL_SHEET = "Panel scores"
SENSITIVITY_SHEET = "Sensitivity"
VALUE_SHEET = "Value for money"
AFFORDABILITY_SHEET = "Affordability"
AMENDMENTS_SHEET = "Negotiation"
DECISIONS = ("Accept", "Amend", "Reject")


def _blank(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def panel_sheet(result: engine.RoundResult) -> SheetOutput | None:
    """Each member's score, the moderated score and how it was reached, the criteria the
    panel must moderate with the members' comments side by side, and the conflicts."""
    review = result.review
    if review is None or review.moderation is None:
        return None
    m = review.moderation
    names = list(m.member_names)
    how = m.method.value.lower()
    header = ["Proposal ID", "Criterion", *names, "Lowest", "Highest", "Moderated", "How", "Flag"]
    rows: list[list[Any]] = [header]
    fills: dict[tuple[int, int], str] = {}
    flagged_rows: list[list[Any]] = [
        ["Proposal ID", "Criterion", "Spread", *names, "Moderated", "Chair's reason"]
    ]
    chair = {k: v for k, v in _chair(result).items()}
    for i, pid in enumerate(m.ids):
        for j, criterion in enumerate(m.criteria):
            count = int(m.count[i, j])
            if count == 0 and not np.isfinite(m.chair[i, j]):
                continue  # scored on the Assessment sheet, not by the panel
            cells: list[Any] = []
            for k in range(len(names)):
                if m.conflicted[i, k]:
                    cells.append("Conflicted")
                else:
                    cells.append(_blank(float(m.members[i, j, k])))
            by_chair = bool(np.isfinite(m.chair[i, j]))
            method = "chair" if by_chair else f"{how} of {count}"
            flag = ""
            if m.flagged[i, j]:
                spread = float(m.high[i, j] - m.low[i, j])
                flag = (
                    "Moderated by the chair"
                    if by_chair
                    else f"Spread {spread:g} > {m.spread:g}: to moderate"
                )
            rows.append(
                [
                    pid,
                    criterion,
                    *cells,
                    _blank(float(m.low[i, j])),
                    _blank(float(m.high[i, j])),
                    round(float(m.final[i, j]), 2),
                    method,
                    flag,
                ]
            )
            if m.flagged[i, j]:
                fills[(len(rows) - 1, len(header) - 1)] = (
                    formats.GREEN if by_chair else formats.AMBER
                )
                side: list[str | None] = []
                for k in range(len(names)):
                    if m.conflicted[i, k]:
                        side.append("Conflicted: left out")
                    elif np.isfinite(m.members[i, j, k]):
                        note = m.comments.get((i, j, k), "")
                        side.append(
                            f"{m.members[i, j, k]:g}: {note}" if note else f"{m.members[i, j, k]:g}"
                        )
                    else:
                        side.append(None)
                given = chair.get((pid, criterion))
                flagged_rows.append(
                    [
                        pid,
                        criterion,
                        float(m.high[i, j] - m.low[i, j]),
                        *side,
                        round(float(m.final[i, j]), 2),
                        given.reason if given else f"Not moderated yet: the {how} is used",
                    ]
                )
    members_formats = {2 + k: "0.0" for k in range(len(names))}
    blocks = [
        Block(
            rows,
            title=f"Panel scores: the moderated score is the chair's where entered, else the "
            f"{how} of the members' (conflicted members left out)",
            formats={
                **members_formats,
                2 + len(names): "0.0",
                3 + len(names): "0.0",
                4 + len(names): formats.DECIMAL_2,
            },
            fills=fills,
        )
    ]
    if len(flagged_rows) > 1:
        blocks.append(
            Block(
                flagged_rows,
                title=f"Flagged for moderation: members' scores more than {m.spread:g} points "
                "apart, with their comments side by side",
                formats={2: "0.0", 3 + len(names): formats.DECIMAL_2},
            )
        )
    conflicts = result_conflicts(result)
    if conflicts:
        blocks.append(
            Block(
                [["Member", "Proposal ID", "Interest declared", "Record"], *conflicts],
                title="Conflicts of interest (CPC 506 K3): the member's scores are left out",
            )
        )
    widths = {"A": 14, "B": 34, **{_letter(3 + k): 24 for k in range(len(names))}}
    widths[_letter(3 + len(names) + 3)] = 12
    widths[_letter(3 + len(names) + 4)] = 26
    widths[_letter(3 + len(names) + 5)] = 40
    return SheetOutput(PANEL_SHEET, stack(*blocks), widths=widths, freeze="C3")


def _letter(index: int) -> str:
    from cpcxl.common.inputs import column_letter

    return column_letter(index)


def _chair(result: engine.RoundResult) -> dict[tuple[str, str], Any]:
    review = result.review
    return dict(review.chair) if review is not None else {}


def result_conflicts(result: engine.RoundResult) -> list[list[Any]]:
    review = result.review
    conflicts = review.conflicts if review is not None else []
    return [
        [c.member, c.proposal_id, c.interest, "Did not score this proposal; left out of it"]
        for c in conflicts
    ]


def judges_block(result: engine.RoundResult) -> Block | None:
    """Each member's own consistency ratio, where the weights come from several members'
    pairwise judgements (Saaty's limit 0.10)."""
    criteria = result.criteria
    if criteria is None or not criteria.judges:
        return None
    rows: list[list[Any]] = [["Member", "Consistency ratio", "Within Saaty's 0.10"]]
    for member, ratio in criteria.judges:
        rows.append([member, round(ratio, 4), "Yes" if ratio <= 0.1 else "No: revisit"])
    if criteria.consistency_ratio is not None:
        rows.append(["Combined (geometric mean)", round(criteria.consistency_ratio, 4), "Yes"])
    return Block(
        rows,
        title="Pairwise judgements by member, combined by the geometric mean (Aczél and "
        "Saaty 1983)",
        formats={1: "0.0000"},
    )


def sensitivity_sheet(result: engine.RoundResult) -> tuple[SheetOutput, list[ChartSpec]]:
    """The weight changes that put another proposal first, and the preferred options'
    NPSV against ±x% on each line, with a tornado chart of each."""
    review = result.review
    assert review is not None
    change = review.tornado_change
    pct = f"{change:.0%}"
    weights: list[list[Any]] = [
        ["Criterion", "Weight", "Change", "New weight", "Would rank first", "Ranks first now"]
    ]
    for s in review.sensitivity:
        weights.append(
            [
                s.criterion,
                s.weight,
                s.change,
                s.new_weight,
                s.leader or "No change of this weight alone",
                s.first,
            ]
        )
    blocks: list[Block] = [
        Block(
            weights
            if len(weights) > 1
            else [["No proposal is ranked, so no weight change can alter the first."]],
            header=len(weights) > 1,
            row=2,
            title="Weights: the smallest change in each that puts another proposal first (the "
            "others rescaled in proportion, so the weights still total 100%)",
            formats={1: formats.PERCENT_1DP, 2: "+0.0%;-0.0%;0.0%", 3: formats.PERCENT_1DP},
        )
    ]
    charts: list[ChartSpec] = []
    row = 2 + len(blocks[0].values) + 2
    title = (
        f"Preferred options ({review.preferred_from}): NPSV against ±{pct} on each cost and "
        "benefit line (HM Treasury, Green Book 2022, paragraphs 5.59-5.61)"
    )
    if not review.tornadoes:
        title += ": there is no preferred option"
    blocks.append(Block([[title]], header=False, row=row))
    row += 2
    for number, t in enumerate(review.tornadoes):
        swings = sorted(t.swings, key=lambda s: s.size)  # largest last: at the chart's top
        values: list[list[Any]] = [
            ["Line", f"{pct} lower", f"{pct} higher", "Present value £"],
            *([s.line, round(s.low), round(s.high), round(s.present_value)] for s in swings),
        ]
        block = Block(
            values,
            row=row,
            title=f"{t.proposal_id} {t.title}: NPSV {engine.money(t.npsv)}; the change in "
            f"NPSV with each line {pct} lower or higher",
            formats={1: formats.GBP, 2: formats.GBP, 3: formats.GBP},
        )
        blocks.append(block)
        height = len(values) + 2
        if number < engine.MAX_TORNADO_CHARTS and len(values) > 1:
            charts.append(
                chart_of(
                    SENSITIVITY_SHEET,
                    block,
                    name=f"Tornado {t.proposal_id}",
                    title=f"{t.proposal_id}: change in NPSV with each line ±{pct}",
                    kind="bar_stacked",
                    anchor=f"F{row}",
                    columns=3,
                    colours=(LOWER_COLOUR, HIGHER_COLOUR),
                    value_title="Change in NPSV £",
                    height=190,
                    width=430,
                )
            )
            height = max(height, 15)
        row += height
    return (
        SheetOutput(
            SENSITIVITY_SHEET,
            blocks,
            widths={"A": 34, "B": 14, "C": 14, "D": 16, "E": 26, "F": 16},
        ),
        charts,
    )


def value_sheet(result: engine.RoundResult) -> tuple[SheetOutput, list[ChartSpec]]:
    """NPSV and benefit-cost ratio by proposal, each in its decision's column so a chart
    colours it by the decision."""
    r = result.ranking
    npsv: list[list[Any]] = [["Proposal ID", *DECISIONS]]
    bcr: list[list[Any]] = [["Proposal ID", *DECISIONS]]
    for pid, row in r.iterrows():
        spot = DECISIONS.index(row["decision"])
        npsv.append([pid, *(round(row["npsv"]) if k == spot else None for k in range(3))])
        ratio = _blank(round(float(row["bcr"]), 2))
        bcr.append([pid, *(ratio if k == spot else None for k in range(3))])
    first = Block(
        npsv,
        row=2,
        title="Net present social value by proposal, coloured by decision",
        formats={1: formats.GBP, 2: formats.GBP, 3: formats.GBP},
    )
    second = Block(
        bcr,
        row=first.row + len(npsv) + 2,
        title="Benefit-cost ratio by proposal, coloured by decision",
        formats={1: formats.DECIMAL_2, 2: formats.DECIMAL_2, 3: formats.DECIMAL_2},
    )
    colours = tuple(DECISION_COLOUR[d] for d in DECISIONS)
    charts = [
        chart_of(
            VALUE_SHEET,
            first,
            name="NPSV chart",
            title="Net present social value by proposal (£)",
            kind="column_stacked",
            anchor="G2",
            colours=colours,
            value_title="NPSV £",
        ),
        chart_of(
            VALUE_SHEET,
            second,
            name="BCR chart",
            title="Benefit-cost ratio by proposal",
            kind="column_stacked",
            anchor="G22",
            colours=colours,
            value_title="Benefit-cost ratio",
            number_format=formats.DECIMAL_2,
            from_zero=bool(all((v or 0) >= 0 for row in bcr[1:] for v in row[1:])),
        ),
    ]
    return (
        SheetOutput(VALUE_SHEET, [first, second], widths={"A": 14, "B": 14, "C": 14, "D": 14}),
        charts,
    )


def affordability_sheet(result: engine.RoundResult) -> tuple[SheetOutput, list[ChartSpec]]:
    """The preferred options' cash cost by financial year, with optimism bias and
    contingency, against each year's budget, and every gap named."""
    review = result.review
    assert review is not None
    a = review.affordability
    if a is None:
        return SheetOutput(
            AFFORDABILITY_SHEET, [Block([[review.affordability_note]], header=False)]
        ), []
    rows: list[list[Any]] = [
        [
            "Financial year",
            "Budget £",
            "Cash cost £",
            "Headroom (gap) £",
            "Cost before optimism bias £",
            "Optimism bias £",
            "Contingency £",
            "Position",
        ]
    ]
    fills: dict[tuple[int, int], str] = {}
    for i, y in enumerate(a.years, start=1):
        rows.append(
            [
                year_text(y.financial_year),
                _blank(None if y.budget is None else round(y.budget)),
                round(y.total),
                None if y.gap is None else round(y.gap),
                round(y.cost),
                round(y.optimism_bias),
                round(y.contingency),
                y.named(),
            ]
        )
        if y.gap is not None:
            fills[(i, 7)] = formats.RED if y.gap < -0.5 else formats.GREEN
    money = {k: formats.GBP for k in range(1, 7)}
    summary = Block([[a.summary()]], header=False, row=2)
    main = Block(
        rows,
        row=5,
        title=f"Cash (nominal) cost of {a.chosen_from} by financial year, with optimism bias "
        "and contingency, against the budget",
        formats=money,
        fills=fills,
    )
    years = [year_text(y.financial_year) for y in a.years]
    detail: list[list[Any]] = [["Proposal ID", *years]]
    for pid, cash in a.by_proposal.items():
        detail.append([pid, *(round(cash[y.year]) if y.year < len(cash) else 0 for y in a.years)])
    second = Block(
        detail,
        row=main.row + len(rows) + 2,
        title="Cash cost by proposal (£, with optimism bias and contingency)",
        formats={k: formats.GBP for k in range(1, 1 + len(years))},
    )
    base = year_text(review.base_year) if review.base_year else "year 0"
    note = Block(
        [
            ["Real figures are inflated to each year's cash prices with the GDP deflator on the"],
            ["Deflators sheet (extrapolated beyond its last year at that year's growth); nominal"],
            ["figures are cash already. Optimism bias is the appraisal's (capital and operating"],
            ["bounds, on positive costs); contingency is each proposal's, on positive costs."],
            [f"The appraisal itself is in real prices of {base}."],
        ],
        header=False,
        row=second.row + len(detail) + 2,
    )
    charts = [
        chart_of(
            AFFORDABILITY_SHEET,
            main,
            name="Affordability chart",
            title="Budget and cash cost by financial year (£)",
            kind="column_clustered",
            anchor=f"J{main.row}",
            columns=3,
            colours=(BUDGET_COLOUR, COST_COLOUR),
            value_title="£",
            from_zero=True,
        )
    ]
    widths = {"A": 14, "B": 16, "C": 16, "D": 16, "E": 16, "F": 16, "G": 14, "H": 70}
    return SheetOutput(AFFORDABILITY_SHEET, [summary, main, second, note], widths=widths), charts


def negotiation_sheet(result: engine.RoundResult) -> SheetOutput | None:
    """The amendments requested, the resubmissions and their re-evaluation, the original
    and amended figures side by side (CPC 506 B7-B8)."""
    review = result.review
    if review is None or not review.renegotiated:
        return None
    summary: list[list[Any]] = [
        [
            "Proposal ID",
            "Amendment requested",
            "Requested on",
            "Resubmitted as",
            "Resubmitted on",
            "Submitter's response",
            "Original decision",
            "Decision now",
        ]
    ]
    blocks: list[Block] = []
    for n in review.renegotiated:
        a = n.amendment
        summary.append(
            [
                a.proposal_id,
                a.requested,
                a.requested_on,
                a.amended_id or "Not yet resubmitted",
                a.resubmitted_on,
                a.response,
                n.original.decision.value,
                n.amended.decision.value if n.amended else n.original.decision.value,
            ]
        )
    blocks.append(Block(summary, title="Amendments requested and resubmitted (CPC 506 B7-B8)"))
    for n in review.renegotiated:
        if n.amended is None:
            continue
        o, m = n.original, n.amended
        money: list[list[Any]] = [["Measure", f"Original ({o.id})", f"Amended ({m.id})", "Change"]]
        for label, key in (
            ("PV costs £", "pv_costs"),
            ("PV benefits £", "pv_benefits"),
            ("NPSV £", "npsv"),
        ):
            before, after = o.appraisal[key], m.appraisal[key]
            money.append([label, round(before), round(after), round(after - before)])
        blocks.append(
            Block(
                money,
                title=f"{o.id} and its resubmission {m.id}: original and amended side by side",
                formats={1: formats.GBP, 2: formats.GBP, 3: formats.GBP},
            )
        )
        ob, mb = _blank(o.appraisal["bcr"]), _blank(m.appraisal["bcr"])
        other: list[list[Any]] = [
            [
                "Benefit-cost ratio",
                _round(ob),
                _round(mb),
                _round(None if ob is None or mb is None else mb - ob),
            ],
            [
                f"Weighted score (of {_top(result)})",
                _round(o.weighted_score),
                _round(m.weighted_score),
                _round(m.weighted_score - o.weighted_score),
            ],
            *(
                [f"Score: {name}", before, after, after - before]
                for (name, before, _, _), (_, after, _, _) in zip(o.scores, m.scores, strict=True)
            ),
            [
                "Decision",
                o.decision.value,
                m.decision.value,
                "No change"
                if o.decision == m.decision
                else f"{o.decision.value} to {m.decision.value}",
            ],
        ]
        blocks.append(
            Block(other, header=False, formats={1: "0.00", 2: "0.00", 3: "+0.00;-0.00;0.00"})
        )
    return SheetOutput(
        AMENDMENTS_SHEET,
        stack(*blocks),
        widths={"A": 42, "B": 50, "C": 16, "D": 18, "E": 16, "F": 40, "G": 16, "H": 14},
    )


def _top(result: engine.RoundResult) -> str:
    return f"{result.criteria.scale_max:g}" if result.criteria is not None else "5"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
