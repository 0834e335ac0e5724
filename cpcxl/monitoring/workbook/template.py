"""The packaged monitoring return and filled-in copies of it (openpyxl), built from the
table specifications in :mod:`cpcxl.monitoring.inputs`, the same ones that read it back."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.fields import Choice
from cpcxl.common.formats import Formula
from cpcxl.common.inputs import TableSpec
from cpcxl.common.workbook import (
    add_input_table,
    add_instructions,
    add_lists_sheet,
    add_settings_table,
    add_xlwings_conf,
    define_name,
    put,
    save_workbook,
    set_print,
    style_header,
)
from cpcxl.plugins import WorkbookTemplate

from ..inputs import (
    COMPLIANCE,
    DETAIL_COLUMNS,
    DETAILS,
    KPIS,
    NOT_APPLICABLE,
    SCORES,
    STAKEHOLDERS,
    STRENGTHS,
    TEMPLATE_FILE,
    TEMPLATE_TABLES,
    YES_NO_LIST,
)
from ..models import MonitoringFramework, MonitoringReturn
from ..outputs import RATING_FILLS
from ..schemes import BUILT_IN, CPC306, CQC

TEMPLATE_NAME = "monitoring_return"
HEADER_ROW = 3  # every input table's header row (the Return sheet's too); a title above it
FORMULA_ROWS = 300  # the native preview formulas look this far down the Scores sheet
MARKING = "OFFICIAL-SENSITIVE"

# The named cell of each detail (ProviderID, ProviderName ...), for formulas and macros.
_CELL_NAMES = {
    s.field: "".join(w.capitalize() for w in s.field.split("_")) for s in DETAILS.settings
}
_CELL_NAMES["provider_id"] = "ProviderID"


def _all_labels() -> list[str]:
    labels: list[str] = []
    for framework in BUILT_IN:
        labels += [b.label for b in reversed(framework.bands) if b.label not in labels]
    return labels


# The lists whose options are not one Choice: they hold every built-in framework's options.
_FRAMEWORK_LISTS: dict[str, list[Any]] = {
    "FrameworkList": [f.name for f in BUILT_IN],
    "RatingList": _all_labels(),
    "DomainList": [d for f in BUILT_IN for d in f.domain_names()],
    "ScoreList": [1, 2, 3, 4, NOT_APPLICABLE],
    YES_NO_LIST: ["Yes", "No"],
    "StageList": CPC306.names,
}
#: What a new table's row 2 shows above its header: an example, never read as an entry (a
#: row of the table would be read as this provider's own).
EXAMPLES = {
    STRENGTHS.name: "For example: Care plans are personal and reviewed with families | "
    "Responsive | Six care plans sampled, each reviewed in the last three months",
    STAKEHOLDERS.name: "For example: Family carers of people using the service | | People "
    "using the service, their families and friends | Receiving information only | Letter or email",
    COMPLIANCE.name: "For example: Improvement notice | 01/06/2026 | Medicines records "
    "incomplete | Audit every medicines record and retrain staff | 01/09/2026 | Audit report | "
    "Head of Commissioning | Two visits found the same gap",
}


def _lists() -> dict[str, list[Any]]:
    """The Lists sheet: one named column for each drop-down the specs name, in their order."""
    kinds = [s.type for s in DETAILS.settings] + [
        c.type for t in TEMPLATE_TABLES for c in t.columns
    ]
    lists: dict[str, list[Any]] = {}
    for kind in kinds:
        name = getattr(kind, "list_name", None)
        if name and name not in lists:
            lists[name] = list(kind.labels) if isinstance(kind, Choice) else _FRAMEWORK_LISTS[name]
    return lists


LISTS = _lists()

INSTRUCTIONS: list[tuple[str, str | list[str]]] = [
    (
        "What this workbook is",
        "The monitoring return for one provider and one monitoring round (CPC 305 B4: an "
        "accurate record of the results of monitoring). Fill it in, then press Build summary "
        "to write the provider's monitoring summary into this workbook. A contracts team can "
        "also turn a folder of returns into summaries and a portfolio overview with "
        "`cpcxl monitoring batch`.",
    ),
    (
        "What to fill in (yellow cells and the tables)",
        [
            "Return: the provider, the contract, the monitoring period and date, the kind of "
            "monitoring (proactive, reactive or self-assessment), the lead officer's role, "
            "whether a regulatory breach was found and the key question it sits in, and the "
            "previous round's overall rating.",
            "Participants: who took part and their level of involvement.",
            "Scores: one row per statement (CQC quality statements are filled in); score each "
            "1-4 or N/A, and record the evidence, its type and its source.",
            "KPIs: measure, target, actual, whether higher is better, and the tolerance as a "
            "percentage of the target (5% if blank; from 0% to 50%). Type 5% (or 0.05): a "
            "plain 5 would mean 500% and is refused.",
            "Issues: each issue or concern, its type, whether it is a safeguarding concern, "
            "and whether and to whom it was escalated.",
            "Actions: each action, whether it is a requirement or a recommendation, who is "
            "responsible (provider, commissioner or people using the service) and when it is "
            "due (a requirement needs a due date). Keep last round's open actions on the "
            "list with their status: with a history, each keeps the round it was raised in.",
            "Previous round: last round's domain scores (0 to 100) and ratings, so the summary "
            "can show the trend and carry forward a key question not reassessed (a rating "
            "more than 24 months old is not carried forward). With a history (the batch's "
            "--history), the history supplies the previous round instead.",
            "Scores: give a reason for every statement marked N/A or left blank (CPC 305 B6); "
            "the summary lists them.",
            "KPIs: Baseline is the value progress is measured from (CPC 424 C1), if you have "
            "one; with a history, the baseline round's value is used when it is blank.",
            "Strengths: good practice found (CPC 305 C1); statements scored 4 are added to "
            "them in the summary.",
            "Stakeholders: who is kept informed of the monitoring (CPC 305 B8), by role or "
            "group (no contact details); those receiving information only get the batch's "
            "one-page update (--updates).",
            "Compliance: one row for each change of compliance stage (CPC 306 C): the stage, "
            "the date entered, the breach or issue, the requirement it is for, the deadline, "
            "the evidence that would close it, who decided and why. Stages: None, Informal "
            "concern, Improvement notice, Default notice (after an improvement notice), "
            "Suspension of new placements, Termination notice (after a default notice).",
            "Your organisation's own framework: add a sheet named Framework with the columns "
            "Domain, Statement and Safeguarding (Yes/No), and type its name in Monitoring "
            "framework on the Return sheet.",
            "Keep each table's headers as they are: a header the table does not know is "
            "reported, and nothing is read from that table until it is put right.",
        ],
    ),
    (
        "How scores and ratings work",
        [
            "Domain score = sum of statement scores ÷ (4 × statements scored), as a "
            "percentage; N/A and blank statements are left out.",
            "Ratings (CQC thresholds): 38% or lower Inadequate, 39-62% Requires improvement, "
            "63-87% Good, 88% or more Outstanding. The percentage is rounded to a whole "
            "number first, halves up (38.5% counts as 39%).",
            "The overall rating follows CQC's rating principles: it needs a rating for all "
            "five key questions (a key question not scored this round carries forward its "
            "rating from the Previous round sheet; without one the overall is Not rated); two "
            "or more Inadequate give Inadequate; one Inadequate or two or more Requires "
            "improvement give Requires improvement; Outstanding needs two or more Outstanding "
            "and the rest Good.",
            "A regulatory breach caps the overall rating at Requires improvement (CQC), and "
            "the key question it sits in (name it on the Return sheet) too.",
            "cpcxl's own local rule, on by default and not one of CQC's: a safeguarding "
            "statement scored 1 caps the overall rating at Requires improvement.",
            "A return with every statement N/A is Not rated: nothing was assessed.",
            "The score preview on the Return sheet is worked out by Excel itself, so it shows "
            "even without the add-in.",
        ],
    ),
    (
        "Buttons (in the cpcxl add-in or task pane; this file has no macros)",
        [
            "Build summary: checks the return and writes the sheets Summary, Evidence, "
            "Action plan and Compliance into this workbook. Bad entries are listed with the "
            "sheet and cell.",
        ],
    ),
    (
        "Worksheet functions",
        [
            "=CPC_MONITORING_SCORE(scores): the percentage for a range of statement scores "
            "(1-4; blanks and N/A left out).",
            '=CPC_MONITORING_RATING(percentage, "cqc"): the rating for a percentage (0 to '
            "100) under a framework's bands.",
            "=CPC_OVERALL_RATING(ratings, breach, scheme, previous): the overall rating from "
            "the five domain ratings; previous (the last round's, same order) fills blanks.",
            "=CPC_KPI_RAG(actual, target, higher_is_better, tolerance): Red, Amber or Green; "
            "the tolerance is a percentage such as 5%.",
        ],
    ),
]


# --- building the template and filled-in returns -------------------------------------------


def build_template(path: str | os.PathLike[str]) -> Path:
    """The packaged, empty return: CQC statements listed, nothing scored."""
    return write_return(path, None)


TEMPLATE = WorkbookTemplate(
    name=TEMPLATE_NAME,
    filename=TEMPLATE_FILE,
    title="Provider monitoring return (one provider, one round)",
    build=build_template,
)


def _cell(value: Any) -> Any:
    """A model's value as the return shows it: Yes/No for flags, an option's label."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, StrEnum):
        return str(value)
    return value


