"""The input tables of a budget workbook, read from cell values into typed engine inputs.

Both the button script (values from the open workbook through xlwings) and the command line
(values from a file through calamine) hand this module each table's cells; every bad cell is
collected with its sheet, cell and field, so an officer can fix them all in one go.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.tables import ROW, Column, find_header_row, frame_from_values
from cpcxl.common.values import describe, is_blank, to_number, to_text

from .engine import BudgetInputs, Place, ScenarioChange, empty_actuals, empty_standalone
from .models import (
    Arrangement,
    ArrangementKind,
    Change,
    ChangeReason,
    Condition,
    ContributionKind,
    Line,
    Outcome,
    Partner,
    PartnerType,
    RiskBasis,
    parse_choice,
    parse_year,
)


@dataclass(frozen=True)
class TableSpec:
    """An input table: its Excel Table name, its sheet, and its columns (header, field)."""

    name: str
    sheet: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.synonyms[0] for c in self.columns]


def _col(field: str, header: str, *synonyms: str, required: bool = True) -> Column:
    # The header the workbook shows is the first synonym, so one list serves build and read.
    return Column(field, (header, *synonyms), required)


ARRANGEMENT = TableSpec(
    "Arrangement",
    "Arrangement",
    (_col("setting", "Setting"), _col("value", "Value"), _col("note", "Notes", required=False)),
)
PARTNERS = TableSpec(
    "Partners",
    "Partners",
    (
        _col("partner", "Partner", "Organisation", "Name"),
        _col("type", "Type", "Partner type", "Organisation type"),
        _col("fixed_share", "Fixed risk share %", "Fixed share", required=False),
        _col("risk_cap", "Risk cap £", "Risk cap", "Cap", required=False),
    ),
)
LINES = TableSpec(
    "Lines",
    "Lines",
    (
        _col("line", "Line", "Budget line", "Scheme", "Service area"),
        _col("description", "Description", required=False),
        _col("lead", "Commissioning partner", "Lead", "Lead partner", required=False),
        _col("excluded", "Excluded from risk share", "Excluded", required=False),
    ),
)
CONTRIBUTIONS = TableSpec(
    "Contributions",
    "Contributions",
    (
        _col("partner", "Partner"),
        _col("line", "Line", "Budget line", "Scheme"),
        _col("year", "Year", "Financial year"),
        _col("kind", "Kind", "Contribution kind", "Type", required=False),
        _col("amount", "Amount £", "Amount", "Value £", "Value"),
        _col("reduction", "Reduction", "Is reduction", required=False),
        _col("note", "Note", "Notes", required=False),
    ),
)
CONDITIONS = TableSpec(
    "Conditions",
    "Conditions",
    (
        _col("partner", "Partner"),
        _col("change", "Change", "Condition"),
        _col("value", "Rate % or cap £", "Value", "Rate"),
        _col("from_year", "From year", "From"),
        _col("to_year", "To year", "To", required=False),
        _col("reason", "Reason", required=False),
    ),
)
OUTCOMES = TableSpec(
    "Outcomes",
    "Outcomes",
    (
        _col("partner", "Partner"),
        _col("outcome", "Outcome"),
        _col("indicator", "Indicator", required=False),
        _col("lines", "Lines serving it", "Lines", required=False),
        _col("baseline", "Baseline", required=False),
        _col("target", "Target", required=False),
        _col("actual", "Latest actual", "Actual", required=False),
    ),
)
STANDALONE = TableSpec(
    "StandAlone",
    "Stand-alone costs",
    (
        _col("partner", "Partner"),
        _col("line", "Line"),
        _col("year", "Year", required=False),
        _col("cost", "Cost alone £", "Cost alone", "Cost"),
    ),
)
ACTUALS = TableSpec(
    "Actuals",
    "Actuals",
    (
        _col("line", "Line"),
        _col("year", "Year"),
        _col("partner", "Partner", required=False),
        _col("actual", "Actual £", "Actual", "Spend"),
    ),
)
SCENARIOS = TableSpec(
    "ScenarioChanges",
    "Scenario changes",
    (
        _col("scenario", "Scenario"),
        _col("partner", "Partner", required=False),
        _col("contribution_change", "Contribution change %", required=False),
        _col("uplift", "Uplift %", required=False),
        _col("cap", "Cap £", required=False),
        _col("basis", "Risk-share basis", "Basis", required=False),
        _col("test_variance", "Overspend to test £", "Overspend", required=False),
    ),
)
TABLES = {
    "arrangement": ARRANGEMENT,
    "partners": PARTNERS,
    "lines": LINES,
    "contributions": CONTRIBUTIONS,
    "conditions": CONDITIONS,
    "outcomes": OUTCOMES,
    "standalone": STANDALONE,
    "actuals": ACTUALS,
    "scenarios": SCENARIOS,
}
OPTIONAL_TABLES = {"conditions", "outcomes", "standalone", "actuals", "scenarios"}

#: The settings of the Arrangement table: (label shown, field).
SETTINGS = (
    ("Arrangement name", "name"),
    ("Aligned or pooled", "kind"),
    ("First year", "first_year"),
    ("Number of years", "years"),
    ("Host partner", "host"),
    ("Risk-share basis", "basis"),
    ("Overspend to test £", "test_variance"),
    ("Year to test", "test_year"),
)

YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class TableValues:
    """A table's cells as read, and where its top-left cell is."""

    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_column: int = 1


