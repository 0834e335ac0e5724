"""xlwings' own JavaScript client, in headless Chromium, against a real ``cpcxl serve``.

The page is the add-in's task pane as the server on 127.0.0.1 serves it, which is also
where Excel runs the custom functions (the manifest's shared runtime): xlwings' task-pane
scripts, its custom-functions code with cpcxl's error-values script in front, cpcxl's
buttons. Only Office.js is replaced, by a stand-in for Excel's host objects
(``js/office.js``). Every worked example of every function goes through the function that
xlwings' code associated, which builds the request and reads the answer itself; the value
it hands Excel is checked cell by cell: a bad cell must be a CustomFunctions.Error with the
reason as its message, and the other cells values.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from cpcxl.common.examples import Example, examples_of
from cpcxl.plugins import registry
from cpcxl.server.officejs import arguments_sent, result_received
from cpcxl.xl.scripts import button_name
from tests.xl.test_examples import same

from .browser import JS, Chromium, Page, chromium, find_chromium
from .conftest import ROOT, TEST_BODY_LIMIT
from .excel import functions, scripts
from .sample_plugin import PLUGIN_NAME

#: CustomFunctions.ErrorCode's values by Office.js's error types.
ERROR_CODES = {
    "Value": "#VALUE!",
    "NotAvailable": "#N/A",
    "Num": "#NUM!",
    "Div0": "#DIV/0!",
    "Null": "#NULL!",
}
#: Microsoft: only #VALUE! and #N/A errors show a custom message.
WITH_MESSAGE = {"#VALUE!", "#N/A"}
#: The runtimes xlwings' client reports: 1.4 (formatted dates, error objects), 1.2 (the first
#: with CustomFunctions.Error) and 1.1 (neither: errors as text).
RUNTIMES = ["1.4", "1.2", "1.1"]
ADDRESS = "Sheet1!B2"
SCREENSHOT = ROOT / "out" / "taskpane.png"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Chromium; with CPCXL_REQUIRE_SOFFICE=1 (as in CI) its absence fails."""
    found = find_chromium()
    if found is None:
        if os.environ.get("CPCXL_REQUIRE_SOFFICE") == "1":
            pytest.fail("CPCXL_REQUIRE_SOFFICE=1 but Chromium is not installed (apt: chromium)")
        pytest.skip("Chromium is not installed")
    return found


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Chromium]:
    with chromium(chromium_executable) as running:
        yield running


def open_pane(browser: Chromium, base: str, runtime: str) -> Page:
    page = Page(browser)
    page.open(
        f"{base}/taskpane.html",
        {"runtime": runtime},
        # xlwings' code has associated its functions and its task-pane scripts have run.
        "globalThis.cpcxlOffice && cpcxlOffice.associations.length > 0"
        " && document.querySelector('[xw-click-initialized]') !== null",
    )
    page.evaluate((JS / "harness.js").read_text())
    return page


@pytest.fixture(scope="module", params=RUNTIMES)
def pane(request: pytest.FixtureRequest, browser: Chromium, live_server: str) -> Page:
    return open_pane(browser, live_server, request.param)


@pytest.fixture(scope="module")
def pane_14(browser: Chromium, live_server: str) -> Page:
    return open_pane(browser, live_server, "1.4")


def runtime_of(page: Page) -> str:
    return str(page.evaluate("cpcxlOffice.settings.runtime"))


def call(page: Page, name: str, args: list[Any]) -> dict[str, Any]:
    """What the function xlwings' code associated for ``name`` hands Excel for ``args``."""
    answer = page.evaluate(
        f"cpcxlHarness.call({json.dumps(name.upper())}, {json.dumps(args)}, {json.dumps(ADDRESS)})"
    )
    assert isinstance(answer, dict), answer
    return answer


