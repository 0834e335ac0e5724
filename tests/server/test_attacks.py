"""The add-in server attacked as an attacker would, over real HTTP on 127.0.0.1.

Each case was reproduced against the server before it was fixed (issue 12): files outside
the add-in folder served through ``static/``, placeholder sign-in accepted, one cell holding
the server, one bad cell failing a whole range with a bare 500, the body parsed before the
token was checked, replies without security headers, exception text in a dev 500.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import xlwings as xw

from cpcxl.common.limits import MAX_ARGUMENT_CELLS
from cpcxl.server.process import free_port, running_server

from .checks import CALL, still_serving
from .conftest import ADDIN, ROOT
from .excel import call_body

SECRET = "the contents of a file outside the add-in folder"
ORGANISATION_TOKEN = "a-token-only-the-organisation-issues"


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the add-in folder with a static/ override folder, as xlwings Server
    documents for icons, and a file beside it that must never be served."""
    root = tmp_path_factory.mktemp("deploy")
    folder = root / "addin"
    shutil.copytree(ADDIN, folder)
    (folder / "static").mkdir()
    (folder / "static" / "icon.txt").write_text("our icon")
    (root / "secret.txt").write_text(SECRET)
    (folder / "static" / "link.txt").symlink_to(root / "secret.txt")
    return folder


def launch(addin: Path, **env: str) -> running_server:  # type: ignore[valid-type]
    command = [sys.executable, "-m", "tests.server.launch"]
    return running_server(command, cwd=ROOT, env={"CPCXL_ADDIN_DIR": str(addin), **env})


@pytest.fixture(scope="module")
def server(addin: Path) -> Iterator[str]:
    with launch(addin, CPCXL_SERVER_TIME_LIMIT="1", XLWINGS_ENVIRONMENT="dev") as url:
        yield url


@pytest.fixture(scope="module")
def web(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30, trust_env=False) as client:
        yield client


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as given: no client tidies '..' away."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


