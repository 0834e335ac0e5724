"""A sample round: twelve proposals to a council's adult social care directorate.

Invented for demonstration; amounts are in today's prices. Each proposal shows something an
evaluation panel meets in practice (a strong case, a weak one, a realism problem).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cpcxl.plugins import Demo

from .inputs import DEFAULT_CRITERIA, RoundInputs

OBJECTIVES = {
    "home": "Independence at home",
    "prevent": "Prevention and early help",
    "carers": "Support for carers",
    "market": "A safe and sustainable care market",
    "money": "Financial sustainability",
}


def _years(amount: float, first: int, last: int, horizon: int) -> list[float]:
    return [amount if first <= y <= last else 0.0 for y in range(horizon + 1)]


# id, title, sponsor, term, objectives, project type, mitigation, evidence, details, risks,
# capital, revenue, cash-releasing, social value (yearly lists from year 0), stated totals,
# scores (strategic fit, outcomes, value, deliverability, equality, safeguarding)
_H = 4
PROPOSALS: list[dict[str, Any]] = [
    dict(
        id="ASC-01",
        title="Expand home-based reablement",
        sponsor="Head of Reablement",
        term="Medium term",
        objectives=["home", "money"],
        type="Outsourcing",
        mitigation=0.5,
        evidence="Published evaluation elsewhere",
        details="National audit of intermediate care; local pilot outcomes",
        risks="Recruitment of reablement workers",
        capital=_years(0, 0, 0, _H),
        revenue=_years(400_000, 0, _H, _H),
        cash=_years(560_000, 1, _H, _H),
        social=_years(400_000, 1, _H, _H),
        scores=[5, 4, 4, 4, 3, 4],
    ),
    dict(
        id="ASC-02",
        title="Technology-enabled care at home",
        sponsor="Assistive Technology Lead",
        term="Medium term",
        objectives=["home", "prevent"],
        type="Equipment/development",
        mitigation=0.8,
        evidence="Evaluated here",
        details="Two-year local telecare evaluation",
        risks="Digital switchover of phone lines",
        capital=_years(300_000, 0, 0, _H),
        revenue=_years(80_000, 1, _H, _H),
        cash=_years(220_000, 1, _H, _H),
        social=_years(160_000, 1, _H, _H),
        scores=[4, 4, 4, 3, 3, 4],
    ),
    dict(
        id="ASC-03",
        title="Extra care housing scheme (60 flats)",
        sponsor="Director of Adult Social Care",
        term="Long term",
        objectives=["home", "market"],
        type="Non-standard buildings",
        mitigation=0.4,
        evidence="Published evaluation elsewhere",
        details="Housing LIN cost-benefit studies",
        risks="Land acquisition; construction inflation",
        capital=[3_000_000, 1_500_000] + [0.0] * 24,
        revenue=[0.0] * 26,
        cash=[0.0, 0.0] + [330_000] * 24,
        social=[0.0, 0.0] + [220_000] * 24,
        scores=[5, 4, 3, 3, 4, 4],
    ),
    dict(
        id="ASC-04",
        title="Carers' breaks grants",
        sponsor="Carers Lead Commissioner",
        term="Short term",
        objectives=["carers", "prevent"],
        type="Outsourcing",
        mitigation=0.6,
        evidence="Expert judgement",
        details="Carers' survey and provider returns",
        risks="Take-up lower than planned",
        capital=[0.0] * 3,
        revenue=[120_000] * 3,
        cash=[0.0] * 3,
        social=[220_000] * 3,
        scores=[4, 4, 3, 4, 4, 4],
    ),
    dict(
        id="ASC-05",
        title="Day centre refurbishment",
        sponsor="Head of Provider Services",
        term="Medium term",
        objectives=["market"],
        type="Standard buildings",
        mitigation=0.5,
        evidence="Expert judgement",
        details="Building condition survey",
        risks="Asbestos; temporary closure",
        capital=[900_000] + [0.0] * 10,
        revenue=[0.0] * 11,
        cash=[0.0] * 11,
        social=[0.0] + [80_000] * 10,
        scores=[3, 2, 2, 3, 3, 4],
    ),
    dict(
        id="ASC-06",
        title="Grow the Shared Lives scheme",
        sponsor="Shared Lives Manager",
        term="Medium term",
        objectives=["home", "market", "money"],
        type="Outsourcing",
        mitigation=0.5,
        evidence="Published evaluation elsewhere",
        details="Shared Lives Plus cost comparisons",
        risks="Recruiting carers",
        capital=_years(0, 0, 0, _H),
        revenue=_years(150_000, 0, _H, _H),
        cash=_years(300_000, 1, _H, _H),
        social=_years(80_000, 1, _H, _H),
        scores=[4, 4, 4, 4, 4, 5],
    ),
    dict(
        id="ASC-07",
        title="Digital care records for care homes",
        sponsor="Digital Programme Lead",
        term="Medium term",
        objectives=["market"],
        type="Equipment/development",
        mitigation=0.3,
        evidence="None",
        details="",
        risks="Provider take-up; supplier lock-in",
        capital=_years(250_000, 0, 0, _H),
        revenue=_years(50_000, 1, _H, _H),
        cash=_years(0, 0, 0, _H),
        social=_years(400_000, 1, _H, _H),
        scores=[3, 3, 2, 3, 3, 3],
    ),
    dict(
        id="ASC-08",
        title="Falls prevention classes",
        sponsor="Public Health Consultant",
        term="Short term",
        objectives=["prevent"],
        type="Outsourcing",
        mitigation=0.5,
        evidence="Evaluated here",
        details="Local falls audit 2024/25",
        risks="Venue availability",
        capital=[0.0] * 3,
        revenue=[0.0, 90_000, 90_000],
        cash=[40_000, 80_000, 80_000],
        social=[0.0, 60_000, 60_000],
        scores=[4, 4, 4, 4, 3, 4],
    ),
    dict(
        id="ASC-09",
        title="Bring care brokerage in-house",
        sponsor="Head of Commissioning",
        term="Medium term",
        objectives=["money", "market"],
        type="Outsourcing",
        mitigation=0.5,
        evidence="Expert judgement",
        details="Comparison with a neighbouring council",
        risks="TUPE transfer of staff",
        stated_cost=500_000,
        capital=_years(0, 0, 0, _H),
        revenue=_years(110_000, 0, _H, _H),
        cash=_years(150_000, 1, _H, _H),
        social=_years(0, 0, 0, _H),
        scores=[4, 3, 4, 4, 3, 4],
    ),
    dict(
        id="ASC-10",
        title="Step-down beds for hospital discharge",
        sponsor="Hospital Discharge Lead",
        term="Short term",
        objectives=["home", "money"],
        type="Outsourcing",
        mitigation=0.5,
        evidence="Published evaluation elsewhere",
        details="NHS discharge fund evaluation",
        risks="Provider quality concerns",
        capital=[0.0] * 3,
        revenue=[500_000] * 3,
        cash=[0.0, 450_000, 450_000],
        social=[0.0, 300_000, 300_000],
        scores=[4, 4, 4, 3, 3, 2],
    ),
    dict(
        id="ASC-11",
        title="Relocate the community equipment store",
        sponsor="Equipment Service Manager",
        term="Medium term",
        objectives=["home"],
        type="Standard buildings",
        mitigation=0.5,
        evidence="Published evaluation elsewhere",
        details="Lease comparison; delivery time data",
        risks="Lease negotiations",
        capital=[600_000, 0.0, 0.0, 0.0, 0.0, 0.0],
        revenue=[0.0] * 6,
        cash=[0.0, 150_000, 150_000, 150_000, 150_000, 150_000],
        social=[0.0, 60_000, 60_000, 60_000, 60_000, 60_000],
        skip_benefit_year=3,
        scores=[3, 3, 4, 4, 3, 4],
    ),
    dict(
        id="ASC-12",
        title="Direct payments support service",
        sponsor="Personalisation Lead",
        term="Short term",
        objectives=[],
        type="Outsourcing",
        mitigation=0.7,
        evidence="Expert judgement",
        details="Provider estimate",
        risks="Demand uncertain",
        capital=[0.0] * 3,
        revenue=[60_000] * 3,
        cash=[0.0, 100_000, 100_000],
        social=[0.0, 200_000, 200_000],
        scores=[3, 4, 4, 4, 4, 4],
    ),
]


def sample_round() -> RoundInputs:
    proposals, costs, benefits, assessment = [], [], [], []
    criteria = [r[0] for r in DEFAULT_CRITERIA]
    for p in PROPOSALS:
        total_cost = sum(p["capital"]) + sum(p["revenue"])
        total_benefit = sum(p["cash"]) + sum(p["social"])
        skip = p.get("skip_benefit_year")
        if skip is not None:
            total_benefit -= p["cash"][skip] + p["social"][skip]
        proposals.append(
            [
                p["id"],
                p["title"],
                p["sponsor"],
                p["term"],
                "; ".join(OBJECTIVES[o] for o in p["objectives"]),
                p["type"],
                p["mitigation"],
                p["evidence"],
                p["details"],
                p["risks"],
                p.get("stated_cost", total_cost),
                total_benefit,
            ]
        )
        for year, (capital, revenue) in enumerate(zip(p["capital"], p["revenue"], strict=True)):
            costs.append([p["id"], year, capital, revenue])
        for year, (cash, social) in enumerate(zip(p["cash"], p["social"], strict=True)):
            if year != skip:
                benefits.append([p["id"], year, cash, social])
        for name, score in zip(criteria, p["scores"], strict=True):
            assessment.append([p["id"], name, score, None])
    return RoundInputs(
        proposals=proposals,
        costs=costs,
        benefits=benefits,
        assessment=assessment,
        budget=[[0, 2_500_000], [1, 2_000_000], [2, 1_500_000]],
        objectives=list(OBJECTIVES.values()),
    )


#: The demo's evaluation panel (roles, as a real panel's record would name them).
PANEL_MEMBERS = [
    "Head of Finance",
    "Commissioning Manager",
    "Public Health Consultant",
    "Quality Lead",
    "Carers' representative",
]
#: How far each member's score strays from the sample's: one a point above and one below,
#: so the median is the sample's score (rotated across proposals and criteria).
_OFFSETS = [0, 0, 1, -1, 0]
#: Where the panel disagrees widely, with what each member said: (proposal, criterion).
_DISAGREE: dict[tuple[str, str], list[tuple[int, str]]] = {
    ("ASC-02", "Outcomes for people"): [
        (4, "Telecare evaluation measured falls and admissions"),
        (4, "Outcomes have a baseline"),
        (1, "No outcome targets in the bid"),
        (4, "Baseline from the local evaluation"),
        (5, "Co-designed with people who use the service"),
    ],
    ("ASC-07", "Value for money"): [
        (2, "Benefits not evidenced"),
        (2, "Costs quantified, benefits asserted"),
        (5, "Sector studies show large savings"),
        (1, "No benefits evidence at all"),
        (3, "Plausible but unproven"),
    ],
}


def panel_round() -> RoundInputs:
    """The sample round scored by a panel of five instead of one scorer, with a declared
    conflict, the chair's moderation of a wide disagreement, a resubmission answering an
    amendment, and a proposal costed in cash (nominal) prices: the demo's round."""
    inputs = sample_round()
    criteria = [r[0] for r in DEFAULT_CRITERIA]
    conflicted = ("Public Health Consultant", "ASC-08")  # the sponsor of falls prevention
    panel = []
    for i, p in enumerate(PROPOSALS):
        for j, (name, score) in enumerate(zip(criteria, p["scores"], strict=True)):
            wide = _DISAGREE.get((p["id"], name))
            for k, member in enumerate(PANEL_MEMBERS):
                if (member, p["id"]) == conflicted:
                    continue
                if wide is not None:
                    given, comment = wide[k]
                else:
                    given = min(5, max(0, score + _OFFSETS[(k + i + j) % len(_OFFSETS)]))
                    comment = ""
                panel.append([member, p["id"], name, given, comment])
    inputs.assessment = []
    inputs.panel = panel
    inputs.conflicts = [[*conflicted, "Sponsor of the proposal"]]
    inputs.moderation = [
        [
            "ASC-02",
            "Outcomes for people",
            4,
            "Agreed at moderation: the local evaluation gives a baseline",
            "Outcomes are measurable with a baseline; add targets to score 5.",
        ]
    ]
    # ASC-12 named no objective (a weakness: Amend); resubmitted naming two, as ASC-12-R1.
    original = next(r for r in inputs.proposals if r[0] == "ASC-12")
    resubmitted = list(original)
    resubmitted[0] = "ASC-12-R1"
    resubmitted[4] = "Independence at home; Support for carers"
    inputs.proposals.append(resubmitted)
    inputs.costs += [["ASC-12-R1", *r[1:]] for r in inputs.costs if r[0] == "ASC-12"]
    inputs.benefits += [["ASC-12-R1", *r[1:]] for r in inputs.benefits if r[0] == "ASC-12"]
    inputs.panel += [[r[0], "ASC-12-R1", *r[2:]] for r in panel if r[1] == "ASC-12"]
    inputs.amendments = [
        [
            "ASC-12",
            "Name the organisation's objectives the service supports, and how.",
            dt.date(2026, 11, 2),
            "ASC-12-R1",
            dt.date(2026, 11, 16),
            "Resubmitted naming independence at home and support for carers.",
        ]
    ]
    # ASC-09's finance team costed it in cash (nominal) prices.
    row = next(r for r in inputs.proposals if r[0] == "ASC-09")
    row += [None] * (15 - len(row))
    row[12] = "Nominal"
    inputs.settings = {"resubmit_by": dt.date(2027, 1, 15)}
    return inputs


