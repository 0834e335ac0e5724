"""Sample data for the demo, a home-care and reablement service, and the demo that plans it
(the packaged workbook's small example is :mod:`cpcxl.workforce.inputs.example`).

Roles only, never people's names; organisations have descriptive names.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from cpcxl.plugins import Demo

from .inputs.example import EXAMPLE_BENCHMARKS

# --- the demo: a home-care and reablement service of about 300 staff ----------------------

#: role: (skill levels and their weights, base £/hour, people)
_ROLES: dict[str, tuple[dict[str, float], float, int]] = {
    "Care worker": (
        {"Entry (no relevant qualification)": 0.2, "Level 2": 0.55, "Level 3": 0.25},
        12.60,
        178,
    ),
    "Senior care worker": ({"Level 3": 0.8, "Level 4": 0.2}, 14.20, 32),
    "Reablement support worker": ({"Level 2": 0.4, "Level 3": 0.6}, 13.40, 46),
    "Field care supervisor": ({"Level 3": 0.5, "Level 4": 0.5}, 15.30, 10),
    "Care coordinator": ({"Level 3": 1.0}, 14.60, 8),
    "Occupational therapist": ({"Registered professional": 1.0}, 24.80, 5),
    "Physiotherapist": ({"Registered professional": 1.0}, 25.40, 3),
    "Registered manager": ({"Level 5 or above": 1.0}, 26.00, 2),
    "Quality and training lead": ({"Level 5 or above": 1.0}, 21.50, 1),
    "Rota planner": ({"Level 2": 1.0}, 12.90, 4),
}
_CONTRACTS = {
    "Full-time": 0.38,
    "Part-time": 0.32,
    "Bank or zero-hours": 0.12,
    "Agency": 0.09,
    "Temporary": 0.04,
    "Volunteer": 0.03,
    "Contractor": 0.02,
}
_EMPLOYERS = {
    "In-house": 0.55,
    "Private provider": 0.28,
    "Voluntary provider": 0.1,
    "Partner": 0.04,
    "Direct payments (employed by the person)": 0.03,
}
_HOURS = {
    "Full-time": (37.5, 37.5),
    "Part-time": (16, 30),
    "Bank or zero-hours": (4, 20),
    "Agency": (20, 37.5),
    "Temporary": (22.5, 37.5),
    "Volunteer": (3, 8),
    "Contractor": (15, 37.5),
}
#: Cost of an hour against a permanent employee's (agency and contractor fees, bank rates).
_PREMIUM = {
    "Agency": 1.35,
    "Contractor": 1.2,
    "Temporary": 1.1,
    "Bank or zero-hours": 1.05,
    "Volunteer": 0.0,
}
_ETHNIC = {
    "White": 0.72,
    "Black, Black British, Caribbean or African": 0.12,
    "Asian or Asian British": 0.09,
    "Mixed or multiple": 0.03,
    "Other": 0.02,
    "Prefer not to say": 0.02,
}


def home_care_service(seed: int = 505) -> dict[str, list[list[Any]]]:
    """Staff, demand, targets, pay, benchmarks, skills and actuals of a sample home-care and
    reablement service (~300 staff)."""
    rng = np.random.default_rng(seed)

    def pick(weights: dict[str, float]) -> str:
        keys = list(weights)
        p = np.array(list(weights.values()))
        return str(keys[rng.choice(len(keys), p=p / p.sum())])

    staff: list[list[Any]] = []
    start = dt.date(2026, 4, 1)
    for role, (skills, rate, people) in _ROLES.items():
        for _ in range(people):
            contract = pick(_CONTRACTS) if people > 3 else "Full-time"
            employer = "Private provider" if contract == "Agency" else pick(_EMPLOYERS)
            if contract == "Volunteer":
                employer = "Voluntary provider"
            low, high = _HOURS[contract]
            hours = float(np.round(rng.uniform(low, high) * 2) / 2)
            cost = round(rate * _PREMIUM.get(contract, 1.0) * rng.uniform(0.97, 1.06), 2)
            began = start - dt.timedelta(days=int(rng.integers(30, 365 * 12)))
            leaving = None
            if contract in ("Temporary", "Contractor") or rng.random() < 0.06:
                leaving = start + dt.timedelta(days=int(rng.integers(60, 365 * 3)))
            staff.append(
                [
                    role,
                    pick(skills),
                    contract,
                    employer,
                    hours,
                    cost,
                    began,
                    leaving,
                    1,
                    pick(
                        {
                            "16-24": 0.1,
                            "25-34": 0.22,
                            "35-44": 0.24,
                            "45-54": 0.24,
                            "55-64": 0.16,
                            "65 and over": 0.04,
                        }
                    ),
                    pick({"Female": 0.8, "Male": 0.19, "Prefer not to say": 0.01}),
                    pick(_ETHNIC),
                    pick({"No": 0.86, "Yes": 0.1, "Prefer not to say": 0.04}),
                ]
            )
    demand: list[list[Any]] = [
        ["Home care", "Care worker", "Entry (no relevant qualification)", 650, 0.03],
        ["Home care", "Care worker", "Level 2", 2450, 0.04],
        ["Home care", "Care worker", "Level 3", 1300, 0.04],
        ["Home care", "Senior care worker", "Level 3", 900, 0.03],
        ["Home care", "Senior care worker", "Level 4", 220, 0.03],
        ["Reablement", "Reablement support worker", "Level 2", 520, 0.06],
        ["Reablement", "Reablement support worker", "Level 3", 900, 0.06],
        ["Home care", "Field care supervisor", "Level 3", 190, 0.03],
        ["Home care", "Field care supervisor", "Level 4", 190, 0.03],
        ["Home care and reablement", "Care coordinator", "Level 3", 300, 0.02],
        [
            "Reablement",
            "Occupational therapist",
            "Registered professional",
            190,
            None,
            190,
            225,
            262.5,
            262.5,
            300,
        ],
        ["Reablement", "Physiotherapist", "Registered professional", 112.5, 0.05],
        ["Home care and reablement", "Registered manager", "Level 5 or above", 75, 0],
        ["Home care and reablement", "Quality and training lead", "Level 5 or above", 37.5, 0],
        ["Home care and reablement", "Rota planner", "Level 2", 112.5, 0.02],
    ]
    targets: list[list[Any]] = [
        ["Maximum agency share", None, None, 0.10],
        ["Minimum permanent share", None, None, 0.50],
        ["Minimum share at skill level", "Care worker", "Level 3", 0.30],
        ["Minimum share at skill level", "Senior care worker", "Level 4", 0.20],
        ["Maximum hours of a contract type", None, "Bank or zero-hours", 700],
    ]
    # Each record's area and what it holds follow from where it is in the list and its
    # skill level (no more random draws, so the records above stay as they were).
    for i, row in enumerate(staff):
        row.extend([_AREAS[i % len(_AREAS)], _DEMO_HELD.get(row[1], "Mandatory training")])
    return {
        "staff": staff,
        "demand": demand,
        "targets": targets,
        "pay": DEMO_PAY,
        "benchmarks": EXAMPLE_BENCHMARKS,
        "skills": DEMO_SKILLS,
        "actuals": DEMO_ACTUALS,
    }


_AREAS = ("Central", "North", "South")
_DEMO_HELD = {
    "Level 2": "Care Certificate; Level 2 Diploma in Care; Mandatory training",
    "Level 3": "Care Certificate; Level 3 Diploma in Adult Care; Mandatory training",
    "Level 4": "Care Certificate; Level 3 Diploma in Adult Care; Mandatory training",
    "Level 5 or above": "Level 5 Diploma in Leadership and Management; Mandatory training",
    "Registered professional": "Registration with the HCPC; Mandatory training",
}
#: The demo's Pay sheet: care and support roles on NJC points, therapists on Agenda for
#: Change (an integrated service), the rest from their records.
DEMO_PAY: list[list[Any]] = [
    ["Care worker", "NJC SCP 3", "Local Government Pension Scheme"],
    ["Senior care worker", "NJC SCP 8", "Local Government Pension Scheme"],
    ["Reablement support worker", "NJC SCP 6", "Local Government Pension Scheme"],
    ["Occupational therapist", "AfC Band 6 (2-5 years)", "NHS Pension Scheme"],
    ["Physiotherapist", "AfC Band 6 (2-5 years)", "NHS Pension Scheme"],
]
DEMO_SKILLS: list[list[Any]] = [
    ["Care worker", "Care Certificate", 150, None, 0.5],
    ["Care worker", "Mandatory training", 60, 1, 0],
    ["Senior care worker", "Level 3 Diploma in Adult Care", 900, None, 0.6],
    ["Reablement support worker", "Care Certificate", 150, None, 0.5],
    ["Registered manager", "Level 5 Diploma in Leadership and Management", 2500, None, 1],
]
DEMO_ACTUALS: list[list[Any]] = [
    ["2026/27 Q1", "Care worker", 92.5, 6.8, 4.2, 3900, 71500],
    ["2026/27 Q1", "Reablement support worker", 30.1, 1.5, 2.0, 420, 7900],
    ["2026/27 Q1", "Senior care worker", 25.0, 0.8, 0.5, 0, 0],
]


def example_workbook(folder: Path) -> Path:
    """The packaged workbook with its small example, written into ``folder``."""
    from .workbook import build

    return build(folder / "workforce_plan.xlsx")


def run_demo(out_dir: Path) -> list[Path]:
    """Build the workbook with the sample service's data and plan it."""
    from .workbook import build, write_plan

    data = home_care_service()
    source = build(
        out_dir / "home_care_reablement_inputs.xlsx",
        staff=data["staff"],
        demand=data["demand"],
        targets=data["targets"],
        pay=data["pay"],
        benchmarks=data["benchmarks"],
        skills=data["skills"],
        actuals=data["actuals"],
        # The sample council has committed to the Real Living Wage (£12.60 in 2025/26).
        on_costs={"wage_floor": "Real Living Wage"},
    )
    planned = write_plan(source, out_dir / "home_care_reablement_plan.xlsx")
    return [source, planned]


DEMO = Demo(
    "workforce",
    "Workforce plan for a sample home-care and reablement service (about 300 staff)",
    run_demo,
)
