"""Worked examples attached to worksheet functions and button scripts.

Every worksheet function and script carries at least one example whose expected result comes
from independent reasoning (a published table, a hand calculation). The test suite runs each
example directly, through ``cpcxl.xl.udfs``, and through xlwings Server over HTTP, so a new
capability is covered in every runtime without new test code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Example:
    """Arguments as xlwings passes them, the expected result, and why it is right."""

    args: tuple[Any, ...]
    expected: Any
    why: str


@dataclass(frozen=True)
class ScriptExample:
    """A filled-in workbook a button script runs on, and cells it must write.

    ``workbook(folder)`` writes the input workbook into ``folder`` and returns its path;
    ``expected`` maps a sheet name to {cell: value} that must hold afterwards.
    """

    workbook: Callable[[Path], Path]
    expected: Mapping[str, Mapping[str, Any]]
    why: str


def examples(*cases: Example | ScriptExample) -> Callable[[F], F]:
    """Attach worked examples to a worksheet function or button script."""

    def attach(fn: F) -> F:
        fn.examples = (*getattr(fn, "examples", ()), *cases)  # type: ignore[attr-defined]
        return fn

    return attach


def examples_of(fn: Callable[..., Any]) -> tuple[Any, ...]:
    return tuple(getattr(fn, "examples", ()))
