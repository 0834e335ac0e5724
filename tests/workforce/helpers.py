"""Inputs built the way the engine and the readers receive them."""

from __future__ import annotations

import pandas as pd

from cpcxl.workforce import engine
from cpcxl.workforce.inputs import TableValues


def table(headers: list[str], rows: list[list[object]]) -> TableValues:
    """A table as a sheet holds it: header on row 1, data below."""
    return TableValues([headers, *rows], 1)


def frame(columns: list[str], rows: list[list[object]]) -> pd.DataFrame:
    padded = [list(r) + [None] * (len(columns) - len(r)) for r in rows]
    return pd.DataFrame(padded, columns=columns, dtype=object)


STAFF_FIELDS = [
    "role",
    "skill",
    "contract_type",
    "employer",
    "hours",
    "hourly_cost",
    "start_date",
    "leaving_date",
    "count",
    "age_band",
    "sex",
]
DEMAND_FIELDS = ["service", "role", "skill", "hours", "growth", *(f"year_{y}" for y in range(1, 6))]
TARGET_FIELDS = ["kind", "role", "detail", "value"]


def staff_frame(rows: list[list[object]]) -> pd.DataFrame:
    return engine.read_staff(frame(STAFF_FIELDS, rows))


def demand_frame(rows: list[list[object]], years: int = 5) -> pd.DataFrame:
    return engine.read_demand(frame(DEMAND_FIELDS, rows), years)


def targets_frame(rows: list[list[object]]) -> pd.DataFrame:
    return engine.read_targets(frame(TARGET_FIELDS, rows))
