from __future__ import annotations

import datetime as dt

import pytest

from cpcxl.common.errors import InputError
from cpcxl.common.tables import (
    ROW,
    Column,
    find_header_row,
    frame_from_values,
    match_headers,
    values_from_frame,
)

COLUMNS = [
    Column("id", ("ref", "risk id")),
    Column("likelihood", ("probability", "likelihood score")),
    Column("impact", ("consequence", "severity")),
    Column("owner", (), required=False),
]


def test_synonyms_and_spacing_are_matched() -> None:
    match = match_headers(["Risk ID", "  Probability ", "Severity (1-5)", "Notes"], COLUMNS)
    assert match.columns == {"id": 0, "likelihood": 1, "impact": 2}
    assert match.unmatched_headers == ["Notes"]
    assert match.missing == []


def test_header_found_below_a_title_and_across_two_rows() -> None:
    columns = [
        Column("id", ("ref",)),
        Column("inherent_likelihood", ("inherent probability",)),
        Column("inherent_impact", ("inherent consequence",)),
        Column("residual_likelihood", ("residual probability",)),
        Column("residual_impact", ("residual consequence",)),
    ]
    rows = [
        ["Corporate risk register 2026/27", None, None, None, None],
        [None, None, None, None, None],
        ["Ref", "Inherent", None, "Residual", None],  # group headers over merged cells
        [None, "Probability", "Consequence", "Probability", "Consequence"],
        ["R1", 3, 4, 2, 4],
    ]
    start, span, match = find_header_row(rows, columns)
    assert (start, span) == (2, 2)
    assert match.columns == {
        "id": 0,
        "inherent_likelihood": 1,
        "inherent_impact": 2,
        "residual_likelihood": 3,
        "residual_impact": 4,
    }


def test_frame_keeps_sheet_row_numbers_and_drops_blank_rows() -> None:
    rows = [["ID", "Likelihood", "Impact"], ["R1", 3, 4], [None, None, None], ["R2", 2, 2]]
    frame = frame_from_values(rows, COLUMNS, first_row=5)
    assert frame["id"].tolist() == ["R1", "R2"]
    assert frame[ROW].tolist() == [6, 8]


def test_missing_required_column_lists_the_headers_found() -> None:
    with pytest.raises(
        InputError, match=r"missing required column impact; headers found: 'ID', 'Likelihood'"
    ):
        frame_from_values([["ID", "Likelihood"], ["R1", 3]], COLUMNS)


def test_values_from_frame_gives_blanks_and_dates() -> None:
    rows = [["ID", "Due"], ["A", dt.date(2026, 4, 1)], ["B", None]]
    frame = frame_from_values(rows)
    assert values_from_frame(frame) == [["ID", "Due"], ["A", dt.date(2026, 4, 1)], ["B", None]]
