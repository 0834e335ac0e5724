"""`cpcxl monitoring sample` and `cpcxl monitoring batch`: sample returns, and summaries for a
whole portfolio with its overview and plan."""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cpcxl.common import commands
from cpcxl.common.commands import (
    as_of_option,
    console,
    errors_console,
    jobs_option,
    out_dir_option,
    overwrite_option,
    pdf_option,
)
from cpcxl.common.errors import InputError, Location
from cpcxl.common.files import Outputs

from .inputs import (
    HistorySettings,
    read_compliance_settings,
    read_history_settings,
    read_plan_settings,
)
from .models import ComplianceScheme
from .outputs import ReportSettings
from .schemes import load_framework_toml
from .workbook import (
    BatchOptions,
    BatchReport,
    HistoryNotWritten,
    find_returns,
    install_signal_handlers,
    run_batch,
)
from .workbook.batch import broken_links

if TYPE_CHECKING:
    from .engine import PlanSettings

REPORT_SETTINGS = ("organisation", "marking", "challenge_text", "contact_text")
SETTINGS_TABLES = ("report", "plan", "history", "compliance")


def load_settings(path: Path | None) -> tuple[ReportSettings, PlanSettings]:
    """Report and plan settings from a TOML file ([report] and [plan] tables)."""
    report, plan, _, _ = load_all_settings(path)
    return report, plan


def load_all_settings(
    path: Path | None,
) -> tuple[ReportSettings, PlanSettings, HistorySettings, ComplianceScheme]:
    """Every table of the settings file: [report], [plan], [history] and [compliance]."""
    if path is None:
        return (
            ReportSettings(),
            read_plan_settings({}),
            HistorySettings(),
            read_compliance_settings({}),
        )
    where = Location(file=path.name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"the settings file could not be read ({exc})", location=where) from None
    tables = set(data) - set(SETTINGS_TABLES)
    if tables:
        raise InputError(
            f"unknown settings tables {', '.join(f'[{t}]' for t in sorted(tables))}",
            location=where,
            valid=", ".join(f"[{t}]" for t in SETTINGS_TABLES),
        )
    report: dict[str, Any] = data.get("report", {})
    unknown = set(report) - set(REPORT_SETTINGS)
    if unknown:
        raise InputError(
            f"unknown [report] settings {', '.join(sorted(unknown))}",
            location=where,
            valid=", ".join(REPORT_SETTINGS),
        )
    return (
        ReportSettings(**report),
        read_plan_settings(data.get("plan", {}), file=path.name),
        read_history_settings(data.get("history", {}), file=path.name),
        read_compliance_settings(data.get("compliance", {}), file=path.name),
    )


@click.group("monitoring", cls=commands.Group)
def monitoring() -> None:
    """Provider monitoring: sample returns, and summaries for a whole portfolio."""


@monitoring.command()
@click.option(
    "--providers",
    type=click.IntRange(1, 100_000),
    default=40,
    show_default=True,
    help="How many providers' returns to write.",
)
@out_dir_option("Folder for the returns (return_<provider id>.xlsx).")
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same returns."
)
@overwrite_option
@jobs_option
@click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a history of earlier rounds for these providers (for batch --history).",
)
@click.option(
    "--rounds",
    type=click.IntRange(1, 24),
    default=3,
    show_default=True,
    help="Earlier six-monthly rounds in the --history.",
)
def sample(
    providers: int,
    out_dir: Path,
    seed: int,
    overwrite: bool,
    jobs: int,
    history_file: Path | None,
    rounds: int,
) -> None:
    """Write N realistic filled-in monitoring returns (the same for the same seed).

    A return already in --out (it may have been filled in) is kept unless --overwrite; the
    command lists what it kept and exits with status 3. With --history, also a history of
    --rounds earlier rounds of the same providers, ending the round before the returns'.

    Example: cpcxl monitoring sample --providers 40 --out returns
    """
    from .sample import write_sample_history, write_samples

    outputs = Outputs(overwrite=overwrite)
    with commands.progress_bar("Writing sample returns", providers) as update:
        written = write_samples(
            out_dir, providers, seed, jobs=jobs, outputs=outputs, progress=update
        )
    if history_file is not None and outputs.may_write(history_file):
        outputs.wrote(write_sample_history(history_file, providers, rounds, seed))
        console.print(f"wrote a history of {rounds} earlier rounds to {history_file}", markup=False)
    console.print(f"wrote {len(written)} sample returns to {out_dir}", markup=False)
    commands.exit_if_kept(outputs)


