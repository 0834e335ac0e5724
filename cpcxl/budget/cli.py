"""`cpcxl budget ...`: partner statements and a built copy of a filled-in budget workbook."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.errors import InputError, InputErrors

from . import engine
from .workbook import read_workbook, write_outputs, write_statements

console = Console()


@click.group("budget")
def command() -> None:
    """Pooled and aligned budgets: partner statements and built budgets."""


def _notes(notes: Iterable[str]) -> None:
    for note in notes:
        console.print(f"note: {note}", markup=False, highlight=False)


def _fail(exc: InputError | InputErrors) -> None:
    problems = exc.errors if isinstance(exc, InputErrors) else [exc]
    if isinstance(exc, InputErrors):
        _notes(exc.notes)
    console.print(f"[red]{len(problems)} problem(s); nothing was written:[/]")
    for problem in problems:
        console.print(f"- {problem}", markup=False, highlight=False)
    sys.exit(2)


@command.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("statements"),
    show_default=True,
    help="Folder for the statements (one workbook per partner).",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each statement (LibreOffice).")
def statements(workbook: Path, out_dir: Path, pdf: bool) -> None:
    """Write one statement per partner from a filled-in pooled budget WORKBOOK."""
    try:
        inputs, _ = read_workbook(workbook)
        result = engine.build(inputs, check_first=False)
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return
    _notes(inputs.notes)
    for path in write_statements(result, out_dir, pdf=pdf):
        console.print(f"wrote {path}", highlight=False)


@command.command("build")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The copy to write with the Budget, Risk share, Scenarios and Monitoring sheets.",
)
def build_command(workbook: Path, out_file: Path) -> None:
    """Write a copy of WORKBOOK with its budget built (the input is never changed)."""
    if out_file.resolve() == workbook.resolve():
        raise click.BadParameter("--out must be a new file; the input is never changed")
    try:
        path, result = write_outputs(workbook, out_file)
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return
    _notes(result.inputs.notes)
    console.print(f"wrote {path}", highlight=False)
