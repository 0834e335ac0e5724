"""`cpcxl monitoring sample` and `cpcxl monitoring batch`: sample returns, and summaries for a
whole portfolio with its overview and plan."""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cpcxl.common.errors import CpcxlError, InputError, InputErrors, Location
from cpcxl.common.fields import Date
from cpcxl.common.files import KEPT_EXIT, Outputs

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
    install_signal_handlers,
    run_batch,
    write_samples,
)

if TYPE_CHECKING:
    from .engine import PlanSettings

# Paths are printed whole (no wrapping), so logs and scripts can read them.
console = Console(stderr=True, soft_wrap=True)
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


@click.group("monitoring")
def monitoring() -> None:
    """Provider monitoring: sample returns, and summaries for a whole portfolio."""


@monitoring.command()
@click.option("--providers", type=click.IntRange(1, 100_000), default=40, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--overwrite", is_flag=True, help="Replace returns already in --out.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True)
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
    """
    from .sample import write_sample_history

    outputs = Outputs(overwrite=overwrite)
    try:
        written = write_samples(out_dir, providers, seed, jobs=jobs, outputs=outputs)
        if history_file is not None and outputs.may_write(history_file):
            outputs.wrote(write_sample_history(history_file, providers, rounds, seed))
            console.print(f"wrote a history of {rounds} earlier rounds to {history_file}")
    except CpcxlError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(f"wrote {len(written)} sample returns to {out_dir}")
    if outputs.kept:
        console.print(outputs.kept_message(), markup=False, highlight=False)
        sys.exit(KEPT_EXIT)


def _round(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > 40 or any(ch in text for ch in "\r\n\t"):
        raise click.BadParameter("a round label of 1 to 40 characters, e.g. 2026-27 Q2")
    return text


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return Date().parse(value)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


@monitoring.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the summaries, portfolio.xlsx and errors.csv.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Returns processed at once (processes).",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each summary (LibreOffice).")
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace summaries and a changed portfolio.xlsx already in --out.",
)
@click.option("--as-at", "as_at", callback=_date, help="Date for overdue actions (default today).")
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
    help="TOML with [report] (organisation, marking, challenge_text) and [plan] settings.",
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
    help="This round's label in the history (default: the --as-at month, e.g. 2026-10); "
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
    as_at: dt.date,
    framework_files: tuple[Path, ...],
    settings_file: Path | None,
    max_mb: float,
    history_file: Path | None,
    round_label: str | None,
    updates: bool,
) -> None:
    """Summaries OUT_DIR/<provider id>.xlsx for returns in IN_DIR; portfolio.xlsx; errors.csv.

    An existing summary is kept unless --overwrite, and reported if its return has changed
    since it was written; the overview lists every summary in OUT_DIR. With --history, the
    history workbook is read first and updated at the end with this round. Exit status: 1 if
    a return could not be used, 3 if an output was kept or a summary is out of date, else 0.
    """
    try:
        report_settings, plan, history_settings, stages = load_all_settings(settings_file)
        frameworks = {f.name: f for f in (load_framework_toml(p) for p in framework_files)}
    except CpcxlError as exc:
        raise click.ClickException(str(exc)) from None
    label = round_label or (f"{as_at:%Y-%m}" if history_file else "")
    options = BatchOptions(
        jobs=jobs,
        pdf=pdf,
        overwrite=overwrite,
        as_at=as_at,
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
    with Progress(
        TextColumn("[bold]summaries"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("batch", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = run_batch(in_dir, out_dir, options, progress=progress)
        except InputErrors as many:
            bar.stop()
            _print_problems(many, "the batch wrote nothing")
            sys.exit(1)
        except HistoryNotWritten as exc:
            bar.stop()
            console.print(f"[red]{exc}[/]", highlight=False)
            sys.exit(1)
        except CpcxlError as exc:
            bar.stop()
            console.print(f"[red]{exc}[/]; the batch wrote nothing", highlight=False)
            sys.exit(1)
        except (KeyboardInterrupt, SystemExit) as stop:
            # Every file written so far is complete; a rerun finishes the rest.
            bar.stop()
            console.print("[yellow]stopped[/]; run the same command again to complete the batch")
            code = stop.code if isinstance(stop, SystemExit) else 130
            sys.exit(code if isinstance(code, int) else 1)
    _print_report(report)
    if report.exit_code:
        sys.exit(report.exit_code)


def _print_problems(many: InputErrors, what: str) -> None:
    console.print(f"[red]{len(many)} problems[/] ({what}):")
    for error in many.errors[:20]:
        console.print(f"  {error}", markup=False, highlight=False)
    if len(many) > 20:
        console.print(f"  ... and {len(many) - 20} more")


def _print_report(report: BatchReport) -> None:
    console.print(
        f"{report.summarised} of {report.returns} returns summarised; "
        f"{len(report.written)} files written"
        + (f"; {len(report.up_to_date)} summaries up to date" if report.up_to_date else "")
    )
    if report.portfolio:
        console.print(f"portfolio overview: {report.portfolio}")
    if report.history is not None:
        style = "" if report.history_written else "[yellow]"
        console.print(f"{style}{report.history_note}", markup=bool(style), highlight=False)
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
            console.print(f"  {path}: {why}", markup=False, highlight=False)
        if len(report.stale) > 10:
            console.print(f"  ... and {len(report.stale) - 10} more")
    listed = {path for path, _ in report.stale}
    kept = Outputs(kept=[p for p in report.kept if p not in listed]).kept_message()
    if kept:
        console.print(kept, markup=False, highlight=False)
    if report.failed_files:
        console.print(
            f"[red]{len(report.failed_files)} returns could not be used[/]; see {report.errors_csv}"
        )
        for file, sheet, cell, message in report.errors[:10]:
            where = "!".join(p for p in (sheet, cell) if p)
            console.print(f"  {file} {where}: {message}", markup=False, highlight=False)
        if len(report.errors) > 10:
            console.print(f"  ... and {len(report.errors) - 10} more in {report.errors_csv}")
    if report.notes:
        console.print(f"{len(report.notes)} notes on how returns were read:")
        for file, note in report.notes[:10]:
            console.print(f"  {file}: {note}", markup=False, highlight=False)
        if len(report.notes) > 10:
            console.print(f"  ... and {len(report.notes) - 10} more")


command = monitoring