def _round(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 40 or any(ch in text for ch in "\r\n\t"):
        raise click.BadParameter("a round label of 1 to 40 characters, e.g. 2026-27 Q2")
    return text


def _check_folder(in_dir: Path) -> None:
    """A folder with nothing to summarise is a mistake worth saying (the wrong folder, or
    returns saved as another kind of file), before any work."""
    if not find_returns(in_dir) and not broken_links(in_dir):
        raise InputError(
            "there are no monitoring returns in the folder",
            location=Location(file=str(in_dir)),
            valid="the providers' returns as .xlsx workbooks in that folder (one per "
            "provider; cpcxl monitoring sample writes examples)",
        )


@monitoring.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@out_dir_option("Folder for the summaries, portfolio.xlsx and errors.csv.")
@jobs_option
@pdf_option
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace summaries and a changed portfolio.xlsx already in --out (a person may "
    "have edited them); without it they are kept, listed, and the command exits with status 3.",
)
@as_of_option("Date for overdue actions (default: today; --as-at, its old name, still works).")
@click.option(
    "--as-at",
    "as_at",
    callback=commands.parse_as_of,
    hidden=True,
    metavar="DD/MM/YYYY",
    help="The old name of --as-of (still works).",
)
@click.option(
    "--framework",
    "framework_files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="An organisation's own framework (TOML); may be given more than once.",
)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML with [report] (organisation, marking, challenge_text, contact_text), [plan], "
    "[history] and [compliance] settings.",
)
@click.option(
    "--max-mb",
    type=click.FloatRange(0.001),
    default=20,
    show_default=True,
    help="Largest return file accepted, in MB.",
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="History workbook read and updated with this round (made if it does not exist).",
)
@click.option(
    "--round",
    "round_label",
    callback=_round,
    help="This round's label in the history (default: the --as-of month, e.g. 2026-10); "
    "give the same label to run a round again.",
)
@click.option(
    "--updates",
    is_flag=True,
    help="Also write OUT_DIR/updates/<provider id>.xlsx: a one-page update for people kept "
    "informed.",
)
def batch(
    in_dir: Path,
    out_dir: Path,
    jobs: int,
    pdf: bool,
    overwrite: bool,
    as_of: dt.date | None,
    as_at: dt.date | None,
    framework_files: tuple[Path, ...],
    settings_file: Path | None,
    max_mb: float,
    history_file: Path | None,
    round_label: str | None,
    updates: bool,
) -> None:
    """Summaries OUT_DIR/<provider id>.xlsx for returns in IN_DIR; portfolio.xlsx; errors.csv.

    Writes a summary per return (and its PDF with --pdf), the portfolio overview and plan,
    and errors.csv listing every return it could not use, each where it is. An existing
    summary is kept unless --overwrite, and reported if its return has changed since it was
    written; the overview lists every summary in OUT_DIR. With --history, the history
    workbook is read first and updated at the end with this round. Exit status: 2 if the
    command could not start (a bad settings or framework file, a bad history, a folder with
    no returns, --pdf without LibreOffice), 1 if a return could not be used, 3 if an output
    was kept or a summary is out of date, else 0.

    Example: cpcxl monitoring batch returns --out summaries --as-of 01/11/2026
    """
    if pdf:
        commands.require_soffice()  # before any work, with how to install it here
    _check_folder(in_dir)
    day = as_of or as_at or dt.date.today()
    report_settings, plan, history_settings, stages = load_all_settings(settings_file)
    frameworks = {f.name: f for f in (load_framework_toml(p) for p in framework_files)}
    label = round_label or (f"{day:%Y-%m}" if history_file else "")
    options = BatchOptions(
        jobs=jobs,
        pdf=pdf,
        overwrite=overwrite,
        as_at=day,
        settings=report_settings,
        plan=plan,
        frameworks=frameworks,
        max_bytes=int(max_mb * 1024 * 1024),
        history=history_file,
        round_label=label,
        history_settings=history_settings,
        stages=stages,
        updates=updates,
    )
    install_signal_handlers()
    try:
        with commands.progress_bar("Summarising returns") as update:
            report = run_batch(in_dir, out_dir, options, progress=update)
    except HistoryNotWritten as exc:  # after the summaries and the overview were written
        errors_console.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(1)
    except (KeyboardInterrupt, SystemExit) as stop:
        # Every file written so far is complete; a rerun finishes the rest.
        errors_console.print("[yellow]stopped[/]; run the same command again to complete the batch")
        code = stop.code if isinstance(stop, SystemExit) else 130
        sys.exit(code if isinstance(code, int) else 1)
    _print_report(report)
    if report.exit_code:
        sys.exit(report.exit_code)


def _print_report(report: BatchReport) -> None:
    """What was written, kept and noted on standard output; the returns that could not be
    used on standard error."""
    written = [*report.written, report.errors_csv]  # errors.csv is written every run
    console.print(
        f"{report.summarised} of {report.returns} returns summarised; "
        f"{len(written)} files written"
        + (f"; {len(report.up_to_date)} summaries up to date" if report.up_to_date else ""),
        markup=False,
    )
    if report.portfolio:
        console.print(f"portfolio overview: {report.portfolio}", markup=False)
    if report.history is not None:
        style = "" if report.history_written else "[yellow]"
        console.print(f"{style}{report.history_note}", markup=bool(style))
    if report.portfolio_kept:
        console.print(
            "[yellow]portfolio.xlsx was changed since cpcxl wrote it, so it is kept and does "
            "not show this run[/]; --overwrite replaces it"
        )
    if report.stale:
        console.print(
            f"[yellow]{len(report.stale)} summaries are out of date[/] (the overview's "
            "Summary status says which):"
        )
        for path, why in report.stale[:10]:
            console.print(f"  {path}: {why}", markup=False)
        if len(report.stale) > 10:
            console.print(f"  ... and {len(report.stale) - 10} more")
    listed = {path for path, _ in report.stale}
    kept = Outputs(kept=[p for p in report.kept if p not in listed]).kept_message()
    if kept:
        console.print(kept, markup=False)
    if report.failed_files:
        errors_console.print(
            f"[red]error:[/] {len(report.failed_files)} returns could not be used; see "
            f"{report.errors_csv}",
            highlight=False,
        )
        for file, sheet, cell, message in report.errors[:10]:
            where = "!".join(p for p in (sheet, cell) if p)
            errors_console.print(f"  - {file} {where}: {message}", markup=False)
        if len(report.errors) > 10:
            errors_console.print(
                f"  ... and {len(report.errors) - 10} more in {report.errors_csv}", markup=False
            )
    if report.notes:
        console.print(f"{len(report.notes)} notes on how returns were read:")
        for file, note in report.notes[:10]:
            console.print(f"note: {file}: {note}", markup=False)
        if len(report.notes) > 10:
            console.print(f"  ... and {len(report.notes) - 10} more")


command = monitoring
