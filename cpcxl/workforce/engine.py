"""Workforce mix planning (CPC 505 A-C): FTE, gaps, projection, risks and an optimised mix.

Pure: pandas, numpy, scipy and pydantic only. Inputs are DataFrames whose columns are the
field names below (plus ``_row``, the sheet row, for located errors); every calculation
over staff records is vectorised so 50,000 records plan in well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank, to_date, to_number, to_text

from .diversity import diversity_profile
from .models import (
    CONTINGENCY,
    DIVERSITY_FIELDS,
    MAX_WEEKLY_HOURS,
    PERMANENT,
    RISK_CATEGORY,
    SOURCES,
    WEEKS_PER_YEAR,
    Assumptions,
    ContractType,
    Employer,
    HeadroomMethod,
    RiskFlag,
    TargetKind,
    parse_choice,
)

NOT_RECORDED = "Not recorded"
ALL_ROLES = "All roles"

# --- the four worksheet-function calculations, on numbers or numpy arrays ------------------


def fte(hours: Any, standard_hours: float = 37.5) -> Any:
    """Full-time equivalents of weekly contracted hours: hours ÷ standard full-time hours."""
    if standard_hours <= 0:
        raise InputError(f"standard hours {standard_hours:g} must be above 0", valid="e.g. 37.5")
    return np.asarray(hours, dtype=float) / standard_hours


def required_fte(worked: Any, headroom: float, method: str = "uplift") -> Any:
    """Required FTE with headroom: uplift worked × (1 + h), or divide worked ÷ (1 − h)."""
    chosen = parse_choice(method, HeadroomMethod, "headroom method")
    if headroom < 0:
        raise InputError(f"headroom {headroom:g} is negative", valid="a fraction such as 0.22")
    worked = np.asarray(worked, dtype=float)
    if chosen == HeadroomMethod.UPLIFT:
        return worked * (1 + headroom)
    if headroom >= 1:
        raise InputError(
            f"headroom {headroom:.0%} with the divide method would need infinite staff",
            valid="a headroom below 100% (e.g. 0.22), or the uplift method",
        )
    return worked / (1 - headroom)


def recruitment_need(fte_: Any, turnover: Any, vacancy: Any, years: Any) -> Any:
    """FTE to recruit over ``years`` to keep an establishment of ``fte_`` full.

    Year 1: fill today's vacancies and replace the year's leavers from the staff in post,
    FTE − FTE × (1 − vacancy) × (1 − turnover); each later year replaces FTE × turnover.
    """
    fte_, turnover, vacancy, years = (
        np.asarray(v, dtype=float) for v in (fte_, turnover, vacancy, years)
    )
    first = fte_ * (1 - (1 - vacancy) * (1 - turnover))
    return first + fte_ * turnover * (years - 1)


def workforce_gap(required: Any, current: Any) -> Any:
    """Required FTE minus current FTE: positive is a shortfall, negative a surplus."""
    return np.asarray(required, dtype=float) - np.asarray(current, dtype=float)


# --- reading and checking the input tables -------------------------------------------------


def _where(base: Location | None, frame: pd.DataFrame, index: int, field_: str) -> Location:
    # Without sheet rows, rows count as in a sheet whose header is row 1.
    row = int(frame[ROW].iat[index]) if ROW in frame else index + 2
    return (base or Location()).with_(row=row, field=field_)


def _numbers(
    frame: pd.DataFrame,
    name: str,
    errors: InputErrors,
    base: Location | None,
    *,
    what: str,
    low: float | None = None,
    high: float | None = None,
    required: bool = True,
    default: float = np.nan,
) -> np.ndarray:
    """A numeric column, checked cell by cell only where the fast conversion fails."""
    if name not in frame:
        return np.full(len(frame), default)
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    blank = raw.isna().to_numpy(dtype=bool).copy()
    # Only cells the fast conversion could not read go through the cell-by-cell reader.
    for i in np.flatnonzero(np.isnan(values) & ~blank):
        if is_blank(raw.iat[i]):
            blank[i] = True
            continue
        try:
            values[i] = to_number(raw.iat[i], what=what)
        except InputError as exc:
            errors.add(exc.at(**_where(base, frame, i, name).__dict__))
    for i in np.flatnonzero(blank):
        if required:
            errors.add(InputError(f"{what} is missing", location=_where(base, frame, i, name)))
        values[i] = default
    bad = np.zeros(len(values), dtype=bool)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    for i in np.flatnonzero(bad):
        errors.add(
            InputError(
                f"{what} {values[i]:g} is out of range",
                location=_where(base, frame, i, name),
                valid=f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more",
            )
        )
    return values


def _choices(
    frame: pd.DataFrame,
    name: str,
    choices: type,
    what: str,
    errors: InputErrors,
    base: Location | None,
    *,
    default: str | None = None,
) -> np.ndarray:
    """A drop-down column read ignoring case and punctuation; unknown values list the valid."""
    if name not in frame:
        return np.full(len(frame), default, dtype=object)
    raw = _texts(frame, name)
    lookup = {"".join(ch for ch in c.value.lower() if ch.isalnum()): c.value for c in choices}
    keys = raw.str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    out = keys.map(lookup).to_numpy(dtype=object)
    for i in np.flatnonzero(pd.isna(out)):
        if raw.iat[i] == "" and default is not None:
            out[i] = default
            continue
        try:
            out[i] = parse_choice(raw.iat[i], choices, what)
        except InputError as exc:
            if raw.iat[i] == "":
                exc = InputError(f"{what} is missing", valid=exc.valid)
            errors.add(exc.at(**_where(base, frame, i, name).__dict__))
    return out


def _dates(
    frame: pd.DataFrame, name: str, errors: InputErrors, base: Location | None
) -> np.ndarray:
    """A date column as datetime64[D]; blanks are NaT; text must be a real date."""
    out = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    if name not in frame:
        return out
    raw = frame[name]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.to_numpy().astype("datetime64[D]")
    cells = raw.to_numpy(dtype=object)
    # Dates already typed (from Excel or calamine) convert at once; the rest cell by cell.
    typed = raw.map(type).isin([dt.date, dt.datetime, pd.Timestamp]).to_numpy()
    if typed.any():
        out[typed] = pd.to_datetime(pd.Series(cells[typed])).to_numpy().astype("datetime64[D]")
    for i in np.flatnonzero(~typed & ~raw.isna().to_numpy()):
        value = cells[i]
        if is_blank(value):
            continue
        try:
            out[i] = np.datetime64(to_date(value), "D")
        except InputError as exc:
            errors.add(exc.at(**_where(base, frame, i, name).__dict__))
    return out


def _text(value: Any) -> str:
    return "" if is_blank(value) else to_text(value)


def _texts(frame: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    if name not in frame:
        return pd.Series([default] * len(frame), dtype="string")
    raw = frame[name]
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        texts = raw.astype("string").str.strip().fillna("")
    else:  # numbers or mixed: as the cell shows them (12.0 -> '12')
        texts = raw.map(_text).astype("string")
    return texts.mask(texts == "", default) if default else texts


def read_staff(frame: pd.DataFrame, *, location: Location | None = None) -> pd.DataFrame:
    """Staff records (one person, or a count of people alike) checked and typed."""
    errors = InputErrors()
    role = _texts(frame, "role")
    for i in np.flatnonzero((role == "").to_numpy()):
        errors.add(InputError("role is missing", location=_where(location, frame, i, "role")))
    staff = pd.DataFrame(
        {
            "role": role,
            "skill": _texts(frame, "skill", NOT_RECORDED),
            "contract_type": _choices(
                frame, "contract_type", ContractType, "contract type", errors, location
            ),
            "employer": _choices(
                frame,
                "employer",
                Employer,
                "employer",
                errors,
                location,
                default=Employer.IN_HOUSE.value,
            ),
            "hours": _numbers(
                frame,
                "hours",
                errors,
                location,
                what="contracted hours a week",
                low=0,
                high=MAX_WEEKLY_HOURS,
            ),
            "hourly_cost": _numbers(
                frame, "hourly_cost", errors, location, what="hourly cost", low=0, required=False
            ),
            "count": _numbers(
                frame,
                "count",
                errors,
                location,
                what="number of people",
                low=1,
                required=False,
                default=1.0,
            ),
            "start_date": _dates(frame, "start_date", errors, location),
            "leaving_date": _dates(frame, "leaving_date", errors, location),
        }
    )
    for name in DIVERSITY_FIELDS:
        if name in frame:
            staff[name] = _texts(frame, name, NOT_RECORDED)
    staff[ROW] = frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2)
    both = ~np.isnat(staff["start_date"]) & ~np.isnat(staff["leaving_date"])
    for i in np.flatnonzero(both & (staff["leaving_date"] < staff["start_date"]).to_numpy()):
        errors.add(
            InputError(
                "the leaving date is before the start date",
                location=_where(location, frame, i, "leaving_date"),
                valid="a leaving date on or after the start date",
            )
        )
    errors.raise_if_any()
    return staff


def read_demand(
    frame: pd.DataFrame, years: int = 5, *, location: Location | None = None
) -> pd.DataFrame:
    """Weekly hours needed by service, role and skill, now and (optionally) year by year."""
    if not len(frame):
        raise InputError(
            "the Demand table has no rows",
            location=location,
            valid="a row for each service, role and skill level with the hours needed a week",
        )
    errors = InputErrors()
    demand = pd.DataFrame(
        {
            "service": _texts(frame, "service", NOT_RECORDED),
            "role": _texts(frame, "role"),
            "skill": _texts(frame, "skill", NOT_RECORDED),
            "hours": _numbers(frame, "hours", errors, location, what="hours needed a week", low=0),
            "growth": _numbers(
                frame,
                "growth",
                errors,
                location,
                what="annual growth rate",
                low=-1,
                required=False,
                default=0.0,
            ),
        }
    )
    for i in np.flatnonzero((demand["role"] == "").to_numpy()):
        errors.add(InputError("role is missing", location=_where(location, frame, i, "role")))
    for year in range(1, years + 1):
        demand[f"year_{year}"] = _numbers(
            frame,
            f"year_{year}",
            errors,
            location,
            what=f"hours needed a week in year {year}",
            low=0,
            required=False,
        )
    demand[ROW] = frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2)
    errors.raise_if_any()
    return demand


def read_targets(frame: pd.DataFrame, *, location: Location | None = None) -> pd.DataFrame:
    """The organisation's targets; a blank role means the whole organisation."""
    errors = InputErrors()
    targets = pd.DataFrame(
        {
            "kind": _choices(frame, "kind", TargetKind, "target", errors, location),
            "role": _texts(frame, "role", ALL_ROLES),
            "detail": _texts(frame, "detail"),
            "value": _numbers(frame, "value", errors, location, what="target value", low=0),
        }
    )
    targets[ROW] = frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2)
    for i, kind in enumerate(targets["kind"]):
        where = _where(location, frame, i, "detail")
        value = targets["value"].iat[i]
        if (
            kind
            in (
                TargetKind.MAX_AGENCY_SHARE,
                TargetKind.MIN_PERMANENT_SHARE,
                TargetKind.MIN_SKILL_SHARE,
            )
            and value > 1
        ):
            errors.add(
                InputError(
                    f"a share of {value:g} is over 100%",
                    location=where.with_(field="value"),
                    valid="a fraction from 0 to 1 (e.g. 0.1 for 10%)",
                )
            )
        if kind == TargetKind.MIN_SKILL_SHARE and targets["detail"].iat[i] == "":
            errors.add(
                InputError(
                    "the skill level is missing",
                    location=where,
                    valid="the skill level the minimum applies to",
                )
            )
        if kind == TargetKind.MAX_HOURS:
            try:
                targets.loc[i, "detail"] = parse_choice(
                    targets["detail"].iat[i], ContractType, "contract type"
                )
            except InputError as exc:
                errors.add(exc.at(**where.__dict__))
    errors.raise_if_any()
    return targets


