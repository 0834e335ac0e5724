"""Workforce planning vocabulary (CPC 505 A-C) and the assumptions a plan rests on."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cpcxl.common.errors import InputError, Location
from cpcxl.common.values import to_text


class ContractType(StrEnum):
    """CPC 505 B3: 'a mix of full-time, part-time, temporary and contractual workers'."""

    FULL_TIME = "Full-time"
    PART_TIME = "Part-time"
    TEMPORARY = "Temporary"
    BANK = "Bank or zero-hours"
    AGENCY = "Agency"
    CONTRACTOR = "Contractor"
    VOLUNTEER = "Volunteer"


#: Contract types counted as the permanent workforce (employed paid full and part time).
PERMANENT = (ContractType.FULL_TIME, ContractType.PART_TIME)


class Employer(StrEnum):
    """Who employs the person: CPC 505's workforce scope list, direct payments included."""

    IN_HOUSE = "In-house"
    PRIVATE = "Private provider"
    VOLUNTARY = "Voluntary provider"
    PARTNER = "Partner"
    DIRECT_PAYMENTS = "Direct payments (employed by the person)"


class HeadroomMethod(StrEnum):
    """How headroom for leave, sickness and training turns worked FTE into required FTE."""

    UPLIFT = "uplift"  # worked × (1 + headroom)
    DIVIDE = "divide"  # worked ÷ (1 − headroom)


class TargetKind(StrEnum):
    MAX_AGENCY_SHARE = "Maximum agency share"
    MIN_PERMANENT_SHARE = "Minimum permanent share"
    MIN_SKILL_SHARE = "Minimum share at skill level"
    MAX_HOURS = "Maximum hours of a contract type"


class RiskFlag(StrEnum):
    AGENCY_OVER_LIMIT = "Agency share above its limit"
    SINGLE_PERSON_ROLE = "Role held by a single person"
    SKILL_MINIMUM_NOT_MET = "Skill minimum not met"
    RECRUITMENT_BEYOND_CAPACITY = "Recruitment needed beyond what the recruitment rate can deliver"


#: Each flag against CPC 505's 'Risks' scope list, so the plan's risks read in its terms.
RISK_CATEGORY = {
    RiskFlag.AGENCY_OVER_LIMIT: "risk of financial loss",
    RiskFlag.SINGLE_PERSON_ROLE: "risks of poor performance",
    RiskFlag.SKILL_MINIMUM_NOT_MET: "risks to people",
    RiskFlag.RECRUITMENT_BEYOND_CAPACITY: "risks of poor performance",
}

#: A contingency to consider for each flag (CPC 505 B8: maintain service continuity).
CONTINGENCY = {
    RiskFlag.AGENCY_OVER_LIMIT: "Grow a bank pool and convert regular agency shifts to "
    "fixed-term or permanent posts; agree agency rates on a framework.",
    RiskFlag.SINGLE_PERSON_ROLE: "Train a deputy or share cover with a partner organisation; "
    "keep written procedures for the role.",
    RiskFlag.SKILL_MINIMUM_NOT_MET: "Fund qualifications and supervision for staff one level "
    "below; recruit at the level needed; check safe staffing meanwhile.",
    RiskFlag.RECRUITMENT_BEYOND_CAPACITY: "Start recruiting earlier, widen the campaign, work "
    "with partners and training providers; plan bank or temporary cover for the gap.",
}

#: Suggested skill levels for the drop-down (the care workforce's qualification levels).
SKILL_LEVELS = (
    "Entry (no relevant qualification)",
    "Level 2",
    "Level 3",
    "Level 4",
    "Level 5 or above",
    "Registered professional",
)

#: Diversity characteristics reported in aggregate only (optional Staff columns).
DIVERSITY_FIELDS = {
    "age_band": "Age band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "disability": "Disability",
}

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65 and over", "Prefer not to say")

#: Working weeks in a year, for annual costs of weekly hours.
WEEKS_PER_YEAR = 52

MAX_WEEKLY_HOURS = 80


def parse_choice(
    value: Any, choices: type[StrEnum], what: str, *, location: Location | None = None
) -> str:
    """One of an enum's values, matched ignoring case, spaces and hyphens."""

    def key(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    wanted = key(to_text(value))
    for choice in choices:
        if key(choice.value) == wanted or key(choice.name) == wanted:
            return choice.value
    raise InputError(
        f"{to_text(value)!r} is not a known {what}",
        location=location,
        valid=[c.value for c in choices],
    )


class Assumptions(BaseModel):
    """The plan's assumptions; each default names where it comes from (see ``SOURCES``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard_hours: float = Field(37.5, gt=0, le=MAX_WEEKLY_HOURS)
    headroom: float = Field(0.22, ge=0)
    headroom_method: HeadroomMethod = HeadroomMethod.UPLIFT
    turnover: float = Field(0.248, ge=0, le=1)
    vacancy: float = Field(0.083, ge=0, lt=1)
    weeks_to_recruit: float = Field(12, ge=0)
    agency_premium: float = Field(0.30, ge=0)
    recruitment_rate: float = Field(0.30, ge=0)
    years: int = Field(5, ge=3, le=5)
    plan_start: dt.date = dt.date(2026, 4, 1)


#: What each assumption means, its label on the Assumptions sheet, and its default's source.
SOURCES: dict[str, tuple[str, str]] = {
    "standard_hours": (
        "Standard full-time hours a week",
        "NHS Agenda for Change full-time week (37.5 hours); many councils use 37 under the "
        "NJC Green Book, so set yours.",
    ),
    "headroom": (
        "Headroom for leave, sickness and training",
        "22%: the uplift commonly used when setting NHS ward establishments (annual leave, "
        "sickness, study leave); replace with your own absence figures.",
    ),
    "headroom_method": (
        "Headroom method (uplift or divide)",
        "uplift: required = worked × (1 + headroom); divide: required = worked ÷ (1 − headroom). "
        "Say which one your finance team uses.",
    ),
    "turnover": (
        "Turnover rate a year",
        "24.8%: Skills for Care, The state of the adult social care sector and workforce in "
        "England, 2024 (2023/24 turnover rate).",
    ),
    "vacancy": (
        "Vacancy rate",
        "8.3%: Skills for Care, The state of the adult social care sector and workforce in "
        "England, 2024 (2023/24 vacancy rate).",
    ),
    "weeks_to_recruit": (
        "Time to recruit (weeks)",
        "12 weeks: cpcxl planning assumption (advert to start date); use your HR time-to-hire.",
    ),
    "agency_premium": (
        "Agency premium over the direct hourly cost",
        "30%: cpcxl planning assumption; use your agency framework rates.",
    ),
    "recruitment_rate": (
        "Recruitment rate (most FTE recruited a year, share of current FTE)",
        "30%: cpcxl planning assumption, a little above the sector's 24.8% turnover that "
        "providers already replace each year.",
    ),
    "years": ("Plan years (3 to 5)", "5 years: CPC 510 joint needs assessment horizon (3-5)."),
    "plan_start": (
        "Plan start date",
        "1 April: start of the UK public-sector financial year.",
    ),
}
