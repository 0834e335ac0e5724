"""The packaged risk register workbook: built from the input specs, filled, read and written.

Files only: the template's tables come from ``inputs``' declarations, a saved register is read
into cells (calamine) for ``inputs`` to read, and ``outputs``' sheets are written (openpyxl).

Layout (the button script and the tests rely on it): Instructions; Register (the "Register"
table from row 5, the review date in the named cell ReviewDate); Actions, Incidents and
Objectives (a table each from row 4); Matrix (the named cells MatrixName and HighRiskFrom,
the "Likelihood", "Impact" and "Bands" tables side by side, the score grid to their right);
Appetite (the "Appetite" table of categories, the "AppetiteLevels" table and the partners'
"PartnerAppetite" table beside it); Correlation (the named cell CorrelationAll, the
"CategoryCorrelation" table and the matrix by risk id beside it from E7); Lists; then the
button's sheets: Heat map, Summary, Exposure, Board report; xlwings.conf. No input table has
anything below it, so a row typed below a table is always reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.fields import TEXT
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import Cells, Column, TableSpec
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.tables import normalise_header
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_xlwings_conf,
    define_name,
    mark_output_sheet,
    put,
    read_sheets,
    read_tables,
    render,
    save_workbook,
    set_print,
)
from cpcxl.plugins import WorkbookTemplate

from . import engine, inputs, outputs
from .inputs import REGISTER_SPEC, NamedCell
from .models import (
    AppetiteLevel,
    CorrelationSettings,
    RiskAppetite,
    RiskCategory,
    RiskMatrix,
    RiskRow,
)
from .schemes import NHS_5X5

FILENAME = "risk_register.xlsx"
IMPORTED_COLUMNS = "Imported columns"
TITLE = "Risk register"
MARKING = "OFFICIAL-SENSITIVE"

REGISTER = inputs.REGISTER
REGISTER_TABLE = inputs.REGISTER_TABLE
MATRIX = inputs.MATRIX
APPETITE = inputs.APPETITE

HEADER_ROW = 5
#: Rows the Register table offers beyond the risks written into it.
SPARE_ROWS = 40
MIN_ROWS = 100
LEVEL_ROWS = 10  # room for a matrix up to 10 × 10
BAND_ROWS = 8
OWN_CATEGORY_ROWS = 6
SCALES_ROW = 7  # the Likelihood (A-E), Impact (G-J) and Bands (L-O) tables' header row
IMPACT_COLUMN = 7  # G
BANDS_COLUMN = 12  # L
GRID_COLUMN = 17  # Q: the score grid, right of the Bands
LEVELS_COLUMN = 5  # E: the AppetiteLevels table, right of the categories' Appetite table
PARTNERS_COLUMN = 9  # I: the partners' appetite, right of the levels
LINKED_ROW = 4  # the Actions, Incidents and Objectives tables' header row
LINKED_ROWS = 60
PARTNER_ROWS = 20
CATEGORY_CORRELATION_ROW = 7
MATRIX_SIZE = 20  # the correlation matrix's ruled cells (it may grow beyond them)

HEADERS = REGISTER_SPEC.headers
LETTER = {h: get_column_letter(i) for i, h in enumerate(HEADERS, start=1)}

#: HM Government, Risk Appetite Guidance Note (Orange Book), the levels' meanings abridged.
APPETITE_MEANINGS = {
    AppetiteLevel.AVERSE: "Avoid risk and uncertainty.",
    AppetiteLevel.MINIMAL: "Very safe options with low inherent risk and limited reward.",
    AppetiteLevel.CAUTIOUS: "Safe options with low residual risk; may limit reward.",
    AppetiteLevel.OPEN: "Consider all options; choose the one most likely to deliver with "
    "acceptable reward and value for money.",
    AppetiteLevel.EAGER: "Innovate and pursue higher rewards despite greater inherent risk.",
}


# --- native formulas ---------------------------------------------------------------------------


def _level(cell: str, axis: str) -> str:
    """A likelihood or impact cell as its score, from its label or its number."""
    return f"IFERROR(MATCH({cell},{axis}Labels,0),MATCH({cell},{axis}Scores,0))"


def score_formula(likelihood: str, impact: str) -> Formula:
    return Formula(
        f'=IF(OR({likelihood}="",{impact}=""),"",'
        f"{_level(likelihood, 'Likelihood')}*{_level(impact, 'Impact')})"
    )


def band_formula(score: str) -> Formula:
    # The number of bands starting at or below the score is the score's band: no array formula
    # and no sorted-lookup subtleties with blank rows left for extra bands.
    return Formula(f'=IF({score}="","",INDEX(BandNames,COUNTIF(BandFrom,"<="&{score})))')


def _row_formulas(r: int) -> dict[str, Formula]:
    cell = {h: f"{LETTER[h]}{r}" for h in HEADERS}
    return {
        "Inherent score": score_formula(cell["Inherent likelihood"], cell["Inherent impact"]),
        "Inherent band": band_formula(cell["Inherent score"]),
        "Residual score": score_formula(cell["Residual likelihood"], cell["Residual impact"]),
        "Residual band": band_formula(cell["Residual score"]),
        "Target score": score_formula(cell["Target likelihood"], cell["Target impact"]),
    }


# --- building ----------------------------------------------------------------------------------


def _instructions(wb: Workbook, matrix: RiskMatrix) -> None:
    add_instructions(
        wb,
        "Risk register",
        [
            (
                "What this workbook is for",
                "Recording, scoring and reviewing the risks of commissioning and contracts "
                "(CPC 507 risk awareness; CPC 306 A2, assessing the risks of non-compliance). "
                f"Scores use the {matrix.name} matrix: score = likelihood × impact.",
            ),
            (
                "What to fill in (yellow columns on the Register sheet)",
                [
                    "One row per risk: a Risk ID used once, a title, a category from the "
                    "drop-down (the standards' list plus any you add on the Appetite sheet) and "
                    "an owner's role.",
                    "Inherent likelihood and impact: before controls. Pick a label from the "
                    "drop-down or type its number (likelihood 1 Rare to 5 Almost certain; impact "
                    "1 Negligible to 5 Catastrophic).",
                    "Controls, then residual likelihood and impact: the risk as it stands with "
                    "the controls. Target: where you mean to get it to.",
                    "Dates as dd/mm/yyyy. Score at last review: the residual score recorded at "
                    "the previous review, for the movement column.",
                    "Optional £ estimate: chance of occurring as a percentage (type 30% or 0.3; "
                    "30 on its own would be 3,000% and is refused), and minimum, most likely and "
                    "maximum £ impact. These feed the quantified exposure on the Summary.",
                    "Response: Treat, Tolerate, Transfer, Terminate or Take (the Orange Book's); "
                    "a risk tolerated above appetite needs a reason. Proximity: when it would "
                    "bite, a date or a financial year such as 2026/27. Objectives: the refs of "
                    "the objectives it threatens (Objectives sheet), and its BAF entry if any. "
                    "Shared risk: Yes where the partners of a joint arrangement share it.",
                    "Set 'Reviews due as of' above the table to the date of your review.",
                ],
            ),
            (
                "What works with no add-in",
                "The score and band columns are ordinary Excel formulas: they update as you "
                "type, from the Matrix sheet. Blank until both likelihood and impact are given; "
                "#N/A means a value is not on the matrix.",
            ),
            (
                "Button (cpcxl add-in or task pane): Score register",
                [
                    "Checks every row and writes Flags: above appetite, above target, review "
                    "overdue, residual above inherent, high inherent risk with no controls. A "
                    "row with a problem says 'Check' and what to fix; no other row is affected.",
                    "Also flags: tolerated above appetite with no reason, above target with no "
                    "open action, an action overdue, more incidents than the likelihood implies, "
                    "and a shared risk above a partner's appetite; and writes each action's "
                    "flags (overdue) on the Actions sheet.",
                    "Writes Movement (against the score at last review), and refreshes the "
                    "Heat map, Summary (counts, top risks, responses, actions, incidents, £ "
                    "exposure by Monte Carlo), Exposure (what drives the contingency, and "
                    "when it would fall) and Board report (one A4 page) sheets.",
                    "A header it does not know, in any table, stops it with the header named: "
                    "rename the header back, or remove the column.",
                ],
            ),
            (
                "Matrix and Appetite sheets",
                [
                    "Matrix: the scale labels and the bands (score from and to). Change them to "
                    "your organisation's; the formulas and the button follow.",
                    "Appetite: each category's appetite level (Averse to Eager, as the Orange "
                    "Book names them) and the highest residual score each level tolerates. The "
                    "levels' scores are cpcxl's starting points: your board should set its own.",
                ],
            ),
            (
                "Actions, Incidents and Objectives sheets",
                [
                    "Actions: one row per action, with the risk it is for (its Risk ID), the "
                    "owner's role, the due date, its status and the score it aims for.",
                    "Incidents: each incident or near miss, dated (never after the review "
                    "date), with the risk it relates to, the harm (None to Death) and the "
                    "learning. The Summary counts them per risk against what the likelihood "
                    "implies (the Matrix sheet's 'Fewer than (a year)').",
                    "Objectives: the organisation's objectives, each with a ref the Register's "
                    "Objectives column uses.",
                ],
            ),
            (
                "Correlation sheet",
                [
                    "Risks that tend to happen together make the total's spread wider. Give one "
                    "correlation for every pair of risks, one within each category, or a matrix "
                    "by risk id (ids across row 7 from F, and down column E from row 8; one half "
                    "is enough). The most particular one given holds.",
                ],
            ),
            (
                "Worksheet functions",
                [
                    "=CPC_RISK_SCORE(likelihood, impact) and =CPC_RISK_RATING(likelihood, "
                    "impact) score a cell or a whole column at once.",
                    "=CPC_RISK_HEATMAP(likelihoods, impacts) gives the 5 × 5 counts.",
                    "=CPC_RISK_EXPOSURE(chances, minimums, most_likely, maximums) gives the "
                    "expected £ exposure, P50, P80, P95 and the contingency at 80% confidence; "
                    "its last argument is a correlation (one number, or a square range).",
                    "=CPC_RISK_NEAREST_CORRELATION(range) gives the nearest valid correlation "
                    "matrix to one that is not.",
                ],
            ),
        ],
    )


def _named_cell(
    wb: Workbook,
    ws: Worksheet,
    named: NamedCell,
    value: Any,
    *,
    bold: bool = True,
    number_format: str | None = None,
) -> None:
    """A labelled input cell: the label to its left, the value filled yellow, and its name."""
    cell = ws[named.cell]
    label = put(ws.cell(cell.row, cell.column - 1), named.setting.label)
    if bold:
        label.font = Font(bold=True)
    put(cell, value, number_format).fill = styles.INPUT_FILL
    define_name(wb, named.name, named.sheet, named.cell)


def _rows(spec: TableSpec, records: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Records (field -> value) as a table's rows, in its columns' order."""
    return [[record.get(c.field) for c in spec.columns] for record in records]


