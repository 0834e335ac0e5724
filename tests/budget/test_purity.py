"""The pure layers import no Excel or workbook library, each in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE = ["models", "inputs", "engine", "outputs"]
LIBRARIES = ("xlwings", "openpyxl", "xlsxwriter", "python_calamine")


@pytest.mark.parametrize("layer", PURE)
def test_the_layer_imports_no_workbook_library(layer: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module('cpcxl.budget.{layer}'); "
        f"print(','.join(m for m in {LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"cpcxl.budget.{layer} imports {result.stdout.strip()}"
