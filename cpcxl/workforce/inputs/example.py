"""The packaged workbook's small example, as its input tables hold it (small enough to check
by hand; see tests/workforce): the workbook is built with it unless given other rows.

Roles only, never people's names; organisations have descriptive names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The packaged workbook's example (small enough to check by hand; see tests/workforce).
EXAMPLE_STAFF: list[list[Any]] = [
    # role, skill, contract, employer, hours, £/hour, start, leaving, people, age, sex
    [
        "Care worker",
        "Level 2",
        "Full-time",
        "In-house",
        37.5,
        12.60,
        dt.date(2019, 4, 1),
        None,
        6,
        "25-34",
        "Female",
    ],
    [
        "Care worker",
        "Level 2",
        "Part-time",
        "In-house",
        22.5,
        12.60,
        dt.date(2021, 9, 1),
        None,
        4,
        "35-44",
        "Female",
    ],
    [
        "Care worker",
        "Level 2",
        "Bank or zero-hours",
        "In-house",
        15,
        12.60,
        None,
        None,
        2,
        "16-24",
        "Male",
    ],
    [
        "Care worker",
        "Level 3",
        "Agency",
        "Private provider",
        37.5,
        18.50,
        None,
        None,
        2,
        "45-54",
        "Female",
    ],
    [
        "Senior care worker",
        "Level 3",
        "Full-time",
        "In-house",
        37.5,
        14.20,
        dt.date(2018, 6, 1),
        None,
        3,
        "45-54",
        "Female",
    ],
    [
        "Reablement support worker",
        "Level 3",
        "Full-time",
        "In-house",
        37.5,
        13.40,
        dt.date(2020, 1, 6),
        None,
        4,
        "35-44",
        "Male",
    ],
    [
        "Reablement support worker",
        "Level 2",
        "Part-time",
        "Voluntary provider",
        18.75,
        12.10,
        dt.date(2022, 5, 3),
        None,
        2,
        "55-64",
        "Female",
    ],
    [
        "Occupational therapist",
        "Registered professional",
        "Full-time",
        "In-house",
        37.5,
        24.80,
        dt.date(2017, 1, 9),
        dt.date(2027, 6, 30),
        1,
        "35-44",
        "Female",
    ],
    [
        "Registered manager",
        "Level 5 or above",
        "Full-time",
        "In-house",
        37.5,
        26.00,
        dt.date(2016, 3, 1),
        None,
        1,
        "45-54",
        "Male",
    ],
    [
        "Care worker",
        "Entry (no relevant qualification)",
        "Volunteer",
        "Voluntary provider",
        6,
        0,
        None,
        None,
        3,
        "65 and over",
        "Female",
    ],
]

#: Each example row's area and the training and qualifications its people hold (the Staff
#: table's last two columns; ethnic group and disability are left blank).
_EXAMPLE_AREAS_HELD = [
    ("Central", "Care Certificate; Level 2 Diploma in Care; Mandatory training"),
    ("North", "Care Certificate; Mandatory training"),
    ("Central", "Care Certificate"),
    ("Central", ""),
    ("Central", "Care Certificate; Level 3 Diploma in Adult Care; Mandatory training"),
    ("North", "Care Certificate; Level 3 Diploma in Adult Care; Mandatory training"),
    ("North", "Care Certificate"),
    ("Central", "Registration with the HCPC; Mandatory training"),
    ("Central", "Level 5 Diploma in Leadership and Management; Mandatory training"),
    ("North", ""),
]
for _row, (_area, _held) in zip(EXAMPLE_STAFF, _EXAMPLE_AREAS_HELD, strict=True):
    _row.extend([None, None, _area, _held or None])

EXAMPLE_DEMAND: list[list[Any]] = [
    # service, role, skill, hours now, growth, year 1..5
    ["Home care", "Care worker", "Level 2", 480, 0.04],
    ["Home care", "Care worker", "Level 3", 75, 0.04],
    ["Home care", "Senior care worker", "Level 3", 112.5, 0.03],
    ["Reablement", "Reablement support worker", "Level 3", 150, 0.05],
    ["Reablement", "Reablement support worker", "Level 2", 37.5, 0.05],
    [
        "Reablement",
        "Occupational therapist",
        "Registered professional",
        37.5,
        None,
        37.5,
        56.25,
        56.25,
        75,
        75,
    ],
    ["Home care and reablement", "Registered manager", "Level 5 or above", 37.5, 0],
]

EXAMPLE_TARGETS: list[list[Any]] = [
    ["Maximum agency share", None, None, 0.10],
    ["Minimum permanent share", "Care worker", None, 0.50],
    ["Minimum share at skill level", "Care worker", "Level 3", 0.20],
    ["Maximum hours of a contract type", None, "Bank or zero-hours", 60],
]

#: The Pay sheet's example: pay by role and band (pay year 2025/26); other roles are priced
#: from their staff records. Band, pension scheme, annual pay (blank: the band's), hours.
EXAMPLE_PAY: list[list[Any]] = [
    # role, band or point, pension scheme, annual pay, full-time hours
    ["Care worker", "NJC SCP 3", "Local Government Pension Scheme"],
    ["Senior care worker", "NJC SCP 8", "Local Government Pension Scheme"],
]

#: Benchmarks by role and area: Skills for Care's latest by job role, and a local figure for
#: one area (an example of the officer's own).
EXAMPLE_BENCHMARKS: list[list[Any]] = [
    # role, area, turnover, vacancy, sickness, source, year
    [
        "Care worker",
        None,
        0.285,
        None,
        None,
        "Skills for Care, state of the sector, October 2025: care and support workers",
        "2024/25",
    ],
    [
        "Care worker",
        "North",
        0.32,
        None,
        None,
        "An example of your own HR figure for an area",
        "2025/26",
    ],
    [
        "Registered manager",
        None,
        0.17,
        None,
        None,
        "Skills for Care, state of the sector, October 2025: registered managers",
        "2024/25",
    ],
]

#: The training and qualifications roles need (costs are examples: use your own).
EXAMPLE_SKILLS: list[list[Any]] = [
    # role, training or qualification, cost per person, renew every (years), starters holding it
    ["Care worker", "Care Certificate", 150, None, 0.5],
    ["Care worker", "Level 2 Diploma in Care", 600, None, 0.3],
    ["Care worker", "Mandatory training", 60, 1, 0],
    ["Registered manager", "Level 5 Diploma in Leadership and Management", 2500, None, 1],
]

#: What happened in the plan's first quarter (an example).
EXAMPLE_ACTUALS: list[list[Any]] = [
    # quarter, role, FTE in post, leavers, starters, agency hours, agency spend
    ["2026/27 Q1", "Care worker", 8.6, 0.8, 1.0, 1100, 20350],
    ["2026/27 Q1", "Senior care worker", 3.0, 0, 0, 0, 0],
]
