"""Load on a real ``cpcxl serve`` process on 127.0.0.1: 50 clients × 40 calls each.

The calls are every registered worksheet function's worked examples, shaped as Excel's
add-in sends them, taken in turn so every capability is in the mix; five of the clients
also make one 10,000-row array call each. Prints throughput, latency percentiles and errors
(a call is an error unless it gets a 200 with the result the worked example expects).

Bounded: 2,000 calls at most and 180 s at most, then it stops by itself. Loopback only.
Run: ``XLWINGS_LICENSE_KEY=noncommercial python bench/server_load.py [--workers N]``
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the runtime tests' sample plugin on a bare foundation
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from cpcxl.common.examples import Example, examples_of  # noqa: E402
from cpcxl.plugins import registry  # noqa: E402
from cpcxl.server.officejs import arguments_sent, call_body, result_received  # noqa: E402
from cpcxl.server.process import LOOPBACK, running_server  # noqa: E402
from tests.xl.test_examples import same  # noqa: E402

CLIENTS = 50
CALLS_PER_CLIENT = 40
BIG_ROWS = 10_000
BIG_CALL_CLIENTS = range(0, CLIENTS, 10)  # five clients make one 10,000-row call each
TIME_LIMIT_S = 180.0
REQUEST_TIMEOUT_S = 30.0
CALL = "/xlwings/custom-functions-call"


@dataclass(frozen=True)
class Call:
    label: str
    body: dict[str, Any]
    expected: Any
    big: bool = False


@dataclass
class Outcome:
    latencies: dict[bool, list[float]] = field(default_factory=lambda: {False: [], True: []})
    errors: list[str] = field(default_factory=list)
    not_run: int = 0


def example_calls(functions: dict[str, Any]) -> list[Call]:
    """Every worked example as an Excel-shaped request, capabilities interleaved."""
    by_function = []
    for name, fn in functions.items():
        calls = []
        for case in examples_of(fn):
            if isinstance(case, Example):
                args = arguments_sent(fn, case.args, "")
                calls.append(
                    Call(name, call_body(name, args), result_received(case.expected, args))
                )
        by_function.append(calls)
    mixed = [c for group in itertools.zip_longest(*by_function) for c in group if c]
    return mixed


def big_call(functions: dict[str, Any]) -> Call:
    """A 10,000-row column for a function whose example maps a column to a column."""
    for name, fn in functions.items():
        for case in examples_of(fn):
            if not isinstance(case, Example) or not isinstance(case.expected, list):
                continue
            columns = [a for a in case.args if isinstance(a, list) and a and not _is_2d(a)]
            if not columns or any(len(c) != len(case.expected) for c in columns):
                continue
            if _is_2d(case.expected):
                continue
            # Repeat the example's rows to 10,000; each row's answer repeats with it.
            n = len(case.expected)
            args = tuple(
                (a * math.ceil(BIG_ROWS / n))[:BIG_ROWS] if isinstance(a, list) else a
                for a in case.args
            )
            expected = (case.expected * math.ceil(BIG_ROWS / n))[:BIG_ROWS]
            sent = arguments_sent(fn, args, "")
            return Call(
                f"{name} ×{BIG_ROWS}", call_body(name, sent), result_received(expected, sent), True
            )
    raise SystemExit("no registered function has a column-to-column worked example")


def _is_2d(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list | tuple)


async def client(
    index: int,
    http: httpx.AsyncClient,
    calls: list[Call],
    big: Call,
    outcome: Outcome,
    deadline: float,
) -> None:
    plan = [calls[(index * CALLS_PER_CLIENT + i) % len(calls)] for i in range(CALLS_PER_CLIENT)]
    if index in BIG_CALL_CLIENTS:
        plan[CALLS_PER_CLIENT // 2] = big
    for number, call in enumerate(plan):
        if time.monotonic() > deadline:
            outcome.not_run += len(plan) - number
            return
        started = time.perf_counter()
        try:
            response = await http.post(CALL, json=call.body)
        except httpx.HTTPError as exc:
            outcome.errors.append(f"{call.label}: {type(exc).__name__}")
            continue
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            outcome.errors.append(f"{call.label}: HTTP {response.status_code}")
        elif not same(response.json()["result"], call.expected):
            outcome.errors.append(f"{call.label}: unexpected result")
        else:
            outcome.latencies[call.big].append(elapsed)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[rank]


def describe(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: none completed"
    ms = [v * 1000 for v in values]
    figures = [f"p{p} {percentile(ms, p):.0f} ms" for p in (50, 95, 99)]
    figures += [f"max {max(ms):.0f} ms", f"mean {statistics.mean(ms):.0f} ms"]
    return f"{label}: n={len(ms)}  " + "  ".join(figures)


async def load(base: str, calls: list[Call], big: Call) -> tuple[Outcome, float]:
    assert urlparse(base).hostname == LOOPBACK, "the benchmark only ever calls 127.0.0.1"
    outcome = Outcome()
    clients = [
        httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, trust_env=False)
        for _ in range(CLIENTS)
    ]
    try:
        # Every client is made and connected before the clock starts: making 50 clients
        # takes the load generator about a second, which would otherwise be counted as the
        # server's latency on each client's first call.
        await asyncio.gather(*(http.get("/") for http in clients))
        started = time.monotonic()
        deadline = started + TIME_LIMIT_S
        await asyncio.wait_for(
            asyncio.gather(
                *(client(i, http, calls, big, outcome, deadline) for i, http in enumerate(clients))
            ),
            timeout=TIME_LIMIT_S + REQUEST_TIMEOUT_S,
        )
        return outcome, time.monotonic() - started
    finally:
        await asyncio.gather(*(http.aclose() for http in clients))


async def alone(base: str, calls: list[Call], big: Call) -> Outcome:
    """One client, one call at a time: each call's own cost, with no queue in front of it."""
    outcome = Outcome()
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, trust_env=False) as http:
        for call in [*calls[:40], big, big, big]:
            started = time.perf_counter()
            response = await http.post(CALL, json=call.body)
            elapsed = time.perf_counter() - started
            if response.status_code == 200 and same(response.json()["result"], call.expected):
                outcome.latencies[call.big].append(elapsed)
            else:
                outcome.errors.append(f"{call.label}: HTTP {response.status_code}")
    return outcome


