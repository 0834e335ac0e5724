"""The monitoring return: its layout, the packaged template and filled-in copies (openpyxl),
and reading and checking returns (calamine, or the values of the open workbook)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cpcxl.common import formats, styles
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.files import check_workbook_file
from cpcxl.common.formats import Formula
from cpcxl.common.tables import Column, find_header_row, match_headers
from cpcxl.common.values import describe, is_blank, is_excel_error, to_date, to_number, to_text
from cpcxl.common.workbook import (
    add_instructions,
    add_list_validation,
    add_lists_sheet,
    add_table,
    add_xlwings_conf,
    define_name,
    put,
    read_sheets,
    save_workbook,
    set_print,
    style_header,
)

from .models import (
    NOT_APPLICABLE,
    Action,
    ActionKind,
    ActionStatus,
    ActionType,
    Escalation,
    EvidenceType,
    Involvement,
    Issue,
    IssueType,
    Kpi,
    MonitoringActivity,
    MonitoringFramework,
    MonitoringReturn,
    NonCompliance,
    Participant,
    PreviousScore,
    ProviderDetails,
    ProviderType,
    Responsible,
    StatementScore,
)
from .report import RATING_FILLS
from .schemes import BUILT_IN, CQC, framework_from_rows

TEMPLATE_NAME = "monitoring_return"
TEMPLATE_FILE = "monitoring_return.xlsx"
DETAILS_SHEET = "Return"
HEADER_ROW = 3  # every input table's header row; a title sits above it
FIRST_DETAIL_ROW = 4
FORMULA_ROWS = 300  # the native preview formulas look this far down the Scores sheet

# --- the layout of a return --------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One provider or contract detail on the Return sheet: label in A, value in B."""

    name: str
    label: str
    kind: str = "text"  # text, date, money, choice, yesno
    choices: str | None = None  # the Lists sheet name the drop-down uses
    required: bool = False
    prompt: str = ""


DETAIL_FIELDS: tuple[Field, ...] = (
    Field("provider_id", "Provider ID", required=True, prompt="A short code, e.g. P-0042"),
    Field("provider_name", "Provider name", required=True),
    Field("provider_type", "Provider type", "choice", "ProviderTypeList"),
    Field("service", "Service"),
    Field("contract_reference", "Contract reference"),
    Field("contract_value", "Annual contract value (£)", "money"),
    Field("framework", "Monitoring framework", "choice", "FrameworkList"),
    Field("period_start", "Monitoring period from", "date"),
    Field("period_end", "Monitoring period to", "date"),
    Field("monitoring_date", "Date of monitoring", "date", required=True),
    Field("activity", "Monitoring activity", "choice", "ActivityList"),
    Field("lead_officer", "Lead officer (role)"),
    Field("regulatory_breach", "Regulatory breach found", "yesno", "YesNoList"),
    Field("previous_date", "Previous round date", "date"),
    Field("previous_overall", "Previous overall rating", "choice", "RatingList"),
)
_FIELD_NAMES = {f.name: "".join(w.capitalize() for w in f.name.split("_")) for f in DETAIL_FIELDS}
_FIELD_NAMES["provider_id"] = "ProviderID"


@dataclass(frozen=True)
class TableSpec:
    sheet: str
    table: str
    title: str
    columns: tuple[tuple[Column, str], ...]  # (rule, header written in the template)
    choices: Mapping[str, str] = field(default_factory=dict)  # field -> list name
    formats: Mapping[str, str] = field(default_factory=dict)  # field -> number format
    widths: Mapping[str, float] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [h for _, h in self.columns]

    @property
    def rules(self) -> list[Column]:
        return [c for c, _ in self.columns]


def _c(name: str, header: str, *synonyms: str, required: bool = True) -> tuple[Column, str]:
    return Column(name, (header, *synonyms), required), header


