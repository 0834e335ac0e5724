"""The round's input tables, each declared once: the template is built from these and
the same declarations read the tables back."""

from __future__ import annotations

from cpcxl.common.fields import (
    MONEY,
    Date,
    Flag,
)
from cpcxl.common.inputs import (
    Column,
    Setting,
    SettingsSpec,
    TableSpec,
)

from ..models import (
    EVALUATIONS,
    EVIDENCE,
    MODERATION_METHODS,
    MODERATION_SPREAD,
    PRICES,
    PROJECT_TYPES,
    SCHEDULES,
    TERMS,
    Evaluation,
    Evidence,
    ModerationMethod,
    Schedule,
    Term,
)
from .fields import (
    BUDGET,
    CONTINGENCY,
    CRITERION,
    FINANCIAL_YEAR,
    INDEX,
    MEMBER,
    MITIGATION,
    NAME,
    PLACES,
    RATIO,
    SCALE,
    SCORE,
    SCORE_SHARE,
    SPREAD,
    TORNADO_CHANGE,
    WEIGHT,
    YEAR,
)

# --- the tables ----------------------------------------------------------------------------

_ID_NAMES = ("proposal", "id", "proposal ref")
_PROPOSAL_ID = Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES)
_YEAR = Column("year", "Year", YEAR, width=20, prompt="Year 0 is this year")
#: The price basis of a yearly row (blank: the proposal's, on the Proposals sheet).
_ROW_PRICES = Column(
    "prices", "Prices", PRICES, required=False, prompt="Blank: the proposal's (Proposals sheet)"
)

