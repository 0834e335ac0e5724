"""The plugin contract. A capability, built in or third-party, implements any of these hooks.

Implement them in a module or class with ``@cpcxl.hookimpl`` and register it under the
``cpcxl`` entry-point group, exactly as the built-in capabilities do in ``pyproject.toml``.
A hook implementation whose name is not one of these is an error when plugins load (pluggy's
``check_pending``), so a misspelt hook fails loudly instead of being ignored. Every hook is
documented, with an example, in ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import click

hookspec = pluggy.HookspecMarker("cpcxl")

# What the hooks return: the contract's own types, defined beside the hooks that use them.


class Scheme(BaseModel):
    """A named, configurable scoring scheme; capabilities subclass it with their own fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    name: str
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class WorkbookTemplate:
    """A packaged workbook ``cpcxl build`` writes: ``build(path)`` writes the file at ``path``."""

    name: str
    filename: str
    title: str
    build: Callable[[Path], Path]


@dataclass(frozen=True)
class Demo:
    """A demonstration on bundled sample data: ``run(out_dir)`` returns the files it wrote."""

    name: str
    title: str
    run: Callable[[Path], list[Path]]


@hookspec
def register_functions() -> Sequence[Callable[..., Any]]:
    """Worksheet functions this plugin adds to Excel.

    Returns plain typed Python functions named ``cpc_*``. Called once when the registry is
    built (``cpcxl.plugins.registry()``), which ``cpcxl.xl.udfs`` (the desktop add-in) and
    ``cpcxl serve`` (the Office add-in) do at start-up. Each function takes values or ranges
    as xlwings passes them (a value, a list, or a list of lists) and returns the same shape;
    its docstring is the one sentence Excel shows (255 characters at most), and it may carry
    worked examples (``cpcxl.common.examples.examples``) that the test suite runs in every
    runtime. Names must be unique across plugins, ignoring case.

    Example::

        @cpcxl.hookimpl
        def register_functions():
            return [cpc_add_vat]
    """


@hookspec
def register_scripts() -> Sequence[Callable[..., None]]:
    """Button scripts: functions ``(book: xlwings.Book) -> None`` named for their button.

    Called once when the registry is built. Each script reads the open workbook through
    xlwings, writes its results back, and raises a ``cpcxl.common.errors.CpcxlError`` for bad
    input (the desktop add-in shows it in a message box; the Office add-in's task pane shows
    it). ``score_register`` appears as the button "Score register". Names must be unique.

    Example::

        @cpcxl.hookimpl
        def register_scripts():
            return [score_register]
    """


@hookspec
def register_workbooks() -> Sequence[WorkbookTemplate]:
    """Packaged workbooks that ``cpcxl build`` writes.

    Returns ``cpcxl.plugins.WorkbookTemplate(name, filename, title, build)`` items, where
    ``build(path)`` writes the workbook at ``path`` and returns it. Called whenever the
    registry is built; ``cpcxl build`` calls each ``build`` and ``cpcxl build --check``
    compares the result with the committed copy. Names must be unique.

    Example::

        @cpcxl.hookimpl
        def register_workbooks():
            return [WorkbookTemplate("vat_check", "vat_check.xlsx", "VAT check", build)]
    """


@hookspec
def register_schemes() -> Sequence[Scheme]:
    """Named scoring schemes (risk matrices, monitoring frameworks, rating bands).

    Returns ``cpcxl.plugins.Scheme`` subclasses' instances, each with a ``kind`` (for example
    ``"risk-matrix"``) and a ``name``; worksheet functions and buttons look them up by name
    (``registry().scheme(kind, name)``), so an organisation can plug in its own matrix or
    framework. Called once when the registry is built; a kind and name registered twice,
    ignoring case, is an error naming both plugins.

    Example::

        @cpcxl.hookimpl
        def register_schemes():
            return [RiskMatrix(kind="risk-matrix", name="council-4x4", ...)]
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``cpcxl`` command line.

    Called with the top-level click group each time ``cpcxl`` starts, before the command
    line is parsed; add a group of your own (``cli.add_command(group)``). Returns nothing.

    Example::

        @cpcxl.hookimpl
        def register_commands(cli):
            cli.add_command(vat)
    """


@hookspec
def register_demos() -> Sequence[Demo]:
    """Demonstrations on bundled sample data that ``cpcxl demo`` runs.

    Returns ``cpcxl.plugins.Demo(name, title, run)`` items, where ``run(out_dir)`` writes the
    demo's files under ``out_dir`` and returns their paths (``make demo`` prints them).
    Called whenever the registry is built. Names must be unique.

    Example::

        @cpcxl.hookimpl
        def register_demos():
            return [Demo("vat", "VAT on a sample of invoices", run_demo)]
    """
