"""`cpcxl budget ...`: partner statements and a built copy of a filled-in budget workbook.

Both follow the one rule for outputs (:class:`cpcxl.common.files.Outputs`): an output is never
the input and never an .xlsm; an output that exists already is kept unless --overwrite, and
the command says which and exits with status 3.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.files import KEPT_EXIT, OutputRefused, Outputs

from . import engine
from .workbook import read_workbook, write_outputs, write_statements

# Paths are printed whole (no wrapping), so logs and scripts can read them.
console = Console(soft_wrap=True)

OVERWRITE_HELP = "Replace outputs that exist already (a person may have edited them)."


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


def _refused(exc: OutputRefused) -> None:
    console.print(f"[red]error:[/] {exc}; nothing was written", highlight=False)
    sys.exit(2)


def _finish(outputs: Outputs) -> None:
    """Say what was kept, and exit with KEPT_EXIT if anything asked for was."""
    if outputs.kept:
        console.print(outputs.kept_message(), markup=False, highlight=False)
        sys.exit(KEPT_EXIT)


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
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def statements(workbook: Path, out_dir: Path, pdf: bool, overwrite: bool) -> None:
    """Write one statement per partner from a filled-in pooled budget WORKBOOK.

    A statement already in --out is kept unless --overwrite (the command lists what it kept
    and exits with status 3); the input is never written over.
    """
    try:
        inputs, _ = read_workbook(workbook)
        result = engine.build(inputs, check_first=False)
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return
    _notes(inputs.notes)
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    try:
        written = write_statements(result, out_dir, pdf=pdf, rule=outputs)
    except OutputRefused as exc:
        _refused(exc)
        return
    for path in written:
        console.print(f"wrote {path}", highlight=False)
    _finish(outputs)


@command.command("build")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The copy to write with the Budget, Risk share, Scenarios and Monitoring sheets.",
)
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def build_command(workbook: Path, out_file: Path, overwrite: bool) -> None:
    """Write a copy of WORKBOOK with its budget built (the input is never changed).

    An --out that exists already is kept unless --overwrite (the command says so and exits
    with status 3); --out is never the input, and never an .xlsm (cpcxl writes .xlsx).
    """
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    try:
        if not outputs.may_write(out_file):
            _finish(outputs)
    except OutputRefused as exc:
        _refused(exc)
        return
    try:
        path, result = write_outputs(workbook, out_file)
    except (InputError, InputErrors) as exc:
        _fail(exc)
        return
    _notes(result.inputs.notes)
    console.print(f"wrote {outputs.wrote(path)}", highlight=False)
