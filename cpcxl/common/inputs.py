"""The one input toolkit: table specifications, and reading cells into checked columns.

A :class:`TableSpec` declares an input table once: its Excel Table name, its sheet, and its
columns, each with its header, the other spellings people use, whether it must be present,
its value type (:mod:`cpcxl.common.fields`), its format and its width. The workbook layer
builds a template's Excel Table and its validations from the declaration; :func:`read_table`
reads the same table back from cells (as calamine or xlwings give them), with every bad cell
recorded where it is. A :class:`SettingsSpec` does the same for a two-column table of labelled
settings. No file access here, and no workbook library.

Headers are matched by their letters and digits (case, spaces and punctuation ignored), so
"Revenue (£)" is the column "Revenue £", and the match is noted. A header that is no column
of the table is a problem naming the header, the table and the columns expected, and nothing
is read from that table until it is fixed: a renamed column must never be read as missing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, InputErrors, Location
from .fields import TEXT, CellType, Number, Rate
from .tables import ROW, normalise_header
from .values import describe, is_blank


class Raw(CellType):
    """A cell passed on as it is, for the capability to read in context (or not at all)."""

    what = "a value"

    def parse(self, value: Any) -> Any:
        return value


RAW = Raw()


@dataclass(frozen=True)
class Column:
    """A column of an input table.

    ``required``: the header must be present. ``blank``: a cell may be empty (by default, in
    optional columns only), and then reads as ``default``. ``output``: a column cpcxl writes
    itself (a formula or a result), recognised but never read.
    """

    field: str
    header: str
    type: CellType = TEXT
    synonyms: tuple[str, ...] = ()
    required: bool = True
    blank: bool | None = None
    default: Any = None
    width: float | None = None
    prompt: str | None = None
    output: bool = False

    @property
    def allows_blank(self) -> bool:
        return (not self.required) if self.blank is None else self.blank

    def names(self) -> list[str]:
        """Every spelling of this column's header, normalised, the template's own first."""
        spellings = (self.header, *self.synonyms, self.field.replace("_", " "))
        return list(dict.fromkeys(normalise_header(s) for s in spellings))


@dataclass(frozen=True)
class TableSpec:
    """An input table: its Excel Table name, its sheet, and its columns in template order."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    title: str = ""

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for column in self.columns:
            for name in column.names():
                other = seen.setdefault(name, column.field)
                if other != column.field:
                    raise ValueError(f"{self.name}: {name!r} names both {other} and {column.field}")

    @functools.cached_property
    def lookup(self) -> dict[str, Column]:
        """{every normalised spelling of a header: its column}, worked out once."""
        return {name: c for c in self.columns for name in c.names()}

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, field_name: str) -> Column:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)

    def header_of(self, field_name: str) -> str:
        return self.column(field_name).header


