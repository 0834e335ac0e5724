"""What an expenditure proposal round is made of, in the words of CPC 506 B and the Green Book.

The enums are the scope lists of CPC 506 (evaluation: comparative or absolute; proposals:
short, medium or long-term programmes of work) and the project types of HM Treasury's
optimism-bias table; each is read through one :class:`~cpcxl.common.fields.Choice` (case,
spaces and punctuation ignored, so "Short-term" is "Short term") and becomes one of the
workbook's drop-down lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cpcxl.common.errors import InputError
from cpcxl.common.fields import Choice


class Term(StrEnum):
    """CPC 506 scope "Proposals": programmes of work by length."""

    SHORT = "Short term"
    MEDIUM = "Medium term"
    LONG = "Long term"


class Evaluation(StrEnum):
    """CPC 506 scope "Evaluation"."""

    ABSOLUTE = "Absolute"
    COMPARATIVE = "Comparative"


class Schedule(StrEnum):
    """Green Book discount-rate schedules (real terms)."""

    STANDARD = "standard"
    HEALTH = "health"


class ProjectType(StrEnum):
    """Project types of the Green Book supplementary guidance on optimism bias."""

    STANDARD_BUILDINGS = "Standard buildings"
    NON_STANDARD_BUILDINGS = "Non-standard buildings"
    STANDARD_CIVIL = "Standard civil engineering"
    NON_STANDARD_CIVIL = "Non-standard civil engineering"
    EQUIPMENT_DEVELOPMENT = "Equipment/development"
    OUTSOURCING = "Outsourcing"


class Evidence(StrEnum):
    """How strong the evidence behind the claimed benefits is (strongest first)."""

    LOCAL_EVALUATION = "Evaluated here"
    PUBLISHED = "Published evaluation elsewhere"
    EXPERT = "Expert judgement"
    NONE = "None"


class Decision(StrEnum):
    ACCEPT = "Accept"
    AMEND = "Amend"
    REJECT = "Reject"


#: Each list as a cell, a drop-down and a worksheet-function argument read it; ``list_name``
#: is the named range on the workbook's Lists sheet.
TERMS = Choice.of(Term, "a term", list_name="Terms")
EVALUATIONS = Choice.of(Evaluation, "an evaluation", list_name="Evaluations")
SCHEDULES = Choice.of(Schedule, "a discount schedule", list_name="Schedules")
PROJECT_TYPES = Choice.of(
    ProjectType, "a project type of the optimism-bias table", list_name="ProjectTypes"
)
EVIDENCE = Choice.of(Evidence, "a kind of evidence", list_name="EvidenceLevels")


#: How far the weights given may be from 100% (±0.1%, for rounding): a local choice.
WEIGHT_TOLERANCE = 0.001


class Criterion(BaseModel):
    """One evaluation criterion, made clear to submitters by a descriptor for each score."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    weight: float = Field(ge=0, le=1)
    measures: str = ""
    descriptors: dict[int, str] = Field(default_factory=dict)
    must_pass: bool = False
    pass_mark: float | None = None


class CriteriaSet(BaseModel):
    """Criteria on one scoring scale; weights are fractions that sum to 1 (100%)."""

    model_config = ConfigDict(frozen=True)

    criteria: tuple[Criterion, ...]
    scale_min: float = 0
    scale_max: float = 5
    weights_from: str = "given directly"

    @model_validator(mode="after")
    def _check(self) -> CriteriaSet:
        if not self.criteria:
            raise InputError("there are no criteria", valid="at least one criterion with a weight")
        names = [c.name.strip().lower() for c in self.criteria]
        duplicates = sorted({c.name for c in self.criteria if names.count(c.name.lower()) > 1})
        if duplicates:
            raise InputError(f"criterion named twice: {', '.join(duplicates)}", field="Criterion")
        total = sum(c.weight for c in self.criteria)
        if not math.isclose(total, 1.0, abs_tol=WEIGHT_TOLERANCE):
            raise InputError(
                f"the weights add up to {total:.1%}, not 100%",
                field="Weight",
                valid="weights that sum to 100% (or leave them blank to use pairwise comparisons)",
            )
        if self.scale_max <= self.scale_min:
            raise InputError("the top of the scoring scale must be above the bottom")
        for c in self.criteria:
            if c.must_pass and c.pass_mark is None:
                raise InputError(
                    f"must-pass criterion {c.name!r} has no pass mark",
                    field="Pass mark",
                    valid=f"a score from {self.scale_min:g} to {self.scale_max:g}",
                )
        return self

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.criteria]

    @property
    def weights(self) -> list[float]:
        return [c.weight for c in self.criteria]


