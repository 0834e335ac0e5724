"""Every input table of the budget workbook, declared once: the template is built from these
declarations and the same declarations read the tables back."""

from __future__ import annotations

from cpcxl.common.fields import TEXT, YEAR, Items, Text
from cpcxl.common.inputs import RAW, Column, Setting, SettingsSpec, TableSpec

from ..models import ContributionKind
from .bcf import BCF_TABLES
from .inyear import IN_YEAR, IN_YEAR_TABLES
from .types import (
    A_YEAR,
    AMOUNT,
    ARRANGEMENT_KIND,
    BASIS,
    CAP,
    CHANGE,
    CONTRIBUTION_CHANGE,
    COST,
    FIXED_SHARE,
    FUNDING_SOURCE,
    INDICATOR,
    KIND,
    LINE,
    PARTNER,
    PARTNER_TYPE,
    REASON,
    UNDERSPEND_USE,
    UPLIFT,
    VARIANCE,
    YEARS,
    YES_NO,
)

ARRANGEMENT = SettingsSpec(
    "Arrangement",
    "Arrangement",
    (
        Setting(
            "name",
            "Arrangement name",
            TEXT,
            note="What the partners call the agreement; blank: 'Joint budget' (a local choice)",
        ),
        Setting(
            "kind",
            "Aligned or pooled",
            ARRANGEMENT_KIND,
            required=True,
            note="Pooled: one pot (a Section 75 pooled fund); aligned: each partner keeps its "
            "own budget (CPC 509)",
        ),
        Setting(
            "first_year",
            "First year",
            A_YEAR,
            required=True,
            note="The first financial year of the agreement, as 2025/26",
        ),
        Setting(
            "years",
            "Number of years",
            YEARS,
            required=True,
            note="Whole years, 1 to 50",
        ),
        Setting(
            "host",
            "Host partner",
            PARTNER,
            note="The partner that hosts the pooled fund (it bears the variance on the host basis)",
        ),
        Setting(
            "basis",
            "Risk-share basis",
            BASIS,
            note="As agreed in the partners' agreement (a pooled budget only); blank: pro "
            "rata to contributions (a local choice)",
        ),
        Setting(
            "test_variance",
            "Overspend to test £",
            VARIANCE,
            note="Exposure to this overspend (+) or underspend (-) is shown on every basis; "
            "blank: £0 (a local choice)",
        ),
        Setting(
            "test_year",
            "Year to test",
            A_YEAR,
            note="Whose contributions weight the shares; blank: the first year (a local choice)",
        ),
        Setting(
            "underspend_basis",
            "Underspend basis",
            BASIS,
            note="How an underspend of the pooled lines is shared, if the agreement says "
            "otherwise than for an overspend; blank: the risk-share basis (a local choice)",
        ),
        Setting(
            "underspend_use",
            "Underspend",
            UNDERSPEND_USE,
            note="Returned to the partners, or carried forward as next year's contribution of "
            "the partner it belongs to; blank: returned (a local choice)",
        ),
        Setting(
            "bcf",
            "Better Care Fund plan",
            YES_NO,
            note="Yes: the BCF sheets are checked against the year's national requirements; "
            "blank: No (a local choice)",
        ),
    ),
)

WIDE = 34  # the first two columns of every table: names of partners, lines and outcomes

