"""The value types of the budget's cells: each field's type, its plausible range and why.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (3.9% is 0.039). Each rate below declares the range it is plausible in and why; a
number outside it is refused with what it was read as ("3.9 is 390%") and what was probably
meant ("type 3.9% (or 0.039)"). Nothing is divided by 100 behind the officer's back.
"""

from __future__ import annotations

from cpcxl.common.fields import (
    MONEY_LIMIT,
    YEAR,
    Choice,
    Flag,
    Items,
    Listed,
    Money,
    Number,
    Rate,
    Text,
    Whole,
)

from ..models import (
    ArrangementKind,
    Change,
    ChangeReason,
    Commissioner,
    ContributionKind,
    ForecastMethod,
    FundingSource,
    PartnerType,
    PeriodKind,
    Requirement,
    RiskBasis,
    SpendArea,
    UnderspendUse,
)

#: A yearly uplift, as a condition or a scenario gives it (and CPC_UPLIFT takes it).
UPLIFT = Rate(
    -0.5,
    0.5,
    "no partner's contribution rises or falls by more than half in a year",
    what="an uplift",
)
#: A yearly reduction of a partner's contribution (a condition).
REDUCTION = Rate(
    0.0,
    0.5,
    "a cut of more than half in a year is a new agreement: enter the later years' amounts",
    what="a reduction",
)
#: A partner's fixed share of an overspend or underspend (the fixed-percentages basis).
FIXED_SHARE = Rate(0.0, 1.0, "a partner bears from none to all of it", what="a fixed risk share")
#: A scenario's change to a partner's contributions (-10% is a tenth less).
CONTRIBUTION_CHANGE = Rate(
    -0.5,
    0.5,
    "a scenario changes a partner's contributions by at most half; beyond that, enter the "
    "contributions themselves",
    what="a contribution change",
)
#: A contribution (negative only for a row marked as a reduction), an actual, a variance.
AMOUNT = Money()
#: A cap on a partner's cash, a partner's risk cap, a stand-alone cost.
CAP = Money(0, MONEY_LIMIT, what="a cap in £")
COST = Money(0, MONEY_LIMIT, what="a cost in £")
VARIANCE = Money(what="an overspend (+) or underspend (-) in £")
YEARS = Whole(1, 50, what="a number of years", reason="no partnership agreement runs longer")
#: Years of compound uplift (CPC_UPLIFT): whole years, as a condition's uplift compounds.
UPLIFT_YEARS = Whole(
    0, 50, what="a number of years", reason="uplift compounds once a year, for at most 50 years"
)
#: A partner's position in a list of contributions (CPC_RISK_SHARE's host and leads).
POSITION = Whole(1, what="a position in the list (1 = first)")
INDICATOR = Number(what="a number")

PARTNER_TYPE = Choice.of(PartnerType, "a partner type", list_name="PartnerTypes")
KIND = Choice.of(ContributionKind, "a kind of contribution", list_name="ContributionKinds")
ARRANGEMENT_KIND = Choice.of(ArrangementKind, "a type of arrangement", list_name="ArrangementKinds")
CHANGE = Choice.of(Change, "a change", list_name="Changes")
REASON = Choice.of(ChangeReason, "a reason for a change", list_name="ChangeReasons")
#: A basis as the workbook's drop-down shows it, by its label (its code is accepted too).
BASIS = Choice.of(RiskBasis, "a risk-share basis", label=lambda b: b.label, list_name="RiskBases")
#: A basis as CPC_RISK_SHARE documents it, by its code (its label is accepted too).
BASIS_CODE = Choice.of(RiskBasis, "a risk-share basis", aliases={b.label: b for b in RiskBasis})
YES_NO = Flag(list_name="YesNo")

PARTNER = Listed(Text(what="a partner's name"), "PartnerNames")
LINE = Listed(Text(what="a budget line"), "LineNames")
A_YEAR = Listed(YEAR, "FinancialYears")

# --- in-year monitoring ----------------------------------------------------------------------

UNDERSPEND_USE = Choice.of(
    UnderspendUse, "what becomes of an underspend", list_name="UnderspendUses"
)
PERIODS = Choice.of(PeriodKind, "monthly or quarterly", list_name="PeriodKinds")
#: A forecast method by its label ('Profile', 'Run rate'); its code (run_rate) is accepted too.
METHOD = Choice.of(
    ForecastMethod, "a forecast method", label=lambda m: m.label, list_name="ForecastMethods"
)
#: A period of the year: 1 is April (monthly) or April to June (quarterly).
PERIOD = Whole(
    1, 12, what="a period of the year (1 = April)", reason="a year has 12 months or 4 quarters"
)
#: A profile weight: only the weights' proportions matter, so any unit will do (12 ones,
#: percentages, or £ of last year's spend), but none is negative.
WEIGHT = Number(
    what="a profile weight",
    low=0,
    high=MONEY_LIMIT,
    reason="a weight is a part of the year's budget: 0 or more, in any unit",
)
#: What is committed on a line but not yet spent (orders raised, packages agreed).
COMMITMENT = Money(0, MONEY_LIMIT, what="commitments in £", reason="commitments are never negative")
DUE = Money(0, MONEY_LIMIT, what="an amount due in £", reason="an instalment is never negative")
PAYMENT = Money(
    0,
    MONEY_LIMIT,
    what="a payment in £",
    reason="a payment into the fund is never negative; record a refund by lowering what is due",
)
PROFILE_NAME = Listed(Text(what="a profile's name"), "ProfileNames")

# --- the Better Care Fund --------------------------------------------------------------------

FUNDING_SOURCE = Choice.of(FundingSource, "a BCF funding source", list_name="FundingSources")
SPEND_AREA = Choice.of(SpendArea, "a spend area", list_name="SpendAreas")
COMMISSIONER = Choice.of(Commissioner, "a lead commissioner", list_name="Commissioners")
REQUIREMENT = Choice.of(Requirement, "a national requirement", list_name="Requirements")
SCHEME_TYPE = Listed(Text(what="a scheme type"), "SchemeTypeNames")
METRIC_LIST = Items(what="metrics separated by semicolons")