class _Reader:
    """Turns one table's cells into typed values, collecting every located error."""

    def __init__(self, spec: TableSpec, values: TableValues, errors: InputErrors) -> None:
        self.spec = spec
        self.errors = errors
        _start, _span, match = find_header_row(values.rows, spec.columns)
        self.letters = {
            f: get_column_letter(values.first_column + i) for f, i in match.columns.items()
        }
        self.frame = frame_from_values(
            values.rows,
            spec.columns,
            first_row=values.first_row,
            location=Location(sheet=spec.sheet),
        )
        for c in spec.columns:
            if c.field not in self.frame.columns:
                self.frame[c.field] = None

    def places(self) -> dict[str, Place]:
        return {c.field: Place(self.letters.get(c.field), c.synonyms[0]) for c in self.spec.columns}

    def where(self, row: int | None, field: str, label: str | None = None) -> Location:
        letter = self.letters.get(field)
        header = label or next(
            (c.synonyms[0] for c in self.spec.columns if c.field == field), field
        )
        cell = f"{letter}{row}" if letter and row is not None else None
        return Location(sheet=self.spec.sheet, cell=cell, row=row, field=header)

    def each(self, field: str, parse: Callable[[Any], Any], *, required: bool = True) -> list:
        """Parse every cell of a column; a blank is None unless ``required``."""
        out = []
        for row, value in zip(self.frame[ROW], self.frame[field], strict=True):
            out.append(self.one(row, field, value, parse, required=required))
        return out

    def one(
        self,
        row: int | None,
        field: str,
        value: Any,
        parse: Callable[[Any], Any],
        *,
        required: bool = True,
        label: str | None = None,
    ) -> Any:
        """One cell parsed; a problem is recorded at its cell (``label`` names the field)."""
        where = self.where(row, field, label)
        if is_blank(value):
            if required:
                self.errors.add(InputError("this is blank", location=where))
            return None
        try:
            return parse(value)
        except InputError as exc:
            self.errors.add(InputError(exc.message, location=where, valid=exc.valid))
        return None


def _text(value: Any) -> str:
    return to_text(value)


