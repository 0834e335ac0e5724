"""What a risk register holds: categories, appetite levels, matrices and the register row.

The categories are the "Risks" scope list of CPC 306 (repeated in CPC 505 and 510). The
appetite levels are the five of HM Government's Orange Book risk appetite guidance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cpcxl.plugins import Scheme

MATRIX_KIND = "risk-matrix"


class RiskCategory(StrEnum):
    """The standards' list of risks (CPC 306 scope "Risks"); organisations may add their own."""

    PEOPLE = "Risks to people"
    PROPERTY = "Risks to property"
    HEALTH_AND_SAFETY = "Health and safety"
    VULNERABLE = "Harm to vulnerable adults or children"
    LEGAL = "Legal action"
    REPUTATION = "Reputation"
    PERFORMANCE = "Poor performance"
    FINANCIAL = "Financial loss"


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


class Flag(StrEnum):
    """What the register check raises for a risk, in the order it reports them."""

    ABOVE_APPETITE = "Above appetite"
    ABOVE_TARGET = "Above target"
    REVIEW_OVERDUE = "Review overdue"
    RESIDUAL_ABOVE_INHERENT = "Residual above inherent"
    NO_CONTROLS = "High inherent risk, no controls"


# --- the risk matrix, a scheme an organisation can replace -------------------------------------


class Level(BaseModel):
    """One step of a likelihood or impact scale: its score, label and accepted other names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    score: int
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()


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

FieldKind = Literal[
    "id",
    "text",
    "category",
    "likelihood",
    "impact",
    "status",
    "date",
    "money",
    "probability",
    "score",
]


@dataclass(frozen=True)
class RegisterField:
    """A register column: the field, the header the packaged workbook uses, what it holds and
    the other headers found in registers in use."""

    name: str
    header: str
    kind: FieldKind
    synonyms: tuple[str, ...] = ()
    required: bool = False


#: Register columns in the packaged workbook's order. Required: an id and inherent scoring.
REGISTER_FIELDS: tuple[RegisterField, ...] = (
    RegisterField(
        "risk_id",
        "Risk ID",
        "id",
        ("id", "ref", "risk ref", "reference", "risk no", "risk number", "no"),
        required=True,
    ),
    RegisterField("title", "Title", "text", ("risk", "risk title", "risk name", "short title")),
    RegisterField(
        "description",
        "Description",
        "text",
        ("risk description", "cause and effect", "details", "description of risk"),
    ),
    RegisterField(
        "category",
        "Category",
        "category",
        ("risk category", "risk type", "type", "area", "risk area"),
    ),
    RegisterField("owner", "Owner", "text", ("risk owner", "lead", "responsible officer")),
    RegisterField(
        "inherent_likelihood",
        "Inherent likelihood",
        "likelihood",
        (
            "likelihood",
            "probability",
            "inherent probability",
            "gross likelihood",
            "initial likelihood",
            "inherent risk likelihood",
            "inherent risk probability",
            "pre mitigation likelihood",
        ),
        required=True,
    ),
    RegisterField(
        "inherent_impact",
        "Inherent impact",
        "impact",
        (
            "impact",
            "consequence",
            "severity",
            "inherent consequence",
            "inherent severity",
            "gross impact",
            "initial impact",
            "inherent risk impact",
            "inherent risk consequence",
            "inherent risk severity",
            "pre mitigation impact",
        ),
        required=True,
    ),
    RegisterField(
        "controls",
        "Controls",
        "text",
        (
            "existing controls",
            "controls in place",
            "mitigation",
            "mitigations",
            "current controls",
            "mitigating actions",
        ),
    ),
    RegisterField(
        "residual_likelihood",
        "Residual likelihood",
        "likelihood",
        (
            "residual probability",
            "current likelihood",
            "net likelihood",
            "residual risk likelihood",
            "residual risk probability",
            "current risk likelihood",
            "current risk probability",
        ),
    ),
    RegisterField(
        "residual_impact",
        "Residual impact",
        "impact",
        (
            "residual consequence",
            "residual severity",
            "current impact",
            "current consequence",
            "net impact",
            "residual risk impact",
            "residual risk consequence",
            "residual risk severity",
            "current risk impact",
            "current risk consequence",
        ),
    ),
    RegisterField(
        "target_likelihood",
        "Target likelihood",
        "likelihood",
        ("target probability", "target risk likelihood", "target risk probability"),
    ),
    RegisterField(
        "target_impact",
        "Target impact",
        "impact",
        (
            "target consequence",
            "target severity",
            "target risk impact",
            "target risk consequence",
            "target risk severity",
        ),
    ),
    RegisterField("status", "Status", "status", ("risk status", "open closed")),
    RegisterField(
        "date_raised",
        "Date raised",
        "date",
        ("raised", "date identified", "date opened", "date added", "identified"),
    ),
    RegisterField(
        "last_reviewed",
        "Last reviewed",
        "date",
        ("last review", "date reviewed", "last review date", "date of last review"),
    ),
    RegisterField(
        "next_review",
        "Next review",
        "date",
        ("next review date", "review date", "review by", "review due", "date of next review"),
    ),
    RegisterField(
        "previous_score",
        "Score at last review",
        "score",
        (
            "previous score",
            "previous residual score",
            "last score",
            "residual score at last review",
        ),
    ),
    RegisterField(
        "probability",
        "Chance of occurring",
        "probability",
        ("probability %", "probability of occurrence", "chance", "% chance"),
    ),
    RegisterField(
        "minimum",
        "Minimum impact (£)",
        "money",
        ("minimum £", "min £", "minimum impact", "minimum cost", "best case £"),
    ),
    RegisterField(
        "most_likely",
        "Most likely impact (£)",
        "money",
        ("most likely £", "most likely impact", "most likely cost", "likely £"),
    ),
    RegisterField(
        "maximum",
        "Maximum impact (£)",
        "money",
        ("maximum £", "max £", "maximum impact", "maximum cost", "worst case £"),
    ),
)
FIELDS_BY_NAME = {f.name: f for f in REGISTER_FIELDS}


class RiskRow(BaseModel):
    """One risk as typed into a register (likelihood and impact as numbers or labels).

    Scores come from the matrix, never from the row. ``read_register`` reads a whole sheet of
    rows column by column; this model is for building registers from code.
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
    """The highest residual score each appetite level tolerates, and each category's level."""

    model_config = ConfigDict(frozen=True)

    levels: dict[AppetiteLevel, int]
    categories: dict[str, AppetiteLevel | None]

    def tolerated(self, category: str) -> int | None:
        level = self.categories.get(category)
        return None if level is None else self.levels[level]


#: A starting point for a board to replace: harm to people is tolerated least, the risks of
#: trying new ways of delivering services most. Not from a standard; set your own.
DEFAULT_CATEGORY_APPETITE: dict[str, AppetiteLevel] = {
    RiskCategory.PEOPLE: AppetiteLevel.MINIMAL,
    RiskCategory.PROPERTY: AppetiteLevel.CAUTIOUS,
    RiskCategory.HEALTH_AND_SAFETY: AppetiteLevel.MINIMAL,
    RiskCategory.VULNERABLE: AppetiteLevel.AVERSE,
    RiskCategory.LEGAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.REPUTATION: AppetiteLevel.CAUTIOUS,
    RiskCategory.PERFORMANCE: AppetiteLevel.OPEN,
    RiskCategory.FINANCIAL: AppetiteLevel.CAUTIOUS,
}
