"""Load on a real ``cpcxl serve`` process and on a bare xlwings Server, on 127.0.0.1.

Both servers get the same load in the same run: 50 clients × 40 calls each, the calls being
every registered worksheet function's worked examples shaped as Excel's add-in sends them
(taken in turn, so every capability is in the mix), and five of the clients also make one
10,000-row array call each. The bare server is xlwings Server itself with one trivial
function (it gives back its first argument), sent the very same arguments, so the figures
beside cpcxl's show what xlwings Server costs on this machine before cpcxl does anything.
The two are loaded in turn (bare, cpcxl, cpcxl, bare) so drift in the shared machine's load
falls on both alike. Prints latency percentiles for each, and cpcxl's errors (a cpcxl call is
an error unless it gets a 200 with the result its worked example expects; a bare call,
unless it gets a 200 with a result the shape of its first argument).

Bounded: 2,000 calls per round at most, four rounds, and 180 s per round at most, then it
stops by itself. Loopback only.
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
import tempfile
import textwrap
import time
from collections.abc import Callable
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
ROUNDS = ("bare", "cpcxl", "cpcxl", "bare")
TIME_LIMIT_S = 180.0
REQUEST_TIMEOUT_S = 30.0
CALL = "/xlwings/custom-functions-call"
#: The bare server's one function: as many parameters as any cpcxl function has, or more.
BARE_PARAMETERS = 8


@dataclass(frozen=True)
class Call:
    label: str
    body: dict[str, Any]
    check: Callable[[Any], bool]
    big: bool = False


@dataclass
class Outcome:
    latencies: dict[bool, list[float]] = field(default_factory=lambda: {False: [], True: []})
    errors: list[str] = field(default_factory=list)
    not_run: int = 0

    def add(self, other: Outcome) -> None:
        for big in (False, True):
            self.latencies[big] += other.latencies[big]
        self.errors += other.errors
        self.not_run += other.not_run


def expecting(expected: Any) -> Callable[[Any], bool]:
    return lambda result: same(result, expected)


def example_calls(functions: dict[str, Any]) -> list[Call]:
    """Every worked example as an Excel-shaped request, capabilities interleaved."""
    by_function = []
    for name, fn in functions.items():
        calls = []
        for case in examples_of(fn):
            if isinstance(case, Example):
                args = arguments_sent(fn, case.args, "")
                wanted = result_received(case.expected, args)
                calls.append(Call(name, call_body(name, args), expecting(wanted)))
        by_function.append(calls)
    return [c for group in itertools.zip_longest(*by_function) for c in group if c]


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
            wanted = result_received(expected, sent)
            return Call(f"{name} ×{BIG_ROWS}", call_body(name, sent), expecting(wanted), True)
    raise SystemExit("no registered function has a column-to-column worked example")


def _is_2d(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list | tuple)


# --- the bare xlwings Server -----------------------------------------------------------------

BARE_FUNCTION = "bare_echo"


def bare_project(folder: Path) -> Path:
    """An xlwings Server project folder with one trivial function and no scripts."""
    (folder / "custom_functions").mkdir(parents=True)
    (folder / "custom_scripts").mkdir()
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.xlwings_server]
            project_name = "bare"
            environment = "prod"
            enable_socketio = false
            enable_hotreload = false
            enable_examples = false
            enable_tests = false
            enable_wasm = false
            """
        )
    )
    others = ", ".join(f"arg{i}=None" for i in range(2, BARE_PARAMETERS + 1))
    (folder / "custom_functions" / "__init__.py").write_text(
        textwrap.dedent(
            f"""\
            from xlwings.server import arg, func


            @func
            @arg("arg1", ndim=2)
            def {BARE_FUNCTION}(arg1, {others}):
                \"\"\"Gives back its first argument.\"\"\"
                return arg1
            """
        )
    )
    (folder / "custom_scripts" / "__init__.py").write_text("")
    return folder


def serve_bare(folder: Path, host: str, port: int, log_level: str) -> None:
    """Run the bare server as xlwings Server runs: its FastAPI app under uvicorn, one process.

    cpcxl's fix for xlwings' per-cell attempt to import Pyodide (``_not_pyodide``, 2 s of a
    10,000-row call without it) is applied here too, so the comparison is of serving, not of
    that one known slowness.
    """
    assert host == LOOPBACK, "the bare server only ever listens on 127.0.0.1"
    os.environ["XLWINGS_PROJECT_DIR"] = str(folder)
    import uvicorn
    import xlwings_server.config  # noqa: F401  (first: it switches xlwings to its server runtime)
    from xlwings_server import main

    from cpcxl.server.app import _not_pyodide

    _not_pyodide()
    uvicorn.run(main.main_app, host=host, port=port, log_level=log_level)


def bare_call(call: Call) -> Call:
    """The same arguments, sent to the bare function; it gives back the first one."""
    args = list(call.body["args"])[:BARE_PARAMETERS]
    first = args[0] if args else None
    rows = len(first) if isinstance(first, list) else 1
    body = {**call.body, "func_name": BARE_FUNCTION, "args": args}

    def right_shape(result: Any) -> bool:
        return isinstance(result, list) and len(result) == rows

    return Call(call.label, body, right_shape, call.big)


