"""A folder of returns to one summary per provider, a portfolio overview and a plan.

Results stream: each worker reads one return, writes its summary and hands back only the
few facts the overview needs, so memory does not grow with the number of providers. A bad
return is reported (file, sheet, cell, message) and the batch goes on. Inputs are only
read. Every output appears at its final name only when complete; a batch stopped part way
can be run again and completes what is missing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import multiprocessing
import os
import re
import signal
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cpcxl.common.errors import CpcxlError, InputError, InputErrors, Location
from cpcxl.common.files import write_csv_atomically

from .. import engine
from ..inputs import DETAILS
from ..models import MonitoringFramework
from ..outputs import ReportSettings, portfolio_outputs
from ..schemes import framework_resolver
from .returns import read_provider_id, read_return_file
from .summaries import write_portfolio, write_summary

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PORTFOLIO = "portfolio.xlsx"
ERRORS = "errors.csv"
ERROR_HEADER = ("file", "sheet", "cell", "message")
# What cpcxl.common.files.atomic_path leaves behind if the process is killed outright.
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.(xlsx|pdf|csv)$")


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = 1
    pdf: bool = False
    overwrite: bool = False
    as_at: dt.date = field(default_factory=dt.date.today)
    settings: ReportSettings = field(default_factory=ReportSettings)
    plan: engine.PlanSettings = field(default_factory=engine.PlanSettings)
    frameworks: Mapping[str, MonitoringFramework] = field(default_factory=dict)
    max_bytes: int | None = None
    out_dir: Path = Path("out")


@dataclass
class Outcome:
    file: str
    row: dict[str, Any] | None = None
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class BatchReport:
    returns: int
    summarised: int
    failed_files: list[str]
    errors: list[tuple[str, str, str, str]]
    written: list[Path]
    kept: list[Path]
    portfolio: Path | None
    errors_csv: Path
    #: (file, note) for what was read in a way worth saying (a header's other spelling)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed_files


def error_rows(file: str, exc: BaseException) -> list[tuple[str, str, str, str]]:
    """errors.csv rows (file, sheet, cell, message) for whatever went wrong with one file."""
    if isinstance(exc, InputErrors):
        return [r for e in exc.errors for r in error_rows(file, e)]
    if isinstance(exc, InputError):
        where = exc.location or Location()
        message = exc.message + (f"; valid: {exc.valid}" if exc.valid else "")
        if where.field and not where.cell:
            message = f"{where.field}: {message}"
        if where.row is not None and not where.cell:
            message = f"row {where.row}: {message}"
        return [(file, where.sheet or "", where.cell or "", message)]
    if isinstance(exc, CpcxlError):
        return [(file, "", "", str(exc))]
    return [(file, "", "", f"could not be processed ({type(exc).__name__}: {exc})")]


# --- in each worker -----------------------------------------------------------------------

_options: BatchOptions | None = None


def _stop_cleanly(signum: int, frame: Any) -> None:
    # Turning SIGTERM into an exception runs the ``finally`` blocks that remove temp files.
    raise SystemExit(128 + signum)


def _init_worker(options: BatchOptions) -> None:
    global _options
    _options = options
    signal.signal(signal.SIGTERM, _stop_cleanly)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl+C does


def process_return(source: str) -> Outcome:
    """Read, score and summarise one return; never raises (errors come back as rows)."""
    options = _options or BatchOptions()
    path = Path(source)
    outcome = Outcome(file=path.name)
    try:
        ret, framework = read_return_file(
            path, framework_resolver(options.frameworks), max_bytes=options.max_bytes
        )
        outcome.notes = list(ret.notes)
        result = engine.evaluate(ret, framework, as_at=options.as_at)
        outcome.row = engine.portfolio_row(result)
        outcome.row["Return file"] = path.name
        target = options.out_dir / f"{ret.details.provider_id}.xlsx"
        if target.exists() and not options.overwrite:
            outcome.kept.append(str(target))
            return outcome
        summary = write_summary(target, result, options.settings)
        outcome.written.append(str(summary))
        if options.pdf:
            from cpcxl.common.soffice import convert

            outcome.written.append(str(convert(summary, summary.with_suffix(".pdf"))))
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # a batch never stops for one bad file
        outcome.errors = error_rows(path.name, exc)
    return outcome


def _provider_id(source: str) -> tuple[str, str]:
    options = _options or BatchOptions()
    try:
        return source, read_provider_id(source, max_bytes=options.max_bytes)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        return source, ""  # the full read reports what is wrong


def _no_provider_id(source: str) -> tuple[str, str]:
    return source, ""  # the full read tries again and reports what is wrong


def _crashed_outcome(source: str) -> Outcome:
    name = Path(source).name
    message = (
        "the process reading this return stopped unexpectedly (it may have run out of memory); "
        "the batch went on with the other returns. Check the file opens in Excel, save it "
        "again and rerun the batch"
    )
    return Outcome(file=name, errors=[(name, "", "", message)])


# --- in the parent ----------------------------------------------------------------------------


def find_returns(in_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in in_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in RETURN_SUFFIXES
        and not p.name.startswith(("~$", "."))
    )


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Temp files a killed batch left (hidden names); never a finished output."""
    removed = []
    if out_dir.is_dir():
        for p in out_dir.iterdir():
            if p.is_file() and _LEFTOVER.match(p.name):
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class _Runner:
    """Runs work in this process (1 job) or in one process pool kept for the whole batch.

    A worker that dies (killed when memory runs out, say) takes down the pool and every
    return in flight with it. Those returns are tried again one at a time in a fresh pool,
    so only the return that kills a worker on its own is lost, and it is reported.
    """

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.pool: ProcessPoolExecutor | None = None
        if options.jobs > 1:
            self.pool = self._new_pool()
        else:
            _init_worker_here(options)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.options.jobs,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(self.options,),
        )

    def _replace_pool(self) -> ProcessPoolExecutor:
        assert self.pool is not None
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()
        return self.pool

    def map(
        self, fn: Callable[[Any], Any], items: list[Any], crashed: Callable[[Any], Any]
    ) -> Iterator[Any]:
        """``fn`` over ``items``, results as they come (in any order with a pool); an item
        whose worker died gives ``crashed(item)`` instead."""
        if self.pool is None:
            for item in items:
                yield fn(item)
            return
        # A few returns a task keeps the hand-over cost small; a bounded number of tasks in
        # flight keeps the parent's memory flat for any number of returns.
        size = max(1, min(8, len(items) // (self.options.jobs * 16)))
        chunks = (items[i : i + size] for i in range(0, len(items), size))
        window = self.options.jobs * 4
        in_flight: dict[Future[list[Any]], list[Any]] = {}
        while True:
            pool = self.pool
            for chunk in itertools.islice(chunks, window - len(in_flight)):
                in_flight[pool.submit(_each, fn, chunk)] = chunk
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True  # tried again below, with the rest in flight
                else:
                    yield from future.result()
                    del in_flight[future]
            if broken:
                suspects: list[Any] = []
                for future, chunk in in_flight.items():
                    if future.done() and future.exception() is None:
                        yield from future.result()  # finished before the pool broke
                    else:
                        suspects += chunk
                in_flight.clear()
                yield from self._one_at_a_time(fn, suspects, crashed)

    def _one_at_a_time(
        self, fn: Callable[[Any], Any], items: list[Any], crashed: Callable[[Any], Any]
    ) -> Iterator[Any]:
        pool = self._replace_pool()
        for item in items:
            try:
                yield pool.submit(fn, item).result()
            except BrokenProcessPool:
                yield crashed(item)
                pool = self._replace_pool()

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is None:
            return
        if exc[0] is not None:
            # Stopped part way (Ctrl+C, an error): end the workers now; they remove their
            # temp files on SIGTERM. ProcessPoolExecutor has no public terminate before 3.14.
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _each(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [fn(item) for item in items]


def _init_worker_here(options: BatchOptions) -> None:
    global _options
    _options = options


def run_batch(
    in_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    options: BatchOptions = BatchOptions(),
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Summarise every return in ``in_dir`` into ``out_dir``; see the module docstring."""
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise InputError(
            "the folder of returns does not exist", location=Location(file=str(in_dir))
        )
    if out_dir.resolve() == in_dir.resolve():
        raise InputError(
            "the output folder must not be the folder of returns", valid="another folder"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    options = dataclasses.replace(options, out_dir=out_dir)
    remove_leftovers(out_dir)
    files = find_returns(in_dir)
    errors: list[tuple[str, str, str, str]] = []
    failed: set[str] = set()

    with _Runner(options) as runner:
        # Pass 1: provider IDs only, so two returns for one provider are caught before writing.
        by_id: dict[str, list[str]] = defaultdict(list)
        for source, provider_id in runner.map(
            _provider_id, [str(f) for f in files], crashed=_no_provider_id
        ):
            if provider_id:
                by_id[provider_id.lower()].append(source)
        duplicated: set[str] = set()
        for sources in by_id.values():
            if len(sources) < 2:
                continue
            names = sorted(Path(s).name for s in sources)
            for s in sources:
                others = ", ".join(n for n in names if n != Path(s).name)
                errors.append(
                    (
                        Path(s).name,
                        DETAILS.sheet,
                        "",
                        f"Provider ID: this provider also has a return in {others}; each provider "
                        "needs exactly one return per round (remove the extra copy)",
                    )
                )
                failed.add(Path(s).name)
                duplicated.add(s)
        tasks = [str(f) for f in files if str(f) not in duplicated]
        del by_id  # only the duplicates were needed from pass 1
        written: list[Path] = []
        kept: list[Path] = []
        notes: list[tuple[str, str]] = []
        rows = _CompactRows()
        done = 0
        total = len(files)
        if progress:
            progress(done + len(duplicated), total)
        done += len(duplicated)
        for outcome in runner.map(process_return, tasks, crashed=_crashed_outcome):
            done += 1
            kept += [Path(p) for p in outcome.kept]
            notes += [(outcome.file, n) for n in outcome.notes]
            if outcome.errors:
                errors.extend(outcome.errors)
                failed.add(outcome.file)
            if outcome.row is not None:
                rows.add(outcome.row)
            written += [Path(p) for p in outcome.written]
            if progress:
                progress(done, total)

    portfolio_path: Path | None = None
    target = out_dir / PORTFOLIO
    if target.exists() and not options.overwrite:
        kept.append(target)
    else:
        frame = engine.portfolio_frame(rows.frame())
        plan, capacity = engine.monitoring_plan(frame, options.plan)
        outputs = portfolio_outputs(
            frame,
            plan,
            capacity,
            failed=len(failed),
            as_at=options.as_at,
            settings=options.settings,
        )
        portfolio_path = write_portfolio(target, outputs, settings=options.settings)
        written.append(portfolio_path)
    errors.sort()
    errors_csv = write_csv_atomically(out_dir / ERRORS, ERROR_HEADER, errors)
    return BatchReport(
        returns=len(files),
        summarised=len(rows),
        failed_files=sorted(failed),
        errors=errors,
        written=written,
        kept=kept,
        portfolio=portfolio_path,
        errors_csv=errors_csv,
        notes=sorted(notes),
    )


class _CompactRows:
    """Portfolio rows kept as tuples with shared column names and interned repeated text
    (ratings, trends, reasons): a fraction of the memory of dicts, so the parent stays
    small however many providers there are."""

    def __init__(self) -> None:
        self.columns: list[str] = []
        self._index: dict[str, int] = {}
        self._rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        for key in row:
            if key not in self._index:
                self._index[key] = len(self.columns)
                self.columns.append(key)
        values: list[Any] = [None] * len(self.columns)
        for key, value in row.items():
            if isinstance(value, str) and len(value) <= 120:
                value = sys.intern(value)
            values[self._index[key]] = value
        self._rows.append(tuple(values))
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame; the tuples are released, so they are not held twice."""
        width = len(self.columns)
        rows, self._rows = self._rows, []
        return pd.DataFrame.from_records(
            [r + (None,) * (width - len(r)) for r in rows], columns=self.columns
        )


def install_signal_handlers() -> None:
    """SIGTERM stops the batch through ``finally`` blocks, so no temp file is left behind."""
    signal.signal(signal.SIGTERM, _stop_cleanly)