PARTICIPANTS = TableSpec(
    "Participants",
    "Participants",
    "Who took part (CPC 305 A1, A6, B2): people using the service, families, staff, others",
    (
        _c("role", "Who took part (role)", "participant", "who took part"),
        _c("organisation", "Organisation", required=False),
        _c("involvement", "Level of involvement", "involvement", required=False),
    ),
    choices={"involvement": "InvolvementList"},
    widths={"Who took part (role)": 40, "Organisation": 36, "Level of involvement": 28},
)
SCORES = TableSpec(
    "Scores",
    "Scores",
    "Statement scores: 1 significant shortfalls, 2 some shortfalls, 3 good, 4 exceptional, "
    "N/A not applicable",
    (
        _c("domain", "Domain", "key question", "area"),
        _c("statement", "Statement", "quality statement"),
        _c("safeguarding", "Safeguarding statement", required=False),
        _c("score", "Score (1-4 or N/A)", "score"),
        _c("evidence", "Evidence", required=False),
        _c("evidence_type", "Evidence type", required=False),
        _c("source", "Source of evidence", "source", required=False),
    ),
    choices={
        "domain": "DomainList",
        "safeguarding": "YesNoList",
        "score": "ScoreList",
        "evidence_type": "EvidenceTypeList",
    },
    widths={
        "Domain": 16,
        "Statement": 44,
        "Safeguarding statement": 14,
        "Score (1-4 or N/A)": 12,
        "Evidence": 50,
        "Evidence type": 26,
        "Source of evidence": 30,
    },
)
KPIS = TableSpec(
    "KPIs",
    "KPIs",
    "Key performance indicators: Green on target, Amber within tolerance, Red beyond it",
    (
        _c("name", "KPI", "measure", "indicator"),
        _c("target", "Target"),
        _c("actual", "Actual"),
        _c("higher_is_better", "Higher is better", "higher better", required=False),
        _c("tolerance", "Tolerance (%)", "tolerance", required=False),
        _c("unit", "Unit", required=False),
        _c("source", "Source", "source of data", required=False),
    ),
    choices={"higher_is_better": "YesNoList"},
    formats={"tolerance": formats.PERCENT},
    widths={"KPI": 44, "Source": 30},
)
ISSUES = TableSpec(
    "Issues",
    "Issues",
    "Issues and concerns (CPC 305 scope); a safeguarding concern needs immediate action",
    (
        _c("description", "Issue or concern", "issue", "concern"),
        _c("issue_type", "Issue type", required=False),
        _c("safeguarding", "Safeguarding concern", "safeguarding", required=False),
        _c("non_compliance", "Non-compliance with", required=False),
        _c("raised", "Date raised", required=False),
        _c("escalated_to", "Escalated to", "escalation", required=False),
        _c("action_taken", "Action taken", required=False),
    ),
    choices={
        "issue_type": "IssueTypeList",
        "safeguarding": "YesNoList",
        "non_compliance": "NonComplianceList",
        "escalated_to": "EscalationList",
    },
    formats={"raised": formats.DATE_UK},
    widths={"Issue or concern": 50, "Issue type": 30, "Action taken": 40},
)
ACTIONS = TableSpec(
    "Actions",
    "Actions",
    "Actions: a requirement is contractual; a recommendation is advice (CPC 305 C5d)",
    (
        _c("action", "Action"),
        _c("kind", "Requirement or recommendation", "requirement", "type of action"),
        _c("action_type", "Action type", required=False),
        _c("responsible", "Responsible", "who is responsible", "owner"),
        _c("due", "Due date", "due", "timescale"),
        _c("status", "Status", required=False),
    ),
    choices={
        "kind": "ActionKindList",
        "action_type": "ActionTypeList",
        "responsible": "ResponsibleList",
        "status": "StatusList",
    },
    formats={"due": formats.DATE_UK},
    widths={"Action": 50, "Requirement or recommendation": 18, "Action type": 28},
)
PREVIOUS = TableSpec(
    "Previous round",
    "PreviousRound",
    "The previous round's domain scores, for the trend",
    (
        _c("domain", "Domain", "key question", "area"),
        _c("percentage", "Previous score (%)", "previous score", "score"),
        _c("rating", "Previous rating", "rating", required=False),
    ),
    choices={"domain": "DomainList", "rating": "RatingList"},
    formats={"percentage": "0"},
    widths={"Domain": 30, "Previous score (%)": 18, "Previous rating": 24},
)
TABLES = (PARTICIPANTS, SCORES, KPIS, ISSUES, ACTIONS, PREVIOUS)
RETURN_SHEETS = (DETAILS_SHEET, *(t.sheet for t in TABLES))
#: An optional sheet of Domain | Statement | Safeguarding rows: the return's own framework,
#: used when its Monitoring framework cell names no built-in or registered framework.
FRAMEWORK_SHEET = "Framework"


def _values(enum: type[StrEnum]) -> list[str]:
    return [str(m) for m in enum]


def _all_labels() -> list[str]:
    labels: list[str] = []
    for framework in BUILT_IN:
        labels += [b.label for b in reversed(framework.bands) if b.label not in labels]
    return labels


