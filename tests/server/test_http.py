"""The add-in server in this process, through FastAPI's TestClient.

Every registered worksheet function and button script is called with its worked examples,
shaped as Excel's add-in sends them; the list comes from the plugin registry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cpcxl.server.app import Served

from . import checks
from .conftest import TEST_BODY_LIMIT
from .excel import functions, scripts

BASE = "http://127.0.0.1:8000"


def test_the_manifest_is_valid_xml_naming_this_servers_urls(client: TestClient) -> None:
    checks.check_manifest(client, BASE)


def test_behind_a_tls_proxy_the_manifest_names_https_urls(client: TestClient) -> None:
    response = client.get("/manifest.xml", headers={"X-Forwarded-Proto": "https"})
    assert "https://127.0.0.1:8000/taskpane.html" in response.text
    assert "http://127.0.0.1:8000/" not in response.text


def test_the_metadata_lists_every_function_with_description_and_parameters(
    client: TestClient,
) -> None:
    checks.check_metadata(client)


def test_the_functions_javascript_is_served(client: TestClient) -> None:
    checks.check_functions_code(client)


def test_the_task_pane_has_a_button_for_every_script(client: TestClient) -> None:
    from cpcxl.xl.scripts import button_name

    page = client.get("/taskpane.html")
    assert page.status_code == 200
    for name in scripts():
        assert f'xw-click="{name}"' in page.text
        assert button_name(name) in page.text


def test_the_scripts_metadata_lists_every_script(client: TestClient) -> None:
    listed = {s["function_name"] for s in client.get("/xlwings/custom-scripts-meta.json").json()}
    assert listed == set(scripts())


def test_the_server_serves_exactly_the_registered_functions(served: Served) -> None:
    assert set(served.functions) == set(functions())
    assert set(served.scripts) == set(scripts())
    assert served.settings.functions_namespace == "CPC"


@pytest.mark.parametrize("blank", sorted(checks.BLANKS))
@pytest.mark.parametrize("name", sorted(functions()))
def test_each_function_gives_its_worked_examples_over_http(
    client: TestClient, name: str, blank: str
) -> None:
    checks.check_function_examples(client, name, checks.BLANKS[blank])


@pytest.mark.parametrize("name", sorted(scripts()))
def test_each_script_writes_its_expected_cells_over_http(
    client: TestClient, name: str, tmp_path: Path
) -> None:
    checks.check_script_examples(client, name, tmp_path)


def test_bad_requests_get_a_clear_4xx_and_the_server_keeps_serving(client: TestClient) -> None:
    checks.check_refusals(client, TEST_BODY_LIMIT)


def test_xlwings_does_not_look_for_pyodide_per_value_on_the_server(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each of these tried a failing `import pyodide` per value: about 0.1 ms, so 2 s on a
    # 10,000-row call. On a server no value is Pyodide's JsNull.
    import builtins

    import xlwings.utils
    from xlwings.pro import udfs_officejs

    tried: list[str] = []
    real_import = builtins.__import__

    def counting_import(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("pyodide"):
            tried.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counting_import)
    value = [[1.5]]
    assert udfs_officejs.js_to_none(value) is value
    assert udfs_officejs.to_scalar([[None]]) is None
    assert xlwings.utils.is_jsnull(None) is False
    assert tried == []