def shown(cell: Any) -> Any:
    """A cell the server answers, as the add-in hands it to Excel (described as the harness
    describes a CustomFunctions.Error); xlwings' own values pass unchanged."""
    if isinstance(cell, dict) and cell.get("type") == "Error" and cell["errorType"] in ERROR_CODES:
        code = ERROR_CODES[cell["errorType"]]
        message = cell.get("message") or None
        return {"error": code, "message": message if code in WITH_MESSAGE else None}
    return cell


def excel_gets(expected: Any, sent: list[Any], runtime: str) -> list[list[Any]]:
    return [[shown(c) for c in row] for row in result_received(expected, sent, runtime)]


def test_xlwings_code_associates_every_function_once(pane: Page) -> None:
    associations = pane.evaluate("cpcxlHarness.associations()")
    assert sorted(associations) == sorted(name.upper() for name in functions())


@pytest.mark.parametrize("name", sorted(functions()))
def test_each_function_gives_excel_its_worked_examples(pane: Page, name: str) -> None:
    fn = functions()[name]
    runtime = runtime_of(pane)
    cases = [e for e in examples_of(fn) if isinstance(e, Example)]
    assert cases
    for case in cases:
        for blank in ("", None):  # Excel may send a blank cell in a range as "" or null
            args = arguments_sent(fn, case.args, blank)
            answer = call(pane, name, args)
            wanted = excel_gets(case.expected, args, runtime)
            assert "result" in answer, f"{name}{case.args}: {answer}"
            got = answer["result"]
            assert same(got, wanted), f"{name}{case.args} at {runtime}: {got!r} != {wanted!r}"


def test_a_bad_cell_is_an_excel_error_with_its_reason_and_the_others_are_values(
    pane: Page,
) -> None:
    # 3 × 4 = 12; 'high' is not a number; the input cell holding #N/A is reported, not blank.
    got = call(pane, "cpc_sample_risk_score", [[[3], ["high"], [ERROR_NA]], [[4], [4], [4]]])
    runtime = runtime_of(pane)
    high = "'high' is not a likelihood score; valid: a number"
    held = "the input cell holds the error #N/A"
    if runtime == "1.1":  # no CustomFunctions.Error: the reasons as text, as on the desktop
        assert got == {"result": [[12], [f"#VALUE! {high}"], [f"#VALUE! {held}"]]}
        return
    assert got == {
        "result": [
            [12],
            [{"error": "#VALUE!", "message": high}],
            [{"error": "#VALUE!", "message": held}],
        ]
    }


def test_n_a_keeps_its_reason_and_num_has_none(pane_14: Page) -> None:
    table = [["ASC", "Adult social care"], ["CS", "Children's services"]]
    looked_up = call(pane_14, "cpc_sample_lookup", [[["CS"], ["XX"]], table])
    assert looked_up == {
        "result": [
            ["Children's services"],
            [{"error": "#N/A", "message": "'XX' is not a code in the table"}],
        ]
    }
    # 1e300 × 1e10 overflows: #NUM!, which Excel shows without a message; 2 × 1e10 = 2e10.
    product = call(pane_14, "cpc_sample_product", [[[1e300], [2]], [[1e10]]])
    assert product == {"result": [[{"error": "#NUM!", "message": None}], [2e10]]}


def test_a_refused_request_is_a_value_error_saying_why(pane_14: Page) -> None:
    # Over the test server's body limit: the guard's 413 reaches the cell through xlwings'
    # own error handling, as #VALUE! with the guard's sentence as its message.
    oversized = [[["x" * TEST_BODY_LIMIT]], [[4]]]
    answer = call(pane_14, "cpc_sample_risk_score", oversized)
    raised = answer.get("raised")
    assert isinstance(raised, dict) and raised["error"] == "#VALUE!", answer
    assert "larger than this server accepts" in raised["message"]


ERROR_NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}


