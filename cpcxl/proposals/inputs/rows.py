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
    ASSESSMENT,
    BENEFITS,
    BUDGET_TABLE,
    COSTS,
    CRITERIA,
    OBJECTIVES,
    PAIRWISE_ROW,
    PROPOSALS,
    SETTINGS,
)

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

    @property
    def criterion_names(self) -> list[str]:
        return [str(r[0]) for r in self.criteria if r and not is_blank(r[0])]

    def pairwise_rows(self) -> list[list[Any]]:
        """The Pairwise sheet's matrix from row 4: names across and down, ones on the diagonal
        where no judgements are given."""
        names = self.criterion_names
        n = len(names)
        rows: list[list[Any]] = [["Criterion", *names]]
        for i, name in enumerate(names):
            given = self.pairwise[i] if self.pairwise else [1 if i == j else None for j in range(n)]
            rows.append([name, *given[:n]])
        return rows

    def cells(self) -> tuple[dict[str, Cells], Cells]:
        """The tables and the pairwise matrix as cells, as the template lays them out."""
        tables: dict[str, Cells] = {
            SETTINGS.name: Cells(
                [SETTINGS.table.headers]
                + [
                    [s.label, self.settings.get(s.field, s.default), s.note]
                    for s in SETTINGS.settings
                ],
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
            (BUDGET_TABLE, self.budget),
        ):
            tables[spec.name] = Cells([spec.headers, *rows], exact=True)
        return tables, Cells(self.pairwise_rows(), first_row=PAIRWISE_ROW)
