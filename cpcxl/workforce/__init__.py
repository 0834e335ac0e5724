"""Workforce mix planning (CPC 505): FTE, gaps, projection, risks and an optimised mix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from cpcxl import hookimpl
from cpcxl.plugins import Demo, WorkbookTemplate


@hookimpl
def register_functions() -> Sequence[Callable[..., Any]]:
    from . import excel

    return [
        excel.cpc_fte,
        excel.cpc_required_fte,
        excel.cpc_workforce_gap,
        excel.cpc_recruitment_need,
    ]


@hookimpl
def register_scripts() -> Sequence[Callable[..., None]]:
    from . import excel

    return [excel.plan_workforce]


@hookimpl
def register_workbooks() -> Sequence[WorkbookTemplate]:
    from . import workbook

    return [WorkbookTemplate("workforce_plan", workbook.FILENAME, workbook.TITLE, workbook.build)]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import workforce

    cli.add_command(workforce)


@hookimpl
def register_demos() -> Sequence[Demo]:
    from .cli import run_demo

    return [
        Demo(
            "workforce",
            "Workforce plan for a sample home-care and reablement service (about 300 staff)",
            run_demo,
        )
    ]
