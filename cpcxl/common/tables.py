"""Tables between Excel ranges and DataFrames, with headers matched the way people write them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, Location
from .values import is_blank

#: Column holding each row's row number in the sheet it came from, for located errors.
ROW = "_row"


def normalise_header(text: Any) -> str:
    """'Residual  Likelihood (1-5)' -> 'residual likelihood 1 5': case, spaces, marks ignored."""
    words = re.sub(r"[^0-9a-z£%]+", " ", str(text or "").lower())
    return " ".join(words.split())


@dataclass(frozen=True)
class Column:
    """A field a table must or may have, and the headers people use for it."""

    field: str
    synonyms: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> list[str]:
        return [normalise_header(n) for n in (self.field.replace("_", " "), *self.synonyms)]


@dataclass
class HeaderMatch:
    """Which header each field was found under, and what was left over."""

    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    unmatched_headers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"{self.headers[i]!r} -> {name}" for name, i in self.columns.items()]
        lines += [f"{h!r}: not used (no field of that name)" for h in self.unmatched_headers]
        lines += [f"{m}: not found" for m in self.missing]
        return lines


def match_headers(headers: Sequence[Any], columns: Sequence[Column]) -> HeaderMatch:
    """Match found headers to fields: exact names first, then synonyms, then prefixes."""
    texts = ["" if is_blank(h) else str(h).strip() for h in headers]
    keys = [normalise_header(h) for h in texts]
    result = HeaderMatch(headers=texts)
    taken: set[int] = set()
    for rule in ("exact", "prefix"):
        for column in columns:
            if column.field in result.columns:
                continue
            for name in column.names():
                hit = next(
                    (
                        i
                        for i, key in enumerate(keys)
                        if i not in taken
                        and key
                        and (key == name if rule == "exact" else key.startswith(name + " "))
                    ),
                    None,
                )
                if hit is not None:
                    result.columns[column.field] = hit
                    taken.add(hit)
                    break
    result.unmatched_headers = [t for i, t in enumerate(texts) if t and i not in taken]
    result.missing = [c.field for c in columns if c.required and c.field not in result.columns]
    return result


def find_header_row(
    rows: Sequence[Sequence[Any]], columns: Sequence[Column], *, scan: int = 15
) -> tuple[int, int, HeaderMatch]:
    """Find the header among the first rows, allowing for titles and two-row headers.

    Returns (first header row index, rows the header spans, the match).
    """
    best: tuple[int, int, int, HeaderMatch] | None = None
    for start in range(min(scan, len(rows))):
        for span in (1, 2):
            if start + span > len(rows):
                continue
            headers = _combined_header(rows[start : start + span])
            match = match_headers(headers, columns)
            score = len(match.columns) * 2 - len(match.missing) - (span - 1)
            if best is None or score > best[0]:
                best = (score, start, span, match)
    if best is None:
        raise InputError("the sheet is empty", valid="a header row followed by data")
    return best[1], best[2], best[3]


def _combined_header(rows: Sequence[Sequence[Any]]) -> list[str]:
    width = max(len(r) for r in rows)
    combined: list[str] = []
    carried = [""] * len(rows)
    for c in range(width):
        parts = []
        for r, row in enumerate(rows):
            value = row[c] if c < len(row) else None
            text = "" if is_blank(value) else str(value).strip()
            # A group header written once over merged cells applies to the columns after it.
            if r < len(rows) - 1:
                carried[r] = text or carried[r]
                text = carried[r]
            parts.append(text)
        combined.append(" ".join(p for p in parts if p))
    return combined


def require_columns(match: HeaderMatch, *, location: Location | None = None) -> None:
    if match.missing:
        found = ", ".join(repr(h) for h in match.headers if h) or "none"
        raise InputError(
            f"missing required column{'s' if len(match.missing) > 1 else ''} "
            f"{', '.join(match.missing)}; headers found: {found}",
            location=location,
        )


def frame_from_values(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[Column] | None = None,
    *,
    first_row: int = 1,
    location: Location | None = None,
) -> pd.DataFrame:
    """A DataFrame from a range's values (header first), with each row's sheet row in ``_row``.

    With ``columns``, headers are matched to field names and a missing required column is an
    error that lists the headers found. Rows that are entirely blank are dropped.
    """
    if not rows:
        raise InputError("the range is empty", location=location, valid="a header row and data")
    if columns is not None:
        start, span, match = find_header_row(rows, columns)
        require_columns(match, location=location)
        body = rows[start + span :]
        names = list(match.columns)
        data = [[_cell(r, match.columns[n]) for n in names] for r in body]
        row_numbers = range(first_row + start + span, first_row + start + span + len(body))
    else:
        names = [
            str(h).strip() if not is_blank(h) else f"Column{i + 1}" for i, h in enumerate(rows[0])
        ]
        data = [list(r) + [None] * (len(names) - len(r)) for r in rows[1:]]
        row_numbers = range(first_row + 1, first_row + 1 + len(data))
    frame = pd.DataFrame(data, columns=names, dtype=object)
    frame[ROW] = list(row_numbers)
    if not names:
        return frame
    blank = frame.drop(columns=ROW).map(is_blank).all(axis=1)
    return frame.loc[~blank].reset_index(drop=True)


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def values_from_frame(frame: pd.DataFrame, *, header: bool = True) -> list[list[Any]]:
    """A DataFrame as the list of lists Excel takes: blanks for missing, dates as dates."""
    shown = frame.drop(columns=[ROW], errors="ignore")
    body = [[_to_excel(v) for v in row] for row in shown.itertuples(index=False, name=None)]
    return ([list(map(str, shown.columns))] if header else []) + body


def _to_excel(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dt.date | int | float | str | bool):
        return value
    return str(value)


def columns_for(
    model_fields: Mapping[str, Iterable[str]], optional: Iterable[str] = ()
) -> list[Column]:
    """Column rules from {field: synonyms}; fields named in ``optional`` may be absent."""
    optional = set(optional)
    return [Column(f, tuple(s), f not in optional) for f, s in model_fields.items()]