LISTS: dict[str, list[Any]] = {
    "ProviderTypeList": _values(ProviderType),
    "FrameworkList": [f.name for f in BUILT_IN],
    "ActivityList": _values(MonitoringActivity),
    "YesNoList": ["Yes", "No"],
    "RatingList": _all_labels(),
    "InvolvementList": _values(Involvement),
    "DomainList": [d for f in BUILT_IN for d in f.domain_names()],
    "ScoreList": [1, 2, 3, 4, NOT_APPLICABLE],
    "EvidenceTypeList": _values(EvidenceType),
    "IssueTypeList": _values(IssueType),
    "NonComplianceList": _values(NonCompliance),
    "EscalationList": _values(Escalation),
    "ActionKindList": _values(ActionKind),
    "ActionTypeList": _values(ActionType),
    "ResponsibleList": _values(Responsible),
    "StatusList": _values(ActionStatus),
}

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
            "whether a regulatory breach was found, and the previous round's overall rating.",
            "Participants: who took part and their level of involvement.",
            "Scores: one row per statement (CQC quality statements are filled in); score each "
            "1-4 or N/A, and record the evidence, its type and its source.",
            "KPIs: measure, target, actual, whether higher is better, and the tolerance "
            "(5% if blank).",
            "Issues: each issue or concern, its type, whether it is a safeguarding concern, "
            "and whether and to whom it was escalated.",
            "Actions: each action, whether it is a requirement or a recommendation, who is "
            "responsible (provider, commissioner or people using the service) and when it is "
            "due.",
            "Previous round: last round's domain scores, so the summary can show the trend.",
            "Your organisation's own framework: add a sheet named Framework with the columns "
            "Domain, Statement and Safeguarding (Yes/No), and type its name in Monitoring "
            "framework on the Return sheet.",
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
            "The overall rating follows CQC's aggregation principles: two or more Inadequate "
            "give Inadequate; one Inadequate or two or more Requires improvement give "
            "Requires improvement; Outstanding needs two or more Outstanding and the rest "
            "Good. A regulatory breach, or any safeguarding statement scored 1, caps it at "
            "Requires improvement.",
            "The score preview on the Return sheet is worked out by Excel itself, so it shows "
            "even without the add-in.",
        ],
    ),
    (
        "Buttons (in the cpcxl add-in or task pane; this file has no macros)",
        [
            "Build summary: checks the return and writes the sheets Summary, Evidence and "
            "Action plan into this workbook. Bad entries are listed with the sheet and cell.",
        ],
    ),
    (
        "Worksheet functions",
        [
            "=CPC_MONITORING_SCORE(scores): the percentage for a range of statement scores "
            "(1-4; blanks and N/A left out).",
            '=CPC_MONITORING_RATING(percentage, "cqc"): the rating for a percentage under a '
            "framework's bands.",
            "=CPC_OVERALL_RATING(ratings, breach): the overall rating from the domain ratings.",
            "=CPC_KPI_RAG(actual, target, higher_is_better, tolerance): Red, Amber or Green.",
        ],
    ),
]


# --- building the template and filled-in returns -------------------------------------------


def build_template(path: str | os.PathLike[str]) -> Path:
    """The packaged, empty return: CQC statements listed, nothing scored."""
    return write_return(path, None)


def write_return(path: str | os.PathLike[str], ret: MonitoringReturn | None) -> Path:
    """A monitoring return: the empty template, or one filled in with ``ret``."""
    wb = Workbook()
    add_instructions(wb, "Provider monitoring return", INSTRUCTIONS)
    _details_sheet(wb, ret)
    if ret is None:
        score_rows = [
            [d.name, s.text, "Yes" if s.safeguarding else "No", None, None, None, None]
            for d in CQC.domains
            for s in d.statements
        ]
    else:
        score_rows = [
            [
                s.domain,
                s.statement,
                "Yes" if s.safeguarding else "No",
                s.score if s.score is not None else NOT_APPLICABLE,
                s.evidence,
                str(s.evidence_type) if s.evidence_type else None,
                s.source,
            ]
            for s in ret.scores
        ]
    rows_by_sheet: dict[str, list[list[Any]]] = {
        "Participants": [
            [p.role, p.organisation, str(p.involvement) if p.involvement else None]
            for p in (ret.participants if ret else [])
        ],
        "Scores": score_rows,
        "KPIs": [
            [
                k.name,
                k.target,
                k.actual,
                "Yes" if k.higher_is_better else "No",
                k.tolerance,
                k.unit,
                k.source,
            ]
            for k in (ret.kpis if ret else [])
        ],
        "Issues": [
            [
                i.description,
                _s(i.issue_type),
                "Yes" if i.safeguarding else "No",
                _s(i.non_compliance),
                i.raised,
                str(i.escalated_to),
                i.action_taken,
            ]
            for i in (ret.issues if ret else [])
        ],
        "Actions": [
            [a.action, str(a.kind), _s(a.action_type), str(a.responsible), a.due, str(a.status)]
            for a in (ret.actions if ret else [])
        ],
        "Previous round": (
            [[p.domain, p.percentage, p.rating or None] for p in ret.previous]
            if ret
            else [[d, None, None] for d in CQC.domain_names()]
        ),
    }
    for spec in TABLES:
        ws = wb.create_sheet(spec.sheet)
        _table_sheet(ws, spec, rows_by_sheet[spec.sheet])
    add_lists_sheet(wb, LISTS).sheet_state = "hidden"
    add_xlwings_conf(wb)
    return save_workbook(wb, path)


