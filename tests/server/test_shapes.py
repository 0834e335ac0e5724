"""Arguments as Excel gives them: a column comes back as a column, a row as a row."""

from __future__ import annotations

import pytest

from cpcxl.common.excel_names import excel_name
from cpcxl.server.guard import Arity
from cpcxl.xl.worksheet import ExcelRange, as_excel_range, excel_function

from .sample_plugin import cpc_sample_risk_score, cpc_sample_total


@pytest.mark.parametrize(
    ("block", "value", "orientation"),
    [
        ([[7]], 7, "cell"),
        (7, 7, "cell"),
        (None, None, "cell"),
        ([[1], [2], [3]], [1, 2, 3], "column"),
        ([[1, 2, 3]], [1, 2, 3], "row"),
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]], "table"),
    ],
)
def test_a_block_is_passed_as_xlwings_would_with_its_orientation(
    block: object, value: object, orientation: str
) -> None:
    assert as_excel_range(block) == ExcelRange(value, orientation)


def test_a_column_in_gives_a_column_out_and_a_row_a_row() -> None:
    score = excel_function(cpc_sample_risk_score, server=False)
    column = score(as_excel_range([[3], [2]]), as_excel_range([[4], [5]]))
    assert column == [[12.0], [10.0]]  # 3×4, 2×5
    row = score(as_excel_range([[3, 2]]), as_excel_range([[4, 5]]))
    assert row == [12.0, 10.0]  # xlwings writes a flat list across a row
    # Called from Python, the function gives exactly what the capability returns.
    assert score([3, 2], [4, 5]) == [12.0, 10.0]


def test_a_single_result_is_not_reshaped() -> None:
    total = excel_function(cpc_sample_total, server=False)
    assert total(as_excel_range([[100], [250]]), None) == 350.0


def test_the_office_name_drops_the_repeated_prefix() -> None:
    assert excel_name("cpc_sample_total") == "SAMPLE_TOTAL"
    assert excel_name("CPC_Budget_Share") == "BUDGET_SHARE"


def test_arity_counts_required_and_optional_arguments() -> None:
    arity = Arity(cpc_sample_total)
    assert arity.problem("cpc_sample_total", 1) is None
    assert arity.problem("cpc_sample_total", 2) is None
    assert arity.problem("cpc_sample_total", 3) == (
        "cpc_sample_total takes 1 to 2 argument(s) (values, uplift); the request has 3"
    )
    assert Arity(lambda *values: 0).problem("f", 9) is None
    assert Arity(lambda first, *rest: 0).problem("f", 0) == (
        "f takes at least 1 argument(s) (first); the request has 0"
    )
