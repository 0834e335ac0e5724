from __future__ import annotations

import pytest

from cpcxl.common.errors import InputError
from cpcxl.common.grid import broadcast, elementwise, from_grid, numbers, to_grid


def double(x: float) -> float:
    if isinstance(x, str):
        raise InputError(f"{x!r} is not a number")
    return x * 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 6),
        ([1, 2, 3], [2, 4, 6]),
        ([[1, 2], [3, 4]], [[2, 4], [6, 8]]),
        ([[1], [None]], [[2], [None]]),
    ],
)
def test_results_keep_the_shape_excel_passed(value: object, expected: object) -> None:
    assert elementwise(double, value) == expected


def test_a_bad_cell_reports_itself_and_the_others_still_compute() -> None:
    assert elementwise(double, [1, "x", 3]) == [2, "#VALUE! 'x' is not a number", 6]


def test_an_excel_error_value_is_reported_not_read_as_blank() -> None:
    assert elementwise(double, [1, "#N/A"]) == [2, "#VALUE! the input cell holds the error #N/A"]


def test_a_single_cell_stretches_over_a_range() -> None:
    assert elementwise(lambda a, b: a * b, [1, 2, 3], 10) == [10, 20, 30]


def test_ranges_of_different_sizes_are_refused() -> None:
    with pytest.raises(InputError, match=r"different sizes \(2×1 and 3×1\)"):
        broadcast([1, 2], [1, 2, 3])


def test_round_trip_of_each_shape() -> None:
    for value in (5, [1, 2], [[1, 2], [3, 4]]):
        grid = to_grid(value)
        assert from_grid(grid.cells, grid.kind) == value


def test_numbers_skip_blanks_and_name_the_bad_item() -> None:
    assert numbers([[1, None], ["2", 3.5]]) == [1.0, 2.0, 3.5]
    with pytest.raises(InputError, match=r"item 3 \('abc'\)"):
        numbers([1, None, "abc"])