def _choice(enum: type, what: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        try:
            return parse_choice(enum, value)
        except ValueError:
            raise InputError(
                f"{describe(value)} is not a {what}", valid=[m.value for m in enum]
            ) from None

    return parse


def _basis(value: Any) -> RiskBasis:
    try:
        return RiskBasis.parse(value)
    except ValueError:
        raise InputError(
            f"{describe(value)} is not a risk-share basis", valid=[b.label for b in RiskBasis]
        ) from None


def _year(value: Any) -> int:
    try:
        return parse_year(value)
    except ValueError:
        raise InputError(
            f"{describe(value)} is not a financial year", valid="a year such as 2025/26 or 2025"
        ) from None


def _whole_years(value: Any) -> int:
    number = to_number(value, what="a number of years")
    if not number.is_integer() or not 1 <= number <= 50:
        raise InputError(f"{describe(value)} is not a whole number of years", valid="1 to 50")
    return int(number)


def _money(value: Any) -> float:
    return to_number(value, what="an amount in £")


def _rate(value: Any) -> float:
    """A percentage as typed: 3.9%, 0.039 or 3.9 all mean three point nine per cent."""
    number = to_number(value, what="a percentage")
    if isinstance(value, str) and "%" in value:
        return number
    return number / 100 if abs(number) > 1 else number


def _flag(value: Any) -> bool:
    text = to_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InputError(f"{describe(value)} is not Yes or No", valid="Yes, No")


def _lines(value: Any) -> tuple[str, ...]:
    parts = str(value).replace(",", ";").replace("\n", ";").split(";")
    return tuple(p.strip() for p in parts if p.strip())


def read_inputs(
    tables: Mapping[str, TableValues], *, file: str | None = None
) -> tuple[BudgetInputs, list[ScenarioChange]]:
    """Typed inputs from each table's cells; raises InputErrors listing every problem found."""
    errors = InputErrors()
    readers: dict[str, _Reader] = {}
    for key, spec in TABLES.items():
        if key not in tables:
            if key not in OPTIONAL_TABLES:
                errors.add(
                    InputError(
                        f"the {spec.name} table is missing",
                        location=Location(file=file, sheet=spec.sheet),
                        valid=f"a table with headers {', '.join(spec.headers)}",
                    )
                )
            continue
        try:
            readers[key] = _Reader(spec, tables[key], errors)
        except InputError as exc:
            errors.add(exc.at(sheet=spec.sheet))
    if errors:
        raise _with_file(errors, file)

    setting_rows: dict[str, int] = {}
    arrangement = _arrangement(readers["arrangement"], errors, setting_rows)
    partners = _partners(readers["partners"])
    lines = _lines_table(readers["lines"])
    contributions = _contributions(readers["contributions"])
    conditions = _conditions(readers["conditions"]) if "conditions" in readers else []
    outcomes = _outcomes(readers["outcomes"]) if "outcomes" in readers else []
    standalone = _standalone(readers["standalone"]) if "standalone" in readers else None
    actuals = _actuals(readers["actuals"]) if "actuals" in readers else None
    scenarios = _scenarios(readers["scenarios"]) if "scenarios" in readers else []
    if errors or arrangement is None:
        raise _with_file(errors, file)
    places = {key: (reader.spec.sheet, reader.places()) for key, reader in readers.items()}
    value_letter = readers["arrangement"].letters.get("value")
    places["arrangement"] = (
        ARRANGEMENT.sheet,
        {key: Place(value_letter, label, setting_rows.get(key)) for label, key in SETTINGS},
    )
    inputs = BudgetInputs(
        arrangement=arrangement,
        partners=partners,
        lines=lines,
        contributions=contributions,
        conditions=conditions,
        outcomes=outcomes,
        standalone=standalone if standalone is not None else empty_standalone(),
        actuals=actuals if actuals is not None else empty_actuals(),
        places=places,
    )
    return inputs, scenarios


def _with_file(errors: InputErrors, file: str | None) -> InputErrors:
    if file is None:
        return errors
    return InputErrors([e.at(file=file) for e in errors])


def _arrangement(
    reader: _Reader, errors: InputErrors, setting_rows: dict[str, int]
) -> Arrangement | None:
    labels = {label.lower(): field for label, field in SETTINGS}
    raw: dict[str, tuple[int, Any]] = {}
    for row, setting, value in zip(
        reader.frame[ROW], reader.frame["setting"], reader.frame["value"], strict=True
    ):
        key = labels.get(to_text(setting).lower())
        if key is None:
            errors.add(
                InputError(
                    f"{describe(setting)} is not a setting",
                    location=reader.where(row, "setting"),
                    valid=[label for label, _ in SETTINGS],
                )
            )
            continue
        raw[key] = (row, value)
        setting_rows[key] = row
    parsers: dict[str, tuple[Callable[[Any], Any], bool]] = {
        "name": (_text, False),
        "kind": (_choice(ArrangementKind, "type of arrangement"), True),
        "first_year": (_year, True),
        "years": (_whole_years, True),
        "host": (_text, False),
        "basis": (_basis, False),
        "test_variance": (_money, False),
        "test_year": (_year, False),
    }
    values: dict[str, Any] = {}
    for key, (parse, required) in parsers.items():
        row, value = raw.get(key, (None, None))
        label = next(lbl for lbl, f in SETTINGS if f == key)
        if row is None and required:
            errors.add(
                InputError(
                    f"the setting {label!r} is missing",
                    location=Location(sheet=reader.spec.sheet, field=label),
                )
            )
            continue
        parsed = reader.one(row, "value", value, parse, required=required, label=label)
        if parsed is not None:
            values[key] = parsed
    if {"first_year", "years", "kind"} - set(values):
        return None
    try:
        return Arrangement(**values)
    except ValueError as exc:
        errors.add(
            InputError(
                f"the arrangement is not valid ({exc})", location=reader.where(None, "value")
            )
        )
        return None


def _partners(reader: _Reader) -> list[Partner]:
    names = reader.each("partner", _text)
    types = reader.each("type", _choice(PartnerType, "partner type"))
    shares = reader.each("fixed_share", _rate, required=False)
    caps = reader.each("risk_cap", _money, required=False)
    out = []
    for row, name, kind, share, cap in zip(
        reader.frame[ROW], names, types, shares, caps, strict=True
    ):
        if name and kind:
            out.append(Partner(name=name, type=kind, fixed_share=share, risk_cap=cap, row=row))
    return out


def _lines_table(reader: _Reader) -> list[Line]:
    names = reader.each("line", _text)
    descriptions = reader.each("description", _text, required=False)
    leads = reader.each("lead", _text, required=False)
    excluded = reader.each("excluded", _flag, required=False)
    out = []
    for row, name, description, lead, excl in zip(
        reader.frame[ROW], names, descriptions, leads, excluded, strict=True
    ):
        if name:
            out.append(
                Line(
                    name=name,
                    description=description or "",
                    lead=lead or None,
                    excluded=bool(excl),
                    row=row,
                )
            )
    return out


def _contributions(reader: _Reader) -> pd.DataFrame:
    f = reader.frame
    amount = pd.to_numeric(f["amount"], errors="coerce").astype(float)
    # Most cells are plain numbers; only the others go through the careful reader.
    odd = amount.isna().to_numpy()
    for i in np.flatnonzero(odd):
        value = reader.one(int(f[ROW].iat[i]), "amount", f["amount"].iat[i], _money)
        amount.iat[i] = np.nan if value is None else value
    kinds = {}
    for value in f["kind"].dropna().unique():
        with contextlib.suppress(ValueError):
            kinds[value] = parse_choice(ContributionKind, value).value
    kind = f["kind"].map(kinds)
    blank_kind = f["kind"].map(is_blank).astype(bool)
    kind = kind.where(~blank_kind, ContributionKind.FINANCIAL.value)
    for row, value in zip(f.loc[kind.isna(), ROW], f.loc[kind.isna(), "kind"], strict=True):
        reader.errors.add(
            InputError(
                f"{describe(value)} is not a kind of contribution",
                location=reader.where(row, "kind"),
                valid=[k.value for k in ContributionKind],
            )
        )
    years = {}
    for value in f["year"].dropna().unique():
        with contextlib.suppress(ValueError):
            years[value] = parse_year(value)
    year = f["year"].map(years)
    for row, value in zip(f.loc[year.isna(), ROW], f.loc[year.isna(), "year"], strict=True):
        reader.one(row, "year", value, _year)
    reduction = reader.each("reduction", _flag, required=False)
    partner = reader.each("partner", _text)
    line = reader.each("line", _text)
    frame = pd.DataFrame(
        {
            "partner": pd.Series(partner, dtype=object),
            "line": pd.Series(line, dtype=object),
            "year": year.astype("Int64"),
            "kind": kind.astype(object),
            "amount": amount,
            "reduction": [bool(r) for r in reduction],
            ROW: f[ROW].to_numpy(),
        }
    )
    ok = frame[["partner", "line", "year", "kind", "amount"]].notna().all(axis=1)
    frame = frame.loc[ok].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    return frame


def _conditions(reader: _Reader) -> list[Condition]:
    partners = reader.each("partner", _text)
    changes = reader.each("change", _choice(Change, "change"))
    raw_values = list(reader.frame["value"])
    from_years = reader.each("from_year", _year)
    to_years = reader.each("to_year", _year, required=False)
    reasons = reader.each("reason", _choice(ChangeReason, "reason for a change"), required=False)
    out = []
    for row, partner, change, raw, start, end, reason in zip(
        reader.frame[ROW], partners, changes, raw_values, from_years, to_years, reasons, strict=True
    ):
        if change is None:
            continue
        value = reader.one(row, "value", raw, _money if change is Change.CAP else _rate)
        if partner and value is not None and start is not None:
            out.append(
                Condition(
                    partner=partner,
                    change=change,
                    value=value,
                    from_year=start,
                    to_year=end,
                    reason=reason,
                    row=row,
                )
            )
    return out


def _outcomes(reader: _Reader) -> list[Outcome]:
    columns = {
        "partner": reader.each("partner", _text),
        "outcome": reader.each("outcome", _text),
        "indicator": reader.each("indicator", _text, required=False),
        "lines": reader.each("lines", _lines, required=False),
        "baseline": reader.each("baseline", _number, required=False),
        "target": reader.each("target", _number, required=False),
        "actual": reader.each("actual", _number, required=False),
    }
    out = []
    for i, row in enumerate(reader.frame[ROW]):
        values = {k: v[i] for k, v in columns.items()}
        if values["partner"] and values["outcome"]:
            values["indicator"] = values["indicator"] or ""
            values["lines"] = values["lines"] or ()
            out.append(Outcome(row=row, **values))
    return out


def _number(value: Any) -> float:
    return to_number(value)


def _standalone(reader: _Reader) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "partner": reader.each("partner", _text),
            "line": reader.each("line", _text),
            "year": pd.array(reader.each("year", _year, required=False), dtype="Int64"),
            "cost": pd.array(reader.each("cost", _money), dtype="Float64"),
            ROW: reader.frame[ROW].to_numpy(),
        }
    )
    frame = frame.loc[frame["cost"].notna()].reset_index(drop=True)
    frame["cost"] = frame["cost"].astype(float)
    return frame


