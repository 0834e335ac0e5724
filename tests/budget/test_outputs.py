"""The output sheets as data: the Problems sheet, notes, and where the charts' data is."""

from __future__ import annotations

from dataclasses import replace

from cpcxl.budget import engine, outputs
from cpcxl.budget.inputs import read_inputs
from cpcxl.common.errors import InputError, InputErrors, Location

from .tables import cells, sample_data


def sample_result() -> engine.BudgetResult:
    given, _ = read_inputs(cells(sample_data()))
    return engine.build(given)


def test_the_problems_sheet_lists_where_what_and_what_would_be_valid() -> None:
    errors = InputErrors(
        [
            InputError(
                "3.9 is 390%",
                location=Location(sheet="Conditions", cell="C5", field="Rate % or cap £"),
                valid="a percentage from -50% to 50%",
            )
        ]
    )
    sheet = outputs.problems_sheet(errors)
    assert sheet.name == "Problems"
    assert sheet.blocks[1].values == [
        ["Where", "Problem", "What would be valid"],
        ["Conditions!C5, field 'Rate % or cap £'", "3.9 is 390%", "a percentage from -50% to 50%"],
    ]


def test_notes_on_reading_are_shown_on_the_budget_sheet() -> None:
    result = sample_result()
    assert not any(
        b.title == "Notes on reading the inputs" for b in outputs.budget_sheet(result).blocks
    )
    noted = replace(result, inputs=replace(result.inputs, notes=("Contributions: read ...",)))
    (block,) = [
        b for b in outputs.budget_sheet(noted).blocks if b.title == "Notes on reading the inputs"
    ]
    assert block.values == [["Note"], ["Contributions: read ..."]]


def test_the_chart_data_is_found_where_it_was_placed() -> None:
    sheet = outputs.budget_sheet(sample_result())
    ranges = outputs.chart_ranges(sheet)
    # Four partners: a header and four rows; partner, cash and in kind, then partner and
    # the three years.
    (first, second) = ranges.values()
    assert first[2] - first[0] == 4 and first[3] - first[1] == 2
    assert second[2] - second[0] == 4 and second[3] - second[1] == 3
    assert outputs.chart_column(sheet) > max(b.column + b.width - 1 for b in sheet.blocks)


def test_every_sheet_is_named_as_the_button_writes_it() -> None:
    result = sample_result()
    given, scenarios = read_inputs(cells(sample_data()))
    comparison = engine.compare_scenarios(given, scenarios)
    names = [s.name for s in outputs.output_sheets(result, comparison)]
    # The sample has actuals by period and is a BCF plan: the month-end report and the BCF
    # checks follow the four sheets every budget gets.
    assert names == [
        "Budget",
        "Risk share",
        "Scenarios",
        "Monitoring",
        "Month-end report",
        "BCF checks",
    ]
