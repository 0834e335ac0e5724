"""A small register typed row by row, read as the Register table is: for the tests."""

from __future__ import annotations

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.risk import inputs
from cpcxl.risk.schemes import NHS_5X5

HEADER = [
    "Risk ID", "Title", "Category", "Owner", "Inherent likelihood", "Inherent impact",
    "Controls", "Residual likelihood", "Residual impact", "Target likelihood", "Target impact",
    "Status", "Next review", "Score at last review", "Chance of occurring",
    "Minimum impact (£)", "Most likely impact (£)", "Maximum impact (£)",
]  # fmt: skip


def register(*rows: list[object], categories: list[str] | None = None) -> inputs.Register:
    errors = InputErrors()
    read = inputs.read_register(Cells([HEADER, *rows]), NHS_5X5, errors, categories=categories)
    assert read is not None, str(errors)
    return read


def row(risk_id: str | None = "R1", **changes: object) -> list[object]:
    values = {
        "Risk ID": risk_id, "Title": "Provider fails", "Category": "Financial loss",
        "Owner": "Head of Finance", "Inherent likelihood": 4, "Inherent impact": 4,
        "Controls": "Monthly checks", "Residual likelihood": 3, "Residual impact": 3,
        "Target likelihood": 2, "Target impact": 3, "Status": "Open",
        "Next review": "01/09/2026", "Score at last review": 9, "Chance of occurring": None,
        "Minimum impact (£)": None, "Most likely impact (£)": None, "Maximum impact (£)": None,
    }  # fmt: skip
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADER]
