"""The packaged risk register workbook: built, filled and read with openpyxl (never xlwings).

Layout (the button script and the tests rely on it): Instructions; Register (a "Register"
table from row 5, the review date in the named cell ReviewDate); Matrix ("Likelihood",
"Impact" and "Bands" tables, named cells MatrixName and HighRiskFrom); Appetite
("AppetiteLevels" and "Appetite" tables); Heat map; Summary; Lists; xlwings.conf.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputError, Location
from cpcxl.common.formats import Formula
from cpcxl.common.report import Block, SheetOutput
from cpcxl.common.tables import find_header_row, normalise_header
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_whole_number_validation,
    add_xlwings_conf,
    define_name,
    open_for_reading,
    put,
    read_sheets,
    render,
    save_workbook,
    set_print,
)

from . import engine, report
from .models import (
    FIELDS_BY_NAME as FIELDS,
)
from .models import (
    REGISTER_FIELDS,
    AppetiteLevel,
    RiskAppetite,
    RiskCategory,
    RiskMatrix,
    RiskRow,
    RiskStatus,
)
from .schemes import NHS_5X5, appetite_from_tables, matrix_from_tables

FIELD_NAMES = [f.name for f in REGISTER_FIELDS]

FILENAME = "risk_register.xlsx"
TITLE = "Risk register"
MARKING = "OFFICIAL-SENSITIVE"

REGISTER = "Register"
REGISTER_TABLE = "Register"
MATRIX = "Matrix"
APPETITE = "Appetite"
MATRIX_NAME = "MatrixName"
HIGH_FROM = "HighRiskFrom"
REVIEW_DATE = "ReviewDate"

HEADER_ROW = 5
#: Rows the Register table offers beyond the risks written into it.
SPARE_ROWS = 40
MIN_ROWS = 100
LEVEL_ROWS = 10  # room for a matrix up to 10 × 10
BAND_ROWS = 8
OWN_CATEGORY_ROWS = 6
BANDS_COLUMN = 11  # K: after the Likelihood (A-D) and Impact (F-I) tables

# The Register's columns in order: a register field (its header comes from the field), or the
# header of a column the workbook works out (formulas, or the Score register button).
LAYOUT: tuple[str, ...] = (
    "risk_id", "title", "description", "category", "owner",
    "inherent_likelihood", "inherent_impact", "Inherent score", "Inherent band",
    "controls",
    "residual_likelihood", "residual_impact", "Residual score", "Residual band",
    "target_likelihood", "target_impact", "Target score",
    "status", "date_raised", "last_reviewed", "next_review",
    "previous_score", "Movement",
    "probability", "minimum", "most_likely", "maximum",
    "Flags",
)  # fmt: skip
COLUMNS: tuple[tuple[str, str | None], ...] = tuple(
    (FIELDS[c].header, c) if c in FIELDS else (c, None) for c in LAYOUT
)
HEADERS = [h for h, _ in COLUMNS]
LETTER = {h: get_column_letter(i) for i, h in enumerate(HEADERS, start=1)}
FORMATS = {
    f.header: {"date": formats.DATE_UK, "money": formats.GBP, "probability": formats.PERCENT}[
        f.kind
    ]
    for f in REGISTER_FIELDS
    if f.kind in ("date", "money", "probability")
}
WIDTHS = {"Title": 34, "Description": 44, "Controls": 40, "Flags": 70, "Category": 30}

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
                    "Optional £ estimate: chance of occurring (%), and minimum, most likely and "
                    "maximum £ impact. These feed the quantified exposure on the Summary.",
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
                    "Writes Movement (against the score at last review), and refreshes the "
                    "Heat map and Summary sheets (counts, top risks, £ exposure by Monte Carlo).",
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
                "Worksheet functions",
                [
                    "=CPC_RISK_SCORE(likelihood, impact) and =CPC_RISK_RATING(likelihood, "
                    "impact) score a cell or a whole column at once.",
                    "=CPC_RISK_HEATMAP(likelihoods, impacts) gives the 5 × 5 counts.",
                    "=CPC_RISK_EXPOSURE(chances, minimums, most_likely, maximums) gives the "
                    "expected £ exposure, P50, P80, P95 and the contingency at 80% confidence.",
                ],
            ),
        ],
    )


def _register_sheet(
    wb: Workbook, risks: Sequence[Mapping[str, Any]], as_of: dt.date | None
) -> Worksheet:
    ws = wb.create_sheet(REGISTER)
    put(ws["A1"], "Risk register").font = styles.TITLE_FONT
    put(ws["A2"], "Reviews due as of")
    put(ws["B2"], as_of if as_of else Formula("=TODAY()"), formats.DATE_UK).fill = styles.INPUT_FILL
    define_name(wb, REVIEW_DATE, REGISTER, "B2")
    put(
        ws["A3"], "Yellow columns are yours to fill in; the rest are worked out."
    ).font = styles.NOTE_FONT
    rows = [[risk.get(field) if field else None for _, field in COLUMNS] for risk in risks]
    height = max(MIN_ROWS, len(rows) + SPARE_ROWS)
    add_table(
        ws,
        REGISTER_TABLE,
        HEADERS,
        rows,
        row=HEADER_ROW,
        formats=FORMATS,
        widths=WIDTHS,
        min_rows=height,
    )
    first, last = HEADER_ROW + 1, HEADER_ROW + height
    for r in range(first, last + 1):
        for header, formula in _row_formulas(r).items():
            put(ws[f"{LETTER[header]}{r}"], formula)
    for header, field in COLUMNS:
        if field:
            ws[f"{LETTER[header]}{HEADER_ROW}"].fill = styles.INPUT_FILL
            ws[f"{LETTER[header]}{HEADER_ROW}"].font = Font(bold=True)

    def column(header: str) -> str:
        return f"{LETTER[header]}{first}:{LETTER[header]}{last}"

    add_list_validation(ws, column("Category"), "=Categories", title="Category")
    add_list_validation(ws, column("Status"), "=Statuses", title="Status")
    for stage in ("Inherent", "Residual", "Target"):
        for axis in ("likelihood", "impact"):
            validation = add_list_validation(
                ws,
                column(f"{stage} {axis}"),
                f"={axis.capitalize()}Labels",
                prompt="Choose a label, or type its number (see the Matrix sheet).",
                title=f"{stage} {axis}",
            )
            # Numbers are as welcome as labels, so the list suggests and does not refuse; a value
            # off the matrix shows #N/A in the score and the button says why.
            validation.showErrorMessage = False
    add_whole_number_validation(ws, column("Score at last review"), 0, 100)
    for header in ("Inherent band", "Residual band"):
        _band_colours(ws, column(header))
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
    settings = [
        ("Matrix name", matrix.name, MATRIX_NAME),
        ("Source", matrix.source, None),
        ("High risk from score", matrix.high_score, HIGH_FROM),
    ]
    for r, (label, value, name) in enumerate(settings, start=3):
        put(ws.cell(r, 1), label).font = Font(bold=True)
        put(ws.cell(r, 2), value)
        if name:
            ws.cell(r, 2).fill = styles.INPUT_FILL
            define_name(wb, name, MATRIX, f"B{r}")
    top = 7
    for column, axis, levels in (
        (1, "Likelihood", matrix.likelihood),
        (6, "Impact", matrix.impact),
    ):
        ref = add_table(
            ws,
            axis,
            ["Score", axis, "Description", "Also accepted"],
            [[lv.score, lv.label, lv.description, ", ".join(lv.aliases)] for lv in levels],
            row=top,
            column=column,
            min_rows=LEVEL_ROWS,
            widths={"Description": 40, "Also accepted": 24},
        )
        _, _, _, last = range_boundaries(ref)
        define_name(wb, f"{axis}Scores", MATRIX, _column_range(column, top + 1, last))
        define_name(wb, f"{axis}Labels", MATRIX, _column_range(column + 1, top + 1, last))
    ref = add_table(
        ws,
        "Bands",
        ["Band", "From", "To", "Colour"],
        [[b.name, b.low, b.high, b.colour] for b in matrix.bands],
        row=top,
        column=BANDS_COLUMN,
        min_rows=BAND_ROWS,
    )
    _, _, _, last = range_boundaries(ref)
    define_name(wb, "BandNames", MATRIX, _column_range(BANDS_COLUMN, top + 1, last))
    define_name(wb, "BandFrom", MATRIX, _column_range(BANDS_COLUMN + 1, top + 1, last))
    for i, band in enumerate(matrix.bands):
        ws.cell(top + 1 + i, BANDS_COLUMN).fill = styles.fill(band.colour)
    scores = [[lv.score * im.score for im in matrix.impact] for lv in reversed(matrix.likelihood)]
    grid_top = top + LEVEL_ROWS + 4
    block = report.heat_map_block(
        pd.DataFrame(scores).to_numpy(),
        matrix,
        "Scores (likelihood × impact) and their bands",
        row=grid_top,
    )
    render(wb, SheetOutput(MATRIX, [block], replace=False))
    set_print(ws, landscape=True)
    return ws


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
    top = 4
    ref = add_table(
        ws,
        "AppetiteLevels",
        ["Level", "Highest tolerated residual score", "What it means"],
        [
            [level.value, appetite.levels[level], APPETITE_MEANINGS[level]]
            for level in AppetiteLevel
        ],
        row=top,
        widths={"What it means": 70, "Level": 40},
    )
    _, _, _, last = range_boundaries(ref)
    define_name(wb, "AppetiteLevelNames", APPETITE, f"A{top + 1}:A{last}")
    define_name(wb, "AppetiteLevelScores", APPETITE, f"B{top + 1}:B{last}")
    top = last + 3
    put(
        ws.cell(top - 1, 1), "Appetite by category (add your own categories in the blank rows)"
    ).font = styles.SUBTITLE_FONT
    own = [c for c in appetite.categories if c not in set(RiskCategory)]
    rows = [
        [c.value, level.value if (level := appetite.categories.get(c.value)) else None]
        for c in RiskCategory
    ]
    rows += [[c, level.value if (level := appetite.categories[c]) else None] for c in own]
    ref = add_table(
        ws,
        "Appetite",
        ["Category", "Appetite level", "Highest tolerated score"],
        rows,
        row=top,
        min_rows=len(rows) + OWN_CATEGORY_ROWS,
    )
    _, _, _, last = range_boundaries(ref)
    for r in range(top + 1, last + 1):
        put(
            ws.cell(r, 3),
            Formula(f'=IF(B{r}="","",INDEX(AppetiteLevelScores,MATCH(B{r},AppetiteLevelNames,0)))'),
        )
        for c in (1, 2):
            ws.cell(r, c).fill = styles.INPUT_FILL
    define_name(wb, "Categories", APPETITE, f"A{top + 1}:A{last}")
    add_list_validation(ws, f"B{top + 1}:B{last}", "=AppetiteLevelNames", title="Appetite level")
    set_print(ws)
    return ws


def _render_outputs(wb: Workbook, outputs: Sequence[SheetOutput]) -> None:
    """Heat map and Summary written, with their chart and conditional formats added back."""
    for output in outputs:
        index = wb.sheetnames.index(output.name) if output.name in wb.sheetnames else None
        ws = render(wb, output, index=index)
        ws.sheet_view.showGridLines = False
        set_print(ws, landscape=True, header=MARKING)
        if output.name == report.HEAT_MAP:
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
        if output.name == report.SUMMARY:
            _band_chart(ws, report.placed(output, report.BANDS_TITLE))


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


def build_register_workbook(
    path: str | os.PathLike[str],
    risks: Sequence[RiskRow | Mapping[str, Any]] = (),
    *,
    matrix: RiskMatrix = NHS_5X5,
    appetite: RiskAppetite | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """The risk register workbook with ``risks`` (rows, or field -> value) in it, scored as the
    Score register button would. With no ``as_of`` the review date is =TODAY()."""
    appetite = appetite or engine.default_appetite(matrix)
    risks = [
        {k: v for k, v in r.model_dump().items() if v != ""} if isinstance(r, RiskRow) else r
        for r in risks
    ]
    wb = Workbook()
    _instructions(wb, matrix)
    register = _register_sheet(wb, risks, as_of)
    _matrix_sheet(wb, matrix)
    _appetite_sheet(wb, appetite)
    add_lists_sheet(wb, {"Statuses": [s.value for s in RiskStatus]}).sheet_state = "hidden"

    values = [
        HEADERS,
        *([risk.get(field) if field else None for _, field in COLUMNS] for risk in risks),
    ]
    scored, problems = report.score_rows(
        values, matrix, appetite, as_of=as_of, first_row=HEADER_ROW, sheet=REGISTER
    )
    written = report.register_columns_out(scored, problems)
    for row, flags, moved in zip(
        scored[engine.ROW], written["Flags"], written["Movement"], strict=True
    ):
        put(register[f"{LETTER['Flags']}{row}"], flags or None)
        put(register[f"{LETTER['Movement']}{row}"], moved or None)
    _render_outputs(
        wb,
        [
            report.heat_map_output(scored, matrix, as_of=as_of),
            report.summary_output(scored, matrix, problems, as_of=as_of),
        ],
    )
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def build_template(path: str | os.PathLike[str]) -> Path:
    """The empty packaged workbook, as ``cpcxl build`` writes it."""
    return build_register_workbook(path)


# --- reading a filled-in workbook ---------------------------------------------------------------


def _table_values(ws: Worksheet, name: str) -> list[list[Any]]:
    ref = ws.tables[name].ref
    return [[c.value for c in row] for row in ws[ref]]


def read_register_workbook(
    path: str | os.PathLike[str],
) -> tuple[list[list[Any]], RiskMatrix, RiskAppetite, dt.date | None]:
    """The Register table's cells (header first), the matrix, appetite and review date.

    Reads the file as an officer saved it (a packaged register); the file is not changed.
    """
    wb = open_for_reading(path)
    missing = [s for s in (REGISTER, MATRIX, APPETITE) if s not in wb.sheetnames]
    if missing:
        raise InputError(
            f"not a cpcxl risk register: no {', '.join(missing)} sheet",
            file=Path(path).name,
            valid="a workbook made by `cpcxl build` (or import it with `cpcxl risk import`)",
        )
    matrix_ws = wb[MATRIX]
    matrix = matrix_from_tables(
        matrix_ws["B3"].value,
        _table_values(matrix_ws, "Likelihood"),
        _table_values(matrix_ws, "Impact"),
        _table_values(matrix_ws, "Bands"),
        _table_values(wb[APPETITE], "AppetiteLevels"),
        high_from=matrix_ws["B5"].value,
    )
    appetite = appetite_from_tables(matrix, _table_values(wb[APPETITE], "Appetite"))
    as_of = wb[REGISTER]["B2"].value
    day = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    return (
        _table_values(wb[REGISTER], REGISTER_TABLE),
        matrix,
        appetite,
        day if isinstance(day, dt.date) else None,
    )


def appetite_with(categories: Sequence[str], matrix: RiskMatrix) -> RiskAppetite:
    """The default appetite, with an organisation's own categories added (no level yet)."""
    base = engine.default_appetite(matrix)
    chosen = dict(base.categories)
    for category in categories:
        chosen.setdefault(category, None)
    return RiskAppetite(levels=base.levels, categories=chosen)


