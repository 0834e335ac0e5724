"""The capability's shape: its files, its pure layers, and a guide naming what it registers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cpcxl.workforce
from cpcxl.plugins import registry

PACKAGE = Path(cpcxl.workforce.__file__).parent
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "workforce.md"


def test_only_the_agreed_files_stand_at_the_top_level() -> None:
    found = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert found == {
        "__init__.py",
        "models.py",
        "inputs.py",
        "engine",
        "outputs.py",
        "workbook.py",
        "excel.py",
        "cli.py",
        "sample.py",
    }


def test_models_inputs_engine_and_outputs_import_no_workbook_library() -> None:
    for module in ("models", "inputs", "engine", "outputs"):
        code = (
            f"import sys, importlib; importlib.import_module('cpcxl.workforce.{module}'); "
            "bad = ('xlwings', 'openpyxl', 'xlsxwriter', 'python_calamine'); "
            "print(','.join(m for m in bad if m in sys.modules))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


def test_the_guide_names_everything_the_capability_registers() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    reg = registry()
    names = [
        *(n for n, r in reg.functions.items() if r.plugin == "workforce"),
        *(n for n, r in reg.scripts.items() if r.plugin == "workforce"),
        *(r.item.filename for r in reg.workbooks.values() if r.plugin == "workforce"),
        *(n for n, r in reg.demos.items() if r.plugin == "workforce"),
    ]
    assert len(names) == 7  # four functions, one script, one workbook, one demo
    missing = [n for n in names if n not in guide and n.upper() not in guide]
    assert not missing, f"docs/workforce.md does not name {missing}"
