"""Every registered worksheet function and button script against its worked examples.

These tests iterate over the plugin registry, so a new capability is covered without new
test code. The runtime tests run the same examples through xlwings Server.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cpcxl.plugins import registry
from cpcxl.testing import check_function_examples, check_script_examples, same

__all__ = ["same"]  # the server checks compare results the same way

FUNCTIONS = sorted(registry().functions)
SCRIPTS = sorted(registry().scripts)


def test_the_registry_is_not_empty() -> None:
    assert FUNCTIONS, "no worksheet function is registered"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_gives_its_worked_examples_through_excels_module(name: str) -> None:
    # Positionally, as Excel calls it, and by keyword, as its signature and guide say.
    udfs = importlib.import_module("cpcxl.xl.udfs")
    check_function_examples(registry().functions[name].item, wrapped=getattr(udfs, name))


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_writes_its_expected_cells(name: str, tmp_path: Path) -> None:
    check_script_examples(registry().scripts[name].item, tmp_path)