def _rows(ret: MonitoringReturn | None) -> dict[str, list[list[Any]]]:
    """Each table's rows, in its spec's column order (output columns left blank)."""
    if ret is None:
        scores = [
            {"domain": d.name, "statement": s.text, "safeguarding": s.safeguarding}
            for d in CQC.domains
            for s in d.statements
        ]
        previous = [{"domain": d} for d in CQC.domain_names()]
        records: dict[str, list[dict[str, Any]]] = {"Scores": scores, "PreviousRound": previous}
    else:
        records = {
            "Participants": [p.model_dump() for p in ret.participants],
            "Scores": [
                {**s.model_dump(), "score": NOT_APPLICABLE if s.score is None else s.score}
                for s in ret.scores
            ],
            "KPIs": [k.model_dump() for k in ret.kpis],
            "Issues": [i.model_dump() for i in ret.issues],
            "Actions": [a.model_dump() for a in ret.actions],
            "PreviousRound": [{**p.model_dump(), "rating": p.rating or None} for p in ret.previous],
            "Strengths": [{**s.model_dump(), "domain": s.domain or None} for s in ret.strengths],
            "Stakeholders": [s.model_dump() for s in ret.stakeholders],
            "Compliance": [c.model_dump() for c in ret.compliance],
        }
    return {
        spec.name: [
            [None if c.output else _cell(r.get(c.field)) for c in spec.columns]
            for r in records.get(spec.name, [])
        ]
        for spec in TEMPLATE_TABLES
    }