def main() -> None:
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 1
    functions = {name: r.item for name, r in registry().functions.items()}
    command = None
    source = "the installed capabilities: " + ", ".join(
        sorted({r.plugin for r in registry().functions.values()})
    )
    if not functions:
        workers = 1  # worker processes would not have the test plugin
        from tests.server.sample_plugin import RuntimeSample

        functions = {fn.__name__: fn for fn in RuntimeSample.register_functions()}
        command = [sys.executable, "-m", "tests.server.launch"]
        source = "the runtime tests' sample plugin (no capability is installed)"
    calls = example_calls(functions)
    big = big_call(functions)
    print(f"cpcxl server load: {CLIENTS} clients × {CALLS_PER_CLIENT} calls, 127.0.0.1")
    print(f"functions from {source}: {len(functions)} functions, {len(calls)} worked examples")
    print(f"10,000-row call: {big.label}, {len(BIG_CALL_CLIENTS)} of them in the mix")
    print(f"server workers: {workers}; cores: {os.cpu_count()} (shared; figures are noisy)")
    with running_server(command, cwd=ROOT, options=["--workers", str(workers)]) as base:
        quiet = asyncio.run(alone(base, calls, big))
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        outcome, wall = asyncio.run(load(base, calls, big))
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
        cpu_before.ru_utime + cpu_before.ru_stime
    )
    print("one call at a time (no load):")
    print("  " + describe("example calls", quiet.latencies[False]))
    print("  " + describe(f"{BIG_ROWS:,}-row calls", quiet.latencies[True]))
    print(f"under load ({CLIENTS} clients at once):")
    done = len(outcome.latencies[False]) + len(outcome.latencies[True])
    print(f"  the load generator itself used {client_cpu:.1f} s of CPU (same machine)")
    print(f"  completed {done} calls in {wall:.1f} s: {done / wall:.0f} calls/s")
    print("  " + describe("example calls", outcome.latencies[False]))
    print("  " + describe(f"{BIG_ROWS:,}-row calls", outcome.latencies[True]))
    print(
        f"  errors: {len(outcome.errors)}"
        + (f" (first: {outcome.errors[0]})" if outcome.errors else "")
    )
    if outcome.not_run:
        print(f"  not run (time limit of {TIME_LIMIT_S:.0f} s reached): {outcome.not_run}")


if __name__ == "__main__":
    main()
