"""A folder of returns to one summary per provider, a portfolio overview and a plan; with a
history, each provider's round added to it.

Results stream: each worker reads one return, writes its summary and hands back only the
few facts the overview needs, so memory does not grow with the number of providers. A bad
return is reported (file, sheet, cell, message) and the batch goes on. Inputs are only
read. Every output appears at its final name only when complete; a batch stopped part way
can be run again and completes what is missing.

Outputs follow the one rule every command follows (:class:`cpcxl.common.files.Outputs`):
never over an input, never an .xlsm, and an existing summary is kept unless --overwrite.
Each summary records the fingerprint of the return it was made from and its row of the
overview, so a rerun can tell a summary that is up to date from one whose return has
changed since (out of date: reported, and the run exits non-zero until it is rebuilt), and
the overview always describes exactly the summaries in the folder after the run. The
portfolio is rewritten unless a person has changed it since cpcxl wrote it.

A worker whose batch has gone (the parent killed outright) stops within a second or so,
removing the file it was writing.

With ``--history``, the history is read while the workers look for duplicate returns (in
the main thread, once the workers have started: no thread of ours runs when one is
forked). Each return then goes to a worker with its provider's rows only (a slice of the
history, not the whole of it, cut by the provider ID that first look found: a return whose
full reading finds another is handed back untouched and run again as its own), the worker
hands back its provider's round as the history's rows, and the history is written once at
the end, atomically, with every earlier round kept. A problem in the history itself stops
the batch before it writes anything; a problem in one provider's rows fails that
provider's return and leaves the history as it was (it is not rewritten that run).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from cpcxl.common.errors import CpcxlError, InputError, InputErrors, Location
from cpcxl.common.files import (
    KEPT_EXIT,
    Outputs,
    same_file,
    sha256,
    write_csv_atomically,
)

from .. import engine
from ..inputs import DETAILS, OVERVIEW_NAME, History, HistorySettings, HistorySlice
from ..models import ComplianceScheme, MonitoringFramework, ProviderHistory
from ..outputs import (
    HISTORY_CHANGED,
    NO_RECORD,
    NO_RETURN,
    RETURN_CHANGED,
    UP_TO_DATE,
    NewRound,
    ReportSettings,
    new_round,
    portfolio_outputs,
)
from ..schemes import CPC306, framework_resolver
from .history import read_history_file, write_history
from .returns import read_provider_id, read_return_file
from .summaries import (
    SummaryRecord,
    cells_sha256,
    portfolio_cells_sha256,
    read_summary_record,
    write_portfolio,
    write_portfolio_pdf,
    write_summary,
    write_update,
)

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PORTFOLIO = f"{OVERVIEW_NAME}.xlsx"
PORTFOLIO_PDF = f"{OVERVIEW_NAME}.pdf"
ERRORS = "errors.csv"
#: The folder of the one-page updates (--updates), inside the output folder.
UPDATES = "updates"
ERROR_HEADER = ("file", "sheet", "cell", "message")
# What cpcxl.common.files.atomic_path leaves behind if the process is killed outright.
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.(xlsx|pdf|csv)$")
#: How often a worker checks that the batch that started it is still running (seconds; a
#: local choice: often enough to stop within a second, too rarely to cost anything).
PARENT_CHECK_SECONDS = 0.25
#: How long a worker whose batch has gone gives the work in hand to stop cleanly (seconds;
#: a local choice: removing a temp file takes milliseconds).
STOP_GRACE_SECONDS = 2.0


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
    #: returns that a file in the output folder links to (never written over)
    linked_inputs: tuple[Path, ...] = ()
    #: the history workbook read and updated (--history), and this round's label in it
    history: Path | None = None
    round_label: str = ""
    history_settings: HistorySettings = field(default_factory=HistorySettings)
    #: the stages of compliance action (CPC306 unless the settings name others)
    stages: ComplianceScheme = CPC306
    #: also write the one-page update for people kept informed (--updates)
    updates: bool = False
    #: the summaries and the updates already in the output folder, by their names case
    #: folded (see :func:`_file_for`)
    summary_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    update_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Outcome:
    file: str
    row: dict[str, Any] | None = None
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the summary this return has in the output folder, and what it is (Summary status)
    summary: str = ""
    status: str = ""
    #: with a history: this provider's round as the history's rows
    rows: NewRound | None = None
    #: the provider ID this return holds, when the history's slice it was handed was cut for
    #: another (the first pass read another ID, or none): nothing was written; run it again
    #: with this provider's slice
    retry: str = ""


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
    #: summaries that do not describe their return as it is now: (summary, why)
    stale: list[tuple[Path, str]] = field(default_factory=list)
    #: summaries kept because their return has not changed since they were written
    up_to_date: list[Path] = field(default_factory=list)
    #: the overview kept because a person changed it (it does not describe this run)
    portfolio_kept: bool = False
    #: the history (--history): where, whether it was written, and why not
    history: Path | None = None
    history_written: bool = False
    history_note: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed_files

    @property
    def exit_code(self) -> int:
        """1 if a return could not be used; 3 (KEPT_EXIT) if an output asked for was kept
        or a summary is out of date; 0 when the folder describes every return as it is."""
        if self.failed_files:
            return 1
        return KEPT_EXIT if self.kept or self.stale else 0


def error_rows(file: str, exc: BaseException) -> list[tuple[str, str, str, str]]:
    """errors.csv rows (file, sheet, cell, message) for whatever went wrong with one file; a
    problem found in another file (the history) is listed under that file's name, with a row
    saying the return was not summarised."""
    rows = _error_rows(file, exc)
    others = sorted({r[0] for r in rows if r[0] != file})
    if others and all(r[0] != file for r in rows):
        rows.append(
            (file, "", "", f"not summarised: see the problems listed for {', '.join(others)}")
        )
    return list(dict.fromkeys(rows))


def _error_rows(file: str, exc: BaseException) -> list[tuple[str, str, str, str]]:
    if isinstance(exc, _HistoryProblems):
        # the problems themselves are listed once, under the history's name, by the batch
        return [
            (file, "", "", f"not summarised: its rows in {exc.file} have problems (listed there)")
        ]
    if isinstance(exc, InputErrors):
        return [r for e in exc.errors for r in _error_rows(file, e)]
    if isinstance(exc, InputError):
        where = exc.location or Location()
        message = exc.message + (f"; valid: {exc.valid}" if exc.valid else "")
        if where.field and not where.cell:
            message = f"{where.field}: {message}"
        if where.row is not None and not where.cell:
            message = f"row {where.row}: {message}"
        return [(where.file or file, where.sheet or "", where.cell or "", message)]
    if isinstance(exc, CpcxlError):
        return [(file, "", "", str(exc))]
    return [(file, "", "", f"could not be processed ({type(exc).__name__}: {exc})")]


# --- in each worker -----------------------------------------------------------------------

_options: BatchOptions | None = None
_orphaned = threading.Event()


#: New objects between a worker's garbage-collection passes (Python's default is 700); see
#: :func:`_init_worker`. A local choice, measured.
WORKER_GC_THRESHOLD = 5_000


def _stop_cleanly(signum: int, frame: Any) -> None:
    # Turning SIGTERM into an exception runs the ``finally`` blocks that remove temp files.
    # A second SIGTERM must not interrupt them: the pool ends every worker it has left as
    # soon as one has ended, so a worker still unwinding from the first is sent another.
    signal.signal(signal.SIGTERM, _stop_within_grace)
    raise SystemExit(128 + signum)


def _stop_within_grace(signum: int, frame: Any) -> None:
    """A SIGTERM after the first: the first's clean stop goes on, and the process ends
    within :data:`STOP_GRACE_SECONDS` whatever happens to it."""
    timer = threading.Timer(STOP_GRACE_SECONDS, os._exit, args=(128 + signum,))
    timer.daemon = True
    timer.start()


def _init_worker(options: BatchOptions) -> None:
    global _options
    _options = options
    signal.signal(signal.SIGTERM, _stop_cleanly)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl+C does
    watcher = threading.Thread(
        target=_watch_parent, args=(os.getppid(),), name="cpcxl-parent-watch", daemon=True
    )
    watcher.start()
    # A worker keeps what it has imported for its life, and each summary it writes leaves
    # cycles for the garbage collector (XlsxWriter's workbook, sheets and formats refer to
    # one another). With those imports out of its way (frozen), and a pass every few
    # thousand new objects rather than every 700, the collector takes a third of the time:
    # 0.10-0.18 s against 0.36-0.60 s a worker for 500 returns (bench/monitoring_batch.py).
    # Only in a worker, which is cpcxl's own process; a local choice.
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector held off, then as it was: while the history is read, its rows
    (a million small objects that nothing frees) pile up, and each pass over them is wasted:
    a third of the read's time for a thousand providers (0.23 s against 0.15 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _watch_parent(parent: int) -> None:
    """Stop this worker when the batch that started it has gone (killed outright, so it
    could not stop its workers): the work in hand is interrupted as SIGTERM interrupts it,
    removing the file it was writing, and the process ends."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    _orphaned.set()
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
    time.sleep(STOP_GRACE_SECONDS)
    os._exit(1)  # the pool's loop caught the SystemExit: end here