def read_assumptions(
    values: Mapping[str, Any], *, locations: Mapping[str, Location] | None = None
) -> Assumptions:
    """Assumptions from {field: value}; blanks take the default; errors name the cell."""
    errors = InputErrors()
    locations = locations or {}
    given: dict[str, Any] = {}
    for name, value in values.items():
        if is_blank(value):
            continue
        where = locations.get(name)
        label = SOURCES[name][0].lower()
        try:
            if name == "headroom_method":
                given[name] = parse_choice(value, HeadroomMethod, "headroom method")
            elif name == "plan_start":
                given[name] = to_date(value)
            elif name == "years":
                years = to_number(value, what="a whole number of years")
                if years != int(years) or not 3 <= years <= 5:
                    raise InputError(f"{years:g} plan years", valid="a whole number from 3 to 5")
                given[name] = int(years)
            else:
                number = to_number(value, what=label)
                given[name] = number
                low_high = {
                    "standard_hours": (0.01, MAX_WEEKLY_HOURS),
                    "turnover": (0, 1),
                    "vacancy": (0, 0.99),
                }.get(name, (0, None))
                low, high = low_high
                if number < low or (high is not None and number > high):
                    shown = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
                    raise InputError(f"{label} {number:g} is out of range", valid=shown)
        except InputError as exc:
            errors.add(exc.at(**(where or Location(field=name)).__dict__))
    method = given.get("headroom_method", HeadroomMethod.UPLIFT)
    headroom = given.get("headroom", Assumptions.model_fields["headroom"].default)
    if method == HeadroomMethod.DIVIDE and headroom >= 1:
        errors.add(
            InputError(
                f"headroom {headroom:.0%} with the divide method would need infinite staff",
                location=locations.get("headroom") or Location(field="headroom"),
                valid="a headroom below 100% (e.g. 0.22), or the uplift method",
            )
        )
    errors.raise_if_any()
    return Assumptions(**given)