def _register_sheet(
    wb: Workbook, risks: Sequence[Mapping[str, Any]], as_of: dt.date | None
) -> Worksheet:
    ws = wb.create_sheet(REGISTER)
    put(ws["A1"], "Risk register").font = styles.TITLE_FONT
    review = as_of if as_of else Formula("=TODAY()")
    _named_cell(wb, ws, inputs.REVIEW_DATE, review, bold=False, number_format=formats.DATE_UK)
    put(
        ws["A3"], "Yellow columns are yours to fill in; the rest are worked out."
    ).font = styles.NOTE_FONT
    rows = _rows(REGISTER_SPEC, risks)
    height = max(MIN_ROWS, len(rows) + SPARE_ROWS)
    add_input_table(ws, REGISTER_SPEC, rows, row=HEADER_ROW, min_rows=height)
    # Numbers are as welcome as labels, so the scales' lists suggest and do not refuse; a value
    # off the matrix shows #N/A in the score and the button says why.
    for validation in ws.data_validations.dataValidation:
        if validation.formula1 in ("=LikelihoodLabels", "=ImpactLabels"):
            validation.showErrorMessage = False
    first, last = HEADER_ROW + 1, HEADER_ROW + height
    for r in range(first, last + 1):
        for header, formula in _row_formulas(r).items():
            put(ws[f"{LETTER[header]}{r}"], formula)
    for column in REGISTER_SPEC.columns:
        if not column.output:
            ws[f"{LETTER[column.header]}{HEADER_ROW}"].fill = styles.INPUT_FILL
            ws[f"{LETTER[column.header]}{HEADER_ROW}"].font = Font(bold=True)
    for header in ("Inherent band", "Residual band"):
        _band_colours(ws, f"{LETTER[header]}{first}:{LETTER[header]}{last}")
    ws.freeze_panes = f"C{first}"
    # 28 columns on one A4 page would print at about a fifth of full size; four pages across,
    # each repeating the risk's ID and title, keep it near two-thirds.
    set_print(
        ws,
        landscape=True,
        pages_wide=4,
        header=MARKING,
        repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}",
        repeat_columns="A:B",
    )
    return ws


