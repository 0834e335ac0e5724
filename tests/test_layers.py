"""Every capability the same shape, and its pure layers pure (issue 11).

A new reader finds a feature by its capability folder and its layer, so every built-in
capability has the same files with the same jobs; models, inputs, engine and outputs import
no Excel or workbook library (each checked in a fresh interpreter, so nothing else imported
first can hide an import).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from cpcxl.plugins import HOOKS

CAPABILITIES = sorted(
    ep.value.removeprefix("cpcxl.")
    for ep in entry_points(group="cpcxl")
    if ep.value.startswith("cpcxl.") and ep.value != "cpcxl.server"
)
ROOT = Path(importlib.import_module("cpcxl").__file__).parent  # type: ignore[arg-type]
LAYERS = ("models", "inputs", "engine", "outputs", "workbook", "excel", "cli", "sample")
PURE = ("models", "inputs", "engine", "outputs")
WORKBOOK_LIBRARIES = ("xlwings", "openpyxl", "xlsxwriter", "python_calamine")


def test_the_five_capabilities_are_registered() -> None:
    assert CAPABILITIES == ["budget", "monitoring", "proposals", "risk", "workforce"]


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_every_capability_has_the_same_files_and_nothing_else(capability: str) -> None:
    folder = ROOT / capability
    found = {
        p.stem if p.suffix == ".py" else p.name
        for p in folder.iterdir()
        if p.name != "__pycache__" and (p.suffix == ".py" or p.is_dir())
    }
    other = [p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".py"]
    assert not other, f"{capability} has files that are not modules: {other}"
    assert found - {"__init__", "schemes"} == set(LAYERS), f"{capability}: {sorted(found)}"


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_every_capabilitys_init_holds_only_hook_implementations(capability: str) -> None:
    tree = ast.parse((ROOT / capability / "__init__.py").read_text())
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions and set(functions) <= set(HOOKS), functions
    assert not [n for n in tree.body if isinstance(n, ast.ClassDef)]


@pytest.mark.parametrize("module", [f"cpcxl.{c}.{layer}" for c in CAPABILITIES for layer in PURE])
def test_pure_layers_import_no_excel_or_workbook_library(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"print(','.join(m for m in {WORKBOOK_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


@pytest.mark.parametrize(
    "module",
    [
        "cpcxl.common.errors",
        "cpcxl.common.fields",
        "cpcxl.common.formats",
        "cpcxl.common.grid",
        "cpcxl.common.inputs",
        "cpcxl.common.limits",
        "cpcxl.common.report",
        "cpcxl.common.tables",
        "cpcxl.common.values",
    ],
)
def test_the_common_toolkit_is_pure(module: str) -> None:
    test_pure_layers_import_no_excel_or_workbook_library(module)
