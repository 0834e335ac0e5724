"""Helpers for testing cpcxl plugins, as pytest's ``pytester`` serves pytest's own plugins.

A plugin's worksheet functions and button scripts carry worked examples
(``cpcxl.common.examples``); these run them the way Excel would, so a plugin author's tests
can be one line each::

    from cpcxl.testing import check_function_examples

    def test_add_vat():
        check_function_examples(cpc_add_vat)
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpcxl.common.examples import Example, ScriptExample, examples_of


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


def as_worksheet_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` wrapped as the desktop add-in wraps it (errors as cell text, keywords allowed)."""
    from cpcxl.xl.worksheet import excel_function

    return excel_function(fn, server=False)


def check_function_examples(fn: Callable[..., Any], *, wrapped: Callable[..., Any] | None = None):
    """Run every worked example of a worksheet function, positionally and by keyword, through
    its Excel wrapper; raise AssertionError naming the first that differs."""
    call = wrapped or as_worksheet_function(fn)
    names = list(inspect.signature(fn).parameters)
    cases = [e for e in examples_of(fn) if isinstance(e, Example)]
    assert cases, f"{fn.__name__} has no worked example"
    for case in cases:
        positional = call(*case.args)
        assert same(positional, case.expected), (
            f"{fn.__name__}{case.args}: {positional!r} != {case.expected!r} ({case.why})"
        )
        by_keyword = call(**dict(zip(names, case.args, strict=False)))
        assert same(by_keyword, positional), (
            f"{fn.__name__} by keyword gives {by_keyword!r}, positionally {positional!r}"
        )


def check_script_examples(fn: Callable[..., None], folder: Path) -> None:
    """Run a button script's worked examples on their workbooks through xlwings' remote
    engine (no Excel needed) and check the cells each must write."""
    from cpcxl.xl.remote import run_script_on_file

    cases = [e for e in examples_of(fn) if isinstance(e, ScriptExample)]
    assert cases, f"script {fn.__name__} has no worked example"
    for case in cases:
        cells = run_script_on_file(fn, case.workbook(folder))
        for sheet, expected in case.expected.items():
            assert sheet in cells, f"{fn.__name__} did not write sheet {sheet!r}"
            for cell, value in expected.items():
                got = cells[sheet].get(cell)
                assert same(got, value), (
                    f"{fn.__name__}: {sheet}!{cell} is {got!r}, expected {value!r} ({case.why})"
                )
