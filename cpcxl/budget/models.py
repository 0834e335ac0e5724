"""The words of an aligned or pooled budget, from CPC 509 and CPC 501 B3-B4.

The scope lists of the standards are the enums here, and so the drop-downs of the workbook:
partner types are CPC 501's "key organisations" (with the NHS named, as the issue asks),
contribution kinds are CPC 501's "contribution", reasons for a change are CPC 509's
"conditions for changing".
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PartnerType(StrEnum):
    """CPC 501 scope "key organisations", with NHS bodies named apart from other statutory ones."""

    STATUTORY = "Statutory"
    NHS_BODY = "NHS body"
    GOVERNMENT_BODY = "Government body"
    VOLUNTARY = "Voluntary"
    COMMUNITY = "Community"
    PRIVATE_ENTERPRISE = "Private enterprise"
    SOCIAL_ENTERPRISE = "Social enterprise"
    NGO = "NGO"


class ArrangementKind(StrEnum):
    """CPC 509 key words: aligned budgets stay with each partner; pooled go into one pot."""

    ALIGNED = "Aligned"
    POOLED = "Pooled"


class ContributionKind(StrEnum):
    """CPC 501 scope "contribution". Only financial is cash; the rest are in kind, valued in £."""

    FINANCIAL = "Financial"
    STAFF = "Staff"
    EXPERTISE = "Expertise"
    TIME = "Time"
    PHYSICAL_RESOURCES = "Physical resources"

    @property
    def is_cash(self) -> bool:
        return self is ContributionKind.FINANCIAL


class Change(StrEnum):
    """How a partner's contribution changes in future years (CPC 509 A4)."""

    UPLIFT = "Uplift"  # % a year, compounding
    REDUCTION = "Reduction"  # % a year, compounding, off the uplifted amount
    CAP = "Cap"  # £ ceiling on the partner's cash contribution in each year


class ChangeReason(StrEnum):
    """CPC 509 scope "conditions for changing"."""

    INFLATION = "Inflation"
    REDUCED_RESOURCES = "Reduced availability of resources"
    CHANGE_IN_ROLE = "Change in role"
    DISSOLUTION = "Dissolution"


class RiskBasis(StrEnum):
    """How an overspend or underspend is shared among the partners."""

    PRO_RATA = "pro_rata"
    PRO_RATA_PER_LINE = "pro_rata_per_line"
    FIXED = "fixed"
    HOST = "host"
    LEAD = "lead"
    CAPPED = "capped"

    @property
    def label(self) -> str:
        """What the workbook's drop-down shows ('Pro rata to contributions')."""
        return RISK_BASIS_LABELS[self]


RISK_BASIS_LABELS = {
    RiskBasis.PRO_RATA: "Pro rata to contributions",
    RiskBasis.PRO_RATA_PER_LINE: "Pro rata per line",
    RiskBasis.FIXED: "Fixed percentages",
    RiskBasis.HOST: "Host bears it",
    RiskBasis.LEAD: "Each line's commissioning partner bears it",
    RiskBasis.CAPPED: "Capped, remainder pro rata",
}


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: PartnerType
    fixed_share: float | None = None  # fraction 0-1, for the fixed-percentages basis
    risk_cap: float | None = None  # £ most the partner bears, for the capped basis
    row: int | None = None


class Line(BaseModel):
    """A budget line: a scheme or service area."""

    model_config = ConfigDict(frozen=True)

    name: str
    lead: str | None = None  # the commissioning partner
    excluded: bool = False  # kept out of risk share (capital grants, for example)
    description: str = ""
    row: int | None = None


class Arrangement(BaseModel):
    """The Arrangement table. Each default is a local choice (docs/budget.md lists them);
    the partners' agreement sets the real terms."""

    model_config = ConfigDict(frozen=True)

    name: str = "Joint budget"  # a local choice, for a blank name
    kind: ArrangementKind = ArrangementKind.POOLED  # the table requires it; for Python callers
    first_year: int = Field(ge=1900, le=2999)
    years: int = Field(ge=1, le=50)
    host: str | None = None
    #: Blank: pro rata to contributions, a local choice (agreements differ: some share per
    #: scheme, some leave each partner its own risks); applies to a pooled budget only.
    basis: RiskBasis = RiskBasis.PRO_RATA
    test_variance: float = 0.0  # £ over (+) or under (-) to show exposure to; £0, a local choice
    test_year: int | None = None  # whose contributions weight it; the first year, a local choice

    @property
    def year_list(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.years))

    @property
    def risk_year(self) -> int:
        return self.test_year if self.test_year is not None else self.first_year


class Condition(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner: str
    change: Change
    value: float  # a fraction for uplift/reduction, £ for a cap
    from_year: int
    to_year: int | None = None
    reason: ChangeReason | None = None
    row: int | None = None


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner: str
    outcome: str
    indicator: str = ""
    lines: tuple[str, ...] = ()
    baseline: float | None = None
    target: float | None = None
    actual: float | None = None
    row: int | None = None
