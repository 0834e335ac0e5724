"""The sample's tables as cells, laid out as a person might: each header on row 1, so the
n-th row of a table is sheet row n + 1 (the Arrangement's n-th setting likewise)."""

from __future__ import annotations

import copy
from typing import Any

from cpcxl.budget import sample
from cpcxl.budget.inputs import ARRANGEMENT, TABLES
from cpcxl.common.inputs import Cells


def sample_data() -> dict[str, Any]:
    """A copy of the sample's tables to change."""
    return copy.deepcopy(sample.TABLES)


def cells(data: dict[str, Any]) -> dict[str, Cells]:
    """{Excel Table name: cells} for ``data``, as read_tables gives them."""
    found = {
        TABLES[key].name: Cells([TABLES[key].headers, *rows])
        for key, rows in data.items()
        if key != "arrangement"
    }
    if "arrangement" in data:
        settings = [[s.label, data["arrangement"].get(s.field)] for s in ARRANGEMENT.settings]
        found[ARRANGEMENT.name] = Cells([ARRANGEMENT.table.headers, *settings])
    return found