def two_proposals_round() -> RoundInputs:
    """A round of two proposals simple enough to appraise by hand: each £1,000 of capital in
    year 0, X with £600 of benefits in each of years 1 and 2, Y with £1,100; every score 4 of
    5; a year-0 budget of £1,500."""
    names = [r[0] for r in DEFAULT_CRITERIA]
    common = ["Head of Commissioning", "Medium term", "Independence at home", "Outsourcing", 1]
    return RoundInputs(
        proposals=[
            ["X", "Home care pilot", *common, "Published evaluation elsewhere", "", "", None, None],
            ["Y", "Reablement", *common, "Published evaluation elsewhere", "", "", None, None],
        ],
        costs=[["X", 0, 1000, 0], ["Y", 0, 1000, 0]],
        benefits=[["X", 1, 600, 0], ["X", 2, 600, 0], ["Y", 1, 1100, 0], ["Y", 2, 1100, 0]],
        assessment=[[p, n, 4, None] for p in "XY" for n in names],
        budget=[[0, 1500]],
    )


def two_proposals(path: Path) -> Path:
    """The two-proposal round as a workbook (the button's worked example)."""
    from .workbook import build

    return build(path, two_proposals_round())


def run_demo(out_dir: Path) -> list[Path]:
    """A sample round for an adult social care directorate, scored by a panel, evaluated,
    with a feedback letter for each submitter."""
    from . import engine
    from .workbook import build, read_round_file, write_letters, write_results

    source = build(out_dir / "adult_social_care_round.xlsx", panel_round())
    round_ = read_round_file(source)
    result = engine.evaluate(round_)
    evaluated = write_results(
        source, out_dir / "adult_social_care_round_evaluated.xlsx", result, round_.notes
    )
    return [source, evaluated, *write_letters(result, out_dir / "feedback")]


DEMO = Demo("proposals", "Expenditure proposals: an adult social care round", run_demo)
