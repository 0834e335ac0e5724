"""Worksheet functions in the shapes xlwings passes, and the Score register button."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from cpcxl.common.errors import InputError
from cpcxl.risk import excel, workbook
from cpcxl.risk.excel import cpc_risk_exposure, cpc_risk_heatmap, cpc_risk_rating, cpc_risk_score
from cpcxl.xl import udfs
from cpcxl.xl.remote import run_script_on_file


def test_shapes_come_back_as_they_went_in() -> None:
    assert cpc_risk_score(2, 3) == 6
    assert cpc_risk_score([1, 2], [5, 5]) == [5, 10]  # a column (or a row) as a flat list
    assert cpc_risk_score([[1, 2]], [[5, 5]]) == [[5, 10]]
    # A single cell stretches over a range: every risk with impact 'Major' (4).
    assert cpc_risk_score([[1], [2], [3]], "Major") == [[4], [8], [12]]
    assert cpc_risk_rating([[1], [None]], [[3], [None]]) == [["Low"], [None]]


def test_different_sized_ranges_are_one_readable_error() -> None:
    # Through Excel's module, where an error for the whole call becomes the cell's text.
    result = udfs.cpc_risk_score([[1], [2]], [[1], [2], [3]])
    assert isinstance(result, str) and "the ranges have different sizes (2×1 and 3×1)" in result


def test_a_hundred_thousand_rows_score_with_each_bad_cell_explained() -> None:
    labels = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    likelihood = [[labels[i % 5]] for i in range(100_000)]
    impact = [[(i % 5) + 1] for i in range(100_000)]
    likelihood[500][0] = "Possibel"
    impact[90_000][0] = None
    scores = cpc_risk_score(likelihood, impact)
    assert len(scores) == 100_000 and scores[0] == [1] and scores[4] == [25]
    assert scores[500] == [
        "#VALUE! 'Possibel' is not a likelihood (did you mean 'Possible'?); valid: 1 to 5, or "
        "Rare, Unlikely, Possible, Likely, Almost certain"
    ]
    assert scores[90_000] == ["#VALUE! the impact is blank; give both likelihood and impact"]
    assert type(scores[1][0]) is int  # Excel gets plain numbers, not numpy ones
    ratings = cpc_risk_rating(likelihood, impact)
    assert ratings[2] == ["High"] and ratings[3] == ["Extreme"]  # 3×3 = 9, 4×4 = 16


def test_heatmap_of_a_column_of_labels() -> None:
    grid = cpc_risk_heatmap([["Likely"], ["likely"], ["Rare"]], [["Major"], [4], ["Minor"]])
    expected = np.zeros((5, 5), dtype=int)
    expected[5 - 4, 4 - 1] = 2
    expected[5 - 1, 2 - 1] = 1
    assert grid == expected.tolist()


def test_exposure_rejects_a_half_filled_row_and_names_it() -> None:
    result = udfs.cpc_risk_exposure([0.5, 0.2], [1000, None], [2000, 5000], [3000, 9000])
    assert result == "#VALUE! item 2 minimum: blank"


def test_exposure_options_may_be_left_blank() -> None:
    figures = cpc_risk_exposure([1], [7000], [7000], [7000], None, None, None)
    assert figures[-1] == ["Contingency at 80% confidence", 7000]


def test_score_register_on_the_demo_sample_reports_the_misspelling_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    from cpcxl.risk.cli import DEMO_AS_OF, run_demo

    path = run_demo(tmp_path)[0]
    cells = run_script_on_file(excel.score_register, path)
    register = cells["Register"]
    flags = workbook.LETTER["Flags"]
    ids = {register[f"A{r}"]: r for r in range(6, 66)}
    assert len(ids) == 60
    # CR034's residual likelihood is typed 'Likley' in the sample.
    assert register[f"{flags}{ids['CR034']}"].startswith(
        "Check Residual likelihood: 'Likley' is not a likelihood (did you mean 'Likely'?)"
    )
    checked = [r for r in ids.values() if str(register.get(f"{flags}{r}", "")).startswith("Check")]
    assert checked == [ids["CR034"]]
    # CR020: residual 4 × 4 = 16 against inherent Possible × Moderate = 9.
    assert "Residual above inherent" in register[f"{flags}{ids['CR020']}"]
    summary = cells["Summary"]
    assert summary["A2"].startswith("57 open risks of 60; reviews due as of 01/07/2026")
    assert dt.date(2026, 7, 1) == DEMO_AS_OF


def test_appetite_set_on_the_sheet_changes_the_flags(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    appetite = wb["Appetite"]
    # The board moves Financial loss from Cautious (9) to Open, and Open to tolerate 12.
    for row in appetite.iter_rows():
        if row[0].value == "Financial loss":
            row[1].value = "Open"
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    # R1's residual 12 is now within appetite; its other flags stand.
    assert cells["Register"]["AB6"] == "Above target (8); Review overdue (due 01/05/2026)"


def test_a_register_missing_a_required_column_stops_with_the_headers_found(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    wb["Register"]["G5"] = "Harm"  # 'Inherent impact' renamed to a word we do not know
    wb.save(path)
    with pytest.raises(InputError) as caught:
        run_script_on_file(excel.score_register, path)
    message = str(caught.value)
    assert message.startswith("sheet 'Register': missing required column inherent_impact; ")
    assert "headers found: 'Risk ID', 'Title', 'Description'" in message
    assert "'Harm'" in message


def test_a_smaller_matrix_made_on_the_sheet_is_used_by_the_button(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    matrix = wb["Matrix"]
    for column in "ABCDFGHI":  # the organisation drops level 5 of both scales: a 4 × 4
        matrix[f"{column}12"] = None
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    heat_map = cells["Heat map"]
    # Rows now run likelihood 4 (row 6) to 1 (row 9); columns impact 1 (B) to 4 (E).
    assert heat_map["A6"] == "4 Likely" and heat_map["E5"] == "4 Major"
    assert "F5" not in heat_map
    assert heat_map["E6"] == 1  # R1: Likely × Major
    # R2's impact 5 is off the scale now, and says so in its own row.
    assert cells["Register"]["AB7"].startswith(
        "Check Inherent impact: 5 is not an impact (scores run from 1 to 4); valid: 1 to 4, or "
        "Negligible, Minor, Moderate, Major"
    )
