"""The round's input tables, each declared once: the template is built from these and
the same declarations read the tables back."""

from __future__ import annotations

from cpcxl.common.fields import (
    MONEY,
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
    PROJECT_TYPES,
    SCHEDULES,
    TERMS,
    Evaluation,
    Evidence,
    Schedule,
    Term,
)
from .fields import (
    BUDGET,
    CRITERION,
    MITIGATION,
    NAME,
    PLACES,
    RATIO,
    SCALE,
    SCORE,
    SCORE_SHARE,
    WEIGHT,
    YEAR,
)

# --- the tables ----------------------------------------------------------------------------

_ID_NAMES = ("proposal", "id", "proposal ref")
_PROPOSAL_ID = Column("proposal_id", "Proposal ID", synonyms=_ID_NAMES)
_YEAR = Column("year", "Year", YEAR, width=20, prompt="Year 0 is this year")

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
    BUDGET_TABLE,
)
#: The pairwise comparisons are a matrix, not a table: criteria across and down, from A4.
PAIRWISE_SHEET = "Pairwise"
PAIRWISE_ROW = 4
