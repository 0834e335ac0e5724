"""Worksheet functions in the shapes xlwings passes, and the Score register button."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputErrors
from cpcxl.common.grid import CELL_ERROR_LIMIT
from cpcxl.risk import excel, workbook
from cpcxl.risk.excel import cpc_risk_exposure, cpc_risk_heatmap, cpc_risk_rating, cpc_risk_score
from cpcxl.risk.models import CorrelationSettings
from cpcxl.risk.sample import DEMO_AS_OF, run_demo
from cpcxl.xl import udfs
from cpcxl.xl.remote import run_script_on_file

#: The Register's Flags column (after the £ estimate and the issue 15 columns).
FLAGS = workbook.LETTER["Flags"]

LONG = "9" * 10 + "x" * 32_757  # a cell's most: 32,767 characters


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
        "#VALUE! 'Possibel' is not a likelihood; did you mean 'Possible'?; valid: 1 to 5, or "
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


def test_exposure_by_keyword_is_the_same_as_by_position() -> None:
    # One certain risk of a fixed £7,000: every figure is £7,000, at 90% confidence too.
    args = ([1, 0.5], [7000, 0], [7000, 10], [7000, 20])
    by_position = udfs.cpc_risk_exposure(*args, 0.9, 5000, 3)
    by_keyword = udfs.cpc_risk_exposure(
        probabilities=args[0],
        minimums=args[1],
        most_likely=args[2],
        maximums=args[3],
        confidence=0.9,
        iterations=5000,
        seed=3,
    )
    assert by_position == by_keyword
    assert by_keyword[-1][0] == "Contingency at 90% confidence"


# --- the issue's cases in the worksheet function: '1_000', a whole cell of text, 30 for 30% ---


def test_a_python_style_number_in_an_estimate_is_refused_and_located() -> None:
    result = udfs.cpc_risk_exposure([0.3], ["1_000"], [2000], [3000])
    assert result == (
        "#VALUE! item 1 minimum: '1_000' is not an amount in £; valid: an amount in £ from "
        "-£1,000,000,000,000 to £1,000,000,000,000"
    )


def test_a_whole_cell_of_text_in_an_estimate_is_shortened_in_the_cells_reason() -> None:
    result = udfs.cpc_risk_exposure([0.3], [1000], [2000], [LONG])
    assert isinstance(result, str) and len(result) <= CELL_ERROR_LIMIT
    assert result.startswith(
        f"#VALUE! item 1 maximum: '{LONG[:37]}...' (32,767 characters) is not an amount in £"
    )


def test_a_probability_typed_as_thirty_is_refused_with_what_was_meant() -> None:
    result = udfs.cpc_risk_exposure([30], [1000], [2000], [3000])
    # A rate is a fraction: 30 is read as 3,000%, never divided by 100 behind the officer's back.
    assert isinstance(result, str) and len(result) <= CELL_ERROR_LIMIT
    assert result.startswith("#VALUE! item 1 probability: 30 is 3,000%, outside 0% to 100%")
    assert "; type 30% (or 0.3)" in result
    confidence = udfs.cpc_risk_exposure([0.3], [1000], [2000], [3000], 80)
    assert confidence.startswith("#VALUE! confidence: 80 is 8,000%, outside 50% to 99.9%")
    assert "type 80% (or 0.8)" in confidence


def test_score_register_on_the_demo_sample_reports_the_misspelling_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    path = run_demo(tmp_path)[0]
    cells = run_script_on_file(excel.score_register, path)
    register = cells["Register"]
    flags = workbook.LETTER["Flags"]
    ids = {register[f"A{r}"]: r for r in range(6, 66)}
    assert len(ids) == 60
    # CR034's residual likelihood is typed 'Likley' in the sample.
    assert register[f"{flags}{ids['CR034']}"].startswith(
        "Check Residual likelihood: 'Likley' is not a likelihood; did you mean 'Likely'?"
    )
    checked = [r for r in ids.values() if str(register.get(f"{flags}{r}", "")).startswith("Check")]
    assert checked == [ids["CR034"]]
    # CR020: residual 4 × 4 = 16 against inherent Possible × Moderate = 9.
    assert "Residual above inherent" in register[f"{flags}{ids['CR020']}"]
    summary = cells["Summary"]
    assert summary["A2"].startswith("57 open risks of 60; reviews due as of 01/07/2026")
    assert dt.date(2026, 7, 1) == DEMO_AS_OF


def test_appetite_set_on_the_sheet_changes_the_flags(tmp_path: Path) -> None:
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
    assert cells["Register"][f"{FLAGS}6"] == "Above target (8); Review overdue (due 01/05/2026)"


def test_a_register_missing_a_required_column_stops_with_the_headers_found(
    tmp_path: Path,
) -> None:
    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    wb["Register"]["G5"] = "Harm"  # 'Inherent impact' renamed to a word we do not know
    wb.save(path)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.score_register, path)
    found = [str(e) for e in caught.value]
    assert found[0].startswith(
        "Register!G5: the header 'Harm' is not a column of the Register table; valid: the "
        "columns Risk ID, Title, Description"
    )
    assert found[1].startswith(
        "sheet 'Register', row 5: the Register table has no 'Inherent impact' column (headers "
        "found: 'Risk ID', 'Title', 'Description'"
    )
    assert "'Harm'" in found[1]


def test_a_renamed_optional_header_stops_the_button_and_names_it(tmp_path: Path) -> None:
    # Renaming "Maximum impact (£)" must not make every £ estimate incomplete without a word.
    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    wb["Register"][f"{workbook.LETTER['Maximum impact (£)']}5"] = "Max"
    wb.save(path)
    with pytest.raises(InputErrors) as caught:
        run_script_on_file(excel.score_register, path)
    assert [str(e).split(";")[0] for e in caught.value] == [
        "Register!AA5: the header 'Max' is not a column of the Register table"
    ]


def test_the_issues_cases_through_the_button_are_each_flagged_in_their_row(
    tmp_path: Path,
) -> None:
    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    ws = wb["Register"]
    at = {h: workbook.LETTER[h] for h in workbook.HEADERS}
    # R1 (row 6): a £ estimate with '1_000' typed as its minimum.
    for header, value in (
        ("Chance of occurring", 0.3),
        ("Minimum impact (£)", "1_000"),
        ("Most likely impact (£)", 2000),
        ("Maximum impact (£)", 3000),
    ):
        ws[f"{at[header]}6"] = value  # fmt: skip
    # R2 (row 7): 32,767 characters in its maximum, and a chance typed as 30 for 30%.
    for header, value in (
        ("Chance of occurring", 30),
        ("Minimum impact (£)", 1000),
        ("Most likely impact (£)", 2000),
        ("Maximum impact (£)", LONG),
    ):
        ws[f"{at[header]}7"] = value  # fmt: skip
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    flags = cells["Register"]
    assert flags[f"{FLAGS}6"].startswith(
        "Check Minimum impact (£): '1_000' is not an amount in £; valid: an amount in £ from "
        "-£1,000,000,000,000 to £1,000,000,000,000"
    )
    assert flags[f"{FLAGS}7"].startswith(
        "Check Chance of occurring: 30 is 3,000%, outside 0% to 100% for a chance of occurring"
    )
    assert "type 30% (or 0.3)" in flags[f"{FLAGS}7"]
    shortened = f"Check Maximum impact (£): '{LONG[:37]}...' (32,767 characters) is not"
    assert shortened in flags[f"{FLAGS}7"]
    assert LONG not in flags[f"{FLAGS}7"]  # never echoed whole
    # The rest of each row is scored as before (see the worked example on score_register).
    assert flags[f"{FLAGS}6"].endswith("Above appetite (Cautious: up to 9); Above target (8); "
                                 "Review overdue (due 01/05/2026)")  # fmt: skip
    problems = [v for k, v in cells["Summary"].items() if isinstance(v, str) and "Y6" in v]
    assert problems == [
        "Register!Y6, field 'Minimum impact (£)': '1_000' is not an amount in £; "
        "valid: an amount in £ from -£1,000,000,000,000 to £1,000,000,000,000"
    ]


def test_a_smaller_matrix_made_on_the_sheet_is_used_by_the_button(tmp_path: Path) -> None:
    path = excel._example_workbook(tmp_path)
    wb = load_workbook(path)
    matrix = wb["Matrix"]
    for column in "ABCDEGHIJ":  # the organisation drops level 5 of both scales: a 4 × 4
        matrix[f"{column}12"] = None
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    heat_map = cells["Heat map"]
    # Rows now run likelihood 4 (row 6) to 1 (row 9); columns impact 1 (B) to 4 (E).
    assert heat_map["A6"] == "4 Likely" and heat_map["E5"] == "4 Major"
    assert "F5" not in heat_map
    assert heat_map["E6"] == 1  # R1: Likely × Major
    # R2's impact 5 is off the scale now, and says so in its own row.
    assert cells["Register"][f"{FLAGS}7"].startswith(
        "Check Inherent impact: 5 is not an impact (scores run from 1 to 4); valid: 1 to 4, or "
        "Negligible, Minor, Moderate, Major"
    )


# --- issue 12 case 3 through the add-in server's own wrapper ------------------------------------


def test_case_12_3_exposure_past_the_servers_time_limit_is_stopped_and_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 12 case 3: the call runs under the server's limit (here 0.5 s) and the simulation
    # checks the clock each chunk, so the cell is answered with the reason at about the limit
    # and nothing keeps computing (before, the thread ran on after the 5.5 s answer).
    import asyncio
    import time

    from cpcxl.xl.worksheet import excel_function

    monkeypatch.setenv("CPCXL_SERVER_TIME_LIMIT", "0.5")
    served = excel_function(cpc_risk_exposure, server=True)
    rng = np.random.default_rng(5)
    low = rng.uniform(1_000, 10_000, 1_000).tolist()
    column = [[v] for v in low]
    started = time.perf_counter()
    answer = asyncio.run(
        served([[0.3]] * 1_000, column, [[2 * v] for v in low], [[3 * v] for v in low],
               0.8, 90_000, 1)
    )  # fmt: skip
    assert isinstance(answer, str) and answer.startswith("#VALUE! stopped after 0.5 seconds")
    assert time.perf_counter() - started < 3


def test_case_12_3_iterations_and_draws_are_bounded_in_the_cell() -> None:
    # 1E308 iterations: refused by the iterations' own range before any work.
    assert udfs.cpc_risk_exposure([0.5], [1], [2], [3], 0.8, 1e308).startswith(
        "#VALUE! iterations: 1e+308 is outside 1 to 10,000,000"
    )
    # 20,000 risks × 10,000 iterations = 200,000,000 draws, over the 100,000,000 bound.
    n = 20_000
    result = udfs.cpc_risk_exposure([[0.5]] * n, [[1]] * n, [[2]] * n, [[3]] * n)
    assert result == (
        "#VALUE! 20,000 risks × 10,000 iterations is 200,000,000 draws, over the 100,000,000 "
        "one simulation may make (about ten seconds' work); valid: at most 5,000 iterations "
        "for 20,000 risks"
    )


# --- issue 12 case 13: a rerun keeps what a person typed, and only that -------------------------


def test_case_12_13_presses_keep_no_needless_copy_and_keep_an_officers_note(
    tmp_path: Path,
) -> None:
    # Issue 12 case 13. The template marks the Heat map and Summary as the button's to fill,
    # so the first press replaces them with no "(edited)" copy; a second press over sheets
    # cpcxl wrote itself keeps none either; a note the officer typed on the Summary is copied
    # aside before the third press replaces the sheet, and the new Summary says where it is.
    from cpcxl.xl.remote import apply_values, payload_after, payload_from_xlsx, run_script

    path = excel._example_workbook(tmp_path)
    payload = payload_from_xlsx(path)
    first = run_script(excel.score_register, payload)
    assert not [a for a in first if a["func"] == "copySheet"]
    after_first = payload_after(payload, first)
    second = run_script(excel.score_register, after_first)
    assert not [a for a in second if a["func"] == "copySheet"]
    after_second = payload_after(after_first, second)
    summary = next(s for s in after_second["sheets"] if s["name"] == "Summary")
    summary["values"][0].extend([""] * 12)
    summary["values"][0][12] = "Audit committee asked for R2 to come back in September"
    third = run_script(excel.score_register, after_second)
    assert [a["func"] for a in third].count("copySheet") == 1
    cells = apply_values(after_second, third)
    assert cells["Summary (edited)"]["M1"] == (
        "Audit committee asked for R2 to come back in September"
    )
    assert "M1" not in cells["Summary"]
    assert "Heat map (edited)" not in cells
    notes = [v for v in cells["Summary"].values() if isinstance(v, str) and "(edited)" in v]
    assert notes == [
        "Your changes to the earlier Summary sheet are kept on the sheet 'Summary (edited)'; "
        "this sheet was written afresh."
    ]


# --- issue 15: bad input through the button, each in its cell ------------------------------------


def test_issue_15_bad_links_are_each_flagged_where_they_are(tmp_path: Path) -> None:
    from cpcxl.risk.sample import EXAMPLE_RISKS

    path = workbook.build_register_workbook(
        tmp_path / "register.xlsx",
        EXAMPLE_RISKS,
        as_of=dt.date(2026, 6, 1),
        actions=[{"risk_id": "R7", "action": "Re-tender the contract", "status": "Not started"}],
        incidents=[{"ref": "INC1", "date": dt.date(2026, 6, 2), "risk_id": "R1",
                    "kind": "Incident", "what": "Provider missed a payroll run"}],
    )  # fmt: skip
    wb = load_workbook(path)
    at = workbook.LETTER
    wb["Register"][f"{at['Date raised']}6"] = dt.datetime(2026, 4, 1)
    wb["Register"][f"{at['Proximity']}6"] = "2025/26"  # ended 31/03/2026, before it was raised
    correlation = wb["Correlation"]  # the matrix by risk id from E7: R1-R2 given both ways
    correlation["F7"], correlation["G7"], correlation["E8"], correlation["E9"] = (
        "R1", "R2", "R1", "R2"
    )  # fmt: skip
    correlation["G8"], correlation["F9"] = 0.5, 0.3
    wb.save(path)
    cells = run_script_on_file(excel.score_register, path)
    assert cells["Actions"]["G5"].startswith(
        "Check Risk ID: 'R7' is not a risk on the Register; valid: a Risk ID on the Register"
    )
    assert cells["Incidents"]["H5"].startswith(
        "Check Date: the incident is dated 02/06/2026, after the review date 01/06/2026: it "
        "cannot have happened yet"
    )
    assert cells["Register"][f"{FLAGS}6"].startswith(
        "Check Proximity: the proximity 2025/26 ended on 31/03/2026, before the date raised "
        "01/04/2026"
    )
    problems = [v for v in cells["Summary"].values() if isinstance(v, str) and "Correlation!" in v]
    assert problems == [
        "Correlation!F9, field 'correlation': 0.3 here but 0.5 at G8 for the same two risks (R1 "
        "and R2): the matrix is not symmetric; valid: the same correlation both ways, or one "
        "half of the matrix only"
    ]


def test_issue_15_a_correlation_no_risks_could_have_is_offered_the_nearest(
    tmp_path: Path,
) -> None:
    # Three quantified risks: R1 with R2 0.9, R2 with R3 0.9, but R1 with R3 -0.9: if R1 moves
    # with R2 and R2 with R3, R1 cannot move against R3. Not positive semi-definite (its
    # smallest eigenvalue is 1 - 0.9 - 0.9 ... = -0.8): the exposure treats the risks as
    # independent and the Exposure sheet offers the nearest valid matrix (Higham).
    from cpcxl.risk.sample import EXAMPLE_RISKS

    quantified = [
        r.model_copy(update={"probability": 0.5, "minimum": 1000, "most_likely": 2000,
                             "maximum": 4000}) for r in EXAMPLE_RISKS
    ]  # fmt: skip
    settings = CorrelationSettings(pairs={("R1", "R2"): 0.9, ("R2", "R3"): 0.9,
                                          ("R1", "R3"): -0.9})  # fmt: skip
    path = workbook.build_register_workbook(
        tmp_path / "register.xlsx", quantified, as_of=dt.date(2026, 6, 1), correlation=settings
    )
    cells = run_script_on_file(excel.score_register, path)
    exposure = cells["Exposure"]
    said = [v for v in exposure.values() if isinstance(v, str) and "cannot be used" in v]
    assert said == [
        "The correlation given cannot be used: the correlation matrix is not positive "
        "semi-definite (its smallest eigenvalue is -0.8): no set of risks can be correlated so"
    ]  # eigenvalues of [[1, .9, -.9], [.9, 1, .9], [-.9, .9, 1]]: -0.8, 1.9, 1.9
    title = next(k for k, v in exposure.items() if str(v).startswith("The nearest valid"))
    row = int(title[1:]) + 1
    assert [exposure[f"{c}{row}"] for c in "ABCD"] == ["Risk ID", "R1", "R2", "R3"]
    nearest = np.array([[exposure[f"{c}{row + r}"] for c in "BCD"] for r in (1, 2, 3)])
    assert np.allclose(np.diag(nearest), 1) and np.linalg.eigvalsh(nearest)[0] >= -1e-4
    assert "none: the correlation given is not valid" in exposure["A2"]


def test_the_worksheet_function_offers_the_nearest_matrix_by_its_own_function() -> None:
    higham = [[1, 1, 0], [1, 1, 1], [0, 1, 1]]
    said = udfs.cpc_risk_exposure([0.5] * 3, [1] * 3, [2] * 3, [3] * 3, 0.8, 1000, 1, higham)
    assert said == (
        "#VALUE! correlation: the correlation matrix is not positive semi-definite (its "
        "smallest eigenvalue is -0.414): no set of risks can be correlated so; "
        "=CPC_RISK_NEAREST_CORRELATION(range) gives the nearest valid one (Higham's method)"
    )
    nearest = udfs.cpc_risk_nearest_correlation(higham)
    # Higham (2002), section 4: off-diagonals 0.7607, 0.1573, 0.7607.
    assert np.round(np.array(nearest), 4).tolist() == [
        [1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]
    ]  # fmt: skip
    assert udfs.cpc_risk_exposure([0.5] * 3, [1] * 3, [2] * 3, [3] * 3, 0.8, 1000, 1,
                                  nearest)[0][0] == "Expected exposure"  # fmt: skip
    wrong_size = udfs.cpc_risk_exposure([0.5] * 3, [1] * 3, [2] * 3, [3] * 3, 0.8, 1000, 1,
                                        [[1, 0.2], [0.2, 1]])  # fmt: skip
    assert wrong_size.startswith(
        "#VALUE! correlation: the correlation matrix is 2×2 for 3 risks; it needs one row and "
        "one column per risk (3×3)"
    )
