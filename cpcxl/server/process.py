"""Start and stop a real ``cpcxl serve`` process on this machine (tests and benchmarks)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port nothing on the loopback interface is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(
    command: Sequence[str] | None = None,
    *,
    options: Sequence[str] = (),
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    start_timeout: float = 90.0,
) -> Iterator[str]:
    """Run ``command`` (default ``python -m cpcxl serve``) on a free loopback port.

    Yields the base URL once the server answers; stops the process (and only it) afterwards.
    """
    port = free_port()
    command = [*(command or [sys.executable, "-m", "cpcxl"]), "serve"]
    command += ["--host", LOOPBACK, "--port", str(port), "--log-level", "warning", *options]
    environment = {
        **os.environ,
        "XLWINGS_LICENSE_KEY": "noncommercial",
        "XLWINGS_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    url = f"http://{LOOPBACK}:{port}"
    # A file, not a pipe: a pipe nobody reads fills up and stalls the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=log)
        try:
            _wait_until_answering(process, log, url, start_timeout)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_until_answering(
    process: subprocess.Popen[bytes], log: IO[bytes], url: str, timeout: float
) -> None:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")
            raise RuntimeError(f"the server stopped on start:\n{output}")
        try:
            with direct.open(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer within {timeout:.0f} s")
        time.sleep(0.2)