def _s(value: Any) -> str | None:
    return str(value) if value is not None else None


def _details_sheet(wb: Workbook, ret: MonitoringReturn | None) -> None:
    ws = wb.create_sheet(DETAILS_SHEET)
    put(ws["A1"], "Monitoring return: provider and contract details").font = styles.TITLE_FONT
    put(ws["A2"], "Fill in the yellow cells; choose from the drop-downs where there is one.")
    ws["A2"].font = styles.NOTE_FONT
    put(ws["A3"], "Detail")
    put(ws["B3"], "Entry")
    style_header(ws, 3, 1, 2)
    details = ret.details if ret else None
    for offset, f in enumerate(DETAIL_FIELDS):
        r = FIRST_DETAIL_ROW + offset
        put(ws.cell(r, 1), f.label).font = Font(bold=f.required)
        cell = ws.cell(r, 2)
        cell.fill = styles.INPUT_FILL
        cell.border = styles.BOX
        value = getattr(details, f.name) if details else None
        if f.name == "framework" and value is None:
            value = CQC.name
        if f.kind == "yesno" and isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, StrEnum):
            value = str(value)
        number_format = {"date": formats.DATE_UK, "money": formats.GBP}.get(f.kind)
        put(cell, value if value not in ("",) else None, number_format)
        if number_format and value is None:
            cell.number_format = number_format
        define_name(wb, _FIELD_NAMES[f.name], DETAILS_SHEET, f"B{r}")
        if f.choices:
            add_list_validation(ws, f"B{r}", f"={f.choices}", prompt=f.prompt or None)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 42
    _score_preview(ws)
    set_print(ws, header="OFFICIAL-SENSITIVE")


def _score_preview(ws: Worksheet) -> None:
    """Domain scores and ratings worked out by Excel's own formulas (no add-in needed)."""
    top = FIRST_DETAIL_ROW - 1
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


def _table_sheet(ws: Worksheet, spec: TableSpec, rows: list[list[Any]]) -> None:
    put(ws["A1"], spec.title).font = styles.SUBTITLE_FONT
    column_formats = {h: spec.formats[c.field] for c, h in spec.columns if c.field in spec.formats}
    widths = {h: w for h, w in spec.widths.items()}
    min_rows = max(10, len(rows) + 5) if spec is not SCORES else max(len(rows), 10)
    ref = add_table(
        ws,
        spec.table,
        spec.headers,
        rows,
        row=HEADER_ROW,
        formats=column_formats,
        widths=widths,
        min_rows=min_rows,
    )
    last_row = int(re.sub(r"^.*?(\d+)$", r"\1", ref))
    for offset, (column, _) in enumerate(spec.columns):
        letter = get_column_letter(offset + 1)
        cells = f"{letter}{HEADER_ROW + 1}:{letter}{last_row}"
        if column.field in spec.choices:
            add_list_validation(ws, cells, f"={spec.choices[column.field]}")
        if column.field in ("due", "raised"):
            for r in range(HEADER_ROW + 1, last_row + 1):
                ws.cell(r, offset + 1).number_format = formats.DATE_UK
    if spec is KPIS:
        _kpi_preview(ws, len(spec.headers) + 1, last_row)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    set_print(
        ws, landscape=True, header="OFFICIAL-SENSITIVE", repeat_rows=f"{HEADER_ROW}:{HEADER_ROW}"
    )


def _kpi_preview(ws: Worksheet, column: int, last_row: int) -> None:
    """RAG worked out by Excel's own formulas, beside the KPI table (no add-in needed)."""
    letter = get_column_letter(column)
    put(ws.cell(HEADER_ROW, column), "RAG (preview)")
    style_header(ws, HEADER_ROW, column, column)
    for r in range(HEADER_ROW + 1, last_row + 1):
        tol = f'IF(E{r}="",0.05,E{r})'
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
    ws.column_dimensions[letter].width = 14