def _stop_if_orphaned() -> None:
    """Between files, a worker whose batch has gone ends at once (it has no file open)."""
    if _orphaned.is_set():
        os._exit(1)


class Task(NamedTuple):
    """A return to summarise, the provider ID the first pass read from it ("" for none),
    and (with --history) that provider's slice of the history."""

    source: str
    provider_id: str
    history: HistorySlice | None = None


def _process_task(task: Task) -> Outcome:
    return process_return(task.source, task.history, provider_id=task.provider_id)


def _crashed_task(task: Task) -> Outcome:
    return _crashed_outcome(task.source)


def process_return(
    source: str, history: HistorySlice | None = None, *, provider_id: str | None = None
) -> Outcome:
    """Read, score and summarise one return; never raises (errors come back as rows).

    An existing summary is kept unless --overwrite: as it is if its return (and, with a
    history, the provider's earlier rounds) has not changed since it was written (up to
    date), and reported as out of date if it has. A return that holds another provider than
    ``provider_id`` (the one its ``history`` slice is cut for) is handed back untouched:
    ``retry``.
    """
    _stop_if_orphaned()
    options = _options or BatchOptions()
    path = Path(source)
    outcome = Outcome(file=path.name)
    try:
        framework_for = framework_resolver(options.frameworks)
        ret, framework = read_return_file(
            path,
            framework_for,
            max_bytes=options.max_bytes,
            stages=options.stages,
        )
        if provider_id is not None and provider_id.casefold() != ret.details.provider_id.casefold():
            outcome.retry = ret.details.provider_id
            return outcome
        outcome.notes = list(ret.notes)
        prior, history_sha = _prior(
            history.history(framework_for, options.stages) if history else None,
            framework,
            ret,
            options,
        )
        result = engine.evaluate(
            ret,
            framework,
            as_at=options.as_at,
            history=prior,
            round_label=options.round_label,
            stages=options.stages,
            carry_forward_months=options.history_settings.carry_forward_months,
            rounds_shown=options.history_settings.rounds_shown,
        )
        outcome.notes += list(result.compliance.notes if result.compliance else ())
        visited = ret.details.monitoring_date
        if visited is not None and visited > options.as_at:
            outcome.notes.append(
                f"Return: the date of monitoring, {visited:%d/%m/%Y}, is after the batch's "
                f"as-at date ({options.as_at:%d/%m/%Y}), which decides the actions overdue: "
                "run with --as-of the date the round is run, or correct the date"
            )
        next_visit = engine.next_visit_for(result, options.plan)
        row = engine.portfolio_row(result)
        row["Return file"] = path.name
        target = _file_for(options.out_dir, options.summary_names, ret.details.provider_id)
        outcome.summary = str(target)
        history_file = (options.history,) if options.history else ()
        outputs = Outputs(
            overwrite=options.overwrite, inputs=(path, *options.linked_inputs, *history_file)
        )
        outputs.check(target)
        fingerprint = sha256(path)
        if prior is not None:
            outcome.rows = new_round(
                engine.round_rows(result, return_sha256=fingerprint, as_at=options.as_at),
                framework,
            )
        if target.exists() and not options.overwrite:
            record = read_summary_record(target)
            if (
                record is not None
                and record.return_sha256 == fingerprint
                and _same_history(record.history_sha256, history_sha, prior)
            ):
                outcome.row = {**record.row, "Summary status": UP_TO_DATE}
                outcome.status = UP_TO_DATE
                _write_update(result, next_visit, options, outputs, outcome, fresh_only=True)
                return outcome
            outputs.may_write(target)  # kept, and noted as kept
            outcome.kept += [str(p) for p in outputs.kept]
            outcome.status = (
                NO_RECORD
                if record is None
                else RETURN_CHANGED
                if record.return_sha256 != fingerprint
                else HISTORY_CHANGED
            )
            # the overview describes the summary in the folder, not the return as it is now
            outcome.row = {**(record.row if record else row), "Summary status": outcome.status}
            return outcome
        outcome.row = {**row, "Summary status": UP_TO_DATE}
        _stop_if_orphaned()
        summary = write_summary(
            target,
            result,
            options.settings,
            record=SummaryRecord(fingerprint, outcome.row, history_sha),
            next_visit=next_visit,
        )
        outcome.written.append(str(summary))
        if options.pdf:
            from cpcxl.common.soffice import convert

            pdf = summary.with_suffix(".pdf")
            if outputs.may_write(pdf):
                outcome.written.append(str(convert(summary, pdf)))
            outcome.kept += [str(p) for p in outputs.kept]
        _write_update(result, next_visit, options, outputs, outcome)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # a batch never stops for one bad file
        outcome.errors = error_rows(path.name, exc)
        outcome.row = None
        outcome.rows = None
    return outcome


