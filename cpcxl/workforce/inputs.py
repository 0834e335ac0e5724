"""The four input tables (Staff, Demand, Assumptions, Targets), from cells to the engine.

Each table is declared once here: the workbook builds its template from these declarations
(headers, formats, widths, drop-downs and checks) and the readers read the same tables back,
from a file (calamine) or from the open workbook (xlwings), with every problem located by
file, sheet, cell and column. No file access here, and no workbook library.

Rates and shares are fractions, as Excel stores a percentage (22% is 0.22); each declares its
plausible range and the reason for it (``models``), and nothing reinterprets a number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import TEXT, Choice, Number, Text, Validation, choice_key
from cpcxl.common.inputs import (
    RAW,
    Cells,
    Column,
    Setting,
    SettingsSpec,
    TableRead,
    TableSpec,
    read_settings,
    read_table,
)
from cpcxl.common.tables import ROW
from cpcxl.common.values import describe, is_blank, to_text

from .models import (
    AGE_BANDS,
    AGENCY_PREMIUM,
    ALL_ROLES,
    DIVERSITY_FIELDS,
    GROWTH,
    HEADROOM,
    HOURLY_COST,
    LEAVING_DATE,
    NHS_LEAVERS,
    NHS_VACANCIES,
    NOT_RECORDED,
    PEOPLE,
    PLAN_START,
    PLAN_YEARS,
    RECRUITMENT_RATE,
    SERVICE_HOURS,
    SHARE_TARGETS,
    SKILL_LEVELS,
    SKILLS_FOR_CARE,
    STANDARD_HOURS,
    START_DATE,
    TARGET_HOURS,
    TARGET_SHARE,
    TURNOVER,
    VACANCY,
    WEEKLY_HOURS,
    WEEKS_TO_RECRUIT,
    Assumptions,
    ContractType,
    Employer,
    HeadroomMethod,
    TargetKind,
)

STAFF_SHEET, DEMAND_SHEET, ASSUMPTIONS_SHEET, TARGETS_SHEET = (
    "Staff",
    "Demand",
    "Assumptions",
    "Targets",
)


@dataclass(frozen=True)
class Suggested(Text):
    """Free text, with a drop-down of the usual values (skill levels, age bands): the
    template's list is ``options``, under the named range ``list_name``."""

    list_name: str = ""
    options: tuple[str, ...] = ()

    @property
    def validation(self) -> Validation:
        return Validation("list", source=self.list_name, message=self.what)


CONTRACT_TYPE = Choice.of(ContractType, "a contract type", list_name="ContractTypes")
EMPLOYER = Choice.of(
    Employer,
    "an employer",
    list_name="Employers",
    aliases={
        name: Employer.NHS
        for name in (
            "NHS trust",
            "NHS foundation trust",
            "NHS body",
            "ICB",
            "Integrated care board",
        )
    },
)
TARGET_KIND = Choice.of(TargetKind, "a target", list_name="TargetKinds")
HEADROOM_METHOD = Choice.of(HeadroomMethod, "a headroom method", list_name="HeadroomMethods")
SKILL = Suggested("a skill level", list_name="SkillLevels", options=SKILL_LEVELS)
AGE_BAND = Suggested("an age band", list_name="AgeBands", options=AGE_BANDS)

#: The template's Lists sheet: each drop-down's options under the name its validation uses.
LISTS: dict[str, list[str]] = {
    str(kind.list_name): kind.labels if isinstance(kind, Choice) else list(kind.options)
    for kind in (CONTRACT_TYPE, EMPLOYER, SKILL, TARGET_KIND, HEADROOM_METHOD, AGE_BAND)
}
#: The formula columns cpcxl writes into the template itself.
FORMULA_FTE = Number("FTE", number_format=formats.DECIMAL_2)

