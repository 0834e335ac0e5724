"""The input tables of a budget workbook, read from cell values into the engine's inputs.

Every table is declared here once (a :class:`TableSpec`, or a :class:`SettingsSpec` for the
Arrangement): the workbook layer builds the template's Excel Tables, formats and drop-downs
from these declarations, and :func:`read_inputs` reads the same tables back. The button script
(cells from the open workbook through xlwings) and the command line (cells from a file through
calamine) both hand this module each table's cells; every bad cell is collected with its
sheet, cell and field, so an officer can fix them all in one go. No file access here.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (3.9% is 0.039). Each rate below declares the range it is plausible in and why; a
number outside it is refused with what it was read as ("3.9 is 390%") and what was probably
meant ("type 3.9% (or 0.039)"). Nothing is divided by 100 behind the officer's back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import (
    MONEY_LIMIT,
    TEXT,
    YEAR,
    CellType,
    Choice,
    Flag,
    Items,
    Money,
    Number,
    Rate,
    Text,
    Validation,
    Whole,
)
from cpcxl.common.inputs import (
    RAW,
    Cells,
    Column,
    Setting,
    SettingsRead,
    SettingsSpec,
    TableRead,
    TableSpec,
    read_settings,
    read_table,
)
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from .engine import BudgetInputs, Place, ScenarioChange, empty_actuals, empty_standalone
from .models import (
    Arrangement,
    ArrangementKind,
    Change,
    ChangeReason,
    Condition,
    ContributionKind,
    Line,
    Outcome,
    Partner,
    PartnerType,
    RiskBasis,
)


@dataclass(frozen=True)
class Listed(CellType):
    """A value read as ``kind`` reads it, picked from a list the workbook itself holds (a
    named range such as PartnerNames, for its drop-down). Whether it is on that list is
    checked once every table is read (:func:`cpcxl.budget.engine.check`)."""

    kind: CellType
    list_name: str
    what: str = ""
    number_format: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "what", self.what or self.kind.what)
        object.__setattr__(self, "number_format", self.number_format or self.kind.number_format)

    def parse(self, value: Any) -> Any:
        return self.kind.parse(value)

    @property
    def valid(self) -> str:
        return self.kind.valid

    @property
    def validation(self) -> Validation:
        return Validation("list", source=self.list_name, message=self.what)


# --- the value types: each field's type, range and reason ------------------------------------

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

# --- the tables ------------------------------------------------------------------------------

ARRANGEMENT = SettingsSpec(
    "Arrangement",
    "Arrangement",
    (
        Setting("name", "Arrangement name", TEXT, note="What the partners call the agreement"),
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
            note="As agreed in the Section 75 schedule; blank: pro rata to contributions "
            "(a local choice, the usual term)",
        ),
        Setting(
            "test_variance",
            "Overspend to test £",
            VARIANCE,
            note="Exposure to this overspend (+) or underspend (-) is shown on every basis; "
            "blank: £0",
        ),
        Setting(
            "test_year",
            "Year to test",
            A_YEAR,
            note="Whose contributions weight the shares; blank: the first year",
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
            prompt="Yes keeps the line out of the risk share",
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
            prompt="CPC 501 kind of contribution",
        ),
        Column("amount", "Amount £", AMOUNT, ("Amount", "Value £", "Value")),
        Column(
            "reduction",
            "Reduction",
            YES_NO,
            ("Is reduction",),
            required=False,
            default=False,
            prompt="Yes if a negative amount is meant",
        ),
        Column("note", "Note", TEXT, ("Notes",), required=False),
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
            prompt="Blank for the whole pooled line",
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
}
OPTIONAL_TABLES = frozenset({"conditions", "outcomes", "standalone", "actuals", "scenarios"})
#: Every table of the workbook, for read_tables and read_book_tables.
SPECS: tuple[TableSpec | SettingsSpec, ...] = (ARRANGEMENT, *TABLES.values())


# --- reading ---------------------------------------------------------------------------------


def read_inputs(
    tables: Mapping[str, Cells], *, file: str | None = None
) -> tuple[BudgetInputs, list[ScenarioChange]]:
    """The engine's inputs from each table's cells ({Excel Table name: cells}, as
    ``read_tables`` and ``read_book_tables`` give them); raises InputErrors listing every
    problem found, with its file, sheet, cell and field."""
    errors = InputErrors()
    settings = read_settings(ARRANGEMENT, tables.get(ARRANGEMENT.name), errors, file=file)
    reads = {
        key: read_table(
            spec, tables.get(spec.name), errors, file=file, optional=key in OPTIONAL_TABLES
        )
        for key, spec in TABLES.items()
    }
    arrangement = _arrangement(settings) if settings is not None else None
    partners = _partners(reads["partners"])
    lines = _lines(reads["lines"])
    contributions = _contributions(reads["contributions"])
    conditions = _conditions(reads["conditions"], errors)
    outcomes = _outcomes(reads["outcomes"])
    standalone = _standalone(reads["standalone"])
    actuals = _actuals(reads["actuals"])
    scenarios = _scenarios(reads["scenarios"])
    errors.raise_if_any()
    assert arrangement is not None and settings is not None  # no errors: every table was read
    places = {
        key: (table.spec.sheet, _places(table)) for key, table in reads.items() if table is not None
    }
    places["arrangement"] = (ARRANGEMENT.sheet, _setting_places(settings))
    inputs = BudgetInputs(
        arrangement=arrangement,
        partners=partners,
        lines=lines,
        contributions=contributions,
        conditions=conditions,
        outcomes=outcomes,
        standalone=standalone,
        actuals=actuals,
        places=places,
        notes=tuple(errors.notes),
    )
    return inputs, scenarios


def _given(value: Any) -> Any:
    """A read value, or None for a blank (pandas gives blanks in a column as NaN)."""
    return None if is_blank(value) else value


def _number(value: Any) -> float | None:
    return None if is_blank(value) else float(value)


def _basis(value: Any) -> RiskBasis | None:
    # A column of choices may come back as their plain text, so name the member again.
    return None if is_blank(value) else RiskBasis(value)


def _places(table: TableRead) -> dict[str, Place]:
    return {c.field: Place(table.letters.get(c.field), c.header) for c in table.spec.columns}


def _setting_places(settings: SettingsRead) -> dict[str, Place]:
    places = {}
    for s in ARRANGEMENT.settings:
        where = settings.where.get(s.field, Location())
        letter = "".join(ch for ch in where.cell or "" if ch.isalpha()) or None
        places[s.field] = Place(letter, s.label, where.row)
    return places


def _arrangement(settings: SettingsRead) -> Arrangement | None:
    values = {k: v for k, v in settings.values.items() if v is not None and v != ""}
    if {"kind", "first_year", "years"} - set(values):
        return None  # a required setting is missing or bad: already reported
    return Arrangement(**values)


def _partners(table: TableRead | None) -> list[Partner]:
    if table is None:
        return []
    return [
        Partner(
            name=r["partner"],
            type=r["type"],
            fixed_share=_number(r["fixed_share"]),
            risk_cap=_number(r["risk_cap"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def _lines(table: TableRead | None) -> list[Line]:
    if table is None:
        return []
    return [
        Line(
            name=r["line"],
            description=_given(r["description"]) or "",
            lead=_given(r["lead"]),
            excluded=bool(_given(r["excluded"])),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


_KIND_VALUES = {k: k.value for k in ContributionKind}


def _contributions(table: TableRead | None) -> pd.DataFrame:
    """The engine's long table: partner, line, year, kind (its value), amount, reduction."""
    columns = ["partner", "line", "year", "kind", "amount", "reduction", ROW]
    if table is None:
        return pd.DataFrame(columns=columns)
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object).to_numpy(),
            "line": f["line"].astype(object).to_numpy(),
            "year": f["year"].astype("int64").to_numpy(),
            "kind": f["kind"].map(_KIND_VALUES).astype(object).to_numpy(),
            "amount": f["amount"].astype(float).to_numpy(),
            "reduction": f["reduction"].astype(bool).to_numpy(),
            ROW: f[ROW].to_numpy(),
        },
        columns=columns,
    )