# --- importing a register laid out some other way -------------------------------------------------

_WORKED_OUT = ("score", "rating", "rag", "band", "rank", "total")


@dataclass
class Imported:
    """A register read from another layout, and what the import did with each column."""

    file: str
    sheet: str
    header_rows: tuple[int, int]
    risks: list[dict[str, Any]]
    mapped: list[tuple[str, str]]  # (header found, our column)
    not_used: list[tuple[str, str]]  # (header found, why)
    not_found: list[str]  # our columns the file does not have
    problems: list[InputError]
    own_categories: dict[str, int]

    def report(self) -> list[str]:
        first, last = self.header_rows
        rows = f"row {first}" if first == last else f"rows {first}-{last}"
        lines = [
            f"Read sheet {self.sheet!r} of {self.file}: header on {rows}, {len(self.risks)} risks."
        ]
        lines += ["Mapped:", *(f"  {found!r} -> {ours}" for found, ours in self.mapped)]
        if self.not_used:
            lines += ["Not used:", *(f"  {found!r}: {why}" for found, why in self.not_used)]
        if self.not_found:
            lines.append("Not in the file (left blank): " + ", ".join(self.not_found))
        if self.own_categories:
            own = ", ".join(f"{c} ({n} risks)" for c, n in self.own_categories.items())
            lines.append(f"Categories kept as your own (set their appetite): {own}")
        if self.problems:
            lines.append(
                f"Values it could not read ({len(self.problems)}; kept as they were and "
                "marked Check in the Flags column):"
            )
            lines += [f"  {p}" for p in self.problems]
        else:
            lines.append("Every value was read.")
        return lines