def _band_colours(ws: Worksheet, cell_range: str) -> None:
    """Band cells coloured by the band's name, read live from the Matrix sheet's Bands table."""
    top_left = cell_range.split(":")[0]
    for i in range(BAND_ROWS):
        ws.conditional_formatting.add(
            cell_range,
            FormulaRule(
                formula=[f'AND({top_left}<>"",{top_left}=INDEX(BandNames,{i + 1}))'],
                fill=styles.fill(_BAND_PALETTE[i % len(_BAND_PALETTE)]),
            ),
        )


# Conditional formats need a fixed fill: the n-th band gets the n-th colour, so a matrix with
# its bands in the usual order (lowest first) reads green to red.
_BAND_PALETTE = (formats.GREEN, formats.AMBER, formats.ORANGE, formats.RED, formats.DARK_RED)


def _matrix_sheet(wb: Workbook, matrix: RiskMatrix) -> Worksheet:
    ws = wb.create_sheet(MATRIX)
    put(ws["A1"], "Risk matrix").font = styles.TITLE_FONT
    _named_cell(wb, ws, inputs.MATRIX_NAME, matrix.name)
    put(ws["A4"], "Source").font = Font(bold=True)
    put(ws["B4"], matrix.source)
    _named_cell(wb, ws, inputs.HIGH_FROM, matrix.high_score)
    for column, spec, levels in (
        (1, inputs.LIKELIHOOD, matrix.likelihood),
        (IMPACT_COLUMN, inputs.IMPACT, matrix.impact),
    ):
        records = [
            {
                "score": lv.score,
                "label": lv.label,
                "description": lv.description,
                "aliases": ", ".join(lv.aliases),
                "fewer_than": lv.fewer_than,
            }
            for lv in levels
        ]
        names = (f"{spec.name}Scores", f"{spec.name}Labels")
        _table(
            wb, ws, spec, records, row=SCALES_ROW, column=column, min_rows=LEVEL_ROWS, names=names
        )
    records = [
        {"name": b.name, "low": b.low, "high": b.high, "colour": b.colour} for b in matrix.bands
    ]
    names = ("BandNames", "BandFrom")
    _table(
        wb,
        ws,
        inputs.BANDS,
        records,
        row=SCALES_ROW,
        column=BANDS_COLUMN,
        min_rows=BAND_ROWS,
        names=names,
    )
    for i, band in enumerate(matrix.bands):
        ws.cell(SCALES_ROW + 1 + i, BANDS_COLUMN).fill = styles.fill(band.colour)
    block = outputs.heat_map_block(
        outputs.score_grid(matrix),
        matrix,
        "Scores (likelihood × impact) and their bands",
        row=SCALES_ROW,
        column=GRID_COLUMN,
    )
    render(wb, SheetOutput(MATRIX, [block], replace=False))
    ws.column_dimensions["A"].width = 22  # the named cells' labels above the Likelihood table
    for offset in range(len(matrix.impact) + 1):
        ws.column_dimensions[get_column_letter(GRID_COLUMN + offset)].width = 16 if offset else 20
    set_print(ws, landscape=True)
    return ws