@dataclass(frozen=True)
class Cells:
    """A table's cells as read (header row first) and where its top-left cell is.

    ``exact``: the rows are an Excel Table's own range, so the first is the header; otherwise
    the header is looked for among the first rows (a title may stand above it).
    ``stray_rows`` are sheet rows below the table that hold values but are not part of it;
    ``merged`` are merged ranges that overlap its body (their cells read as blanks).
    """

    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_column: int = 1
    exact: bool = False
    stray_rows: tuple[int, ...] = ()
    merged: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """1 -> 'A', 28 -> 'AB' (as openpyxl's get_column_letter, without openpyxl)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class TableRead:
    """A table read into typed columns.

    ``columns`` holds one array per field (blank or bad cells are None, or NaN in number
    columns) and ``rows`` each row's sheet row; ``bad`` marks the rows with a bad cell.
    ``frame`` is the same as a DataFrame with ``_row``, built when first asked for (a batch
    reading thousands of small tables need not build one for each).
    """

    spec: TableSpec
    columns: dict[str, np.ndarray]
    rows: np.ndarray
    letters: dict[str, str]
    bad: np.ndarray
    base: Location

    @functools.cached_property
    def frame(self) -> pd.DataFrame:
        # object columns stay object (pandas 3 would make text columns 'str', blanks NaN)
        frame = pd.DataFrame(
            {
                name: pd.Series(values, dtype=object) if values.dtype == object else values
                for name, values in self.columns.items()
            }
        )
        frame[ROW] = self.rows
        return frame

    def present(self, field_name: str) -> bool:
        """Whether the column was in the table (an optional one may be absent)."""
        return field_name in self.letters

    def where(self, row: int | None, field_name: str) -> Location:
        letter = self.letters.get(field_name)
        cell = f"{letter}{row}" if letter and row is not None else None
        header = self.spec.header_of(field_name)
        return self.base.with_(cell=cell, row=row, field=header)

    def records(self, *, good_only: bool = True) -> Iterator[dict[str, Any]]:
        """Each row as {field: value, '_row': sheet row}, skipping rows with a bad cell."""
        keep = ~self.bad if good_only else np.ones(len(self.rows), dtype=bool)
        names = [*self.columns, ROW]
        values = [self.columns[n][keep].tolist() for n in self.columns]
        values.append(self.rows[keep].tolist())
        for record in zip(*values, strict=True):
            yield dict(zip(names, record, strict=True))

    def __len__(self) -> int:
        return len(self.rows)


def read_table(
    spec: TableSpec,
    cells: Cells | None,
    errors: InputErrors,
    *,
    file: str | None = None,
    optional: bool = False,
) -> TableRead | None:
    """Read ``cells`` as the table ``spec``; None (with the problems recorded) when the table
    is missing or its header is wrong, since nothing can be read from it then.

    An ``optional`` table may be missing altogether.
    """
    base = Location(file=file, sheet=spec.sheet)
    if cells is None or not any(any(not is_blank(v) for v in r) for r in cells.rows):
        if not optional:
            errors.add(
                f"the {spec.name} table is missing or empty",
                location=base,
                valid=f"a table with the headers {', '.join(spec.headers)}",
            )
        return None
    rows = cells.rows
    header_index = 0 if cells.exact else _header_row(rows, spec)
    positions = _match_header(spec, rows[header_index], cells, header_index, base, errors)
    if positions is None:
        return None
    first_body = cells.first_row + header_index + 1
    if cells.stray_rows:
        stray = cells.stray_rows
        what = (
            f"row {stray[0]} holds values"
            if len(stray) == 1
            else f"{len(stray):,} rows from row {stray[0]:,} to row {stray[-1]:,} hold values"
        )
        errors.add(
            f"{what} below the {spec.name} table, outside it",
            location=base.with_(row=stray[0]),
            valid="rows inside the table: resize the table over them (Table Design > Resize "
            "Table), or delete them",
        )
    for ref in cells.merged:
        errors.add(
            f"the cells {ref} are merged, so only the first of them can be read",
            location=base.with_(cell=ref.split(":")[0]),
            valid="one value in each cell: unmerge the cells and fill each in",
        )
    body = rows[header_index + 1 :]
    sheet_rows = np.arange(first_body, first_body + len(body))
    raw: dict[str, list[Any]] = {}
    for c in spec.columns:
        index = positions.get(c.field)
        if c.output:
            continue
        if index is None:
            raw[c.field] = [None] * len(body)
        else:
            raw[c.field] = [r[index] if index < len(r) else None for r in body]
    blanks = {f: _blank_mask(raw[f]) for f in raw if f in positions}
    keep = np.zeros(len(body), dtype=bool)
    for blank in blanks.values():
        keep |= ~blank
    letters = {f: column_letter(cells.first_column + i) for f, i in positions.items()}
    data: dict[str, Any] = {}
    bad = np.zeros(int(keep.sum()), dtype=bool)
    kept_rows = sheet_rows[keep]
    for c in spec.columns:
        if c.output:
            continue
        values = [v for v, k in zip(raw[c.field], keep, strict=True) if k]
        if c.field not in positions:
            data[c.field] = _filled(c, len(values))
            continue
        parsed, failed = _parse_column(
            c, values, blanks[c.field][keep], kept_rows, base, letters[c.field], errors
        )
        data[c.field] = parsed
        bad |= failed
    return TableRead(spec, data, kept_rows, letters, bad, base)


def _header_row(rows: Sequence[Sequence[Any]], spec: TableSpec, scan: int = 15) -> int:
    """The row among the first ``scan`` that matches most of the spec's headers."""
    names = spec.lookup
    best, best_index = -1, 0
    for index, row in enumerate(rows[:scan]):
        score = sum(1 for v in row if not is_blank(v) and normalise_header(v) in names)
        if score > best:
            best, best_index = score, index
    return best_index


