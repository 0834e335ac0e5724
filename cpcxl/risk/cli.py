"""``cpcxl risk ...``: import a register, score a saved register, check a matrix."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.fields import Date
from cpcxl.common.files import KEPT_EXIT, OutputRefused, Outputs

from . import inputs, outputs, workbook
from .inputs import matrix_from_toml
from .models import AppetiteLevel, RiskMatrix, appetite_with
from .schemes import matrix_named

console = Console(highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def _matrix(name: str | None, file: Path | None) -> RiskMatrix:
    if file is not None:
        return matrix_from_toml(file.read_text(encoding="utf-8"), file=file.name)
    return matrix_named(name)


def _date(value: str | None) -> dt.date | None:
    """The --as-of option: a date by the same rule as every date cell."""
    if not value:
        return None
    try:
        day: dt.date = Date().parse(value)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-of") from None
    return day


def _report(problems: InputErrors) -> None:
    """Notes on how the tables were read, then every value to check, each where it is."""
    for note in problems.notes:
        console.print(f"note: {note}", markup=False)
    for problem in problems:
        console.print(f"check: {problem}", markup=False)


matrix_options = [
    click.option(
        "--matrix", "matrix_name", default="nhs-5x5", show_default=True, help="A registered matrix."
    ),
    click.option(
        "--matrix-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Your own matrix as a TOML file (overrides --matrix).",
    ),
]


def with_matrix(fn: F) -> F:
    for option in reversed(matrix_options):
        fn = option(fn)
    return fn


overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the output if it exists already (a person may have edited it).",
)


def _may_write(target: Path, source: Path, overwrite: bool) -> Outputs:
    """The one overwrite rule (cpcxl.common.files.Outputs): never over the input, never an
    .xlsm (exit 2), and an existing output kept unless --overwrite (exit 3), each said."""
    rule = Outputs(overwrite=overwrite, inputs=(source,))
    try:
        allowed = rule.may_write(target)
    except OutputRefused as exc:
        console.print(f"error: {exc}; nothing was written", markup=False)
        sys.exit(2)
    if not allowed:
        console.print(rule.kept_message(), markup=False)
        sys.exit(KEPT_EXIT)
    return rule


@click.group("risk")
def command() -> None:
    """Risk registers: import one laid out another way, score a saved one, check a matrix."""


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the cpcxl register (default: FILE's name + _cpcxl.xlsx). FILE may be "
    "an .xlsx workbook or a .csv file.",
)
@click.option("--sheet", help="The sheet holding the register (default: the best match).")
@click.option("--as-of", help="Date reviews are due by, dd/mm/yyyy (default: today).")
@overwrite_option
@with_matrix
def import_command(
    file: Path,
    out: Path | None,
    sheet: str | None,
    as_of: str | None,
    overwrite: bool,
    matrix_name: str,
    matrix_file: Path | None,
) -> None:
    """Read FILE, a register with other headers, and write it as a scored cpcxl register.

    Reports which headers it mapped to which columns, which it did not use and why, and every
    value it could not read (kept as it was). FILE itself is never changed, an .xlsm is never
    written, and an existing output is kept unless --overwrite (exit status 3).
    """
    matrix = _matrix(matrix_name, matrix_file)
    day = _date(as_of)
    target = out or Path(f"{file.stem}_cpcxl.xlsx")
    written = _may_write(target, file, overwrite)
    imported = workbook.import_file(file, sheet=sheet, matrix=matrix)
    for line in outputs.import_report(imported):
        console.print(line, markup=False, soft_wrap=True)  # a table row is one line
    appetite = appetite_with(list(imported.own_categories), matrix)
    workbook.build_register_workbook(
        target,
        imported.risks,
        matrix=matrix,
        appetite=appetite,
        as_of=day,
        actions=imported.actions,
        extra=imported.extra,
        more_sheets=[outputs.import_report_output(imported)],
    )
    console.print(f"wrote {written.wrote(target)}", markup=False)


@command.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the scored copy (FILE is not changed).",
)
@click.option("--as-of", help="Date reviews are due by, dd/mm/yyyy (default: the workbook's).")
@overwrite_option
def score_command(file: Path, out: Path, as_of: str | None, overwrite: bool) -> None:
    """Score a saved cpcxl risk register, as the Score register button does, into a copy.

    FILE is never changed, an .xlsm is never written, and an existing copy is kept unless
    --overwrite (exit status 3).
    """
    day = _date(as_of)
    written = _may_write(out, file, overwrite)
    tables, named = workbook.read_register_file(file)
    read = inputs.read_register_book(tables, named, file=file.name)
    _report(read.register.problems)
    for problem in read.all_problems()[len(read.register.problems) :]:
        console.print(f"check: {problem}", markup=False)
    workbook.build_register_workbook(
        out,
        read.register.values(read.matrix),
        matrix=read.matrix,
        appetite=read.appetite,
        as_of=day or read.as_of,
        actions=read.actions.values() if read.actions is not None else (),
        incidents=read.incidents.values() if read.incidents is not None else (),
        objectives=read.objectives.values() if read.objectives is not None else (),
        correlation=read.correlation,
    )
    console.print(f"wrote {written.wrote(out)}", markup=False)


@command.command("matrix")
@with_matrix
def matrix_command(matrix_name: str, matrix_file: Path | None) -> None:
    """Show a matrix (and check your own TOML file): scales, bands and appetite scores."""
    matrix = _matrix(matrix_name, matrix_file)
    console.print(f"{matrix.name}: {matrix.description or matrix.source}", markup=False)
    for axis in ("likelihood", "impact"):
        levels = getattr(matrix, axis)
        console.print(f"{axis}: " + ", ".join(f"{lv.score} {lv.label}" for lv in levels))
    console.print("bands: " + ", ".join(f"{b.name} {b.low}-{b.high}" for b in matrix.bands))
    console.print(
        "appetite (highest tolerated residual score): "
        + ", ".join(f"{level.value} {matrix.appetite[level]}" for level in AppetiteLevel)
    )
