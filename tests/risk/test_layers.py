"""The capability's shape: its layers, what each may import, what it registers, its guide."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

import cpcxl.risk
from cpcxl.cli import _commands_by_plugin
from cpcxl.plugins import registry

FOLDER = Path(cpcxl.risk.__file__).parent
GUIDE = Path(__file__).parents[2] / "docs" / "risk.md"
PURE = [
    "cpcxl.risk.models",
    "cpcxl.risk.inputs",
    "cpcxl.risk.engine",
    "cpcxl.risk.outputs",
    "cpcxl.risk.schemes",
]


@pytest.mark.parametrize("module", PURE)
def test_the_pure_layers_import_no_excel_or_workbook_library(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in ('xlwings', 'openpyxl', 'xlsxwriter', 'python_calamine') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


def test_the_folder_holds_the_standard_files_only() -> None:
    top = sorted(p.name for p in FOLDER.iterdir() if p.name != "__pycache__")
    assert top == [
        "__init__.py", "cli.py", "engine.py", "excel.py", "inputs", "models.py", "outputs.py",
        "sample", "schemes.py", "workbook.py",
    ]  # fmt: skip


def registered() -> dict[str, list[str]]:
    provided = registry().by_plugin("risk")
    group = click.Group()
    cpcxl.risk.register_commands(cli=group)
    provided["commands"] = sorted(f"risk {c}" for c in group.commands["risk"].commands)  # type: ignore[attr-defined]
    return provided


def test_the_registered_names_are_those_other_code_relies_on() -> None:
    assert registered() == {
        "functions": ["cpc_risk_score", "cpc_risk_rating", "cpc_risk_heatmap", "cpc_risk_exposure"],
        "scripts": ["score_register"],
        "workbooks": ["risk_register"],
        "schemes": ["risk-matrix:nhs-5x5"],
        "demos": ["risk"],
        "commands": ["risk import", "risk matrix", "risk score"],
    }
    assert _commands_by_plugin()["risk"] == ["risk"]


def test_the_guide_names_everything_the_capability_registers() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for sort, names in registered().items():
        for name in names:
            shown = name.split(":")[-1]
            assert f"`{shown}`" in guide, f"docs/risk.md does not name the {sort} {shown!r}"