class _HistoryProblems(CpcxlError):
    """A provider's rows in the history have problems: its return is not summarised."""

    def __init__(self, file: str, problems: list[InputError]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(f"{len(problems)} problems in this provider's rows of {file}")


def _prior(
    history: History | None, framework: MonitoringFramework, ret: Any, options: BatchOptions
) -> tuple[ProviderHistory | None, str]:
    """The provider's history before this round (None without --history), and its
    fingerprint (what a summary records to know whether the history changed since)."""
    if history is None or options.history is None:
        return None, ""
    provider_id = ret.details.provider_id
    try:
        # the KPIs and actions of the rounds a summary shows (and the first and the baseline)
        provider = history.of(provider_id, recent=options.history_settings.rounds_shown)
    except InputErrors as many:
        raise _HistoryProblems(history.file, many.errors) from None
    prior = engine.prior_rounds(
        provider,
        options.round_label,
        framework=framework.name,
        monitoring_date=ret.details.monitoring_date,
        file=ret.source_file,
    )
    return prior, engine.history_fingerprint(prior)


def _same_history(recorded: str, history_sha: str, prior: ProviderHistory | None) -> bool:
    """Whether a summary's recorded history fingerprint is this run's: as fingerprinted now,
    or every number exactly, as a summary written by an earlier cpcxl recorded it (so those
    are not all reported out of date after an upgrade)."""
    if recorded == history_sha:
        return True
    return prior is not None and recorded == engine.history_fingerprint(prior, exact=True)


def _file_for(folder: Path, names: Mapping[str, tuple[str, ...]], provider_id: str) -> Path:
    """The provider's file in ``folder``: the one named by its ID, or if there is none, one
    already there whose name differs only in case (a return that spells its ID P-0001 one
    round and p-0001 the next is one provider, as the history and the duplicates check have
    it, and as Windows and macOS name files)."""
    name = f"{provider_id}.xlsx"
    found = names.get(name.casefold(), ())
    return folder / (name if name in found or not found else found[0])


def _names_in(files: Iterable[Path]) -> dict[str, tuple[str, ...]]:
    """The names of ``files`` by their names case folded."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(files):
        found[path.name.casefold()] = (*found.get(path.name.casefold(), ()), path.name)
    return found


def _write_update(
    result: engine.ProviderResult,
    next_visit: dt.date | None,
    options: BatchOptions,
    outputs: Outputs,
    outcome: Outcome,
    *,
    fresh_only: bool = False,
) -> None:
    """--updates: the one-page update in updates/; ``fresh_only``: only if there is none."""
    if not options.updates:
        return
    target = _file_for(
        options.out_dir / UPDATES, options.update_names, result.ret.details.provider_id
    )
    if fresh_only and target.exists():
        return
    if not outputs.may_write(target):
        outcome.kept += [str(target)]
        return
    written = write_update(target, result, options.settings, next_visit=next_visit)
    outcome.written.append(str(written))
    if options.pdf:
        from cpcxl.common.soffice import convert

        pdf = written.with_suffix(".pdf")
        if outputs.may_write(pdf):
            outcome.written.append(str(convert(written, pdf)))
        else:
            outcome.kept += [str(pdf)]


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


def _is_return_name(name: str) -> bool:
    return Path(name).suffix.lower() in RETURN_SUFFIXES and not name.startswith(("~$", "."))


def find_returns(in_dir: Path) -> list[Path]:
    """The returns in a folder (files, or links to files, with a workbook's name)."""
    return sorted(p for p in in_dir.iterdir() if _is_return_name(p.name) and p.is_file())


def broken_links(in_dir: Path) -> list[tuple[str, str, str, str]]:
    """errors.csv rows for links in the folder, named as returns, that lead to no file: a
    link to a file that is not there, or links that lead round in a loop."""
    rows = []
    for p in sorted(in_dir.iterdir()):
        if not (_is_return_name(p.name) and p.is_symlink()):
            continue
        try:
            p.stat()
        except FileNotFoundError:
            why = "a link to a file that does not exist (moved or deleted)"
        except OSError:  # ELOOP: the link leads back round to itself
            why = "a link that leads round in a loop, so there is no file to read"
        else:
            continue
        rows.append((p.name, "", "", f"{why}; put the return itself in the folder"))
    return rows


def _linked_inputs(out_dir: Path, inputs: list[Path]) -> tuple[Path, ...]:
    """The inputs that a file in the output folder is (through a link, or a hard link):
    each is refused as an output, as every input is."""
    keys: dict[tuple[int, int], Path] = {}
    for source in inputs:
        try:
            info = source.stat()
        except OSError:
            continue
        keys[(info.st_dev, info.st_ino)] = source
    found = []
    for entry in out_dir.iterdir():
        try:
            info = entry.stat()
        except OSError:
            continue
        linked = keys.get((info.st_dev, info.st_ino))
        if linked is not None and same_file(entry, linked):
            found.append(linked)
    return tuple(found)


def summaries_in(out_dir: Path) -> list[Path]:
    """The workbooks in the output folder that may be summaries (not the portfolio, nor a
    temp file a killed run left, nor Excel's lock file); a summary keeps a record of itself."""
    return sorted(
        p
        for p in out_dir.iterdir()
        if p.suffix.lower() == ".xlsx"
        and p.name != PORTFOLIO
        and not p.name.startswith(("~$", "."))
        and p.is_file()
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
        self,
        fn: Callable[[Any], Any],
        items: list[Any],
        crashed: Callable[[Any], Any],
        *,
        window: int | None = None,
    ) -> Iterator[Any]:
        """``fn`` over ``items``, results as they come (in any order with a pool); an item
        whose worker died gives ``crashed(item)`` instead. With a pool, the first
        ``window`` tasks (jobs x 4 unless given) go to the workers now, before the first
        result is asked for, so the caller can work meanwhile."""
        if self.pool is None:
            return (fn(item) for item in items)
        # A few returns a task keeps the hand-over cost small; a bounded number of tasks in
        # flight keeps the parent's memory flat for any number of returns.
        size = max(1, min(8, len(items) // (self.options.jobs * 16)))
        chunks = (items[i : i + size] for i in range(0, len(items), size))
        in_flight: dict[Future[list[Any]], list[Any]] = {}
        window = window or self.options.jobs * 4
        self._top_up(fn, chunks, window, in_flight)
        return self._results(fn, chunks, window, in_flight, crashed)

    def _top_up(
        self,
        fn: Callable[[Any], Any],
        chunks: Iterator[list[Any]],
        window: int,
        in_flight: dict[Future[list[Any]], list[Any]],
    ) -> None:
        assert self.pool is not None
        for chunk in itertools.islice(chunks, window - len(in_flight)):
            try:
                in_flight[self.pool.submit(_each, fn, chunk)] = chunk
            except BrokenProcessPool as broken:
                # A worker died since the last results were read. The chunk goes in flight
                # as broken, so it is tried again with the others the pool had in hand.
                refused: Future[list[Any]] = Future()
                refused.set_exception(broken)
                in_flight[refused] = chunk
                return

    def _results(
        self,
        fn: Callable[[Any], Any],
        chunks: Iterator[list[Any]],
        window: int,
        in_flight: dict[Future[list[Any]], list[Any]],
        crashed: Callable[[Any], Any],
    ) -> Iterator[Any]:
        while True:
            self._top_up(fn, chunks, window, in_flight)
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
                yield pool.submit(_each, fn, [item]).result()[0]
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
    """``fn`` over ``items`` in a worker. A SIGTERM there (the pool ending its workers, or
    the parent gone) has run the ``finally`` blocks that remove temp files by the time its
    SystemExit gets here; the worker ends now, as it was told to: the pool's own loop would
    take the SystemExit for the task's error and wait for the next task, and the pool
    would wait for the worker for ever."""
    try:
        return [fn(item) for item in items]
    except SystemExit as stop:
        os._exit(stop.code if isinstance(stop.code, int) else 1)


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
    files = find_returns(in_dir)
    history_file = _history_file(options, in_dir, out_dir, files)
    try:
        return _run(in_dir, out_dir, options, files, history_file, progress)
    finally:
        gc.unfreeze()


def _run(
    in_dir: Path,
    out_dir: Path,
    options: BatchOptions,
    files: list[Path],
    history_file: Path | None,
    progress: Callable[[int, int], None] | None,
) -> BatchReport:
    options = dataclasses.replace(
        options,
        out_dir=out_dir,
        linked_inputs=_linked_inputs(out_dir, files) if out_dir.is_dir() else (),
        summary_names=_names_in(summaries_in(out_dir) if out_dir.is_dir() else []),
        update_names=_names_in(p for p in (out_dir / UPDATES).glob("*.xlsx") if p.is_file()),
    )
    links = broken_links(in_dir)
    errors: list[tuple[str, str, str, str]] = list(links)
    failed: set[str] = {e[0] for e in links}
    new_rounds: dict[str, NewRound] = {}

    with _Runner(options) as runner:
        # Pass 1: provider IDs only, so two returns for one provider are caught before
        # writing. The workers are handed all of it now, and this process reads the history
        # meanwhile (in this thread: no other thread runs when a worker is forked).
        ids = runner.map(
            _provider_id, [str(f) for f in files], crashed=_no_provider_id, window=len(files)
        )
        history = None
        if history_file is not None:
            with _collector_paused():
                history = read_history_file(
                    history_file, framework_resolver(options.frameworks), options.stages
                )
        by_id: dict[str, list[str]] = defaultdict(list)
        id_of: dict[str, str] = {}
        for source, provider_id in ids:
            if provider_id:
                by_id[provider_id.lower()].append(source)
                id_of[source] = provider_id
        if history is not None:
            # The history is a great many small objects that nothing frees until the batch
            # ends: out of the garbage collector's way, its passes do not walk them again
            # and again (each worker is handed only its provider's rows).
            gc.freeze()
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
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
        tasks = [
            _task(str(f), id_of.get(str(f), ""), history) for f in files if str(f) not in duplicated
        ]
        written: list[Path] = []
        kept: list[Path] = []
        stale: list[tuple[Path, str]] = []
        up_to_date: list[Path] = []
        described: set[str] = set()
        notes: list[tuple[str, str]] = []
        rows = _CompactRows()
        summarised = 0
        done = 0
        total = len(files)
        if progress:
            progress(done + len(duplicated), total)
        done += len(duplicated)
        retries: list[Task] = []
        source_of = {Path(t.source).name: t.source for t in tasks}

        def take(outcome: Outcome) -> None:
            nonlocal done, summarised
            if outcome.retry:
                again = _retry(outcome, by_id, history, errors, failed, source_of)
                if again is not None:
                    retries.append(again)
                    return
            done += 1
            kept.extend(Path(p) for p in outcome.kept)
            notes.extend((outcome.file, n) for n in outcome.notes)
            if outcome.errors:
                errors.extend(outcome.errors)
                failed.add(outcome.file)
            if outcome.row is not None:
                rows.add(outcome.row)
                described.add(Path(outcome.summary).name)
                summarised += 1
            if outcome.rows is not None:
                new_rounds[outcome.rows.provider_id.casefold()] = outcome.rows
            if outcome.status in (RETURN_CHANGED, HISTORY_CHANGED, NO_RECORD):
                stale.append((Path(outcome.summary), outcome.status))
            elif outcome.status == UP_TO_DATE:
                up_to_date.append(Path(outcome.summary))
            written.extend(Path(p) for p in outcome.written)
            if progress:
                progress(done, total)

        for outcome in runner.map(_process_task, tasks, crashed=_crashed_task):
            take(outcome)
        # Returns whose provider ID the first pass read otherwise (or not at all): again,
        # each as its own provider's (with its slice of the history).
        for outcome in runner.map(_process_task, list(retries), crashed=_crashed_task):
            if outcome.retry:  # the second read disagrees with the first: nothing to trust
                outcome.errors = [(outcome.file, DETAILS.sheet, "", _UNSTEADY_ID)]
                outcome.retry = ""
            take(outcome)

    # Summaries from an earlier run that no return of this run accounts for (its return is
    # gone, or could not be read this time) are in the folder, so the overview lists them.
    for path in summaries_in(out_dir):
        if path.name in described:
            continue
        record = read_summary_record(path)
        if record is not None:
            rows.add({**record.row, "Summary status": NO_RETURN})
            stale.append((path, NO_RETURN))

    history_written, history_note = False, ""
    if history is not None and options.history is not None:
        if history.problems:
            for provider_problems in history.problems.values():
                errors += error_rows(history.file, InputErrors(provider_problems))
            failed.add(history.file)
            history_note = (
                f"The history ({history.file}) was not updated: it has problems in "
                f"{len(history.problems)} providers' rows (see errors.csv)."
            )
        else:
            history_written = True
            history_note = (
                f"History: {history.file}, round {options.round_label} recorded for "
                f"{len(new_rounds)} providers."
            )
    portfolio = out_dir / PORTFOLIO
    # The history is written beside the portfolio, in a process of its own where it can be
    # (each takes the best part of a second for a thousand providers).
    writer = (
        _HistoryWriter(options, history, new_rounds)
        if history is not None and history_written
        else None
    )
    try:
        state = _write_portfolio(
            portfolio, rows, options, files, failed=len(failed), stale=len(stale), note=history_note
        )
    except BaseException:
        if writer is not None:
            writer.stop()
        raise
    if writer is not None:
        writer.finish()
        written.append(writer.path)
    if state == "written":
        written.append(portfolio)
        if options.pdf:
            written.append(portfolio.with_suffix(".pdf"))
    elif state == "kept":
        kept.append(portfolio)
    errors.sort()
    # errors.csv is the log of this run (what it could not use): replaced every run
    Outputs(inputs=tuple(files)).check(out_dir / ERRORS)
    errors_csv = write_csv_atomically(out_dir / ERRORS, ERROR_HEADER, errors)
    return BatchReport(
        returns=len(files) + len(links),
        summarised=summarised,
        failed_files=sorted(failed),
        errors=errors,
        written=written,
        kept=kept,
        portfolio=portfolio if state != "kept" else None,
        errors_csv=errors_csv,
        notes=sorted(notes),
        stale=stale,
        up_to_date=up_to_date,
        portfolio_kept=state == "kept",
        history=options.history,
        history_written=history_written,
        history_note=history_note,
    )


_UNSTEADY_ID = (
    "Provider ID: this return's provider ID changed while the batch was reading it (was the "
    "file being saved?); check its Provider ID and run the batch again"
)


def _retry(
    outcome: Outcome,
    by_id: dict[str, list[str]],
    history: History | None,
    errors: list[tuple[str, str, str, str]],
    failed: set[str],
    source_of: Mapping[str, str],
) -> Task | None:
    """The task to run a return again as the provider it holds, with its slice of the
    history (the first pass read another provider ID from it, or none); None, with the
    duplicate reported, if another return of this run is that provider's (that one is
    summarised, not this)."""
    source = source_of[outcome.file]
    others = [Path(s).name for s in by_id.get(outcome.retry.lower(), ())]
    if others:
        errors.append(
            (
                outcome.file,
                DETAILS.sheet,
                "",
                f"Provider ID: this provider also has a return in {', '.join(sorted(others))}; "
                "each provider needs exactly one return per round (remove the extra copy)",
            )
        )
        failed.add(outcome.file)
        return None
    by_id.setdefault(outcome.retry.lower(), []).append(source)  # a second such copy is one
    return _task(source, outcome.retry, history)


def _task(source: str, provider_id: str, history: History | None) -> Task:
    """The return at ``source``, to be summarised as ``provider_id``'s, with that provider's
    slice of the history."""
    return Task(source, provider_id, history.slice(provider_id) if history is not None else None)


def _history_file(
    options: BatchOptions, in_dir: Path, out_dir: Path, files: list[Path]
) -> Path | None:
    """The history (--history), checked before any work: a history that is no history, or
    that cpcxl could not rewrite without losing something, stops the batch when it is read,
    before anything is written."""
    if options.history is None:
        return None
    target = Path(options.history)
    if target.suffix.lower() != ".xlsx":
        raise InputError(
            "the history must be an .xlsx workbook",
            location=Location(file=target.name),
            valid="a file name ending .xlsx (a new one is made if it does not exist)",
        )
    Outputs(inputs=tuple(files)).check(target)
    inside = target.resolve().parent
    if inside == in_dir.resolve():
        raise InputError(
            "the history must not be in the folder of returns (it would be read as a return)",
            location=Location(file=target.name),
            valid="another folder",
        )
    if inside == out_dir.resolve() and target.name.lower() == PORTFOLIO:
        raise InputError(
            "the history must not be the portfolio", location=Location(file=target.name)
        )
    # a temp file a killed run left beside it (a hidden .<name>.<8 characters>.xlsx)
    for leftover in target.parent.glob(f".{target.stem}.*.xlsx"):
        if _LEFTOVER.match(leftover.name):
            leftover.unlink(missing_ok=True)
    return target


class HistoryNotWritten(CpcxlError):
    """Writing the history failed; it is as it was before the run."""


class _HistoryWriter:
    """Writes the history with this round in it, in a forked process (where there is fork;
    otherwise here and now), so the portfolio can be written meanwhile."""

    def __init__(
        self, options: BatchOptions, history: History, new_rounds: Mapping[str, NewRound]
    ) -> None:
        assert options.history is not None
        self.path = Path(options.history)
        self.process: Any = None
        self.failure = ""
        if "fork" not in multiprocessing.get_all_start_methods():
            try:
                _update_history(options, history, new_rounds)
            except CpcxlError as exc:
                self.failure = str(exc)
            return
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_write_history_here, args=(options, history, new_rounds, writer), daemon=True
        )
        self.process.start()
        writer.close()

    def finish(self) -> None:
        """Wait for it; raise HistoryNotWritten if it failed (the old history is intact)."""
        if self.process is not None:
            try:
                self.failure = self.reader.recv()
            except EOFError:
                self.failure = "the process writing it stopped unexpectedly"
            self.process.join()
        if self.failure:
            raise HistoryNotWritten(
                f"the summaries and the overview were written, but the history was not "
                f"({self.failure}); {self.path.name} is as it was before this run: run the same "
                "command again"
            )

    def stop(self) -> None:
        """The batch is stopping: end the writer (its temp file is removed as it ends)."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()


def _write_history_here(
    options: BatchOptions,
    history: History,
    new_rounds: Mapping[str, NewRound],
    result: Any,
) -> None:
    signal.signal(signal.SIGTERM, _stop_cleanly)
    try:
        _update_history(options, history, new_rounds)
    except BaseException as exc:  # reported by the batch, which decides what to do
        result.send(f"{type(exc).__name__}: {exc}" if not isinstance(exc, CpcxlError) else str(exc))
    else:
        result.send("")
    finally:
        result.close()


def _update_history(
    options: BatchOptions, history: History, new_rounds: Mapping[str, NewRound]
) -> None:
    """Write the history with this round's rows in it (see the module docstring)."""
    assert options.history is not None
    resolve = framework_resolver(options.frameworks)
    frameworks = dict(history.frameworks)
    for rows in new_rounds.values():
        if rows.framework not in frameworks:
            frameworks[rows.framework] = resolve(rows.framework)
    write_history(
        options.history,
        history,
        new_rounds,
        frameworks,
        round_label=options.round_label,
        as_at=options.as_at,
        marking=options.settings.marking,
    )


def _write_portfolio(
    target: Path,
    rows: _CompactRows,
    options: BatchOptions,
    inputs: list[Path],
    *,
    failed: int,
    stale: int,
    note: str = "",
) -> str:
    """Write the overview of every summary in the folder: "written"; "unchanged" if the
    file already says exactly this; "kept" if a person has changed it since cpcxl wrote it
    (or cpcxl did not write it) and --overwrite was not given. With --pdf, portfolio.pdf goes
    with it: written when it is, and when it is unchanged but has no PDF yet."""
    outputs = Outputs(overwrite=options.overwrite, inputs=tuple(inputs))
    outputs.check(target)
    frame = engine.portfolio_frame(rows.frame())
    plan, capacity = engine.monitoring_plan(frame, options.plan)
    sheets = portfolio_outputs(
        frame,
        plan,
        capacity,
        failed=failed,
        stale=stale,
        as_at=options.as_at,
        settings=options.settings,
        frameworks=options.frameworks,
        history_note=note,
    )
    pdf = target.with_suffix(".pdf")
    if target.exists() and not options.overwrite:
        recorded = portfolio_cells_sha256(target)
        if recorded is None or recorded[0] != recorded[1]:
            outputs.may_write(target)
            return "kept"  # a person's changes are never lost without --overwrite
        if recorded[0] == cells_sha256(sheets):
            if options.pdf and not pdf.exists():
                write_portfolio_pdf(pdf, sheets, settings=options.settings)
            return "unchanged"
    write_portfolio(target, sheets, settings=options.settings)
    if options.pdf:
        write_portfolio_pdf(pdf, sheets, settings=options.settings)
    return "written"


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
