"""The plan's assumptions and the range each must lie in."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, model_validator

from cpcxl.common.errors import InputError
from cpcxl.common.fields import Number, Rate

from .core import (
    AGENCY_PREMIUM,
    BANK_PREMIUM,
    HEADROOM,
    PLAN_YEARS,
    RECRUITMENT_RATE,
    STANDARD_HOURS,
    TURNOVER,
    VACANCY,
    WEEKS_TO_RECRUIT,
    HeadroomMethod,
)
from .development import BUDGET, LEAVE_PART, OTHER_PART, SICKNESS, TOLERANCE


class Assumptions(BaseModel):
    """The plan's assumptions; each default's source is on the Assumptions sheet
    (``inputs.ASSUMPTIONS``), and each value must lie in its declared range.

    ``turnover`` and ``vacancy`` are for social care roles (Skills for Care); ``nhs_turnover``
    and ``nhs_vacancy`` for roles whose substantive staff the NHS employs (NHS England).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard_hours: float = 37.5
    headroom: float = 0.22
    headroom_method: HeadroomMethod = HeadroomMethod.UPLIFT
    turnover: float = 0.231
    nhs_turnover: float = 0.101
    vacancy: float = 0.070
    nhs_vacancy: float = 0.075
    weeks_to_recruit: float = 12
    agency_premium: float = 0.30
    recruitment_rate: float = 0.30
    years: int = 5
    plan_start: dt.date = dt.date(2026, 4, 1)
    # issue 18: bank cover's premium, sickness by kind of role, headroom's parts, the budget
    # a year and the review's tolerance
    bank_premium: float = 0.0
    sickness: float = 0.023
    nhs_sickness: float = 0.056
    leave_part: float | None = None
    sickness_part: float | None = None
    study_part: float | None = None
    parental_part: float | None = None
    other_part: float | None = None
    budget_1: float | None = None
    budget_2: float | None = None
    budget_3: float | None = None
    budget_4: float | None = None
    budget_5: float | None = None
    review_tolerance: float = 0.10

    @model_validator(mode="after")
    def _plausible(self) -> Assumptions:
        for name, kind in ASSUMPTION_RANGES.items():
            value = getattr(self, name)
            if value is None:
                continue
            try:
                kind.check(value)
            except InputError as exc:
                raise ValueError(f"{name}: {exc.message}") from None
        return self

    @property
    def parts(self) -> dict[str, float | None]:
        """Headroom's parts as given (None where blank), in the order the sheets show them."""
        return {name: getattr(self, field) for field, name in HEADROOM_PARTS.items()}

    @property
    def built_headroom(self) -> bool:
        """True when any part of headroom is given: headroom is then their sum, by role."""
        return any(v is not None for v in self.parts.values())

    @property
    def budgets(self) -> dict[int, float]:
        """The budget for each plan year that has one: {year: £}."""
        return {
            y: float(b)
            for y in range(1, self.years + 1)
            if (b := getattr(self, f"budget_{y}")) is not None
        }


#: The range each numeric assumption must lie in (the Assumptions sheet reads with these).
ASSUMPTION_RANGES: dict[str, Number | Rate] = {
    "standard_hours": STANDARD_HOURS,
    "headroom": HEADROOM,
    "turnover": TURNOVER,
    "nhs_turnover": TURNOVER,
    "vacancy": VACANCY,
    "nhs_vacancy": VACANCY,
    "weeks_to_recruit": WEEKS_TO_RECRUIT,
    "agency_premium": AGENCY_PREMIUM,
    "recruitment_rate": RECRUITMENT_RATE,
    "years": PLAN_YEARS,
    "bank_premium": BANK_PREMIUM,
    "sickness": SICKNESS,
    "nhs_sickness": SICKNESS,
    "leave_part": LEAVE_PART,
    "sickness_part": SICKNESS,
    "study_part": OTHER_PART,
    "parental_part": OTHER_PART,
    "other_part": OTHER_PART,
    **{f"budget_{y}": BUDGET for y in range(1, 6)},
    "review_tolerance": TOLERANCE,
}

#: Headroom's parts: {assumption field: what the sheets call it}.
HEADROOM_PARTS = {
    "leave_part": "annual leave",
    "sickness_part": "sickness",
    "study_part": "study leave",
    "parental_part": "parental leave",
    "other_part": "other",
}
