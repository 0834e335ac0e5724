"""Monitoring batch: 1,000 returns to summaries and overview, with 1 and 2 jobs; 5,000 for
the memory comparison; and a plain openpyxl pipeline as the reference.

Prints milliseconds per provider, wall time, CPU time and peak memory (resident set size,
the main process and the largest worker). Each run is a fresh process, so peaks do not mix.
Sample returns are generated once into out/bench-monitoring/ and reused.

    python bench/monitoring_batch.py            # the figures the issue asks for
    python bench/monitoring_batch.py --quick    # 200 returns, to try a change
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "out" / "bench-monitoring"


def returns(count: int) -> Path:
    """A folder of ``count`` seeded sample returns (made once; the first N of one set)."""
    from cpcxl.monitoring.workbook import write_samples

    folder = WORK / f"returns-{count}"
    if len(list(folder.glob("*.xlsx"))) != count:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        # Sample i is the same file in every set, so a smaller set already made is reused.
        smaller = sorted(
            (int(p.name.split("-")[1]), p) for p in WORK.glob("returns-*") if p != folder
        )
        have = 0
        for size, other in smaller:
            if have < size < count and len(list(other.glob("*.xlsx"))) == size:
                for path in other.glob("*.xlsx"):
                    shutil.copyfile(path, folder / path.name)
                have = size
        write_samples(folder, count, seed=2026, jobs=2, first=have)
        print(f"  (made {count} sample returns in {time.perf_counter() - started:.0f} s)")
    return folder


def child_batch(folder: str, jobs: int) -> dict[str, float]:
    import datetime as dt

    from cpcxl.monitoring.workbook import BatchOptions, run_batch

    out = WORK / f"summaries-{Path(folder).name}-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    report = run_batch(folder, out, BatchOptions(jobs=jobs, as_at=dt.date(2026, 11, 1)))
    wall = time.perf_counter() - started
    assert report.ok and report.summarised == len(list(Path(folder).glob("*.xlsx")))
    return {"wall": wall, "providers": report.summarised, **_usage()}


def child_openpyxl(folder: str) -> dict[str, float]:
    """The reference: load each return with openpyxl, write a workbook of the same cells."""
    from openpyxl import Workbook, load_workbook

    out = WORK / "openpyxl-reference"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files = sorted(Path(folder).glob("*.xlsx"))
    started = time.perf_counter()
    for path in files:
        source = load_workbook(path)
        copy = Workbook()
        copy.remove(copy.active)
        for ws in source.worksheets:
            target = copy.create_sheet(ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        target.cell(cell.row, cell.column, cell.value)
        copy.save(out / path.name)
    wall = time.perf_counter() - started
    return {"wall": wall, "providers": len(files), **_usage()}


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
        "peak_main_mb": me.ru_maxrss / 1024,
        "peak_worker_mb": children.ru_maxrss / 1024,
    }


def run(*args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def show(label: str, figures: dict[str, float]) -> None:
    n = figures["providers"]
    print(
        f"{label:<44} {1000 * figures['wall'] / n:7.1f} ms/provider  "
        f"total {figures['wall']:6.1f} s  CPU {figures['cpu']:6.1f} s  "
        f"peak memory: main {figures['peak_main_mb']:5.0f} MB, "
        f"largest worker {figures['peak_worker_mb']:5.0f} MB"
    )


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        kind, folder, *rest = sys.argv[2:]
        figures = child_batch(folder, int(rest[0])) if kind == "batch" else child_openpyxl(folder)
        print(json.dumps(figures))
        return
    quick = "--quick" in sys.argv
    small = 200 if quick else 1000
    print("Monitoring batch benchmark (no PDF). The machine has 2 cores shared with other")
    print("work, so wall-clock figures are noisy; CPU time is the steadier measure.")
    folder = str(returns(small))
    show(f"{small} returns, 1 job", run("batch", folder, "1"))
    show(f"{small} returns, 2 jobs", run("batch", folder, "2"))
    if not quick:
        large = str(returns(5000))
        show("5000 returns, 2 jobs (memory should stay flat)", run("batch", large, "2"))
    show(f"{small} returns, plain openpyxl load + write", run("openpyxl", folder))


if __name__ == "__main__":
    main()
