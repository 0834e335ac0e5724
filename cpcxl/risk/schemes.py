"""Risk matrices: the built-in NPSA 5×5, and matrices an organisation defines itself.

An organisation's own matrix comes from a TOML file (``matrix_from_toml``) or from the
Matrix and Appetite sheets of its register (``matrix_from_tables``); either way it is checked
the same way as a built-in one (scores 1..n, every possible score in exactly one band).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from cpcxl.common.errors import InputError, Location
from cpcxl.common.models import build_model
from cpcxl.common.tables import Column, find_header_row
from cpcxl.common.values import is_blank, to_number, to_text

from .models import (
    DEFAULT_CATEGORY_APPETITE,
    MATRIX_KIND,
    AppetiteLevel,
    Band,
    Level,
    RiskAppetite,
    RiskMatrix,
)

#: National Patient Safety Agency, "Risk matrix for risk managers" (2008): the 5×5 matrix the
#: NHS uses. Descriptions abridge its likelihood and consequence tables.
NHS_5X5 = RiskMatrix(
    name="nhs-5x5",
    description="NPSA 5×5 risk matrix: likelihood × consequence, bands Low, Moderate, High, "
    "Extreme",
    source="National Patient Safety Agency, A risk matrix for risk managers (2008)",
    likelihood=(
        Level(
            score=1,
            label="Rare",
            description="Not expected to happen for years; <0.1%",
            aliases=("remote", "very unlikely", "improbable"),
        ),
        Level(score=2, label="Unlikely", description="Do not expect it, but it may happen; 0.1-1%"),
        Level(score=3, label="Possible", description="Might happen occasionally; 1-10%"),
        Level(
            score=4,
            label="Likely",
            description="Will probably happen, but not persistently; 10-50%",
            aliases=("probable",),
        ),
        Level(
            score=5,
            label="Almost certain",
            description="Will undoubtedly happen, possibly frequently; >50%",
            aliases=("certain", "very likely", "highly likely"),
        ),
    ),
    impact=(
        Level(
            score=1,
            label="Negligible",
            description="Minimal harm; small loss, claim remote",
            aliases=("insignificant",),
        ),
        Level(
            score=2,
            label="Minor",
            description="Minor harm; 0.1-0.25% of budget, claim under £10,000",
        ),
        Level(
            score=3,
            label="Moderate",
            description="Harm needing professional care; "
            "0.25-0.5% of budget, claims £10,000-£100,000",
        ),
        Level(
            score=4,
            label="Major",
            description="Long-term harm; 0.5-1% of budget, claims £100,000-£1m",
            aliases=("serious", "significant"),
        ),
        Level(
            score=5,
            label="Catastrophic",
            description="Death or non-delivery of a key "
            "objective; over 1% of budget, claims over £1m",
            aliases=("severe", "critical"),
        ),
    ),
    bands=(
        # The traffic-light fills of cpcxl.common.styles, written out so that scoring never
        # needs the workbook library that module loads.
        Band(name="Low", low=1, high=3, colour="C6EFCE"),
        Band(name="Moderate", low=4, high=6, colour="FFEB9C"),
        Band(name="High", low=8, high=12, colour="F8CBAD"),
        Band(name="Extreme", low=15, high=25, colour="FFC7CE"),
    ),
    # cpcxl's defaults on the NPSA bands (the Orange Book names the levels, not the scores):
    # Averse tolerates Low only, Minimal up to Moderate, Cautious the lower High scores (8, 9),
    # Open all of High, Eager the lower Extreme scores (15, 16).
    appetite={
        AppetiteLevel.AVERSE: 3,
        AppetiteLevel.MINIMAL: 6,
        AppetiteLevel.CAUTIOUS: 9,
        AppetiteLevel.OPEN: 12,
        AppetiteLevel.EAGER: 16,
    },
    high_from=8,
)

BUILT_IN: tuple[RiskMatrix, ...] = (NHS_5X5,)
DEFAULT_MATRIX = NHS_5X5.name


def matrix_named(name: str | None) -> RiskMatrix:
    """A registered matrix by name (any plugin's); blank means the default, nhs-5x5."""
    from cpcxl.plugins import registry

    if name is None or is_blank(name):
        name = DEFAULT_MATRIX
    scheme = registry().scheme(MATRIX_KIND, str(name))
    if not isinstance(scheme, RiskMatrix):
        raise InputError(f"scheme {name!r} is registered as a risk matrix but defines no scales")
    return scheme


def _build(fields: Mapping[str, Any], location: Location | None) -> RiskMatrix:
    try:
        return build_model(RiskMatrix, **fields)
    except InputError as exc:
        raise InputError(f"the risk matrix is not valid ({exc})", location=location) from None


def matrix_from_toml(text: str, *, file: str | None = None) -> RiskMatrix:
    """A matrix from TOML: ``name``, ``[[likelihood]]``, ``[[impact]]`` (label, description,
    aliases), ``[[band]]`` (name, low, high, colour) and ``[appetite]`` (level = score)."""
    where = Location(file=file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", location=where) from None
    fields: dict[str, Any] = {k: data[k] for k in ("name", "description", "source") if k in data}
    fields.setdefault("name", (file or "custom").rsplit(".", 1)[0])
    for axis in ("likelihood", "impact"):
        levels = data.get(axis) or []
        fields[axis] = [
            {"score": level.get("score", i), **level} for i, level in enumerate(levels, start=1)
        ]
    fields["bands"] = data.get("band") or data.get("bands") or []
    fields["appetite"] = {
        _appetite_level(k, where): v for k, v in (data.get("appetite") or NHS_5X5.appetite).items()
    }
    if "high_from" in data:
        fields["high_from"] = data["high_from"]
    return _build(fields, where)


def _appetite_level(text: Any, location: Location | None) -> AppetiteLevel:
    for level in AppetiteLevel:
        if str(text).strip().lower() == level.value.lower():
            return level
    raise InputError(
        f"{to_text(text)!r} is not an appetite level", location=location, valid=list(AppetiteLevel)
    )


# --- from the Matrix and Appetite sheets of a register ------------------------------------------

LEVEL_COLUMNS = [
    Column("score", ("value", "rating", "number")),
    Column("label", ("likelihood", "impact", "consequence", "name", "descriptor")),
    Column("description", ("meaning", "detail"), required=False),
    Column("aliases", ("also accepted", "other names"), required=False),
]
BAND_COLUMNS = [
    Column("name", ("band", "rating")),
    Column("low", ("from", "lowest score", "min")),
    Column("high", ("to", "highest score", "max")),
    Column("colour", ("color", "fill"), required=False),
]
APPETITE_LEVEL_COLUMNS = [
    Column("level", ("appetite level", "appetite")),
    Column("score", ("highest tolerated residual score", "highest tolerated score", "tolerance")),
]


def _records(
    rows: Sequence[Sequence[Any]], columns: list[Column], where: Location
) -> list[dict[str, Any]]:
    start, span, match = find_header_row(rows, columns, scan=3)
    if match.missing:
        found = ", ".join(repr(h) for h in match.headers if h) or "none"
        raise InputError(
            f"missing column {', '.join(match.missing)}; headers found: {found}", location=where
        )
    records = []
    for row in rows[start + span :]:
        record = {f: (row[i] if i < len(row) else None) for f, i in match.columns.items()}
        if all(is_blank(v) for v in record.values()):
            continue
        records.append(record)
    return records


def matrix_from_tables(
    name: str,
    likelihood: Sequence[Sequence[Any]],
    impact: Sequence[Sequence[Any]],
    bands: Sequence[Sequence[Any]],
    appetite_levels: Sequence[Sequence[Any]] | None = None,
    *,
    description: str = "",
    high_from: Any = None,
    sheet: str = "Matrix",
) -> RiskMatrix:
    """A matrix from the tables of a Matrix sheet (each a header row and rows)."""
    fields: dict[str, Any] = {
        "name": to_text(name) or "workbook",
        "description": description,
        "source": f"sheet {sheet}",
    }
    for axis, rows in (("likelihood", likelihood), ("impact", impact)):
        where = Location(sheet=sheet, field=axis)
        fields[axis] = [
            {
                "score": int(to_number(r["score"], what="a score", location=where)),
                "label": to_text(r["label"]),
                "description": to_text(r.get("description")),
                "aliases": tuple(
                    a.strip() for a in to_text(r.get("aliases")).split(",") if a.strip()
                ),
            }
            for r in _records(rows, LEVEL_COLUMNS, where)
        ]
    where = Location(sheet=sheet, field="bands")
    fields["bands"] = [
        {
            "name": to_text(r["name"]),
            "low": int(to_number(r["low"], what="a score", location=where)),
            "high": int(to_number(r["high"], what="a score", location=where)),
            **(
                {"colour": to_text(r["colour"]).lstrip("#")}
                if not is_blank(r.get("colour"))
                else {}
            ),
        }
        for r in _records(bands, BAND_COLUMNS, where)
    ]
    appetite = dict(NHS_5X5.appetite)
    if appetite_levels:
        where = Location(sheet="Appetite", field="appetite levels")
        for r in _records(appetite_levels, APPETITE_LEVEL_COLUMNS, where):
            level = _appetite_level(r["level"], where)
            appetite[level] = int(to_number(r["score"], what="a score", location=where))
    fields["appetite"] = appetite
    if not is_blank(high_from):
        fields["high_from"] = int(to_number(high_from, what="a score"))
    return _build(fields, Location(sheet=sheet))


APPETITE_COLUMNS = [
    Column("category", ("risk category",)),
    Column("level", ("appetite level", "appetite")),
]


def appetite_from_tables(
    matrix: RiskMatrix, categories: Sequence[Sequence[Any]] | None = None
) -> RiskAppetite:
    """Each category's appetite level (the Appetite sheet's table), on ``matrix``'s scores.

    A category listed with no level gets none, so its risks are never flagged above appetite.
    """
    if not categories:
        return RiskAppetite(
            levels=dict(matrix.appetite),
            categories={str(k): v for k, v in DEFAULT_CATEGORY_APPETITE.items()},
        )
    where = Location(sheet="Appetite", field="category appetite")
    chosen: dict[str, AppetiteLevel | None] = {}
    for record in _records(categories, APPETITE_COLUMNS, where):
        name = to_text(record["category"])
        if name:
            level = record["level"]
            chosen[name] = None if is_blank(level) else _appetite_level(level, where)
    return RiskAppetite(levels=dict(matrix.appetite), categories=chosen)
