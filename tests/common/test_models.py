from __future__ import annotations

import pytest
from pydantic import BaseModel, field_validator

from cpcxl.common.errors import InputError, Location
from cpcxl.common.models import build_model


class Line(BaseModel):
    name: str
    amount: float

    @field_validator("name")
    @classmethod
    def known(cls, value: str) -> str:
        if value == "unknown":
            raise InputError("'unknown' is not a budget line", valid="Reablement, Carers")
        return value


def test_a_validator_input_error_keeps_its_words_and_gains_the_location() -> None:
    with pytest.raises(InputError) as caught:
        build_model(Line, location=Location(sheet="Lines", row=4), name="unknown", amount=1)
    assert str(caught.value) == (
        "sheet 'Lines', row 4: 'unknown' is not a budget line; valid: Reablement, Carers"
    )


def test_pydantic_type_errors_name_the_field_and_the_value() -> None:
    with pytest.raises(InputError) as caught:
        build_model(Line, name="Carers", amount="lots")
    assert str(caught.value) == (
        "amount: Input should be a valid number, unable to parse string as a number (got 'lots')"
    )


def test_a_valid_model_is_returned() -> None:
    assert build_model(Line, name="Carers", amount="12.5").amount == 12.5