STAFF = TableSpec(
    "Staff",
    STAFF_SHEET,
    (
        Column("role", "Role", TEXT, ("job role", "post"), width=28),
        Column(
            "skill",
            "Skill level",
            SKILL,
            ("skill level or qualification", "qualification"),
            required=False,
            default=NOT_RECORDED,
            width=30,
            prompt="Choose a level, or type your own",
        ),
        Column("contract_type", "Contract type", CONTRACT_TYPE, ("contract",), width=20),
        Column(
            "employer",
            "Employer",
            EMPLOYER,
            ("employed by",),
            required=False,
            default=Employer.IN_HOUSE,
            width=34,
        ),
        Column(
            "hours",
            "Hours per week",
            WEEKLY_HOURS,
            ("contracted hours", "weekly hours"),
            prompt="Contracted hours a week",
        ),
        Column(
            "hourly_cost",
            "Hourly cost",
            HOURLY_COST,
            ("hourly cost £", "cost per hour", "cost per hour £", "hourly rate"),
            required=False,
            prompt="Hourly cost in £",
        ),
        Column("start_date", "Start date", START_DATE, ("started",), required=False),
        Column("leaving_date", "Leaving date", LEAVING_DATE, ("end date", "left"), required=False),
        Column(
            "count", "Number of people", PEOPLE, ("headcount", "people"), required=False, default=1
        ),
        Column("age_band", "Age band", AGE_BAND, ("age",), required=False, default=NOT_RECORDED),
        Column("sex", "Sex", required=False, default=NOT_RECORDED),
        Column(
            "ethnic_group",
            "Ethnic group",
            synonyms=("ethnicity",),
            required=False,
            default=NOT_RECORDED,
        ),
        Column(
            "disability", "Disability", synonyms=("disabled",), required=False, default=NOT_RECORDED
        ),
        Column("fte", "FTE", FORMULA_FTE, required=False, output=True),
    ),
    title="Staff",
)

DEMAND = TableSpec(
    "Demand",
    DEMAND_SHEET,
    (
        Column(
            "service",
            "Service",
            synonyms=("service area",),
            required=False,
            default=NOT_RECORDED,
            width=24,
        ),
        Column("role", "Role", TEXT, ("job role",), width=28),
        Column(
            "skill",
            "Skill level",
            SKILL,
            ("qualification",),
            required=False,
            default=NOT_RECORDED,
            width=30,
            prompt="Choose a level, or type your own",
        ),
        Column(
            "hours",
            "Hours needed per week now",
            SERVICE_HOURS,
            ("hours needed per week", "hours per week"),
            width=16,
            prompt="Hours of work needed a week",
        ),
        Column(
            "growth",
            "Annual growth",
            GROWTH,
            ("growth rate", "growth a year"),
            required=False,
            default=0.0,
        ),
        *(
            Column(
                f"year_{y}",
                f"Year {y}",
                SERVICE_HOURS,
                (f"year {y} hours", f"hours year {y}"),
                required=False,
            )
            for y in range(1, 6)
        ),
        Column("required_fte", "Required FTE now", FORMULA_FTE, required=False, output=True),
    ),
    title="Demand",
)

TARGETS = TableSpec(
    "Targets",
    TARGETS_SHEET,
    (
        Column("kind", "Target", TARGET_KIND, width=36),
        Column("role", "Role", TEXT, ("job role",), required=False, default=ALL_ROLES, width=28),
        # A skill level or a contract type, as the target says: read with the target.
        Column(
            "detail",
            "Skill level or contract type",
            RAW,
            ("skill level", "contract type"),
            required=False,
            width=34,
        ),
        # A share (10%) or hours a week, as the target says: read with the target.
        Column("value", "Value", RAW, ("target value", "share or hours"), blank=True),
    ),
    title="Targets",
)

_DEFAULT = Assumptions()

