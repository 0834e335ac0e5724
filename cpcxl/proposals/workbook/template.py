"""The expenditure proposals workbook as a file: the template (built from the table
declarations in ``inputs.py``), reading a filled round's cells, and writing the results.

openpyxl and calamine only. The button reads the same tables through xlwings
(:func:`cpcxl.xl.book.read_book_tables`) and hands them to the same
:func:`~cpcxl.proposals.inputs.read_round`, so both paths read a round identically.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule

from cpcxl.common import formats, styles
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import TableSpec, column_letter
from cpcxl.common.report import LINE_HEIGHT, lines_needed
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_settings_table,
    add_table,
    add_xlwings_conf,
    define_name,
    put,
    save_workbook,
    set_print,
    style_header,
    write_rows,
)
from cpcxl.plugins import WorkbookTemplate

from .. import engine
from ..inputs import (
    AMENDMENTS,
    ASSESSMENT,
    BENEFITS,
    BUDGET_TABLE,
    CONFLICTS,
    COSTS,
    CRITERIA,
    DEFLATOR_SOURCE,
    DEFLATORS,
    MODERATION,
    OBJECTIVES,
    PAIRWISE_ROW,
    PAIRWISE_SHEET,
    PANEL,
    PROPOSALS,
    SETTINGS,
    RoundInputs,
)
from ..models import (
    EVALUATIONS,
    EVIDENCE,
    MODERATION_METHODS,
    PRICES,
    PROJECT_TYPES,
    SCHEDULES,
    TERMS,
    Schedule,
)

FILENAME = "expenditure_proposals.xlsx"
TITLE = "Expenditure proposals: evaluation round"
MARKING = "OFFICIAL-SENSITIVE"

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
            **{
                str(c.list_name): c.labels
                for c in (
                    TERMS,
                    PROJECT_TYPES,
                    EVIDENCE,
                    EVALUATIONS,
                    SCHEDULES,
                    PRICES,
                    MODERATION_METHODS,
                )
            },
            "YesNo": ["Yes", "No"],
        },
    )
    _settings(wb, inputs)
    _criteria(wb, inputs)
    _pairwise(wb, inputs)
    _proposals(wb, inputs)
    _yearly(wb, COSTS, inputs.costs, "Costs in £ at today's prices")
    _yearly(wb, BENEFITS, inputs.benefits, "Benefits in £ at today's prices")
    _assessment(wb, inputs)
    _panel(wb, inputs)
    _table_sheet(
        wb,
        CONFLICTS,
        inputs.conflicts,
        "A member who declares an interest in a proposal does not score it: their scores are "
        "left out of it, and the Panel scores sheet says so (CPC 506 K3).",
    )
    _table_sheet(
        wb,
        MODERATION,
        inputs.moderation,
        "The chair's moderated score where the panel agrees one (blank: the median of the "
        "members'). A score outside the members' range needs a reason.",
        min_rows=30,
    )
    _table_sheet(
        wb,
        AMENDMENTS,
        inputs.amendments,
        "The negotiation (CPC 506 B8): what was asked of a submitter, and the ID the "
        "resubmitted figures are under on the Proposals, Costs, Benefits and scores sheets.",
    )
    _budget(wb, inputs)
    _deflators(wb, inputs)
    _discount_factors(wb)
    _optimism_bias_sheet(wb)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


TEMPLATE = WorkbookTemplate("expenditure_proposals", FILENAME, TITLE, build)


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
                    "last year of effect, in one price basis: real (one year's prices, named) "
                    "or nominal (cash), never both in one proposal.",
                    "Costs split into capital and revenue; benefits split into cash-releasing "
                    "savings, wider social value (for example fewer hospital admissions) and "
                    "health benefits (health and life values in £, discounted at the lower "
                    "health rate).",
                    "The evidence behind the benefits: evaluated here, a published evaluation "
                    "elsewhere, or expert judgement. Benefits with no evidence are a weakness.",
                    "The project type, which sets the optimism bias added to your capital costs "
                    "(revenue costs take 41%, the guidance's figure for operating costs), and "
                    "how far your plans mitigate it (0% = none, at the upper bound; 100% = "
                    "fully, at the lower bound), with the reasons.",
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
                    "Assessment: one scorer's score (0-5) for each proposal on each criterion. "
                    "Or Panel: each member's score and comment; Conflicts: members' declared "
                    "interests (they do not score those proposals); Moderation: the chair's "
                    "moderated scores (blank: the median of the members').",
                    "Amendments: what was asked of a submitter, and the ID the resubmitted "
                    "figures are under (a proposal of its own).",
                    "Deflators: the Treasury's GDP deflators (shipped: March 2026 release), "
                    "used for nominal figures and the cash view; update from each release.",
                    "Budget (optional): the money available in each year, from year 0.",
                    "Weights, mitigation and the accept and reject scores are percentages: type "
                    "24% (Excel keeps it as 0.24). A plain 24 would be 2,400%, so it is refused.",
                ],
            ),
            (
                "The button (in the cpcxl add-in; this file carries no macros)",
                "Evaluate proposals: checks every table, then writes the sheets Appraisal, "
                "Scores, Ranking, Portfolio, Feedback, Panel scores (with a panel), "
                "Sensitivity, Value for money, Affordability and Negotiation (with "
                "amendments). Problems in the input are listed on an "
                "'Input problems' sheet with the sheet, row and column to fix; nothing is "
                "evaluated until they are fixed.",
            ),
            (
                "Worksheet functions",
                "CPC_DISCOUNT_FACTOR(year, schedule), CPC_NPSV(costs, benefits, schedule, "
                "optimism_bias), CPC_BCR(...), CPC_IRR(costs, benefits), "
                "CPC_WEIGHTED_SCORE(scores, weights, scale_max), "
                "CPC_AHP_WEIGHTS(matrix), CPC_AHP_CONSISTENCY(matrix) and "
                "CPC_WEIGHT_SENSITIVITY(scores, weights). The Discount "
                "factors sheet uses plain Excel formulas and works without the add-in.",
            ),
            (
                "Where the defaults come from",
                [
                    "Discount rates: HM Treasury Green Book (2022), annex A6: 3.5% for years "
                    "0-30, 3.0% 31-75, 2.5% 76-125, 2.0% 126-200, 1.5% 201-300, 1.0% after; "
                    "health rate (for health and life values only; costs stay at the standard "
                    "rate) 1.5%, 1.29%, 1.07%, 0.86%, 0.64%, 0.43%, the Green Book's printed, "
                    "rounded figures. Year 0 is undiscounted.",
                    "Optimism bias: HM Treasury supplementary Green Book guidance (2003; Mott "
                    "MacDonald 2002, table 2): the capital-expenditure bounds on capital costs "
                    "and the operating bound (41% to 0%) on revenue costs, moved from the upper "
                    "bound towards the lower by the mitigation you give.",
                    "Consistency: Saaty's random index and his limit of 0.10 (Saaty 1980).",
                    "Accept and reject scores (60%, 40%): local choices to set. Benefit-cost "
                    "ratio thresholds (accept at 1.5, reject below 1.0) borrow the Department "
                    "for Transport's value-for-money categories (2015): local choices too.",
                    "The highest ratio believable for each kind of evidence (6 evaluated here, "
                    "4 published elsewhere, 2 expert judgement): cpcxl's own local choices.",
                    "Figures are shown to the nearest pound; ratios to two decimal places.",
                ],
            ),
        ],
    )


def _letter(spec: TableSpec, field: str, first: int = 1) -> str:
    """The column letter of a spec's field in a table whose first column is ``first``."""
    return column_letter(first + [c.field for c in spec.columns].index(field))