def write_return(path: str | os.PathLike[str], ret: MonitoringReturn | None) -> Path:
    """A monitoring return: the empty template, or one filled in with ``ret``."""
    wb = Workbook()
    add_instructions(wb, "Provider monitoring return", INSTRUCTIONS)
    _details_sheet(wb, ret)
    for spec, rows in zip(TEMPLATE_TABLES, _rows(ret).values(), strict=True):
        _table_sheet(wb.create_sheet(spec.sheet), spec, rows)
    add_lists_sheet(wb, LISTS).sheet_state = "hidden"
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _details_sheet(wb: Workbook, ret: MonitoringReturn | None) -> None:
    ws = wb.create_sheet(DETAILS.sheet)
    put(ws["A1"], DETAILS.title).font = styles.TITLE_FONT
    put(ws["A2"], "Fill in the yellow cells; choose from the drop-downs where there is one.")
    ws["A2"].font = styles.NOTE_FONT
    details = ret.details.model_dump() if ret else {"framework": CQC.name}
    values = {s.field: _cell(details.get(s.field)) for s in DETAILS.settings}
    values = {k: None if v == "" else v for k, v in values.items()}
    add_settings_table(ws, DETAILS, values, row=HEADER_ROW)
    style_header(ws, HEADER_ROW, 1, DETAIL_COLUMNS)
    for offset, setting in enumerate(DETAILS.settings, start=1):
        r = HEADER_ROW + offset
        ws.cell(r, 1).font = Font(bold=setting.required)
        ws.cell(r, 2).border = styles.BOX
        ws.cell(r, 3).font = styles.NOTE_FONT
        ws.cell(r, 3).alignment = Alignment(vertical="top")  # each note fits on its line
        define_name(wb, _CELL_NAMES[setting.field], DETAILS.sheet, f"B{r}")
    for letter, width in (("A", 30), ("B", 42), ("C", 56)):
        ws.column_dimensions[letter].width = width
    _score_preview(ws)
    set_print(ws, landscape=True, header=MARKING)


