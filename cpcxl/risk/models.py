"""What a risk register holds: categories, appetite levels, matrices and the register row.

The categories are the "Risks" scope list of CPC 306 (repeated in CPC 505 and 510). The
appetite levels are the five of HM Government's Orange Book risk appetite guidance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cpcxl.plugins import Scheme

MATRIX_KIND: Final = "risk-matrix"

# --- how much work one simulation may ask for (stated in docs/risk.md, "Limits") -------------

#: The most iterations one simulation may run: ten million pin a percentile to a small
#: fraction of a percent; more only keeps Excel waiting (a local limit).
MAX_ITERATIONS: Final = 10_000_000
#: The most risk × iteration draws one simulation may make: about ten seconds' work on one
#: core (the benchmark draws ten million in under a second), inside the add-in server's
#: 30-second limit for a call (a local limit).
MAX_DRAWS: Final = 100_000_000


class RiskCategory(StrEnum):
    """The standards' lists of risks: CPC 306's scope "Risks" (the first eight), then CPC
    507's six "areas of perceived risk"; organisations may add their own."""

    PEOPLE = "Risks to people"
    PROPERTY = "Risks to property"
    HEALTH_AND_SAFETY = "Health and safety"
    VULNERABLE = "Harm to vulnerable adults or children"
    LEGAL = "Legal action"
    REPUTATION = "Reputation"
    PERFORMANCE = "Poor performance"
    FINANCIAL = "Financial loss"
    COMMERCIAL = "Commercial or contractual"
    TECHNICAL = "Technical issues"
    LOCAL = "Local and environmental conditions"
    RESOURCES = "Resources or procurement"
    REGULATORY = "Regulatory or political influences"
    INFORMATION = "Lack of information and data"


#: Words registers use for the standard categories, so imported registers keep their meaning.
CATEGORY_ALIASES: dict[str, RiskCategory] = {
    "people": RiskCategory.PEOPLE,
    "risk to people": RiskCategory.PEOPLE,
    "property": RiskCategory.PROPERTY,
    "assets": RiskCategory.PROPERTY,
    "risk to property": RiskCategory.PROPERTY,
    "health & safety": RiskCategory.HEALTH_AND_SAFETY,
    "h&s": RiskCategory.HEALTH_AND_SAFETY,
    "safety": RiskCategory.HEALTH_AND_SAFETY,
    "safeguarding": RiskCategory.VULNERABLE,
    "harm to vulnerable adults": RiskCategory.VULNERABLE,
    "harm to children": RiskCategory.VULNERABLE,
    "legal": RiskCategory.LEGAL,
    "risk of legal action": RiskCategory.LEGAL,
    "reputational": RiskCategory.REPUTATION,
    "risk to reputation": RiskCategory.REPUTATION,
    "performance": RiskCategory.PERFORMANCE,
    "service performance": RiskCategory.PERFORMANCE,
    "financial": RiskCategory.FINANCIAL,
    "finance": RiskCategory.FINANCIAL,
    "commercial": RiskCategory.COMMERCIAL,
    "contractual": RiskCategory.COMMERCIAL,
    "contract": RiskCategory.COMMERCIAL,
    "commercial and contractual": RiskCategory.COMMERCIAL,
    "technical": RiskCategory.TECHNICAL,
    "technology": RiskCategory.TECHNICAL,
    "technological": RiskCategory.TECHNICAL,
    "local conditions": RiskCategory.LOCAL,
    "environmental": RiskCategory.LOCAL,
    "environment": RiskCategory.LOCAL,
    "resources": RiskCategory.RESOURCES,
    "resourcing": RiskCategory.RESOURCES,
    "procurement": RiskCategory.RESOURCES,
    "resources and procurement": RiskCategory.RESOURCES,
    "regulatory": RiskCategory.REGULATORY,
    "political": RiskCategory.REGULATORY,
    "regulatory and political": RiskCategory.REGULATORY,
    "information and data": RiskCategory.INFORMATION,
    "lack of information": RiskCategory.INFORMATION,
    "data": RiskCategory.INFORMATION,
    "data quality": RiskCategory.INFORMATION,
}


class AppetiteLevel(StrEnum):
    """How much risk the organisation will take in a category (Orange Book levels)."""

    AVERSE = "Averse"
    MINIMAL = "Minimal"
    CAUTIOUS = "Cautious"
    OPEN = "Open"
    EAGER = "Eager"