def _actuals(reader: _Reader) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "line": reader.each("line", _text),
            "year": pd.array(reader.each("year", _year), dtype="Int64"),
            "partner": reader.each("partner", _text, required=False),
            "actual": pd.array(reader.each("actual", _money), dtype="Float64"),
            ROW: reader.frame[ROW].to_numpy(),
        }
    )
    frame = frame.loc[frame[["year", "actual"]].notna().all(axis=1)].reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    frame["actual"] = frame["actual"].astype(float)
    return frame


def _scenarios(reader: _Reader) -> list[ScenarioChange]:
    columns = {
        "scenario": reader.each("scenario", _text),
        "partner": reader.each("partner", _text, required=False),
        "contribution_change": reader.each("contribution_change", _signed_rate, required=False),
        "uplift": reader.each("uplift", _rate, required=False),
        "cap": reader.each("cap", _money, required=False),
        "basis": reader.each("basis", _basis, required=False),
        "test_variance": reader.each("test_variance", _money, required=False),
    }
    out = []
    for i, row in enumerate(reader.frame[ROW]):
        values = {k: v[i] for k, v in columns.items()}
        if values["scenario"]:
            values["partner"] = values["partner"] or None
            out.append(ScenarioChange(row=row, **values))
    return out


def _signed_rate(value: Any) -> float:
    return _rate(value)