# --- the load ------------------------------------------------------------------------------


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
        elif not call.check(response.json()["result"]):
            outcome.errors.append(f"{call.label}: unexpected result")
        else:
            outcome.latencies[call.big].append(elapsed)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[rank]


def figures(values: list[float]) -> str:
    if not values:
        return "none completed"
    ms = [v * 1000 for v in values]
    shown = [f"p{p} {percentile(ms, p):5.0f}" for p in (50, 95, 99)]
    return "  ".join(shown) + f"  max {max(ms):5.0f}  mean {statistics.mean(ms):4.0f} ms"


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
            if response.status_code == 200 and call.check(response.json()["result"]):
                outcome.latencies[call.big].append(elapsed)
            else:
                outcome.errors.append(f"{call.label}: HTTP {response.status_code}")
    return outcome


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    if "serve" in sys.argv:  # this file, started by running_server as the bare server
        args = sys.argv[sys.argv.index("serve") + 1 :]
        option = {args[i]: args[i + 1] for i in range(0, len(args) - 1, 2)}
        serve_bare(
            Path(sys.argv[sys.argv.index("--bare") + 1]),
            option["--host"],
            int(option["--port"]),
            option.get("--log-level", "warning"),
        )
        return
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
    calls = {"cpcxl": example_calls(functions)}
    bigs = {"cpcxl": big_call(functions)}
    calls["bare"] = [bare_call(c) for c in calls["cpcxl"]]
    bigs["bare"] = bare_call(bigs["cpcxl"])
    print(f"server load: {CLIENTS} clients × {CALLS_PER_CLIENT} calls per round, 127.0.0.1")
    print(f"functions from {source}: {len(functions)} functions, {len(calls['cpcxl'])} examples")
    print(f"10,000-row call: {bigs['cpcxl'].label}, {len(BIG_CALL_CLIENTS)} of them in the mix")
    print(f"cpcxl server workers: {workers}; bare xlwings Server: 1 process")
    print(f"cores: {os.cpu_count()} (shared; figures are noisy); rounds: {', '.join(ROUNDS)}")
    quiet = {name: Outcome() for name in ("bare", "cpcxl")}
    loaded = {name: Outcome() for name in ("bare", "cpcxl")}
    rates: dict[str, list[float]] = {"bare": [], "cpcxl": []}
    client_cpu = 0.0
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(command, cwd=ROOT, options=["--workers", str(workers)]) as cpcxl_base,
        running_server(
            [sys.executable, __file__, "--bare", str(bare_project(Path(tmp) / "bare"))], cwd=ROOT
        ) as bare_base,
    ):
        base = {"bare": bare_base, "cpcxl": cpcxl_base}
        for name in ("bare", "cpcxl"):
            quiet[name] = asyncio.run(alone(base[name], calls[name], bigs[name]))
        for name in ROUNDS:
            before = cpu_seconds()
            outcome, wall = asyncio.run(load(base[name], calls[name], bigs[name]))
            client_cpu += cpu_seconds() - before
            loaded[name].add(outcome)
            done = len(outcome.latencies[False]) + len(outcome.latencies[True])
            rates[name].append(done / wall)
    print("one call at a time (no load), milliseconds:")
    for name in ("bare", "cpcxl"):
        print(f"  {name:5} example calls   {figures(quiet[name].latencies[False])}")
        print(f"  {name:5} {BIG_ROWS:,}-row calls {figures(quiet[name].latencies[True])}")
    print(f"under load ({CLIENTS} clients at once), milliseconds, both rounds of each pooled:")
    for big, what in ((False, "example calls  "), (True, f"{BIG_ROWS:,}-row calls")):
        for name in ("bare", "cpcxl"):
            print(f"  {name:5} {what} {figures(loaded[name].latencies[big])}")
        bare, ours = loaded["bare"].latencies[big], loaded["cpcxl"].latencies[big]
        if bare and ours:
            ratio = percentile(ours, 99) / percentile(bare, 99)
            print(f"        p99 cpcxl / bare: {ratio:.2f} (aim: 1.25 at most)")
    for name in ("bare", "cpcxl"):
        shown = ", ".join(f"{r:.0f}" for r in rates[name])
        print(f"  {name:5} calls/s by round: {shown}")
    print(f"  the load generator itself used {client_cpu:.1f} s of CPU (same machine)")
    for name in ("bare", "cpcxl"):
        outcome = loaded[name]
        errors = outcome.errors + quiet[name].errors
        first = f" (first: {errors[0]})" if errors else ""
        print(f"  {name:5} errors: {len(errors)}{first}")
        if outcome.not_run:
            print(f"  {name:5} not run (time limit of {TIME_LIMIT_S:.0f} s): {outcome.not_run}")


if __name__ == "__main__":
    main()
