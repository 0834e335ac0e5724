"""The plan's own tables (Staff, Demand, Assumptions, Targets), from cells to the engine."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import TEXT, Choice, choice_key
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
from cpcxl.common.values import describe, is_blank, to_text

from ..models import (
    AGENCY_PREMIUM,
    ALL_ROLES,
    BANK_PREMIUM,
    BUDGET,
    DIVERSITY_FIELDS,
    GROWTH,
    HEADROOM,
    HOURLY_RATE,
    LEAVE_PART,
    LEAVING_DATE,
    NHS_LEAVERS,
    NHS_SICKNESS,
    NHS_VACANCIES,
    NOT_RECORDED,
    OTHER_PART,
    PEOPLE,
    PLAN_START,
    PLAN_YEARS,
    RECRUITMENT_RATE,
    SERVICE_HOURS,
    SHARE_TARGETS,
    SICKNESS,
    SKILLS_FOR_CARE,
    SOCIAL_CARE_SICKNESS,
    STANDARD_HOURS,
    START_DATE,
    TARGET_HOURS,
    TARGET_SHARE,
    TOLERANCE,
    TURNOVER,
    VACANCY,
    WEEKLY_HOURS,
    WEEKS_TO_RECRUIT,
    Assumptions,
    Employer,
    TargetKind,
)
from .types import (
    AGE_BAND,
    ASSUMPTIONS_SHEET,
    CONTRACT_TYPE,
    DEMAND_SHEET,
    EMPLOYER,
    FORMULA_FTE,
    HEADROOM_METHOD,
    HELD,
    SKILL,
    STAFF_SHEET,
    TARGET_KIND,
    TARGETS_SHEET,
)

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
            "hourly_pay",
            "Hourly pay",
            HOURLY_RATE,
            (
                "hourly pay £",
                "hourly cost",
                "hourly cost £",
                "cost per hour",
                "cost per hour £",
                "hourly rate",
                "pay per hour",
            ),
            required=False,
            prompt="Pay an hour in £ before on-costs; agency and contractors: their whole charge",
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
        Column(
            "area",
            "Area",
            synonyms=("locality", "location"),
            required=False,
            default="",
            width=16,
            prompt="Optional: the area or locality, for benchmarks by area",
        ),
        Column(
            "held",
            "Training and qualifications held",
            HELD,
            ("qualifications held", "qualifications and training held", "training held"),
            required=False,
            default=(),
            width=40,
            prompt="Separate with semicolons: Care Certificate; Level 2 Diploma in Care",
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
            "Agency premium over the role's own hourly cost",
            AGENCY_PREMIUM,
            default=_DEFAULT.agency_premium,
            note="30%: a local choice, cpcxl's planning assumption (no national figure for "
            "social care agency charges): use your agency framework rates. Agency cover in "
            "each role costs that role's own cost with on-costs plus this premium. NHS agency "
            "rules cap an agency worker's charge at the Agenda for Change rate plus 55% "
            "(on-costs and the agency fee): NHS roles' cover is held to that cap. From 0% to "
            "200%.",
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
        Setting(
            "bank_premium",
            "Bank premium over the role's own hourly cost",
            BANK_PREMIUM,
            default=_DEFAULT.bank_premium,
            note="0%: a local choice: bank cover in each role costs the role's own hourly cost "
            "with on-costs; add your bank's holiday pay or fees. From 0% to 200%.",
        ),
        Setting(
            "sickness",
            "Sickness rate (social care roles)",
            SICKNESS,
            default=_DEFAULT.sickness,
            note=f"2.3%: {SOCIAL_CARE_SICKNESS}. Used in headroom built from its parts. "
            "From 0% to 30%.",
        ),
        Setting(
            "nhs_sickness",
            "Sickness rate (NHS roles)",
            SICKNESS,
            default=_DEFAULT.nhs_sickness,
            note=f"5.6%: {NHS_SICKNESS}. From 0% to 30%.",
        ),
        *(
            Setting(
                field,
                f"Headroom part: {name}",
                kind,
                note=note,
            )
            for field, name, kind, note in (
                (
                    "leave_part",
                    "annual leave",
                    LEAVE_PART,
                    "Blank unless you build headroom from its parts: then headroom is annual "
                    "leave + sickness + study + parental + other, by the method above, and "
                    "is compared with the single figure. Agenda for Change's 27 days and 8 "
                    "bank holidays are 35 of 261 working days: 13.4%.",
                ),
                (
                    "sickness_part",
                    "sickness",
                    SICKNESS,
                    "Blank: each role's own sickness rate (Benchmarks), else the sickness "
                    "rate above for its kind of role.",
                ),
                ("study_part", "study leave", OTHER_PART, "Training and study time."),
                (
                    "parental_part",
                    "parental leave",
                    OTHER_PART,
                    "Maternity, paternity and adoption leave.",
                ),
                (
                    "other_part",
                    "other",
                    OTHER_PART,
                    "Other time away: special leave, jury service.",
                ),
            )
        ),
        *(
            Setting(
                f"budget_{y}",
                f"Staff budget, year {y} (£)",
                BUDGET,
                note=(
                    "Optional: the most the least-cost mix may cost in each plan year (pay "
                    "with on-costs and cover). Blank: no limit."
                    if y == 1
                    else ""
                ),
            )
            for y in range(1, 6)
        ),
        Setting(
            "review_tolerance",
            "Review tolerance (a role this far off plan is flagged)",
            TOLERANCE,
            default=_DEFAULT.review_tolerance,
            note="10%: a local choice: the Review sheet flags a role whose FTE in post is more "
            "than this share away from the plan. From 0% to 50%.",
        ),
    ),
    label_header="Assumption",
    value_header="Value",
    note_header="Where the default comes from",
    title="Assumptions",
)

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
            "hourly_pay": read["hourly_pay"].to_numpy(dtype=float),
            "count": read["count"].to_numpy(dtype=float),
            "start_date": _days(read["start_date"]),
            "leaving_date": _days(read["leaving_date"]),
        }
    )
    for name in DIVERSITY_FIELDS:
        if table.present(name):
            staff[name] = read[name].to_numpy(dtype=object)
    staff["area"] = read["area"].to_numpy(dtype=object)
    if table.present("held"):
        staff["held"] = read["held"].to_numpy(dtype=object)
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
    read = read_assumption_settings(cells, errors, file=file)
    return None if read is None else read[0]


def read_assumption_settings(
    cells: Cells | None, errors: InputErrors, *, file: str | None = None
) -> tuple[Assumptions, SettingsRead] | None:
    """The Assumptions and where each was read (for checks that span tables)."""
    settings = read_settings(ASSUMPTIONS, cells, errors, file=file, optional=True)
    if settings is None:
        return None
    values = dict(settings.values)
    values["years"] = int(values["years"])
    # Each value was read by the type the model checks it with, so this cannot fail.
    return Assumptions(**values), settings