def import_register(
    path: str | os.PathLike[str], *, sheet: str | None = None, matrix: RiskMatrix = NHS_5X5
) -> Imported:
    """Read a register whose headers differ from ours (synonyms, several header rows, labels).

    The sheet is the one whose headers match best, unless ``sheet`` names it. The file is only
    read. A missing required column is an error listing the headers found.
    """
    name = Path(path).name
    sheets = read_sheets(path)
    if sheet is not None and sheet not in sheets:
        raise InputError(f"no sheet {sheet!r}", file=name, valid=", ".join(sheets))
    columns = engine.register_columns()
    candidates = {sheet: sheets[sheet]} if sheet else sheets
    best = None
    for sheet_name, rows in candidates.items():
        if not rows:
            continue
        start, span, match = find_header_row(rows, columns)
        score = (not match.missing, len(match.columns))
        if best is None or score > best[0]:
            best = (score, sheet_name, rows, start, span, match)
    if best is None:
        raise InputError("the workbook has no data", file=name)
    _, sheet_name, rows, start, span, match = best
    if match.missing:  # the error that lists the headers found
        engine.register_frame(rows, location=Location(file=name, sheet=sheet_name))
    frame, register = report.read_rows(rows, matrix, None, sheet=sheet_name, file=name)
    standard = {c.value for c in RiskCategory}
    own: dict[str, int] = {}
    for category in register.risks["category"].dropna():
        if category not in standard:
            own[category] = own.get(category, 0) + 1
    mapped = [(match.headers[i], FIELDS[f].header) for f, i in match.columns.items()]
    not_used = [
        (
            h,
            "cpcxl works this out from likelihood and impact"
            if any(w in normalise_header(h).split() for w in _WORKED_OUT)
            else "no register column of that name",
        )
        for h in match.unmatched_headers
    ]
    return Imported(
        file=name,
        sheet=sheet_name,
        header_rows=(start + 1, start + span),
        risks=engine.register_values(frame, register, matrix),
        mapped=mapped,
        not_used=not_used,
        not_found=[FIELDS[f].header for f in FIELD_NAMES if f not in match.columns],
        problems=register.problems,
        own_categories=own,
    )