# --- reading a return ----------------------------------------------------------------------

_PROVIDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Names Windows keeps for devices: a summary called CON.xlsx could not be saved there.
_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def read_return_file(
    path: str | os.PathLike[str],
    framework_for: Callable[[str], MonitoringFramework],
    *,
    max_bytes: int | None = None,
) -> tuple[MonitoringReturn, MonitoringFramework]:
    """Read and check one return; every problem in it is raised together (InputErrors)."""
    # Only the return's own sheets: a batch reads thousands, and the Instructions and Lists
    # sheets are the same in every one.
    limits = {"max_bytes": max_bytes} if max_bytes else {}
    sheets = read_sheets(path, only={*RETURN_SHEETS, FRAMEWORK_SHEET}, **limits)
    return parse_return(sheets, framework_for, file=Path(path).name, sheet_names=sheets.names)


def read_provider_id(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> str:
    """Only the provider ID, so a batch can find duplicate returns before it writes."""
    from python_calamine import CalamineWorkbook

    path = check_workbook_file(path, **({"max_bytes": max_bytes} if max_bytes else {}))
    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name(DETAILS_SHEET).to_python(skip_empty_area=False)
    except Exception:
        return ""  # the full read reports what is wrong, with its location
    found = _details_cells(rows)
    value = found.get("provider_id", (None, None))[1]
    return to_text(value) if not is_blank(value) else ""


def _details_cells(rows: Sequence[Sequence[Any]]) -> dict[str, tuple[int, Any]]:
    """{field: (sheet row, value)} from the label/value pairs of the Return sheet."""
    by_label = {_norm(f.label): f.name for f in DETAIL_FIELDS}
    for f in DETAIL_FIELDS:
        by_label.setdefault(_norm(f.name.replace("_", " ")), f.name)
    found: dict[str, tuple[int, Any]] = {}
    for index, row in enumerate(rows):
        if not row or is_blank(row[0]):
            continue
        name = by_label.get(_norm(row[0]))
        if name and name not in found:
            found[name] = (index + 1, row[1] if len(row) > 1 else None)
    return found


def _norm(text: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z£%]+", " ", str(text).lower()).split())


#: Where a value is: a Location, or (sheet, cell, field) made into one only if it is bad
#: (a return has hundreds of cells and nearly all of them are fine).
Where = Location | tuple[str, str, str | None]


class _Reader:
    """Turns cells into checked values, collecting every error with its location."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors = InputErrors()

    def where(self, sheet: str, cell: str, field_name: str | None = None) -> Location:
        return Location(file=self.file, sheet=sheet, cell=cell, field=field_name)

    def location(self, where: Where) -> Location:
        return where if isinstance(where, Location) else self.where(*where)

    def fail(self, message: str, where: Where, valid: Any = None) -> None:
        self.errors.add(InputError(message, location=self.location(where), valid=valid))

    def text(self, value: Any, where: Where) -> str:
        if is_excel_error(value):
            self.fail(f"the cell holds the error {value.strip()}", where, "text")
            return ""
        return to_text(value) if not is_blank(value) else ""

    def choice(self, value: Any, enum: type[StrEnum], where: Where) -> Any:
        if is_blank(value):
            return None
        text = to_text(value).lower()
        for member in enum:
            if str(member).lower() == text or member.name.lower() == text:
                return member
        self.fail(f"{describe(value)} is not in the list", where, _values(enum))
        return None

    def yes_no(self, value: Any, where: Where) -> bool:
        if is_blank(value):
            return False
        if isinstance(value, bool):
            return value
        text = to_text(value).lower()
        if text in _YES:
            return True
        if text not in _NO:
            self.fail(f"{describe(value)} is not Yes or No", where, "Yes, No")
        return False

    def date(self, value: Any, where: Where) -> dt.date | None:
        if is_blank(value):
            return None
        try:
            day = to_date(value)
        except InputError as exc:
            self.fail(exc.message, where, exc.valid)
            return None
        if not 1990 <= day.year <= 2100:
            self.fail(f"{day:%d/%m/%Y} is not a plausible date", where, "a date from 1990 to 2100")
            return None
        return day

    def number(self, value: Any, where: Where, what: str = "a number") -> float | None:
        if is_blank(value):
            return None
        try:
            return to_number(value, what=what)
        except InputError as exc:
            self.fail(exc.message, where, exc.valid)
            return None


def parse_return(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    framework_for: Callable[[str], MonitoringFramework],
    *,
    file: str = "",
    sheet_names: Sequence[str] | None = None,
) -> tuple[MonitoringReturn, MonitoringFramework]:
    """A checked :class:`MonitoringReturn` from every sheet's cell values.

    Values may come from calamine (a file) or xlwings (the open workbook: dates as serials).
    """
    reader = _Reader(file)
    missing = [s for s in RETURN_SHEETS if s not in sheets]
    if missing:
        found = ", ".join(sheet_names if sheet_names is not None else sheets) or "none"
        raise InputError(
            f"this is not a monitoring return: sheet{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} missing (sheets found: {found})",
            location=Location(file=file),
            valid=f"a copy of {TEMPLATE_FILE} with the sheets {', '.join(RETURN_SHEETS)}",
        )
    own = sheets.get(FRAMEWORK_SHEET)
    if own:
        framework_for = _with_sheet_framework(framework_for, own, file)
    details, framework = _read_details(reader, sheets[DETAILS_SHEET], framework_for)
    tables = {spec.sheet: _read_table(reader, spec, sheets[spec.sheet]) for spec in TABLES}
    ret = MonitoringReturn(details=details, source_file=file)
    for r, cells, _ in tables["Participants"]:
        role = reader.text(cells.get("role"), r("role"))
        if role:
            ret.participants.append(
                Participant(
                    role=role,
                    organisation=reader.text(cells.get("organisation"), r("organisation")),
                    involvement=reader.choice(
                        cells.get("involvement"), Involvement, r("involvement")
                    ),
                )
            )
    ret.scores = _read_scores(reader, tables["Scores"], framework)
    ret.kpis = _read_kpis(reader, tables["KPIs"])
    for r, cells, _ in tables["Issues"]:
        ret.issues.append(
            Issue(
                description=reader.text(cells.get("description"), r("description")),
                issue_type=reader.choice(cells.get("issue_type"), IssueType, r("issue_type")),
                safeguarding=reader.yes_no(cells.get("safeguarding"), r("safeguarding")),
                non_compliance=reader.choice(
                    cells.get("non_compliance"), NonCompliance, r("non_compliance")
                ),
                raised=reader.date(cells.get("raised"), r("raised")),
                escalated_to=reader.choice(cells.get("escalated_to"), Escalation, r("escalated_to"))
                or Escalation.NONE,
                action_taken=reader.text(cells.get("action_taken"), r("action_taken")),
            )
        )
    for r, cells, _ in tables["Actions"]:
        kind = reader.choice(cells.get("kind"), ActionKind, r("kind"))
        responsible = reader.choice(cells.get("responsible"), Responsible, r("responsible"))
        if kind is None and is_blank(cells.get("kind")):
            reader.fail(
                "say whether this is a requirement or a recommendation",
                r("kind"),
                _values(ActionKind),
            )
        if responsible is None and is_blank(cells.get("responsible")):
            reader.fail("say who is responsible", r("responsible"), _values(Responsible))
        due = reader.date(cells.get("due"), r("due"))
        if kind == ActionKind.REQUIREMENT and due is None and is_blank(cells.get("due")):
            reader.fail("a requirement needs a due date (its timescale)", r("due"), "a date")
        if kind is not None and responsible is not None:
            ret.actions.append(
                Action(
                    action=reader.text(cells.get("action"), r("action")),
                    kind=kind,
                    action_type=reader.choice(
                        cells.get("action_type"), ActionType, r("action_type")
                    ),
                    responsible=responsible,
                    due=due,
                    status=reader.choice(cells.get("status"), ActionStatus, r("status"))
                    or ActionStatus.OPEN,
                )
            )
    for r, cells, _ in tables["Previous round"]:
        domain = reader.text(cells.get("domain"), r("domain"))
        pct = reader.number(cells.get("percentage"), r("percentage"), "a percentage")
        label = reader.text(cells.get("rating"), r("rating"))
        if pct is not None and not 0 <= pct <= 100:
            reader.fail(f"{pct:g} is not a percentage", r("percentage"), "0 to 100")
            pct = None
        if label and label.lower() not in [x.lower() for x in framework.labels]:
            reader.fail(
                f"{label!r} is not a rating of the {framework.name} framework",
                r("rating"),
                framework.labels,
            )
        if domain and domain.lower() not in [d.lower() for d in framework.domain_names()]:
            reader.fail(
                f"{domain!r} is not a domain of the {framework.name} framework",
                r("domain"),
                framework.domain_names(),
            )
        elif domain:
            ret.previous.append(PreviousScore(domain=domain, percentage=pct, rating=label))
    reader.errors.raise_if_any()
    return ret, framework


Row = tuple[Callable[[str], Where], dict[str, Any], int]


def _with_sheet_framework(
    framework_for: Callable[[str], MonitoringFramework],
    rows: Sequence[Sequence[Any]],
    file: str,
) -> Callable[[str], MonitoringFramework]:
    """Known frameworks first; a name they do not know is the one on the Framework sheet."""

    def resolve(name: str) -> MonitoringFramework:
        try:
            return framework_for(name)
        except InputError:
            where = Location(file=file, sheet=FRAMEWORK_SHEET)
            return framework_from_rows(rows, name=name, where=where)

    return resolve


def _read_details(
    reader: _Reader,
    rows: Sequence[Sequence[Any]],
    framework_for: Callable[[str], MonitoringFramework],
) -> tuple[ProviderDetails, MonitoringFramework]:
    found = _details_cells(rows)
    values: dict[str, Any] = {}
    for f in DETAIL_FIELDS:
        if f.name not in found:
            if f.required:
                reader.fail(
                    f"the detail {f.label!r} is missing from column A",
                    Location(file=reader.file, sheet=DETAILS_SHEET, field=f.label),
                    f"the {DETAILS_SHEET} sheet of {TEMPLATE_FILE}",
                )
            continue
        row, raw = found[f.name]
        where = reader.where(DETAILS_SHEET, f"B{row}", f.label)
        if f.required and is_blank(raw):
            reader.fail(f"{f.label} is required", where)
            continue
        if f.kind == "date":
            values[f.name] = reader.date(raw, where)
        elif f.kind == "money":
            amount = reader.number(raw, where, "an amount in £")
            if amount is not None and amount < 0:
                reader.fail(f"the amount {amount:g} is negative", where, "an amount of £0 or more")
                amount = None
            values[f.name] = amount
        elif f.kind == "yesno":
            values[f.name] = reader.yes_no(raw, where)
        elif f.name == "provider_type":
            values[f.name] = reader.choice(raw, ProviderType, where)
        elif f.name == "activity":
            values[f.name] = reader.choice(raw, MonitoringActivity, where)
        else:
            values[f.name] = reader.text(raw, where)
    provider_id = values.get("provider_id", "")
    if provider_id and (
        not _PROVIDER_ID.match(provider_id) or provider_id.split(".")[0].upper() in _DEVICES
    ):
        row = found["provider_id"][0]
        reader.fail(
            f"{provider_id!r} cannot name a summary file",
            reader.where(DETAILS_SHEET, f"B{row}", "Provider ID"),
            "letters, digits, '-', '_' or '.', up to 64 characters, e.g. P-0042",
        )
        values["provider_id"] = ""
    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start:
        reader.fail(
            f"the period ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})",
            reader.where(DETAILS_SHEET, f"B{found['period_end'][0]}", "Monitoring period to"),
        )
    name = values.get("framework") or CQC.name
    values["framework"] = name
    try:
        framework = framework_for(name)
    except InputError as exc:
        row = found.get("framework", (None,))[0]
        reader.fail(
            exc.message, reader.where(DETAILS_SHEET, f"B{row}", "Monitoring framework"), exc.valid
        )
        framework = CQC
    previous = values.get("previous_overall")
    if previous and previous.lower() not in [x.lower() for x in framework.labels]:
        reader.fail(
            f"{previous!r} is not a rating of the {framework.name} framework",
            reader.where(
                DETAILS_SHEET, f"B{found['previous_overall'][0]}", "Previous overall rating"
            ),
            framework.labels,
        )
        values["previous_overall"] = ""
    elif previous:
        values["previous_overall"] = framework.labels[framework.level_of(previous)]
    if reader.errors:
        # Nothing below can be trusted without the details; report what is wrong so far
        # together with the tables' problems, but build the model from safe stand-ins.
        values = {k: v for k, v in values.items() if v not in (None, "")}
    values.setdefault("provider_id", "?")
    values.setdefault("provider_name", "?")
    return ProviderDetails(**values), framework


def _read_table(reader: _Reader, spec: TableSpec, rows: Sequence[Sequence[Any]]) -> list[Row]:
    """Each non-blank row of a table as (location for a field, {field: raw value})."""
    sheet = spec.sheet
    match = None
    if len(rows) >= HEADER_ROW:
        quick = match_headers(rows[HEADER_ROW - 1], spec.rules)
        if not quick.missing:
            match, start = quick, HEADER_ROW - 1  # the template's own layout: no search needed
    if match is None:
        try:
            start, span, match = find_header_row(rows, spec.rules)
            start += span - 1
        except InputError:
            match = None
        if match is None or match.missing:
            found = ", ".join(repr(h) for h in (match.headers if match else []) if h) or "none"
            missing = ", ".join(
                h
                for c, h in spec.columns
                if c.field in (match.missing if match else [c.field for c in spec.rules])
            )
            reader.fail(
                f"the table's required column{'s' if ',' in missing else ''} {missing} "
                f"could not be found; headers found: {found}",
                Location(file=reader.file, sheet=sheet),
                f"the headers of {TEMPLATE_FILE}: {', '.join(spec.headers)}",
            )
            return []
    letters = {f: get_column_letter(i + 1) for f, i in match.columns.items()}
    out: list[Row] = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        cells = {f: (row[i] if i < len(row) else None) for f, i in match.columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        sheet_row = index + 1

        def where(name: str, _r: int = sheet_row) -> Where:
            return (sheet, f"{letters.get(name, 'A')}{_r}", name)

        out.append((where, cells, sheet_row))
    return out


def _read_scores(
    reader: _Reader, rows: list[Row], framework: MonitoringFramework
) -> list[StatementScore]:
    domains = {d.lower(): d for d in framework.domain_names()}
    scores = []
    for where, cells, sheet_row in rows:
        domain_text = reader.text(cells.get("domain"), where("domain"))
        domain = domains.get(domain_text.lower())
        if domain is None:
            reader.fail(
                f"{domain_text!r} is not a domain of the {framework.name} framework"
                if domain_text
                else "the domain is missing",
                where("domain"),
                framework.domain_names(),
            )
        raw = cells.get("score")
        score: int | None = None
        if not is_blank(raw) and not (
            isinstance(raw, str) and _norm(raw) in ("n a", "na", "not applicable")
        ):
            value = None
            if not is_excel_error(raw):
                try:
                    value = to_number(raw, what="a score")
                except InputError:
                    value = None
            if value in (1, 2, 3, 4):
                score = int(value)  # type: ignore[arg-type]
            else:
                problem = "holds the error" if is_excel_error(raw) else "is not a score"
                reader.fail(f"{describe(raw)} {problem}", where("score"), "1, 2, 3, 4 or N/A")
        if domain is not None:
            scores.append(
                StatementScore(
                    domain=domain,
                    statement=reader.text(cells.get("statement"), where("statement")),
                    safeguarding=reader.yes_no(cells.get("safeguarding"), where("safeguarding")),
                    score=score,
                    evidence=reader.text(cells.get("evidence"), where("evidence")),
                    evidence_type=reader.choice(
                        cells.get("evidence_type"), EvidenceType, where("evidence_type")
                    ),
                    source=reader.text(cells.get("source"), where("source")),
                    row=sheet_row,
                )
            )
    return scores


def _read_kpis(reader: _Reader, rows: list[Row]) -> list[Kpi]:
    kpis = []
    for where, cells, _ in rows:
        name = reader.text(cells.get("name"), where("name"))
        target = reader.number(cells.get("target"), where("target"), "a target")
        actual = reader.number(cells.get("actual"), where("actual"), "an actual value")
        if target is None and is_blank(cells.get("target")):
            reader.fail("the target is missing", where("target"), "a number")
        if actual is None and is_blank(cells.get("actual")):
            reader.fail("the actual value is missing", where("actual"), "a number")
        higher = True
        raw_higher = cells.get("higher_is_better")
        if not is_blank(raw_higher):
            higher = reader.yes_no(raw_higher, where("higher_is_better"))
        tolerance = reader.number(cells.get("tolerance"), where("tolerance"), "a tolerance")
        if tolerance is None:
            tolerance = 0.05
        elif not 0 <= tolerance < 1:
            reader.fail(
                f"{describe(cells.get('tolerance'))} is not a tolerance",
                where("tolerance"),
                "a percentage from 0% to 99%, e.g. 5%",
            )
            tolerance = 0.05
        if target is not None and actual is not None:
            kpis.append(
                Kpi(
                    name=name,
                    target=target,
                    actual=actual,
                    higher_is_better=higher,
                    tolerance=tolerance,
                    unit=reader.text(cells.get("unit"), where("unit")),
                    source=reader.text(cells.get("source"), where("source")),
                )
            )
    return kpis
