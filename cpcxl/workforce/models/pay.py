"""Pay, employer on-costs and the wage floor (issue 18; CPC 505 B5: secure the resources to
recruit, keep and re-deploy people). Each shipped figure names its publication and year."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from cpcxl.common.fields import FinancialYear, Money, Rate, year_label

from .core import ContractType

# --- pay, on-costs and the wage floor (issue 18) ---------------------------------------------

#: Employer Class 1 National Insurance, 2025/26: 15% of each employee's earnings above the
#: secondary threshold of £5,000 a year (£96 a week), from 6 April 2025; it was 13.8% above
#: £9,100 in 2024/25 (Autumn Budget 2024; HMRC, Rates and thresholds for employers 2025 to
#: 2026). The threshold is held at £5,000 until April 2028.
NI_SOURCE = (
    "HMRC, Rates and thresholds for employers 2025 to 2026: employer Class 1 National "
    "Insurance 15% of earnings above the secondary threshold of £5,000 a year, from 6 April "
    "2025 (13.8% above £9,100 in 2024/25)"
)
#: The apprenticeship levy (Finance Act 2016, from 6 April 2017): 0.5% of an employer's pay
#: bill, less an allowance of £15,000 a year, so only pay bills over £3 million pay it.
LEVY_SOURCE = (
    "Apprenticeship levy (Finance Act 2016, from 6 April 2017): 0.5% of the pay bill less a "
    "£15,000 allowance a year, so it falls on pay bills over £3 million"
)
#: The NHS Pension Scheme's employer rate from 1 April 2024: 23.7% of pensionable pay plus
#: the 0.08% administration levy, 23.78% in all (20.6% from 2019 to 2024). NHS trusts pay
#: 14.38% themselves and NHS England pays the other 9.4% centrally (NHS Employers, NHS
#: Pension Scheme: employer contributions from April 2024, 14 March 2024).
NHS_PENSION_SOURCE = (
    "NHS Employers, NHS Pension Scheme employer contributions from April 2024 (14 March "
    "2024): 23.7% plus the 0.08% administration levy; a trust pays 14.38% itself and NHS "
    "England 9.4% centrally, so use 14.38% for a trust's own budget"
)
#: Each LGPS fund sets its employers' rates at its valuation (LGPS Regulations 2013, reg. 62:
#: the rates and adjustments certificate). The example is the average primary rate across
#: the funds at the 2022 valuations, for April 2023 to March 2026: 19.8% of pay (21.1% with
#: deficit contributions), Scheme Advisory Board, Triennial valuation 2022 in the LGPS.
LGPS_SOURCE = (
    "An example to replace with your fund's rate (its rates and adjustments certificate, "
    "LGPS Regulations 2013 reg. 62): 19.8% is the average primary rate across LGPS funds at "
    "the 2022 valuations, for April 2023 to March 2026 (Scheme Advisory Board)"
)
#: Automatic enrolment (Pensions Act 2008): an employer pays at least 3% of qualifying
#: earnings, £6,240 to £50,270 a year in 2025/26 (8% in all with the worker's 5%), since 6
#: April 2019.
AUTO_ENROLMENT_SOURCE = (
    "Pensions Act 2008 automatic enrolment: the employer pays at least 3% of qualifying "
    "earnings, £6,240 to £50,270 a year in 2025/26 (since 6 April 2019)"
)
#: The NHS agency rules' price cap, for reference beside the agency rate (models above).
NHS_AGENCY_CAP_SOURCE = (
    "NHS Improvement, agency price caps (from November 2015; at their final level from 1 "
    "April 2016): an agency worker's total charge at most the Agenda for Change rate + 55%"
)


class WageFloor(StrEnum):
    """The pay floor a plan is checked against (fair cost of care: Care Act 2014 market
    shaping; the Real Living Wage where the organisation has committed to it)."""

    NATIONAL_LIVING_WAGE = "National Living Wage"
    REAL_LIVING_WAGE = "Real Living Wage"
    LONDON_LIVING_WAGE = "Real Living Wage (London)"
    LOCAL = "A local wage floor"


#: The wage floors cpcxl ships, by floor and financial year: (rate £ an hour, source). The
#: Real Living Wage is announced each October for employers to pay by the following 1 May,
#: so the rate announced in October 2024 is the one for 2025/26.
WAGE_FLOORS: dict[tuple[WageFloor, int], tuple[float, str]] = {
    (WageFloor.NATIONAL_LIVING_WAGE, 2025): (
        12.21,
        "National Living Wage from 1 April 2025, workers aged 21 and over (GOV.UK, National "
        "Living Wage increases to £12.21, Low Pay Commission, 2025)",
    ),
    (WageFloor.NATIONAL_LIVING_WAGE, 2026): (
        12.71,
        "National Living Wage from 1 April 2026 (the Low Pay Commission's recommendation, "
        "accepted November 2025)",
    ),
    (WageFloor.REAL_LIVING_WAGE, 2025): (
        12.60,
        "Living Wage Foundation, real Living Wage announced October 2024, to be paid by 1 May 2025",
    ),
    (WageFloor.LONDON_LIVING_WAGE, 2025): (
        13.85,
        "Living Wage Foundation, London Living Wage announced October 2024, to be paid by 1 "
        "May 2025",
    ),
    (WageFloor.REAL_LIVING_WAGE, 2026): (
        13.45,
        "Living Wage Foundation, real Living Wage announced 22 October 2025, to be paid by 1 "
        "May 2026",
    ),
    (WageFloor.LONDON_LIVING_WAGE, 2026): (
        14.80,
        "Living Wage Foundation, London Living Wage announced 22 October 2025, to be paid by 1 "
        "May 2026",
    ),
}


class LevyRule(StrEnum):
    """Whether the apprenticeship levy is counted in the employer's own staff's cost."""

    AUTOMATIC = "If the pay bill is over £3 million"
    YES = "Yes"
    NO = "No"


#: The pension schemes a template ships with (the Pension schemes table, which the officer
#: may change): name, employer rate, pensionable pay from and up to (None: all pay), source.
NHS_PENSION = "NHS Pension Scheme"
LGPS = "Local Government Pension Scheme"
AUTO_ENROLMENT = "Auto-enrolment minimum"
NO_PENSION = "No pension"
PENSION_SCHEMES: tuple[tuple[str, float, float | None, float | None, str], ...] = (
    (NHS_PENSION, 0.2378, None, None, NHS_PENSION_SOURCE),
    (LGPS, 0.198, None, None, LGPS_SOURCE),
    (AUTO_ENROLMENT, 0.03, 6240.0, 50270.0, AUTO_ENROLMENT_SOURCE),
    (NO_PENSION, 0.0, None, None, "Staff who are not in a pension scheme"),
)

#: Which contract types are the organisation's employees (on-costs apply: the pay is theirs)
#: and which are bought in (the recorded hourly amount is the agency's or contractor's whole
#: charge, on-costs and fee included).
EMPLOYED = (
    ContractType.FULL_TIME,
    ContractType.PART_TIME,
    ContractType.TEMPORARY,
    ContractType.BANK,
)
BOUGHT_IN = (ContractType.AGENCY, ContractType.CONTRACTOR)

ANNUAL_PAY = Money(
    0, 1_000_000, what="annual pay in £", reason="above any public-sector salary: a local limit"
)
NI_RATE = Rate(
    0,
    0.25,
    "employer National Insurance is 15% in 2025/26 and has never been above it: over 25% is "
    "a slip (a local limit)",
    what="the employer National Insurance rate",
)
NI_THRESHOLD = Money(
    0,
    100_000,
    what="a yearly threshold in £",
    reason="the secondary threshold is £5,000 a year in 2025/26 (£9,100 in 2024/25): over "
    "£100,000 is a slip",
)
PENSION_RATE = Rate(
    0,
    0.4,
    "no UK employer scheme charges 40% of pay (the NHS 23.78%, LGPS funds about 20%): a "
    "local limit",
    what="an employer pension rate",
    number_format="0.00%",
)
LEVY_RATE = Rate(
    0, 0.05, "the levy is 0.5% of the pay bill: over 5% is a slip", what="the levy rate"
)
LEVY_ALLOWANCE = Money(
    0, 1_000_000, what="an allowance in £", reason="the allowance is £15,000 a year"
)
PENSIONABLE_LIMIT = Money(
    0,
    1_000_000,
    what="annual pay in £",
    reason="qualifying earnings run from £6,240 to £50,270 in 2025/26",
)
WAGE_RATE = Money(
    0,
    100,
    what="an hourly rate in £",
    reason="a wage floor above £100 an hour is a slip",
    pence=True,
)
PAY_YEAR = FinancialYear(first=2015, last=2040)


class OnCosts(BaseModel):
    """What employing someone costs on top of their pay, and the wage floor, for one pay year.

    The defaults are the 2025/26 figures (sources above); each must be updated each year.
    ``wage_floor_rate`` None takes the shipped rate of ``wage_floor`` for ``wage_floor_year``.
    ``in_house_scheme``, ``nhs_scheme`` and ``provider_scheme`` are the pension schemes of
    staff whose role has no row on the Pay sheet, by who employs them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    pay_year: int = 2025
    ni_rate: float = 0.15
    ni_threshold: float = 5000.0
    levy: LevyRule = LevyRule.AUTOMATIC
    levy_rate: float = 0.005
    levy_allowance: float = 15_000.0
    wage_floor: WageFloor = WageFloor.NATIONAL_LIVING_WAGE
    wage_floor_rate: float | None = None
    wage_floor_year: int = 2025
    in_house_scheme: str = LGPS
    nhs_scheme: str = NHS_PENSION
    provider_scheme: str = AUTO_ENROLMENT

    @property
    def floor(self) -> float | None:
        """The wage floor's rate £ an hour: as entered, or the shipped one for its year."""
        if self.wage_floor_rate is not None:
            return self.wage_floor_rate
        shipped = WAGE_FLOORS.get((self.wage_floor, self.wage_floor_year))
        return shipped[0] if shipped else None

    @property
    def floor_label(self) -> str:
        """'National Living Wage 2025/26 (£12.21 an hour)'."""
        rate = self.floor
        shown = f" (£{rate:,.2f} an hour)" if rate is not None else ""
        return f"{self.wage_floor.value} {year_label(self.wage_floor_year)}{shown}"


