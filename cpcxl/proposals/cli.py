"""`cpcxl proposals ...`: evaluate a filled workbook and write feedback for each submitter.

Both commands follow the one overwrite rule (:class:`cpcxl.common.files.Outputs`): an output
is never the input workbook (through links too) and never an ``.xlsm`` (cpcxl writes
``.xlsx`` and would lose the macros); an output that exists already is kept unless
``--overwrite`` is given, and the command then says what it kept and exits with status 3
(issue 12 cases 9 and 10).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cpcxl.common.errors import InputErrors
from cpcxl.common.files import KEPT_EXIT, Outputs

from . import engine
from .models import Round

_WORKBOOK = click.Path(exists=True, dir_okay=False, path_type=Path)
_OVERWRITE = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace outputs that exist already (a person may have edited them).",
)


def _read(workbook: Path) -> Round:
    """The round in WORKBOOK, with any notes on how it was read printed first."""
    from .workbook import read_round_file

    try:
        round_ = read_round_file(workbook)
    except InputErrors as problems:
        _notes(problems.notes)
        raise
    _notes(round_.notes)
    return round_


def _notes(notes: list[str]) -> None:
    for text in notes:
        click.echo(f"note: {text}")


def _kept(outputs: Outputs) -> None:
    """Say what was kept and exit with KEPT_EXIT, if anything asked for was kept."""
    if outputs.kept:
        click.echo(outputs.kept_message())
        sys.exit(KEPT_EXIT)


@click.group("proposals")
def command() -> None:
    """Expenditure proposal evaluation (CPC 506 B)."""


@command.command("feedback")
@click.argument("workbook", type=_WORKBOOK)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the feedback letters.",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each letter (needs LibreOffice).")
@_OVERWRITE
def feedback_command(workbook: Path, out_dir: Path, pdf: bool, overwrite: bool) -> None:
    """Write one feedback letter (Word, .docx) per submitter in WORKBOOK.

    Each holds the decision, the scores against each criterion with what each score means,
    strengths, weaknesses, what would have to change and how to resubmit. With --pdf, a PDF
    of each too. A letter already in --out is kept unless --overwrite is given.
    """
    from cpcxl.common.soffice import SofficeMissing, find_soffice

    from .workbook import write_letters

    if pdf and find_soffice() is None:  # before any work
        raise click.ClickException(
            str(
                SofficeMissing(
                    "--pdf needs LibreOffice, which is not installed (install the Debian package "
                    "libreoffice-writer-nogui), or leave out --pdf"
                )
            )
        )
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    result = engine.evaluate(_read(workbook))
    for path in write_letters(result, out_dir, outputs, pdf=pdf):
        click.echo(f"wrote {path}")
    _kept(outputs)


@command.command("evaluate")
@click.argument("workbook", type=_WORKBOOK)
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the evaluated copy (an .xlsx; never the input, which is unchanged).",
)
@_OVERWRITE
def evaluate_command(workbook: Path, target: Path, overwrite: bool) -> None:
    """Write a copy of WORKBOOK with the Appraisal, Scores, Ranking, Portfolio, Feedback,
    Sensitivity, Value for money and Affordability sheets (and Panel scores and Negotiation
    where the round has them).

    The copy is never WORKBOOK itself nor an .xlsm; one that exists already is kept unless
    --overwrite is given.
    """
    from .workbook import write_results

    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    if not outputs.may_write(target):  # refuses the input and an .xlsm before any work
        _kept(outputs)
    round_ = _read(workbook)
    write_results(workbook, target, engine.evaluate(round_), round_.notes)
    click.echo(f"wrote {outputs.wrote(target)}")