def _score_preview(ws: Worksheet) -> None:
    """Domain scores and ratings worked out by Excel's own formulas (no add-in needed)."""
    top = HEADER_ROW
    for c, text in enumerate(("Domain", "Score (%)", "Rating (CQC bands)"), start=4):
        put(ws.cell(top, c), text)
    style_header(ws, top, 4, 6)
    put(ws.cell(top - 1, 4), "Score preview (calculated by Excel)").font = styles.SUBTITLE_FONT
    domains = f"Scores!$A${HEADER_ROW + 1}:$A${FORMULA_ROWS}"
    scores = f"Scores!$D${HEADER_ROW + 1}:$D${FORMULA_ROWS}"
    bands = list(reversed(CQC.bands))
    for offset, domain in enumerate(CQC.domain_names(), start=1):
        r = top + offset
        put(ws.cell(r, 4), domain)
        put(
            ws.cell(r, 5),
            Formula(
                f"=IFERROR(100*SUMIFS({scores},{domains},D{r})/"
                f'(4*COUNTIFS({domains},D{r},{scores},">=1")),"")'
            ),
            "0.0",
        )
        rating = f'"{bands[-1].label}"'
        for band in bands[1:-1][::-1]:
            rating = f'IF(ROUND(E{r},0)>={band.min_percent},"{band.label}",{rating})'
        rating = f'IF(ROUND(E{r},0)>={bands[0].min_percent},"{bands[0].label}",{rating})'
        put(ws.cell(r, 6), Formula(f'=IF(E{r}="","",{rating})'))
    last = top + len(CQC.domains)
    _rating_colours(ws, f"F{top + 1}:F{last}", CQC)
    ws.column_dimensions["D"].width = 16
    ws.column_dimensions["E"].width = 12
    ws.column_dimensions["F"].width = 24


def _rating_colours(ws: Worksheet, ref: str, framework: MonitoringFramework) -> None:
    for band, colour in zip(framework.bands, RATING_FILLS, strict=True):
        ws.conditional_formatting.add(
            ref, CellIsRule(operator="equal", formula=[f'"{band.label}"'], fill=styles.fill(colour))
        )


def _table_sheet(ws: Worksheet, spec: TableSpec, rows: Sequence[Sequence[Any]]) -> None:
    put(ws["A1"], spec.title).font = styles.SUBTITLE_FONT
    if spec.name in EXAMPLES:
        put(ws["A2"], EXAMPLES[spec.name]).font = styles.NOTE_FONT
    # Room to add rows; the Scores table is as long as its statements (at least ten).
    min_rows = max(len(rows), 10) if spec is SCORES else max(10, len(rows) + 5)
    add_input_table(ws, spec, rows, row=HEADER_ROW, min_rows=min_rows)
    last_row = HEADER_ROW + max(len(rows), min_rows)
    if spec is KPIS:
        _kpi_preview(ws, last_row)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    set_print(ws, landscape=True, header=MARKING, repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _kpi_preview(ws: Worksheet, last_row: int) -> None:
    """RAG worked out by Excel's own formulas in the KPI table's RAG column (no add-in)."""
    column = [c.field for c in KPIS.columns].index("rag") + 1
    letter = get_column_letter(column)
    default = KPIS.column("tolerance").default
    for r in range(HEADER_ROW + 1, last_row + 1):
        tol = f'IF(E{r}="",{default},E{r})'
        put(
            ws.cell(r, column),
            Formula(
                f'=IF(OR(B{r}="",C{r}=""),"",IF(D{r}="No",'
                f'IF(C{r}<=B{r},"Green",IF(C{r}-B{r}<={tol}*ABS(B{r}),"Amber","Red")),'
                f'IF(C{r}>=B{r},"Green",IF(B{r}-C{r}<={tol}*ABS(B{r}),"Amber","Red"))))'
            ),
        )
    ref = f"{letter}{HEADER_ROW + 1}:{letter}{last_row}"
    for word, colour in (("Green", formats.GREEN), ("Amber", formats.AMBER), ("Red", formats.RED)):
        ws.conditional_formatting.add(
            ref, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=styles.fill(colour))
        )
