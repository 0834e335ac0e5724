"""Benchmarks by role, headroom's parts and development needs (issue 18; CPC 505 A5)."""

from __future__ import annotations

from cpcxl.common.fields import Money, Rate, Whole

# --- benchmarks, headroom parts and development (issue 18) -----------------------------------

SICKNESS = Rate(
    0,
    0.3,
    "time lost to sickness: NHS staff lost 5.6% across 2022; over 30% is more absence than "
    "any service plans for",
    what="the sickness rate",
)
#: Headroom's parts, each a share of contracted time (annual leave: 35 days of 261 working
#: days is 13.4%).
LEAVE_PART = Rate(
    0,
    0.3,
    "Agenda for Change's most, 33 days and 8 bank holidays, is 15.7% of 261 working days: "
    "over 30% is a slip",
    what="annual leave",
)
OTHER_PART = Rate(
    0,
    0.2,
    "a fifth of contracted time is more than any rota allows for one cause",
    what="a part of headroom",
)
TOLERANCE = Rate(
    0,
    0.5,
    "how far off plan a role may be before it is flagged: over half is no plan at all",
    what="the review tolerance",
)
BUDGET = Money(0, what="a budget in £", reason="an amount that cannot be negative")
TRAINING_COST = Money(
    0,
    100_000,
    what="a cost per person in £",
    reason="above any qualification's cost per person: a local limit",
)
RENEW_YEARS = Whole(
    1,
    10,
    what="a whole number of years",
    reason="training renewed less often than every 10 years is done once",
)
STARTERS_HOLD = Rate(
    0,
    1,
    "the share of new starters who hold it already: none to all",
    what="the share of new starters",
)

#: Training and qualifications a role commonly needs (the Skills table's suggestions; CPC
#: 505's workforce development needs: training, qualifications, CPD).
QUALIFICATIONS = (
    "Care Certificate",
    "Level 2 Diploma in Care",
    "Level 3 Diploma in Adult Care",
    "Level 5 Diploma in Leadership and Management",
    "Mandatory training",
    "Registration with the NMC (nurses)",
    "Registration with Social Work England",
    "Registration with the HCPC",
)

#: Skills for Care's latest turnover by job role (The state of the adult social care sector
#: and workforce in England, October 2025, 2024/25): care and support workers 28.5%,
#: registered managers 17.0%: the packaged example's benchmarks for those roles.
SKILLS_FOR_CARE_ROLES = (
    "Skills for Care, The state of the adult social care sector and workforce in England, "
    "October 2025 (2024/25): turnover of care and support workers 28.5%, registered managers "
    "17.0%"
)
#: NHS sickness absence: 5.6% across 2022 (4.3% in 2019), the Nuffield Trust's reading of
#: NHS Digital's NHS Sickness Absence Rates (All is not well, June 2023). An officer should
#: take NHS England's latest monthly rate for their staff group.
NHS_SICKNESS = (
    "NHS Digital, NHS Sickness Absence Rates, as the Nuffield Trust gives them (All is not "
    "well, June 2023): 5.6% across 2022, 4.3% in 2019; update it to NHS England's latest"
)
#: No published rate for social care sickness was found to verify: Skills for Care reports
#: days lost a worker (4.8 days in its 2019 edition, 9.5 days in 2020/21), not a rate.
SOCIAL_CARE_SICKNESS = (
    "An example to update: about 5 days a year of about 225 working days (Skills for Care "
    "reported 4.8 days a worker in 2018/19 and 9.5 in 2020/21), not a published rate"
)
