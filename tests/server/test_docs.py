"""docs/excel.md's "Limits" says what the server and the desktop add-in really say."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from cpcxl.common import limits
from cpcxl.common.limits import (
    DEFAULT_TIME_LIMIT,
    MAX_ARGUMENT_CELLS,
    TimeLimitExceeded,
    check_time,
    time_limit,
)
from cpcxl.plugins import registry
from cpcxl.server.app import Served
from cpcxl.server.guard import Guard
from cpcxl.server.settings import DEFAULT_MAX_BODY_BYTES
from cpcxl.xl.worksheet import excel_function

from .checks import CALL
from .conftest import ROOT
from .excel import call_body

GUIDE = (ROOT / "docs" / "excel.md").read_text()
LIMITS = GUIDE[GUIDE.index("## Limits") : GUIDE.index("## What cannot be tested")]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_defaults_are_the_codes() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 10 * 1024 * 1024 and "| 10 MB |" in LIMITS
    assert f"| {MAX_ARGUMENT_CELLS:,} (a 100,000-row, two-column range)" in LIMITS
    assert f"| {DEFAULT_TIME_LIMIT:g} seconds |" in LIMITS


def test_the_refusal_of_a_large_request_is_quoted() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    app: Any = None  # never called: the refusal is made before any app
    guard = Guard(app, max_body_bytes=DEFAULT_MAX_BODY_BYTES, functions={}, scripts={})
    asyncio.run(guard._too_large(send))
    detail = json.loads(sent[1]["body"])["detail"]
    assert f'"{detail}"' in flat(LIMITS)


def test_the_refusal_of_a_large_range_is_quoted_for_both_add_ins(served: Served) -> None:
    column = [[3]] * 250_000
    body = json.dumps(call_body("cpc_risk_score", [column, [[4]]])).encode()
    status, detail = served.app.check(CALL, body, "application/json")  # type: ignore[attr-defined]
    assert status == 400
    assert f'"{detail}"' in flat(LIMITS)
    desktop = excel_function(registry().functions["cpc_risk_score"].item, server=False)
    assert f"`{desktop([3] * 250_000, 4)}`" in flat(LIMITS)


def test_the_time_limit_message_is_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    with time_limit(DEFAULT_TIME_LIMIT):
        later = time.monotonic() + DEFAULT_TIME_LIMIT + 1  # past the limit
        monkeypatch.setattr(limits.time, "monotonic", lambda: later)
        with pytest.raises(TimeLimitExceeded) as stopped:
            check_time()
    assert f'"{stopped.value}"' in flat(LIMITS)
