"""Sign-in through Entra ID, as far as it can be checked without Microsoft's servers."""

from __future__ import annotations

import os
import subprocess
import sys

import defusedxml.ElementTree as ET
import httpx

from cpcxl.server.process import free_port, running_server

from .checks import CALL, NS
from .conftest import ROOT
from .excel import call_body

CLIENT_ID = "11111111-2222-4333-8444-555555555555"  # an app registration's id (made up)
TENANT_ID = "66666666-7777-4888-8999-000000000000"


def test_with_sign_in_the_manifest_asks_office_for_a_token_and_calls_need_one() -> None:
    env = {
        "XLWINGS_AUTH_PROVIDERS": '["entraid"]',
        "XLWINGS_AUTH_ENTRAID_CLIENT_ID": CLIENT_ID,
        "XLWINGS_AUTH_ENTRAID_TENANT_ID": TENANT_ID,
    }
    with (
        running_server([sys.executable, "-m", "tests.server.launch"], cwd=ROOT, env=env) as base,
        httpx.Client(base_url=base, timeout=30, trust_env=False) as http,
    ):
        # Office only loads add-ins over https, so as the TLS proxy passes the request on.
        manifest = http.get("/manifest.xml", headers={"X-Forwarded-Proto": "https"})
        root = ET.fromstring(manifest.content)
        info = root.find("v:VersionOverrides/v:WebApplicationInfo", NS)
        assert info is not None and info.find("v:Id", NS).text == CLIENT_ID
        assert (
            info.find("v:Resource", NS).text
            == f"api://127.0.0.1:{base.rsplit(':', 1)[1]}/{CLIENT_ID}"
        )
        # A call without the user's token is refused before any function runs.
        response = http.post(CALL, json=call_body("cpc_sample_risk_score", [[[3]], [[4]]]))
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]


def test_entra_id_without_its_ids_does_not_start() -> None:
    environment = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    environment["XLWINGS_AUTH_PROVIDERS"] = '["entraid"]'
    for key in ("XLWINGS_AUTH_ENTRAID_CLIENT_ID", "XLWINGS_AUTH_ENTRAID_TENANT_ID"):
        environment.pop(key, None)
    result = subprocess.run(
        [sys.executable, "-m", "cpcxl", "serve", "--port", str(free_port())],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Entra ID sign-in is configured without its app registration" in result.stderr
