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
    """How an overspend or underspend is shared among the partners (the agreement's terms:
    one basis for overspends and, if the partners agreed one, another for underspends)."""

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


class UnderspendUse(StrEnum):
    """What happens to a pooled fund's underspend at the year end (the agreement says)."""

    RETURNED = "Returned"  # paid back to the partners it belongs to
    CARRIED_FORWARD = "Carried forward"  # next year's contribution of the partner it belongs to


class PeriodKind(StrEnum):
    """How the year's actuals are kept: twelve months or four quarters, set once a year."""

    MONTHLY = "Monthly"
    QUARTERLY = "Quarterly"

    @property
    def size(self) -> int:
        return 12 if self is PeriodKind.MONTHLY else 4

    def label(self, period: int) -> str:
        """Period 1 of a UK financial year is April (monthly) or April to June (quarterly)."""
        if self is PeriodKind.MONTHLY:
            return MONTHS[period - 1]
        return f"Q{period}"


#: The months of a UK financial year, April first.
MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


class ForecastMethod(StrEnum):
    """How a line's forecast outturn is made from its actuals to date."""

    PROFILE = "profile"  # actuals to date + the budget still to be spent as profiled
    RUN_RATE = "run_rate"  # actuals to date scaled to the whole year

    @property
    def label(self) -> str:
        return "Profile" if self is ForecastMethod.PROFILE else "Run rate"


class FundingSource(StrEnum):
    """The Better Care Fund's funding sources, as the plan's income and expenditure give them
    (BCF policy framework and planning requirements 2025 to 2026). The local authority's own
    BCF grant goes under other grants."""

    NHS_MINIMUM = "NHS minimum contribution"
    LA_ADDITIONAL = "Local authority additional contribution"
    ICB_ADDITIONAL = "ICB additional contribution"
    DFG = "Disabled Facilities Grant"
    OTHER_GRANTS = "Other grants"


class SpendArea(StrEnum):
    """What a BCF scheme's spend from the NHS minimum contribution counts towards: the two
    ring-fenced minimums of the planning requirements, or neither."""

    ADULT_SOCIAL_CARE = "Adult social care"
    OUT_OF_HOSPITAL = "NHS-commissioned out-of-hospital services"
    OTHER = "Other"


class Commissioner(StrEnum):
    """A BCF scheme's lead commissioner, as the BCF planning template records it."""

    LOCAL_AUTHORITY = "Local authority"
    NHS = "NHS"
    JOINT = "Joint"


class Requirement(StrEnum):
    """The national requirements a BCF plan is checked against; the officer enters each
    year's figures for the area from that year's allocations and planning requirements."""

    NHS_MINIMUM = "NHS minimum contribution"
    ASC_MINIMUM = "Adult social care minimum"
    OUT_OF_HOSPITAL_MINIMUM = "NHS-commissioned out-of-hospital minimum"
    DFG = "Disabled Facilities Grant"


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: PartnerType
    fixed_share: float | None = None  # fraction 0-1, for the fixed-percentages basis
    risk_cap: float | None = None  # £ most the partner bears, for the capped basis
    #: fraction 0-1 of an underspend, where the underspend basis is fixed percentages; None:
    #: the fixed risk share (a local choice)
    fixed_underspend_share: float | None = None
    row: int | None = None


class Line(BaseModel):
    """A budget line: a scheme or service area."""

    model_config = ConfigDict(frozen=True)

    name: str
    lead: str | None = None  # the commissioning partner
    excluded: bool = False  # kept out of risk share (capital grants, for example)
    description: str = ""
    #: Aligned (each partner bears its own variance) or pooled; None: the arrangement's kind
    kind: ArrangementKind | None = None
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
    #: How an underspend is shared; None: as an overspend (``basis``), a local choice.
    underspend_basis: RiskBasis | None = None
    #: Returned to the partners or carried forward; blank: returned, a local choice.
    underspend_use: UnderspendUse = UnderspendUse.RETURNED
    #: A Better Care Fund plan: the BCF tables are checked against the national requirements.
    bcf: bool = False

    @property
    def year_list(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.years))

    @property
    def risk_year(self) -> int:
        return self.test_year if self.test_year is not None else self.first_year

    @property
    def under_basis(self) -> RiskBasis:
        """The basis an underspend is shared on."""
        return self.underspend_basis if self.underspend_basis is not None else self.basis


class InYear(BaseModel):
    """The In-year settings: which year is monitored, by month or quarter, to which period.

    Each default is a local choice (docs/budget.md lists them)."""

    model_config = ConfigDict(frozen=True)

    year: int | None = None  # the year monitored; None: the arrangement's first year
    periods: PeriodKind = PeriodKind.MONTHLY
    period: int | None = None  # the last period closed; None: the latest with an actual
    method: ForecastMethod = ForecastMethod.PROFILE  # for lines the Forecasts table leaves out
    opening_balance: float = 0.0  # £ in the pooled fund at the start of the year


class ForecastRule(BaseModel):
    """How one line's (or one partner's part of a line's) forecast is made."""

    model_config = ConfigDict(frozen=True)

    line: str
    partner: str | None = None  # None: the whole line
    method: ForecastMethod | None = None  # None: the In-year default
    profile: str | None = None  # a profile's name; None: flat
    override: float | None = None  # £ the officer's own forecast
    reason: str = ""
    from_period: int | None = None  # the override stands from this period; None: this one
    row: int | None = None


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


class Payment(BaseModel):
    """One instalment of a partner's contribution into the pooled fund, and what was paid."""

    model_config = ConfigDict(frozen=True)

    partner: str
    period: int  # the period it is due in (1 = April, or April to June)
    due: float  # £
    paid: float | None = None  # £ paid against it; None: not yet
    row: int | None = None


class NationalRequirement(BaseModel):
    """One of the year's national BCF requirements for the area, as the officer entered it."""

    model_config = ConfigDict(frozen=True)

    requirement: Requirement
    amount: float  # £
    year: int
    source: str = ""  # where the figure comes from (the publication and its date)
    authority: str | None = None  # the housing authority a DFG allocation is for
    row: int | None = None


class Scheme(BaseModel):
    """A BCF scheme's planned expenditure from one funding source."""

    model_config = ConfigDict(frozen=True)

    scheme: str
    line: str | None = None  # the budget line it belongs to
    scheme_type: str | None = None  # from the national list (the BCF scheme types table)
    commissioner: Commissioner | None = None
    source: FundingSource
    area: SpendArea = SpendArea.OTHER
    amount: float  # £ planned
    authority: str | None = None  # the housing authority a DFG scheme passes the grant to
    metrics: tuple[str, ...] = ()
    row: int | None = None


class Metric(BaseModel):
    """One of the plan's metrics (the national metrics and any local ones)."""

    model_config = ConfigDict(frozen=True)

    metric: str
    definition: str = ""
    row: int | None = None
