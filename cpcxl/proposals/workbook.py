"""The expenditure proposals workbook: build the template, read a filled round, write results.

openpyxl and calamine only; the button script reads the same sheets through xlwings and
hands them to :func:`read_round`, so both paths read a round identically.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.utils import get_column_letter

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.formats import Formula
from cpcxl.common.models import build_model
from cpcxl.common.report import Block, SheetOutput, stack
from cpcxl.common.tables import ROW, Column, frame_from_values
from cpcxl.common.values import is_blank, to_number, to_text
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_whole_number_validation,
    add_xlwings_conf,
    define_name,
    put,
    render,
    save_workbook,
    set_print,
    write_rows,
)

from . import engine
from .models import (
    CriteriaSet,
    Criterion,
    DecisionRules,
    Evaluation,
    Evidence,
    ProjectType,
    Proposal,
    Schedule,
    Term,
)

FILENAME = "expenditure_proposals.xlsx"
TITLE = "Expenditure proposals: evaluation round"
MARKING = "OFFICIAL-SENSITIVE"
SCALE = (0, 5)

PROPOSALS_HEADER = [
    "Proposal ID",
    "Title",
    "Sponsor (role)",
    "Term",
    "Objectives supported",
    "Project type",
    "Optimism bias mitigation",
    "Evidence for benefits",
    "Evidence details",
    "Risks",
    "Stated total cost £",
    "Stated total benefit £",
]
COSTS_HEADER = ["Proposal ID", "Year", "Capital £", "Revenue £"]
BENEFITS_HEADER = ["Proposal ID", "Year", "Cash-releasing £", "Wider social value £"]
CRITERIA_HEADER = [
    "Criterion",
    "Weight",
    "What it measures",
    "Must pass",
    "Pass mark",
    *(f"Score {s}" for s in range(SCALE[0], SCALE[1] + 1)),
]
ASSESSMENT_HEADER = ["Proposal ID", "Criterion", "Score", "Panel comment"]
BUDGET_HEADER = ["Year", "Budget £"]
SETTINGS_HEADER = ["Setting", "Value", "Notes"]
OBJECTIVES_HEADER = "Organisation's objectives"

SETTINGS_ROWS = [
    ["Evaluation", Evaluation.ABSOLUTE.value, "Absolute: thresholds. Comparative: ranking."],
    ["Discount schedule", Schedule.STANDARD.value, "standard (3.5% declining) or health (1.5%)"],
    ["Accept score", 0.6, "Weighted score (share of the 0-5 scale) needed to accept"],
    ["Reject score", 0.4, "Below this a proposal is rejected (absolute evaluation)"],
    ["Accept benefit-cost ratio", 1.5, "DfT 'medium' value for money or better"],
    ["Reject benefit-cost ratio", 1.0, "Below 1 the costs exceed the benefits"],
    ["Places", None, "Comparative with no budget: how many proposals to accept"],
]

_id = Column("proposal_id", ("proposal", "id", "proposal ref"))
PROPOSAL_COLUMNS = [
    _id,
    Column("title", ("proposal title", "name"), False),
    Column("sponsor", ("sponsor role", "sponsor (role)"), False),
    Column("term", ("programme term",), False),
    Column("objectives", ("objectives supported",), False),
    Column("project_type", ("type",)),
    Column("mitigation", ("optimism bias mitigation",), False),
    Column("evidence", ("evidence for benefits",), False),
    Column("evidence_details", (), False),
    Column("risks", (), False),
    Column("stated_total_cost", (), False),
    Column("stated_total_benefit", (), False),
]
AMOUNT_HEADERS = dict(
    zip(
        ("capital", "revenue", "cash_releasing", "wider_social_value"),
        COSTS_HEADER[2:] + BENEFITS_HEADER[2:],
        strict=True,
    )
)
COST_COLUMNS = [_id, Column("year"), Column("capital", (), False), Column("revenue", (), False)]
BENEFIT_COLUMNS = [
    _id,
    Column("year"),
    Column("cash_releasing", (), False),
    Column("wider_social_value", ("social value",), False),
]
CRITERIA_COLUMNS = [
    Column("criterion", ("name",)),
    Column("weight", ("weight %",), False),
    Column("what_it_measures", ("measures", "description"), False),
    Column("must_pass", (), False),
    Column("pass_mark", (), False),
    *(Column(f"score_{s}", (), False) for s in range(SCALE[0], SCALE[1] + 1)),
]
ASSESSMENT_COLUMNS = [
    _id,
    Column("criterion"),
    Column("score"),
    Column("panel_comment", ("comment",), False),
]
BUDGET_COLUMNS = [Column("year"), Column("budget", ())]
SETTINGS_COLUMNS = [Column("setting"), Column("value"), Column("notes", (), False)]
OBJECTIVE_COLUMNS = [Column("objective", ("organisation s objectives", "objectives"))]

#: A starting set of criteria for a care directorate (CPC 506 B1: relevant, fair and clear).
DEFAULT_CRITERIA: list[list[Any]] = [
    [
        "Strategic fit",
        0.25,
        "How clearly the proposal supports the organisation's objectives, strategies and values",
        "No",
        None,
        "No link to any objective",
        "A link is asserted but not explained",
        "Supports one objective, explained",
        "Supports one objective with measures of progress",
        "Supports several objectives with measures of progress",
        "Central to the strategy, with measures agreed with partners",
    ],
    [
        "Outcomes for people",
        0.25,
        "Improvement in outcomes for individuals, families and communities",
        "No",
        None,
        "No outcome for people is described",
        "Outcomes described but not measurable",
        "Measurable outcomes for a small group",
        "Measurable outcomes with a baseline",
        "Measurable outcomes with a baseline and targets",
        "Outcomes co-produced with people who use services, baseline and targets",
    ],
    [
        "Value for money",
        0.20,
        "Costs and benefits, and how realistic they are (Green Book appraisal)",
        "No",
        None,
        "No costs or benefits given",
        "Costs only, or benefits not quantified",
        "Costs and benefits quantified, weak basis",
        "Costs and benefits quantified from local data",
        "As 3, with sensitivity and optimism bias considered",
        "As 4, with benefits evaluated and cash releasing savings agreed with finance",
    ],
    [
        "Deliverability and risk",
        0.20,
        "Plan, capacity, market and risks to people, property and finances",
        "No",
        None,
        "No plan",
        "Plan without named roles or milestones",
        "Plan with milestones; main risks listed",
        "Plan with milestones, owners and mitigations",
        "As 3, with contingency and market testing",
        "As 4, with a tested exit or step-down plan",
    ],
    [
        "Equality and co-production",
        0.10,
        "Effect on people with protected characteristics; involvement of people who use services",
        "No",
        None,
        "Not considered",
        "Considered in general terms",
        "Equality impact assessment started",
        "Equality impact assessment complete",
        "As 3, with people who use services involved in design",
        "As 4, with co-production throughout",
    ],
    [
        "Safeguarding and statutory duties",
        0.0,
        "Care Act 2014 duties, safeguarding adults and data protection are met",
        "Yes",
        3,
        "Would breach a duty",
        "Duties not considered",
        "Duties identified, gaps remain",
        "Safeguarding duties are met in full",
        "Met in full and reviewed by the safeguarding lead",
        "Met in full with independent assurance",
    ],
]


@dataclass
class RoundInputs:
    """What a filled workbook holds, in the rows its tables take."""

    proposals: list[list[Any]] = field(default_factory=list)
    costs: list[list[Any]] = field(default_factory=list)
    benefits: list[list[Any]] = field(default_factory=list)
    criteria: list[list[Any]] = field(default_factory=lambda: [list(r) for r in DEFAULT_CRITERIA])
    assessment: list[list[Any]] = field(default_factory=list)
    budget: list[list[Any]] = field(default_factory=list)
    settings: Mapping[str, Any] = field(default_factory=dict)
    objectives: list[str] = field(default_factory=list)
    pairwise: list[list[Any]] | None = None


# --- building ----------------------------------------------------------------------------


def build(path: str | os.PathLike[str], inputs: RoundInputs | None = None) -> Path:
    """Write the workbook (the empty template, or a filled round for demos and tests)."""
    inputs = inputs or RoundInputs()
    wb = Workbook()
    _guidance(wb)
    _instructions(wb)
    lists = add_lists_sheet(
        wb,
        {
            "Terms": [t.value for t in Term],
            "ProjectTypes": [p.value for p in ProjectType],
            "EvidenceLevels": [e.value for e in Evidence],
            "Evaluations": [e.value for e in Evaluation],
            "Schedules": [s.value for s in Schedule],
            "YesNo": ["Yes", "No"],
        },
    )
    _settings(wb, inputs)
    _criteria(wb, inputs)
    _pairwise(wb, inputs)
    _proposals(wb, inputs)
    _yearly(wb, "Costs", COSTS_HEADER, inputs.costs, "Costs in £ at today's prices")
    _yearly(wb, "Benefits", BENEFITS_HEADER, inputs.benefits, "Benefits in £ at today's prices")
    _assessment(wb, inputs)
    _budget(wb, inputs)
    _discount_factors(wb)
    _optimism_bias_sheet(wb)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _guidance(wb: Workbook) -> None:
    add_instructions(
        wb,
        "Guidance for those submitting a proposal",
        [
            (
                "What a good proposal shows (CPC 506 B2, B4, B5)",
                [
                    "Which of the organisation's objectives it supports, and how: a proposal "
                    "that names none cannot be accepted as it stands.",
                    "Every year's costs and benefits from year 0 (this financial year) to the "
                    "last year of effect, in today's prices (real terms): do not add inflation.",
                    "Costs split into capital and revenue; benefits split into cash-releasing "
                    "savings and wider social value (for example fewer hospital admissions).",
                    "The evidence behind the benefits: evaluated here, a published evaluation "
                    "elsewhere, or expert judgement. Benefits with no evidence are a weakness.",
                    "The project type, which sets the optimism bias added to your costs, and how "
                    "much of it your plans mitigate (0 = none, 1 = fully), with the reasons.",
                    "The main risks and how you will manage them.",
                ],
            ),
            (
                "How your proposal will be judged (CPC 506 B1, B3)",
                [
                    "Against the criteria on the Criteria sheet: each has a weight and a "
                    "description of what each score from 0 to 5 means. Read them before writing.",
                    "Criteria marked 'must pass' must reach their pass mark, whatever the rest "
                    "of the scores.",
                    "By a Green Book appraisal: net present social value (benefits minus costs "
                    "in present values, discounted at 3.5% a year declining after year 30) and "
                    "the benefit-cost ratio.",
                    "For realism: benefits before any spending, a benefit-cost ratio higher "
                    "than the evidence supports, missing years and totals that do not add up "
                    "are all named as weaknesses.",
                ],
            ),
            (
                "What you will hear back (CPC 506 B6, B7)",
                "Accept, Amend or Reject, with each reason written so you can act on it: which "
                "criterion to strengthen and what the next score requires, how much more benefit "
                "(or less cost) the proposal needs, or which figure to correct.",
            ),
        ],
        sheet="Guidance",
    )


def _instructions(wb: Workbook) -> None:
    add_instructions(
        wb,
        TITLE,
        [
            (
                "What this workbook does",
                "It evaluates a round of expenditure proposals (CPC 506 B): a Green Book "
                "appraisal of each, weighted scores against clear criteria, a decision (Accept, "
                "Amend or Reject) with reasons for the submitter, a ranking, and the best set of "
                "proposals the budget can fund in each year.",
            ),
            (
                "What to fill in (the tables; drop-downs show the allowed values)",
                [
                    "Settings: absolute or comparative evaluation, discount schedule, thresholds, "
                    "and the organisation's objectives (proposals name the ones they support).",
                    "Criteria: name, weight (must total 100%; the total shows beside the table), "
                    "what it measures, must pass and pass mark, and a descriptor for each score.",
                    "Pairwise (optional): leave every weight blank and compare the criteria in "
                    "pairs (1 = equal, 3 moderate, 5 strong, 7 very strong, 9 extreme; 1/3 and "
                    "so on below the diagonal) to derive weights by the analytic hierarchy "
                    "process. Judgements with a consistency ratio above 0.10 are refused.",
                    "Proposals: one row per proposal. Costs and Benefits: one row per proposal "
                    "per year, year 0 first, in today's prices.",
                    "Assessment: the panel's score (0-5) for each proposal on each criterion.",
                    "Budget (optional): the money available in each year, from year 0.",
                ],
            ),
            (
                "The button (in the cpcxl add-in; this file carries no macros)",
                "Evaluate proposals: checks every table, then writes the sheets Appraisal, "
                "Scores, Ranking, Portfolio and Feedback. Problems in the input are listed on an "
                "'Input problems' sheet with the sheet, row and column to fix; nothing is "
                "evaluated until they are fixed.",
            ),
            (
                "Worksheet functions",
                "CPC_DISCOUNT_FACTOR(year, schedule), CPC_NPSV(costs, benefits, schedule, "
                "optimism_bias), CPC_BCR(...), CPC_WEIGHTED_SCORE(scores, weights), "
                "CPC_AHP_WEIGHTS(matrix) and CPC_AHP_CONSISTENCY(matrix). The Discount "
                "factors sheet uses plain Excel formulas and works without the add-in.",
            ),
            (
                "Where the defaults come from",
                [
                    "Discount rates: HM Treasury Green Book (2022), annex A6: 3.5% for years "
                    "0-30, 3.0% 31-75, 2.5% 76-125, 2.0% 126-200, 1.5% 201-300, 1.0% after; "
                    "health rate 1.5%, 1.29%, 1.07%, 0.86%, 0.64%, 0.43%. Year 0 is undiscounted.",
                    "Optimism bias: Green Book supplementary guidance (Mott MacDonald, 2002), "
                    "upper bounds for capital expenditure, reduced by the mitigation you give.",
                    "Consistency: Saaty's random index; 0.10 is his limit.",
                    "Value-for-money thresholds (accept at a ratio of 1.5, reject below 1.0) "
                    "follow the Department for Transport's categories: a local policy choice.",
                    "Figures are shown to the nearest pound; ratios to two decimal places.",
                ],
            ),
        ],
    )


def _settings(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Settings")
    rows = [[s, inputs.settings.get(s, v), n] for s, v, n in SETTINGS_ROWS]
    add_table(ws, "Settings", SETTINGS_HEADER, rows, widths={"Setting": 28, "Notes": 60})
    add_list_validation(ws, "B2", "=Evaluations", title="Evaluation")
    add_list_validation(ws, "B3", "=Schedules", title="Discount schedule")
    for r in (4, 5):
        ws.cell(r, 2).number_format = formats.PERCENT
    for r, name in ((2, "Evaluation"), (3, "DiscountSchedule")):
        define_name(wb, name, "Settings", f"B{r}")
    add_table(
        ws,
        "Objectives",
        [OBJECTIVES_HEADER],
        [[o] for o in inputs.objectives],
        column=5,
        widths={OBJECTIVES_HEADER: 50},
        min_rows=10,
    )
    put(ws["F2"], "Proposals should name objectives from this list.").font = styles.NOTE_FONT
    set_print(ws, header=MARKING)


def _criteria(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Criteria")
    last = max(len(inputs.criteria), 10) + 1
    widths = {h: 30 for h in CRITERIA_HEADER if h.startswith("Score")}
    widths |= {"Criterion": 28, "What it measures": 45}
    add_table(
        ws,
        "Criteria",
        CRITERIA_HEADER,
        inputs.criteria,
        formats={"Weight": formats.PERCENT},
        widths=widths,
        min_rows=last - 1,
    )
    add_list_validation(ws, f"D2:D{last}", "=YesNo", title="Must pass")
    add_whole_number_validation(ws, f"E2:E{last}", *SCALE, prompt="Lowest score that passes")
    total = len(CRITERIA_HEADER) + 2
    letter = get_column_letter(total)
    put(ws.cell(1, total), "Total weight").font = styles.SUBTITLE_FONT
    put(ws.cell(2, total), Formula(f"=SUM(B2:B{last})"), formats.PERCENT)
    define_name(wb, "TotalWeight", "Criteria", f"{letter}2")
    ws.conditional_formatting.add(
        f"{letter}2",
        FormulaRule(formula=[f"ABS({letter}2-1)>0.001"], fill=styles.fill(formats.RED)),
    )
    ws.freeze_panes = "B2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _pairwise(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Pairwise")
    put(ws["A1"], "Pairwise comparisons of the criteria (optional)").font = styles.SUBTITLE_FONT
    put(
        ws["A2"],
        "Used only when every weight on the Criteria sheet is blank. Row against column: "
        "how much more important the row's criterion is (1 to 9, or 1/3 and so on).",
    )
    names = [r[0] for r in inputs.criteria if r and not is_blank(r[0])]
    put(ws.cell(4, 1), "Criterion")
    for i, name in enumerate(names):
        put(ws.cell(4, 2 + i), name)
        put(ws.cell(5 + i, 1), name)
        for j in range(len(names)):
            value = inputs.pairwise[i][j] if inputs.pairwise else (1 if i == j else None)
            put(ws.cell(5 + i, 2 + j), value)
    ws.column_dimensions["A"].width = 32
    for j in range(len(names)):
        ws.column_dimensions[get_column_letter(2 + j)].width = 14
    set_print(ws, landscape=True, header=MARKING)


def _proposals(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Proposals")
    last = max(len(inputs.proposals), 20) + 1
    add_table(
        ws,
        "Proposals",
        PROPOSALS_HEADER,
        inputs.proposals,
        formats={
            "Optimism bias mitigation": formats.PERCENT,
            "Stated total cost £": formats.GBP,
            "Stated total benefit £": formats.GBP,
        },
        widths={"Title": 40, "Objectives supported": 40, "Evidence details": 40, "Risks": 40},
        min_rows=last - 1,
    )
    add_list_validation(ws, f"D2:D{last}", "=Terms", title="Term")
    add_list_validation(ws, f"F2:F{last}", "=ProjectTypes", title="Project type")
    add_list_validation(ws, f"H2:H{last}", "=EvidenceLevels", title="Evidence for benefits")
    ws.freeze_panes = "B2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _yearly(wb: Workbook, name: str, header: list[str], rows: list[list[Any]], note: str) -> None:
    ws = wb.create_sheet(name)
    last = max(len(rows), 50) + 1
    add_table(
        ws,
        name,
        header,
        rows,
        formats={h: formats.GBP for h in header[2:]},
        widths={h: 20 for h in header},
        min_rows=last - 1,
    )
    add_whole_number_validation(ws, f"B2:B{last}", 0, 300, prompt="Year 0 is this year")
    put(ws.cell(1, 6), note).font = styles.NOTE_FONT
    ws.freeze_panes = "A2"
    set_print(ws, header=MARKING, repeat_rows="1:1")


def _assessment(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Assessment")
    last = max(len(inputs.assessment), 60) + 1
    add_table(
        ws,
        "Assessment",
        ASSESSMENT_HEADER,
        inputs.assessment,
        widths={"Criterion": 32, "Panel comment": 60},
        min_rows=last - 1,
    )
    add_list_validation(ws, f"B2:B{last}", "=Criteria!$A$2:$A$40", title="Criterion")
    add_whole_number_validation(ws, f"C2:C{last}", *SCALE, prompt="0 to 5: see the Criteria")
    ws.conditional_formatting.add(
        f"C2:C{last}",
        CellIsRule(operator="lessThan", formula=["2"], fill=styles.fill(formats.AMBER)),
    )
    ws.freeze_panes = "A2"
    set_print(ws, header=MARKING, repeat_rows="1:1")


def _budget(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet("Budget")
    add_table(
        ws, "Budget", BUDGET_HEADER, inputs.budget, formats={"Budget £": formats.GBP}, min_rows=3
    )
    add_whole_number_validation(ws, "A2:A10", 0, 300, prompt="Year 0 is this year")
    put(
        ws["D1"], "Leave empty for no portfolio; costs are compared as submitted."
    ).font = styles.NOTE_FONT
    set_print(ws, header=MARKING)


DISCOUNT_YEARS = 100


def _discount_factors(wb: Workbook) -> None:
    """Native formulas, so the factors show with no add-in loaded."""
    ws = wb.create_sheet("Discount factors")
    header = ["Year", "Standard rate", "Standard factor", "Health rate", "Health factor"]
    write_rows(ws, [header])
    for c in range(1, len(header) + 1):
        ws.cell(1, c).font = styles.HEADER_FONT
        ws.cell(1, c).fill = styles.HEADER_FILL
    bands = {s: engine.RATE_BANDS[s] for s in Schedule}

    def rate_formula(row: int, schedule: Schedule) -> Formula:
        text = f"{bands[schedule][-1][1]}"
        for end, rate in reversed(bands[schedule][:-1]):
            text = f"IF(A{row}<={end},{rate},{text})"
        return Formula("=" + text)

    put(ws.cell(2, 1), 0)
    put(ws.cell(2, 3), 1, "0.0000")
    put(ws.cell(2, 5), 1, "0.0000")
    for year in range(1, DISCOUNT_YEARS + 1):
        r = year + 2
        put(ws.cell(r, 1), Formula(f"=A{r - 1}+1"))
        put(ws.cell(r, 2), rate_formula(r, Schedule.STANDARD), formats.PERCENT_1DP)
        put(ws.cell(r, 3), Formula(f"=C{r - 1}/(1+B{r})"), "0.0000")
        put(ws.cell(r, 4), rate_formula(r, Schedule.HEALTH), "0.00%")
        put(ws.cell(r, 5), Formula(f"=E{r - 1}/(1+D{r})"), "0.0000")
    last = DISCOUNT_YEARS + 2
    define_name(wb, "StandardDiscountFactors", "Discount factors", f"C2:C{last}")
    define_name(wb, "HealthDiscountFactors", "Discount factors", f"E2:E{last}")
    for c in "ABCDE":
        ws.column_dimensions[c].width = 16
    ws.freeze_panes = "A2"
    set_print(ws, header=MARKING, repeat_rows="1:1")


def _optimism_bias_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Optimism bias")
    header = [
        "Project type",
        "Capital upper bound",
        "Capital lower bound",
        "Works duration upper bound",
        "Works duration lower bound",
    ]
    rows = [
        [p.value, b.capital_upper, b.capital_lower, b.works_duration_upper, b.works_duration_lower]
        for p, b in engine.OPTIMISM_BIAS.items()
    ]
    add_table(
        ws,
        "OptimismBias",
        header,
        rows,
        formats={h: formats.PERCENT for h in header[1:]},
        widths={"Project type": 32},
    )
    put(
        ws["A9"],
        "Source: HM Treasury Green Book supplementary guidance on optimism bias (Mott "
        "MacDonald, 2002). The upper bound is added to costs, reduced by the mitigation given "
        "on the Proposals sheet (adjusted = upper bound × (1 − mitigation)).",
    ).font = styles.NOTE_FONT
    set_print(ws, landscape=True)


# --- reading -----------------------------------------------------------------------------


@dataclass
class Round:
    proposals: list[Proposal]
    criteria: CriteriaSet
    scores: dict[tuple[str, str], float]
    rules: DecisionRules
    schedule: Schedule
    budgets: list[float] | None


def _frame(
    sheets: Mapping[str, list[list[Any]]], name: str, columns: list[Column], file: str | None
) -> pd.DataFrame:
    where = Location(file=file, sheet=name)
    if name not in sheets:
        raise InputError(f"the workbook has no {name!r} sheet", location=Location(file=file))
    try:
        return frame_from_values(sheets[name], columns, location=where)
    except InputError as exc:
        raise exc.at(file=file, sheet=name) from None


def _number(
    value: Any, errors: InputErrors, where: Location, what: str = "an amount in £"
) -> float | None:
    if is_blank(value):
        return None
    try:
        return to_number(value, what=what, location=where)
    except InputError as exc:
        errors.add(exc)
        return None


def _choice(value: Any, where: Location, enum: type, errors: InputErrors, default: Any) -> Any:
    if is_blank(value):
        return default
    text = to_text(value).lower()
    for option in enum:
        if option.value.lower() == text:
            return option
    errors.add(
        InputError(
            f"{to_text(value)!r} is not in the list",
            location=where,
            valid=", ".join(o.value for o in enum),
        )
    )
    return default


def read_round(sheets: Mapping[str, list[list[Any]]], *, file: str | None = None) -> Round:
    """A round from a filled workbook's sheet values; every problem found is reported at once."""
    errors = InputErrors()
    rules, schedule = _read_settings(sheets, file, errors)
    criteria = _read_criteria(sheets, file, errors)
    proposals = _read_proposals(sheets, file, errors)
    scores = _read_scores(sheets, file, errors)
    budgets = _read_budget(sheets, file, errors)
    errors.raise_if_any()
    assert criteria is not None
    return Round(proposals, criteria, scores, rules, schedule, budgets)


