"""Bad cells as Excel error values with their reasons, by the runtime the request names.

xlwings' client reports the highest custom-functions runtime Excel supports (1.1 to 1.4);
CustomFunctions.Error, an error value with a message, arrived in 1.2. The browser tests
(test_officejs_client.py) check what the add-in's JavaScript then hands Excel.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cpcxl.xl.worksheet import error_value, shows_error_messages

from .checks import CALL
from .excel import call_body

HIGH = "'high' is not a likelihood score; valid: a number"


def score(client: TestClient, runtime: str) -> list[list[object]]:
    body = call_body("cpc_sample_risk_score", [[[3], ["high"]], [[4], [4]]], runtime)
    response = client.post(CALL, json=body)
    assert response.status_code == 200, response.text
    return response.json()["result"]


@pytest.mark.parametrize("runtime", ["1.2", "1.3", "1.4"])
def test_a_bad_cell_is_an_error_object_with_its_reason(client: TestClient, runtime: str) -> None:
    # 3 × 4 = 12 is computed; 'high' is not a number, so that cell alone is #VALUE!.
    assert score(client, runtime) == [
        [12],
        [{"type": "Error", "errorType": "Value", "message": HIGH}],
    ]


def test_before_runtime_1_2_the_bad_cell_is_text(client: TestClient) -> None:
    # Runtime 1.1 has no error value with a message: the reason as text, as on the desktop.
    assert score(client, "1.1") == [[12], [f"#VALUE! {HIGH}"]]


def test_a_code_not_found_is_n_a_and_an_overflow_is_num(client: TestClient) -> None:
    table = [["ASC", "Adult social care"], ["CS", "Children's services"]]
    found = client.post(CALL, json=call_body("cpc_sample_lookup", [[["CS"], ["XX"]], table]))
    reason = "'XX' is not a code in the table"
    missing = {"type": "Error", "errorType": "NotAvailable", "message": reason}
    assert found.json()["result"] == [["Children's services"], [missing]]
    # 1e300 × 1e10 is past the largest double (about 1.8e308): #NUM!; 2 × 1e10 = 2e10.
    product = client.post(CALL, json=call_body("cpc_sample_product", [[[1e300], [2]], [[1e10]]]))
    (first,), (second,) = product.json()["result"]
    assert first["type"] == "Error" and first["errorType"] == "Num"
    assert second == 2e10


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("#VALUE! bad", {"type": "Error", "errorType": "Value", "message": "bad"}),
        ("#N/A not there", {"type": "Error", "errorType": "NotAvailable", "message": "not there"}),
        ("#NUM! too large", {"type": "Error", "errorType": "Num", "message": "too large"}),
        ("#VALUE!", {"type": "Error", "errorType": "Value", "message": ""}),
        # Text that only starts like an error stays text.
        ("#VALUE!s are errors", "#VALUE!s are errors"),
        ("#1 priority", "#1 priority"),
        ("#N/Ab", "#N/Ab"),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_error_value_reads_only_cpcxls_error_cells(cell: object, value: object) -> None:
    assert error_value(cell) == value


@pytest.mark.parametrize(
    ("runtime", "shows"),
    [("1.1", False), ("1.2", True), ("1.4", True), ("1.10", True), ("", False), (None, False)],
)
def test_which_runtimes_show_error_messages(runtime: object, shows: bool) -> None:
    assert shows_error_messages(runtime) is shows
