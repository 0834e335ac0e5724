"""`cpcxl proposals ...`: evaluate a filled workbook and write feedback for each submitter.

Both commands follow the one overwrite rule (:class:`cpcxl.common.files.Outputs`): an output
is never the input workbook (through links too) and never an ``.xlsm`` (cpcxl writes
``.xlsx`` and would lose the macros); an output that exists already is kept unless
``--overwrite`` is given, and the command then says what it kept and exits with status 3
(issue 12 cases 9 and 10).
"""

from __future__ import annotations

from pathlib import Path

import click

from cpcxl.common import commands
from cpcxl.common.commands import out_dir_option, out_file_option, overwrite_option, pdf_option
from cpcxl.common.files import Outputs

from . import engine
from .models import Round

_WORKBOOK = click.Path(exists=True, dir_okay=False, path_type=Path)


def _read(workbook: Path) -> Round:
    """The round in WORKBOOK, with any notes on how it was read printed first."""
    from .workbook import read_round_file

    round_ = read_round_file(workbook)
    commands.show_notes(round_.notes)
    return round_


@click.group("proposals", cls=commands.Group)
def command() -> None:
    """Expenditure proposal evaluation (CPC 506 B)."""


@command.command("feedback")
@click.argument("workbook", type=_WORKBOOK)
@out_dir_option("Folder for the feedback letters.")
@pdf_option
@overwrite_option
def feedback_command(workbook: Path, out_dir: Path, pdf: bool, overwrite: bool) -> None:
    """Write one feedback letter (Word, .docx) per submitter in WORKBOOK.

    Each holds the decision, the scores against each criterion with what each score means,
    strengths, weaknesses, what would have to change and how to resubmit. With --pdf, a PDF
    of each too. A letter already in --out is kept unless --overwrite is given (the command
    lists what it kept and exits with status 3).

    Example: cpcxl proposals feedback round.xlsx --out feedback --pdf
    """
    from .workbook import write_letters

    if pdf:
        commands.require_soffice("writer")  # before any work, with how to install it here
    outputs = Outputs(overwrite=overwrite, inputs=(workbook,))
    result = engine.evaluate(_read(workbook))
    with commands.progress_bar("Writing letters") as update:
        write_letters(result, out_dir, outputs, pdf=pdf, progress=update)
    commands.report_written(outputs)


@command.command("evaluate")
@click.argument("workbook", type=_WORKBOOK)
@out_file_option(
    "Where to write the evaluated copy (an .xlsx; never the input, which is unchanged).",
    required=True,
)
@overwrite_option
def evaluate_command(workbook: Path, out_file: Path, overwrite: bool) -> None:
    """Write a copy of WORKBOOK with the Appraisal, Scores, Ranking, Portfolio, Feedback,
    Sensitivity, Value for money and Affordability sheets (and Panel scores and Negotiation
    where the round has them).

    The copy is never WORKBOOK itself nor an .xlsm; one that exists already is kept unless
    --overwrite is given (the command says so and exits with status 3).

    Example: cpcxl proposals evaluate round.xlsx --out evaluated.xlsx
    """
    from .workbook import write_results

    # refuses the input and an .xlsm, and keeps an existing copy, before any work
    outputs = commands.output_file(out_file, inputs=[workbook], overwrite=overwrite)
    round_ = _read(workbook)
    write_results(workbook, out_file, engine.evaluate(round_), round_.notes)
    outputs.wrote(out_file)
    commands.report_written(outputs)