PARTNERS = TableSpec(
    "Partners",
    "Partners",
    (
        Column("partner", "Partner", PARTNER, ("Organisation", "Name"), width=WIDE),
        Column(
            "type",
            "Type",
            PARTNER_TYPE,
            ("Partner type", "Organisation type"),
            width=WIDE,
            prompt="A CPC 501 key organisation type",
        ),
        Column(
            "fixed_share",
            "Fixed risk share %",
            FIXED_SHARE,
            ("Fixed share",),
            required=False,
            prompt="For the fixed-percentages basis only",
        ),
        Column(
            "risk_cap",
            "Risk cap £",
            CAP,
            ("Risk cap", "Cap"),
            required=False,
            prompt="For the capped basis only",
        ),
        Column(
            "fixed_underspend_share",
            "Fixed underspend share %",
            FIXED_SHARE,
            ("Fixed underspend share",),
            required=False,
            prompt="Only where underspends are shared on other fixed percentages; blank in "
            "every row: the fixed risk shares (a local choice)",
        ),
    ),
)
LINES = TableSpec(
    "Lines",
    "Lines",
    (
        Column(
            "line",
            "Line",
            Text(what="a budget line"),
            ("Budget line", "Scheme", "Service area"),
            width=WIDE,
        ),
        Column("description", "Description", TEXT, required=False, width=WIDE),
        Column(
            "lead",
            "Commissioning partner",
            PARTNER,
            ("Lead", "Lead partner"),
            required=False,
            prompt="The partner that commissions this line",
        ),
        Column(
            "excluded",
            "Excluded from risk share",
            YES_NO,
            ("Excluded",),
            required=False,
            default=False,
            prompt="Yes keeps the line out of the risk share; blank: No (a local choice)",
        ),
        Column(
            "kind",
            "Aligned or pooled",
            ARRANGEMENT_KIND,
            ("Line kind",),
            required=False,
            prompt="Aligned: each partner bears its own variance on this line; blank: as the "
            "arrangement (a local choice)",
        ),
    ),
)
CONTRIBUTIONS = TableSpec(
    "Contributions",
    "Contributions",
    (
        Column("partner", "Partner", PARTNER, width=WIDE, prompt="A partner from Partners"),
        Column(
            "line", "Line", LINE, ("Budget line", "Scheme"), width=WIDE, prompt="A line from Lines"
        ),
        Column("year", "Year", A_YEAR, ("Financial year",), prompt="A financial year"),
        Column(
            "kind",
            "Kind",
            KIND,
            ("Contribution kind", "Type"),
            required=False,
            default=ContributionKind.FINANCIAL,
            prompt="CPC 501 kind of contribution; blank: Financial (a local choice)",
        ),
        Column("amount", "Amount £", AMOUNT, ("Amount", "Value £", "Value")),
        Column(
            "reduction",
            "Reduction",
            YES_NO,
            ("Is reduction",),
            required=False,
            default=False,
            prompt="Yes if a negative amount is meant; blank: No (a local choice)",
        ),
        Column("note", "Note", TEXT, ("Notes",), required=False),
        Column(
            "funding_source",
            "Funding source",
            FUNDING_SOURCE,
            ("BCF funding source", "Source"),
            required=False,
            width=WIDE,
            prompt="A Better Care Fund plan's income by source; blank: not BCF income",
        ),
        Column(
            "carried_forward",
            "Carried forward",
            YES_NO,
            ("Carry forward",),
            required=False,
            default=False,
            prompt="Yes: last year's underspend carried forward (a one-off, never uplifted); "
            "blank: No (a local choice)",
        ),
    ),
)
CONDITIONS = TableSpec(
    "Conditions",
    "Conditions",
    (
        Column("partner", "Partner", PARTNER, width=WIDE, prompt="A partner from Partners"),
        Column(
            "change",
            "Change",
            CHANGE,
            ("Condition",),
            width=WIDE,
            prompt="Uplift %, Reduction % or Cap £",
        ),
        # An uplift or reduction rate, or a cap in £: read by the row's change (_conditions).
        Column("value", "Rate % or cap £", RAW, ("Value", "Rate"), blank=True),
        Column("from_year", "From year", A_YEAR, ("From",), prompt="First year it applies"),
        Column(
            "to_year",
            "To year",
            A_YEAR,
            ("To",),
            required=False,
            prompt="Last year (blank: to the end)",
        ),
        Column("reason", "Reason", REASON, required=False, prompt="CPC 509 condition for changing"),
    ),
)
OUTCOMES = TableSpec(
    "Outcomes",
    "Outcomes",
    (
        Column("partner", "Partner", PARTNER, width=WIDE, prompt="A partner from Partners"),
        Column("outcome", "Outcome", TEXT, width=WIDE),
        Column("indicator", "Indicator", TEXT, required=False),
        Column(
            "lines",
            "Lines serving it",
            Items(what="lines separated by semicolons"),
            ("Lines",),
            required=False,
        ),
        Column("baseline", "Baseline", INDICATOR, required=False),
        Column("target", "Target", INDICATOR, required=False),
        Column("actual", "Latest actual", INDICATOR, ("Actual",), required=False),
    ),
)
STANDALONE = TableSpec(
    "StandAlone",
    "Stand-alone costs",
    (
        Column("partner", "Partner", PARTNER, width=WIDE, prompt="A partner from Partners"),
        Column("line", "Line", LINE, width=WIDE, prompt="A line from Lines"),
        Column("year", "Year", A_YEAR, required=False, prompt="Blank: every year"),
        Column("cost", "Cost alone £", COST, ("Cost alone", "Cost")),
    ),
)
ACTUALS = TableSpec(
    "Actuals",
    "Actuals",
    (
        Column("line", "Line", LINE, width=WIDE, prompt="A line from Lines"),
        Column("year", "Year", A_YEAR, width=WIDE, prompt="A financial year"),
        Column(
            "partner",
            "Partner",
            PARTNER,
            required=False,
            prompt="Blank: a pooled line's whole spend; aligned: always a partner",
        ),
        Column("actual", "Actual £", AMOUNT, ("Actual", "Spend")),
    ),
)
SCENARIOS = TableSpec(
    "ScenarioChanges",
    "Scenario changes",
    (
        Column("scenario", "Scenario", Text(what="a scenario's name"), width=WIDE),
        Column(
            "partner",
            "Partner",
            PARTNER,
            required=False,
            width=WIDE,
            prompt="Blank for a scenario-wide change",
        ),
        Column("contribution_change", "Contribution change %", CONTRIBUTION_CHANGE, required=False),
        Column("uplift", "Uplift %", UPLIFT, required=False),
        Column("cap", "Cap £", CAP, required=False),
        Column(
            "basis",
            "Risk-share basis",
            BASIS,
            ("Basis",),
            required=False,
            prompt="Risk-share basis for this scenario",
        ),
        Column("test_variance", "Overspend to test £", VARIANCE, ("Overspend",), required=False),
    ),
)

