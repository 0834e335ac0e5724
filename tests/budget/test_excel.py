"""The worksheet functions' edges and the Build budget button through xlwings' remote engine."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cpcxl.budget import sample
from cpcxl.budget.excel import (
    build_budget,
    cpc_pool_shares,
    cpc_pool_summary,
    cpc_risk_share,
    cpc_uplift,
)
from cpcxl.budget.workbook import build_template
from cpcxl.common.errors import InputError
from cpcxl.xl.remote import apply_values, payload_from_xlsx, run_script


def test_the_button_writes_every_sheet_and_two_charts(tmp_path: Path) -> None:
    payload = payload_from_xlsx(build_template(tmp_path / "book.xlsx"))
    actions = run_script(build_budget, payload)
    cells = apply_values(payload, actions)
    for sheet in ("Budget", "Risk share", "Scenarios", "Monitoring"):
        assert sheet in cells
    charts = [a for a in actions if a["func"] == "addChart"]
    assert [c["args"][0] for c in charts] == [
        "Cash and in kind by partner",
        "Contributions by partner and year",
    ]
    scenarios = cells["Scenarios"]
    assert scenarios["A5"] == sample.ICB
    assert scenarios["B4"] == "Base: contribution £"
    # "Host bears overspends": the county (host) bears the whole £1,200,000 test overspend.
    host_column = [k for k, v in scenarios.items() if v == "Host bears overspends: exposure £"]
    (header,) = host_column
    column = header.rstrip("0123456789")
    assert scenarios[f"{column}6"] == 1_200_000
    monitoring = cells["Monitoring"]
    # Reablement 2025/26: 23,650,000 against 18.5m + 4.8m = 23.3m: +350,000.
    row = next(k[1:] for k, v in monitoring.items() if v == sample.REABLEMENT and k[0] == "A")
    assert monitoring[f"F{row}"] == 350_000


def test_the_button_lists_problems_with_their_cells_instead_of_building(tmp_path: Path) -> None:
    data = copy.deepcopy(sample.TABLES)
    data["contributions"][0][2] = "2031/32"
    data["arrangement"][4][1] = "Nobody"
    payload = payload_from_xlsx(build_template(tmp_path / "book.xlsx", data))
    cells = apply_values(payload, run_script(build_budget, payload))
    assert "Budget" not in cells
    problems = cells["Problems"]
    assert problems["A4"] == "Arrangement!B9, field 'Host partner'"
    assert problems["B4"] == "the host 'Nobody' is not one of the partners"
    assert problems["A5"] == "Contributions!C5, field 'Year'"
    assert problems["B5"] == "year 2031/32 is outside the arrangement"
    assert problems["C5"] == "2025/26 to 2027/28 (the arrangement's years)"


def test_a_stale_problems_sheet_is_removed_once_the_budget_builds(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = build_template(tmp_path / "book.xlsx")
    wb = load_workbook(path)
    wb.create_sheet("Problems")["A1"] = "an old problem"
    wb.save(path)
    payload = payload_from_xlsx(path)
    assert "Problems" in [s["name"] for s in payload["sheets"]]
    actions = run_script(build_budget, payload)
    # cpcxl.xl.remote.apply_values does not replay sheetDelete, so check the action itself.
    assert [a["func"] for a in actions].count("sheetDelete") == 1


def test_pool_shares_of_nothing_says_why() -> None:
    with pytest.raises(InputError, match="add up to £0"):
        cpc_pool_shares([[0], [None]])


def test_pool_shares_of_a_single_cell() -> None:
    assert cpc_pool_shares(250) == 1.0


def test_risk_share_with_an_unknown_basis() -> None:
    with pytest.raises(InputError, match="'whoever' is not a risk-share basis; valid: pro_rata"):
        cpc_risk_share([[1], [2]], 10, "whoever")


def test_risk_share_fixed_percentages_must_add_up() -> None:
    with pytest.raises(InputError, match=r"add up to 90\.00%, not 100%"):
        cpc_risk_share([[1], [2]], 10, "fixed", [[0.5], [0.4]])


def test_risk_share_terms_must_match_the_contributions() -> None:
    with pytest.raises(InputError, match="the terms have 3 cells but the contributions have 2"):
        cpc_risk_share([[1], [2]], 10, "fixed", [[0.5], [0.4], [0.1]])


def test_risk_share_by_the_lines_commissioning_partner() -> None:
    # Two partners (rows) × two lines (columns); line 1 led by partner 2, line 2 by partner 1.
    result = cpc_risk_share([[10, 20], [30, 40]], [[100, -40]], "lead", [[2, 1]])
    assert result == [[0.0, -40.0], [100.0, 0.0]]


def test_risk_share_by_basis_label_as_the_workbook_shows_it() -> None:
    # "Host bears it" is the drop-down's label for the host basis.
    assert cpc_risk_share([[1], [1]], 99.99, "Host bears it", 1) == [[99.99], [0.0]]


def test_risk_share_per_line_needs_a_variance_per_line() -> None:
    with pytest.raises(InputError, match=r"there are 2 lines \(columns\) but 3 variances"):
        cpc_risk_share([[1, 1], [1, 1]], [[1, 2, 3]], "pro_rata_per_line")


def test_pool_summary_with_an_unknown_kind() -> None:
    table = [["Partner", "Line", "Year", "Amount", "Kind"], ["NHS", "L", 2025, 10, "Goodwill"]]
    with pytest.raises(InputError, match="row 2, field 'kind': 'Goodwill' is not a kind"):
        cpc_pool_summary(table)


def test_pool_summary_without_the_amount_column() -> None:
    with pytest.raises(InputError, match="missing required column amount"):
        cpc_pool_summary([["Partner", "Line", "Year"], ["NHS", "L", 2025]])


def test_uplift_of_negative_years() -> None:
    assert cpc_uplift(100, 0.1, -1).startswith("#VALUE! -1 years is negative")
