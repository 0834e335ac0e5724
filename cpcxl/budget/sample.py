"""A Better Care Fund-like pooled fund (a Section 75 agreement) of four partners over three years.

Illustrative figures of a realistic size for a shire county, not any area's real plan: an NHS
integrated care board's minimum contribution, the county council's grant and its own money, a
district council passing its Disabled Facilities Grant through the fund, and a voluntary-sector
partner adding a little cash and a good deal in kind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cpcxl.plugins import Demo

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

CONTRIBUTIONS: list[list[Any]] = [
    # The NHS minimum contribution, by scheme.
    [ICB, REABLEMENT, _FIRST, "Financial", 18_500_000, "No", "NHS minimum contribution"],
    [ICB, DISCHARGE, _FIRST, "Financial", 9_200_000, "No", "NHS minimum contribution"],
    [ICB, EQUIPMENT, _FIRST, "Financial", 4_100_000, "No", "NHS minimum contribution"],
    [ICB, CARERS, _FIRST, "Financial", 1_650_000, "No", "NHS minimum contribution"],
    [ICB, COMMUNITY, _FIRST, "Financial", 950_000, "No", "NHS minimum contribution"],
    [ICB, REABLEMENT, _FIRST, "Expertise", 85_000, "No", "Clinical leadership sessions"],
    # The local authority grant and the council's additional contribution.
    [COUNTY, REABLEMENT, _FIRST, "Financial", 4_800_000, "No", "Local authority grant"],
    [COUNTY, DISCHARGE, _FIRST, "Financial", 6_300_000, "No", "Local authority grant"],
    [COUNTY, EQUIPMENT, _FIRST, "Financial", 2_200_000, "No", "Additional contribution"],
    [COUNTY, CARERS, _FIRST, "Financial", 1_150_000, "No", "Additional contribution"],
    [COUNTY, COMMUNITY, _FIRST, "Financial", 400_000, "No", "Additional contribution"],
    [COUNTY, DISCHARGE, _FIRST, "Staff", 310_000, "No", "Joint commissioning team"],
    # The Disabled Facilities Grant passed through the fund; next year's allocation is known.
    [DISTRICT, DFG, _FIRST, "Financial", 2_350_000, "No", "Disabled Facilities Grant"],
    [DISTRICT, DFG, "2026/27", "Financial", 2_350_000, "No", "DFG allocation announced"],
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

#: Every table of the sample: the Arrangement by setting, the others as rows.
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
}


def sample_workbook(folder: str | os.PathLike[str]) -> Path:
    """The packaged workbook, filled in with this example, written into ``folder``."""
    from .workbook import TEMPLATE

    return TEMPLATE.build(Path(folder) / TEMPLATE.filename)


def run_demo(out_dir: Path) -> list[Path]:
    """The illustrative Better Care Fund-like pool: the workbook, built, and its statements."""
    from .workbook import build_template, write_outputs, write_statements

    out_dir = Path(out_dir)
    source = build_template(out_dir / "pooled_budget_sample.xlsx")
    built, result = write_outputs(source, out_dir / "pooled_budget_sample_built.xlsx")
    return [source, built, *write_statements(result, out_dir / "statements")]


DEMO = Demo(
    name="budget",
    title="A Better Care Fund-like pooled budget of four partners over three years",
    run=run_demo,
)