ASSUMPTIONS = SettingsSpec(
    "Assumptions",
    ASSUMPTIONS_SHEET,
    (
        Setting(
            "standard_hours",
            "Standard full-time hours a week",
            STANDARD_HOURS,
            default=_DEFAULT.standard_hours,
            note="37.5: the NHS Agenda for Change full-time week (since 2004); councils under "
            "the NJC Green Book use 37, so set yours.",
        ),
        Setting(
            "headroom",
            "Headroom for leave, sickness and training",
            HEADROOM,
            default=_DEFAULT.headroom,
            note="22%: a local choice, inside the 16% to 26% headroom that 35 NHS trusts' roster "
            "policies set (Drake, British Journal of Nursing 29(7), 2020), where unavailability "
            "measured 15.8% to 33.6%: replace with your own leave, sickness and training "
            "figures. From 0% to 60%.",
        ),
        Setting(
            "headroom_method",
            "Headroom method (uplift or divide)",
            HEADROOM_METHOD,
            default=_DEFAULT.headroom_method,
            note="uplift: required = worked × (1 + headroom); divide: required = worked ÷ "
            "(1 − headroom). Say which one your finance team uses.",
        ),
        Setting(
            "turnover",
            "Turnover rate a year (social care roles)",
            TURNOVER,
            default=_DEFAULT.turnover,
            note=f"23.1%: {SKILLS_FOR_CARE}, the sector's turnover rate (leavers ÷ permanent and "
            "temporary staff). Applies to substantive staff. From 0% to 100%.",
            synonyms=("Turnover rate a year", "turnover rate"),
        ),
        Setting(
            "nhs_turnover",
            "Turnover rate a year (NHS roles)",
            TURNOVER,
            default=_DEFAULT.nhs_turnover,
            note=f"10.1%: {NHS_LEAVERS}. Leaving the NHS only: a trust's own turnover, moves "
            "to other NHS bodies included, is higher, so use yours. For roles the NHS employs "
            "(Employer: NHS). From 0% to 100%.",
        ),
        Setting(
            "vacancy",
            "Vacancy rate (social care roles)",
            VACANCY,
            default=_DEFAULT.vacancy,
            note=f"7.0%: {SKILLS_FOR_CARE}, vacant ÷ all posts. The Gap sheet's benchmark. "
            "From 0% to 100%.",
            synonyms=("Vacancy rate",),
        ),
        Setting(
            "nhs_vacancy",
            "Vacancy rate (NHS roles)",
            VACANCY,
            default=_DEFAULT.nhs_vacancy,
            note=f"7.5%: {NHS_VACANCIES} (establishment less substantive staff). The benchmark "
            "for roles the NHS employs. From 0% to 100%.",
        ),
        Setting(
            "weeks_to_recruit",
            "Time to recruit (weeks)",
            WEEKS_TO_RECRUIT,
            default=_DEFAULT.weeks_to_recruit,
            note="12 weeks: a local choice, cpcxl's planning assumption (advert to start "
            "date); use your HR time-to-hire.",
        ),
        Setting(
            "agency_premium",
            "Agency premium over the direct hourly cost",
            AGENCY_PREMIUM,
            default=_DEFAULT.agency_premium,
            note="30%: a local choice, cpcxl's planning assumption (no national figure for "
            "social care agency charges): use your agency framework rates. Agency cover in "
            "each role costs that role's own pay plus this premium. NHS agency rules cap an "
            "agency worker's charge at the Agenda for Change rate plus 55% (on-costs and the "
            "agency fee). From 0% to 200%.",
        ),
        Setting(
            "recruitment_rate",
            "Recruitment rate (most FTE recruited a year, share of current FTE)",
            RECRUITMENT_RATE,
            default=_DEFAULT.recruitment_rate,
            note="30%: a local choice, cpcxl's planning assumption, a little above the "
            "sector's 23.1% turnover that providers already replace each year. From 0% to 100%.",
        ),
        Setting(
            "years",
            "Plan years (3 to 5)",
            PLAN_YEARS,
            default=_DEFAULT.years,
            note="5 years: the joint needs assessment horizon of CPC 510 (3-5 years).",
        ),
        Setting(
            "plan_start",
            "Plan start date",
            PLAN_START,
            default=_DEFAULT.plan_start,
            note="1 April 2026: the start of the UK public-sector financial year 2026/27.",
        ),
    ),
    label_header="Assumption",
    value_header="Value",
    note_header="Where the default comes from",
    title="Assumptions",
)

#: Every table the plan reads, for the file and open-workbook readers.
SPECS = (STAFF, DEMAND, TARGETS, ASSUMPTIONS)


@dataclass
class PlanInputs:
    """The checked inputs of a plan, and notes on how they were read (a header read under
    another spelling) to show beside the results."""

    staff: pd.DataFrame
    demand: pd.DataFrame
    targets: pd.DataFrame
    assumptions: Assumptions
    notes: list[str] = field(default_factory=list)