SETTINGS = SettingsSpec(
    "Settings",
    "Settings",
    (
        Setting(
            "evaluation",
            "Evaluation",
            EVALUATIONS,
            default=Evaluation.ABSOLUTE,
            note="Absolute: thresholds. Comparative: ranking (CPC 506 B8). Absolute by "
            "default: a local choice.",
        ),
        Setting(
            "schedule",
            "Discount schedule",
            SCHEDULES,
            default=Schedule.STANDARD,
            note="standard: costs and benefits at 3.5% declining; health: benefits at 1.5% "
            "declining, costs at 3.5%. Health benefits are always at 1.5%. HM Treasury Green "
            "Book (2022), annex A6.",
        ),
        Setting(
            "accept_score",
            "Accept score",
            SCORE_SHARE,
            default=0.6,
            note="Weighted score (share of the 0-5 scale) needed to accept: a local choice.",
        ),
        Setting(
            "reject_score",
            "Reject score",
            SCORE_SHARE,
            default=0.4,
            note="Below this a proposal is rejected (absolute evaluation): a local choice.",
        ),
        Setting(
            "accept_bcr",
            "Accept benefit-cost ratio",
            RATIO,
            default=1.5,
            note="DfT 'medium' value for money or better (DfT Value for Money Framework, "
            "2015): a local choice.",
        ),
        Setting(
            "reject_bcr",
            "Reject benefit-cost ratio",
            RATIO,
            default=1.0,
            note="Below 1 the costs exceed the benefits (DfT 'poor' value for money, 2015): a "
            "local choice.",
        ),
        Setting(
            "places",
            "Places",
            PLACES,
            note="Comparative with no budget: how many proposals to accept. None by default: "
            "a local choice.",
        ),
        Setting(
            "moderation",
            "Moderated score",
            MODERATION_METHODS,
            default=ModerationMethod.MEDIAN,
            note="Where the chair enters none: the Median of the members' scores (one "
            "outlier moves it least) or the Mean. Median by default: a local choice.",
        ),
        Setting(
            "spread",
            "Moderation spread",
            SPREAD,
            default=MODERATION_SPREAD,
            note="Members' scores further apart than this (points) are flagged for "
            "moderation. 2 by default (issue 17): a local choice.",
        ),
        Setting(
            "first_year",
            "Year 0 is financial year",
            FINANCIAL_YEAR,
            note="The financial year of year 0 (such as 2026/27), for nominal prices and the "
            "Affordability sheet: update it each round (a local choice).",
        ),
        Setting(
            "price_year",
            "Price base year",
            FINANCIAL_YEAR,
            note="The appraisal is in real prices of this year (blank: year 0's), as the "
            "Green Book (2022), chapter 5, requires.",
        ),
        Setting(
            "tornado_change",
            "Tornado change",
            TORNADO_CHANGE,
            default=0.2,
            note="NPSV is shown against this change up and down on each cost and benefit "
            "line. 20% by default (issue 17): a local choice.",
        ),
        Setting(
            "resubmit_by",
            "Resubmit by",
            Date(),
            note="The date amended proposals are due, for the feedback letters. None by "
            "default: a local choice.",
        ),
        Setting(
            "how_to_resubmit",
            "How to resubmit",
            note="What the feedback letters say about resubmitting. Blank: cpcxl's wording, a "
            "local choice.",
        ),
    ),
)
OBJECTIVES = TableSpec(
    "Objectives",
    "Settings",
    (
        Column(
            "objective",
            "Organisation's objectives",
            synonyms=("organisation s objectives", "objectives"),
            width=50,
        ),
    ),
)
CRITERIA = TableSpec(
    "Criteria",
    "Criteria",
    (
        Column("criterion", "Criterion", NAME, synonyms=("name",), width=28),
        Column("weight", "Weight", WEIGHT, synonyms=("weight %",), required=False),
        Column(
            "what_it_measures",
            "What it measures",
            synonyms=("measures", "description"),
            required=False,
            default="",
            width=45,
        ),
        Column("must_pass", "Must pass", Flag(list_name="YesNo"), required=False, default=False),
        Column("pass_mark", "Pass mark", SCORE, required=False, prompt="Lowest score that passes"),
        *(
            Column(f"score_{s}", f"Score {s}", required=False, default="", width=30)
            for s in range(SCALE[0], SCALE[1] + 1)
        ),
    ),
)
PROPOSALS = TableSpec(
    "Proposals",
    "Proposals",
    (
        _PROPOSAL_ID,
        Column(
            "title",
            "Title",
            synonyms=("proposal title", "name"),
            required=False,
            default="",
            width=40,
        ),
        Column("sponsor", "Sponsor (role)", synonyms=("sponsor role",), required=False, default=""),
        Column(
            "term", "Term", TERMS, synonyms=("programme term",), required=False, default=Term.MEDIUM
        ),
        Column("objectives", "Objectives supported", required=False, default="", width=40),
        Column("project_type", "Project type", PROJECT_TYPES, synonyms=("type",)),
        Column("mitigation", "Optimism bias mitigation", MITIGATION, required=False, default=0.0),
        Column(
            "evidence",
            "Evidence for benefits",
            EVIDENCE,
            synonyms=("evidence",),
            required=False,
            default=Evidence.NONE,
        ),
        Column("evidence_details", "Evidence details", required=False, default="", width=40),
        Column("risks", "Risks", required=False, default="", width=40),
        Column("stated_total_cost", "Stated total cost £", MONEY, required=False),
        Column("stated_total_benefit", "Stated total benefit £", MONEY, required=False),
        Column(
            "prices",
            "Prices",
            PRICES,
            synonyms=("price basis",),
            required=False,
            prompt="Real (one year's prices) or Nominal (cash)",
        ),
        Column(
            "price_year",
            "Price base year",
            FINANCIAL_YEAR,
            required=False,
            prompt="For real prices: whose prices (blank: the round's)",
        ),
        Column(
            "contingency",
            "Contingency",
            CONTINGENCY,
            required=False,
            default=0.0,
            prompt="Added to costs for the cash view (Affordability)",
        ),
    ),
)
COSTS = TableSpec(
    "Costs",
    "Costs",
    (
        Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES, width=20),
        _YEAR,
        Column("capital", "Capital £", MONEY, required=False, default=0.0, width=20),
        Column("revenue", "Revenue £", MONEY, required=False, default=0.0, width=20),
        _ROW_PRICES,
    ),
)
BENEFITS = TableSpec(
    "Benefits",
    "Benefits",
    (
        Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES, width=20),
        _YEAR,
        Column("cash_releasing", "Cash-releasing £", MONEY, required=False, default=0.0, width=20),
        Column(
            "wider_social_value",
            "Wider social value £",
            MONEY,
            synonyms=("social value",),
            required=False,
            default=0.0,
            width=20,
        ),
        Column(
            "health_benefits",
            "Health benefits £",
            MONEY,
            synonyms=("health and life values", "health benefit"),
            required=False,
            default=0.0,
            width=20,
            prompt="Health and life values in £, discounted at the Green Book's health rate",
        ),
        _ROW_PRICES,
    ),
)
ASSESSMENT = TableSpec(
    "Assessment",
    "Assessment",
    (
        _PROPOSAL_ID,
        Column("criterion", "Criterion", CRITERION, width=32),
        Column("score", "Score", SCORE, prompt="0 to 5: see the Criteria"),
        Column(
            "panel_comment",
            "Panel comment",
            synonyms=("comment",),
            required=False,
            default="",
            width=60,
        ),
    ),
)
PANEL = TableSpec(
    "Panel",
    "Panel",
    (
        Column("member", "Member", MEMBER, synonyms=("panel member",), width=22),
        Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES, width=16),
        Column("criterion", "Criterion", CRITERION, width=32),
        Column("score", "Score", SCORE, prompt="0 to 5: see the Criteria"),
        Column("comment", "Comment", required=False, default="", width=60),
    ),
)
CONFLICTS = TableSpec(
    "Conflicts",
    "Conflicts",
    (
        Column("member", "Member", MEMBER, synonyms=("panel member",), width=22),
        Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES, width=16),
        Column(
            "interest",
            "Interest declared",
            synonyms=("interest", "conflict"),
            required=False,
            default="",
            width=60,
        ),
        Column("declared_on", "Declared on", Date(), required=False),
    ),
)
MODERATION = TableSpec(
    "Moderation",
    "Moderation",
    (
        _PROPOSAL_ID,
        Column("criterion", "Criterion", CRITERION, width=32),
        Column(
            "score",
            "Moderated score",
            SCORE,
            required=False,
            prompt="The chair's score (blank: the median of the members')",
        ),
        Column(
            "reason",
            "Reason",
            required=False,
            default="",
            width=50,
            prompt="Needed for a score outside the members' range",
        ),
        Column(
            "comment",
            "Comment for the submitter",
            synonyms=("feedback",),
            required=False,
            default="",
            width=50,
        ),
    ),
)
DEFLATORS = TableSpec(
    "Deflators",
    "Deflators",
    (
        Column("year", "Financial year", FINANCIAL_YEAR, synonyms=("year",), width=16),
        Column(
            "index",
            "GDP deflator",
            INDEX,
            synonyms=("gdp deflator at market prices", "deflator", "index"),
            width=16,
        ),
        Column(
            "basis",
            "Outturn or forecast",
            synonyms=("basis",),
            required=False,
            default="",
            width=20,
        ),
    ),
)
AMENDMENTS = TableSpec(
    "Amendments",
    "Amendments",
    (
        _PROPOSAL_ID,
        Column(
            "requested",
            "Amendment requested",
            synonyms=("amendment",),
            width=60,
        ),
        Column("requested_on", "Requested on", Date(), required=False),
        Column(
            "amended_id",
            "Resubmitted as",
            synonyms=("amended proposal id", "resubmission"),
            required=False,
            width=16,
            prompt="The ID the resubmitted figures are under (blank: not yet resubmitted)",
        ),
        Column("resubmitted_on", "Resubmitted on", Date(), required=False),
        Column(
            "response",
            "Submitter's response",
            synonyms=("response",),
            required=False,
            default="",
            width=50,
        ),
    ),
)
BUDGET_TABLE = TableSpec(
    "Budget",
    "Budget",
    (
        Column("year", "Year", YEAR, prompt="Year 0 is this year"),
        Column("budget", "Budget £", BUDGET),
    ),
)
#: The yearly tables and the lines of amounts each holds.
LINES: tuple[tuple[TableSpec, tuple[str, ...]], ...] = (
    (COSTS, ("capital", "revenue")),
    (BENEFITS, ("cash_releasing", "wider_social_value", "health_benefits")),
)
#: Every table a round is read from, in the order the template shows them.
TABLES: tuple[TableSpec | SettingsSpec, ...] = (
    SETTINGS,
    OBJECTIVES,
    CRITERIA,
    PROPOSALS,
    COSTS,
    BENEFITS,
    ASSESSMENT,
    PANEL,
    CONFLICTS,
    MODERATION,
    AMENDMENTS,
    BUDGET_TABLE,
    DEFLATORS,
)
#: The tables a round may leave out altogether (a workbook made before issue 17 has none).
OPTIONAL_TABLES = (PANEL, CONFLICTS, MODERATION, AMENDMENTS, DEFLATORS)
#: The pairwise comparisons are a matrix, not a table: criteria across and down, from A4.
PAIRWISE_SHEET = "Pairwise"
PAIRWISE_ROW = 4