def test_the_error_values_script_converts_only_error_objects_excel_can_return(
    pane_14: Page,
) -> None:
    # associate's other form, a mapping; #NAME? cannot be a custom function's result, so it
    # is left as the object; #DIV/0! has no message in Excel; text and numbers pass as they are.
    pane_14.evaluate(
        """CustomFunctions.associate({
          CPCXL_TEST_MIXED: async () => [
            [{type: 'Error', errorType: 'Name'}, {type: 'Error', errorType: 'Div0', message: 'x'}],
            ['#VALUE! text', 3],
          ],
          CPCXL_TEST_SCALAR: async () => ({type: 'Error', errorType: 'Value', message: 'one'}),
        })"""
    )
    assert call(pane_14, "cpcxl_test_mixed", []) == {
        "result": [
            [{"type": "Error", "errorType": "Name"}, {"error": "#DIV/0!", "message": None}],
            ["#VALUE! text", 3],
        ]
    }
    assert call(pane_14, "cpcxl_test_scalar", []) == {
        "result": {"error": "#VALUE!", "message": "one"}
    }


# --- the task pane ---------------------------------------------------------------------------


#: xlwings' task pane shows "The add-in didn't load properly" if Office is not ready by then.
READY_TIMEOUT_MS = 5000


def test_the_task_pane_renders_with_a_button_for_every_script_under_its_capability(
    pane_14: Page,
) -> None:
    # Past the time xlwings' page gives Office.js to be ready, so a failure would show.
    pane_14.evaluate(
        f"new Promise((done) => setTimeout(done, Math.max(0, {READY_TIMEOUT_MS + 500}"
        " - performance.now())))"
    )
    shown_pane = pane_14.evaluate(
        """(() => ({
          failed: !document.getElementById('xlwings-office-ready-error')
            .classList.contains('d-none'),
          groups: [...document.querySelectorAll('h2')].map((h) => ({
            plugin: h.textContent.trim(),
            buttons: [...h.nextElementSibling.querySelectorAll('button[xw-click]')].map((b) => ({
              script: b.getAttribute('xw-click'),
              label: b.textContent.trim(),
              ready: b.hasAttribute('xw-click-initialized'),
            })),
          })),
        }))()"""
    )
    assert shown_pane["failed"] is False, "the page shows 'The add-in didn't load properly'"
    wanted: dict[str, list[str]] = {}
    for name, r in registry().scripts.items():
        wanted.setdefault(r.plugin, []).append(name)
    wanted[PLUGIN_NAME] = [n for n in scripts() if n not in registry().scripts]
    got = {g["plugin"]: g["buttons"] for g in shown_pane["groups"]}
    assert set(got) == set(wanted)
    for plugin, names in wanted.items():
        assert [b["script"] for b in got[plugin]] == names, plugin
        for button in got[plugin]:
            assert button["label"] == button_name(button["script"])
            assert button["ready"], f"xlwings did not hook up {button['script']}"


def test_the_task_pane_loads_with_no_content_security_policy_violation(pane_14: Page) -> None:
    assert pane_14.evaluate("cpcxlViolations") == []
    console = pane_14.console()
    assert not [line for line in console if "Content Security Policy" in line], console
    # Nor any other error while it loaded: every script the page loads ran cleanly.
    loading = pane_14.console_on_open
    assert not [line for line in loading if line.startswith(("error", "exception"))], loading
    assert pane_14.office_served >= 1  # the stand-in, not Microsoft's Office.js, was loaded


def test_the_task_pane_is_drawn_for_people_to_look_at(pane_14: Page) -> None:
    path = pane_14.screenshot(SCREENSHOT)
    assert path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_violation_would_be_seen(browser: Chromium, live_server: str) -> None:
    # The check above can fail: an inline script, which the policy forbids, is reported both
    # to the page and in the browser's log.
    page = open_pane(browser, live_server, "1.4")
    page.evaluate(
        "(() => { const s = document.createElement('script'); s.textContent = 'var x = 1';"
        " document.head.appendChild(s); })()"
    )
    page.evaluate("new Promise((done) => setTimeout(done, 200))")
    assert page.evaluate("cpcxlViolations") == ["script-src-elem inline"]
    assert [line for line in page.console() if "Content Security Policy" in line]