def check_roles(
    staff: pd.DataFrame,
    demand: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    location: Location | None = None,
) -> None:
    """Every role in demand must appear in a staff record or a target (a typo otherwise)."""
    known = set(staff["role"]) | set(targets["role"])
    errors = InputErrors()
    for i in np.flatnonzero(~demand["role"].isin(known).to_numpy()):
        errors.add(
            InputError(
                f"role {demand['role'].iat[i]!r} is in the demand but in no staff record or "
                "target (a new role needs a target; otherwise check the spelling)",
                location=(location or Location()).with_(row=int(demand[ROW].iat[i]), field="role"),
                valid=sorted(known - {ALL_ROLES}),
            )
        )
    errors.raise_if_any()


# --- the plan -------------------------------------------------------------------------------


@dataclass
class OptimisedMix:
    feasible: bool
    hours: pd.DataFrame  # role x contract type weekly hours (empty when infeasible)
    weekly_cost: float
    message: str
    conflicts: list[str] = field(default_factory=list)
    shortfall: pd.DataFrame | None = None  # role, hours short at best, when infeasible


@dataclass
class Plan:
    assumptions: Assumptions
    summary: pd.DataFrame
    demand_by_service: pd.DataFrame  # service: hours a week now and each plan year
    gap: pd.DataFrame  # role, skill
    gap_by_role: pd.DataFrame
    mix: pd.DataFrame  # contract type x employer
    targets: pd.DataFrame
    projection: pd.DataFrame
    risks: pd.DataFrame
    optimised: OptimisedMix
    diversity: dict[str, pd.DataFrame]