# --- the tables into the engine's frames ----------------------------------------------------


def _values(column: pd.Series) -> np.ndarray:
    """Choices as the plain text of their option ('Full-time'), as the engine compares them."""
    return np.array([v.value if isinstance(v, Enum) else v for v in column], dtype=object)


def _days(column: pd.Series) -> np.ndarray:
    """Dates (blank: NaT) as datetime64[D], for the engine's vectorised date tests."""
    return pd.to_datetime(pd.Series(list(column), dtype=object)).to_numpy().astype("datetime64[D]")


def staff_frame(table: TableRead, errors: InputErrors) -> pd.DataFrame:
    """The Staff table as the engine takes it; a leaving date before the start is recorded."""
    read = table.frame
    staff = pd.DataFrame(
        {
            "role": read["role"].to_numpy(dtype=object),
            "skill": read["skill"].to_numpy(dtype=object),
            "contract_type": _values(read["contract_type"]),
            "employer": _values(read["employer"]),
            "hours": read["hours"].to_numpy(dtype=float),
            "hourly_cost": read["hourly_cost"].to_numpy(dtype=float),
            "count": read["count"].to_numpy(dtype=float),
            "start_date": _days(read["start_date"]),
            "leaving_date": _days(read["leaving_date"]),
        }
    )
    for name in DIVERSITY_FIELDS:
        if table.present(name):
            staff[name] = read[name].to_numpy(dtype=object)
    staff[ROW] = read[ROW].to_numpy()
    both = ~np.isnat(staff["start_date"]) & ~np.isnat(staff["leaving_date"])
    for i in np.flatnonzero(both & (staff["leaving_date"] < staff["start_date"]).to_numpy()):
        errors.add(
            "the leaving date is before the start date",
            location=table.where(int(staff[ROW].iat[i]), "leaving_date"),
            valid="a leaving date on or after the start date",
        )
    return staff


def demand_frame(table: TableRead, errors: InputErrors) -> pd.DataFrame:
    """The Demand table as the engine takes it (weekly hours now, growth, hours by year)."""
    if not len(table):
        errors.add(
            "the Demand table has no rows",
            location=table.base,
            valid="a row for each service, role and skill level with the hours needed a week",
        )
    read = table.frame
    demand = pd.DataFrame(
        {
            "service": read["service"].to_numpy(dtype=object),
            "role": read["role"].to_numpy(dtype=object),
            "skill": read["skill"].to_numpy(dtype=object),
            "hours": read["hours"].to_numpy(dtype=float),
            "growth": read["growth"].to_numpy(dtype=float),
            **{f"year_{y}": read[f"year_{y}"].to_numpy(dtype=float) for y in range(1, 6)},
        }
    )
    demand[ROW] = read[ROW].to_numpy()
    return demand


def targets_frame(table: TableRead, errors: InputErrors) -> pd.DataFrame:
    """The Targets table: each value read as its target says (a share, or hours a week), and
    the detail as a contract type or skill level where the target needs one."""
    rows = []
    for record in table.records(good_only=False):
        row = int(record[ROW])
        kind = record["kind"]
        value = record["value"]
        detail = "" if is_blank(record["detail"]) else record["detail"]
        at_value = table.where(row, "value")
        if not isinstance(kind, TargetKind):  # not a target: already reported
            rows.append({**record, "kind": None, "detail": to_text(detail), "value": np.nan})
            continue
        if is_blank(value):
            errors.add(
                "the target's value is blank",
                location=at_value,
                valid="a share such as 10% for a share target; hours a week for a maximum",
            )
            number = None
        else:
            kind_of_value = TARGET_SHARE if kind in SHARE_TARGETS else TARGET_HOURS
            number = errors.attempt(kind_of_value.parse, value, where=at_value)
        at_detail = table.where(row, "detail")
        if kind == TargetKind.MAX_HOURS:
            if is_blank(detail):
                errors.add(
                    "the contract type is blank",
                    location=at_detail,
                    valid=CONTRACT_TYPE.valid,
                )
                detail = ""
            else:
                chosen = errors.attempt(CONTRACT_TYPE.parse, detail, where=at_detail)
                detail = chosen.value if chosen is not None else ""
        elif kind == TargetKind.MIN_SKILL_SHARE and is_blank(detail):
            errors.add(
                "the skill level is missing",
                location=at_detail,
                valid="the skill level the minimum applies to",
            )
        rows.append(
            {
                "kind": kind.value,
                "role": record["role"],
                "detail": to_text(detail),
                "value": np.nan if number is None else float(number),
                ROW: row,
            }
        )
    columns = ["kind", "role", "detail", "value", ROW]
    targets = pd.DataFrame(rows, columns=columns)
    targets["value"] = targets["value"].astype(float)
    return targets


