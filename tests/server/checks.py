"""Checks of the add-in server over HTTP, shared by the in-process and the real-process tests.

``http`` is FastAPI's TestClient or an httpx.Client: both speak the same API.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ET
import xlwings as xw

from cpcxl.common.examples import Example, ScriptExample, examples_of
from cpcxl.common.excel_names import excel_name
from cpcxl.server.app import ERROR_VALUES_SCRIPT
from cpcxl.xl.remote import apply_values, payload_from_xlsx
from tests.xl.test_examples import same

from .excel import arguments_sent, call_body, functions, result_received, scripts

CALL = "/xlwings/custom-functions-call"
NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
}
#: Blank cells as Office.js may send them.
BLANKS = {"empty-string": "", "null": None}


def check_manifest(http: Any, base: str) -> None:
    """Valid XML naming this server's task pane, functions code and metadata, namespace CPC."""
    response = http.get("/manifest.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.text.encode())
    assert root.tag == f"{{{NS['o']}}}OfficeApp"
    assert root.find("o:DisplayName", NS).get("DefaultValue") == "cpcxl"
    urls = {u.get("id"): u.get("DefaultValue") for u in root.iter(f"{{{NS['bt']}}}Url")}
    assert urls == {
        "Taskpane.Url": f"{base}/taskpane.html",
        "Functions.Script.Url": f"{base}/xlwings/custom-functions-code.js",
        "Functions.Metadata.Url": f"{base}/xlwings/custom-functions-meta.json",
    }
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == (
        f"{base}/taskpane.html"
    )
    strings = {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{{{NS['bt']}}}String")}
    assert strings["Functions.Namespace"] == "CPC"
    # cpcxl's own add-in identity, not xlwings Server's shared default.
    assert root.find("o:Id", NS).text.strip() != "4f342d85-3a49-41cb-90a5-37b1f2219040"
    # The served pages and URLs are the ones the manifest names.
    for url in urls.values():
        assert http.get(url.removeprefix(base)).status_code == 200, url


def check_metadata(http: Any) -> None:
    """Every function with its description (docstring) and parameter names, and no other."""
    response = http.get("/xlwings/custom-functions-meta.json")
    assert response.status_code == 200
    listed = {f["id"]: f for f in response.json()["functions"]}
    expected = functions()
    assert set(listed) == {name.upper() for name in expected}
    for name, fn in expected.items():
        meta = listed[name.upper()]
        assert meta["name"] == excel_name(name), "Excel shows CPC.<NAME> without repeating CPC"
        assert meta["description"] == fn.__doc__
        params = inspect.signature(fn).parameters
        assert [p["name"] for p in meta["parameters"]] == list(params)
        for p in meta["parameters"]:
            assert p["dimensionality"] == "matrix"  # a cell or a range
            assert p["description"] == p["name"].replace("_", " ")
            optional = params[p["name"]].default is not inspect.Parameter.empty
            assert p.get("optional", False) is optional


def xlwings_functions_code() -> str:
    """xlwings Server's custom-functions code as its route fills it in, before the stubs."""
    import xlwings_server

    path = Path(xlwings_server.__file__).parent / "static/js/custom-functions"
    code = (path / "custom-functions-code.js").read_text()
    return code.replace("placeholder_xlwings_version", xw.__version__).replace(
        "placeholder_custom_functions_call_path", CALL
    )


def check_functions_code(http: Any) -> None:
    """cpcxl's error-values script, then xlwings' own code unchanged, then a stub per function."""
    for path in ("/xlwings/custom-functions-code.js", "/xlwings/custom-functions-code"):
        response = http.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert int(response.headers["content-length"]) == len(response.content)
        ours = ERROR_VALUES_SCRIPT.read_text() + "\n"
        assert response.text.startswith(ours)
        assert response.text[len(ours) :].startswith(xlwings_functions_code())
        for name in functions():
            assert f'CustomFunctions.associate("{name.upper()}", {name});' in response.text


def check_function_examples(http: Any, name: str, blank: Any) -> None:
    fn = functions()[name]
    cases = [e for e in examples_of(fn) if isinstance(e, Example)]
    assert cases, f"{name} has no worked example"
    for case in cases:
        args = arguments_sent(fn, case.args, blank)
        response = http.post(CALL, json=call_body(name, args))
        assert response.status_code == 200, response.text
        got = response.json()["result"]
        wanted = result_received(case.expected, args)
        assert same(got, wanted), f"{name}{case.args} over HTTP: {got!r} != {wanted!r} ({case.why})"


def check_script_examples(http: Any, name: str, folder: Path) -> None:
    fn = scripts()[name]
    cases = [e for e in examples_of(fn) if isinstance(e, ScriptExample)]
    assert cases, f"script {name} has no worked example"
    for case in cases:
        payload = payload_from_xlsx(case.workbook(folder))
        response = http.post(f"/xlwings/custom-scripts-call/{name}", json=payload)
        assert response.status_code == 200, response.text
        cells = apply_values(payload, response.json()["actions"])
        for sheet, expected in case.expected.items():
            assert sheet in cells, f"{name} did not write sheet {sheet!r}"
            for cell, value in expected.items():
                got = cells[sheet].get(cell)
                assert same(got, value), f"{name}: {sheet}!{cell} is {got!r}, not {value!r}"


def still_serving(http: Any) -> None:
    """A good call right after a bad one is answered normally."""
    response = http.post(CALL, json=call_body("cpc_sample_risk_score", [[[3]], [[4]]]))
    assert response.status_code == 200
    assert response.json() == {"result": [[12]]}


def check_refusals(http: Any, body_limit: int) -> None:
    """Bad requests get a 4xx that says what is wrong, and the server carries on."""
    good = call_body("cpc_sample_risk_score", [[[3]], [[4]]])
    cases = [
        (b'{"func_name": "cpc_sample_risk_score", "args": [[[3]]', 400, "not valid JSON"),
        (b"", 400, "empty"),
        (b"[1, 2]", 400, "JSON object"),
        (json.dumps({**good, "func_name": "cpc_nope"}).encode(), 404, "'cpc_nope'"),
        (json.dumps({**good, "args": [[[3]]]}).encode(), 400, "takes 2 argument(s)"),
        (json.dumps({**good, "args": [[[3]], [[4]], [[5]]]}).encode(), 400, "has 3"),
        (json.dumps({**good, "args": "3, 4"}).encode(), 400, "JSON array"),
        (json.dumps({k: v for k, v in good.items() if k != "version"}).encode(), 400, "version"),
    ]
    for body, status, words in cases:
        response = http.post(CALL, content=body, headers={"content-type": "application/json"})
        assert response.status_code == status, (body[:80], response.text)
        assert words in response.json()["detail"], response.json()
        still_serving(http)
    # The optional argument may be left out (sent as null), and only it.
    total = http.post(CALL, json=call_body("cpc_sample_total", [[[100], [250]], None]))
    assert total.json() == {"result": [[350]]}
    # Too large: refused by its declared length before it is read, and when streamed.
    oversized = json.dumps({**good, "args": [[["x" * body_limit]], [[4]]]}).encode()
    response = http.post(CALL, content=oversized, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than this server accepts" in response.json()["detail"]
    still_serving(http)

    def chunks():
        for start in range(0, len(oversized), 65536):
            yield oversized[start : start + 65536]

    response = http.post(CALL, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    still_serving(http)
    # Scripts: unknown name, and a body that is not a workbook.
    for wrong in ("no_such_button", "Sample_Score_Register"):
        response = http.post(f"/xlwings/custom-scripts-call/{wrong}", json={"sheets": []})
        assert response.status_code == 404
        assert "known scripts: " in response.json()["detail"]
        assert "sample_score_register" in response.json()["detail"]
    response = http.post(CALL, json=call_body("CPC_SAMPLE_RISK_SCORE", [[[3]], [[4]]]))
    assert response.status_code == 404
    assert "did you mean cpc_sample_risk_score?" in response.json()["detail"]
    response = http.post("/xlwings/custom-scripts-call/sample_score_register", json=[1])
    assert response.status_code == 400
    assert "workbook JSON" in response.json()["detail"]
    still_serving(http)
    # A script's own input error reaches the task pane as a 400 with its message.
    no_register = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "Notes.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": "Notes", "values": [[""]], "pictures": [], "tables": []}],
    }
    response = http.post("/xlwings/custom-scripts-call/sample_score_register", json=no_register)
    assert response.status_code == 400
    assert "the workbook has no Register sheet" in response.text
    still_serving(http)
