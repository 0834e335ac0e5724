"""Who fills a post and who covers it, and each role's rates: its turnover, vacancy and
sickness (its own benchmarks where given, else the sector's), its headroom, its own pay and
cost an hour with on-costs, and what an hour of agency or bank cover costs in it.

A vacancy is establishment (required FTE) less substantive staff, the permanent and
fixed-term employees (``models.SUBSTANTIVE``); bank, agency, contractors' staff and
volunteers cover vacancies without filling them, and turnover applies to substantive staff.

A role's rate is the FTE-weighted rate of its substantive staff, each taking the benchmark
for its role and area, else for its role, else the sector default for who employs it (NHS
England's figures for staff the NHS employs, Skills for Care's for the rest); a role with
no substantive staff takes its role benchmark, else the defaults in proportion to the NHS
share of everyone working in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpcxl.common.fields import choice_key

from ..models import (
    NHS_AGENCY_CAP,
    PERMANENT,
    SUBSTANTIVE,
    WEEKS_PER_YEAR,
    Assumptions,
    ContractType,
    Employer,
    HeadroomMethod,
    PaySetup,
)
from .costing import OWN_EMPLOYERS, costed, organisation_levy, role_cost, scheme_of
from .fte import active_staff

#: What each role's own rate is taken from, as the Projection and Pay sheets say.
ROLE_PAY = "the role's permanent pay"
ROLE_FIXED_TERM_PAY = "the role's fixed-term pay (no permanent pay recorded)"
ORGANISATION_PAY = "the organisation's average permanent pay (no pay recorded for the role)"
NO_PAY = "no pay recorded: cover is not priced"
PAY_SHEET = "the Pay sheet"

#: Where a role's rate came from when no benchmark was given (short forms of models' sources).
DEFAULTS = {
    "turnover": ("Skills for Care, October 2025 (2024/25)", "NHS England, to September 2024"),
    "vacancy": ("Skills for Care, October 2025 (2024/25)", "NHS England, September 2024"),
    "sickness": ("an example to update (social care)", "NHS Digital, 2022"),
}
RATES = tuple(DEFAULTS)


def is_substantive(staff: pd.DataFrame) -> np.ndarray:
    """True for the records that fill posts (permanent and fixed-term employees)."""
    return staff["contract_type"].isin([c.value for c in SUBSTANTIVE]).to_numpy()


@dataclass(frozen=True)
class _Defaults:
    social: float
    nhs: float


def _defaults(a: Assumptions) -> dict[str, _Defaults]:
    sickness = (
        _Defaults(a.sickness_part, a.sickness_part)
        if a.sickness_part is not None
        else _Defaults(a.sickness, a.nhs_sickness)
    )
    return {
        "turnover": _Defaults(a.turnover, a.nhs_turnover),
        "vacancy": _Defaults(a.vacancy, a.nhs_vacancy),
        "sickness": sickness,
    }


def _mean(values: np.ndarray, weights: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Weighted mean of ``values`` by group code (0..n-1); NaN where a group has no weight."""
    keep = groups >= 0
    total = np.bincount(groups[keep], weights=weights[keep], minlength=n)
    summed = np.bincount(groups[keep], weights=(values * weights)[keep], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, summed / total, np.nan)


def _source(codes: set[int], share: float, measure: str, label: str) -> str:
    """Which rate a role used: 2 its area benchmarks, 1 its role benchmark, 0 the default."""
    social, nhs = DEFAULTS[measure]
    default = social if share <= 0 else nhs if share >= 1 else f"{social} and {nhs}"
    if measure == "sickness" and "headroom part" in label:
        default = label
    if codes == {1}:
        return label
    if codes <= {0}:
        return default
    parts = []
    if 2 in codes:
        parts.append("its benchmarks by area")
    if 1 in codes:
        parts.append(label)
    if 0 in codes:
        parts.append(default)
    return "; ".join(parts)