def _match_header(
    spec: TableSpec,
    header: Sequence[Any],
    cells: Cells,
    header_index: int,
    base: Location,
    errors: InputErrors,
) -> dict[str, int] | None:
    """{field: column offset}, or None with the header's problems recorded."""
    lookup = spec.lookup
    sheet_row = cells.first_row + header_index
    positions: dict[str, int] = {}
    found_errors = InputErrors()
    expected = ", ".join(spec.headers)
    for offset, text in enumerate(header):
        if is_blank(text):
            continue
        where = base.with_(cell=f"{column_letter(cells.first_column + offset)}{sheet_row}")
        column = lookup.get(normalise_header(text))
        if column is None:
            found_errors.add(
                f"the header {describe(text)} is not a column of the {spec.name} table",
                location=where,
                valid=f"the columns {expected} (rename the header to one of them, or remove "
                "the column)",
            )
            continue
        if column.field in positions:
            first = column_letter(cells.first_column + positions[column.field])
            found_errors.add(
                f"the column {column.header!r} appears twice (also in column {first})",
                location=where,
                valid="each column once",
            )
            continue
        positions[column.field] = offset
        shown = str(text).strip()
        if shown.casefold() != column.header.casefold():
            errors.note(f"{spec.sheet}: read the header {shown!r} as {column.header!r}")
    missing = [c.header for c in spec.columns if c.required and c.field not in positions]
    if missing:
        found = ", ".join(repr(str(h).strip()) for h in header if not is_blank(h)) or "none"
        found_errors.add(
            f"the {spec.name} table has no {', '.join(repr(m) for m in missing)} "
            f"column{'s' if len(missing) > 1 else ''} (headers found: {found})",
            location=base.with_(row=sheet_row),
            valid=f"the columns {expected}",
        )
    if found_errors:
        errors.extend(found_errors)
        return None
    return positions


