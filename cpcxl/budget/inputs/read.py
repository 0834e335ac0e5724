"""Reading the budget's tables from cells (as calamine or xlwings give them) into the engine's
inputs, every problem collected with its file, sheet, cell and field. No file access."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import CellType
from cpcxl.common.inputs import (
    Cells,
    SettingsRead,
    SettingsSpec,
    TableRead,
    read_settings,
    read_table,
)
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..engine import (
    BcfInputs,
    BudgetInputs,
    InYearInputs,
    Place,
    ScenarioChange,
    empty_actuals,
    empty_standalone,
)
from ..models import (
    Arrangement,
    Change,
    Condition,
    ContributionKind,
    Line,
    Outcome,
    Partner,
    RiskBasis,
)
from . import bcf
from .inyear import IN_YEAR, read_in_year_tables
from .specs import ARRANGEMENT, OPTIONAL_TABLES, POOL_TABLE, TABLES
from .types import CAP, REDUCTION, UPLIFT


def read_inputs(
    tables: Mapping[str, Cells], *, file: str | None = None
) -> tuple[BudgetInputs, list[ScenarioChange]]:
    """The engine's inputs from each table's cells ({Excel Table name: cells}, as
    ``read_tables`` and ``read_book_tables`` give them); raises InputErrors listing every
    problem found, with its file, sheet, cell and field."""
    errors = InputErrors()
    settings = read_settings(ARRANGEMENT, tables.get(ARRANGEMENT.name), errors, file=file)
    in_year_settings = read_settings(
        IN_YEAR, tables.get(IN_YEAR.name), errors, file=file, optional=True
    )
    reads = {
        key: read_table(
            spec, tables.get(spec.name), errors, file=file, optional=key in OPTIONAL_TABLES
        )
        for key, spec in TABLES.items()
    }
    arrangement = _arrangement(settings) if settings is not None else None
    partners = _partners(reads["partners"])
    lines = _lines(reads["lines"])
    contributions = _contributions(reads["contributions"])
    conditions = _conditions(reads["conditions"], errors)
    outcomes = _outcomes(reads["outcomes"])
    standalone = _standalone(reads["standalone"])
    actuals = _actuals(reads["actuals"])
    scenarios = _scenarios(reads["scenarios"])
    in_year = read_in_year_tables(in_year_settings, reads, errors)
    plan = BcfInputs(
        requirements=bcf.requirements(reads["requirements"]),
        schemes=bcf.schemes(reads["schemes"]),
        scheme_types=bcf.scheme_types(reads["scheme_types"]),
        metrics=bcf.metrics(reads["metrics"]),
    )
    errors.raise_if_any()
    assert arrangement is not None and settings is not None  # no errors: every table was read
    places = {
        key: (table.spec.sheet, _places(table)) for key, table in reads.items() if table is not None
    }
    places["arrangement"] = (ARRANGEMENT.sheet, _setting_places(ARRANGEMENT, settings))
    if in_year_settings is not None:
        places["in_year"] = (IN_YEAR.sheet, _setting_places(IN_YEAR, in_year_settings))
    inputs = BudgetInputs(
        arrangement=arrangement,
        partners=partners,
        lines=lines,
        contributions=contributions,
        conditions=conditions,
        outcomes=outcomes,
        standalone=standalone,
        actuals=actuals,
        in_year=InYearInputs(**in_year),
        bcf=plan,
        places=places,
        notes=tuple(errors.notes),
    )
    return inputs, scenarios


def _given(value: Any) -> Any:
    """A read value, or None for a blank (pandas gives blanks in a column as NaN)."""
    return None if is_blank(value) else value


def _number(value: Any) -> float | None:
    return None if is_blank(value) else float(value)


def _basis(value: Any) -> RiskBasis | None:
    # A column of choices may come back as their plain text, so name the member again.
    return None if is_blank(value) else RiskBasis(value)


def _places(table: TableRead) -> dict[str, Place]:
    return {c.field: Place(table.letters.get(c.field), c.header) for c in table.spec.columns}


def _setting_places(spec: SettingsSpec, settings: SettingsRead) -> dict[str, Place]:
    places = {}
    for s in spec.settings:
        where = settings.where.get(s.field, Location())
        letter = "".join(ch for ch in where.cell or "" if ch.isalpha()) or None
        places[s.field] = Place(letter, s.label, where.row)
    return places


def _arrangement(settings: SettingsRead) -> Arrangement | None:
    values = {k: v for k, v in settings.values.items() if v is not None and v != ""}
    if {"kind", "first_year", "years"} - set(values):
        return None  # a required setting is missing or bad: already reported
    return Arrangement(**values)


def _partners(table: TableRead | None) -> list[Partner]:
    if table is None:
        return []
    return [
        Partner(
            name=r["partner"],
            type=r["type"],
            fixed_share=_number(r["fixed_share"]),
            risk_cap=_number(r["risk_cap"]),
            fixed_underspend_share=_number(r["fixed_underspend_share"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def _lines(table: TableRead | None) -> list[Line]:
    if table is None:
        return []
    return [
        Line(
            name=r["line"],
            description=_given(r["description"]) or "",
            lead=_given(r["lead"]),
            excluded=bool(_given(r["excluded"])),
            kind=_given(r["kind"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


_KIND_VALUES = {k: k.value for k in ContributionKind}


def _contributions(table: TableRead | None) -> pd.DataFrame:
    """The engine's long table: partner, line, year, kind (its value), amount, reduction,
    carried forward and the BCF funding source (its value, '' if none)."""
    columns = [
        "partner",
        "line",
        "year",
        "kind",
        "amount",
        "reduction",
        "carried_forward",
        "funding_source",
        ROW,
    ]
    if table is None:
        return pd.DataFrame(columns=columns)
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object).to_numpy(),
            "line": f["line"].astype(object).to_numpy(),
            "year": f["year"].astype("int64").to_numpy(),
            "kind": f["kind"].map(_KIND_VALUES).astype(object).to_numpy(),
            "amount": f["amount"].astype(float).to_numpy(),
            "reduction": f["reduction"].astype(bool).to_numpy(),
            "carried_forward": f["carried_forward"].astype(bool).to_numpy(),
            "funding_source": f["funding_source"]
            .map(lambda v: "" if is_blank(v) else str(v.value if hasattr(v, "value") else v))
            .astype(object)
            .to_numpy(),
            ROW: f[ROW].to_numpy(),
        },
        columns=columns,
    )


def _conditions(table: TableRead | None, errors: InputErrors) -> list[Condition]:
    """Each condition, its value read as its change needs: a rate for an uplift or a
    reduction, £ for a cap."""
    if table is None:
        return []
    out = []
    for r in table.records():
        row, change = int(r[ROW]), Change(r["change"])
        kind: CellType = {Change.UPLIFT: UPLIFT, Change.REDUCTION: REDUCTION}.get(change, CAP)
        where = table.where(row, "value")
        if is_blank(r["value"]):
            errors.add("this is blank", location=where, valid=kind.valid)
            continue
        value = errors.attempt(kind.parse, r["value"], where=where)
        if value is None:
            continue
        out.append(
            Condition(
                partner=r["partner"],
                change=change,
                value=value,
                from_year=r["from_year"],
                to_year=_given(r["to_year"]),
                reason=_given(r["reason"]),
                row=row,
            )
        )
    return out


def _outcomes(table: TableRead | None) -> list[Outcome]:
    if table is None:
        return []
    return [
        Outcome(
            partner=r["partner"],
            outcome=r["outcome"],
            indicator=_given(r["indicator"]) or "",
            lines=tuple(_given(r["lines"]) or ()),
            baseline=_number(r["baseline"]),
            target=_number(r["target"]),
            actual=_number(r["actual"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def _standalone(table: TableRead | None) -> pd.DataFrame:
    if table is None:
        return empty_standalone()
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object).to_numpy(),
            "line": f["line"].astype(object).to_numpy(),
            "year": pd.array(list(f["year"]), dtype="Int64"),
            "cost": f["cost"].astype(float).to_numpy(),
            ROW: f[ROW].to_numpy(),
        }
    )


def _actuals(table: TableRead | None) -> pd.DataFrame:
    if table is None:
        return empty_actuals()
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "line": f["line"].astype(object).to_numpy(),
            "year": f["year"].astype("int64").to_numpy(),
            "partner": f["partner"].astype(object).to_numpy(),
            "actual": f["actual"].astype(float).to_numpy(),
            ROW: f[ROW].to_numpy(),
        }
    )


def _scenarios(table: TableRead | None) -> list[ScenarioChange]:
    if table is None:
        return []
    return [
        ScenarioChange(
            scenario=r["scenario"],
            partner=_given(r["partner"]),
            contribution_change=_number(r["contribution_change"]),
            uplift=_number(r["uplift"]),
            cap=_number(r["cap"]),
            basis=_basis(r["basis"]),
            test_variance=_number(r["test_variance"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def read_pool_table(rows: list[list[Any]]) -> pd.DataFrame:
    """A CPC_POOL_SUMMARY table (header first) as partner, kind and amount; a problem names
    its row of the table and its field."""
    errors = InputErrors()
    table = read_table(POOL_TABLE, Cells(rows), errors)
    if errors or table is None:
        # The table is an argument, not a sheet: say the row of it, not a cell of the sheet.
        found = [
            InputError(
                e.message,
                location=Location(row=e.location.row, field=e.location.field)
                if e.location
                else None,
                valid=e.valid,
            )
            for e in errors
        ]
        if len(found) == 1:
            raise found[0]
        raise InputErrors(found)
    f = table.frame
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object),
            "kind": f["kind"].map(_KIND_VALUES).astype(object),
            "amount": f["amount"].astype(float),
        }
    )
