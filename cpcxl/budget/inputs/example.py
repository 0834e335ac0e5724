"""The illustrative example the packaged workbook is filled in with, as its input tables hold
it: a Better Care Fund-like pooled fund (a Section 75 agreement) of four partners over three
years.

Illustrative figures of a realistic size for a shire county, not any area's real plan: an NHS
integrated care board's minimum contribution, the county council's grant and its own money, a
district council passing its Disabled Facilities Grant through the fund, and a voluntary-sector
partner adding a little cash and a good deal in kind.
"""

from __future__ import annotations

from typing import Any

ICB = "Shire Vale Integrated Care Board"
COUNTY = "Shire Vale County Council"
DISTRICT = "Millbrook District Council"
VCS = "Shire Vale Community Action"

REABLEMENT = "Reablement and intermediate care"
DISCHARGE = "Hospital discharge"
EQUIPMENT = "Community equipment"
CARERS = "Carers' support"
DFG = "Disabled Facilities Grant"
COMMUNITY = "Community and voluntary support"

#: The Arrangement table's values, by setting (cpcxl.budget.inputs.ARRANGEMENT).
ARRANGEMENT: dict[str, Any] = {
    "name": "Shire Vale Better Care Fund (Section 75 pooled fund)",
    "kind": "Pooled",
    "first_year": "2025/26",
    "years": 3,
    "host": COUNTY,
    "basis": "Pro rata to contributions",
    "test_variance": 1_200_000,
    "test_year": "2025/26",
    # An underspend goes back to each line's own contributors, and is carried forward into
    # next year's fund as their contribution (a DFG underspend stays with the district).
    "underspend_basis": "Pro rata per line",
    "underspend_use": "Carried forward",
    "bcf": "Yes",
}

PARTNERS: list[list[Any]] = [
    [ICB, "NHS body", 0.55, None],
    [COUNTY, "Statutory", 0.40, None],
    [DISTRICT, "Statutory", 0.0, 10_000],
    [VCS, "Voluntary", 0.05, 2_500],
]

LINES: list[list[Any]] = [
    [REABLEMENT, "Home-based reablement and step-down beds", ICB, "No"],
    [DISCHARGE, "Discharge to assess and home from hospital", COUNTY, "No"],
    [EQUIPMENT, "Integrated community equipment service", COUNTY, "No"],
    [CARERS, "Carers' breaks, advice and assessments", COUNTY, "No"],
    [DFG, "Capital grants for home adaptations", DISTRICT, "Yes"],
    [COMMUNITY, "Social prescribing and community support", VCS, "No"],
]

_FIRST = "2025/26"
_NHS = "NHS minimum contribution"
_LA = "Local authority additional contribution"
_GRANT = "Other grants"  # the local authority's own BCF grant
_DFG = "Disabled Facilities Grant"

CONTRIBUTIONS: list[list[Any]] = [
    # The NHS minimum contribution, by scheme.
    [ICB, REABLEMENT, _FIRST, "Financial", 18_500_000, "No", "NHS minimum contribution", _NHS],
    [ICB, DISCHARGE, _FIRST, "Financial", 9_200_000, "No", "NHS minimum contribution", _NHS],
    [ICB, EQUIPMENT, _FIRST, "Financial", 4_100_000, "No", "NHS minimum contribution", _NHS],
    [ICB, CARERS, _FIRST, "Financial", 1_650_000, "No", "NHS minimum contribution", _NHS],
    [ICB, COMMUNITY, _FIRST, "Financial", 950_000, "No", "NHS minimum contribution", _NHS],
    [ICB, REABLEMENT, _FIRST, "Expertise", 85_000, "No", "Clinical leadership sessions"],
    # The local authority grant and the council's additional contribution.
    [COUNTY, REABLEMENT, _FIRST, "Financial", 4_800_000, "No", "Local authority grant", _GRANT],
    [COUNTY, DISCHARGE, _FIRST, "Financial", 6_300_000, "No", "Local authority grant", _GRANT],
    [COUNTY, EQUIPMENT, _FIRST, "Financial", 2_200_000, "No", "Additional contribution", _LA],
    [COUNTY, CARERS, _FIRST, "Financial", 1_150_000, "No", "Additional contribution", _LA],
    [COUNTY, COMMUNITY, _FIRST, "Financial", 400_000, "No", "Additional contribution", _LA],
    [COUNTY, DISCHARGE, _FIRST, "Staff", 310_000, "No", "Joint commissioning team"],
    # The Disabled Facilities Grant passed through the fund; next year's allocation is known.
    [DISTRICT, DFG, _FIRST, "Financial", 2_350_000, "No", "Disabled Facilities Grant", _DFG],
    [DISTRICT, DFG, "2026/27", "Financial", 2_350_000, "No", "DFG allocation announced", _DFG],
    [DISTRICT, DFG, _FIRST, "Staff", 120_000, "No", "Home improvement agency officers"],
    # The voluntary-sector partner: a little cash, more in kind.
    [VCS, COMMUNITY, _FIRST, "Financial", 180_000, "No", "Additional voluntary contribution"],
    [VCS, COMMUNITY, _FIRST, "Time", 95_000, "No", "Volunteer hours at £15 an hour"],
    [VCS, CARERS, _FIRST, "Physical resources", 40_000, "No", "Community hub rooms"],
    [VCS, DISCHARGE, _FIRST, "Expertise", 25_000, "No", "Home-from-hospital know-how"],
]