def _settings(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(SETTINGS.sheet)
    add_settings_table(ws, SETTINGS, {s.field: inputs.setting(s.field) for s in SETTINGS.settings})
    fields = [s.field for s in SETTINGS.settings]
    for name, field in (("Evaluation", "evaluation"), ("DiscountSchedule", "schedule")):
        define_name(wb, name, SETTINGS.sheet, f"B{2 + fields.index(field)}")
    add_input_table(ws, OBJECTIVES, [[o] for o in inputs.objectives], column=5, min_rows=10)
    put(ws["F2"], "Proposals should name objectives from this list.").font = styles.NOTE_FONT
    set_print(ws, header=MARKING)


def _criteria(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(CRITERIA.sheet)
    rows = max(len(inputs.criteria), 10)
    add_input_table(ws, CRITERIA, inputs.criteria, min_rows=rows)
    last = rows + 1
    weight = _letter(CRITERIA, "weight")
    total = len(CRITERIA.columns) + 2
    letter = column_letter(total)
    put(ws.cell(1, total), "Total weight").font = styles.SUBTITLE_FONT
    put(ws.cell(2, total), Formula(f"=SUM({weight}2:{weight}{last})"), formats.PERCENT)
    define_name(wb, "TotalWeight", CRITERIA.sheet, f"{letter}2")
    # The Assessment sheet's drop-down of criteria: room for 39 of them.
    name = _letter(CRITERIA, "criterion")
    define_name(wb, "CriterionNames", CRITERIA.sheet, f"{name}2:{name}40")
    ws.conditional_formatting.add(
        f"{letter}2",
        FormulaRule(formula=[f"ABS({letter}2-1)>0.001"], fill=styles.fill(formats.RED)),
    )
    ws.freeze_panes = "B2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


#: A pairwise column's width: the longest word of a criterion's name in bold fits in it.
PAIRWISE_WIDTH = 16


def _pairwise(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(PAIRWISE_SHEET)
    put(ws["A1"], "Pairwise comparisons of the criteria (optional)").font = styles.SUBTITLE_FONT
    put(
        ws["A2"],
        "Used only when every weight on the Criteria sheet is blank. Row against column: "
        "how much more important the row's criterion is (1 to 9, or 1/3 and so on).",
    )
    rows = inputs.pairwise_rows()
    write_rows(ws, rows, row=PAIRWISE_ROW)
    # The criteria across the top wrap in their columns (a name cut off at the next column's
    # edge is not one an evaluator can read), the row tall enough for the bold text.
    style_header(ws, PAIRWISE_ROW, 1, len(rows))
    ws.column_dimensions["A"].width = 32
    names = rows[0][1:]
    for j in range(1, len(rows)):
        ws.column_dimensions[column_letter(1 + j)].width = PAIRWISE_WIDTH
    lines = max((lines_needed(str(n), PAIRWISE_WIDTH, per_width=0.9) for n in names), default=1)
    ws.row_dimensions[PAIRWISE_ROW].height = LINE_HEIGHT * lines
    set_print(ws, landscape=True, header=MARKING)


def _proposals(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(PROPOSALS.sheet)
    add_input_table(ws, PROPOSALS, inputs.proposals, min_rows=max(len(inputs.proposals), 20))
    ws.freeze_panes = "B2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _yearly(wb: Workbook, spec: TableSpec, rows: Sequence[Sequence[object]], note: str) -> None:
    ws = wb.create_sheet(spec.sheet)
    add_input_table(ws, spec, rows, min_rows=max(len(rows), 50))
    put(ws.cell(1, len(spec.columns) + 2), note).font = styles.NOTE_FONT
    ws.freeze_panes = "A2"
    set_print(ws, header=MARKING, repeat_rows="1:1")


def _assessment(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(ASSESSMENT.sheet)
    last = max(len(inputs.assessment), 60) + 1
    add_input_table(ws, ASSESSMENT, inputs.assessment, min_rows=last - 1)
    score = _letter(ASSESSMENT, "score")
    ws.conditional_formatting.add(
        f"{score}2:{score}{last}",
        CellIsRule(operator="lessThan", formula=["2"], fill=styles.fill(formats.AMBER)),
    )
    ws.freeze_panes = "A2"
    set_print(ws, header=MARKING, repeat_rows="1:1")


def _panel(wb: Workbook, inputs: RoundInputs) -> None:
    """Each member's score and comment: used instead of the Assessment where it has rows."""
    ws = wb.create_sheet(PANEL.sheet)
    add_input_table(ws, PANEL, inputs.panel, min_rows=max(len(inputs.panel), 60))
    put(
        ws.cell(1, len(PANEL.columns) + 2),
        "One row per member, proposal and criterion. Scores further apart than the "
        "Moderation spread (Settings) are flagged for the chair.",
    ).font = styles.NOTE_FONT
    ws.freeze_panes = "A2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _table_sheet(
    wb: Workbook,
    spec: TableSpec,
    rows: Sequence[Sequence[object]],
    note: str,
    *,
    min_rows: int = 10,
) -> None:
    ws = wb.create_sheet(spec.sheet)
    add_input_table(ws, spec, rows, min_rows=max(len(rows), min_rows))
    put(ws.cell(1, len(spec.columns) + 2), note).font = styles.NOTE_FONT
    ws.freeze_panes = "A2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _deflators(wb: Workbook, inputs: RoundInputs) -> None:
    """The GDP deflator series, labelled with its publication and date."""
    ws = wb.create_sheet(DEFLATORS.sheet)
    add_input_table(ws, DEFLATORS, inputs.deflators, min_rows=max(len(inputs.deflators), 20))
    column = len(DEFLATORS.columns) + 2
    put(ws.cell(1, column), "Source of the shipped figures").font = styles.SUBTITLE_FONT
    lines = [
        DEFLATOR_SOURCE,
        "Nominal (cash) figures are divided by their year's index and multiplied by the price "
        "base year's; years after the last are extrapolated at its growth (HM Treasury, Green "
        "Book 2022, chapter 5, 'Adjustments for inflation').",
        "Every financial year from the first to the last must have an index (no gaps), and "
        "each price base year must be inside the series.",
    ]
    for r, text in enumerate(lines, start=2):
        put(ws.cell(r, column), text).font = styles.NOTE_FONT
    ws.column_dimensions[column_letter(column)].width = 100
    ws.freeze_panes = "A2"
    set_print(ws, landscape=True, header=MARKING, repeat_rows="1:1")


def _budget(wb: Workbook, inputs: RoundInputs) -> None:
    ws = wb.create_sheet(BUDGET_TABLE.sheet)
    add_input_table(ws, BUDGET_TABLE, inputs.budget, min_rows=3)
    put(
        ws["D1"], "Leave empty for no portfolio; costs are compared as submitted."
    ).font = styles.NOTE_FONT
    set_print(ws, header=MARKING)


#: Years the Discount factors sheet lists: 0 to 100, a local choice (the engine works any year).
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
    for letter in "ABCDE":
        ws.column_dimensions[letter].width = 16
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
    notes = [
        "Source: HM Treasury, Supplementary Green Book guidance: optimism bias (2003); Mott "
        "MacDonald, Review of large public procurement in the UK (2002), table 2.",
        "Capital costs take their project type's capital bounds. Revenue (operating) costs of "
        "every type take 41% upper, 0% lower: the guidance's operating-expenditure figure, "
        "measured on outsourcing projects.",
        "The guidance gives no capital figure for outsourcing; cpcxl applies 41% (0%) to an "
        "outsourcing project's capital costs too (a local choice).",
        "Applied = upper bound - mitigation × (upper bound - lower bound), with the mitigation "
        "from the Proposals sheet: 0% stays at the upper bound, 100% reaches the lower bound.",
    ]
    for r, text in enumerate(notes, start=9):
        put(ws.cell(r, 1), text).font = styles.NOTE_FONT
    set_print(ws, landscape=True)