def _table(
    wb: Workbook,
    ws: Worksheet,
    spec: TableSpec,
    records: Sequence[Mapping[str, Any]],
    *,
    row: int,
    column: int = 1,
    min_rows: int = 1,
    names: Sequence[str] = (),
) -> int:
    """An input table of ``records`` from its spec, each of ``names`` given to the body of one
    of its first columns (for drop-downs and formulas); returns the table's last row."""
    ref = add_input_table(ws, spec, _rows(spec, records), row=row, column=column, min_rows=min_rows)
    _, _, _, last = range_boundaries(ref)
    for offset, name in enumerate(names):
        define_name(wb, name, ws.title, _column_range(column + offset, row + 1, last))
    return int(last)


def _column_range(column: int, first: int, last: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first}:{letter}{last}"


def _appetite_sheet(wb: Workbook, appetite: RiskAppetite) -> Worksheet:
    ws = wb.create_sheet(APPETITE)
    put(ws["A1"], "Risk appetite").font = styles.TITLE_FONT
    put(
        ws["A2"],
        "A risk whose residual score is above its category's tolerated score is "
        "flagged 'Above appetite'. Levels as the Orange Book names them; scores are yours to "
        "set.",
    ).font = styles.NOTE_FONT
    top = 5
    put(
        ws.cell(top - 1, 1), "Appetite by category (add your own categories in the blank rows)"
    ).font = styles.SUBTITLE_FONT
    own = [c for c in appetite.categories if c not in set(RiskCategory)]
    records = [
        {"category": c.value, "level": level.value if level else None}
        for c in RiskCategory
        for level in [appetite.categories.get(c.value)]
    ]
    records += [
        {"category": c, "level": level.value if level else None}
        for c in own
        for level in [appetite.categories[c]]
    ]
    spec, rows = inputs.CATEGORY_APPETITE, len(records) + OWN_CATEGORY_ROWS
    last = _table(wb, ws, spec, records, row=top, min_rows=rows, names=("Categories",))
    for r in range(top + 1, last + 1):
        put(
            ws.cell(r, 3),
            Formula(f'=IF(B{r}="","",INDEX(AppetiteLevelScores,MATCH(B{r},AppetiteLevelNames,0)))'),
        )
        for c in (1, 2):
            ws.cell(r, c).fill = styles.INPUT_FILL

    put(ws.cell(top - 1, LEVELS_COLUMN), "Appetite levels").font = styles.SUBTITLE_FONT
    levels = [
        {"level": level.value, "score": appetite.levels[level], "meaning": meaning}
        for level, meaning in APPETITE_MEANINGS.items()
    ]
    names = ("AppetiteLevelNames", "AppetiteLevelScores")
    _table(wb, ws, inputs.APPETITE_LEVELS, levels, row=top, column=LEVELS_COLUMN, names=names)
    put(
        ws.cell(top - 1, PARTNERS_COLUMN),
        "Partners' appetite (a joint arrangement: for risks marked Shared)",
    ).font = styles.SUBTITLE_FONT
    partners = [
        {"partner": partner, "category": category, "level": level.value}
        for partner, levels_by_category in appetite.partners.items()
        for category, level in levels_by_category.items()
    ]
    _table(
        wb,
        ws,
        inputs.PARTNER_APPETITE,
        partners,
        row=top,
        column=PARTNERS_COLUMN,
        min_rows=max(PARTNER_ROWS, len(partners) + 6),
    )
    set_print(ws, landscape=True)
    return ws