class RiskStatus(StrEnum):
    OPEN = "Open"
    ESCALATED = "Escalated"
    CLOSED = "Closed"


class RiskResponse(StrEnum):
    """How the organisation responds to a risk: the Orange Book's five (HM Government, The
    Orange Book: Management of Risk, Principles and Concepts, 2023): treat it, tolerate it,
    transfer it, terminate the activity, or take the opportunity."""

    TREAT = "Treat"
    TOLERATE = "Tolerate"
    TRANSFER = "Transfer"
    TERMINATE = "Terminate"
    TAKE = "Take"


#: The words registers use for a response, read as the Orange Book's (mitigate and reduce
#: are treating a risk; accepting it is tolerating; avoiding it terminates the activity;
#: sharing or insuring transfers it; exploiting an opportunity is taking it).
RESPONSE_ALIASES: dict[str, RiskResponse] = {
    "mitigate": RiskResponse.TREAT,
    "reduce": RiskResponse.TREAT,
    "control": RiskResponse.TREAT,
    "manage": RiskResponse.TREAT,
    "treating": RiskResponse.TREAT,
    "accept": RiskResponse.TOLERATE,
    "retain": RiskResponse.TOLERATE,
    "tolerated": RiskResponse.TOLERATE,
    "share": RiskResponse.TRANSFER,
    "insure": RiskResponse.TRANSFER,
    "transferred": RiskResponse.TRANSFER,
    "avoid": RiskResponse.TERMINATE,
    "eliminate": RiskResponse.TERMINATE,
    "terminated": RiskResponse.TERMINATE,
    "exploit": RiskResponse.TAKE,
    "take the opportunity": RiskResponse.TAKE,
    "pursue": RiskResponse.TAKE,
}


class ActionStatus(StrEnum):
    """Where an action stands: the first two are open."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETE = "Complete"
    CANCELLED = "Cancelled"


OPEN_ACTIONS = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
ACTION_STATUS_ALIASES: dict[str, ActionStatus] = {
    "not yet started": ActionStatus.NOT_STARTED,
    "planned": ActionStatus.NOT_STARTED,
    "open": ActionStatus.NOT_STARTED,
    "ongoing": ActionStatus.IN_PROGRESS,
    "on track": ActionStatus.IN_PROGRESS,
    "started": ActionStatus.IN_PROGRESS,
    "delayed": ActionStatus.IN_PROGRESS,
    "behind schedule": ActionStatus.IN_PROGRESS,
    "in hand": ActionStatus.IN_PROGRESS,
    "done": ActionStatus.COMPLETE,
    "completed": ActionStatus.COMPLETE,
    "closed": ActionStatus.COMPLETE,
    "withdrawn": ActionStatus.CANCELLED,
    "superseded": ActionStatus.CANCELLED,
}


class IncidentKind(StrEnum):
    """An incident (the risk happened) or a near miss (it nearly did: caught in time)."""

    INCIDENT = "Incident"
    NEAR_MISS = "Near miss"


class Harm(StrEnum):
    """The harm an incident did: the degrees of harm of the NHS's National Reporting and
    Learning System (National Patient Safety Agency), none for a near miss or an incident
    that harmed no one."""

    NONE = "None"
    LOW = "Low"
    MODERATE = "Moderate"
    SEVERE = "Severe"
    DEATH = "Death"


HARM_ALIASES: dict[str, Harm] = {
    "no harm": Harm.NONE,
    "nil": Harm.NONE,
    "low harm": Harm.LOW,
    "minor": Harm.LOW,
    "moderate harm": Harm.MODERATE,
    "severe harm": Harm.SEVERE,
    "major": Harm.SEVERE,
    "fatal": Harm.DEATH,
    "catastrophic": Harm.DEATH,
}


class Flag(StrEnum):
    """What the register check raises for a risk, in the order it reports them."""

    ABOVE_APPETITE = "Above appetite"
    ABOVE_TARGET = "Above target"
    REVIEW_OVERDUE = "Review overdue"
    RESIDUAL_ABOVE_INHERENT = "Residual above inherent"
    NO_CONTROLS = "High inherent risk, no controls"
    TOLERATED_NO_REASON = "Tolerated above appetite with no reason given"
    NO_OPEN_ACTION = "Above target with no open action"
    ACTION_OVERDUE = "Action overdue"
    INCIDENTS = "More incidents than its likelihood implies"
    ABOVE_PARTNER = "Above a partner's appetite"


# --- the risk matrix, a scheme an organisation can replace -------------------------------------


class Level(BaseModel):
    """One step of a likelihood or impact scale: its score, label and accepted other names.

    ``fewer_than`` (likelihood only): the yearly frequency at which the next level begins, so
    the most a year this level implies is fewer than it (the NPSA's time frames: Rare is not
    expected for years, fewer than 1 a year; Unlikely at least annually, fewer than 12;
    Possible at least monthly, fewer than 52; Likely at least weekly, fewer than 365; Almost
    certain at least daily, no limit). A risk with that many incidents in the last 12 months
    has happened more often than its likelihood says.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    score: int
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    fewer_than: float | None = None


