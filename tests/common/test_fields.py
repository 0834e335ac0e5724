"""The value types: each reads what people type, and refuses the rest with what would do."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import pytest

from cpcxl.common.errors import InputError
from cpcxl.common.fields import (
    Choice,
    Date,
    FinancialYear,
    Flag,
    Items,
    Money,
    Number,
    Rate,
    Text,
    Whole,
    parse_argument,
    percent_text,
)

UPLIFT = Rate(-0.5, 0.5, "beyond half a year's value is no uplift", what="an uplift")


def refused(kind: object, value: object) -> str:
    with pytest.raises(InputError) as caught:
        kind.parse(value)  # type: ignore[attr-defined]
    return str(caught.value)


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        (0.039, 0.039),  # a cell formatted as a percentage holds the fraction
        ("3.9%", 0.039),  # text with a % sign is unambiguous
        ("0.039", 0.039),
        (-0.25, -0.25),
        ("−5%", -0.05),  # the minus sign Word pastes
        (0, 0.0),
    ],
)
def test_a_rate_is_a_fraction(typed: object, fraction: float) -> None:
    assert UPLIFT.parse(typed) == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # 1 as a fraction is 100%; the person almost certainly meant 1%
        (1, "1 is 100%, outside -50% to 50% for an uplift"),
        (3.9, "3.9 is 390%, outside -50% to 50% for an uplift"),
        (22, "22 is 2,200%, outside -50% to 50% for an uplift"),
    ],
)
def test_a_rate_out_of_range_says_what_it_was_read_as_and_what_was_meant(
    typed: object, message: str
) -> None:
    text = refused(UPLIFT, typed)
    assert text.startswith(message)
    meant = typed / 100  # type: ignore[operator]
    assert f"type {typed:g}% (or {meant:g})" in text
    assert "beyond half a year's value is no uplift" in text  # the reason for the range


def test_a_rate_typed_with_a_percent_sign_out_of_range_gets_no_guess() -> None:
    text = refused(UPLIFT, "390%")
    assert text.startswith("'390%' is outside -50% to 50% for an uplift")
    assert "type" not in text


@pytest.mark.parametrize(
    "typed", ["1_000", "١٢٣", "inf", "nan", "-inf", "1e999", float("nan"), float("inf"), True]
)
def test_numbers_refuse_what_is_not_plainly_a_number(typed: object) -> None:
    refused(Number(), typed)


@pytest.mark.parametrize(
    ("typed", "number"),
    [("£1,250", 1250.0), ("(100)", -100.0), ("12,500.50", 12500.5), (" 7 ", 7.0), ("-£5", -5.0)],
)
def test_numbers_are_read_as_accountants_write_them(typed: str, number: float) -> None:
    assert Money().parse(typed) == number


def test_thousands_separators_must_group_threes() -> None:
    refused(Number(), "1,2,3")


def test_a_percentage_is_refused_where_a_rate_is_not_expected() -> None:
    assert "is a percentage, not a number" in refused(Number(), "12%")


def test_money_has_a_plausible_range() -> None:
    # 1e308 would print as a 309-digit figure; no public body's budget is over £1 trillion
    text = refused(Money(), 1e308)
    assert "outside -£1,000,000,000,000 to £1,000,000,000,000" in text


def test_a_huge_integer_is_refused_without_printing_it() -> None:
    text = refused(Number(), 10**5000)
    assert "too large" in text and len(text) < 200


def test_long_text_is_shortened_in_the_message() -> None:
    text = refused(Number(), "x" * 32767)
    assert "(32,767 characters)" in text
    assert len(text) < 200


def test_whole_numbers_and_ranges() -> None:
    years = Whole(1, 50, what="a number of years")
    assert years.parse("3") == 3
    assert "not a whole number" in refused(years, 2.5)
    assert "outside 1 to 50" in refused(years, 51)


class Term(StrEnum):
    SHORT = "Short term"
    MEDIUM = "Medium term"


TERM = Choice.of(Term, "a term")


@pytest.mark.parametrize(
    "typed", ["Short term", "short-term", "SHORT TERM", " Short_Term ", "SHORT"]
)
def test_a_choice_ignores_case_spaces_and_punctuation(typed: str) -> None:
    assert TERM.parse(typed) is Term.SHORT


def test_a_choice_that_is_close_suggests_the_option() -> None:
    text = refused(TERM, "Shrt term")
    assert text == (
        "'Shrt term' is not a term; did you mean 'Short term'?; valid: Short term, Medium term"
    )


def test_a_choice_lists_a_long_list_briefly() -> None:
    many = Choice.of([f"Option {i}" for i in range(30)], "an option")
    assert "and 18 more (see the drop-down)" in refused(many, "nothing like it")


def test_a_choice_alias_and_two_options_with_one_spelling() -> None:
    with_alias = Choice.of(Term, "a term", aliases={"Quick": Term.SHORT})
    assert with_alias.parse("quick") is Term.SHORT
    with pytest.raises(ValueError):
        Choice({"a": ("Same",), "b": ("same",)}, "an option")


@pytest.mark.parametrize(("typed", "flag"), [("Yes", True), ("n", False), (True, True), (0, False)])
def test_flags(typed: object, flag: bool) -> None:
    assert Flag().parse(typed) is flag


def test_dates_are_read_in_uk_form_and_within_a_plausible_span() -> None:
    day = Date()
    assert day.parse("01/04/2026") == dt.date(2026, 4, 1)  # dd/mm/yyyy, never US order
    assert day.parse(46113) == dt.date(2026, 4, 1)  # Excel's serial for 01/04/2026
    assert "is not a date" in refused(day, 5)  # not 05/01/1900
    assert "is not a real date" in refused(day, "31/02/2026")
    assert "not a plausible date" in refused(day, "01/04/1926")


@pytest.mark.parametrize(("typed", "year"), [(2025, 2025), ("2025/26", 2025), ("2025-2026", 2025)])
def test_financial_years(typed: object, year: int) -> None:
    assert FinancialYear().parse(typed) == year


def test_a_financial_year_must_be_one_year() -> None:
    assert "2025 is followed by 2026" in refused(FinancialYear(), "2025/27")


def test_text_refuses_error_values_and_can_be_limited() -> None:
    assert "holds the error #N/A" in refused(Text(), "#N/A")
    assert "longer than 10 characters" in refused(Text(max_length=10), "x" * 11)


def test_items_split_a_cell() -> None:
    assert Items().parse("Reablement; Discharge,\nEquipment") == (
        "Reablement",
        "Discharge",
        "Equipment",
    )


def test_an_argument_error_names_the_argument() -> None:
    with pytest.raises(InputError) as caught:
        parse_argument(UPLIFT, 1, "rate")
    assert str(caught.value).startswith("rate: 1 is 100%")


@pytest.mark.parametrize(("fraction", "text"), [(0.039, "3.9%"), (22, "2,200%"), (-0.5, "-50%")])
def test_percent_text(fraction: float, text: str) -> None:
    assert percent_text(fraction) == text