def _titled(ws: Worksheet, title: str, note: str) -> Worksheet:
    """A sheet's title in A1 and a note under it."""
    put(ws["A1"], title).font = styles.TITLE_FONT
    put(ws["A2"], note).font = styles.NOTE_FONT
    return ws


def _linked_sheet(
    wb: Workbook,
    spec: TableSpec,
    records: Sequence[Mapping[str, Any]],
    title: str,
    note: str,
) -> Worksheet:
    """An Actions, Incidents or Objectives sheet: a title, a note and the table from row 4."""
    ws = _titled(wb.create_sheet(spec.sheet), title, note)
    rows = max(LINKED_ROWS, len(records) + SPARE_ROWS)
    _table(wb, ws, spec, records, row=LINKED_ROW, min_rows=rows)
    for column in spec.columns:
        if not column.output:
            index = spec.columns.index(column) + 1
            ws.cell(LINKED_ROW, index).fill = styles.INPUT_FILL
            ws.cell(LINKED_ROW, index).font = Font(bold=True)
    ws.freeze_panes = f"A{LINKED_ROW + 1}"
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{LINKED_ROW}:{LINKED_ROW}")
    return ws


def _correlation_sheet(
    wb: Workbook, settings: CorrelationSettings, appetite: RiskAppetite
) -> Worksheet:
    """The correlation between risks: one coefficient for every pair (CorrelationAll), one
    within a category (the CategoryCorrelation table) and a matrix by risk id beside it."""
    ws = _titled(
        wb.create_sheet(inputs.CORRELATION_SHEET),
        "Correlation between risks",
        "Risks that tend to happen together widen the spread of the £ exposure (P95 grows; the "
        "expected exposure does not change). Leave all blank or 0 for independent risks.",
    )
    _named_cell(wb, ws, inputs.EVERY_PAIR, settings.every_pair, number_format="0.00")
    top = CATEGORY_CORRELATION_ROW
    put(ws.cell(top - 1, 1), "Correlation within a category").font = styles.SUBTITLE_FONT
    records = [{"category": c, "correlation": v} for c, v in settings.within_category.items()]
    _table(wb, ws, inputs.CATEGORY_CORRELATION, records, row=top, min_rows=12)
    corner = ws[inputs.MATRIX_CORNER]
    put(
        ws.cell(top - 1, inputs.MATRIX_COLUMN),
        "Correlation matrix by risk id (optional; either half will do)",
    ).font = styles.SUBTITLE_FONT
    put(corner, "Risk ID").font = Font(bold=True)
    corner.fill = styles.INPUT_FILL
    ids = sorted({i for pair in settings.pairs for i in pair}, key=str.casefold)
    for k, risk_id in enumerate(ids):
        put(ws.cell(top, inputs.MATRIX_COLUMN + 1 + k), risk_id).font = Font(bold=True)
        put(ws.cell(top + 1 + k, inputs.MATRIX_COLUMN), risk_id).font = Font(bold=True)
    for (a, b), value in settings.pairs.items():
        i, j = sorted((ids.index(a), ids.index(b)))
        put(ws.cell(top + 1 + i, inputs.MATRIX_COLUMN + 1 + j), value, "0.00")
    size = max(MATRIX_SIZE, len(ids))
    for k in range(size):
        for cell in (
            ws.cell(top, inputs.MATRIX_COLUMN + 1 + k),
            ws.cell(top + 1 + k, inputs.MATRIX_COLUMN),
        ):
            cell.fill = styles.INPUT_FILL
    for k in range(size + 1):
        ws.column_dimensions[get_column_letter(inputs.MATRIX_COLUMN + k)].width = 9
    ws.column_dimensions["A"].width = 42  # the named cell's label, in bold
    ws.column_dimensions["B"].width = 14
    set_print(ws, landscape=True)
    return ws


