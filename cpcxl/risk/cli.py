"""``cpcxl risk ...``: import a register, score a saved register, check a matrix; the demo."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import click
from rich.console import Console

from cpcxl.common.values import to_date

from . import engine, report, workbook
from .models import AppetiteLevel, RiskAppetite, RiskMatrix
from .schemes import matrix_from_toml, matrix_named

console = Console(highlight=False)

#: The demo's review date, fixed so that its output is the same on any day.
DEMO_AS_OF = dt.date(2026, 7, 1)


def _matrix(name: str | None, file: Path | None) -> RiskMatrix:
    if file is not None:
        return matrix_from_toml(file.read_text(encoding="utf-8"), file=file.name)
    return matrix_named(name)


def _date(value: str | None) -> dt.date | None:
    return to_date(value) if value else None


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


def with_matrix(fn):  # type: ignore[no-untyped-def]
    for option in reversed(matrix_options):
        fn = option(fn)
    return fn


@click.group()
def risk() -> None:
    """Risk registers: import one laid out another way, score a saved one, check a matrix."""


@risk.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the cpcxl register (default: FILE's name + _cpcxl.xlsx).",
)
@click.option("--sheet", help="The sheet holding the register (default: the best match).")
@click.option("--as-of", help="Date reviews are due by, dd/mm/yyyy (default: today).")
@with_matrix
def import_command(
    file: Path,
    out: Path | None,
    sheet: str | None,
    as_of: str | None,
    matrix_name: str,
    matrix_file: Path | None,
) -> None:
    """Read FILE, a register with other headers, and write it as a scored cpcxl register.

    Reports which headers it mapped to which columns, which it did not use and why, and every
    value it could not read (kept as it was). FILE itself is never changed.
    """
    matrix = _matrix(matrix_name, matrix_file)
    imported = workbook.import_register(file, sheet=sheet, matrix=matrix)
    for line in imported.report():
        console.print(line, markup=False)
    target = out or Path(f"{file.stem}_cpcxl.xlsx")
    if target.resolve() == file.resolve():
        raise click.BadParameter("--out must not be the file being imported")
    appetite = workbook.appetite_with(list(imported.own_categories), matrix)
    workbook.build_register_workbook(
        target, imported.risks, matrix=matrix, appetite=appetite, as_of=_date(as_of)
    )
    console.print(f"wrote {target}", markup=False)


@risk.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the scored copy (FILE is not changed).",
)
@click.option("--as-of", help="Date reviews are due by, dd/mm/yyyy (default: the workbook's).")
def score_command(file: Path, out: Path, as_of: str | None) -> None:
    """Score a saved cpcxl risk register, as the Score register button does, into a copy."""
    if out.resolve() == file.resolve():
        raise click.BadParameter("--out must differ from FILE: inputs are never changed")
    cells, matrix, appetite, saved_as_of = workbook.read_register_workbook(file)
    day = _date(as_of) or saved_as_of
    frame, register = report.read_rows(
        cells,
        matrix,
        appetite,
        first_row=workbook.HEADER_ROW,
        sheet=workbook.REGISTER,
        file=file.name,
    )
    for problem in register.problems:
        console.print(f"check: {problem}", markup=False)
    workbook.build_register_workbook(
        out,
        engine.register_values(frame, register, matrix),
        matrix=matrix,
        appetite=appetite,
        as_of=day,
    )
    console.print(f"wrote {out}", markup=False)


@risk.command("matrix")
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


# --- the demonstration ----------------------------------------------------------------------------


def sample_rows() -> list[list[str]]:
    """The bundled sample register (60 risks of a council's commissioning team), as cells."""
    text = resources.files("cpcxl.risk").joinpath("data/sample_register.csv").read_text("utf-8")
    return [row for row in csv.reader(text.splitlines())]


def run_demo(out_dir: Path) -> list[Path]:
    """Score the sample register and write it as a filled-in workbook under ``out_dir``."""
    matrix = matrix_named(None)
    frame, register = report.read_rows(
        sample_rows(), matrix, None, sheet=None, file="sample_register.csv"
    )
    base = engine.default_appetite(matrix)
    appetite = RiskAppetite(
        levels=base.levels,
        categories={**base.categories, "Information governance": AppetiteLevel.MINIMAL},
    )
    target = workbook.build_register_workbook(
        Path(out_dir) / "risk_register_sample.xlsx",
        engine.register_values(frame, register, matrix),
        matrix=matrix,
        appetite=appetite,
        as_of=DEMO_AS_OF,
    )
    scored = engine.score_register(register, matrix, appetite, as_of=DEMO_AS_OF)
    live = engine.open_risks(scored)
    console.print(
        f"{len(scored)} risks, {len(live)} open; residual bands: "
        + ", ".join(
            f"{r.Band} {r.Residual}" for r in engine.band_counts(scored, matrix).itertuples()
        )
        + f"; problems to check: {len(register.problems)}",
        markup=False,
    )
    for problem in register.problems:
        console.print(f"  check: {problem}", markup=False)
    return [target]