def _guard(errors: InputErrors, where: Location, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        errors.add(exc.at(**{k: getattr(where, k) for k in ("file", "sheet", "row", "field")}))
    except InputErrors as many:
        errors.extend(e.at(file=where.file, sheet=where.sheet) for e in many)
    return None


def _read_settings(
    sheets: Mapping[str, list[list[Any]]], file: str | None, errors: InputErrors
) -> tuple[DecisionRules, Schedule]:
    values: dict[str, tuple[Any, Location]] = {}
    try:
        frame = _frame(sheets, "Settings", SETTINGS_COLUMNS, file)
    except InputError as exc:
        errors.add(exc)
        return DecisionRules(), Schedule.STANDARD
    for row in frame.to_dict("records"):
        where = Location(file=file, sheet="Settings", row=row[ROW], field="Value")
        values[to_text(row["setting"]).lower()] = (row["value"], where)

    def get(name: str) -> tuple[Any, Location]:
        return values.get(name.lower(), (None, Location(file=file, sheet="Settings")))

    evaluation = _choice(*get("Evaluation"), Evaluation, errors, Evaluation.ABSOLUTE)
    schedule = _choice(*get("Discount schedule"), Schedule, errors, Schedule.STANDARD)
    numbers: dict[str, Any] = {}
    for key, setting in (
        ("accept_score", "Accept score"),
        ("reject_score", "Reject score"),
        ("accept_bcr", "Accept benefit-cost ratio"),
        ("reject_bcr", "Reject benefit-cost ratio"),
        ("places", "Places"),
    ):
        value, where = get(setting)
        number = _number(value, errors, where, what="a number")
        if number is not None:
            numbers[key] = int(number) if key == "places" else number
    try:
        objectives = tuple(
            to_text(v) for v in _frame(sheets, "Settings", OBJECTIVE_COLUMNS, file)["objective"]
        )
    except InputError:
        objectives = ()  # the list is optional
    rules = _guard(
        errors,
        Location(file=file, sheet="Settings"),
        build_model,
        DecisionRules,
        evaluation=evaluation,
        objectives=objectives,
        **numbers,
    )
    return rules or DecisionRules(), schedule


def _read_criteria(
    sheets: Mapping[str, list[list[Any]]], file: str | None, errors: InputErrors
) -> CriteriaSet | None:
    try:
        frame = _frame(sheets, "Criteria", CRITERIA_COLUMNS, file)
    except InputError as exc:
        errors.add(exc)
        return None
    found: list[Criterion] = []
    weights: list[float | None] = []
    bad = len(errors)
    for row in frame.to_dict("records"):
        where = Location(file=file, sheet="Criteria", row=row[ROW])
        name = to_text(row["criterion"])
        if not name:
            errors.add(
                InputError("the criterion has no name", location=where.with_(field="Criterion"))
            )
            continue
        weight = _number(row.get("weight"), errors, where.with_(field="Weight"), what="a weight")
        must = to_text(row.get("must_pass")).lower() in ("yes", "y", "true", "1")
        mark = _number(row.get("pass_mark"), errors, where.with_(field="Pass mark"), "a score")
        descriptors = {
            s: to_text(row.get(f"score_{s}"))
            for s in range(SCALE[0], SCALE[1] + 1)
            if not is_blank(row.get(f"score_{s}"))
        }
        weights.append(weight)
        item = _guard(
            errors,
            where,
            build_model,
            Criterion,
            name=name,
            weight=0.0,
            measures=to_text(row.get("what_it_measures")),
            descriptors=descriptors,
            must_pass=must,
            pass_mark=mark,
        )
        if item is not None:
            found.append(item)
    if len(errors) > bad or not found:
        if not found and len(errors) == bad:
            errors.add(
                InputError("there are no criteria", location=Location(file=file, sheet="Criteria"))
            )
        return None
    where = Location(file=file, sheet="Criteria", field="Weight")
    scale = {"scale_min": SCALE[0], "scale_max": SCALE[1]}
    if all(w is None for w in weights):
        try:
            matrix = _read_pairwise(sheets, [c.name for c in found], file)
        except InputError as exc:
            errors.add(exc)
            return None
        return _guard(
            errors,
            Location(file=file, sheet="Pairwise"),
            engine.criteria_from_ahp,
            found,
            matrix,
            **scale,
        )
    if any(w is None for w in weights):
        missing = [c.name for c, w in zip(found, weights, strict=True) if w is None]
        errors.add(
            InputError(
                f"no weight for {', '.join(missing)}",
                location=where,
                valid="a weight for every criterion, or none (to use the Pairwise sheet)",
            )
        )
        return None
    given = [float(w) for w in weights if w is not None]
    if sum(given) > 1.5:  # typed as 25 meaning 25%
        given = [w / 100 for w in given]
    updated = tuple(c.model_copy(update={"weight": w}) for c, w in zip(found, given, strict=True))
    return _guard(errors, where, build_model, CriteriaSet, criteria=updated, **scale)


def _read_pairwise(
    sheets: Mapping[str, list[list[Any]]], names: Sequence[str], file: str | None
) -> list[list[float]]:
    from .excel import judgement

    rows = sheets.get("Pairwise")
    where = Location(file=file, sheet="Pairwise")
    if not rows:
        raise InputError(
            "every weight is blank and there is no Pairwise sheet",
            location=where,
            valid="weights on the Criteria sheet, or pairwise comparisons",
        )
    wanted = [n.strip().lower() for n in names]
    # The header row is the one naming every criterion; columns are matched by name, so
    # the comparisons may be laid out in any order.
    header = next(
        (i for i, r in enumerate(rows) if set(wanted) <= {to_text(v).lower() for v in r[1:]}),
        None,
    )
    if header is None:
        raise InputError(
            "the Pairwise sheet has no header row naming every criterion",
            location=where,
            valid=f"a row naming {', '.join(names)} across the top, and the same down column A",
        )
    columns = {to_text(v).lower(): c for c, v in enumerate(rows[header]) if c > 0}
    labels = {to_text(r[0]).lower(): i for i, r in enumerate(rows) if r and i > header}
    matrix = []
    for name, key in zip(names, wanted, strict=True):
        if key not in labels:
            raise InputError(
                f"criterion {name!r} has no row on the Pairwise sheet",
                location=where,
                valid="one row per criterion, labelled in column A",
            )
        r = labels[key]
        judged = []
        for other, other_key in zip(names, wanted, strict=True):
            c = columns[other_key]
            value = rows[r][c] if c < len(rows[r]) else None
            try:
                judged.append(judgement(value, f"{name!r} against {other!r}"))
            except InputError as exc:
                cell = f"{get_column_letter(c + 1)}{r + 1}"
                raise InputError(
                    exc.message, location=where.with_(cell=cell), valid=exc.valid
                ) from None
        matrix.append(judged)
    return matrix


def _read_proposals(
    sheets: Mapping[str, list[list[Any]]], file: str | None, errors: InputErrors
) -> list[Proposal]:
    try:
        frame = _frame(sheets, "Proposals", PROPOSAL_COLUMNS, file)
        costs = _frame(sheets, "Costs", COST_COLUMNS, file)
        benefits = _frame(sheets, "Benefits", BENEFIT_COLUMNS, file)
    except InputError as exc:
        errors.add(exc)
        return []
    lines: dict[str, dict[str, dict[int, float]]] = {}
    known = {to_text(v) for v in frame["proposal_id"] if not is_blank(v)}
    for sheet, table, fields in (
        ("Costs", costs, ("capital", "revenue")),
        ("Benefits", benefits, ("cash_releasing", "wider_social_value")),
    ):
        for row in table.to_dict("records"):
            where = Location(file=file, sheet=sheet, row=row[ROW])
            pid = to_text(row["proposal_id"])
            if pid not in known:
                errors.add(
                    InputError(
                        f"proposal ID {pid!r} is not on the Proposals sheet"
                        if pid
                        else "the proposal ID is blank",
                        location=where.with_(field="Proposal ID"),
                        valid="an ID from the Proposals sheet",
                    )
                )
                continue
            year = _number(row["year"], errors, where.with_(field="Year"), "a year (0, 1, 2, ...)")
            if year is None:
                if is_blank(row["year"]):
                    errors.add(
                        InputError(
                            "the year is blank",
                            location=where.with_(field="Year"),
                            valid="0, 1, 2, ... (year 0 is this year)",
                        )
                    )
                continue
            if not year.is_integer() or year < 0:
                errors.add(
                    InputError(
                        f"year {year:g} is not a whole year from year 0",
                        location=where.with_(field="Year"),
                        valid="0, 1, 2, ...",
                    )
                )
                continue
            for name in fields:
                amount = _number(row.get(name), errors, where.with_(field=AMOUNT_HEADERS[name]))
                line = lines.setdefault(pid, {}).setdefault(name, {})
                if int(year) in line:
                    errors.add(
                        InputError(
                            f"year {int(year)} is given twice for {pid}",
                            location=where.with_(field="Year"),
                            valid="one row per proposal per year",
                        )
                    )
                    break
                line[int(year)] = amount or 0.0
    found = []
    first_row: dict[str, int] = {}
    for row in frame.to_dict("records"):
        where = Location(file=file, sheet="Proposals", row=row[ROW])
        pid = to_text(row["proposal_id"])
        if not pid:
            errors.add(
                InputError("the proposal ID is blank", location=where.with_(field="Proposal ID"))
            )
            continue
        if pid in first_row:
            errors.add(
                InputError(
                    f"proposal ID {pid} is also used on row {first_row[pid]}",
                    location=where.with_(field="Proposal ID"),
                    valid="a different ID for each proposal",
                )
            )
            continue
        first_row[pid] = row[ROW]
        pline = lines.get(pid, {})
        years = [y for line in pline.values() for y in line]
        last = max(years) if years else -1
        missing: set[int] = set()
        for sheet_fields in (("capital", "revenue"), ("cash_releasing", "wider_social_value")):
            listed = sorted(set().union(*(pline.get(f, {}).keys() for f in sheet_fields)))
            if listed:
                missing |= set(range(listed[0], listed[-1] + 1)) - set(listed)

        project_type = row.get("project_type")
        kind = _guard(
            errors,
            where.with_(field="Project type"),
            engine.project_type_of,
            "" if is_blank(project_type) else project_type,
        )
        mitigation = _number(
            row.get("mitigation"),
            errors,
            where.with_(field="Optimism bias mitigation"),
            "a fraction from 0 to 1",
        )
        if mitigation is not None and not 0 <= mitigation <= 1:
            errors.add(
                InputError(
                    f"mitigation {mitigation:g} is outside 0% to 100%",
                    location=where.with_(field="Optimism bias mitigation"),
                    valid="0% (none of the optimism bias mitigated) to 100% (all of it)",
                )
            )
            continue
        objectives = tuple(
            o.strip()
            for o in to_text(row.get("objectives")).replace("\n", ";").split(";")
            if o.strip()
        )
        if kind is None:
            continue
        item = _guard(
            errors,
            where,
            build_model,
            Proposal,
            id=pid,
            title=to_text(row.get("title")),
            sponsor=to_text(row.get("sponsor")),
            term=_choice(row.get("term"), where.with_(field="Term"), Term, errors, Term.MEDIUM),
            objectives=objectives,
            project_type=kind,
            mitigation=mitigation or 0.0,
            evidence=_choice(
                row.get("evidence"),
                where.with_(field="Evidence for benefits"),
                Evidence,
                errors,
                Evidence.NONE,
            ),
            risks=to_text(row.get("risks")),
            capital=_series(pline, "capital", last),
            revenue=_series(pline, "revenue", last),
            cash_releasing=_series(pline, "cash_releasing", last),
            social_value=_series(pline, "wider_social_value", last),
            stated_total_cost=_number(
                row.get("stated_total_cost"), errors, where.with_(field="Stated total cost £")
            ),
            stated_total_benefit=_number(
                row.get("stated_total_benefit"), errors, where.with_(field="Stated total benefit £")
            ),
            missing_years=tuple(sorted(missing)),
        )
        if item is not None:
            found.append(item)
    if not found and not errors:
        errors.add(
            InputError(
                "there are no proposals",
                location=Location(file=file, sheet="Proposals"),
                valid="one row per proposal",
            )
        )
    return found


def _series(lines: Mapping[str, Mapping[int, float]], name: str, last: int) -> tuple[float, ...]:
    """One cost or benefit line for years 0..last; a year with no row is 0."""
    line = lines.get(name, {})
    return tuple(line.get(y, 0.0) for y in range(last + 1))


def _read_scores(
    sheets: Mapping[str, list[list[Any]]], file: str | None, errors: InputErrors
) -> dict[tuple[str, str], float]:
    try:
        frame = _frame(sheets, "Assessment", ASSESSMENT_COLUMNS, file)
    except InputError as exc:
        errors.add(exc)
        return {}
    scores: dict[tuple[str, str], float] = {}
    for row in frame.to_dict("records"):
        where = Location(file=file, sheet="Assessment", row=row[ROW])
        key = (to_text(row["proposal_id"]), to_text(row["criterion"]))
        value = _number(row["score"], errors, where.with_(field="Score"), "a score from 0 to 5")
        if value is None:
            if is_blank(row["score"]):
                errors.add(
                    InputError(
                        "the score is blank", location=where.with_(field="Score"), valid="0 to 5"
                    )
                )
            continue
        if not SCALE[0] <= value <= SCALE[1]:
            errors.add(
                InputError(
                    f"score {value:g} is outside the scale",
                    location=where.with_(field="Score"),
                    valid="0 to 5",
                )
            )
            continue
        if key in scores:
            errors.add(InputError(f"{key[0]} is scored twice on {key[1]!r}", location=where))
        scores[key] = value
    return scores


def _read_budget(
    sheets: Mapping[str, list[list[Any]]], file: str | None, errors: InputErrors
) -> list[float] | None:
    if "Budget" not in sheets:
        return None
    try:
        frame = _frame(sheets, "Budget", BUDGET_COLUMNS, file)
    except InputError as exc:
        errors.add(exc)
        return None
    by_year: dict[int, float] = {}
    for row in frame.to_dict("records"):
        where = Location(file=file, sheet="Budget", row=row[ROW])
        year = _number(row["year"], errors, where.with_(field="Year"), "a year")
        amount = _number(row["budget"], errors, where.with_(field="Budget £"))
        if year is None or amount is None:
            continue
        by_year[int(year)] = amount
    if not by_year:
        return None
    return [by_year.get(y, 0.0) for y in range(max(by_year) + 1)]


def evaluate(
    sheets: Mapping[str, list[list[Any]]], *, file: str | None = None
) -> engine.RoundResult:
    """Read and evaluate a round; errors in the evaluation are placed on the sheet they concern."""
    inputs = read_round(sheets, file=file)
    try:
        return engine.evaluate_round(
            inputs.proposals,
            inputs.criteria,
            inputs.scores,
            rules=inputs.rules,
            budgets=inputs.budgets,
            schedule=inputs.schedule,
        )
    except InputErrors as many:
        raise InputErrors([e.at(file=file, sheet="Assessment") for e in many]) from None


# --- results -----------------------------------------------------------------------------

DECISION_FILL = {"Accept": formats.GREEN, "Amend": formats.AMBER, "Reject": formats.RED}


def _blank_nan(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def outputs(result: engine.RoundResult) -> list[SheetOutput]:
    """The five result sheets the button and the CLI both write."""
    by_id = {f.id: f for f in result.feedback}
    schedule = (
        "standard (3.5% declining)"
        if result.schedule == Schedule.STANDARD
        else ("health (1.5% declining)")
    )
    a = result.appraisal
    appraisal_rows = [
        [
            "Proposal ID",
            "Title",
            "Optimism bias",
            "PV costs before optimism bias £",
            "PV costs £",
            "PV benefits £",
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
                round(row["pv_costs_before_ob"]),
                round(row["pv_costs"]),
                round(row["pv_benefits"]),
                round(row["npsv"]),
                _blank_nan(round(row["bcr"], 2)),
                _blank_nan(row["irr"]),
                _blank_nan(row["payback_year"]),
                _blank_nan(row["benefit_switching"]),
                _blank_nan(row["cost_switching"]),
                "; ".join(w.name for w in f.weaknesses),
            ]
        )
    money = {i: formats.GBP for i in (3, 4, 5, 6)}
    pct = {2: formats.PERCENT, 8: formats.PERCENT_1DP, 10: formats.PERCENT, 11: formats.PERCENT}
    appraisal = SheetOutput(
        "Appraisal",
        stack(
            Block(
                appraisal_rows,
                title=f"Green Book appraisal in real terms; discount schedule {schedule}",
                formats={**money, **pct, 7: formats.DECIMAL_2},
            )
        ),
        widths={"A": 14, "B": 40, "M": 60},
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
    scores = SheetOutput(
        "Scores",
        stack(
            Block(
                weights_rows,
                title=f"Criteria (weights {criteria.weights_from})",
                formats={1: formats.PERCENT_1DP},
            ),
            Block(
                score_rows,
                title=f"Scores ({criteria.scale_min:g} to {criteria.scale_max:g})",
                formats={2 + k: formats.DECIMAL_2, 3 + k: formats.PERCENT},
            ),
        ),
        widths={"A": 30, "B": 40},
    )

    r = result.ranking
    ranking_rows = [
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
    return [appraisal, scores, ranking, portfolio, feedback]


def add_charts(wb: Workbook, result: engine.RoundResult) -> None:
    """Charts on the result sheets (file outputs; the button writes the same figures)."""
    n = len(result.feedback)
    ws = wb["Appraisal"]
    chart = BarChart()
    chart.title = "Net present social value by proposal"
    chart.y_axis.title = "£"
    chart.add_data(Reference(ws, min_col=7, min_row=2, max_row=2 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + n))
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, f"B{n + 6}")

    ws = wb["Ranking"]
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Weighted score (share of the scale)"
    chart.add_data(Reference(ws, min_col=3, min_row=2, max_row=2 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=2 + n))
    chart.width, chart.height = 20, 10
    ws.add_chart(chart, "K2")  # the button draws the same chart from B2:C(n+2)

    if result.portfolio is not None:
        ws = wb["Portfolio"]
        years = len(result.portfolio.budgets)
        chart = BarChart()
        chart.title = "Budget and chosen spend by year"
        chart.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=2, max_row=2 + years),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + years))
        chart.width, chart.height = 16, 8
        ws.add_chart(chart, "F2")


def write_results(
    source: str | os.PathLike[str], target: str | os.PathLike[str]
) -> engine.RoundResult:
    """Evaluate the round in ``source`` and write a copy with the result sheets to ``target``."""
    from openpyxl import load_workbook

    from cpcxl.common.workbook import read_sheets

    source = Path(source)
    result = evaluate(read_sheets(source), file=source.name)
    wb = load_workbook(source)
    for output in outputs(result):
        render(wb, output)
    add_charts(wb, result)
    for name in ("Appraisal", "Scores", "Ranking", "Portfolio", "Feedback"):
        set_print(wb[name], landscape=True, header=MARKING)
    save_workbook(wb, target)
    return result
