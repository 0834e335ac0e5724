"""Every registered worksheet function and button script against its worked examples.

These tests iterate over the plugin registry, so a new capability is covered without new
test code. The runtime tests run the same examples through xlwings Server.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import pytest

from cpcxl.common.examples import Example, ScriptExample, examples_of
from cpcxl.plugins import registry
from cpcxl.xl.remote import run_script_on_file

FUNCTIONS = sorted(registry().functions)
SCRIPTS = sorted(registry().scripts)


def same(actual: Any, expected: Any) -> bool:
    """Equal, with floats compared to 1e-9 relative, through lists of any depth."""
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    return actual == expected


def test_the_registry_is_not_empty() -> None:
    assert FUNCTIONS, "no worksheet function is registered"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_gives_its_worked_examples_through_excels_module(name: str) -> None:
    udfs = importlib.import_module("cpcxl.xl.udfs")
    cases = [e for e in examples_of(registry().functions[name].item) if isinstance(e, Example)]
    assert cases, f"{name} has no worked example"
    for case in cases:
        result = getattr(udfs, name)(*case.args)
        assert same(result, case.expected), (
            f"{name}{case.args}: {result!r} != {case.expected!r} ({case.why})"
        )


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_writes_its_expected_cells(name: str, tmp_path: Path) -> None:
    fn = registry().scripts[name].item
    cases = [e for e in examples_of(fn) if isinstance(e, ScriptExample)]
    assert cases, f"script {name} has no worked example"
    for case in cases:
        cells = run_script_on_file(fn, case.workbook(tmp_path))
        for sheet, expected in case.expected.items():
            assert sheet in cells, f"{name} did not write sheet {sheet!r}"
            for cell, value in expected.items():
                got = cells[sheet].get(cell)
                assert same(got, value), (
                    f"{name}: {sheet}!{cell} is {got!r}, expected {value!r} ({case.why})"
                )