#: Every input table but the Arrangement, by the key the engine's places use.
TABLES: dict[str, TableSpec] = {
    "partners": PARTNERS,
    "lines": LINES,
    "contributions": CONTRIBUTIONS,
    "conditions": CONDITIONS,
    "outcomes": OUTCOMES,
    "standalone": STANDALONE,
    "actuals": ACTUALS,
    "scenarios": SCENARIOS,
    **IN_YEAR_TABLES,
    **BCF_TABLES,
}
OPTIONAL_TABLES = frozenset(
    {
        "conditions",
        "outcomes",
        "standalone",
        "actuals",
        "scenarios",
        *IN_YEAR_TABLES,
        *BCF_TABLES,
    }
)
#: The settings tables, by key: the Arrangement (required) and the In-year settings.
SETTINGS: dict[str, SettingsSpec] = {"arrangement": ARRANGEMENT, "in_year": IN_YEAR}
#: Every table of the workbook, for read_tables and read_book_tables.
SPECS: tuple[TableSpec | SettingsSpec, ...] = (*SETTINGS.values(), *TABLES.values())


#: The table CPC_POOL_SUMMARY takes: a contributions table as anyone might lay it out.
POOL_TABLE = TableSpec(
    "contributions",
    "",
    (
        Column("partner", "Partner", Text(what="a partner's name"), ("Organisation",)),
        Column("line", "Line", TEXT, ("Budget line", "Scheme")),
        Column("year", "Year", YEAR, ("Financial year",)),
        Column("amount", "Amount", AMOUNT, ("Amount £", "Value")),
        Column(
            "kind",
            "Kind",
            KIND,
            ("Contribution kind",),
            required=False,
            default=ContributionKind.FINANCIAL,
        ),
    ),
)