def _conditions(table: TableRead | None, errors: InputErrors) -> list[Condition]:
    """Each condition, its value read as its change needs: a rate for an uplift or a
    reduction, £ for a cap."""
    if table is None:
        return []
    out = []
    for r in table.records():
        row, change = int(r[ROW]), Change(r["change"])
        kind: CellType = {Change.UPLIFT: UPLIFT, Change.REDUCTION: REDUCTION}.get(change, CAP)
        where = table.where(row, "value")
        if is_blank(r["value"]):
            errors.add("this is blank", location=where, valid=kind.valid)
            continue
        value = errors.attempt(kind.parse, r["value"], where=where)
        if value is None:
            continue
        out.append(
            Condition(
                partner=r["partner"],
                change=change,
                value=value,
                from_year=r["from_year"],
                to_year=_given(r["to_year"]),
                reason=_given(r["reason"]),
                row=row,
            )
        )
    return out


def _outcomes(table: TableRead | None) -> list[Outcome]:
    if table is None:
        return []
    return [
        Outcome(
            partner=r["partner"],
            outcome=r["outcome"],
            indicator=_given(r["indicator"]) or "",
            lines=tuple(_given(r["lines"]) or ()),
            baseline=_number(r["baseline"]),
            target=_number(r["target"]),
            actual=_number(r["actual"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def _standalone(table: TableRead | None) -> pd.DataFrame:
    if table is None:
        return empty_standalone()
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object).to_numpy(),
            "line": f["line"].astype(object).to_numpy(),
            "year": pd.array(list(f["year"]), dtype="Int64"),
            "cost": f["cost"].astype(float).to_numpy(),
            ROW: f[ROW].to_numpy(),
        }
    )


def _actuals(table: TableRead | None) -> pd.DataFrame:
    if table is None:
        return empty_actuals()
    f = table.frame.loc[~table.bad]
    return pd.DataFrame(
        {
            "line": f["line"].astype(object).to_numpy(),
            "year": f["year"].astype("int64").to_numpy(),
            "partner": f["partner"].astype(object).to_numpy(),
            "actual": f["actual"].astype(float).to_numpy(),
            ROW: f[ROW].to_numpy(),
        }
    )


def _scenarios(table: TableRead | None) -> list[ScenarioChange]:
    if table is None:
        return []
    return [
        ScenarioChange(
            scenario=r["scenario"],
            partner=_given(r["partner"]),
            contribution_change=_number(r["contribution_change"]),
            uplift=_number(r["uplift"]),
            cap=_number(r["cap"]),
            basis=_basis(r["basis"]),
            test_variance=_number(r["test_variance"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


# --- the worksheet functions' table ----------------------------------------------------------

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


def read_pool_table(rows: list[list[Any]]) -> pd.DataFrame:
    """A CPC_POOL_SUMMARY table (header first) as partner, kind and amount; a problem names
    its row of the table and its field."""
    errors = InputErrors()
    table = read_table(POOL_TABLE, Cells(rows), errors)
    if errors or table is None:
        # The table is an argument, not a sheet: say the row of it, not a cell of the sheet.
        found = [
            InputError(
                e.message,
                location=Location(row=e.location.row, field=e.location.field)
                if e.location
                else None,
                valid=e.valid,
            )
            for e in errors
        ]
        if len(found) == 1:
            raise found[0]
        raise InputErrors(found)
    f = table.frame
    return pd.DataFrame(
        {
            "partner": f["partner"].astype(object),
            "kind": f["kind"].map(_KIND_VALUES).astype(object),
            "amount": f["amount"].astype(float),
        }
    )
