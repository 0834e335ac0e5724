"""The Matrix and Appetite sheets (and a matrix kept in TOML) read into a matrix and appetite.

Each table is one :class:`TableSpec`: the workbook builds it from the declaration and these
functions read it back, so the template and the reader can never disagree about a header.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import TEXT, Date, Items, Whole
from cpcxl.common.inputs import Cells, Column, Setting, TableSpec, read_table
from cpcxl.common.models import build_model
from cpcxl.common.values import is_blank

from ..models import AppetiteLevel, RiskAppetite, RiskMatrix
from ..schemes import NHS_5X5
from .kinds import APPETITE_LEVEL, BAND_SCORE, COLOUR, FEWER_THAN, LEVEL_SCORE, TOLERATED

REGISTER = "Register"
MATRIX = "Matrix"
APPETITE = "Appetite"


def _scale(axis: str) -> TableSpec:
    columns = [
        Column("score", "Score", LEVEL_SCORE, ("value", "rating", "number")),
        Column("label", axis, TEXT, ("label", "name", "descriptor", "consequence")),
        Column("description", "Description", TEXT, ("meaning", "detail"), False, width=40),
        Column(
            "aliases",
            "Also accepted",
            Items(what="other names separated by commas"),
            ("other names", "aliases"),
            False,
            width=24,
        ),
    ]
    if axis == "Likelihood":  # how often each level implies a risk happens (models.Level)
        columns.append(
            Column(
                "fewer_than",
                "Fewer than (a year)",
                FEWER_THAN,
                ("fewer than a year", "times a year"),
                False,
                width=12,
            )
        )
    return TableSpec(axis, MATRIX, tuple(columns), f"{axis} scale")


LIKELIHOOD = _scale("Likelihood")
IMPACT = _scale("Impact")
BANDS = TableSpec(
    "Bands",
    MATRIX,
    (
        Column("name", "Band", TEXT, ("rating", "band name")),
        Column("low", "From", BAND_SCORE, ("lowest score", "min", "from score")),
        Column("high", "To", BAND_SCORE, ("highest score", "max", "to score")),
        Column("colour", "Colour", COLOUR, ("color", "fill"), False),
    ),
    "Rating bands",
)
APPETITE_LEVELS = TableSpec(
    "AppetiteLevels",
    APPETITE,
    (
        Column("level", "Level", APPETITE_LEVEL, ("appetite level",), width=14),
        Column(
            "score",
            "Highest tolerated residual score",
            TOLERATED,
            ("highest tolerated score", "tolerance"),
        ),
        Column("meaning", "What it means", TEXT, ("meaning", "description"), False, width=70),
    ),
    "Appetite levels",
)
CATEGORY_APPETITE = TableSpec(
    "Appetite",
    APPETITE,
    (
        Column("category", "Category", TEXT, ("risk category",), width=40),
        Column("level", "Appetite level", APPETITE_LEVEL, ("appetite",), blank=True),
        Column("tolerated", "Highest tolerated score", required=False, output=True),
    ),
    "Appetite by category",
)


@dataclass(frozen=True)
class NamedCell:
    """A single labelled input cell with a workbook name (not a table), read by its name."""

    name: str
    sheet: str
    cell: str
    setting: Setting

    def where(self, file: str | None = None) -> Location:
        return Location(file=file, sheet=self.sheet, cell=self.cell, field=self.setting.label)


MATRIX_NAME = NamedCell(
    "MatrixName",
    MATRIX,
    "B3",
    Setting("name", "Matrix name", TEXT, note="shown on the Heat map and Summary"),
)
HIGH_FROM = NamedCell(
    "HighRiskFrom",
    MATRIX,
    "B5",
    Setting(
        "high_from",
        "High risk from score",
        Whole(1, 100, what="a score", reason="a matrix of up to 10 × 10 levels"),
        note="the lowest score counted as high, for the 'no controls' flag (NPSA: 8)",
    ),
)
REVIEW_DATE = NamedCell(
    "ReviewDate",
    REGISTER,
    "B2",
    Setting("as_of", "Reviews due as of", Date(), note="blank or =TODAY() for today"),
)


def read_named(
    named: NamedCell, value: Any, errors: InputErrors, *, file: str | None = None
) -> Any:
    """A named cell's value by its setting's type; blank gives the setting's default."""
    if is_blank(value):
        return named.setting.default
    try:
        return named.setting.type.parse(value)
    except InputError as exc:
        errors.add(InputError(exc.message, valid=exc.valid), location=named.where(file))
        return None


