"""What a filled workbook holds, as the rows its tables take: the default criteria, and
a round for demos and tests (also as cells, to read without a file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cpcxl.common.inputs import (
    Cells,
)
from cpcxl.common.values import is_blank

from .tables import (
    AMENDMENTS,
    ASSESSMENT,
    BENEFITS,
    BUDGET_TABLE,
    CONFLICTS,
    COSTS,
    CRITERIA,
    DEFLATORS,
    MODERATION,
    OBJECTIVES,
    PAIRWISE_ROW,
    PANEL,
    PROPOSALS,
    SETTINGS,
)

#: The GDP deflator series the workbook ships with, and where it comes from: the officer
#: replaces it with the latest release each time the Treasury publishes one (quarterly).
DEFLATOR_SOURCE = (
    "HM Treasury, GDP deflators at market prices, and money GDP: March 2026 (Quarterly "
    "National Accounts), published 31 March 2026. Index 2024-25 = 100. Outturn to 2024-25 "
    "from ONS series L8GG (Quarterly National Accounts, 31 March 2026); 2025-26 to 2030-31 "
    "from the OBR's forecast at the Spring Statement, 3 March 2026. Replace with the latest "
    "release (gov.uk, 'GDP deflators at market prices, and money GDP')."
)
#: (financial year, index, outturn or forecast) from that release, 2015-16 to 2030-31.
DEFLATOR_ROWS: list[list[Any]] = [
    ["2015-16", 74.5804, "Outturn"],
    ["2016-17", 76.0754, "Outturn"],
    ["2017-18", 77.0388, "Outturn"],
    ["2018-19", 78.7948, "Outturn"],
    ["2019-20", 80.8738, "Outturn"],
    ["2020-21", 85.1002, "Outturn"],
    ["2021-22", 85.3036, "Outturn"],
    ["2022-23", 91.2996, "Outturn"],
    ["2023-24", 96.1117, "Outturn"],
    ["2024-25", 100.0000, "Outturn"],
    ["2025-26", 103.2388, "Forecast (OBR)"],
    ["2026-27", 105.3095, "Forecast (OBR)"],
    ["2027-28", 107.3546, "Forecast (OBR)"],
    ["2028-29", 109.3571, "Forecast (OBR)"],
    ["2029-30", 111.3959, "Forecast (OBR)"],
    ["2030-31", 113.6416, "Forecast (OBR)"],
]
#: Settings the template fills in where a round gives none: year 0 is 2026/27 in the
#: shipped workbook (the officer updates it each round).
TEMPLATE_SETTINGS: dict[str, Any] = {"first_year": "2026/27"}

#: A starting set of criteria for a care directorate (CPC 506 B1: relevant, fair and clear).
DEFAULT_CRITERIA: list[list[Any]] = [
    [
        "Strategic fit",
        0.25,
        "How clearly the proposal supports the organisation's objectives, strategies and values",
        "No",
        None,
        "No link to any objective",
        "A link is asserted but not explained",
        "Supports one objective, explained",
        "Supports one objective with measures of progress",
        "Supports several objectives with measures of progress",
        "Central to the strategy, with measures agreed with partners",
    ],
    [
        "Outcomes for people",
        0.25,
        "Improvement in outcomes for individuals, families and communities",
        "No",
        None,
        "No outcome for people is described",
        "Outcomes described but not measurable",
        "Measurable outcomes for a small group",
        "Measurable outcomes with a baseline",
        "Measurable outcomes with a baseline and targets",
        "Outcomes co-produced with people who use services, baseline and targets",
    ],
    [
        "Value for money",
        0.20,
        "Costs and benefits, and how realistic they are (Green Book appraisal)",
        "No",
        None,
        "No costs or benefits given",
        "Costs only, or benefits not quantified",
        "Costs and benefits quantified, weak basis",
        "Costs and benefits quantified from local data",
        "As 3, with sensitivity and optimism bias considered",
        "As 4, with benefits evaluated and cash releasing savings agreed with finance",
    ],
    [
        "Deliverability and risk",
        0.20,
        "Plan, capacity, market and risks to people, property and finances",
        "No",
        None,
        "No plan",
        "Plan without named roles or milestones",
        "Plan with milestones; main risks listed",
        "Plan with milestones, owners and mitigations",
        "As 3, with contingency and market testing",
        "As 4, with a tested exit or step-down plan",
    ],
    [
        "Equality and co-production",
        0.10,
        "Effect on people with protected characteristics; involvement of people who use services",
        "No",
        None,
        "Not considered",
        "Considered in general terms",
        "Equality impact assessment started",
        "Equality impact assessment complete",
        "As 3, with people who use services involved in design",
        "As 4, with co-production throughout",
    ],
    [
        "Safeguarding and statutory duties",
        0.0,
        "Care Act 2014 duties, safeguarding adults and data protection are met",
        "Yes",
        3,
        "Would breach a duty",
        "Duties not considered",
        "Duties identified, gaps remain",
        "Safeguarding duties are met in full",
        "Met in full and reviewed by the safeguarding lead",
        "Met in full with independent assurance",
    ],
]


@dataclass
class RoundInputs:
    """What a filled workbook holds, in the rows its tables take (for demos and tests).

    ``settings`` is keyed by setting field (``{"evaluation": "Comparative"}``).
    """

    proposals: list[list[Any]] = field(default_factory=list)
    costs: list[list[Any]] = field(default_factory=list)
    benefits: list[list[Any]] = field(default_factory=list)
    criteria: list[list[Any]] = field(default_factory=lambda: [list(r) for r in DEFAULT_CRITERIA])
    assessment: list[list[Any]] = field(default_factory=list)
    budget: list[list[Any]] = field(default_factory=list)
    settings: Mapping[str, Any] = field(default_factory=dict)
    objectives: list[str] = field(default_factory=list)
    pairwise: list[list[Any]] | None = None
    panel: list[list[Any]] = field(default_factory=list)
    conflicts: list[list[Any]] = field(default_factory=list)
    moderation: list[list[Any]] = field(default_factory=list)
    amendments: list[list[Any]] = field(default_factory=list)
    deflators: list[list[Any]] = field(default_factory=lambda: [list(r) for r in DEFLATOR_ROWS])
    #: Several members' pairwise matrices {member: matrix}, in place of ``pairwise``.
    member_pairwise: Mapping[str, list[list[Any]]] | None = None

    def setting(self, name: str) -> Any:
        """A setting as the template shows it: the round's, the template's, or the default."""
        if name in self.settings:
            return self.settings[name]
        spec = next(s for s in SETTINGS.settings if s.field == name)
        return TEMPLATE_SETTINGS.get(name, spec.default)

    @property
    def criterion_names(self) -> list[str]:
        return [str(r[0]) for r in self.criteria if r and not is_blank(r[0])]

    def pairwise_rows(self) -> list[list[Any]]:
        """The Pairwise sheet's matrix from row 4: names across and down, ones on the diagonal
        where no judgements are given. Several members' matrices stand one under another,
        each headed by the member's name, a blank row between."""
        names = self.criterion_names
        n = len(names)
        if self.member_pairwise:
            rows: list[list[Any]] = []
            for member, matrix in self.member_pairwise.items():
                rows.append([member, *names])
                rows += [[name, *matrix[i][:n]] for i, name in enumerate(names)]
                rows.append([])
            return rows[:-1]
        rows = [["Criterion", *names]]
        for i, name in enumerate(names):
            given = self.pairwise[i] if self.pairwise else [1 if i == j else None for j in range(n)]
            rows.append([name, *given[:n]])
        return rows

    def cells(self) -> tuple[dict[str, Cells], Cells]:
        """The tables and the pairwise matrix as cells, as the template lays them out."""
        tables: dict[str, Cells] = {
            SETTINGS.name: Cells(
                [SETTINGS.table.headers]
                + [[s.label, self.setting(s.field), s.note] for s in SETTINGS.settings],
                exact=True,
            ),
            OBJECTIVES.name: Cells(
                [OBJECTIVES.headers, *([o] for o in self.objectives)], first_column=5, exact=True
            ),
        }
        for spec, rows in (
            (CRITERIA, self.criteria),
            (PROPOSALS, self.proposals),
            (COSTS, self.costs),
            (BENEFITS, self.benefits),
            (ASSESSMENT, self.assessment),
            (PANEL, self.panel),
            (CONFLICTS, self.conflicts),
            (MODERATION, self.moderation),
            (AMENDMENTS, self.amendments),
            (BUDGET_TABLE, self.budget),
            (DEFLATORS, self.deflators),
        ):
            tables[spec.name] = Cells([spec.headers, *rows], exact=True)
        return tables, Cells(self.pairwise_rows(), first_row=PAIRWISE_ROW)
