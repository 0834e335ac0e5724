"""Secure by default: loopback only unless sign-in is configured; licence and ids checked."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cpcxl.server.settings import (
    DEFAULT_MAX_BODY_BYTES,
    ServerRefused,
    ServerSettings,
    check_bind,
    check_entraid,
    check_licence,
    is_loopback,
)

from .conftest import ADDIN, ROOT


@pytest.mark.parametrize("host", ["127.0.0.1", "127.10.0.5", "::1", "[::1]", "localhost"])
def test_loopback_addresses_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "cpcxl.example"])
def test_other_addresses_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_listening_beyond_this_machine_without_sign_in_is_refused() -> None:
    with pytest.raises(ServerRefused, match=r"refusing to listen on 0\.0\.0\.0.*XLWINGS_AUTH"):
        check_bind("0.0.0.0", [])
    with pytest.raises(ServerRefused):
        check_bind("192.168.1.20", None)
    check_bind("127.0.0.1", [])  # loopback needs no sign-in
    check_bind("0.0.0.0", ["entraid"])  # sign-in configured: allowed


def test_entra_id_without_its_app_registration_is_refused() -> None:
    with pytest.raises(ServerRefused, match="XLWINGS_AUTH_ENTRAID_CLIENT_ID"):
        check_entraid(["entraid"], None, "tenant")
    check_entraid(["entraid"], "client", "tenant")
    check_entraid([], None, None)


def test_a_missing_licence_key_names_both_licences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    with pytest.raises(ServerRefused, match=r"PolyForm Noncommercial.*commercial key"):
        check_licence()


def test_the_body_limit_defaults_to_10_mb_and_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CPCXL_SERVER_MAX_BODY_BYTES", raising=False)
    assert ServerSettings.from_environment().max_body_bytes == 10 * 1024 * 1024
    assert DEFAULT_MAX_BODY_BYTES == 10 * 1024 * 1024
    monkeypatch.setenv("CPCXL_SERVER_MAX_BODY_BYTES", "2048")
    assert ServerSettings.from_environment().max_body_bytes == 2048
    assert ServerSettings.from_environment(max_body_bytes=4096).max_body_bytes == 4096


def test_the_addin_folder_is_found_in_a_checkout() -> None:
    assert ServerSettings().addin_dir() == ADDIN


def serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", **env}
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", "serve", *args],
        cwd=ROOT,
        env={k: v for k, v in environment.items() if v != ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cpcxl_serve_refuses_a_public_address_before_listening(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In this process, with the server's parts replaced, so that a regression could never
    # open a socket on a public address: uvicorn.run must not be reached.
    import types

    import uvicorn
    from click.testing import CliRunner

    from cpcxl.server import app, cli

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append((a, k)))
    no_sign_in = types.SimpleNamespace(
        settings=types.SimpleNamespace(auth_providers=[]), functions={}, scripts={}, app=None
    )
    monkeypatch.setattr(app, "create_app", lambda settings: no_sign_in)
    result = CliRunner().invoke(cli.serve, ["--host", "0.0.0.0", "--port", "8000"])
    assert started == []
    assert isinstance(result.exception, ServerRefused)
    assert "refusing to listen on 0.0.0.0" in str(result.exception)
    # The same command on loopback goes on to serve.
    result = CliRunner().invoke(cli.serve, ["--host", "127.0.0.1", "--port", "8000"])
    assert result.exit_code == 0, result.output
    assert started and started[0][1]["host"] == "127.0.0.1"


def test_cpcxl_serve_refuses_to_start_without_a_licence_key() -> None:
    result = serve("--port", "1", XLWINGS_LICENSE_KEY="")
    assert result.returncode == 2
    assert "XLWINGS_LICENSE_KEY" in result.stderr


def test_serve_without_the_server_extra_says_how_to_install_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A Python that cannot find xlwings_server or uvicorn, as a pip install without the
    # extra leaves it.
    code = (
        "import sys, importlib.util; real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n in ('xlwings_server', 'uvicorn') "
        "else real(n, *a)\n"
        "sys.argv = ['cpcxl', 'serve']\n"
        "from cpcxl.cli import main; main()\n"
    )
    environment = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "cpcxl serve needs the server extra" in result.stderr
    assert 'pip install "cpcxl[server]"' in result.stderr