CONDITIONS: list[list[Any]] = [
    [ICB, "Uplift", 0.039, "2026/27", None, "Inflation"],
    [COUNTY, "Uplift", 0.02, "2026/27", None, "Inflation"],
    [COUNTY, "Cap", 15_300_000, "2027/28", None, "Reduced availability of resources"],
    [VCS, "Reduction", 0.10, "2027/28", "2027/28", "Reduced availability of resources"],
]

OUTCOMES: list[list[Any]] = [
    [
        ICB,
        "Fewer avoidable emergency admissions",
        "Emergency admissions (65+) per 100,000 population",
        f"{REABLEMENT}; {COMMUNITY}",
        1850,
        1780,
        1812,
    ],
    [
        ICB,
        "Timely discharge from hospital",
        "Share discharged on their discharge-ready date",
        f"{DISCHARGE}; {EQUIPMENT}",
        0.86,
        0.90,
        0.875,
    ],
    [
        COUNTY,
        "Older people stay independent after hospital",
        "Share at home 91 days after discharge into reablement",
        REABLEMENT,
        0.82,
        0.85,
        0.83,
    ],
    [
        COUNTY,
        "Fewer permanent admissions to care homes",
        "Permanent admissions (65+) per 100,000 population",
        f"{REABLEMENT}; {EQUIPMENT}; {DFG}",
        620,
        580,
        601,
    ],
    [
        DISTRICT,
        "Homes adapted so people can stay at home",
        "Disabled Facilities Grant adaptations completed",
        DFG,
        310,
        340,
        322,
    ],
    [
        VCS,
        "Carers supported to keep caring",
        "Carers receiving support",
        f"{CARERS}; {COMMUNITY}",
        2400,
        2800,
        2650,
    ],
]

STANDALONE: list[list[Any]] = [
    [ICB, REABLEMENT, None, 19_600_000],
    [ICB, DISCHARGE, None, 9_900_000],
    [ICB, EQUIPMENT, None, 4_450_000],
    [COUNTY, REABLEMENT, None, 5_300_000],
    [COUNTY, DISCHARGE, None, 6_900_000],
    [COUNTY, EQUIPMENT, None, 2_500_000],
    [COUNTY, CARERS, None, 1_300_000],
    [DISTRICT, DFG, None, 2_600_000],
    [VCS, COMMUNITY, None, 340_000],
]

ACTUALS: list[list[Any]] = [
    [REABLEMENT, _FIRST, None, 23_650_000],
    [DISCHARGE, _FIRST, None, 15_820_000],
    [EQUIPMENT, _FIRST, None, 6_210_000],
    [CARERS, _FIRST, None, 2_800_000],
    [DFG, _FIRST, None, 2_190_000],
    [COMMUNITY, _FIRST, None, 1_545_000],
]

SCENARIOS: list[list[Any]] = [
    ["ICB uplift 5.66%", ICB, None, 0.0566, None, None, None],
    ["Council 5% less, capped", COUNTY, -0.05, None, 14_500_000, None, None],
    ["Host bears overspends", None, None, None, None, "Host bears it", None],
]

# --- in-year monitoring: 2026/27, the second year, at the end of September (period 6) -------

_SECOND = "2026/27"