def _blank_mask(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter((_is_blank(v) for v in values), dtype=bool, count=len(values))


def _is_blank(value: Any) -> bool:
    """:func:`is_blank`, quicker for the plain types nearly every cell holds."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is float:
        return value != value  # NaN
    if kind is int or kind is bool:
        return False
    return is_blank(value)


def _is_numeric(column: Column) -> bool:
    return isinstance(column.type, Number | Rate)


def _filled(column: Column, n: int) -> Any:
    if _is_numeric(column):
        default = np.nan if column.default is None else float(column.default)
        return np.full(n, default, dtype=float)
    out = np.empty(n, dtype=object)
    out[:] = [column.default] * n
    return out


def _parse_column(
    column: Column,
    values: list[Any],
    blank: np.ndarray,
    rows: np.ndarray,
    base: Location,
    letter: str,
    errors: InputErrors,
) -> tuple[np.ndarray, np.ndarray]:
    """Every cell of one column read by its type: (values, which rows failed); ``blank``
    marks its blank cells."""
    n = len(values)
    failed = np.zeros(n, dtype=bool)
    numeric = _is_numeric(column)
    out: np.ndarray = np.full(n, np.nan, dtype=float) if numeric else np.empty(n, dtype=object)
    pending: list[int] = list(range(n))
    if numeric and n:
        # Most cells of a number column are plain numbers: check those as one array.
        plain = np.fromiter(
            (type(v) is float or type(v) is int for v in values), dtype=bool, count=n
        )
        if plain.any():
            numbers = np.array([v for v, p in zip(values, plain, strict=True) if p], dtype=float)
            ok = np.isfinite(numbers)
            kind = column.type
            low, high = kind.low, kind.high  # type: ignore[attr-defined]
            if low is not None:
                ok &= numbers >= low
            if high is not None:
                ok &= numbers <= high
            if getattr(kind, "whole", False):
                ok &= numbers == np.round(numbers)
            indices = np.flatnonzero(plain)
            out[indices[ok]] = numbers[ok]
            pending = [*np.flatnonzero(~plain).tolist(), *indices[~ok].tolist()]
    cache: dict[tuple[type, Any], tuple[Any, InputError | None]] = {}
    read: list[Any] = [None] * n if not numeric else []
    for i in pending:
        value = values[i]
        if blank[i]:
            if not column.allows_blank:
                failed[i] = True
                errors.add(
                    "this is blank",
                    location=base.with_(
                        cell=f"{letter}{rows[i]}", row=int(rows[i]), field=column.header
                    ),
                    valid=column.type.valid,
                )
            elif numeric:
                out[i] = np.nan if column.default is None else column.default
            else:
                read[i] = column.default
            continue
        key = (type(value), value) if type(value) in _PLAIN or _hashable(value) else None
        hit = cache.get(key) if key is not None else None
        if hit is None:
            try:
                hit = (column.type.parse(value), None)
            except InputError as exc:
                hit = (None, exc)
            if key is not None:
                cache[key] = hit
        result, problem = hit
        if problem is not None:
            failed[i] = True
            errors.add(
                InputError(problem.message, valid=problem.valid),
                location=base.with_(
                    cell=f"{letter}{rows[i]}", row=int(rows[i]), field=column.header
                ),
            )
        elif numeric:
            out[i] = result
        else:
            read[i] = result
    if not numeric:
        out = np.fromiter(read, dtype=object, count=n)  # a tuple stays one value
    return out, failed


_PLAIN = frozenset({str, int, float, bool, dt.date, dt.datetime})


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | dt.date) or value is None


# --- settings: a table of labelled values ---------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One labelled value of a settings table; ``note`` says what it means and where its
    default comes from (with the source and year, or that it is a local choice)."""

    field: str
    label: str
    type: CellType = TEXT
    required: bool = False
    default: Any = None
    note: str = ""
    synonyms: tuple[str, ...] = ()

    def names(self) -> list[str]:
        return list(
            dict.fromkeys(
                normalise_header(s)
                for s in (self.label, *self.synonyms, self.field.replace("_", " "))
            )
        )


@dataclass(frozen=True)
class SettingsSpec:
    """A table of settings: one row a setting, its label, its value and a note."""

    name: str
    sheet: str
    settings: tuple[Setting, ...]
    label_header: str = "Setting"
    value_header: str = "Value"
    note_header: str = "Notes"
    title: str = ""

    @functools.cached_property
    def table(self) -> TableSpec:
        return TableSpec(
            self.name,
            self.sheet,
            (
                Column("label", self.label_header, synonyms=("setting", "assumption", "item")),
                Column("value", self.value_header, RAW, blank=True),
                Column(
                    "note",
                    self.note_header,
                    synonyms=("note", "notes", "source", "where the default comes from"),
                    required=False,
                ),
            ),
            self.title,
        )

    @functools.cached_property
    def lookup(self) -> dict[str, Setting]:
        """{every normalised spelling of a label: its setting}, worked out once."""
        return {name: s for s in self.settings for name in s.names()}

    def setting(self, field_name: str) -> Setting:
        for s in self.settings:
            if s.field == field_name:
                return s
        raise KeyError(field_name)

    @property
    def rows(self) -> list[list[Any]]:
        """The template's rows: each setting's label, default and note."""
        return [[s.label, s.default, s.note] for s in self.settings]


@dataclass
class SettingsRead:
    """The settings read: {field: value} (defaults where blank) and where each one is."""

    values: dict[str, Any]
    where: dict[str, Location]
    given: set[str] = field(default_factory=set)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def read_settings(
    spec: SettingsSpec,
    cells: Cells | None,
    errors: InputErrors,
    *,
    file: str | None = None,
    optional: bool = False,
) -> SettingsRead | None:
    """Read a settings table; an unknown label, a repeated one or a bad value is recorded
    where it is, and a blank value takes the setting's default."""
    before = len(errors)
    table = read_table(spec.table, cells, errors, file=file, optional=optional)
    values = {s.field: s.default for s in spec.settings}
    if table is None:
        # an optional table that is absent gives the defaults; a broken one gives nothing
        return SettingsRead(values, {}) if len(errors) == before else None
    lookup = spec.lookup
    where: dict[str, Location] = {}
    given: set[str] = set()
    refused: set[str] = set()  # given, but not valid: reported once, not also as missing
    for record in table.records():
        row = int(record[ROW])
        label = record["label"]
        setting = lookup.get(normalise_header(label)) if label else None
        if setting is None:
            errors.add(
                f"{describe(label)} is not a setting of the {spec.name} table",
                location=table.where(row, "label"),
                valid=", ".join(s.label for s in spec.settings),
            )
            continue
        at = table.where(row, "value").with_(field=setting.label)
        if setting.field in where:
            errors.add(
                f"the setting {setting.label!r} is given twice "
                f"(also on row {where[setting.field].row})",
                location=at,
                valid="each setting once",
            )
            continue
        where[setting.field] = at
        value = record["value"]
        if is_blank(value):
            continue
        try:
            values[setting.field] = setting.type.parse(value)
            given.add(setting.field)
        except InputError as exc:
            errors.add(InputError(exc.message, valid=exc.valid), location=at)
            refused.add(setting.field)
    for s in spec.settings:
        if s.required and s.field not in given | refused and values.get(s.field) is None:
            errors.add(
                f"the setting {s.label!r} is missing",
                location=where.get(s.field, table.base.with_(field=s.label)),
                valid=s.type.valid,
            )
    return SettingsRead(values, where, given)
