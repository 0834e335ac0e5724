"""The plugin contract. A capability, built in or third-party, implements any of these hooks.

Implement them in a module or class with ``@cpcxl.hookimpl`` and register it under the
``cpcxl`` entry-point group, exactly as the built-in capabilities do in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .plugins import Demo, Scheme, WorkbookTemplate

hookspec = pluggy.HookspecMarker("cpcxl")


@hookspec
def register_functions() -> Sequence[Callable[..., Any]]:
    """Worksheet functions: plain typed Python functions named ``cpc_*``.

    Each takes values or ranges as xlwings passes them; its docstring is the one sentence
    Excel shows (255 characters at most).
    """


@hookspec
def register_scripts() -> Sequence[Callable[..., None]]:
    """Button scripts: functions ``(book: xlwings.Book) -> None`` named for their button."""


@hookspec
def register_workbooks() -> Sequence[WorkbookTemplate]:
    """Workbook templates that ``cpcxl build`` produces."""


@hookspec
def register_schemes() -> Sequence[Scheme]:
    """Named scoring schemes (risk matrices, monitoring frameworks, rating bands)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``cpcxl`` command line."""


@hookspec
def register_demos() -> Sequence[Demo]:
    """Demonstrations on bundled sample data that ``cpcxl demo`` runs."""
