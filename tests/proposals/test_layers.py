"""The pure layers import no Excel or workbook library, each checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

WORKBOOK_LIBRARIES = ("xlwings", "openpyxl", "xlsxwriter", "python_calamine")


@pytest.mark.parametrize(
    "module",
    [
        "cpcxl.proposals.models",
        "cpcxl.proposals.inputs",
        "cpcxl.proposals.engine",
        "cpcxl.proposals.outputs",
    ],
)
def test_a_pure_layer_imports_no_workbook_library(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"print(','.join(m for m in {WORKBOOK_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


def test_the_capability_has_the_one_shape() -> None:
    from pathlib import Path

    import cpcxl.proposals

    folder = Path(cpcxl.proposals.__file__).parent
    found = {p.name for p in folder.iterdir() if p.name != "__pycache__"}
    assert found == {
        "__init__.py",
        "models.py",
        "inputs",
        "engine",
        "outputs.py",
        "workbook.py",
        "excel.py",
        "cli.py",
        "sample.py",
    }
