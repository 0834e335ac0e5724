"""Financial years, bases and choices as officers type them."""

from __future__ import annotations

import pytest

from cpcxl.budget.models import (
    ContributionKind,
    PartnerType,
    RiskBasis,
    parse_choice,
    parse_year,
    year_label,
)


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        (2025, 2025),
        (2025.0, 2025),
        ("2025", 2025),
        ("2025/26", 2025),
        ("2025-26", 2025),
        (" 2025 / 2026 ", 2025),
        ("1999/00", 1999),
    ],
)
def test_financial_years_as_typed(typed: object, year: int) -> None:
    assert parse_year(typed) == year


@pytest.mark.parametrize("typed", ["2025/27", "25/26", 2025.5, "next year", True, 12])
def test_not_financial_years(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_year(typed)


def test_year_labels_roll_over_the_century() -> None:
    assert [year_label(y) for y in (2025, 2099, 1999)] == ["2025/26", "2099/00", "1999/00"]


def test_bases_by_code_or_label() -> None:
    assert RiskBasis.parse("Pro rata per line") is RiskBasis.PRO_RATA_PER_LINE
    assert RiskBasis.parse("HOST") is RiskBasis.HOST
    assert RiskBasis.parse("each line's commissioning partner bears it") is RiskBasis.LEAD
    with pytest.raises(ValueError):
        RiskBasis.parse("whoever")


def test_choices_ignore_case_and_punctuation() -> None:
    assert (
        parse_choice(ContributionKind, "physical-resources") is ContributionKind.PHYSICAL_RESOURCES
    )
    assert parse_choice(PartnerType, "nhs body") is PartnerType.NHS_BODY
    assert ContributionKind.FINANCIAL.is_cash and not ContributionKind.TIME.is_cash
