"""Provider monitoring (CPC 305, 306, 424): scores, ratings, history, compliance and summaries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cpcxl import hookimpl

if TYPE_CHECKING:
    import click

    from cpcxl.plugins import Demo, Scheme, WorkbookTemplate


@hookimpl
def register_functions() -> Sequence[Callable[..., Any]]:
    from .excel import FUNCTIONS

    return FUNCTIONS


@hookimpl
def register_scripts() -> Sequence[Callable[..., None]]:
    from .excel import SCRIPTS

    return SCRIPTS


@hookimpl
def register_workbooks() -> Sequence[WorkbookTemplate]:
    from .workbook import TEMPLATE

    return [TEMPLATE]


@hookimpl
def register_schemes() -> Sequence[Scheme]:
    from .schemes import SCHEMES

    return list(SCHEMES)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import command

    cli.add_command(command)


@hookimpl
def register_demos() -> Sequence[Demo]:
    from .sample import DEMO

    return [DEMO]
