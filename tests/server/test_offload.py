"""Large requests, and every button, on the guard's second event loop; small ones on the first."""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cpcxl.server.guard import Guard
from cpcxl.server.offload import SecondLoop

from .checks import CALL
from .excel import call_body


class Recorder:
    """An ASGI app that answers with the thread it ran in and the body it read."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        if self.fail:
            raise RuntimeError("internal detail")
        answer = json.dumps(
            {"thread": threading.current_thread().name, "read": len(message["body"])}
        ).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer})


def guard(app: Recorder) -> Guard:
    return Guard(
        app,  # type: ignore[arg-type]
        max_body_bytes=1024 * 1024,
        functions={},
        scripts={"press": lambda book: None},
        second_loop=SecondLoop("second-loop-under-test"),
        large_body_bytes=1000,
    )


async def post(app: Guard, path: str, body: bytes) -> tuple[list[dict[str, Any]], str]:
    sent: list[dict[str, Any]] = []
    given = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return given.pop() if given else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append({**message, "thread": threading.current_thread().name})

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"content-type", b"application/json")],
    }
    await app(scope, receive, send)
    return sent, threading.current_thread().name


def test_a_small_body_is_handled_on_the_serving_loop_and_a_large_one_on_the_second() -> None:
    app = guard(Recorder())
    for size, where in ((20, "serving"), (999, "serving"), (1000, "second"), (50_000, "second")):
        body = b'{"p": "' + b"x" * (size - 9) + b'"}'  # exactly `size` bytes
        assert len(body) == size
        sent, serving = asyncio.run(post(app, "/elsewhere", body))
        answer = json.loads(sent[1]["body"])
        assert answer["read"] == len(body)  # the whole body reached the app
        ran_in = "second" if answer["thread"] == "second-loop-under-test" else "serving"
        assert ran_in == where, size
        # Whichever loop did the work, the answer went out from the serving loop's thread.
        assert {m["thread"] for m in sent} == {serving}


def test_every_button_is_handled_on_the_second_loop() -> None:
    sent, _ = asyncio.run(post(guard(Recorder()), "/xlwings/custom-scripts-call/press", b"{}"))
    assert sent[0]["status"] == 400  # not a workbook: refused by the guard's check, there
    assert "workbook JSON" in json.loads(sent[1]["body"])["detail"]


def test_a_failure_on_the_second_loop_is_a_500_without_its_text() -> None:
    body = json.dumps({"padding": "x" * 5000}).encode()
    sent, _ = asyncio.run(post(guard(Recorder(fail=True)), "/elsewhere", body))
    assert sent[0]["status"] == 500
    assert b"internal detail" not in sent[1]["body"]


@pytest.mark.parametrize("rows", [3000, 20_000])
def test_a_large_call_gets_every_cell_right(client: TestClient, rows: int) -> None:
    # Likelihood 1-5 against impact 5-1 down the column: each score is l × (6 - l).
    likelihood = [[1 + i % 5] for i in range(rows)]
    impact = [[5 - i % 5] for i in range(rows)]
    body = call_body("cpc_sample_risk_score", [likelihood, impact])
    assert len(json.dumps(body)) > 16 * 1024  # past the second loop's threshold
    response = client.post(CALL, json=body)
    assert response.status_code == 200
    assert response.json()["result"] == [[(1 + i % 5) * (5 - i % 5)] for i in range(rows)]


def test_a_small_call_is_answered_while_a_large_one_is_worked_on(live_server: str) -> None:
    # A 20,000-row call keeps the server busy for a few hundred milliseconds. A single cell's
    # call sent 50 ms into it is answered within a quarter of that time. Measured here: with
    # every request on one loop the small call waited 40-60% of the large call's time (for
    # its JSON and cells to be converted); on the second loop, 5-20%. The median of five
    # tries, as the machine is shared.
    rows = 20_000
    big = call_body("cpc_sample_risk_score", [[[3]] * rows, [[4]] * rows])
    small = call_body("cpc_sample_risk_score", [[[2]], [[5]]])

    async def timed(http: httpx.AsyncClient, body: dict[str, Any], delay: float) -> float:
        await asyncio.sleep(delay)
        started = time.perf_counter()
        response = await http.post(CALL, json=body)
        assert response.status_code == 200
        return time.perf_counter() - started

    async def once() -> float:
        async with httpx.AsyncClient(base_url=live_server, timeout=60, trust_env=False) as http:
            large, single = await asyncio.gather(timed(http, big, 0), timed(http, small, 0.05))
        return single / large

    shares = [asyncio.run(once()) for _ in range(5)]
    assert statistics.median(shares) < 0.25, shares