def read_matrix(
    tables: Mapping[str, Cells],
    named: Mapping[str, Any],
    errors: InputErrors,
    *,
    file: str | None = None,
) -> RiskMatrix | None:
    """The matrix on a register's Matrix sheet (with the appetite scores of its Appetite
    sheet), or None with every problem recorded where it is."""
    before = len(errors)
    fields: dict[str, Any] = {
        "name": read_named(MATRIX_NAME, named.get(MATRIX_NAME.name), errors, file=file)
        or "workbook",
        "source": f"sheet {MATRIX}",
    }
    high_from = read_named(HIGH_FROM, named.get(HIGH_FROM.name), errors, file=file)
    if high_from is not None:
        fields["high_from"] = int(high_from)
    for axis, spec in (("likelihood", LIKELIHOOD), ("impact", IMPACT)):
        table = read_table(spec, tables.get(spec.name), errors, file=file)
        records = table.records() if table is not None else ()
        fields[axis] = [
            {
                "score": int(r["score"]),
                "label": r["label"],
                "description": r["description"] or "",
                "aliases": tuple(r["aliases"] or ()),
                **(
                    {"fewer_than": float(r["fewer_than"])}
                    if r.get("fewer_than") is not None and r["fewer_than"] == r["fewer_than"]
                    else {}
                ),
            }
            for r in records
        ]
    table = read_table(BANDS, tables.get(BANDS.name), errors, file=file)
    fields["bands"] = [
        {
            "name": r["name"],
            "low": int(r["low"]),
            "high": int(r["high"]),
            **({"colour": r["colour"]} if r["colour"] else {}),
        }
        for r in (table.records() if table is not None else ())
    ]
    appetite = dict(NHS_5X5.appetite)
    table = read_table(
        APPETITE_LEVELS, tables.get(APPETITE_LEVELS.name), errors, file=file, optional=True
    )
    for r in table.records() if table is not None else ():
        appetite[r["level"]] = int(r["score"])
    fields["appetite"] = appetite
    if len(errors) > before:
        return None
    try:
        return build_model(RiskMatrix, **fields)
    except InputError as exc:
        errors.add(
            f"the risk matrix is not valid ({_reason(exc)})",
            location=Location(file=file, sheet=MATRIX),
            valid="scores 1, 2, 3 ... on each scale and every score in one band",
        )
        return None


def read_appetite(
    matrix: RiskMatrix, cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> RiskAppetite | None:
    """Each category's appetite level (the Appetite sheet's table), on ``matrix``'s scores.

    A category listed with no level gets none, so its risks are never flagged above appetite.
    """
    table = read_table(CATEGORY_APPETITE, cells, errors, file=file)
    if table is None:
        return None
    chosen: dict[str, AppetiteLevel | None] = {}
    for record in table.records(good_only=False):
        name = record["category"]
        if not name:
            continue
        if name in chosen:
            errors.add(
                f"the category {name!r} is listed twice",
                location=table.where(int(record["_row"]), "category"),
                valid="each category once",
            )
            continue
        chosen[name] = record["level"]
    return RiskAppetite(levels=dict(matrix.appetite), categories=chosen)


# --- a matrix kept in a TOML file -----------------------------------------------------------------


def matrix_from_toml(text: str, *, file: str | None = None) -> RiskMatrix:
    """A matrix from TOML: ``name``, ``[[likelihood]]``, ``[[impact]]`` (label, description,
    aliases), ``[[band]]`` (name, low, high, colour) and ``[appetite]`` (level = score)."""
    where = Location(file=file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        place = _TOML_PLACE.search(str(exc))
        at = f" at line {place.group(1)}, column {place.group(2)}" if place else ""
        raise InputError(
            f"the file is not valid TOML{at}",
            location=where,
            valid="TOML as in docs/risk.md: name, [[likelihood]], [[impact]], [[band]], [appetite]",
        ) from None
    fields: dict[str, Any] = {k: data[k] for k in ("name", "description", "source") if k in data}
    fields.setdefault("name", (file or "custom").rsplit(".", 1)[0])
    for axis in ("likelihood", "impact"):
        levels = data.get(axis) or []
        fields[axis] = [
            {"score": level.get("score", i), **level} for i, level in enumerate(levels, start=1)
        ]
    fields["bands"] = data.get("band") or data.get("bands") or []
    appetite = data.get("appetite") or NHS_5X5.appetite
    fields["appetite"] = {_level(k, where): v for k, v in appetite.items()}
    if "high_from" in data:
        fields["high_from"] = data["high_from"]
    try:
        return build_model(RiskMatrix, **fields)
    except InputError as exc:
        raise InputError(f"the risk matrix is not valid ({_reason(exc)})", location=where) from None


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _reason(exc: InputError) -> str:
    """Why the matrix model refused the fields, without pydantic's own prefix."""
    return exc.message.replace("Value error, ", "")


def _level(text: Any, where: Location) -> AppetiteLevel:
    try:
        return AppetiteLevel(APPETITE_LEVEL.parse(text))
    except InputError as exc:
        raise exc.at(**vars(where)) from None
