"""The add-in server under test: in this process (FastAPI's TestClient) and as a real process.

Both serve every registered plugin plus the runtime sample plugin, so every argument shape
is exercised whatever capabilities are installed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from cpcxl.plugins import plugin_manager, refresh
from cpcxl.server.app import Served, create_app
from cpcxl.server.process import running_server
from cpcxl.server.settings import ServerSettings

from .sample_plugin import PLUGIN_NAME, RuntimeSample

ROOT = Path(__file__).resolve().parents[2]
ADDIN = ROOT / "addin"
#: Small enough that a test can exceed it cheaply, large enough for every worked example.
TEST_BODY_LIMIT = 1024 * 1024


@pytest.fixture(scope="session")
def served() -> Iterator[Served]:
    """xlwings Server in this process; it can be built once per process (it reads its
    settings and imports the add-in's packages on first import)."""
    was_on_server = os.environ.get("XLWINGS_ON_SERVER")
    pm = plugin_manager()
    pm.register(RuntimeSample, name=PLUGIN_NAME)
    try:
        refresh()
        yield_value = create_app(ServerSettings(project_dir=ADDIN, max_body_bytes=TEST_BODY_LIMIT))
    finally:
        pm.unregister(name=PLUGIN_NAME)
        refresh()
        # xlwings Server switches xlwings to its runtime for the process; the other test
        # modules expect the desktop one, and the served functions are already decorated.
        if was_on_server is None:
            os.environ.pop("XLWINGS_ON_SERVER", None)
        else:
            os.environ["XLWINGS_ON_SERVER"] = was_on_server
    yield yield_value


@pytest.fixture(scope="session")
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(served.app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """A real ``cpcxl serve`` process on a free port of 127.0.0.1, stopped afterwards."""
    command = [sys.executable, "-m", "tests.server.launch"]
    env = {"CPCXL_SERVER_MAX_BODY_BYTES": str(TEST_BODY_LIMIT), "CPCXL_ADDIN_DIR": str(ADDIN)}
    with running_server(command, cwd=ROOT, env=env) as url:
        yield url


@pytest.fixture(scope="session")
def live(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30, trust_env=False) as http:
        yield http