def check_roles(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    targets: pd.DataFrame,
    errors: InputErrors,
    where: Callable[[int], Location] | None = None,
) -> None:
    """Every role in the demand must be in a staff record or a target (a typo otherwise)."""
    known = set(staff["role"]) | set(targets["role"])
    unknown = np.flatnonzero(~demand["role"].isin(known).to_numpy())
    if not len(unknown):
        return
    # One spelling a role: the choice then suggests the role that was probably meant.
    spellings = {choice_key(r): r for r in sorted(known - {ALL_ROLES})}
    roles = Choice.of(list(spellings.values()), "a role of a staff record or target")
    for i in unknown:
        row = int(demand[ROW].iat[i])
        role = demand["role"].iat[i]
        try:
            same = roles.parse(role)
            said = (
                f"{describe(role)} is written differently from {same!r} in the staff records "
                "or targets"
            )
            valid = f"{same!r} exactly, or a target naming the new role"
        except InputError as exc:
            said, valid = exc.message, exc.valid or ""
        errors.add(
            f"{said} (a role in the demand must be in a staff record or a target: a new role "
            "needs a target naming it)",
            location=where(row) if where else Location(row=row, field="Role"),
            valid=valid,
        )


# --- reading the tables ----------------------------------------------------------------------


def _read(
    spec: TableSpec,
    build: Callable[[TableRead, InputErrors], pd.DataFrame],
    cells: Cells | None,
    errors: InputErrors,
    file: str | None,
) -> tuple[TableRead | None, pd.DataFrame | None]:
    table = read_table(spec, cells, errors, file=file)
    return table, (build(table, errors) if table is not None else None)


def read_staff(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> pd.DataFrame | None:
    """The Staff table from its cells; None when it cannot be read (problems in ``errors``)."""
    return _read(STAFF, staff_frame, cells, errors, file)[1]


def read_demand(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> pd.DataFrame | None:
    """The Demand table from its cells; None when it cannot be read."""
    return _read(DEMAND, demand_frame, cells, errors, file)[1]


def read_targets(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> pd.DataFrame | None:
    """The Targets table from its cells; None when it cannot be read."""
    return _read(TARGETS, targets_frame, cells, errors, file)[1]


def read_assumptions(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> Assumptions | None:
    """The Assumptions table (optional: each blank or missing value takes its default)."""
    settings = read_settings(ASSUMPTIONS, cells, errors, file=file, optional=True)
    if settings is None:
        return None
    values = dict(settings.values)
    values["years"] = int(values["years"])
    # Each value was read by the type the model checks it with, so this cannot fail.
    return Assumptions(**values)


def read_plan(tables: Mapping[str, Cells], *, file: str | None = None) -> PlanInputs:
    """All four tables, checked; every problem in every table is reported at once."""
    errors = InputErrors()
    assumptions = read_assumptions(tables.get(ASSUMPTIONS.name), errors, file=file)
    _, staff = _read(STAFF, staff_frame, tables.get(STAFF.name), errors, file)
    demand_table, demand = _read(DEMAND, demand_frame, tables.get(DEMAND.name), errors, file)
    _, targets = _read(TARGETS, targets_frame, tables.get(TARGETS.name), errors, file)
    if staff is not None and demand is not None and targets is not None and demand_table:
        check_roles(
            staff, demand, targets, errors, where=lambda row: demand_table.where(row, "role")
        )
    errors.raise_if_any()
    assert staff is not None and demand is not None and targets is not None
    assert assumptions is not None
    return PlanInputs(staff, demand, targets, assumptions, list(errors.notes))
