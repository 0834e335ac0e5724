"""What the register links to, each a table of its own, read with every problem in its cell:
the Actions taken on risks, the Incidents and near misses they led to, the organisation's
Objectives they threaten, each partner's appetite (a joint arrangement, CPC 507 A6), and how
the risks are correlated (the Correlation sheet).

Each row that names a risk must name one on the Register; an incident cannot be dated after
the review date. A row with a problem is reported where it is and left out of what it would
feed; every other row is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import TEXT, Date
from cpcxl.common.inputs import Cells, Column, Setting, TableRead, TableSpec, read_table
from cpcxl.common.inputs import column_letter as letter_of
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..models import ActionStatus, AppetiteLevel, CorrelationSettings, Harm, IncidentKind
from .kinds import (
    ACTION_STATUS,
    APPETITE_LEVEL,
    HARM,
    INCIDENT_KIND,
    TARGET_SCORE,
    Category,
)
from .matrix import APPETITE, NamedCell
from .ranges import CORRELATION
from .register import as_found, body_rows, record_values, sheet_column, typed_frame

ACTIONS = "Actions"
INCIDENTS = "Incidents"
OBJECTIVES = "Objectives"
CORRELATION_SHEET = "Correlation"
DATE = Date()

ACTIONS_SPEC = TableSpec(
    "Actions",
    ACTIONS,
    (
        Column(
            "risk_id",
            "Risk ID",
            TEXT,
            ("risk ref", "risk reference", "risk no", "risk number", "risk"),
            blank=True,
        ),
        Column(
            "action",
            "Action",
            TEXT,
            ("actions", "mitigating action", "further action", "planned action", "action plan"),
            blank=True,
            width=50,
        ),
        Column(
            "owner",
            "Owner",
            TEXT,
            ("action owner", "action lead", "lead", "responsible officer", "responsible"),
            False,
            width=24,
        ),
        Column(
            "due",
            "Due date",
            DATE,
            ("due", "due by", "target date", "deadline", "completion date", "date due"),
            False,
        ),
        Column(
            "status",
            "Status",
            ACTION_STATUS,
            ("action status", "progress"),
            False,
            default=ActionStatus.NOT_STARTED,
        ),
        Column(
            "target_score",
            "Target score",
            TARGET_SCORE,
            ("target", "target risk score", "score aimed for"),
            False,
        ),
        Column("flags", "Flags", required=False, output=True, width=40),
    ),
    "Actions on risks",
)

INCIDENTS_SPEC = TableSpec(
    "Incidents",
    INCIDENTS,
    (
        Column(
            "ref",
            "Ref",
            TEXT,
            ("incident ref", "incident reference", "incident no", "datix ref", "datix id", "id"),
            False,
        ),
        Column(
            "date", "Date", DATE, ("incident date", "date of incident", "date occurred"), blank=True
        ),
        Column(
            "risk_id",
            "Risk ID",
            TEXT,
            ("risk ref", "related risk", "linked risk", "risk reference", "risk"),
            blank=True,
        ),
        Column(
            "kind",
            "Type",
            INCIDENT_KIND,
            ("incident or near miss", "kind", "incident type"),
            False,
            default=IncidentKind.INCIDENT,
        ),
        Column(
            "what",
            "What happened",
            TEXT,
            ("description", "details", "summary", "what"),
            False,
            width=50,
        ),
        Column(
            "harm",
            "Harm",
            HARM,
            ("degree of harm", "harm level", "level of harm"),
            False,
            default=Harm.NONE,
        ),
        Column(
            "learning",
            "Learning",
            TEXT,
            ("lessons learned", "lessons", "learning points", "what we learned"),
            False,
            width=40,
        ),
        Column("flags", "Flags", required=False, output=True, width=40),
    ),
    "Incidents and near misses",
)

OBJECTIVES_SPEC = TableSpec(
    "Objectives",
    OBJECTIVES,
    (
        Column("ref", "Ref", TEXT, ("objective ref", "id", "reference", "no")),
        Column(
            "objective", "Objective", TEXT, ("objective", "description", "aim"), False, width=60
        ),
        Column("lead", "Lead", TEXT, ("owner", "executive lead", "responsible"), False, width=24),
    ),
    "The organisation's objectives",
)


def partner_appetite_spec(categories: Iterable[str] | None = None) -> TableSpec:
    """Each partner's appetite by category, for the categories on the Appetite sheet."""
    return TableSpec(
        "PartnerAppetite",
        APPETITE,
        (
            Column("partner", "Partner", TEXT, ("organisation", "partner organisation"), width=36),
            Column("category", "Category", Category(categories), ("risk category",), width=34),
            Column("level", "Appetite level", APPETITE_LEVEL, ("appetite",), width=14),
        ),
        "Partners' appetite (a joint arrangement)",
    )