def role_rates(
    staff: pd.DataFrame,
    roles: pd.Index,
    a: Assumptions,
    pay: PaySetup | None = None,
    benchmarks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """For each role: its NHS share; turnover, published vacancy and sickness rates and where
    each came from; its headroom; its hourly pay and cost with on-costs and what they are
    taken from; its agency cover, bank cover and the NHS agency price cap (£ an hour); and
    its cost per FTE a year at the standard week.

    The NHS share is of the role's substantive FTE in post on the plan start (for a role with
    no substantive staff, of everyone working in it; a role no one holds is a social care
    role). Pay is the role's on the Pay sheet, else its permanent staff's (weighted by
    hours), else its fixed-term staff's, else the organisation's average permanent pay.
    """
    setup = pay or PaySetup()
    live = costed(active_staff(staff, a.plan_start), setup, a)
    n = len(roles)
    code = roles.get_indexer(live["role"])
    nhs = (live["employer"] == Employer.NHS.value).to_numpy()
    filled = is_substantive(live)
    fte = live["fte"].to_numpy(dtype=float)
    substantive_fte = np.bincount(code[code >= 0], weights=(fte * filled)[code >= 0], minlength=n)
    all_fte = np.bincount(code[code >= 0], weights=fte[code >= 0], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            substantive_fte > 0,
            np.bincount(code[code >= 0], weights=(fte * filled * nhs)[code >= 0], minlength=n)
            / substantive_fte,
            np.bincount(code[code >= 0], weights=(fte * nhs)[code >= 0], minlength=n) / all_fte,
        )
    share = np.nan_to_num(share)
    out: dict[str, object] = {"role": roles, "nhs_share": share}
    defaults = _defaults(a)
    bench = benchmarks if benchmarks is not None else pd.DataFrame(columns=["role", "area"])
    area = live["area"].to_numpy(dtype=object) if "area" in live else np.full(len(live), "")
    area_keys = np.array([_k(x) for x in area], dtype=object)
    sub = filled & (code >= 0)
    for measure in RATES:
        d = defaults[measure]
        role_rows = _benchmark(bench, measure, areas=False)
        area_rows = _benchmark(bench, measure, areas=True)
        by_role = pd.Series({r: v for (r, _), (v, _) in role_rows.items()})
        label = {r: lab for (r, _), (_, lab) in role_rows.items()}
        rec_area = pd.Series(list(zip(live["role"], area_keys, strict=True)), dtype=object).map(
            {k: v for k, (v, _) in area_rows.items()}
        )
        rec_role = live["role"].map(by_role).to_numpy(dtype=float)
        rec_area = rec_area.to_numpy(dtype=float)
        default = np.where(nhs, d.nhs, d.social)
        rate = np.where(
            ~np.isnan(rec_area), rec_area, np.where(np.isnan(rec_role), default, rec_role)
        )
        origin = np.where(~np.isnan(rec_area), 2, np.where(np.isnan(rec_role), 0, 1))
        mean = _mean(rate, np.where(sub, fte, 0.0), np.where(sub, code, -1), n)
        # A role no one fills: its role benchmark, else the defaults by its NHS share.
        fallback = share * d.nhs + (1 - share) * d.social
        role_level = by_role.reindex(roles).to_numpy(dtype=float)
        empty = np.isnan(mean)
        mean = np.where(empty, np.where(np.isnan(role_level), fallback, role_level), mean)
        sources = []
        part = (
            "the headroom part on the Assumptions sheet"
            if (measure == "sickness" and a.sickness_part is not None)
            else ""
        )
        for i, role in enumerate(roles):
            mine = sub & (code == i)
            codes = (
                set(origin[mine].tolist())
                if mine.any()
                else ({1} if not np.isnan(role_level[i]) else {0})
            )
            own_label = label.get(role, "its benchmark")
            sources.append(_source(codes, float(share[i]), measure, part or own_label))
        out[measure] = mean
        out[f"{measure}_source"] = sources
    out["published_vacancy"] = out.pop("vacancy")
    out["vacancy_source"] = out.pop("vacancy_source")
    out["headroom"] = _headroom(np.asarray(out["sickness"], dtype=float), a)
    frame = pd.DataFrame(out)
    return frame.join(_pay(live, roles, a, setup, code, filled, share).set_index(frame.index))


def _k(text: object) -> str:
    """The one spelling rule for names (case, spaces and punctuation ignored)."""
    return choice_key(text) if text is not None else ""


def _benchmark(
    bench: pd.DataFrame, measure: str, *, areas: bool
) -> dict[tuple[str, str], tuple[float, str]]:
    """{(role, area key): (rate, label)} for the rows that give ``measure``."""
    if measure not in bench or not len(bench):
        return {}
    found = {}
    for row in bench.itertuples(index=False):
        value = getattr(row, measure)
        has_area = bool(row.area)
        if value is None or value != value or has_area != areas:
            continue
        source = " ".join(str(p) for p in (row.source, row.year) if p)
        label = f"its benchmark ({source})" if source else "its benchmark"
        found[(row.role, _k(row.area) if areas else "")] = (float(value), label)
    return found


def _headroom(sickness: np.ndarray, a: Assumptions) -> np.ndarray:
    """Each role's headroom: the single figure, or built from its parts with the role's
    sickness rate when any part is given."""
    if not a.built_headroom:
        return np.full(len(sickness), a.headroom)
    others = sum(v for name, v in a.parts.items() if name != "sickness" and v is not None)
    return others + sickness


def headroom_factor(headroom: np.ndarray, a: Assumptions) -> np.ndarray:
    """What worked FTE is multiplied by: 1 + h (uplift) or 1 ÷ (1 − h) (divide)."""
    if a.headroom_method == HeadroomMethod.UPLIFT:
        return 1 + headroom
    return 1 / (1 - headroom)


def _pay(
    live: pd.DataFrame,
    roles: pd.Index,
    a: Assumptions,
    setup: PaySetup,
    code: np.ndarray,
    filled: np.ndarray,
    share: np.ndarray,
) -> pd.DataFrame:
    """Each role's own hourly pay and cost with on-costs, and its cover rates (``share``:
    the NHS share of each role, whose agency cover the NHS price cap limits)."""
    n = len(roles)
    contract = live["contract_type"].to_numpy()
    hours = live["total_hours"].to_numpy(dtype=float)
    pay = live["pay_hourly"].to_numpy(dtype=float)
    cost = live["cost_hourly"].to_numpy(dtype=float)
    priced = ~np.isnan(pay) & (hours > 0) & (code >= 0)

    def by_role(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        m = mask & priced
        return _mean(np.nan_to_num(values), np.where(m, hours, 0.0), np.where(m, code, -1), n)

    def organisation(mask: np.ndarray, values: np.ndarray) -> float | None:
        m = mask & ~np.isnan(pay) & (hours > 0)
        total = float(hours[m].sum())
        return float((values[m] * hours[m]).sum() / total) if total else None

    permanent = np.isin(contract, [c.value for c in PERMANENT])
    fixed = contract == ContractType.TEMPORARY.value
    own_pay, own_cost = by_role(permanent, pay), by_role(permanent, cost)
    fixed_pay, fixed_cost = by_role(fixed, pay), by_role(fixed, cost)
    org_pay = organisation(permanent, pay)
    org_cost = organisation(permanent, cost)
    if org_pay is None:
        org_pay, org_cost = organisation(filled, pay), organisation(filled, cost)
    role_pay = np.where(np.isnan(own_pay), fixed_pay, own_pay)
    role_cost_ = np.where(np.isnan(own_pay), fixed_cost, own_cost)
    basis = np.where(
        ~np.isnan(own_pay), ROLE_PAY, np.where(~np.isnan(fixed_pay), ROLE_FIXED_TERM_PAY, "")
    ).astype(object)
    missing = np.isnan(role_pay)
    basis[missing] = ORGANISATION_PAY if org_pay is not None else NO_PAY
    role_pay = np.where(missing, org_pay if org_pay is not None else 0.0, role_pay)
    role_cost_ = np.where(missing, org_cost if org_cost is not None else 0.0, role_cost_)
    scheme = np.full(n, "", dtype=object)
    # The Pay sheet's roles: their own pay and scheme, costed for a full-time post.
    if len(setup.roles):
        sheet = setup.roles.set_index("role")
        on = roles.isin(sheet.index)
        if on.any():
            chosen = sheet.reindex(roles[on])
            employer = _main_employer(live, roles, code, filled)[on]
            fake = pd.DataFrame({"role": roles[on], "employer": employer})
            schemes = scheme_of(fake, setup)
            own = np.isin(employer, OWN_EMPLOYERS)
            levy = organisation_levy(live, setup)
            annual = chosen["annual_pay"].to_numpy(dtype=float)
            full = chosen["hours"].to_numpy(dtype=float)
            role_pay[on] = annual / (full * WEEKS_PER_YEAR)
            role_cost_[on] = role_cost(annual, full, schemes, own, levy, setup)
            scheme[on] = schemes
            basis[on] = [f"{PAY_SHEET}: {b}" for b in chosen["pay_basis"]]
    # Agency cover: the role's own cost with the premium; for the NHS share of a role, no
    # more than the NHS agency price cap (Agenda for Change pay + 55%, on-costs and fee in).
    uncapped = role_cost_ * (1 + a.agency_premium)
    cap = role_pay * (1 + NHS_AGENCY_CAP)
    cover = share * np.minimum(uncapped, cap) + (1 - share) * uncapped
    return pd.DataFrame(
        {
            "pay": role_pay,
            "cost_rate": role_cost_,
            "pay_basis": basis,
            "scheme": scheme,
            "cover_uncapped": uncapped,
            "cover_rate": cover,
            "bank_rate": role_cost_ * (1 + a.bank_premium),
            "nhs_cap": role_pay * (1 + NHS_AGENCY_CAP),
            "cost_per_fte": role_cost_ * a.standard_hours * WEEKS_PER_YEAR,
        }
    )


def _main_employer(
    live: pd.DataFrame, roles: pd.Index, code: np.ndarray, filled: np.ndarray
) -> np.ndarray:
    """Who employs most of each role's substantive FTE (In-house where no one does)."""
    frame = pd.DataFrame(
        {"code": code, "employer": live["employer"].to_numpy(), "fte": live["fte"].to_numpy()}
    )
    frame = frame[(frame["code"] >= 0) & filled]
    out = np.full(len(roles), Employer.IN_HOUSE.value, dtype=object)
    if len(frame):
        top = frame.groupby(["code", "employer"])["fte"].sum().reset_index()
        top = top.sort_values("fte", ascending=False).drop_duplicates("code")
        out[top["code"].to_numpy(dtype=int)] = top["employer"].to_numpy()
    return out