class Band(BaseModel):
    """A rating band: scores from ``low`` to ``high`` inclusive, and its colour (hex RGB)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    low: int
    high: int
    colour: str = "D9D9D9"


class RiskMatrix(Scheme):
    """A likelihood × impact matrix: scales, bands and the scores each appetite level tolerates.

    ``high_from`` is the lowest score counted as high risk (for the "no controls" flag); by
    default the lower bound of the band above the middle one.
    """

    kind: Literal["risk-matrix"] = MATRIX_KIND
    likelihood: tuple[Level, ...]
    impact: tuple[Level, ...]
    bands: tuple[Band, ...]
    appetite: dict[AppetiteLevel, int]
    high_from: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RiskMatrix:
        for axis, levels in (("likelihood", self.likelihood), ("impact", self.impact)):
            scores = [level.score for level in levels]
            if scores != list(range(1, len(levels) + 1)):
                raise ValueError(f"{axis} scores must run 1, 2, 3, ... in order; got {scores}")
            labels = [level.label.strip().lower() for level in levels]
            if len(set(labels)) != len(labels):
                raise ValueError(f"{axis} labels must differ; got {labels}")
        bands = sorted(self.bands, key=lambda b: b.low)
        if list(bands) != list(self.bands):
            raise ValueError("bands must be listed from the lowest scores up")
        for score in sorted({i * j for i in self.likely_scores for j in self.impact_scores}):
            holders = [b.name for b in self.bands if b.low <= score <= b.high]
            if len(holders) != 1:
                found = "no band" if not holders else "bands " + ", ".join(holders)
                raise ValueError(f"score {score} falls in {found}; each score needs one band")
        missing = [level.value for level in AppetiteLevel if level not in self.appetite]
        if missing:
            raise ValueError(f"appetite needs a highest tolerated score for {', '.join(missing)}")
        return self

    @property
    def likely_scores(self) -> range:
        return range(1, len(self.likelihood) + 1)

    @property
    def impact_scores(self) -> range:
        return range(1, len(self.impact) + 1)

    @property
    def high_score(self) -> int:
        if self.high_from is not None:
            return self.high_from
        return self.bands[len(self.bands) // 2].low

    def band_of(self, score: int) -> Band:
        for band in self.bands:
            if band.low <= score <= band.high:
                return band
        raise ValueError(f"score {score} is in no band of {self.name}")


# --- the register row -------------------------------------------------------------------------

#: Each rating's likelihood and impact fields, by stage.
PAIRS: dict[str, tuple[str, str]] = {
    "inherent": ("inherent_likelihood", "inherent_impact"),
    "residual": ("residual_likelihood", "residual_impact"),
    "target": ("target_likelihood", "target_impact"),
}
#: The fields of a risk's £ estimate: a chance of occurring and a three-point impact.
QUANTITIES = ("probability", "minimum", "most_likely", "maximum")


class RiskRow(BaseModel):
    """One risk as typed into a register (likelihood and impact as numbers or labels).

    Scores come from the matrix, never from the row. ``inputs.read_register`` reads a whole
    table of rows column by column; this model is for building registers from code.
    """

    model_config = ConfigDict(extra="forbid")

    risk_id: str
    title: str = ""
    description: str = ""
    category: str = ""
    owner: str = ""
    inherent_likelihood: int | str
    inherent_impact: int | str
    controls: str = ""
    residual_likelihood: int | str | None = None
    residual_impact: int | str | None = None
    target_likelihood: int | str | None = None
    target_impact: int | str | None = None
    status: RiskStatus = RiskStatus.OPEN
    date_raised: dt.date | None = None
    last_reviewed: dt.date | None = None
    next_review: dt.date | None = None
    previous_score: int | None = None
    probability: float | None = Field(default=None, ge=0, le=1)
    minimum: float | None = None
    most_likely: float | None = None
    maximum: float | None = None


class RiskAppetite(BaseModel):
    """The highest residual score each appetite level tolerates, each category's level, and
    for a joint arrangement each partner's level by category (CPC 507 A6)."""

    model_config = ConfigDict(frozen=True)

    levels: dict[AppetiteLevel, int]
    categories: dict[str, AppetiteLevel | None]
    partners: dict[str, dict[str, AppetiteLevel]] = Field(default_factory=dict)

    def tolerated(self, category: str) -> int | None:
        level = self.categories.get(category)
        return None if level is None else self.levels[level]

    def partners_tolerating(self, category: str) -> list[tuple[str, AppetiteLevel, int]]:
        """Each partner with a level for the category: (partner, level, highest tolerated)."""
        return [
            (partner, levels[category], self.levels[levels[category]])
            for partner, levels in self.partners.items()
            if category in levels
        ]