def active_staff(staff: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Staff in post on the day: started on or before it and not yet left."""
    day = np.datetime64(on, "D")
    start, leave = staff["start_date"].to_numpy(), staff["leaving_date"].to_numpy()
    in_post = (np.isnat(start) | (start <= day)) & (np.isnat(leave) | (leave > day))
    return staff.loc[in_post]


def _with_fte(staff: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    hours = staff["hours"].to_numpy() * staff["count"].to_numpy()
    cost = np.nan_to_num(staff["hourly_cost"].to_numpy()) * hours
    return staff.assign(total_hours=hours, fte=hours / a.standard_hours, weekly_cost=cost)


def demand_by_year(
    demand: pd.DataFrame, a: Assumptions, by: tuple[str, ...] = ("role", "skill")
) -> pd.DataFrame:
    """Weekly hours needed (by role and skill, or ``by``) now (year 0) and each plan year."""
    hours = demand["hours"].to_numpy(dtype=float)
    growth = demand["growth"].to_numpy(dtype=float)
    columns = {"year_0": hours}
    previous = hours
    for year in range(1, a.years + 1):
        series = demand[f"year_{year}"].to_numpy(dtype=float) if f"year_{year}" in demand else None
        grown = previous * (1 + growth)
        current = grown if series is None else np.where(np.isnan(series), grown, series)
        columns[f"year_{year}"] = current
        previous = current
    frame = pd.DataFrame({**{k: demand[k] for k in by}, **columns})
    return frame.groupby(list(by), sort=True).sum().reset_index()


def _required_from_hours(hours: np.ndarray, a: Assumptions) -> np.ndarray:
    return required_fte(hours / a.standard_hours, a.headroom, a.headroom_method.value)


def gap_by_role_and_skill(
    staff: pd.DataFrame, demand: pd.DataFrame, a: Assumptions
) -> pd.DataFrame:
    current = (
        _with_fte(active_staff(staff, a.plan_start), a)
        .groupby(["role", "skill"], sort=True)
        .agg(headcount=("count", "sum"), current_fte=("fte", "sum"))
    )
    needed = demand_by_year(demand, a).set_index(["role", "skill"])
    worked = needed["year_0"] / a.standard_hours
    required = pd.DataFrame(
        {
            "hours_needed": needed["year_0"],
            "worked_fte": worked,
            "required_fte": _required_from_hours(needed["year_0"].to_numpy(), a),
        },
        index=needed.index,
    )
    table = required.join(current, how="outer").fillna(0.0).reset_index()
    table["gap_fte"] = workforce_gap(table["required_fte"], table["current_fte"])
    return table


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).fillna(0.0)


def current_mix(staff: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """FTE, headcount and cost by contract type and employer, with each one's share of FTE."""
    live = _with_fte(active_staff(staff, a.plan_start), a)
    mix = (
        live.groupby(["contract_type", "employer"], sort=False)
        .agg(headcount=("count", "sum"), fte=("fte", "sum"), weekly_cost=("weekly_cost", "sum"))
        .reset_index()
    )
    order = {c.value: i for i, c in enumerate(ContractType)}
    employer_order = {e.value: i for i, e in enumerate(Employer)}
    mix = mix.sort_values(
        ["contract_type", "employer"],
        key=lambda s: s.map(order if s.name == "contract_type" else employer_order),
    ).reset_index(drop=True)
    mix["share_of_fte"] = _share(mix["fte"], pd.Series(mix["fte"].sum(), index=mix.index))
    mix["annual_cost"] = mix["weekly_cost"] * WEEKS_PER_YEAR
    return mix


def target_distance(staff: pd.DataFrame, targets: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Each target beside the current mix: actual, distance (actual − target), met or not.

    Shares are of the hours of the roles in scope; a role no one holds yet has no share.
    """
    live = _with_fte(active_staff(staff, a.plan_start), a)
    hours = live.groupby(["role", "contract_type", "skill"], sort=False)["total_hours"].sum()
    hours = hours.reset_index()
    rows = []
    for record in targets.to_dict("records"):
        kind = TargetKind(record["kind"])
        value = float(record["value"])
        in_scope = hours if record["role"] == ALL_ROLES else hours[hours["role"] == record["role"]]
        total = float(in_scope["total_hours"].sum())
        if kind == TargetKind.MAX_AGENCY_SHARE:
            chosen = in_scope["contract_type"] == ContractType.AGENCY.value
        elif kind == TargetKind.MIN_PERMANENT_SHARE:
            chosen = in_scope["contract_type"].isin([c.value for c in PERMANENT])
        elif kind == TargetKind.MIN_SKILL_SHARE:
            chosen = in_scope["skill"] == record["detail"]
        else:
            chosen = in_scope["contract_type"] == record["detail"]
        part = float(in_scope.loc[chosen, "total_hours"].sum())
        if kind == TargetKind.MAX_HOURS:
            actual, met = part, part <= value + 1e-9
        elif total > 0:
            actual = part / total
            upper = kind == TargetKind.MAX_AGENCY_SHARE
            met = actual <= value + 1e-12 if upper else actual >= value - 1e-12
        else:
            actual, met = np.nan, None
        rows.append(
            {
                "target": kind.value,
                "role": record["role"],
                "detail": record["detail"],
                "target_value": value,
                "actual": actual,
                "distance": actual - value,
                "met": "No one in post" if met is None else "Yes" if met else "No",
                ROW: record.get(ROW),
            }
        )
    columns = ["target", "role", "detail", "target_value", "actual", "distance", "met", ROW]
    return pd.DataFrame(rows, columns=columns)


def project(staff: pd.DataFrame, demand: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Year by year for each role: required FTE, leavers, recruitment need and closing FTE.

    Leavers are the turnover rate × the year's opening FTE, or the FTE with leaving dates in
    that year if more; starters with future start dates join in their year. Recruitment need
    closes the gap: max(0, required − (opening − leavers + starters)).
    """
    needed = demand_by_year(demand, a).groupby("role", sort=True).sum(numeric_only=True)
    roles = needed.index
    priced = _with_fte(staff, a)
    bounds = np.array([np.datetime64(_add_years(a.plan_start, y), "D") for y in range(a.years + 1)])

    # Which plan year (1..n) a date falls in; 0 = on or before the start, n+1 = after.
    def year_of(dates: np.ndarray) -> np.ndarray:
        out = np.searchsorted(bounds, dates, side="left")
        return np.where(np.isnat(dates), -1, out)

    leave_year = year_of(priced["leaving_date"].to_numpy())
    start_year = year_of(priced["start_date"].to_numpy())
    role_codes = pd.Categorical(priced["role"], categories=roles).codes
    known = role_codes >= 0
    n_roles, n_years = len(roles), a.years

    def per_role_year(year: np.ndarray) -> np.ndarray:
        grid = np.zeros((n_roles, n_years + 2))
        ok = known & (year >= 0)
        np.add.at(
            grid, (role_codes[ok], np.clip(year[ok], 0, n_years + 1)), priced["fte"].to_numpy()[ok]
        )
        return grid

    leavers_known = per_role_year(leave_year)
    starters = per_role_year(start_year)
    current = _with_fte(active_staff(staff, a.plan_start), a)
    opening = current.groupby("role")["fte"].sum().reindex(roles).fillna(0.0).to_numpy(dtype=float)
    frames = []
    for year in range(1, n_years + 1):
        required = _required_from_hours(needed[f"year_{year}"].to_numpy(dtype=float), a)
        leavers = np.maximum(a.turnover * opening, leavers_known[:, year])
        after = opening - leavers + starters[:, year]
        need = np.maximum(0.0, required - after)
        closing = after + need
        frames.append(
            pd.DataFrame(
                {
                    "role": roles,
                    "year": year,
                    "required_fte": required,
                    "opening_fte": opening,
                    "leavers_fte": leavers,
                    "starters_fte": starters[:, year],
                    "recruitment_need_fte": need,
                    "closing_fte": closing,
                    # A role no one holds yet can recruit against what it needs instead.
                    "recruitment_capacity_fte": a.recruitment_rate
                    * np.where(opening > 0, opening, required),
                }
            )
        )
        opening = closing
    projection = pd.concat(frames, ignore_index=True).sort_values(["role", "year"])
    rate = _agency_hourly_rate(staff, a)
    projection["cover_cost_while_recruiting"] = (
        projection["recruitment_need_fte"] * a.standard_hours * a.weeks_to_recruit * rate
    )
    return projection.reset_index(drop=True)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _agency_hourly_rate(staff: pd.DataFrame, a: Assumptions) -> float:
    """Average direct hourly cost of permanent staff with the agency premium added."""
    permanent = staff[staff["contract_type"].isin([c.value for c in PERMANENT])]
    hours = (permanent["hours"] * permanent["count"]).to_numpy()
    cost = permanent["hourly_cost"].to_numpy()
    ok = ~np.isnan(cost) & (hours > 0)
    base = float(np.average(cost[ok], weights=hours[ok])) if ok.any() else 0.0
    return base * (1 + a.agency_premium)


def risks(
    staff: pd.DataFrame,
    distance: pd.DataFrame,
    projection: pd.DataFrame,
    a: Assumptions,
) -> pd.DataFrame:
    """The plan's risks as named flags, each with its CPC 505 risk category."""
    rows: list[dict[str, Any]] = []
    for t in distance.itertuples(index=False):
        if t.met != "No":
            continue
        if t.target == TargetKind.MAX_AGENCY_SHARE:
            rows.append(
                _risk(
                    RiskFlag.AGENCY_OVER_LIMIT,
                    t.role,
                    f"agency is {t.actual:.1%} of hours; the limit is {t.target_value:.1%}",
                )
            )
        elif t.target == TargetKind.MIN_SKILL_SHARE:
            rows.append(
                _risk(
                    RiskFlag.SKILL_MINIMUM_NOT_MET,
                    t.role,
                    f"{t.detail} is {t.actual:.1%} of hours; the minimum is {t.target_value:.1%}",
                )
            )
    live = active_staff(staff, a.plan_start)
    heads = live.groupby("role", sort=True)["count"].sum()
    for role in heads.index[heads.to_numpy() == 1]:
        rows.append(
            _risk(
                RiskFlag.SINGLE_PERSON_ROLE,
                role,
                "one person holds this role: plan cover for their absence or leaving",
            )
        )
    over = projection[
        projection["recruitment_need_fte"] > projection["recruitment_capacity_fte"] + 1e-9
    ]
    for role, group in over.groupby("role", sort=True):
        years = ", ".join(str(y) for y in group["year"])
        worst = group.loc[group["recruitment_need_fte"].idxmax()]
        rows.append(
            _risk(
                RiskFlag.RECRUITMENT_BEYOND_CAPACITY,
                role,
                f"year {years}: up to {worst['recruitment_need_fte']:.1f} FTE to recruit "
                f"against {worst['recruitment_capacity_fte']:.1f} FTE the recruitment "
                f"rate of {a.recruitment_rate:.0%} allows",
            )
        )
    return pd.DataFrame(rows, columns=["flag", "category", "role", "detail", "contingency"])


def _risk(flag: RiskFlag, role: str, detail: str) -> dict[str, Any]:
    return {
        "flag": flag.value,
        "category": RISK_CATEGORY[flag],
        "role": role,
        "detail": detail,
        "contingency": CONTINGENCY[flag],
    }


# --- the optimised mix (linear programming) -------------------------------------------------

TYPES = [c.value for c in ContractType]


def _hourly_costs(live: pd.DataFrame, roles: pd.Index, a: Assumptions) -> np.ndarray:
    """Cost of an hour by role and contract type: from the records where they exist.

    Where a role has no one on a contract type, the role's permanent hourly cost stands in,
    times what that contract type costs against permanent staff in the roles that have both
    (the agency premium if no one is on agency anywhere; volunteers cost nothing).
    """
    priced = live[~live["hourly_cost"].isna() & (live["total_hours"] > 0)]
    spend = priced.assign(spend=priced["hourly_cost"] * priced["total_hours"])

    def mean(keys: list[str], rows: pd.DataFrame = spend) -> pd.Series:
        totals = rows.groupby(keys)[["spend", "total_hours"]].sum()
        return totals["spend"] / totals["total_hours"]

    observed = mean(["role", "contract_type"]).unstack().reindex(index=roles, columns=TYPES)
    permanent = spend[spend["contract_type"].isin([c.value for c in PERMANENT])]
    paid = spend[spend["contract_type"] != ContractType.VOLUNTEER.value]
    org_permanent = (
        permanent["spend"].sum() / permanent["total_hours"].sum()
        if len(permanent)
        else paid["spend"].sum() / paid["total_hours"].sum()
        if len(paid)
        else 0.0
    )
    base = mean(["role"], permanent).reindex(roles)
    base = base.fillna(mean(["role"], paid).reindex(roles)).fillna(org_permanent).to_numpy()
    # Each contract type against permanent staff in the same role, averaged over the roles
    # where both are recorded (weighted by hours), so the mix of roles does not bias it.
    hours = (
        spend.groupby(["role", "contract_type"])["total_hours"]
        .sum()
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .to_numpy(dtype=float)
    )
    relative = observed.to_numpy(dtype=float) / base[:, None]
    weights = np.where(np.isnan(relative) | np.isnan(hours), 0.0, hours)
    with np.errstate(invalid="ignore"):
        ratio = pd.Series(
            np.nansum(np.nan_to_num(relative) * weights, axis=0) / weights.sum(axis=0),
            index=TYPES,
        )
    # Full- and part-time staff are the same employees on the same pay scales.
    ratio[[c.value for c in PERMANENT]] = 1.0
    defaults = {ContractType.AGENCY.value: 1 + a.agency_premium, ContractType.VOLUNTEER.value: 0}
    ratio = ratio.fillna(pd.Series(defaults)).fillna(1.0)
    fallback = base[:, None] * ratio.to_numpy(dtype=float)[None, :]
    cost = observed.to_numpy(dtype=float)
    return np.where(np.isnan(cost), fallback, cost)


@dataclass
class _Problem:
    cost: np.ndarray
    rows: list[sparse.csr_matrix]
    limits: list[np.ndarray]
    groups: dict[str, list[int]]  # group name -> indices into rows

    def solve(self, keep: list[str] | None = None, c: np.ndarray | None = None):  # type: ignore[no-untyped-def]
        chosen = [i for g in (keep if keep is not None else self.groups) for i in self.groups[g]]
        if chosen:
            a_ub = sparse.vstack([self.rows[i] for i in chosen]).tocsr()
            b_ub = np.concatenate([self.limits[i] for i in chosen])
        else:
            a_ub, b_ub = None, None
        return linprog(
            self.cost if c is None else c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs"
        )


def optimise_mix(
    staff: pd.DataFrame, demand: pd.DataFrame, targets: pd.DataFrame, a: Assumptions
) -> OptimisedMix:
    """Weekly hours by contract type for each role, meeting required hours at least cost.

    Constraints, each a named group: required hours (demand now with headroom); each target
    (agency maximum, permanent minimum, maximum hours of a contract type); volunteer hours no
    more than volunteers give now; permanent hours growing by no more than the recruitment
    rate allows. When no mix meets them all, groups are relaxed one at a time to find the
    smallest set that conflicts, and the message names it.
    """
    live = _with_fte(active_staff(staff, a.plan_start), a)
    needed = demand_by_year(demand, a).groupby("role", sort=True)["year_0"].sum()
    roles = needed.index
    n_r, n_t = len(roles), len(TYPES)
    if not n_r:
        return OptimisedMix(True, pd.DataFrame(columns=TYPES), 0.0, "No demand: no mix to find.")
    n = n_r * n_t
    required_hours = _required_from_hours(needed.to_numpy(dtype=float), a) * a.standard_hours
    cost = _hourly_costs(live, roles, a).reshape(-1)
    hours_now = (
        live.groupby(["role", "contract_type"])["total_hours"]
        .sum()
        .unstack()
        .reindex(index=roles, columns=TYPES)
        .fillna(0.0)
        .to_numpy()
    )

    def var(r: np.ndarray, t: int) -> np.ndarray:
        return r * n_t + t

    all_r = np.arange(n_r)
    problem = _Problem(cost, [], [], {})

    def add(group: str, matrix: sparse.spmatrix, limit: np.ndarray) -> None:
        problem.groups.setdefault(group, []).append(len(problem.rows))
        problem.rows.append(sparse.csr_matrix(matrix))
        problem.limits.append(np.asarray(limit, dtype=float))

    # Required hours: −Σ_t x[r,t] ≤ −required[r].
    cover = sparse.csr_matrix((-np.ones(n), (np.repeat(all_r, n_t), np.arange(n))), shape=(n_r, n))
    add("required hours (every role)", cover, -required_hours)
    agency, volunteer = (
        TYPES.index(ContractType.AGENCY.value),
        TYPES.index(ContractType.VOLUNTEER.value),
    )
    permanent = [TYPES.index(c.value) for c in PERMANENT]
    role_index = {r: i for i, r in enumerate(roles)}
    capped_volunteers = set()
    for t in targets.itertuples(index=False):
        scope = (
            all_r
            if t.role == ALL_ROLES
            else np.array([role_index[t.role]] if t.role in role_index else [], dtype=int)
        )
        if not len(scope):
            continue
        where = "whole organisation" if t.role == ALL_ROLES else t.role
        row = np.zeros(n)
        kind = TargetKind(t.kind)
        if kind == TargetKind.MAX_AGENCY_SHARE:
            # agency − share × all ≤ 0 over the roles in scope
            for r in scope:
                row[var(r, np.arange(n_t))] -= t.value
                row[var(r, agency)] += 1
            name = f"maximum agency share {t.value:.0%} ({where})"
            limit = [0.0]
        elif kind == TargetKind.MIN_PERMANENT_SHARE:
            for r in scope:
                row[var(r, np.arange(n_t))] += t.value
                for p in permanent:
                    row[var(r, p)] -= 1
            name = f"minimum permanent share {t.value:.0%} ({where})"
            limit = [0.0]
        elif kind == TargetKind.MAX_HOURS:
            row[var(scope, TYPES.index(t.detail))] = 1
            name = f"maximum {t.detail} hours {t.value:g} a week ({where})"
            limit = [t.value]
            if t.detail == ContractType.VOLUNTEER.value:
                capped_volunteers.update(scope.tolist())
        else:
            continue  # skill shares are met by the demand itself (it is by skill level)
        add(name, sparse.csr_matrix(row), np.array(limit))
    # Volunteers give the hours they give: no more than now unless a target says otherwise.
    free = np.array([r for r in all_r if r not in capped_volunteers], dtype=int)
    if len(free):
        add(
            "volunteer hours no more than volunteers give now",
            sparse.csr_matrix(
                (np.ones(len(free)), (np.arange(len(free)), var(free, volunteer))),
                shape=(len(free), n),
            ),
            hours_now[free, volunteer],
        )
    # Permanent hours can grow only as fast as people can be recruited.
    perm_now = hours_now[:, permanent].sum(axis=1)
    # A role no one holds yet recruits against the hours it needs instead.
    base = np.where(hours_now.sum(axis=1) > 0, hours_now.sum(axis=1), required_hours)
    rows_ = np.repeat(all_r, len(permanent))
    cols_ = var(all_r[:, None], np.array(permanent)[None, :]).reshape(-1)
    add(
        f"recruitment capacity (permanent hours up by at most {a.recruitment_rate:.0%} of "
        "current hours a year)",
        sparse.csr_matrix((np.ones(len(rows_)), (rows_, cols_)), shape=(n_r, n)),
        perm_now + a.recruitment_rate * base,
    )

    result = problem.solve()
    if result.status == 0:
        hours = pd.DataFrame(result.x.reshape(n_r, n_t), index=roles, columns=TYPES)
        hours = hours.where(hours > 1e-7, 0.0)
        return OptimisedMix(
            True,
            hours,
            float(result.fun),
            f"Least-cost mix found: £{result.fun:,.0f} a week for {required_hours.sum():,.1f} "
            "required hours a week.",
        )
    if result.status != 2:
        return OptimisedMix(
            False,
            pd.DataFrame(),
            np.nan,
            f"The optimiser stopped without an answer: {result.message}",
        )
    conflicts = _conflicting_groups(problem)
    shortfall = _shortfall(problem, conflicts, roles, n_r, n_t, required_hours)
    listed = "; ".join(conflicts)
    message = (
        "No mix meets every constraint. These constraints conflict (relaxing any one of them "
        f"makes a mix possible): {listed}."
    )
    if shortfall is not None and len(shortfall):
        short = ", ".join(
            f"{r} ({h:,.1f} hours a week short)"
            for r, h in shortfall.head(5).itertuples(index=False)
        )
        message += f" Roles that cannot be covered: {short}."
    return OptimisedMix(False, pd.DataFrame(), np.nan, message, conflicts, shortfall)


def _conflicting_groups(problem: _Problem) -> list[str]:
    """Deletion filter: drop each group in turn; keep it only if dropping it cures the conflict."""
    zero = np.zeros_like(problem.cost)
    keep = list(problem.groups)
    for group in list(keep):
        trial = [g for g in keep if g != group]
        if problem.solve(trial, c=zero).status == 2:
            keep = trial
    return keep


def _shortfall(
    problem: _Problem,
    conflicts: list[str],
    roles: pd.Index,
    n_r: int,
    n_t: int,
    required_hours: np.ndarray,
) -> pd.DataFrame | None:
    """The hours each role is short at best, with required hours made elastic."""
    cover_group = "required hours (every role)"
    if cover_group not in conflicts:
        return None
    others = [g for g in problem.groups if g != cover_group]
    # Maximise covered hours per role, capped at the requirement: x plus n_r 'covered' vars.
    n = n_r * n_t
    rows = [problem.rows[i] for g in others for i in problem.groups[g]]
    limits = [problem.limits[i] for g in others for i in problem.groups[g]]
    widened = [sparse.hstack([m, sparse.csr_matrix((m.shape[0], n_r))]) for m in rows]
    # covered[r] ≤ Σ_t x[r,t]  and covered[r] ≤ required[r]
    link = sparse.hstack(
        [
            sparse.csr_matrix(
                (-np.ones(n), (np.repeat(np.arange(n_r), n_t), np.arange(n))), shape=(n_r, n)
            ),
            sparse.identity(n_r, format="csr"),
        ]
    )
    a_ub = sparse.vstack([*widened, link]).tocsr()
    b_ub = np.concatenate([*limits, np.zeros(n_r)])
    bounds = [(0, None)] * n + [(0, h) for h in required_hours]
    c = np.concatenate([np.zeros(n), -np.ones(n_r)])
    result = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if result.status != 0:
        return None
    short = required_hours - result.x[n:]
    frame = pd.DataFrame({"role": roles, "hours_short": short})
    return frame[frame["hours_short"] > 1e-6].sort_values("hours_short", ascending=False)


# --- everything together --------------------------------------------------------------------


def plan(staff: pd.DataFrame, demand: pd.DataFrame, targets: pd.DataFrame, a: Assumptions) -> Plan:
    """The whole plan from checked inputs (see ``read_*`` and ``check_roles``)."""
    gap = gap_by_role_and_skill(staff, demand, a)
    gap_role = (
        gap.groupby("role", sort=True)[
            ["hours_needed", "required_fte", "headcount", "current_fte", "gap_fte"]
        ]
        .sum()
        .reset_index()
    )
    mix = current_mix(staff, a)
    distance = target_distance(staff, targets, a)
    projection = project(staff, demand, a)
    flags = risks(staff, distance, projection, a)
    optimised = optimise_mix(staff, demand, targets, a)
    diversity = {
        name: diversity_profile(active_staff(staff, a.plan_start), name)
        for name in DIVERSITY_FIELDS
        if name in staff
    }
    totals = {
        "Headcount": float(mix["headcount"].sum()),
        "Current FTE": float(mix["fte"].sum()),
        "Required FTE (with headroom)": float(gap["required_fte"].sum()),
        "Gap FTE (+ shortfall, − surplus)": float(gap["gap_fte"].sum()),
        "Weekly cost of current staff": float(mix["weekly_cost"].sum()),
        "Annual cost of current staff": float(mix["annual_cost"].sum()),
        f"Recruitment need over {a.years} years (FTE)": float(
            projection["recruitment_need_fte"].sum()
        ),
        "Weekly cost of the least-cost mix": optimised.weekly_cost,
        "Risk flags": float(len(flags)),
    }
    summary = pd.DataFrame({"measure": list(totals), "value": list(totals.values())})
    by_service = demand_by_year(demand, a, by=("service",))
    return Plan(
        a,
        summary,
        by_service,
        gap,
        gap_role,
        mix,
        distance,
        projection,
        flags,
        optimised,
        diversity,
    )