PARTNER_APPETITE = partner_appetite_spec(None)


def category_correlation_spec(categories: Iterable[str] | None = None) -> TableSpec:
    return TableSpec(
        "CategoryCorrelation",
        CORRELATION_SHEET,
        (
            Column("category", "Category", Category(categories), ("risk category",), width=34),
            Column(
                "correlation",
                "Correlation within it",
                CORRELATION,
                ("correlation", "coefficient"),
                width=14,
            ),
        ),
        "Correlation within a category",
    )


CATEGORY_CORRELATION = category_correlation_spec(None)

EVERY_PAIR = NamedCell(
    "CorrelationAll",
    CORRELATION_SHEET,
    "B4",
    Setting(
        "every_pair",
        "Correlation between any two risks",
        CORRELATION,
        note="0 for independent risks (the default)",
    ),
)
#: The correlation matrix's corner: its risk ids across row 7 from column F, and down
#: column E from row 8 (beside the category table, so no table has anything below it).
MATRIX_ROW, MATRIX_COLUMN = 7, 5
MATRIX_CORNER = f"{letter_of(MATRIX_COLUMN)}{MATRIX_ROW}"


@dataclass
class Linked:
    """A table linked to the register as read: typed rows (``frame``, each with its sheet row
    in ``_row`` and ``usable`` False where a problem leaves it out), and its problems."""

    spec: TableSpec
    table: TableRead | None
    frame: pd.DataFrame
    problems: InputErrors
    body_rows: range
    found: pd.DataFrame | None = None

    def column(self, field: str) -> int | None:
        return None if self.table is None else sheet_column(self.table, field)

    def values(self) -> list[dict[str, Any]]:
        """Each row as field -> value to write back, a cell that could not be read as found."""
        if self.found is None:
            return []
        return record_values(self.spec, self.frame, self.found)

    def usable(self) -> pd.DataFrame:
        return self.frame.loc[self.frame["usable"]]

    def problem(self, index: int, field: str, message: str, valid: str) -> None:
        assert self.table is not None
        row = int(self.frame[ROW].iloc[index])
        self.problems.add(message, location=self.table.where(row, field), valid=valid)
        self.frame.loc[self.frame.index[index], "usable"] = False


def _read(
    spec: TableSpec, cells: Cells | None, errors: InputErrors, file: str | None
) -> Linked | None:
    """An optional linked table: an empty one when the workbook has none (an older register);
    None when its header is wrong (the problem in ``errors``)."""
    problems = InputErrors()
    table = read_table(spec, cells, problems, file=file, optional=True)
    if table is None:
        if problems:
            errors.extend(problems)
            return None
        columns = [c.field for c in spec.columns if not c.output]
        empty = pd.DataFrame({**{f: pd.Series(dtype=object) for f in columns}, ROW: []})
        empty["usable"] = pd.Series(dtype=bool)
        return Linked(spec, None, empty, problems, range(0))
    for text in problems.notes:
        errors.note(text)
    frame = typed_frame(spec, table)
    frame["usable"] = ~table.bad
    found = read_table(as_found(spec), cells, InputErrors(), file=file)
    assert found is not None  # the same header was just read
    return Linked(spec, table, frame, problems, body_rows(cells, frame), found.frame)


def _risk_ids_known(linked: Linked, known: Collection[str], what: str) -> None:
    """Each row's risk id must be a risk on the Register (ids match ignoring case)."""
    by_key = {str(k).strip().casefold() for k in known}
    valid = "a Risk ID on the Register sheet"
    for i, risk_id in enumerate(linked.frame["risk_id"]):
        if risk_id is None:
            if _blank_row_kept(linked, i):
                linked.problem(i, "risk_id", f"the {what} names no risk", valid)
        elif str(risk_id).strip().casefold() not in by_key:
            linked.problem(i, "risk_id", f"{risk_id!r} is not a risk on the Register", valid)


def _blank_row_kept(linked: Linked, index: int) -> bool:
    """Whether a row with a blank risk id holds anything else (a wholly blank row is none)."""
    row = linked.frame.iloc[index]
    return any(
        not is_blank(row[c.field])
        for c in linked.spec.columns
        if not c.output and c.field != "risk_id" and c.default is None
    )


def read_actions(
    cells: Cells | None, risk_ids: Collection[str], errors: InputErrors, *, file: str | None = None
) -> Linked | None:
    """The Actions table: each action's risk (one on the Register), what it is, its owner,
    due date, status (Not started unless given) and the score it aims for."""
    actions = _read(ACTIONS_SPEC, cells, errors, file)
    if actions is None:
        return None
    _risk_ids_known(actions, risk_ids, "action")
    for i, text in enumerate(actions.frame["action"]):
        if text is None and actions.frame["risk_id"].iloc[i] is not None:
            actions.problem(i, "action", "the action is blank", "what will be done")
    actions.frame["status"] = actions.frame["status"].where(
        actions.frame["status"].notna(), ActionStatus.NOT_STARTED.value
    )
    return actions