#: The columns of the frames a :class:`PaySetup` holds (the inputs build them; tests too).
SCHEME_COLUMNS = ("scheme", "rate", "low", "high", "source")
ROLE_PAY_COLUMNS = ("role", "band", "annual_pay", "hours", "scheme", "pay_basis")


@dataclass(frozen=True)
class PaySetup:
    """Everything the plan prices staff with: the on-costs, the pension schemes (frame of
    ``SCHEME_COLUMNS``: a blank limit is NaN) and each role's pay from the Pay sheet (frame
    of ``ROLE_PAY_COLUMNS``: annual pay for ``hours`` a week, the band it came from)."""

    on_costs: OnCosts = field(default_factory=OnCosts)
    schemes: pd.DataFrame = field(default_factory=lambda: default_schemes())
    roles: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ROLE_PAY_COLUMNS))
    )


def default_schemes() -> pd.DataFrame:
    """The pension schemes a template ships with, as the engine takes them."""
    return pd.DataFrame(
        [
            (name, rate, np.nan if low is None else low, np.nan if high is None else high, src)
            for name, rate, low, high, src in PENSION_SCHEMES
        ],
        columns=list(SCHEME_COLUMNS),
    )


#: Agenda for Change pay points in England for 2025/26 (3.6% from 1 April 2025), from NHS
#: Employers' pay scales for 2025/26: (band or point, annual pay). Full time is 37.5 hours.
AFC_SOURCE = (
    "NHS Employers, Agenda for Change pay scales 2025/26, England (3.6% award from 1 April 2025)"
)
AFC_2025: tuple[tuple[str, float], ...] = (
    ("AfC Band 2", 24465),
    ("AfC Band 3 (0-2 years)", 24937),
    ("AfC Band 3 (2+ years)", 26598),
    ("AfC Band 4 (0-3 years)", 27485),
    ("AfC Band 4 (3+ years)", 30162),
    ("AfC Band 5 (0-2 years)", 31049),
    ("AfC Band 5 (2-4 years)", 33487),
    ("AfC Band 5 (4+ years)", 37796),
    ("AfC Band 6 (0-2 years)", 38682),
    ("AfC Band 6 (2-5 years)", 40823),
    ("AfC Band 6 (5+ years)", 46580),
    ("AfC Band 7 (0-2 years)", 47810),
    ("AfC Band 7 (2-5 years)", 50273),
    ("AfC Band 7 (5+ years)", 54710),
    ("AfC Band 8a (0-2 years)", 55690),
    ("AfC Band 8a (2-5 years)", 58487),
    ("AfC Band 8a (5+ years)", 62682),
    ("AfC Band 8b (0-2 years)", 64455),
    ("AfC Band 8b (2-5 years)", 68631),
    ("AfC Band 8b (5+ years)", 74896),
    ("AfC Band 8c (0-2 years)", 76965),
    ("AfC Band 8c (2-5 years)", 81652),
    ("AfC Band 8c (5+ years)", 88682),
    ("AfC Band 8d (0-2 years)", 91342),
    ("AfC Band 8d (2-5 years)", 96941),
    ("AfC Band 8d (5+ years)", 105337),
    ("AfC Band 9 (0-2 years)", 109179),
    ("AfC Band 9 (2-5 years)", 115763),
    ("AfC Band 9 (5+ years)", 125637),
)
#: NJC (Green Book) spinal column points 2 to 25 for 2025/26, the 2024/25 points raised by
#: the 3.2% award from 1 April 2025 (agreed 23 July 2025). The award is verified; the point
#: values are not (no copy of the NJC's table could be checked), so they ship as examples to
#: check against the NJC pay spine. Full time is 37 hours. SCP 2 is deleted from April 2026.
NJC_SOURCE = (
    "An example to check against the NJC pay spine from 1 April 2025 (3.2% award agreed 23 "
    "July 2025): the points are cpcxl's reading, not checked against the NJC's own table"
)
NJC_2025: tuple[tuple[str, float], ...] = (
    ("NJC SCP 2", 24413),
    ("NJC SCP 3", 24796),
    ("NJC SCP 4", 25185),
    ("NJC SCP 5", 25583),
    ("NJC SCP 6", 25989),
    ("NJC SCP 7", 26403),
    ("NJC SCP 8", 26824),
    ("NJC SCP 9", 27254),
    ("NJC SCP 10", 27694),
    ("NJC SCP 11", 28142),
    ("NJC SCP 12", 28598),
    ("NJC SCP 13", 29064),
    ("NJC SCP 14", 29540),
    ("NJC SCP 15", 30024),
    ("NJC SCP 16", 30518),
    ("NJC SCP 17", 31022),
    ("NJC SCP 18", 31537),
    ("NJC SCP 19", 32061),
    ("NJC SCP 20", 32597),
    ("NJC SCP 21", 33143),
    ("NJC SCP 22", 33699),
    ("NJC SCP 23", 34434),
    ("NJC SCP 24", 35412),
    ("NJC SCP 25", 36363),
)
AFC_HOURS, NJC_HOURS = 37.5, 37.0