#: A starting point for a board to replace: harm to people is tolerated least, the risks of
#: trying new ways of delivering services most; the CPC 507 areas Cautious, and regulatory or
#: political influences Minimal (a breach is hard to undo). Not from a standard; set your own.
DEFAULT_CATEGORY_APPETITE: dict[str, AppetiteLevel] = {
    RiskCategory.PEOPLE: AppetiteLevel.MINIMAL,
    RiskCategory.PROPERTY: AppetiteLevel.CAUTIOUS,
    RiskCategory.HEALTH_AND_SAFETY: AppetiteLevel.MINIMAL,
    RiskCategory.VULNERABLE: AppetiteLevel.AVERSE,
    RiskCategory.LEGAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.REPUTATION: AppetiteLevel.CAUTIOUS,
    RiskCategory.PERFORMANCE: AppetiteLevel.OPEN,
    RiskCategory.FINANCIAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.COMMERCIAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.TECHNICAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.LOCAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.RESOURCES: AppetiteLevel.CAUTIOUS,
    RiskCategory.REGULATORY: AppetiteLevel.MINIMAL,
    RiskCategory.INFORMATION: AppetiteLevel.CAUTIOUS,
}


def default_appetite(matrix: RiskMatrix) -> RiskAppetite:
    """The matrix's appetite scores with cpcxl's starting levels for the standard categories."""
    return RiskAppetite(
        levels=dict(matrix.appetite),
        categories={str(k): v for k, v in DEFAULT_CATEGORY_APPETITE.items()},
    )


class CorrelationSettings(BaseModel):
    """How the register's quantified risks are correlated: one coefficient for every pair,
    one within each category (pairs of the same category), and pairs named by their risk ids
    (a matrix on the Correlation sheet); the most particular one given holds."""

    model_config = ConfigDict(frozen=True)

    every_pair: float = Field(default=0.0, ge=-1, le=1)
    within_category: dict[str, float] = Field(default_factory=dict)
    pairs: dict[tuple[str, str], float] = Field(default_factory=dict)

    @property
    def independent(self) -> bool:
        return (
            self.every_pair == 0
            and not any(self.within_category.values())
            and not any(self.pairs.values())
        )


def financial_year(proximity: dt.date | int) -> int:
    """The UK financial year (April to March, by its first calendar year) a proximity falls
    in: a date, or a year already."""
    if isinstance(proximity, dt.date):
        return proximity.year if proximity.month >= 4 else proximity.year - 1
    return int(proximity)


def appetite_with(categories: Iterable[str], matrix: RiskMatrix) -> RiskAppetite:
    """The default appetite, with an organisation's own categories added (no level yet)."""
    base = default_appetite(matrix)
    chosen = dict(base.categories)
    for category in categories:
        chosen.setdefault(category, None)
    return RiskAppetite(levels=base.levels, categories=chosen)
