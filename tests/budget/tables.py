"""The sample's tables as cells, laid out as a person might: each header on row 1, so the
n-th row of a table is sheet row n + 1 (the n-th setting of the Arrangement and In-year
settings likewise)."""

from __future__ import annotations

import copy
from typing import Any

from cpcxl.budget.inputs import SETTINGS, TABLES, example
from cpcxl.common.inputs import Cells

#: The sample's in-year tables: a pooled fund's whole-line actuals by month, so a test of
#: the sample made aligned (where every actual names its partner) leaves them out.
IN_YEAR_KEYS = ("in_year", "period_actuals", "forecasts", "profiles", "payments")


def sample_data(*, in_year: bool = True) -> dict[str, Any]:
    """A copy of the sample's tables to change (``in_year=False``: without the in-year
    monitoring tables)."""
    data = copy.deepcopy(example.TABLES)
    if not in_year:
        for key in IN_YEAR_KEYS:
            data.pop(key)
    return data


def cells(data: dict[str, Any]) -> dict[str, Cells]:
    """{Excel Table name: cells} for ``data``, as read_tables gives them."""
    found = {
        TABLES[key].name: Cells([TABLES[key].headers, *rows])
        for key, rows in data.items()
        if key not in SETTINGS
    }
    for key, spec in SETTINGS.items():
        if key in data:
            settings = [[s.label, data[key].get(s.field)] for s in spec.settings]
            found[spec.name] = Cells([spec.table.headers, *settings])
    return found