IN_YEAR: dict[str, Any] = {
    "year": _SECOND,
    "periods": "Monthly",
    "period": 6,
    "method": "Profile",
    "opening_balance": 250_000,
}

_NONE: list[Any] = [None] * 6  # October to March: not closed yet

#: Actuals by line (pooled lines: the whole line's spend, Partner blank) and month.
PERIOD_ACTUALS: list[list[Any]] = [
    [REABLEMENT, None, "Financial", *[2_000_000] * 5, 2_150_000, *_NONE, 1_400_000],
    [DISCHARGE, None, "Financial", *[1_350_000] * 6, *_NONE, 900_000],
    [EQUIPMENT, None, "Financial", 560_000, 540_000, 530_000, 550_000, 570_000, 580_000, *_NONE],
    [CARERS, None, "Financial", 170_000, 230_000, 290_000, 280_000, 220_000, 160_000, *_NONE],
    [DFG, None, "Financial", 40_000, 90_000, 130_000, 180_000, 190_000, 230_000, *_NONE, 410_000],
    [COMMUNITY, None, "Financial", *[125_000] * 6, *_NONE],
    # Volunteer time valued in £, in kind: kept apart from the cash.
    [COMMUNITY, VCS, "Time", *[7_000] * 6, *_NONE],
]

#: Lines forecast other than by the default (a flat profile).
FORECASTS: list[list[Any]] = [
    [
        DISCHARGE,
        None,
        None,
        None,
        16_400_000,
        "Winter discharge pressures agreed at the July board",
        5,
    ],
    [EQUIPMENT, None, "Run rate", None, None, None, None],
    [CARERS, None, "Profile", "Carers' breaks", None, None, None],
    [DFG, None, "Profile", "Capital grants", None, None, None],
]

#: Weights by month (April first); only their proportions matter.
PROFILES: list[list[Any]] = [
    ["Carers' breaks", 6, 8, 10, 10, 8, 6, 6, 8, 10, 10, 10, 8],
    ["Capital grants", 2, 4, 6, 8, 8, 10, 10, 10, 10, 10, 11, 11],
]

#: Each partner's instalments into the pooled fund and what it has paid against them.
PAYMENTS: list[list[Any]] = [
    *[[ICB, p, 8_935_400, 8_935_400 if p < 6 else None] for p in (1, 4, 7, 10)],
    *[[COUNTY, p, 3_786_750, 3_786_750 if p == 1 else None] for p in (1, 4, 7, 10)],
    [DISTRICT, 1, 2_350_000, 2_350_000],
    [VCS, 1, 90_000, 90_000],
    [VCS, 7, 90_000, None],
]

# --- the Better Care Fund plan for 2026/27 ---------------------------------------------------

_EXAMPLE = (
    "Example for this illustrative area, not a published figure: enter the area's own from "
    "the year's BCF allocations (NHS England) and planning requirements (2025 to 2026: "
    "published 30 January 2025)"
)

REQUIREMENTS: list[list[Any]] = [
    ["NHS minimum contribution", None, 35_741_600, _SECOND, _EXAMPLE],
    ["Adult social care minimum", None, 15_000_000, _SECOND, _EXAMPLE],
    ["NHS-commissioned out-of-hospital minimum", None, 10_100_000, _SECOND, _EXAMPLE],
    ["Disabled Facilities Grant", DISTRICT, 2_350_000, _SECOND, _EXAMPLE],
]

_ADMISSIONS = "Emergency admissions (65+)"
_DELAYS = "Discharge delays"
_CARE_HOMES = "Long-term admissions to care homes (65+)"

