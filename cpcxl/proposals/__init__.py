"""Expenditure proposal evaluation (CPC 506 B): Green Book appraisal, criteria, decisions."""

from __future__ import annotations

from typing import Any

from cpcxl import hookimpl


@hookimpl
def register_functions() -> list[Any]:
    from .excel import FUNCTIONS

    return FUNCTIONS


@hookimpl
def register_scripts() -> list[Any]:
    from .excel import SCRIPTS

    return SCRIPTS


@hookimpl
def register_workbooks() -> list[Any]:
    from cpcxl.plugins import WorkbookTemplate

    from .workbook import FILENAME, TITLE, build

    return [WorkbookTemplate("expenditure_proposals", FILENAME, TITLE, build)]


@hookimpl
def register_commands(cli: Any) -> None:
    from .cli import proposals

    cli.add_command(proposals)


@hookimpl
def register_demos() -> list[Any]:
    from cpcxl.plugins import Demo

    from .cli import run_demo

    return [Demo("proposals", "Expenditure proposals: an adult social care round", run_demo)]