TRAVERSALS = [
    "/static/../../secret.txt",
    "/static/../../../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/secret.txt",
    "/static/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/static/..%2f..%2fsecret.txt",
    "/static/..%5c..%5csecret.txt",
    "/static/%252e%252e/%252e%252e/secret.txt",
    "/static/link.txt",  # a link inside static/ pointing outside it
    "/static//etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_file_outside_the_static_folders_is_served(server: str, path: str) -> None:
    status, body = raw_get(server, path)
    assert status == 404, (path, body[:60])
    assert SECRET.encode() not in body and b"root:" not in body


def test_the_static_override_folder_still_works(server: str) -> None:
    assert raw_get(server, "/static/icon.txt") == (200, b"our icon")
    status, _ = raw_get(server, "/static/images/favicon.png")  # xlwings Server's own
    assert status == 200


def serve_refused(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", **env}
    return subprocess.run(
        [sys.executable, "-m", "cpcxl", "serve", "--port", str(free_port()), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("providers", ['["custom"]', '[""]', '["nonexistent"]'])
def test_placeholder_or_unknown_sign_in_does_not_start(providers: str) -> None:
    # xlwings Server's own custom provider accepts the literal token 'test-token'
    result = serve_refused("--host", "0.0.0.0", XLWINGS_AUTH_PROVIDERS=providers)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "auth/custom/__init__.py" in result.stderr  # says what to configure
    assert "XLWINGS_AUTH_ENTRAID_CLIENT_ID" in result.stderr


@pytest.fixture(scope="module")
def own_sign_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The organisation's own token check in the add-in folder, which even accepts the
    placeholder by mistake: the server must still never let 'test-token' through."""
    folder = tmp_path_factory.mktemp("signin") / "addin"
    shutil.copytree(ADDIN, folder)
    custom = folder / "auth" / "custom"
    custom.mkdir(parents=True)
    (custom / "__init__.py").write_text(
        "from fastapi import HTTPException\n"
        "from xlwings_server.models import User\n\n\n"
        "async def validate_token(token_string):\n"
        f"    if token_string in ({ORGANISATION_TOKEN!r}, 'test' + '-token'):\n"
        "        return User(id='officer', name='An officer')\n"
        "    raise HTTPException(status_code=401, detail='not a token we issued')\n"
    )
    with launch(folder, XLWINGS_AUTH_PROVIDERS='["custom"]') as url:
        yield url


def test_the_placeholder_token_never_authorises(own_sign_in: str) -> None:
    body = call_body("cpc_sample_risk_score", [[[3]], [[4]]])
    with httpx.Client(base_url=own_sign_in, timeout=30, trust_env=False) as client:
        for token in ("test-token", "Bearer test-token", "Bearer  test-token"):
            refused = client.post(CALL, json=body, headers={"Authorization": token})
            assert refused.status_code == 401, token
        signed_in = client.post(CALL, json=body, headers={"Authorization": ORGANISATION_TOKEN})
        assert signed_in.status_code == 200 and signed_in.json() == {"result": [[12]]}
        wrong = client.post(CALL, json=body, headers={"Authorization": "guessed"})
        assert wrong.status_code == 401 and "not a token we issued" in wrong.text


def test_the_token_is_checked_before_the_body_is_read(own_sign_in: str) -> None:
    with httpx.Client(base_url=own_sign_in, timeout=30, trust_env=False) as client:
        for path in (CALL, "/xlwings/custom-scripts-call/sample_score_register"):
            response = client.post(
                path, content=b"{not json", headers={"content-type": "application/json"}
            )
            assert response.status_code == 401, path
            assert "sign in first" in response.json()["detail"]


def test_a_call_past_the_time_limit_is_stopped_and_answered(web: httpx.Client) -> None:
    started = time.monotonic()
    response = web.post(CALL, json=call_body("cpc_sample_spin", [[[600]]]))
    took = time.monotonic() - started
    assert response.status_code == 200
    (cell,) = response.json()["result"][0]
    # An error value (#VALUE!) whose message says why, which the add-in shows in Excel.
    assert cell["type"] == "Error" and cell["errorType"] == "Value"
    assert cell["message"].startswith("stopped after 1 seconds, this server's time limit")
    assert took < 5  # stopped at the limit (1 s here), not after 600 s
    still_serving(web)


def test_a_range_over_the_cell_limit_is_refused_before_any_work(web: httpx.Client) -> None:
    column = [[1]] * (MAX_ARGUMENT_CELLS + 1)
    response = web.post(CALL, json=call_body("cpc_sample_total", [column, None]))
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert f"over the {MAX_ARGUMENT_CELLS:,}" in response.json()["detail"]
    still_serving(web)


def test_a_result_that_is_not_finite_is_an_error_in_its_own_cell(web: httpx.Client) -> None:
    response = web.post(CALL, json=call_body("cpc_sample_product", [[[1e300], [2]], [[1e10]]]))
    assert response.status_code == 200
    first, second = response.json()["result"]
    assert first[0]["type"] == "Error" and first[0]["errorType"] == "Num"
    assert first[0]["message"].startswith("the result is not a finite number")
    assert second == [2e10]
    still_serving(web)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            b'{"func_name": "cpc_sample_total", "args": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "nests deeper",
        ),
        (
            json.dumps(call_body("cpc_sample_total", [[[1]], None]))
            .replace("[[1]]", "[[" + "9" * 5000 + "]]")
            .encode(),
            "more than 4,300 digits",
        ),
        (
            json.dumps(call_body("cpc_sample_total", [[[{"a": 1}]], None])).encode(),
            "row 1, column 1: not a value a cell can hold",
        ),
        (
            json.dumps(call_body("cpc_sample_total", [[[1]], None]))
            .replace("[[1]]", "[[NaN]]")
            .encode(),
            "not valid JSON",
        ),
        (
            json.dumps(call_body("cpc_sample_total", [{"x": 1}, None])).encode(),
            "2-D array of cells",
        ),
    ],
)
def test_malformed_arguments_get_a_400_that_says_what(
    web: httpx.Client, body: bytes, words: str
) -> None:
    response = web.post(CALL, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text[:200]
    assert words in response.json()["detail"]
    still_serving(web)


WORKBOOK = {
    "client": "Office.js",
    "version": xw.__version__,
    "book": {"name": "Notes.xlsx", "active_sheet_index": 0, "selection": "A1"},
    "names": [],
    "sheets": [{"name": "Notes", "values": [["fail"]], "pictures": [], "tables": []}],
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"book": "x"}, "no 'book' object"),
        ({"sheets": [{"name": "Notes", "values": "x"}]}, "'values' must be a 2-D array"),
        ({"sheets": [{"name": "Notes", "values": [["a"], ["b", "c"]]}]}, "different lengths"),
        ({"sheets": [{"values": [[1]]}]}, "has no name"),
        ({"sheets": [{"name": "N", "values": [[{"x": 1}]]}]}, "row 1, column 1"),
    ],
)
def test_a_malformed_workbook_gets_a_400_naming_what(
    web: httpx.Client, change: dict[str, object], words: str
) -> None:
    response = web.post(
        "/xlwings/custom-scripts-call/sample_copy_status", json={**WORKBOOK, **change}
    )
    assert response.status_code == 400
    assert words in response.json()["detail"]
    still_serving(web)


def test_a_500_never_shows_exception_text_even_in_dev(web: httpx.Client) -> None:
    # The server runs with XLWINGS_ENVIRONMENT=dev, where xlwings Server shows repr(exc).
    response = web.post("/xlwings/custom-scripts-call/sample_copy_status", json=WORKBOOK)
    assert response.status_code == 500
    assert "internal detail" not in response.text and "RuntimeError" not in response.text
    assert response.json() == {
        "detail": "the server could not answer this request; its log says why"
    }
    still_serving(web)
    # The same connection answers a page whole afterwards: the 500 was answered once only
    # (a second answer, from the button's own event loop, broke the next response).
    for _ in range(3):
        page = web.get("/taskpane.html")
        assert page.status_code == 200 and page.text.rstrip().endswith("</html>")


def test_every_answer_carries_the_security_headers(web: httpx.Client) -> None:
    page = web.get("/taskpane.html")
    refusal = web.post(CALL, content=b"[", headers={"content-type": "application/json"})
    missing = web.get("/static/../../secret.txt")
    for response in (page, refusal, missing):
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert response.headers["referrer-policy"] == "no-referrer"
