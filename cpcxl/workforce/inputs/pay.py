"""The Pay and Pay scales sheets: pay by role and band, the pension schemes, the on-costs and
the wage floor (issue 18), read into a :class:`PaySetup` with every problem located.

A band is picked from the Pay scales sheet (Agenda for Change points and NJC spinal points,
which the officer updates each year); a role's pension scheme from the Pension schemes
table. Both are checked once everything is read: a band not on the sheet, a scheme not in
the table, a wage floor for another year than the pay, each is a located error.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputErrors, Location
from cpcxl.common.fields import TEXT, year_label
from cpcxl.common.inputs import (
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

from ..models import (
    AFC_2025,
    AFC_HOURS,
    AFC_SOURCE,
    ANNUAL_PAY,
    LEVY_ALLOWANCE,
    LEVY_RATE,
    LEVY_SOURCE,
    NHS_AGENCY_CAP_SOURCE,
    NI_RATE,
    NI_SOURCE,
    NI_THRESHOLD,
    NJC_2025,
    NJC_HOURS,
    NJC_SOURCE,
    PAY_YEAR,
    PENSION_RATE,
    PENSION_SCHEMES,
    PENSIONABLE_LIMIT,
    ROLE_PAY_COLUMNS,
    SCHEME_COLUMNS,
    STANDARD_HOURS,
    WAGE_FLOORS,
    WAGE_RATE,
    OnCosts,
    PaySetup,
    WageFloor,
)
from .types import (
    BAND,
    LEVY_RULE,
    PAY_SHEET,
    SCALES_SHEET,
    SCHEME,
    WAGE_FLOOR,
    key,
    not_listed,
)

SCALES = TableSpec(
    "PayScales",
    SCALES_SHEET,
    (
        Column("scale", "Pay scale", TEXT, ("scale",), width=20),
        Column(
            "band",
            "Band or point",
            TEXT,
            ("band", "pay point", "point", "grade", "spinal column point"),
            width=26,
        ),
        Column("annual_pay", "Annual pay", ANNUAL_PAY, ("annual pay £", "salary"), width=13),
        Column("hours", "Full-time hours", STANDARD_HOURS, ("hours",), required=False, width=15),
        Column("pay_year", "Pay year", PAY_YEAR, ("year",), width=10),
        Column("source", "Source", required=False, width=60),
    ),
    title="Pay scales",
)

PENSIONS = TableSpec(
    "PensionSchemes",
    PAY_SHEET,
    (
        Column("scheme", "Pension scheme", TEXT, ("scheme", "pension"), width=44),
        Column(
            "rate",
            "Employer rate",
            PENSION_RATE,
            ("rate", "employer contribution", "employer contribution rate"),
            width=26,
        ),
        Column("source", "Source", required=False, width=60),
        Column(
            "low",
            "On pay from",
            PENSIONABLE_LIMIT,
            ("pensionable pay from", "from"),
            required=False,
            width=13,
            prompt="Blank: all pay is pensionable",
        ),
        Column(
            "high",
            "On pay up to",
            PENSIONABLE_LIMIT,
            ("pensionable pay up to", "up to"),
            required=False,
            width=13,
        ),
    ),
    title="Pension schemes",
)

PAY = TableSpec(
    "Pay",
    PAY_SHEET,
    (
        Column("role", "Role", TEXT, ("job role",), width=44),
        Column(
            "band",
            "Band or point",
            BAND,
            ("band", "pay point", "grade"),
            required=False,
            width=26,
            prompt="From the Pay scales sheet; or leave blank and give the annual pay",
        ),
        Column(
            "scheme",
            "Pension scheme",
            SCHEME,
            ("pension",),
            required=False,
            width=60,
            prompt="Blank: the scheme for the staff in the role (in-house, NHS or provider)",
        ),
        Column(
            "annual_pay",
            "Annual pay",
            ANNUAL_PAY,
            ("annual pay £", "salary"),
            required=False,
            width=13,
            prompt="Blank: the band's pay",
        ),
        Column(
            "hours",
            "Full-time hours",
            STANDARD_HOURS,
            ("hours",),
            required=False,
            width=13,
            prompt="Blank: the band's full-time hours, else the standard week",
        ),
    ),
    title="Pay by role",
)

_DEFAULT = OnCosts()
_FLOOR = WAGE_FLOORS[(_DEFAULT.wage_floor, _DEFAULT.wage_floor_year)]

ON_COSTS = SettingsSpec(
    "OnCosts",
    PAY_SHEET,
    (
        Setting(
            "pay_year",
            "Pay year",
            PAY_YEAR,
            default=year_label(_DEFAULT.pay_year),
            note="The financial year the pay on this sheet and the Pay scales sheet is for; the "
            "wage floor must be for the same year.",
        ),
        Setting(
            "ni_rate",
            "Employer National Insurance rate",
            NI_RATE,
            default=_DEFAULT.ni_rate,
            note=f"15%: {NI_SOURCE}. From 0% to 25%.",
        ),
        Setting(
            "ni_threshold",
            "National Insurance threshold a year (£)",
            NI_THRESHOLD,
            default=_DEFAULT.ni_threshold,
            note="£5,000: the secondary threshold for 2025/26, per employee (a part-timer's "
            "pay under it bears no employer National Insurance).",
        ),
        Setting(
            "levy",
            "Apprenticeship levy applies",
            LEVY_RULE,
            default=_DEFAULT.levy.value,
            note=f"{LEVY_SOURCE}. Counted on the pay of the staff the organisation employs "
            "(In-house and NHS); a provider's own levy is in its price.",
        ),
        Setting(
            "levy_rate",
            "Apprenticeship levy rate",
            LEVY_RATE,
            default=_DEFAULT.levy_rate,
            note="0.5% of the pay bill (since 6 April 2017).",
        ),
        Setting(
            "levy_allowance",
            "Apprenticeship levy allowance a year (£)",
            LEVY_ALLOWANCE,
            default=_DEFAULT.levy_allowance,
            note="£15,000 a year, set against the levy.",
        ),
        Setting(
            "wage_floor",
            "Wage floor",
            WAGE_FLOOR,
            default=_DEFAULT.wage_floor.value,
            note="National Living Wage, or the Real Living Wage (London) where the organisation "
            "has committed to it, or a local floor with its rate.",
        ),
        Setting(
            "wage_floor_rate",
            "Wage floor £ an hour",
            WAGE_RATE,
            note=f"Blank: the shipped rate of the floor for its year, £{_FLOOR[0]:,.2f} for the "
            f"{_DEFAULT.wage_floor.value} 2025/26 ({_FLOOR[1]}); Real Living Wage 2025/26 "
            "£12.60 (London £13.85). For 2026/27: £12.71, £13.45 and £14.80.",
        ),
        Setting(
            "wage_floor_year",
            "Wage floor year",
            PAY_YEAR,
            default=year_label(_DEFAULT.wage_floor_year),
            note="The financial year the wage floor is for: the pay year.",
        ),
        Setting(
            "in_house_scheme",
            "Pension scheme of in-house staff",
            SCHEME,
            default=_DEFAULT.in_house_scheme,
            note="For roles with no row below: staff employed In-house (a council's: the LGPS).",
        ),
        Setting(
            "nhs_scheme",
            "Pension scheme of NHS staff",
            SCHEME,
            default=_DEFAULT.nhs_scheme,
            note="For roles with no row below: staff the NHS employs.",
        ),
        Setting(
            "provider_scheme",
            "Pension scheme of provider staff",
            SCHEME,
            default=_DEFAULT.provider_scheme,
            note="For roles with no row below: private, voluntary and partner providers and "
            "people employed through direct payments. Skills for Care found 57% of care "
            "providers pay no more than the 3% minimum (October 2025).",
        ),
    ),
    label_header="On-cost",
    value_header="Value",
    note_header="Source",
    title="On-costs and the wage floor",
)

#: The Pay scales sheet's rows as shipped: Agenda for Change 2025/26 and NJC 2025/26 examples.
SCALE_ROWS: list[list[object]] = [
    *(["Agenda for Change", band, pay, AFC_HOURS, "2025/26", AFC_SOURCE] for band, pay in AFC_2025),
    *(["NJC (Green Book)", band, pay, NJC_HOURS, "2025/26", NJC_SOURCE] for band, pay in NJC_2025),
]
#: The Pension schemes table as shipped.
SCHEME_ROWS: list[list[object]] = [
    [name, rate, source, low, high] for name, rate, low, high, source in PENSION_SCHEMES
]
#: A note for the Pay sheet: the NHS agency price cap, the reference beside agency rates.
CAP_NOTE = NHS_AGENCY_CAP_SOURCE


# --- reading ---------------------------------------------------------------------------------


def read_pay(
    tables: Mapping[str, Cells],
    errors: InputErrors,
    *,
    standard_hours: float,
    roles: set[str] | None = None,
    file: str | None = None,
) -> PaySetup | None:
    """The Pay sheet's three tables and the Pay scales sheet, checked against each other.

    Every table is optional (an older workbook has none: the shipped on-costs, schemes and
    scales apply, and roles are priced from their staff records)."""
    before = len(errors)
    settings = read_settings(ON_COSTS, tables.get(ON_COSTS.name), errors, file=file, optional=True)
    schemes_table = read_table(
        PENSIONS, tables.get(PENSIONS.name), errors, file=file, optional=True
    )
    scales_table = read_table(SCALES, tables.get(SCALES.name), errors, file=file, optional=True)
    pay_table = read_table(PAY, tables.get(PAY.name), errors, file=file, optional=True)
    known = roles
    schemes = _schemes(schemes_table, errors)
    names = {key(n): n for n in schemes["scheme"]}
    on_costs = _on_costs(settings, names, errors) if settings is not None else None
    scales = _scales(scales_table, errors)
    role_pay = (
        _roles(pay_table, scales, names, on_costs, standard_hours, errors)
        if pay_table is not None and on_costs is not None
        else pd.DataFrame(columns=[*ROLE_PAY_COLUMNS, ROW])
    )
    if pay_table is not None and known is not None:
        spelled = {key(r): r for r in known}
        for role, row in role_pay[["role", ROW]].itertuples(index=False):
            found = _known(
                role,
                spelled,
                "a role",
                pay_table.where(int(row), "role"),
                errors,
                "the Staff or Demand sheets",
            )
            if found is not None:
                role_pay.loc[role_pay["role"] == role, "role"] = found
    if len(errors) > before or on_costs is None:
        return None
    return PaySetup(on_costs, schemes, role_pay)


def _schemes(table: TableRead | None, errors: InputErrors) -> pd.DataFrame:
    if table is None:
        from ..models import default_schemes

        return default_schemes()
    frame = table.frame
    seen: dict[str, int] = {}
    for i, name in enumerate(frame["scheme"]):
        row = int(frame[ROW].iat[i])
        if name is None:
            continue
        if key(name) in seen:
            errors.add(
                f"the pension scheme {name!r} is given twice (also on row {seen[key(name)]})",
                location=table.where(row, "scheme"),
                valid="each scheme once",
            )
        seen.setdefault(key(name), row)
        low, high = frame["low"].iat[i], frame["high"].iat[i]
        if not np.isnan(low) and not np.isnan(high) and high <= low:
            errors.add(
                f"pensionable pay up to £{high:,.0f} is not above the £{low:,.0f} it starts at",
                location=table.where(row, "high"),
                valid=f"an amount above £{low:,.0f}, or blank for no upper limit",
            )
    return pd.DataFrame(
        {
            "scheme": frame["scheme"].to_numpy(dtype=object),
            "rate": frame["rate"].to_numpy(dtype=float),
            "low": frame["low"].to_numpy(dtype=float),
            "high": frame["high"].to_numpy(dtype=float),
            "source": frame["source"].to_numpy(dtype=object),
        },
        columns=list(SCHEME_COLUMNS),
    )


def _known(
    value: str,
    names: dict[str, str],
    what: str,
    where: Location,
    errors: InputErrors,
    listed: str,
) -> str | None:
    """``value`` as the table names it, or None with a located error naming the valid ones."""
    if key(value) in names:
        return names[key(value)]
    errors.add(not_listed(value, sorted(names.values()), what, listed), location=where)
    return None


def _on_costs(
    settings: SettingsRead, schemes: dict[str, str], errors: InputErrors
) -> OnCosts | None:
    values = dict(settings.values)
    for name in ("pay_year", "wage_floor_year"):
        if isinstance(values[name], str):  # the default, as the template shows it
            values[name] = PAY_YEAR.parse(values[name])
    for name in ("levy", "wage_floor"):
        if isinstance(values[name], str):
            values[name] = (LEVY_RULE if name == "levy" else WAGE_FLOOR).parse(values[name])
    ok = True
    for name in ("in_house_scheme", "nhs_scheme", "provider_scheme"):
        found = _known(
            values[name],
            schemes,
            "a pension scheme",
            _where(settings, name),
            errors,
            "the Pension schemes table",
        )
        ok &= found is not None
        values[name] = found or values[name]
    floor, pay_year = values["wage_floor"], values["pay_year"]
    if values["wage_floor_year"] != pay_year:
        errors.add(
            f"the wage floor is for {year_label(values['wage_floor_year'])} but the pay is for "
            f"{year_label(pay_year)}",
            location=_where(settings, "wage_floor_year"),
            valid=f"the wage floor for the pay year {year_label(pay_year)} (its rate and year), "
            "or pay for the wage floor's year",
        )
        ok = False
    elif values["wage_floor_rate"] is None and floor == WageFloor.LOCAL:
        errors.add(
            "a local wage floor has no shipped rate",
            location=_where(settings, "wage_floor_rate"),
            valid="the local floor's rate £ an hour (or the National or Real Living Wage)",
        )
        ok = False
    elif values["wage_floor_rate"] is None and (floor, pay_year) not in WAGE_FLOORS:
        shipped = ", ".join(f"{f.value} {year_label(y)}" for f, y in WAGE_FLOORS if f == floor)
        errors.add(
            f"cpcxl ships no rate for the {floor.value} {year_label(pay_year)} (it ships "
            f"{shipped})",
            location=_where(settings, "wage_floor_rate"),
            valid=f"the {floor.value}'s rate £ an hour for {year_label(pay_year)}",
        )
        ok = False
    return OnCosts(**values) if ok else None


def _where(settings: SettingsRead, name: str) -> Location:
    return settings.where.get(name) or Location(sheet=PAY_SHEET, field=ON_COSTS.setting(name).label)


def _scales(table: TableRead | None, errors: InputErrors) -> pd.DataFrame:
    """{band, pay_year: annual pay, hours}; a band given twice for one year is an error."""
    if table is None:
        rows = [
            *((band, float(pay), AFC_HOURS, 2025, -1) for band, pay in AFC_2025),
            *((band, float(pay), NJC_HOURS, 2025, -1) for band, pay in NJC_2025),
        ]
        return pd.DataFrame(rows, columns=["band", "annual_pay", "hours", "pay_year", ROW])
    frame = table.frame
    seen: dict[tuple[str, int], int] = {}
    for i in range(len(frame)):
        band, year = frame["band"].iat[i], frame["pay_year"].iat[i]
        if band is None or year != year:
            continue
        row = int(frame[ROW].iat[i])
        k = (key(band), int(year))
        if k in seen:
            errors.add(
                f"the band {band!r} is given twice for {year_label(int(year))} (also on row "
                f"{seen[k]})",
                location=table.where(row, "band"),
                valid="each band or point once a pay year",
            )
        seen.setdefault(k, row)
    return pd.DataFrame(
        {
            "band": frame["band"].to_numpy(dtype=object),
            "annual_pay": frame["annual_pay"].to_numpy(dtype=float),
            "hours": frame["hours"].to_numpy(dtype=float),
            "pay_year": frame["pay_year"].to_numpy(dtype=float),
            ROW: frame[ROW].to_numpy(),
        }
    )


def _roles(
    table: TableRead,
    scales: pd.DataFrame,
    schemes: dict[str, str],
    on_costs: OnCosts,
    standard_hours: float,
    errors: InputErrors,
) -> pd.DataFrame:
    """Each role's pay: its band's (for the pay year) or the annual pay given."""
    year = on_costs.pay_year
    by_band: dict[str, dict[int, tuple[float, float]]] = {}
    spelled: dict[str, str] = {}
    for band, pay, hours, pay_year in scales[
        ["band", "annual_pay", "hours", "pay_year"]
    ].itertuples(index=False):
        if band is None or pay_year != pay_year:
            continue
        by_band.setdefault(key(band), {})[int(pay_year)] = (pay, hours)
        spelled.setdefault(key(band), band)
    rows = []
    seen: dict[str, int] = {}
    for record in table.records(good_only=False):
        row = int(record[ROW])
        role, band = record["role"], record["band"]
        if role is None:
            continue
        if key(role) in seen:
            errors.add(
                f"the role {role!r} has two rows on the Pay sheet (also row {seen[key(role)]})",
                location=table.where(row, "role"),
                valid="each role once",
            )
            continue
        seen[key(role)] = row
        pay, hours, basis = record["annual_pay"], record["hours"], "the annual pay given"
        if band is not None:
            years = by_band.get(key(band))
            if years is None:
                _known(
                    band,
                    spelled,
                    "a band or point",
                    table.where(row, "band"),
                    errors,
                    "the Pay scales sheet",
                )
                continue
            if year not in years:
                shown = ", ".join(year_label(y) for y in sorted(years))
                errors.add(
                    f"the band {band!r} has no {year_label(year)} pay on the Pay scales sheet "
                    f"(it has {shown})",
                    location=table.where(row, "band"),
                    valid=f"a band with its {year_label(year)} pay on the Pay scales sheet",
                )
                continue
            band_pay, band_hours = years[year]
            band = spelled[key(band)]
            if pay != pay:  # NaN: blank
                pay, basis = band_pay, f"{band} ({year_label(year)})"
            else:
                basis = f"the annual pay given (band {band})"
            if hours != hours and band_hours == band_hours:
                hours = band_hours
        elif pay != pay:
            errors.add(
                "the row has neither a band nor an annual pay",
                location=table.where(row, "band"),
                valid="a band or point from the Pay scales sheet, or the annual pay",
            )
            continue
        scheme = record["scheme"]
        if scheme is not None:
            scheme = _known(
                scheme,
                schemes,
                "a pension scheme",
                table.where(row, "scheme"),
                errors,
                "the Pension schemes table",
            )
            if scheme is None:
                continue
        rows.append(
            {
                "role": role,
                "band": band,
                "annual_pay": float(pay),
                "hours": standard_hours if hours != hours else float(hours),
                "scheme": scheme,
                "pay_basis": basis,
                ROW: row,
            }
        )
    return pd.DataFrame(rows, columns=[*ROLE_PAY_COLUMNS, ROW])
