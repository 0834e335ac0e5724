"""The budget's words (CPC 501 and CPC 509 scope lists) and the arrangement's years."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cpcxl.budget.models import Arrangement, ContributionKind, RiskBasis
from cpcxl.common.fields import year_label


def test_only_financial_contributions_are_cash() -> None:
    # CPC 501 "contribution": staff, expertise, time and physical resources are in kind.
    assert [k for k in ContributionKind if k.is_cash] == [ContributionKind.FINANCIAL]


def test_every_basis_has_the_label_the_workbook_shows() -> None:
    assert RiskBasis.HOST.label == "Host bears it"
    assert len({b.label for b in RiskBasis}) == len(RiskBasis)


def test_an_arrangements_years_and_the_year_it_tests() -> None:
    a = Arrangement(first_year=2025, years=3)
    assert [year_label(y) for y in a.year_list] == ["2025/26", "2026/27", "2027/28"]
    assert a.risk_year == 2025  # the first year unless another is given
    assert Arrangement(first_year=2025, years=3, test_year=2026).risk_year == 2026


def test_year_labels_roll_over_the_century() -> None:
    assert [year_label(y) for y in (2025, 2099, 1999)] == ["2025/26", "2099/00", "1999/00"]


def test_an_arrangement_of_no_years_is_refused() -> None:
    with pytest.raises(ValidationError):
        Arrangement(first_year=2025, years=0)
