from __future__ import annotations

import datetime as dt
import math

import pytest

from cpcxl.common.errors import InputError, Location
from cpcxl.common.values import (
    date_to_excel_serial,
    is_blank,
    is_excel_error,
    steady_number,
    to_date,
    to_number,
    to_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3.0),
        ("1,250", 1250.0),
        ("£1,250.50", 1250.5),
        ("12%", 0.12),
        ("(400)", -400.0),
        (" 7 ", 7.0),
    ],
)
def test_numbers_are_read_as_people_write_them(value: object, expected: float) -> None:
    assert to_number(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["abc", "#N/A", True, "", float("nan")])
def test_non_numbers_are_refused_with_the_value_named(value: object) -> None:
    with pytest.raises(InputError) as caught:
        to_number(value, what="an amount", location=Location(sheet="Costs", cell="C4"))
    assert str(caught.value).startswith("Costs!C4: ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("1/4/26", dt.date(2026, 4, 1)),
        ("2026-04-01", dt.date(2026, 4, 1)),
        (46112, dt.date(2026, 3, 31)),  # Excel shows 46112 formatted as a date as 31/03/2026
        (dt.datetime(2026, 3, 31, 9, 30), dt.date(2026, 3, 31)),
    ],
)
def test_dates_from_uk_text_iso_text_and_excel_serials(value: object, expected: dt.date) -> None:
    assert to_date(value) == expected


def test_excel_serial_round_trip_matches_excels_calendar() -> None:
    # Excel's serial for 01/01/1900 is 1 and for 01/03/1900 is 61 (after its phantom 29 Feb).
    assert date_to_excel_serial(dt.date(1900, 3, 1)) == 61
    assert to_date(61) == dt.date(1900, 3, 1)


@pytest.mark.parametrize("value", ["31/02/2026", "13/13/2026", "next Tuesday"])
def test_impossible_dates_say_why(value: str) -> None:
    with pytest.raises(InputError, match="valid: a date, an Excel date serial, dd/mm/yyyy"):
        to_date(value, location=Location(row=4, field="next_review"))


def test_blanks_and_errors() -> None:
    assert is_blank(None) and is_blank("  ") and is_blank(float("nan"))
    assert not is_blank(0)
    assert (
        is_excel_error("#N/A") and is_excel_error("#div/0!") and not is_excel_error("#1 priority")
    )


def test_text_of_blanks_is_empty_and_whole_numbers_lose_their_point() -> None:
    import pandas as pd

    assert [to_text(v) for v in (None, float("nan"), pd.NA, "  ")] == ["", "", "", ""]
    assert to_text(12.0) == "12" and to_text(" Reablement ") == "Reablement"


@pytest.mark.parametrize(
    ("kept", "saved"),
    [
        # as cpcxl wrote them (17 digits, as Excel keeps them) and as LibreOffice saves them (15)
        (58.333333333333336, 58.3333333333333),  # 7 of 12
        (92.65850945494995, 92.65850945495),  # 833 of 899: rounded straight to 12 digits these
        # two land either side of a half (92.6585094549 against 92.658509455)
        (1 / 3, 0.333333333333333),
        (100.0, 100.0),
        (1e-7 / 3, 3.33333333333333e-08),
    ],
)
def test_a_number_saved_by_a_spreadsheet_compares_as_the_same(kept: float, saved: float) -> None:
    assert float(f"{kept:.15g}") == saved  # what LibreOffice saves: 15 significant digits
    assert steady_number(kept) == steady_number(saved)


@pytest.mark.parametrize("kept", [100_000, 3])
def test_a_number_made_steady_again_is_the_same_and_zero_keeps_its_sign(
    monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """steady_number remembers what it worked out (emptied when it holds ``kept``): the rule
    written out, 15 digits then 12, agrees whatever it remembers; +0.0 and -0.0 are equal
    numbers that are written apart, so the first must not answer for the second."""
    from cpcxl.common import values

    monkeypatch.setattr(values, "_STEADY", {})
    monkeypatch.setattr(values, "_STEADY_KEPT", kept)
    numbers = [58.333333333333336, 0.0, 1 / 3, -0.0, 92.65850945494995, 1e16, 5e-324, 7, True]
    for _ in range(2):
        for number in numbers:
            assert steady_number(number) == f"{float(f'{float(number):.15g}'):.12g}"
    assert (steady_number(0.0), steady_number(-0.0)) == ("0", "-0")
    assert (steady_number(7), steady_number(True)) == ("7", "1")
    assert steady_number(math.inf) == "inf" and steady_number(math.nan) == "nan"
    assert len(values._STEADY) <= kept
    assert all(k and math.isfinite(k) for k in values._STEADY)  # no zero, NaN or infinity


def test_a_change_before_the_12th_digit_compares_as_a_change() -> None:
    assert steady_number(58.333333334) != steady_number(58.333333333333336)
    assert steady_number(0.1) != steady_number(0.1000000001)