#: 2026/27's planned expenditure, by scheme and funding source (the contributions projected:
#: the ICB's 2025/26 amounts × 1.039, the county's × 1.02).
SCHEMES: list[list[Any]] = [
    [
        "Home-based reablement",
        REABLEMENT,
        "Home-based intermediate care services",
        "NHS",
        _NHS,
        "NHS-commissioned out-of-hospital services",
        19_221_500,
        None,
        f"{_ADMISSIONS}; {_DELAYS}",
    ],
    [
        "Reablement: council grant",
        REABLEMENT,
        "Home-based intermediate care services",
        "Local authority",
        _GRANT,
        "Other",
        4_896_000,
        None,
        _DELAYS,
    ],
    [
        "Discharge to assess",
        DISCHARGE,
        "High impact change model for managing transfer of care",
        "Local authority",
        _NHS,
        "Adult social care",
        9_558_800,
        None,
        _DELAYS,
    ],
    [
        "Discharge: council grant",
        DISCHARGE,
        "Home care or domiciliary care",
        "Local authority",
        _GRANT,
        "Other",
        6_426_000,
        None,
        _DELAYS,
    ],
    [
        "Community equipment",
        EQUIPMENT,
        "Assistive technologies and equipment",
        "Joint",
        _NHS,
        "Adult social care",
        4_259_900,
        None,
        _CARE_HOMES,
    ],
    [
        "Community equipment: council",
        EQUIPMENT,
        "Assistive technologies and equipment",
        "Joint",
        _LA,
        "Other",
        2_244_000,
        None,
        _CARE_HOMES,
    ],
    [
        "Carers' breaks",
        CARERS,
        "Carers services",
        "Local authority",
        _NHS,
        "Adult social care",
        1_714_350,
        None,
        _CARE_HOMES,
    ],
    [
        "Carers' advice",
        CARERS,
        "Carers services",
        "Local authority",
        _LA,
        "Other",
        1_173_000,
        None,
        _CARE_HOMES,
    ],
    [
        "Disabled Facilities Grant",
        DFG,
        "DFG related schemes",
        "Local authority",
        "Disabled Facilities Grant",
        "Other",
        2_350_000,
        DISTRICT,
        _CARE_HOMES,
    ],
    [
        "Social prescribing",
        COMMUNITY,
        "Prevention / early intervention",
        "NHS",
        _NHS,
        "NHS-commissioned out-of-hospital services",
        987_050,
        None,
        _ADMISSIONS,
    ],
    [
        "Community support",
        COMMUNITY,
        "Community based schemes",
        "Local authority",
        _LA,
        "Other",
        408_000,
        None,
        _ADMISSIONS,
    ],
]

_TYPES_NOTE = (
    "Example list, after the BCF planning template (2023 to 2025): replace it with the "
    "national list in the year's template"
)

#: The national list of scheme types: an example for the officer to replace each year.
SCHEME_TYPES: list[list[Any]] = [
    [name, _TYPES_NOTE if i == 0 else None]
    for i, name in enumerate(
        [
            "Assistive technologies and equipment",
            "Bed-based intermediate care services",
            "Care Act implementation related duties",
            "Carers services",
            "Community based schemes",
            "DFG related schemes",
            "Enablers for integration",
            "High impact change model for managing transfer of care",
            "Home care or domiciliary care",
            "Home-based intermediate care services",
            "Housing related schemes",
            "Integrated care planning and navigation",
            "Personalised budgeting and commissioning",
            "Personalised care at home",
            "Prevention / early intervention",
            "Residential placements",
            "Urgent community response",
            "Workforce recruitment and retention",
            "Other",
        ]
    )
]

_METRICS_SOURCE = "BCF policy framework 2025 to 2026 (check the year's planning requirements)"

METRICS: list[list[Any]] = [
    [
        _ADMISSIONS,
        "Emergency admissions to hospital of people aged 65 and over, per 100,000 population",
        _METRICS_SOURCE,
    ],
    [
        _DELAYS,
        "Average length of discharge delay of acute adult patients",
        _METRICS_SOURCE,
    ],
    [
        _CARE_HOMES,
        "Long-term admissions of people aged 65 and over to residential and nursing care "
        "homes, per 100,000 population",
        _METRICS_SOURCE,
    ],
]

#: Every table of the sample: the Arrangement and In-year by setting, the others as rows.
TABLES: dict[str, Any] = {
    "arrangement": ARRANGEMENT,
    "partners": PARTNERS,
    "lines": LINES,
    "contributions": CONTRIBUTIONS,
    "conditions": CONDITIONS,
    "outcomes": OUTCOMES,
    "standalone": STANDALONE,
    "actuals": ACTUALS,
    "scenarios": SCENARIOS,
    "in_year": IN_YEAR,
    "period_actuals": PERIOD_ACTUALS,
    "forecasts": FORECASTS,
    "profiles": PROFILES,
    "payments": PAYMENTS,
    "requirements": REQUIREMENTS,
    "schemes": SCHEMES,
    "scheme_types": SCHEME_TYPES,
    "metrics": METRICS,
}
