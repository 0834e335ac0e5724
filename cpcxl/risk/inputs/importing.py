"""A register laid out some other way, as ``cpcxl risk import`` reads it.

Its headers are matched loosely (the common header rules: synonyms, a header's first words,
two-row headers, a title above); once matched, every cell is read by the Register table's own
value types, so a value means the same whether it was typed in the packaged register or
imported. Issue 15 extends the matching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cpcxl.common import tables
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.inputs import Cells
from cpcxl.common.tables import normalise_header

from ..models import RiskCategory, RiskMatrix
from ..schemes import NHS_5X5
from .register import FIELDS, REGISTER_SPEC, Register, read_register

#: Words in a header that say cpcxl works the column out itself.
WORKED_OUT = ("score", "rating", "rag", "band", "rank", "total")


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
    register: Register


#: Headers an import reads that the packaged register cannot also take: in a register laid out
#: another way, a lone "Probability" is the likelihood; the packaged register's own
#: "probability" is the chance of occurring, which an import matches after the likelihood.
IMPORT_SYNONYMS = {"inherent_likelihood": ("probability",)}


def import_columns() -> list[tables.Column]:
    """The looser header rules of an import: every input column of the register by its header
    and synonyms, matched in the register's order, exactly or as the start of a header
    ('Probability (1-5)')."""
    return [
        tables.Column(
            c.field, (c.header, *c.synonyms, *IMPORT_SYNONYMS.get(c.field, ())), c.required
        )
        for c in FIELDS
    ]


def import_register(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    file: str,
    sheet: str | None = None,
    matrix: RiskMatrix = NHS_5X5,
) -> Imported:
    """Read a register whose headers differ from ours (synonyms, several header rows, labels)
    from a workbook's sheets (rows of cells by sheet name).

    The sheet is the one whose headers match best, unless ``sheet`` names it. A missing
    required column is an error listing the headers found; every value is read by the
    register's own value types.
    """
    if sheet is not None and sheet not in sheets:
        raise InputError(f"no sheet {sheet!r}", location=Location(file=file), valid=list(sheets))
    columns = import_columns()
    candidates = {sheet: sheets[sheet]} if sheet is not None else sheets
    best = None
    for sheet_name, rows in candidates.items():
        if not rows:
            continue
        start, span, match = tables.find_header_row(rows, columns)
        score = (not match.missing, len(match.columns))
        if best is None or score > best[0]:
            best = (score, sheet_name, rows, start, span, match)
    if best is None:
        raise InputError("the workbook has no data", location=Location(file=file))
    _, sheet_name, rows, start, span, match = best
    tables.require_columns(match, location=Location(file=file, sheet=sheet_name))
    # The header as the register's own, in the file's columns: what matched is named by its
    # header, what did not is left blank, so each cell is read by its type where it is.
    header: list[Any] = [None] * max(len(r) for r in rows[start : start + span])
    for field, index in match.columns.items():
        header[index] = REGISTER_SPEC.header_of(field)
    cells = Cells([header, *rows[start + span :]], first_row=start + span, exact=True)
    errors = InputErrors()
    register = read_register(cells, matrix, errors, file=file, sheet=sheet_name)
    if register is None:  # cannot happen with a header made from the register's own
        raise errors
    standard = {c.value for c in RiskCategory}
    own: dict[str, int] = {}
    for category in register.risks["category"].dropna():
        if category not in standard:
            own[category] = own.get(category, 0) + 1
    not_used = [
        (
            h,
            "cpcxl works this out from likelihood and impact"
            if any(w in normalise_header(h).split() for w in WORKED_OUT)
            else "no register column of that name",
        )
        for h in match.unmatched_headers
    ]
    return Imported(
        file=file,
        sheet=sheet_name,
        header_rows=(start + 1, start + span),
        risks=register.values(matrix),
        mapped=[(match.headers[i], REGISTER_SPEC.header_of(f)) for f, i in match.columns.items()],
        not_used=not_used,
        not_found=[c.header for c in FIELDS if c.field not in match.columns],
        problems=list(register.problems),
        own_categories=own,
        register=register,
    )