class Proposal(BaseModel):
    """One expenditure proposal; yearly amounts are in real terms (today's prices), year 0 first."""

    id: str = Field(min_length=1)
    title: str = ""
    sponsor: str = ""
    term: Term = Term.MEDIUM
    objectives: tuple[str, ...] = ()
    project_type: ProjectType
    mitigation: float = Field(0.0, ge=0, le=1)
    evidence: Evidence = Evidence.NONE
    risks: str = ""
    capital: tuple[float, ...] = ()
    revenue: tuple[float, ...] = ()
    cash_releasing: tuple[float, ...] = ()
    social_value: tuple[float, ...] = ()
    #: Health and life values (QALYs valued in money and the like): discounted at the Green
    #: Book's health rate whatever the round's schedule (issue 13 case 4).
    health_benefits: tuple[float, ...] = ()
    stated_total_cost: float | None = None
    stated_total_benefit: float | None = None
    missing_years: tuple[int, ...] = ()

    @field_validator("capital", "revenue", "cash_releasing", "social_value", "health_benefits")
    @classmethod
    def _finite(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        for year, v in enumerate(values):
            if not math.isfinite(v):
                raise InputError(f"year {year} amount is not a finite number")
        return values

    @model_validator(mode="after")
    def _same_years(self) -> Proposal:
        lengths = {
            "capital": len(self.capital),
            "revenue": len(self.revenue),
            "cash-releasing benefits": len(self.cash_releasing),
            "wider social value": len(self.social_value),
            "health benefits": len(self.health_benefits),
        }
        given = {k: n for k, n in lengths.items() if n}
        if not given:
            raise InputError(
                f"proposal {self.id} is empty: it has no costs and no benefits",
                valid="yearly costs and benefits from year 0",
            )
        if len(set(given.values())) > 1:
            listed = ", ".join(f"{k} {n} year{'s' if n != 1 else ''}" for k, n in given.items())
            raise InputError(
                f"proposal {self.id}: costs and benefits cover different numbers of years "
                f"({listed})",
                valid="the same years (from year 0) for every cost and benefit line",
            )
        return self

    @property
    def years(self) -> int:
        return max(
            len(self.capital),
            len(self.revenue),
            len(self.cash_releasing),
            len(self.social_value),
            len(self.health_benefits),
        )

    def line(self, name: str) -> list[float]:
        values = list(getattr(self, name))
        return values or [0.0] * self.years

    @property
    def costs(self) -> list[float]:
        return [a + b for a, b in zip(self.line("capital"), self.line("revenue"), strict=True)]

    @property
    def other_benefits(self) -> list[float]:
        """Cash-releasing benefits and wider social value: discounted at the round's schedule."""
        return [
            a + b
            for a, b in zip(self.line("cash_releasing"), self.line("social_value"), strict=True)
        ]

    @property
    def benefits(self) -> list[float]:
        """Every benefit, health and life values included, year by year."""
        return [
            a + b for a, b in zip(self.other_benefits, self.line("health_benefits"), strict=True)
        ]


class DecisionRules(BaseModel):
    """Thresholds for absolute evaluation and places for comparative evaluation.

    Every default here is a local choice for the organisation to set, not a rule of CPC 506,
    the Green Book or any regulator (issue 13 case 17). Scores are fractions of the scale's
    range. The benefit-cost ratio thresholds borrow the Department for Transport's
    value-for-money categories (DfT, *Value for Money Framework*, 2015: below 1 poor, 1 to 1.5
    low, 1.5 to 2 medium): cpcxl's choice of a reference, not a Treasury rule.
    """

    #: Absolute (thresholds) by default: a local choice; CPC 506 B8 allows either.
    evaluation: Evaluation = Evaluation.ABSOLUTE
    #: 60% of the scale to accept, 40% to be considered at all: local choices.
    accept_score: float = Field(0.6, ge=0, le=1)
    reject_score: float = Field(0.4, ge=0, le=1)
    #: 1.5 ('medium' value for money or better, DfT 2015) to accept; below 1.0 ('poor', the
    #: costs exceed the benefits) to reject: local choices of those reference points.
    accept_bcr: float = Field(1.5, ge=0)
    reject_bcr: float = Field(1.0, ge=0)
    #: None by default: comparative evaluation with no budget must say how many to accept.
    places: int | None = Field(None, ge=0)
    #: The organisation's objectives; when given, a proposal must name objectives from it.
    objectives: tuple[str, ...] = ()
    #: Highest benefit-cost ratio believable for each strength of evidence: 6 if evaluated
    #: here, 4 for a published evaluation elsewhere, 2 for expert judgement (1 with none,
    #: which is a weakness of its own). cpcxl's own local choices, from no published source.
    plausible_bcr: dict[Evidence, float] = Field(
        default_factory=lambda: {
            Evidence.LOCAL_EVALUATION: 6.0,
            Evidence.PUBLISHED: 4.0,
            Evidence.EXPERT: 2.0,
            Evidence.NONE: 1.0,
        }
    )

    @model_validator(mode="after")
    def _ordered(self) -> DecisionRules:
        if self.reject_score > self.accept_score:
            raise InputError(
                "the reject score is above the accept score",
                valid="reject score ≤ accept score",
            )
        if self.reject_bcr > self.accept_bcr:
            raise InputError(
                "the reject benefit-cost ratio is above the accept ratio",
                valid="reject ratio ≤ accept ratio",
            )
        return self


@dataclass
class Round:
    """A round as read from a workbook, ready to evaluate; ``notes`` are what the reading
    found worth saying (a header read under another spelling)."""

    proposals: list[Proposal]
    criteria: CriteriaSet
    scores: dict[tuple[str, str], float]
    rules: DecisionRules
    schedule: Schedule
    budgets: list[float] | None
    notes: list[str] = field(default_factory=list)
