"""``cpcxl risk ...``: import a register, score a saved register, check a matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cpcxl.common import commands
from cpcxl.common.commands import as_of_option, console, out_file_option, overwrite_option

from . import inputs, outputs, workbook
from .inputs import matrix_from_toml
from .models import AppetiteLevel, RiskMatrix, appetite_with
from .schemes import matrix_named

F = TypeVar("F", bound=Callable[..., Any])


def _matrix(name: str | None, file: Path | None) -> RiskMatrix:
    if file is not None:
        return matrix_from_toml(file.read_text(encoding="utf-8"), file=file.name)
    return matrix_named(name)


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


@click.group("risk", cls=commands.Group)
def command() -> None:
    """Risk registers: import one laid out another way, score a saved one, check a matrix."""


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_file_option(
    "Where to write the cpcxl register (default: FILE's name + _cpcxl.xlsx). FILE may be "
    "an .xlsx workbook or a .csv file."
)
@click.option("--sheet", help="The sheet holding the register (default: the best match).")
@as_of_option("Date reviews are due by (default: today).")
@overwrite_option
@with_matrix
def import_command(
    file: Path,
    out_file: Path | None,
    sheet: str | None,
    as_of: dt.date | None,
    overwrite: bool,
    matrix_name: str,
    matrix_file: Path | None,
) -> None:
    """Read FILE, a register with other headers, and write it as a scored cpcxl register.

    Prints which headers it mapped to which columns, which it did not use and why, and every
    value it could not read (kept as it was), then writes the register (.xlsx) with that
    report as a sheet. FILE itself is never changed, an .xlsm is never written, and an
    existing output is kept unless --overwrite (exit status 3).

    Example: cpcxl risk import their_register.xlsx --out register.xlsx
    """
    matrix = _matrix(matrix_name, matrix_file)
    target = out_file or Path(f"{file.stem}_cpcxl.xlsx")
    written = commands.output_file(target, inputs=[file], overwrite=overwrite)
    imported = workbook.import_file(file, sheet=sheet, matrix=matrix)
    for line in outputs.import_report(imported):
        console.print(line, markup=False)  # a table row is one line
    appetite = appetite_with(list(imported.own_categories), matrix)
    workbook.build_register_workbook(
        target,
        imported.risks,
        matrix=matrix,
        appetite=appetite,
        as_of=as_of,
        actions=imported.actions,
        extra=imported.extra,
        more_sheets=[outputs.import_report_output(imported)],
    )
    written.wrote(target)
    commands.report_written(written)


@command.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@out_file_option("Where to write the scored copy (FILE is not changed).", required=True)
@as_of_option("Date reviews are due by (default: the workbook's).")
@overwrite_option
def score_command(file: Path, out_file: Path, as_of: dt.date | None, overwrite: bool) -> None:
    """Score a saved cpcxl risk register, as the Score register button does, into a copy.

    Writes the scored copy (.xlsx) and prints each value to check ("check: ..."), each where
    it is. FILE is never changed, an .xlsm is never written, and an existing copy is kept
    unless --overwrite (exit status 3).

    Example: cpcxl risk score register.xlsx --out scored.xlsx --as-of 01/01/2027
    """
    written = commands.output_file(out_file, inputs=[file], overwrite=overwrite)
    tables, named = workbook.read_register_file(file)
    read = inputs.read_register_book(tables, named, file=file.name)
    commands.show_notes(read.register.problems.notes)
    for problem in read.all_problems():  # the Register's first, then each linked table's
        console.print(f"check: {problem}", markup=False)
    workbook.build_register_workbook(
        out_file,
        read.register.values(read.matrix),
        matrix=read.matrix,
        appetite=read.appetite,
        as_of=as_of or read.as_of,
        actions=read.actions.values() if read.actions is not None else (),
        incidents=read.incidents.values() if read.incidents is not None else (),
        objectives=read.objectives.values() if read.objectives is not None else (),
        correlation=read.correlation,
    )
    written.wrote(out_file)
    commands.report_written(written)


@command.command("matrix")
@with_matrix
def matrix_command(matrix_name: str, matrix_file: Path | None) -> None:
    """Show a matrix (and check your own TOML file): scales, bands and appetite scores.

    Writes nothing: prints the matrix's likelihood and impact scales, its bands and the
    highest residual score each appetite level tolerates (a bad TOML file: each problem,
    exit status 2).

    Example: cpcxl risk matrix --matrix-file council_4x4.toml
    """
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
