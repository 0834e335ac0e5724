"""What an expenditure proposal round is made of, in the words of CPC 506 B and the Green Book.

The enums are the scope lists of CPC 506 (evaluation: comparative or absolute; proposals:
short, medium or long-term programmes of work) and the project types of HM Treasury's
optimism-bias table; each is read through one :class:`~cpcxl.common.fields.Choice` (case,
spaces and punctuation ignored, so "Short-term" is "Short term") and becomes one of the
workbook's drop-down lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cpcxl.common.errors import InputError
from cpcxl.common.fields import Choice, year_label


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


class Prices(StrEnum):
    """How a proposal's amounts are priced (HM Treasury, *The Green Book*, 2022, chapter 5,
    "Adjustments for inflation"): real (the prices of one base year) or nominal (cash: each
    year's own prices, inflation included)."""

    REAL = "Real"
    NOMINAL = "Nominal"


class ModerationMethod(StrEnum):
    """How a moderated score is derived from the panel members' scores when the chair
    enters none: the median by default (one outlying score moves it least), or the mean."""

    MEDIAN = "Median"
    MEAN = "Mean"


#: Each list as a cell, a drop-down and a worksheet-function argument read it; ``list_name``
#: is the named range on the workbook's Lists sheet.
TERMS = Choice.of(Term, "a term", list_name="Terms")
EVALUATIONS = Choice.of(Evaluation, "an evaluation", list_name="Evaluations")
SCHEDULES = Choice.of(Schedule, "a discount schedule", list_name="Schedules")
PROJECT_TYPES = Choice.of(
    ProjectType, "a project type of the optimism-bias table", list_name="ProjectTypes"
)
EVIDENCE = Choice.of(Evidence, "a kind of evidence", list_name="EvidenceLevels")
PRICES = Choice.of(
    Prices, "a price basis", list_name="PriceBases", aliases={"cash": Prices.NOMINAL}
)
MODERATION_METHODS = Choice.of(ModerationMethod, "a moderation method", list_name="Moderation")


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
    #: Where weights come from pairwise comparisons: each member's own consistency ratio
    #: (one unnamed member for a single matrix), and the ratio of the judgements used.
    judges: tuple[tuple[str, float], ...] = ()
    consistency_ratio: float | None = None

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
    #: Real (in the prices of ``price_year``; None: the round's price base year) or nominal
    #: (cash): the appraisal converts nominal amounts to real with the GDP deflator.
    prices: Prices = Prices.REAL
    price_year: int | None = None
    #: Contingency added to positive costs for the cash (affordability) view, on top of
    #: optimism bias; not in the appraisal (Green Book: optimism bias stands for the risk
    #: not yet costed).
    contingency: float = Field(0.0, ge=0, le=1)

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


@dataclass(frozen=True)
class PanelScore:
    """One panel member's score and comment for one proposal on one criterion."""

    member: str
    proposal_id: str
    criterion: str
    score: float
    comment: str = ""


@dataclass(frozen=True)
class ConflictOfInterest:
    """A member's declared interest in a proposal: they do not score it (CPC 506 knowledge
    3, ethical dilemmas and conflicts)."""

    member: str
    proposal_id: str
    interest: str = ""


@dataclass(frozen=True)
class ChairScore:
    """The moderated score the chair entered, with the reason and a comment for the
    submitter's feedback."""

    proposal_id: str
    criterion: str
    score: float | None
    reason: str = ""
    comment: str = ""


#: The spread of members' scores (highest less lowest) above which a criterion is flagged
#: for moderation: 2 points on the 0-5 scale, issue 17's figure and a local choice.
MODERATION_SPREAD = 2.0


@dataclass
class Panel:
    """An evaluation panel's scores, its members' declared conflicts and the chair's
    moderated scores."""

    scores: list[PanelScore]
    conflicts: list[ConflictOfInterest] = field(default_factory=list)
    chair: dict[tuple[str, str], ChairScore] = field(default_factory=dict)
    method: ModerationMethod = ModerationMethod.MEDIAN
    spread: float = MODERATION_SPREAD

    @property
    def members(self) -> list[str]:
        """Every member, in the order they first appear (scoring, then declaring)."""
        seen = [s.member for s in self.scores] + [c.member for c in self.conflicts]
        return list(dict.fromkeys(seen))


@dataclass(frozen=True)
class DeflatorSeries:
    """A GDP deflator index by financial year (its first calendar year), with its source.

    Years after the last are extrapolated at the last year's growth (Green Book 2022,
    chapter 5, "Adjustments for inflation": beyond the forecast, the growth rate in the
    final year of the projection)."""

    index: dict[int, float]
    source: str = ""

    @property
    def first(self) -> int:
        return min(self.index)

    @property
    def last(self) -> int:
        return max(self.index)

    def covers(self, year: int) -> bool:
        return self.first <= year <= self.last

    def at(self, year: int) -> float:
        """The index for a financial year, extrapolated beyond the last; refused before the
        first."""
        if year in self.index:
            return self.index[year]
        if year < self.first:
            raise InputError(
                f"the deflator series starts in {year_text(self.first)}, after {year_text(year)}",
                valid=f"years from {year_text(self.first)}: extend the Deflators sheet back",
            )
        if self.last - 1 not in self.index:
            raise InputError(
                f"the deflator series has one year ({year_text(self.last)}), so "
                f"{year_text(year)} cannot be extrapolated",
                valid="at least the last two years of the published series",
            )
        growth = self.index[self.last] / self.index[self.last - 1]
        return self.index[self.last] * growth ** (year - self.last)


def year_text(year: int) -> str:
    """A financial year as officers write it: 2025 -> '2025/26'."""
    return year_label(year)


@dataclass(frozen=True)
class Amendment:
    """An amendment requested of a submitter and, once resubmitted, the proposal that
    answers it (CPC 506 B7-B8: the negotiation, recorded)."""

    proposal_id: str
    requested: str
    amended_id: str | None = None
    requested_on: dt.date | None = None
    resubmitted_on: dt.date | None = None
    response: str = ""


#: How the feedback tells a submitter to resubmit, where the Settings give nothing: a local
#: choice of wording.
HOW_TO_RESUBMIT = (
    "Revise the proposal to answer each point above and send it back to the evaluation "
    "panel's secretary, marked as a resubmission of the proposal named above. The panel "
    "will evaluate it again against the same criteria, and the original and the amended "
    "figures will be shown side by side."
)


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
    #: A panel's scores, to be moderated into ``scores`` (None: one scorer, the Assessment).
    panel: Panel | None = None
    #: Comments for the submitter by (proposal, criterion): the Assessment's, or the chair's.
    comments: dict[tuple[str, str], str] = field(default_factory=dict)
    #: The financial year of year 0, and the price base year of the appraisal (None: year 0's).
    first_year: int | None = None
    price_year: int | None = None
    deflators: DeflatorSeries | None = None
    #: The ± change on each cost and benefit line for the tornado: 20%, issue 17's figure.
    tornado_change: float = 0.2
    amendments: list[Amendment] = field(default_factory=list)
    resubmit_by: dt.date | None = None
    how_to_resubmit: str = HOW_TO_RESUBMIT

    @property
    def base_year(self) -> int | None:
        """The price base year of the appraisal: the one given, or year 0's."""
        return self.price_year if self.price_year is not None else self.first_year