def read_incidents(
    cells: Cells | None,
    risk_ids: Collection[str],
    errors: InputErrors,
    *,
    as_of: dt.date,
    file: str | None = None,
) -> Linked | None:
    """The Incidents table: each incident or near miss with its date (none after ``as_of``,
    the review date), the risk it relates to (one on the Register), its harm and learning."""
    incidents = _read(INCIDENTS_SPEC, cells, errors, file)
    if incidents is None:
        return None
    _risk_ids_known(incidents, risk_ids, "incident")
    for i, day in enumerate(incidents.frame["date"]):
        if day is None:
            if incidents.frame["risk_id"].iloc[i] is not None:
                incidents.problem(i, "date", "the date is blank", "the date it happened")
        elif day > as_of:
            incidents.problem(
                i,
                "date",
                f"the incident is dated {day:%d/%m/%Y}, after the review date {as_of:%d/%m/%Y}: "
                "it cannot have happened yet",
                f"a date on or before {as_of:%d/%m/%Y}",
            )
    for field, default in (("kind", IncidentKind.INCIDENT), ("harm", Harm.NONE)):
        column = incidents.frame[field]
        incidents.frame[field] = column.where(column.notna(), default.value)
    return incidents


def read_objectives(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> Linked | None:
    """The Objectives table: each objective's ref (used once) and what it is."""
    objectives = _read(OBJECTIVES_SPEC, cells, errors, file)
    if objectives is None:
        return None
    seen: dict[str, int] = {}
    for i, ref in enumerate(objectives.frame["ref"]):
        if ref is None:
            continue
        key = str(ref).strip().casefold()
        if key in seen:
            objectives.problem(
                i, "ref", f"the ref {ref!r} is already used at row {seen[key]}", "a ref used once"
            )
        else:
            seen[key] = int(objectives.frame[ROW].iloc[i])
    return objectives


def check_objective_refs(
    risks: pd.DataFrame, objectives: Linked, problem: Any, errors: InputErrors
) -> None:
    """Each objective a risk names must be on the Objectives sheet (once that lists any):
    ``problem(index, field, message, valid)`` records it on the risk's row."""
    known = {str(r).strip().casefold(): r for r in objectives.usable()["ref"] if r is not None}
    if not known:
        return
    valid = "refs on the Objectives sheet: " + ", ".join(sorted(map(str, known.values())))[:120]
    for i, refs in enumerate(risks["objectives"]):
        for ref in refs or ():
            if str(ref).strip().casefold() not in known:
                problem(
                    i, "objectives", f"{ref!r} is not an objective on the Objectives sheet", valid
                )


def read_partner_appetite(
    cells: Cells | None,
    categories: Iterable[str],
    errors: InputErrors,
    *,
    file: str | None = None,
) -> dict[str, dict[str, AppetiteLevel]] | None:
    """Each partner's appetite level by category (categories on the Appetite sheet); a
    partner and category given twice is a problem. None when the header is wrong."""
    spec = partner_appetite_spec(categories)
    linked = _read(spec, cells, errors, file)
    if linked is None:
        return None
    chosen: dict[str, dict[str, AppetiteLevel]] = {}
    for i, record in enumerate(linked.frame.to_dict("records")):
        partner, category, level = record["partner"], record["category"], record["level"]
        if partner is None and category is None and level is None:
            continue
        if not record["usable"]:
            continue
        missing = [
            f
            for f, v in (("partner", partner), ("category", category), ("level", level))
            if v is None
        ]
        if missing:
            field = missing[0]
            linked.problem(
                i,
                field,
                f"the {spec.header_of(field).lower()} is blank",
                "a partner, a category and an appetite level",
            )
            continue
        levels = chosen.setdefault(str(partner), {})
        if category in levels:
            linked.problem(
                i,
                "category",
                f"{partner}'s appetite for {category!r} is given twice",
                "each partner's appetite for a category once",
            )
            continue
        levels[str(category)] = AppetiteLevel(level)
    errors.extend(linked.problems)
    return chosen


# --- correlation --------------------------------------------------------------------------------


def read_correlation_settings(
    every_pair: Any,
    categories: Cells | None,
    matrix: Cells | None,
    known_categories: Iterable[str],
    risk_ids: Collection[str],
    errors: InputErrors,
    *,
    file: str | None = None,
) -> CorrelationSettings:
    """The Correlation sheet: one coefficient for every pair (the named cell CorrelationAll),
    one within each category (the CategoryCorrelation table) and a matrix by risk id (its
    corner at E7); every problem where it is. What cannot be read counts as not given."""
    coefficient = 0.0
    if not is_blank(every_pair):
        try:
            coefficient = float(CORRELATION.parse(every_pair))
        except InputError as exc:
            errors.add(InputError(exc.message, valid=exc.valid), location=EVERY_PAIR.where(file))
    within: dict[str, float] = {}
    spec = category_correlation_spec(list(known_categories))
    linked = _read(spec, categories, errors, file)
    if linked is not None:
        for i, record in enumerate(linked.frame.to_dict("records")):
            category, value = record["category"], record["correlation"]
            if not record["usable"] or category is None or value is None or np.isnan(value):
                continue
            if category in within:
                linked.problem(i, "category", f"{category!r} is listed twice", "each category once")
                continue
            within[str(category)] = float(value)
        errors.extend(linked.problems)
    pairs = read_correlation_matrix(matrix, risk_ids, errors, file=file)
    return CorrelationSettings(every_pair=coefficient, within_category=within, pairs=pairs)


def read_correlation_matrix(
    cells: Cells | None, risk_ids: Collection[str], errors: InputErrors, *, file: str | None = None
) -> dict[tuple[str, str], float]:
    """The correlation matrix on the Correlation sheet: risk ids across from F7 and down from
    E8, a correlation where a row's risk meets a column's (blank: not given). Either half of
    the matrix may be filled in; where both are they must agree, and a risk's correlation with
    itself, if given, is 1. Pairs by risk ids (the smaller first)."""
    rows = _sheet_rows(cells)
    if not rows:
        return {}
    where = Location(file=file, sheet=CORRELATION_SHEET)
    known = {str(k).strip().casefold(): str(k).strip() for k in risk_ids}
    header = rows.get(MATRIX_ROW, {})
    columns: dict[int, str] = {}
    column = MATRIX_COLUMN + 1
    while not is_blank(header.get(column)):
        columns[column] = _matrix_id(
            header[column], known, where, f"{letter_of(column)}{MATRIX_ROW}", errors
        )
        column += 1
    found: dict[tuple[str, str], tuple[float, str]] = {}
    for r in sorted(k for k in rows if k > MATRIX_ROW):
        row = rows[r]
        if is_blank(row.get(MATRIX_COLUMN)):
            if any(not is_blank(row.get(c)) for c in columns):
                errors.add(
                    "a row of correlations has no risk id",
                    location=where.with_(cell=f"{letter_of(MATRIX_COLUMN)}{r}"),
                    valid="the risk id in column E",
                )
            continue
        cell = f"{letter_of(MATRIX_COLUMN)}{r}"
        row_id = _matrix_id(row[MATRIX_COLUMN], known, where, cell, errors)
        for c, column_id in columns.items():
            value = row.get(c)
            if is_blank(value):
                continue
            at = where.with_(cell=f"{letter_of(c)}{r}", field="correlation")
            try:
                number = float(CORRELATION.parse(value))
            except InputError as exc:
                errors.add(InputError(exc.message, valid=exc.valid), location=at)
                continue
            if not row_id or not column_id:
                continue
            if row_id.casefold() == column_id.casefold():
                if number != 1:
                    errors.add(
                        f"{number:g} for {row_id} with itself; a risk's correlation with "
                        "itself is 1",
                        location=at,
                        valid="1, or blank",
                    )
                continue
            pair = tuple(sorted((row_id, column_id), key=str.casefold))
            key = (pair[0], pair[1])
            if key in found and found[key][0] != number:
                other_value, other_cell = found[key]
                errors.add(
                    f"{number:g} here but {other_value:g} at {other_cell} for the same two "
                    f"risks ({key[0]} and {key[1]}): the matrix is not symmetric",
                    location=at,
                    valid="the same correlation both ways, or one half of the matrix only",
                )
                continue
            found[key] = (number, f"{letter_of(c)}{r}")
    return {k: v for k, (v, _) in found.items()}


def _matrix_id(
    value: Any, known: Mapping[str, str], where: Location, cell: str, errors: InputErrors
) -> str:
    text = TEXT.parse(value)
    if text.casefold() not in known:
        errors.add(
            f"{text!r} is not a risk on the Register",
            location=where.with_(cell=cell),
            valid="a Risk ID on the Register sheet",
        )
        return ""
    return known[text.casefold()]


def _sheet_rows(cells: Cells | None) -> dict[int, dict[int, Any]]:
    """A sheet's cells as {sheet row: {sheet column: value}}, from where they start."""
    if cells is None:
        return {}
    out: dict[int, dict[int, Any]] = {}
    for r, values in enumerate(cells.rows, start=cells.first_row):
        row = {c: v for c, v in enumerate(values, start=cells.first_column) if not is_blank(v)}
        if row:
            out[r] = row
    return out
