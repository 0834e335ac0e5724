"""A real ``cpcxl serve`` process on 127.0.0.1 (a free port), over real HTTP."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import httpx
import pytest

from . import checks
from .conftest import TEST_BODY_LIMIT
from .excel import call_body, functions, scripts


def test_the_manifest_names_the_real_servers_urls(live: httpx.Client, live_server: str) -> None:
    checks.check_manifest(live, live_server)


def test_the_metadata_and_javascript_are_served(live: httpx.Client) -> None:
    checks.check_metadata(live)
    checks.check_functions_code(live)


@pytest.mark.parametrize("name", sorted(functions()))
def test_each_function_gives_its_worked_examples(live: httpx.Client, name: str) -> None:
    checks.check_function_examples(live, name, "")


@pytest.mark.parametrize("name", sorted(scripts()))
def test_each_script_writes_its_expected_cells(
    live: httpx.Client, name: str, tmp_path: Path
) -> None:
    checks.check_script_examples(live, name, tmp_path)


def test_bad_requests_get_a_clear_4xx_and_the_server_keeps_serving(live: httpx.Client) -> None:
    checks.check_refusals(live, TEST_BODY_LIMIT)


def test_concurrent_calls_each_get_their_own_answer(live_server: str) -> None:
    # 8 clients at once, each scoring a different pair: 1×1 ... 4×2 (hand-computed below).
    pairs = [(likelihood, impact) for likelihood in (1, 2, 3, 4) for impact in (1, 2)]

    def call(pair: tuple[int, int]) -> object:
        with httpx.Client(base_url=live_server, timeout=30, trust_env=False) as http:
            body = call_body("cpc_sample_risk_score", [[[pair[0]]], [[pair[1]]]])
            return http.post(checks.CALL, json=body).json()["result"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, pairs))
    assert results == [[[1]], [[2]], [[2]], [[4]], [[3]], [[6]], [[4]], [[8]]]


def test_several_worker_processes_serve_every_registered_function() -> None:
    # Workers are fresh processes: they load the installed plugins (not the test sample).
    from cpcxl.plugins import registry
    from cpcxl.server.process import running_server

    with (
        running_server(options=["--workers", "2"]) as base,
        httpx.Client(base_url=base, timeout=30, trust_env=False) as http,
    ):
        listed = {
            f["id"] for f in http.get("/xlwings/custom-functions-meta.json").json()["functions"]
        }
        assert listed == {name.upper() for name in registry().functions}
        assert http.get("/manifest.xml").status_code == 200
