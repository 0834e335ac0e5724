"""Workforce planning vocabulary (CPC 505 A-C), what each value may be, and the assumptions.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (22% is 0.22). Each rate below declares the range it is plausible in and why; a
value outside it is refused with what it was read as and what was probably meant ("22 is
2,200%, ...; type 22% (or 0.22)"). The same declarations serve the input tables, the
Assumptions sheet, the worksheet functions and the :class:`Assumptions` model itself.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from cpcxl.common.fields import Date, Money, Number, Rate, Whole


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

#: Substantive staff fill posts: permanent and fixed-term ("Temporary") employees. A vacancy is
#: establishment less substantive staff (NHS England, NHS Vacancy Statistics: the "substantive
#: gap", however much of it temporary staff fill), and turnover is leavers over substantive
#: staff (Skills for Care: leavers ÷ directly employed permanent and temporary workers).
SUBSTANTIVE = (ContractType.FULL_TIME, ContractType.PART_TIME, ContractType.TEMPORARY)
#: Cover works in vacant posts without filling them: bank, agency, contractors' staff and
#: volunteers.
COVER = (ContractType.BANK, ContractType.AGENCY, ContractType.CONTRACTOR, ContractType.VOLUNTEER)


class Employer(StrEnum):
    """Who employs the person: CPC 505's workforce scope list, direct payments included."""

    IN_HOUSE = "In-house"
    PRIVATE = "Private provider"
    VOLUNTARY = "Voluntary provider"
    PARTNER = "Partner"
    #: An NHS trust, integrated care board or other NHS body: its roles take the NHS rates.
    NHS = "NHS"
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


#: The targets whose value is a share of hours (the other is hours a week).
SHARE_TARGETS = (
    TargetKind.MAX_AGENCY_SHARE,
    TargetKind.MIN_PERMANENT_SHARE,
    TargetKind.MIN_SKILL_SHARE,
)


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

#: What a blank skill level, service or diversity cell is shown as.
NOT_RECORDED = "Not recorded"
#: What a target with a blank role applies to.
ALL_ROLES = "All roles"

#: Weeks in a year, for annual costs of weekly hours and hourly rates of annual pay: 365 ÷ 7
#: = 52.143, as NHS Employers' Agenda for Change hourly rates are worked out (annual pay ÷
#: 52.143 ÷ 37.5: Band 2's £24,465 is £12.51 an hour in 2025/26). Before issue 18 the plan
#: used 52, so an annual cost fell 0.27% short of the pay it came from.
WEEKS_PER_YEAR = 365 / 7

MAX_WEEKLY_HOURS = 80

# --- what each value may be: ranges with their reasons ---------------------------------------

#: Rates and shares (fractions: 22% is 0.22).
HEADROOM = Rate(
    0,
    0.6,
    "NHS roster policies set 16% to 26%; over 60% is more absence than any rota plans for",
    what="headroom",
)
TURNOVER = Rate(
    0, 1, "the share of staff in post who leave in a year: none to all", what="turnover"
)
VACANCY = Rate(
    0,
    1,
    "the share of posts empty: none to all, as in a service no one works in yet",
    what="the vacancy rate",
)
AGENCY_PREMIUM = Rate(
    0,
    2,
    "an agency hour costing over three times a direct one is taken as a slip: a local limit",
    what="the agency premium",
)
BANK_PREMIUM = Rate(
    0,
    2,
    "a bank hour costing over three times a direct one is taken as a slip: a local limit",
    what="the bank premium",
)
RECRUITMENT_RATE = Rate(
    0,
    1,
    "recruiting more than a role's whole FTE in a year is beyond any campaign: a local limit",
    what="the recruitment rate",
)
GROWTH = Rate(
    -0.5,
    0.5,
    "demand halving or growing by half in a year is a new service: give the Year hours instead",
    what="annual growth",
)
TARGET_SHARE = Rate(0, 1, "a share of hours: none of them to all", what="a target share")

#: Numbers, each with its plausible range.
STANDARD_HOURS = Number(
    "standard full-time hours a week",
    1,
    MAX_WEEKLY_HOURS,
    "a full-time week; councils use 37, the NHS 37.5",
)
WEEKLY_HOURS = Number(
    "contracted hours a week",
    0,
    MAX_WEEKLY_HOURS,
    "over 80 a week is a slip: the legal average is 48 unless opted out",
    number_format="0.0#",
)
HOURLY_RATE = Money(
    0,
    1000,
    what="an hourly rate in £",
    reason="above any care or NHS hourly rate: a local limit",
    pence=True,
)
PEOPLE = Whole(1, 100_000, what="a whole number of people", reason="people alike on one row")
#: Hours of work a week for a whole service or target: 10 million is over 250,000 FTE.
SERVICE_HOURS = Number(
    "hours needed a week",
    0,
    10_000_000,
    "10 million hours a week is over 250,000 FTE: a local limit",
    number_format="#,##0.0",
)
TARGET_HOURS = Number(
    "hours a week", 0, 10_000_000, "10 million hours a week is over 250,000 FTE: a local limit"
)
WEEKS_TO_RECRUIT = Number(
    "a number of weeks", 0, 104, "over two years to fill a post is a slip: a local limit"
)
PLAN_YEARS = Whole(3, 5, what="a whole number of years", reason="CPC 510's 3 to 5 year horizon")
#: Years of recruitment for an establishment (the worksheet function).
NEED_YEARS = Whole(
    1, 50, what="a whole number of years", reason="a working life: beyond any workforce plan"
)
FTE_FIGURE = Number(
    "a number of FTE", 0, 10_000_000, "more than the whole UK public sector employs: a local limit"
)
#: No one in post today started before 1950.
START_DATE = Date(earliest=dt.date(1950, 1, 1))
LEAVING_DATE = Date(earliest=dt.date(1950, 1, 1))
PLAN_START = Date()


# --- where the defaults come from (the Assumptions sheet's notes and the guide say the same) --

#: Skills for Care's annual report, the latest edition (October 2025, 2024/25 figures): a
#: turnover rate of 23.1% across the sector and a vacancy rate of 7.0% (111,000 vacant posts).
SKILLS_FOR_CARE = (
    "Skills for Care, The state of the adult social care sector and workforce in England, "
    "October 2025 (2024/25)"
)
#: NHS England's review of its People Promise retention programme (March 2025), from NHS
#: Workforce Statistics: 10.1% of hospital and community health services staff left the NHS
#: in the 12 months to September 2024.
NHS_LEAVERS = (
    "NHS England, NHS Workforce Statistics: 10.1% of hospital and community health services "
    "staff left the NHS in the 12 months to September 2024 (People Promise review, March 2025)"
)
#: NHS England, NHS Vacancy Statistics, England, April 2015 - September 2024 (experimental
#: statistics): the key facts' vacancy rate of 7.5% at 30 September 2024. Its vacancies are
#: establishment less substantive staff, however much of the gap temporary staff fill.
NHS_VACANCIES = (
    "NHS England, NHS Vacancy Statistics, England, April 2015 - September 2024: 7.5% at 30 "
    "September 2024"
)
#: NHS agency rules (NHS Improvement, price caps from 23 November 2015, at their final level
#: from 1 April 2016): an agency worker's total hourly charge is capped at the national
#: (Agenda for Change) pay rate plus 55%, for employer national insurance and pension, holiday
#: pay and the agency's fee.
NHS_AGENCY_CAP = 0.55
