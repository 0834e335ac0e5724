"""Monitoring batch: what the history adds, counted in instructions rather than seconds.

On a shared two-core machine one run of bench/monitoring_batch.py moves by several points,
more than most changes move it. Valgrind counts the instructions a run executes (cachegrind,
without its cache simulation), which moves far less from one run to the next (the same
batch counted twice differs by about 0.2%; the work of one provider, a difference of two
such counts, by about 1%). The batch (1 job, so in one process) is run on the first 20 and
the first 60 of monitoring_batch.py's sample returns, with and without its 12-round history
of 1,000 providers. The difference between the two sizes is the work of 40 providers; the
rest (starting up, and reading and rewriting the whole history) is the same at both. From
these it prints the instructions a provider takes, the history's fixed cost, and what the
history adds to a batch of 1,000 returns so counted. The history is written in the batch's
own process here, as where there is no fork: a forked child's count would start from its
parent's, counting the parent's work twice.

An instruction is not a unit of time (compressing a file's parts executes few instructions
for the time it takes; waiting for memory executes none), so these figures say where the
work is and whether a change made less of it; the clock is bench/monitoring_batch.py's.

    python bench/monitoring_instructions.py     # about 3 minutes; needs valgrind
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# run as a script, so this folder is on the path
from monitoring_batch import WORK, history, returns

#: The two batch sizes whose difference is the providers' own work.
SMALL, LARGE = 20, 60
#: The total valgrind prints for each process it ran: "==123== I refs:  1,234,567".
_TOTAL = re.compile(r"^==\d+== I\s+refs:\s+([\d,]+)", re.MULTILINE)


def child(folder: str, history_path: str) -> None:
    import datetime as dt
    import multiprocessing

    from cpcxl.monitoring.workbook import BatchOptions, run_batch

    # the history written here and now, as the batch writes it where there is no fork
    multiprocessing.get_all_start_methods = lambda: ["spawn"]

    out = Path(tempfile.mkdtemp(dir=WORK))
    options = BatchOptions(jobs=1, as_at=dt.date(2026, 11, 1))
    if history_path:
        copy = out / "history.xlsx"
        shutil.copyfile(history_path, copy)
        options = BatchOptions(
            jobs=1, as_at=dt.date(2026, 11, 1), history=copy, round_label="2026-10"
        )
    try:
        report = run_batch(folder, out / "summaries", options)
        assert report.ok and report.summarised == len(list(Path(folder).glob("*.xlsx")))
        assert not history_path or report.history_written
    finally:
        shutil.rmtree(out, ignore_errors=True)


def instructions(folder: Path, history_path: Path | None) -> int:
    """The instructions one batch executes."""
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={scratch}/out.%p",
                sys.executable,
                __file__,
                "--child",
                str(folder),
                str(history_path or ""),
            ],
            capture_output=True,
            text=True,
            # the same string hashes every run, so the same work
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"the batch failed under valgrind:\n{result.stderr[-3000:]}")
    totals = [int(n.replace(",", "")) for n in _TOTAL.findall(result.stderr)]
    if not totals:
        raise SystemExit(f"valgrind printed no instruction count:\n{result.stderr[-3000:]}")
    return sum(totals)


def main() -> None:
    if shutil.which("valgrind") is None:
        print("Monitoring batch in instructions: not run, valgrind is not installed")
        print("  (Debian: apt-get install valgrind; bench/monitoring_batch.py times the batch)")
        return
    small, large, kept = returns(SMALL), returns(LARGE), history(1000)
    counted = {
        (size, with_history): instructions(folder, kept if with_history else None)
        for size, folder in ((SMALL, small), (LARGE, large))
        for with_history in (False, True)
    }
    per = {h: (counted[(LARGE, h)] - counted[(SMALL, h)]) / (LARGE - SMALL) for h in (0, 1)}
    # all but the providers' own work: starting up, and with the history reading and
    # rewriting it whole (the same at any batch size)
    fixed = {h: counted[(SMALL, h)] - SMALL * per[h] for h in (0, 1)}
    print("Monitoring batch in instructions (valgrind; 1 job; the history of 1,000 providers)")
    for h, name in ((0, "without the history"), (1, "with the history")):
        print(f"  {name:22s} {per[h] / 1e6:8.1f} M a provider, {fixed[h] / 1e9:6.2f} G fixed")
    added = per[1] / per[0] - 1
    print(f"  the history adds {added:+.1%} a provider, and {(fixed[1] - fixed[0]) / 1e9:.2f} G")
    total = {h: fixed[h] + 1000 * per[h] for h in (0, 1)}
    print(
        f"  a batch of 1,000 returns so counted: {total[0] / 1e9:.1f} G without the history, "
        f"{total[1] / 1e9:.1f} G with it ({total[1] / total[0] - 1:+.1%}; issue 16: at most "
        "+20%, on the clock)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