def _extra_sheet(wb: Workbook, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """The columns an import found no place for, carried as they were, by risk id."""
    ws = _titled(
        wb.create_sheet(IMPORTED_COLUMNS),
        "Columns carried from the imported register",
        "cpcxl has no column of these names; they are kept here as they were, one row per "
        "risk, so nothing in the file is lost.",
    )
    names: list[str] = []
    for header in ["Risk ID", *headers]:
        name, n = str(header), 2
        while normalise_header(name) in {normalise_header(x) for x in names}:
            name, n = f"{header} ({n})", n + 1
        names.append(name)
    spec = TableSpec(
        "ImportedColumns",
        IMPORTED_COLUMNS,
        tuple(Column(f"c{i}", h, TEXT, required=False, width=24) for i, h in enumerate(names)),
    )
    records = [{f"c{i}": v for i, v in enumerate(row)} for row in rows]
    _table(wb, ws, spec, records, row=LINKED_ROW)
    set_print(ws, landscape=True, header=MARKING)


def _render_outputs(wb: Workbook, sheets: Sequence[SheetOutput]) -> None:
    """The worked-out columns and the button's sheets written, with the Summary's and the
    Exposure sheet's charts and the Heat map's conditional formats added back."""
    for output in sheets:
        index = wb.sheetnames.index(output.name) if output.name in wb.sheetnames else None
        ws = render(wb, output, index=index)
        if not output.replace:  # columns written into an input table
            continue
        ws.sheet_view.showGridLines = False
        set_print(ws, landscape=True, header=MARKING)
        if output.name == outputs.BOARD_REPORT:
            ws.page_setup.fitToHeight = 1  # one A4 page for the board
        if output.name == outputs.EXPOSURE:
            _tornado_chart(ws, outputs.placed(output, outputs.TORNADO_TITLE))
        if output.name == outputs.HEAT_MAP:
            for block in output.blocks[1:]:
                first = f"{get_column_letter(block.column + 1)}{block.row + 1}"
                last = f"{get_column_letter(block.column + block.width - 1)}"
                cells = f"{first}:{last}{block.row + block.height - 2}"
                ws.conditional_formatting.add(
                    cells,
                    CellIsRule(
                        operator="greaterThan", formula=["0"], font=Font(bold=True, size=14)
                    ),
                )
        if output.name == outputs.SUMMARY:
            _band_chart(ws, outputs.placed(output, outputs.BANDS_TITLE))


def _band_chart(ws: Worksheet, block: Block) -> None:
    """Inherent and residual counts by band, side by side, from the Summary's band table."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "Open risks by band: inherent and residual"
    chart.y_axis.title = "Risks"
    first, last = block.row, block.row + len(block.values) - 1
    data = Reference(
        ws, min_col=block.column + 1, max_col=block.column + 2, min_row=first, max_row=last
    )
    categories = Reference(ws, min_col=block.column, min_row=first + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, "H2")


def _tornado_chart(ws: Worksheet, block: Block) -> None:
    """The tornado: how far the contingency falls without each risk, largest on top, for the
    first TORNADO_CHART_RISKS risks of the table (always the same rows, so the chart stays on
    them when the button rewrites the sheet)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "How far the contingency falls without each risk (£)"
    chart.x_axis.title = "Risk"
    chart.y_axis.title = "£"
    chart.x_axis.scaling.orientation = "maxMin"  # the largest at the top
    chart.legend = None
    first = block.row
    last = block.row + outputs.TORNADO_CHART_RISKS
    data = Reference(ws, min_col=block.column + 3, min_row=first, max_row=last)
    categories = Reference(ws, min_col=block.column, min_row=first + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height, chart.width = 12, 16
    ws.add_chart(chart, f"H{block.row + 10}")


def build_register_workbook(
    path: str | os.PathLike[str],
    risks: Sequence[RiskRow | Mapping[str, Any]] = (),
    *,
    matrix: RiskMatrix = NHS_5X5,
    appetite: RiskAppetite | None = None,
    as_of: dt.date | None = None,
    actions: Sequence[Mapping[str, Any]] = (),
    incidents: Sequence[Mapping[str, Any]] = (),
    objectives: Sequence[Mapping[str, Any]] = (),
    correlation: CorrelationSettings | None = None,
    extra: tuple[Sequence[str], Sequence[Sequence[Any]]] | None = None,
    more_sheets: Sequence[SheetOutput] = (),
) -> Path:
    """The risk register workbook with ``risks`` (rows, or field -> value) and what they link
    to in it, scored as the Score register button would. With no ``as_of`` the review date is
    =TODAY(). ``extra``: columns an import carried (headers, and rows with the risk id first);
    ``more_sheets``: sheets of its own to add at the end (an import's report)."""
    appetite = appetite or engine.default_appetite(matrix)
    correlation = correlation or CorrelationSettings()
    records = [
        {k: v for k, v in r.model_dump().items() if v != ""} if isinstance(r, RiskRow) else r
        for r in risks
    ]
    wb = Workbook()
    _instructions(wb, matrix)
    _register_sheet(wb, records, as_of)
    _linked_sheet(
        wb,
        inputs.ACTIONS_SPEC,
        actions,
        "Actions on risks",
        "One row per action: the Risk ID it is for, what will be done, the owner's role, the "
        "due date, its status and the score it aims to bring the risk to.",
    )
    _linked_sheet(
        wb,
        inputs.INCIDENTS_SPEC,
        incidents,
        "Incidents and near misses",
        "Each incident (the risk happened) or near miss (it nearly did), dated, with the risk "
        "it relates to, the harm done and the learning (CPC 507 B2-B4).",
    )
    _linked_sheet(
        wb,
        inputs.OBJECTIVES_SPEC,
        objectives,
        "The organisation's objectives",
        "The objectives risks threaten: the Register's Objectives column gives their refs.",
    )
    _matrix_sheet(wb, matrix)
    _appetite_sheet(wb, appetite)
    _correlation_sheet(wb, correlation, appetite)
    lists = {
        "Statuses": inputs.STATUS.labels,
        "Responses": inputs.RESPONSE.labels,
        "ActionStatuses": inputs.ACTION_STATUS.labels,
        "IncidentTypes": inputs.INCIDENT_KIND.labels,
        "Harms": inputs.HARM.labels,
        "YesNo": ["Yes", "No"],
    }
    add_lists_sheet(wb, lists).sheet_state = "hidden"
    if extra is not None and extra[0]:
        _extra_sheet(wb, *extra)
    # Scored from the cells as written, exactly as the button reads them.
    book = _book(records, actions, incidents, objectives, matrix, appetite, as_of, correlation)
    result = engine.assess(
        book.register.risks,
        book.matrix,
        book.appetite,
        as_of=as_of,
        actions=book.actions.usable() if book.actions is not None else None,
        incidents=book.incidents.usable() if book.incidents is not None else None,
        correlation=book.correlation,
    )
    sheets = outputs.register_sheets(result, book)
    _render_outputs(wb, sheets)
    for output in sheets:
        if output.replace:  # the sheets the Score register button fills afresh each time
            mark_output_sheet(wb, output.name)
    for output in more_sheets:
        ws = render(wb, output)
        set_print(ws, landscape=True, header=MARKING)
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _book(
    risks: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    incidents: Sequence[Mapping[str, Any]],
    objectives: Sequence[Mapping[str, Any]],
    matrix: RiskMatrix,
    appetite: RiskAppetite,
    as_of: dt.date | None,
    correlation: CorrelationSettings,
) -> inputs.RegisterBook:
    """The register as the button would read it from the tables just written."""

    def cells(spec: TableSpec, records: Sequence[Mapping[str, Any]], row: int) -> Cells:
        return Cells([spec.headers, *_rows(spec, records)], first_row=row, exact=True)

    errors = InputErrors()
    register = inputs.read_register(
        cells(REGISTER_SPEC, risks, HEADER_ROW),
        matrix,
        errors,
        categories=list(appetite.categories),
    )
    if register is None:  # the header is the spec's own, so only a bug gets here
        raise errors
    ids = [r for r in register.risks["risk_id"] if r is not None]
    read_actions = inputs.read_actions(cells(inputs.ACTIONS_SPEC, actions, LINKED_ROW), ids, errors)
    read_incidents = inputs.read_incidents(
        cells(inputs.INCIDENTS_SPEC, incidents, LINKED_ROW),
        ids,
        errors,
        as_of=as_of or dt.date.today(),
    )
    read_objectives = inputs.read_objectives(
        cells(inputs.OBJECTIVES_SPEC, objectives, LINKED_ROW), errors
    )
    if read_objectives is not None:
        inputs.check_objective_refs(register.risks, read_objectives, register.problem, errors)
    if errors:
        raise errors
    return inputs.RegisterBook(
        matrix,
        appetite,
        as_of,
        register,
        read_actions,
        read_incidents,
        read_objectives,
        correlation,
    )


def build_template(path: str | os.PathLike[str]) -> Path:
    """The empty packaged workbook, as ``cpcxl build`` writes it."""
    return build_register_workbook(path)


TEMPLATE = WorkbookTemplate("risk_register", FILENAME, TITLE, build_template)


# --- reading a filled-in workbook ---------------------------------------------------------------


def read_register_file(path: str | os.PathLike[str]) -> tuple[dict[str, Cells], dict[str, Any]]:
    """A saved register's tables (cells by table name, and the Correlation sheet whole) and
    named cells (values by name), as ``inputs.read_register_book`` takes them. The file is
    only read."""
    name = Path(path).name
    sheets = read_sheets(path)
    missing = [s for s in (REGISTER, MATRIX, APPETITE) if s not in sheets]
    if missing:
        raise InputError(
            f"not a cpcxl risk register: no {', '.join(missing)} sheet",
            file=name,
            valid="a workbook made by `cpcxl build` (or import it with `cpcxl risk import`)",
        )
    tables = read_tables(path, inputs.TABLES, sheets=sheets)
    if inputs.CORRELATION_SHEET in sheets:
        tables[inputs.CORRELATION_CELLS] = Cells(sheets[inputs.CORRELATION_SHEET])
    named = {
        n.name: _cell_value(sheets[n.sheet], n.cell)
        for n in inputs.NAMED_CELLS
        if n.sheet in sheets
    }
    return tables, named


def _cell_value(rows: Sequence[Sequence[Any]], ref: str) -> Any:
    """The value of one cell ('B2') of a sheet's rows, or None beyond them."""
    column, row, _, _ = range_boundaries(ref)
    if row is None or column is None or row > len(rows) or column > len(rows[row - 1]):
        return None
    return rows[row - 1][column - 1]


def import_file(
    path: str | os.PathLike[str], *, sheet: str | None = None, matrix: RiskMatrix = NHS_5X5
) -> inputs.Imported:
    """Read a register laid out another way from a workbook or a CSV file (only read)."""
    path = Path(path)
    is_csv = path.suffix.lower() in (".csv", ".txt")
    sheets = {"": read_csv(path)} if is_csv else read_sheets(path)
    return inputs.import_register(sheets, file=path.name, sheet=sheet, matrix=matrix)


def read_csv(path: Path) -> list[list[Any]]:
    """A CSV file's rows as cells: UTF-8 (with or without its byte-order mark) or, failing
    that, Windows-1252 as Excel saves it; commas, semicolons or tabs, whichever it uses."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    return rows
