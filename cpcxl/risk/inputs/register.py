"""The Register table, read into typed columns with every problem placed in its cell.

One :class:`TableSpec` declares the register (its headers, the other spellings registers in
use give them, each column's value type, format and width; the columns cpcxl writes itself as
``output``): the template is built from it and the Score register button, ``cpcxl risk score``
and ``cpcxl risk import`` read with it. A bad cell becomes blank in its own column and a
problem naming its cell; the rest of the row, and every other row, is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.fields import TEXT, Date, Flag, Items, Number, Rate, Text, year_label
from cpcxl.common.inputs import RAW, Cells, Column, TableRead, TableSpec, read_table
from cpcxl.common.report import column_index
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..models import PAIRS, QUANTITIES, RiskMatrix, RiskStatus
from ..schemes import NHS_5X5
from .kinds import (
    ESTIMATE,
    PREVIOUS_SCORE,
    PROBABILITY,
    PROXIMITY,
    RESPONSE,
    STATUS,
    Category,
    LevelScore,
    proximity_text,
)
from .matrix import (
    REGISTER,
)

REGISTER_TABLE = "Register"
RATING_PROMPT = "Choose a label, or type its number (see the Matrix sheet)."
DATE = Date()
#: The organisation's objectives a risk threatens, by their refs on the Objectives sheet.
OBJECTIVE_REFS = Items(what="objective refs separated by semicolons", item=Text("an objective ref"))
#: Whether the partners of a joint arrangement share the risk (checked against each
#: partner's appetite).
SHARED = Flag(list_name="YesNo")


def register_spec(
    matrix: RiskMatrix = NHS_5X5,
    categories: Iterable[str] | None = None,
    *,
    sheet: str = REGISTER,
) -> TableSpec:
    """The Register table on ``matrix``: its categories those given (the Appetite sheet's), or
    with None any text (as an import keeps an organisation's own categories)."""
    likelihood, impact = LevelScore(matrix, "likelihood"), LevelScore(matrix, "impact")

    def rating(field: str, header: str, synonyms: tuple[str, ...], **options: Any) -> Column:
        kind = likelihood if field.endswith("likelihood") else impact
        return Column(field, header, kind, synonyms, blank=True, prompt=RATING_PROMPT, **options)

    def worked_out(field: str, header: str, **options: Any) -> Column:
        return Column(field, header, required=False, output=True, **options)

    columns = (
        Column(
            "risk_id",
            "Risk ID",
            TEXT,
            ("id", "ref", "risk ref", "reference", "risk no", "risk number", "no"),
            blank=True,
        ),
        Column(
            "title",
            "Title",
            TEXT,
            ("risk", "risk title", "risk name", "short title"),
            False,
            width=34,
        ),
        Column(
            "description",
            "Description",
            TEXT,
            ("risk description", "cause and effect", "details", "description of risk"),
            False,
            width=44,
        ),
        Column(
            "category",
            "Category",
            Category(categories),
            ("risk category", "risk type", "type", "area", "risk area"),
            False,
            width=30,
        ),
        Column("owner", "Owner", TEXT, ("risk owner", "lead", "responsible officer"), False),
        rating(
            "inherent_likelihood",
            "Inherent likelihood",
            (
                "likelihood",
                "inherent probability",
                "gross likelihood",
                "initial likelihood",
                "inherent risk likelihood",
                "inherent risk probability",
                "pre mitigation likelihood",
            ),
        ),
        rating(
            "inherent_impact",
            "Inherent impact",
            (
                "impact",
                "consequence",
                "severity",
                "inherent consequence",
                "inherent severity",
                "gross impact",
                "initial impact",
                "inherent risk impact",
                "inherent risk consequence",
                "inherent risk severity",
                "pre mitigation impact",
            ),
        ),
        worked_out("inherent_score", "Inherent score"),
        worked_out("inherent_band", "Inherent band"),
        Column(
            "controls",
            "Controls",
            TEXT,
            (
                "existing controls",
                "controls in place",
                "mitigation",
                "mitigations",
                "current controls",
                "mitigating actions",
            ),
            False,
            width=40,
        ),
        rating(
            "residual_likelihood",
            "Residual likelihood",
            (
                "residual probability",
                "current likelihood",
                "net likelihood",
                "residual risk likelihood",
                "residual risk probability",
                "current risk likelihood",
                "current risk probability",
            ),
            required=False,
        ),
        rating(
            "residual_impact",
            "Residual impact",
            (
                "residual consequence",
                "residual severity",
                "current impact",
                "current consequence",
                "net impact",
                "residual risk impact",
                "residual risk consequence",
                "residual risk severity",
                "current risk impact",
                "current risk consequence",
            ),
            required=False,
        ),
        worked_out("residual_score", "Residual score"),
        worked_out("residual_band", "Residual band"),
        rating(
            "target_likelihood",
            "Target likelihood",
            ("target probability", "target risk likelihood", "target risk probability"),
            required=False,
        ),
        rating(
            "target_impact",
            "Target impact",
            (
                "target consequence",
                "target severity",
                "target risk impact",
                "target risk consequence",
                "target risk severity",
            ),
            required=False,
        ),
        worked_out("target_score", "Target score"),
        Column(
            "status",
            "Status",
            STATUS,
            ("risk status", "open closed"),
            False,
            default=RiskStatus.OPEN,
        ),
        Column(
            "date_raised",
            "Date raised",
            DATE,
            ("raised", "date identified", "date opened", "date added", "identified"),
            False,
        ),
        Column(
            "last_reviewed",
            "Last reviewed",
            DATE,
            ("last review", "date reviewed", "last review date", "date of last review"),
            False,
        ),
        Column(
            "next_review",
            "Next review",
            DATE,
            ("next review date", "review date", "review by", "review due", "date of next review"),
            False,
        ),
        Column(
            "previous_score",
            "Score at last review",
            PREVIOUS_SCORE,
            (
                "previous score",
                "previous residual score",
                "last score",
                "residual score at last review",
            ),
            False,
        ),
        worked_out("movement", "Movement"),
        Column(
            "probability",
            "Chance of occurring",
            PROBABILITY,
            ("probability %", "probability of occurrence", "chance", "% chance"),
            False,
        ),
        Column(
            "minimum",
            "Minimum impact (£)",
            ESTIMATE,
            ("minimum £", "min £", "minimum impact", "minimum cost", "best case £"),
            False,
        ),
        Column(
            "most_likely",
            "Most likely impact (£)",
            ESTIMATE,
            ("most likely £", "most likely impact", "most likely cost", "likely £"),
            False,
        ),
        Column(
            "maximum",
            "Maximum impact (£)",
            ESTIMATE,
            ("maximum £", "max £", "maximum impact", "maximum cost", "worst case £"),
            False,
        ),
        Column(
            "response",
            "Response",
            RESPONSE,
            ("risk response", "response strategy", "treatment strategy", "treatment option"),
            False,
            width=12,
        ),
        Column(
            "response_reason",
            "Reason for response",
            TEXT,
            ("response reason", "rationale", "justification", "reason for tolerating"),
            False,
            width=30,
        ),
        Column(
            "proximity",
            "Proximity",
            PROXIMITY,
            ("risk proximity", "timescale", "expected timing", "when it would bite"),
            False,
        ),
        Column(
            "objectives",
            "Objectives",
            OBJECTIVE_REFS,
            (
                "objective",
                "strategic objective",
                "strategic objectives",
                "corporate objective",
                "corporate objectives",
                "objectives affected",
            ),
            False,
            width=14,
        ),
        Column(
            "baf_ref",
            "BAF ref",
            TEXT,
            ("baf", "baf reference", "board assurance framework", "baf entry", "baf risk"),
            False,
        ),
        Column(
            "shared",
            "Shared risk",
            SHARED,
            ("shared", "shared with partners", "joint risk", "partnership risk", "shared y n"),
            False,
        ),
        worked_out("flags", "Flags", width=70),
    )
    return TableSpec(REGISTER_TABLE, sheet, columns, "Risk register")


#: The packaged register's table, on the default matrix (for building the template).
REGISTER_SPEC = register_spec()
#: Every input column of the register (not those cpcxl works out), in the template's order.
FIELDS = [c for c in REGISTER_SPEC.columns if not c.output]


@dataclass
class Register:
    """A register as read: one row per risk (nothing dropped), the cells as they were found,
    and every problem in a cell, located (the rows with one are still scored)."""

    spec: TableSpec
    table: TableRead
    risks: pd.DataFrame
    found: pd.DataFrame
    problems: InputErrors
    #: The sheet rows of the table's body (of an Excel Table, all of them; of a sheet read
    #: whole, from its first risk to its last), where the worked-out columns are written.
    body_rows: range

    def column(self, field: str) -> int | None:
        """The sheet column (from 1) of a field's column in the table, if it has one."""
        return sheet_column(self.table, field)

    def problem(self, index: int, field: str, message: str, valid: str) -> None:
        """A problem in the cell of the ``index``-th risk's ``field``."""
        _problem(self, index, field, message, valid)

    def values(self, matrix: RiskMatrix) -> list[dict[str, Any]]:
        """Each risk as field -> value to write into a register: values as read, labels in the
        matrix's own spelling (so the workbook's formulas know them), and any cell that could
        not be read exactly as it was, so nothing is lost and the officer can put it right."""
        return record_values(self.spec, self.risks, self.found, matrix)


def record_values(
    spec: TableSpec, typed: pd.DataFrame, found: pd.DataFrame, matrix: RiskMatrix | None = None
) -> list[dict[str, Any]]:
    """A table's rows as field -> value to write back: each value as read (a label in the
    matrix's own spelling, a year as 2026/27, Yes or No), or a cell that could not be read
    exactly as it was found."""
    labels = {
        "likelihood": [lv.label for lv in matrix.likelihood] if matrix else [],
        "impact": [lv.label for lv in matrix.impact] if matrix else [],
    }
    rows = []
    for i in range(len(typed)):
        row: dict[str, Any] = {}
        for c in spec.columns:
            if c.output:
                continue
            value = typed[c.field].iloc[i]
            as_found = found[c.field].iloc[i]
            if is_blank(value):
                row[c.field] = None if is_blank(as_found) else as_found
            elif isinstance(c.type, LevelScore) and isinstance(as_found, str):
                shown = as_found.strip().isdigit()
                row[c.field] = value if shown else labels[c.type.axis][int(value) - 1]
            elif isinstance(c.type, Number) and c.type.whole:
                row[c.field] = int(value)
            elif isinstance(value, bool | np.bool_):
                row[c.field] = "Yes" if value else "No"
            elif isinstance(value, tuple):
                row[c.field] = "; ".join(str(t) for t in value)
            elif c.field == "proximity":
                row[c.field] = proximity_text(value)
            elif isinstance(value, np.generic):
                row[c.field] = value.item()
            else:
                row[c.field] = value
        rows.append(row)
    return rows


def as_found(spec: TableSpec) -> TableSpec:
    """The same table with every cell passed on as it is, to keep what could not be read."""
    columns = tuple(
        dataclasses.replace(c, type=RAW, blank=True, required=False) for c in spec.columns
    )
    return dataclasses.replace(spec, columns=columns)


def sheet_column(table: TableRead, field: str) -> int | None:
    """The sheet column (from 1) of a field's column in a table read, if it has one."""
    letter = table.letters.get(field)
    return None if letter is None else column_index(letter)


def body_rows(cells: Cells | None, frame: pd.DataFrame) -> range:
    """The sheet rows of a table's body: of an Excel Table, all of them; of a sheet read
    whole, from its first row read to its last."""
    if cells is not None and cells.exact:
        return range(cells.first_row + 1, cells.first_row + len(cells.rows))
    return range(int(frame[ROW].min()), int(frame[ROW].max()) + 1) if len(frame) else range(0)


def read_register(
    cells: Cells | None,
    matrix: RiskMatrix,
    errors: InputErrors,
    *,
    categories: Iterable[str] | None = None,
    file: str | None = None,
    sheet: str = REGISTER,
) -> Register | None:
    """Read a register table; None (its problems in ``errors``) when its header is wrong, as
    nothing can be read from it then. Problems in its cells are the register's ``problems``.

    ``categories`` are those with an appetite set; None accepts any category (as an import
    does).
    """
    spec = register_spec(matrix, categories, sheet=sheet)
    problems = InputErrors()
    table = read_table(spec, cells, problems, file=file)
    if table is None:
        errors.extend(problems)
        for text in problems.notes:
            errors.note(text)
        return None
    found = read_table(as_found(spec), cells, InputErrors(), file=file)
    assert found is not None  # the same header was just read
    risks = typed_frame(spec, table)
    register = Register(spec, table, risks, found.frame, problems, body_rows(cells, risks))
    _check_ids(register)
    _check_pairs(register)
    _check_proximity(register)
    risks["status"] = risks["status"].where(risks["status"].notna(), RiskStatus.OPEN.value)
    risks["quantified"] = _check_quantities(register)
    order = {c.header: i for i, c in enumerate(spec.columns)}
    problems.errors.sort(key=lambda e: _place(e, order))
    return register


def typed_frame(spec: TableSpec, table: TableRead) -> pd.DataFrame:
    """The typed columns, numbers as floats and everything else as objects with None blanks
    (status and the like as their plain text)."""
    frame = table.frame
    risks = pd.DataFrame({ROW: frame[ROW].to_numpy()})
    for c in spec.columns:
        if c.output:
            continue
        if isinstance(c.type, Number | Rate):
            risks[c.field] = frame[c.field].to_numpy(dtype=float)
            continue
        values = [
            None if is_blank(v) else (v.value if isinstance(v, Enum) else v)
            for v in frame[c.field].to_numpy(dtype=object)
        ]
        risks[c.field] = pd.Series(values, dtype=object)
    return risks


def _place(error: InputError, order: Mapping[str, int]) -> tuple[float, int]:
    where = error.location
    row = where.row if where and where.row is not None else float("inf")
    return row, order.get(where.field or "", -1) if where else -1


def _problem(register: Register, index: int, field: str, message: str, valid: str) -> None:
    row = int(register.risks[ROW].iloc[index])
    register.problems.add(message, location=register.table.where(row, field), valid=valid)


def _blank_found(register: Register, field: str) -> np.ndarray:
    """Which rows leave a field's cell blank (every row where the table has no such column)."""
    return register.found[field].map(is_blank).to_numpy(dtype=bool)


def _check_ids(register: Register) -> None:
    unique = "an id unique in the register"
    blank = _blank_found(register, "risk_id")
    first_row: dict[str, int] = {}
    for i, risk_id in enumerate(register.risks["risk_id"]):
        if blank[i]:
            _problem(register, i, "risk_id", "the risk id is blank", unique)
        elif risk_id:
            key = str(risk_id).strip().casefold()
            if key in first_row:
                message = f"risk id {risk_id!r} is already used at row {first_row[key]}"
                _problem(register, i, "risk_id", message, unique)
            else:
                first_row[key] = int(register.risks[ROW].iloc[i])


def _check_pairs(register: Register) -> None:
    """Half a rating (a likelihood without its impact, or the reverse), and no inherent rating."""
    risks = register.risks
    for stage, (likelihood, impact) in PAIRS.items():
        for given, other in ((likelihood, impact), (impact, likelihood)):
            half = risks[given].notna().to_numpy() & risks[other].isna().to_numpy()
            for i in np.flatnonzero(half & _blank_found(register, other)):
                axis = "likelihood" if other.endswith("likelihood") else "impact"
                _problem(
                    register,
                    int(i),
                    other,
                    f"the {stage} {axis} is blank",
                    f"both {stage} likelihood and impact, or neither",
                )
    unrated = _blank_found(register, "inherent_likelihood") & _blank_found(
        register, "inherent_impact"
    )
    for i in np.flatnonzero(unrated):
        _problem(
            register,
            int(i),
            "inherent_likelihood",
            "the inherent likelihood and impact are blank",
            "the risk's rating before controls, e.g. Possible and Major",
        )


def _check_proximity(register: Register) -> None:
    """A proximity before the risk was raised: a risk cannot bite before anyone saw it."""
    risks = register.risks
    for i, (proximity, raised) in enumerate(
        zip(risks["proximity"], risks["date_raised"], strict=True)
    ):
        if proximity is None or raised is None:
            continue
        if isinstance(proximity, dt.date) and proximity < raised:
            said = f"the proximity {proximity:%d/%m/%Y} is before the date raised {raised:%d/%m/%Y}"
        elif isinstance(proximity, int) and dt.date(proximity + 1, 3, 31) < raised:
            said = (
                f"the proximity {year_label(proximity)} ended on 31/03/{proximity + 1}, before "
                f"the date raised {raised:%d/%m/%Y}"
            )
        else:
            continue
        _problem(
            register, i, "proximity", said, "a date or financial year on or after the date raised"
        )


def _check_quantities(register: Register) -> pd.Series:
    """Which rows have a usable £ estimate; any half-filled or inconsistent one is a problem."""
    risks = register.risks
    spec = register.spec
    given = risks[list(QUANTITIES)].notna()
    usable = given.all(axis=1).to_numpy().copy()
    blank = {q: _blank_found(register, q) for q in QUANTITIES}
    for i in np.flatnonzero(given.any(axis=1).to_numpy() & ~usable):
        # a cell that holds something unreadable has said so itself: only blanks are missing
        missing = [spec.header_of(q) for q in QUANTITIES if blank[q][i]]
        if not missing:
            continue
        _problem(
            register,
            int(i),
            "minimum",
            f"the £ estimate is incomplete: {', '.join(missing)} missing",
            "a chance of occurring with minimum, most likely and maximum £, or none of them",
        )
    for i in np.flatnonzero(usable):
        low, mode, high = (float(risks[q].iloc[i]) for q in ("minimum", "most_likely", "maximum"))
        if low > high:
            message = f"the minimum £{low:,.0f} is above the maximum £{high:,.0f}"
            _problem(register, int(i), "minimum", message, "minimum ≤ most likely ≤ maximum")
            usable[i] = False
        elif not low <= mode <= high:
            message = f"the most likely £{mode:,.0f} is outside £{low:,.0f} to £{high:,.0f}"
            _problem(register, int(i), "most_likely", message, "minimum ≤ most likely ≤ maximum")
            usable[i] = False
    return pd.Series(usable, index=risks.index)
