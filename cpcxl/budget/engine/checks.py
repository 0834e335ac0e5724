"""Problems found across the input tables: every one at once, each where it is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import year_label

from ..models import ArrangementKind, ContributionKind, ForecastMethod, RiskBasis
from .aggregation import joint_budget
from .arrangement import BudgetInputs, rows_of
from .outturn import check_profile
from .projection import project
from .risk import FIXED_SHARE_TOLERANCE

FINANCIAL = ContributionKind.FINANCIAL.value


def check(inputs: BudgetInputs) -> InputErrors:
    """Every cross-table problem at once, each with where it is and what would be valid."""
    errors = InputErrors()
    arrangement = inputs.arrangement
    partners = inputs.partner_names
    known = set(partners)
    lines = set(inputs.line_names)
    years = arrangement.year_list
    year_range = f"{year_label(years[0])} to {year_label(years[-1])} (the arrangement's years)"

    seen: dict[str, int | None] = {}
    for p in inputs.partners:
        if p.name in seen:
            errors.add(
                InputError(
                    f"partner {p.name!r} is listed twice (first at row {seen[p.name]})",
                    location=inputs.where("partners", p.row, "partner"),
                    valid="each partner once",
                )
            )
        seen[p.name] = p.row
    if not partners:
        errors.add(InputError("no partners are listed", location=inputs.where("partners", None)))
    if arrangement.host is not None and arrangement.host not in known:
        errors.add(
            InputError(
                f"the host {arrangement.host!r} is not one of the partners",
                location=inputs.where("arrangement", None, "host"),
                valid=partners,
            )
        )
    for line in inputs.lines:
        if line.lead is not None and line.lead not in known:
            errors.add(
                InputError(
                    f"the commissioning partner {line.lead!r} of line {line.name!r} is not one of "
                    "the partners",
                    location=inputs.where("lines", line.row, "lead"),
                    valid=partners,
                )
            )

    if arrangement.test_year is not None and arrangement.test_year not in years:
        errors.add(
            InputError(
                f"year {year_label(arrangement.test_year)} is outside the arrangement",
                location=inputs.where("arrangement", None, "test_year"),
                valid=year_range,
            )
        )
    check_terms(inputs, errors)

    c = inputs.contributions
    rows = rows_of(c)
    for field_name, allowed, what in (
        ("partner", known, partners),
        ("line", lines, inputs.line_names),
    ):
        bad = ~c[field_name].isin(allowed).to_numpy()
        for row, value in zip(rows[bad], c[field_name].to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the {field_name} list",
                    location=inputs.where("contributions", row, field_name),
                    valid=what,
                )
            )
    bad = ~c["year"].isin(years).to_numpy()
    for row, value in zip(rows[bad], c["year"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"year {year_label(int(value))} is outside the arrangement",
                location=inputs.where("contributions", row, "year"),
                valid=year_range,
            )
        )
    if "reduction" in c.columns:
        reduction = c["reduction"].astype(bool)
    else:
        reduction = pd.Series(False, index=c.index)
        c = c.assign(reduction=reduction)
    bad = ((c["amount"] < 0) & ~reduction).to_numpy()
    for row, value in zip(rows[bad], c["amount"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"the amount £{value:,.2f} is negative but not marked as a reduction",
                location=inputs.where("contributions", row, "amount"),
                valid="an amount of £0 or more, or mark the row as a reduction",
            )
        )
    bad = ((c["amount"] > 0) & reduction).to_numpy()
    for row, value in zip(rows[bad], c["amount"].to_numpy()[bad], strict=True):
        errors.add(
            InputError(
                f"the amount £{value:,.2f} is marked as a reduction but is not negative",
                location=inputs.where("contributions", row, "amount"),
                valid="a negative amount for a reduction (e.g. -20000), or Reduction = No",
            )
        )
    # A reduction row is an adjustment beside the amount it reduces, so it is not a duplicate.
    keys = ["partner", "line", "year", "kind", "reduction"]
    duplicated = c.duplicated(keys, keep=False).to_numpy()
    if duplicated.any():
        dupes = c.loc[duplicated]
        first_rows = dupes.groupby(keys, sort=False)["_row" if "_row" in c else "amount"].transform(
            "first"
        )
        for (_, r), first in zip(dupes.iterrows(), first_rows, strict=True):
            row = r.get("_row")
            if row == first:
                continue
            errors.add(
                InputError(
                    f"a duplicate of row {first}: {r['partner']}, {r['line']}, "
                    f"{year_label(int(r['year']))}, {r['kind']}"
                    f"{' (reduction)' if r['reduction'] else ''} is entered twice",
                    location=inputs.where("contributions", row, "partner"),
                    valid="one row per partner, line, year and kind (add the amounts together)",
                )
            )

    for condition in inputs.conditions:
        if condition.partner not in known:
            errors.add(
                InputError(
                    f"{condition.partner!r} is not in the partner list",
                    location=inputs.where("conditions", condition.row, "partner"),
                    valid=partners,
                )
            )
        for attr in ("from_year", "to_year"):
            year = getattr(condition, attr)
            if year is not None and year not in years:
                errors.add(
                    InputError(
                        f"year {year_label(year)} is outside the arrangement",
                        location=inputs.where("conditions", condition.row, attr),
                        valid=year_range,
                    )
                )
    for outcome in inputs.outcomes:
        if outcome.partner not in known:
            errors.add(
                InputError(
                    f"{outcome.partner!r} is not in the partner list",
                    location=inputs.where("outcomes", outcome.row, "partner"),
                    valid=partners,
                )
            )
        for name in outcome.lines:
            if name not in lines:
                errors.add(
                    InputError(
                        f"{name!r} is not in the line list",
                        location=inputs.where("outcomes", outcome.row, "lines"),
                        valid=inputs.line_names,
                    )
                )
    for table, frame in (("standalone", inputs.standalone), ("actuals", inputs.actuals)):
        rows = rows_of(frame)
        partner = frame["partner"].fillna("").astype(str).str.strip()
        bad = ((partner != "") & ~partner.isin(known)).to_numpy()
        for row, value in zip(rows[bad], partner.to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the partner list",
                    location=inputs.where(table, row, "partner"),
                    valid=partners,
                )
            )
        bad = ~frame["line"].isin(lines).to_numpy()
        for row, value in zip(rows[bad], frame["line"].to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"{value!r} is not in the line list",
                    location=inputs.where(table, row, "line"),
                    valid=inputs.line_names,
                )
            )
        year = frame["year"]
        bad = (year.notna() & ~year.isin(years)).to_numpy()
        for row, value in zip(rows[bad], year.to_numpy()[bad], strict=True):
            errors.add(
                InputError(
                    f"year {year_label(int(value))} is outside the arrangement",
                    location=inputs.where(table, row, "year"),
                    valid=year_range,
                )
            )
    # CPC 509: on an aligned line each partner bears the variance on its own budget, so a
    # line's spend with no partner cannot be settled against anyone's.
    aligned = {
        line.name
        for line in inputs.lines
        if (line.kind or arrangement.kind) is ArrangementKind.ALIGNED
    }
    frame = inputs.actuals
    blank = (frame["partner"].fillna("").astype(str).str.strip() == "") & frame["line"].isin(
        aligned
    )
    for row, line in zip(
        rows_of(frame)[blank.to_numpy()],
        frame["line"].to_numpy()[blank.to_numpy()],
        strict=True,
    ):
        whose = (
            "the arrangement is aligned"
            if arrangement.kind is ArrangementKind.ALIGNED
            else f"the line {line!r} is aligned"
        )
        errors.add(
            InputError(
                f"{whose}, so this actual for {line!r} must say whose "
                "budget it is (each partner bears its own variance, CPC 509)",
                location=inputs.where("actuals", row, "partner"),
                valid=partners,
            )
        )
    check_in_year(inputs, errors)
    return errors


def check_terms(inputs: BudgetInputs, errors: InputErrors) -> None:
    """The overspend and underspend terms settle every variance to the penny: fixed shares
    that add up to 100%, a host to bear it, a lead for every pooled line."""
    a = inputs.arrangement
    partners = inputs.partner_names
    if all((line.kind or a.kind) is ArrangementKind.ALIGNED for line in inputs.lines):
        return  # an aligned budget shares nothing (CPC 509): its terms never apply
    own_under = any(p.fixed_underspend_share is not None for p in inputs.partners)
    terms = [("risk-share", "an overspend", a.basis, "fixed_share")]
    if a.under_basis is not a.basis or (own_under and a.basis is RiskBasis.FIXED):
        field = "fixed_underspend_share" if own_under else "fixed_share"
        terms.append(("underspend", "an underspend", a.under_basis, field))
    seen: set[tuple[RiskBasis, str]] = set()
    for which, variance, basis, field in terms:
        if (basis, field) in seen:
            continue
        seen.add((basis, field))
        if basis is RiskBasis.FIXED:
            shares = [getattr(p, field) for p in inputs.partners if getattr(p, field) is not None]
            total = sum(shares)
            if abs(total - 1) > FIXED_SHARE_TOLERANCE:
                what = "risk-share" if field == "fixed_share" else "underspend"
                errors.add(
                    InputError(
                        f"the fixed {what} percentages add up to {total:.2%}, not 100%"
                        + ("" if which == "risk-share" else f", so {variance} would not settle"),
                        location=inputs.where("partners", None, field),
                        valid="percentages for the partners that add up to 100%",
                    )
                )
        if basis is RiskBasis.HOST and a.host is None:
            errors.add(
                InputError(
                    f"the {'risk-share' if which == 'risk-share' else 'underspend'} basis is "
                    "'host bears it' but no host is named",
                    location=inputs.where("arrangement", None, "host"),
                    valid=partners,
                )
            )
        if basis is RiskBasis.LEAD:
            for line in inputs.lines:
                pooled = (line.kind or a.kind) is ArrangementKind.POOLED
                if line.lead is None and not line.excluded and pooled:
                    errors.add(
                        InputError(
                            f"line {line.name!r} has no commissioning partner to bear "
                            f"{'its variance' if which == 'risk-share' else variance}",
                            location=inputs.where("lines", line.row, "lead"),
                            valid=partners,
                        )
                    )


def _beyond(count: int) -> str:
    kind = "a quarterly year has 4 periods" if count == 4 else "a year has 12 months"
    return kind


def check_in_year(inputs: BudgetInputs, errors: InputErrors) -> None:
    """The in-year tables against the budget: every actual for a line and partner in the
    budget, in a period of the year; every forecast rule and profile usable; every payment
    a partner's, in a period of the year (CPC 509 C3: the monitoring data is sound)."""
    iy = inputs.in_year
    if not (iy.given or iy.rules or iy.profile_rows):
        return
    a = inputs.arrangement
    settings = iy.settings
    count = settings.periods.size
    partners, line_names = inputs.partner_names, inputs.line_names
    known, lines = set(partners), set(line_names)
    years = a.year_list
    year = settings.year or a.first_year
    periods = f"1 to {count} ({_beyond(count)})"
    if settings.year is not None and settings.year not in years:
        errors.add(
            f"year {year_label(settings.year)} is outside the arrangement",
            location=inputs.where("in_year", None, "year"),
            valid=f"{year_label(years[0])} to {year_label(years[-1])} (the arrangement's years)",
        )
        return
    if settings.period is not None and settings.period > count:
        errors.add(
            f"period {settings.period} is beyond the year: {_beyond(count)}",
            location=inputs.where("in_year", None, "period"),
            valid=periods,
        )
    if len(known) != len(partners) or len(lines) != len(line_names):
        return  # a partner or line listed twice is reported already; nothing to check against
    c = inputs.contributions
    sound = c[c["partner"].isin(known) & c["line"].isin(lines) & c["year"].isin(years)]
    budget = joint_budget(
        project(sound, inputs.conditions, partners, years), partners, line_names, years
    )
    detail = budget.detail[budget.detail["year"] == year]
    has_cash = {
        (str(r.line), str(r.partner)) for r in detail.itertuples(index=False) if r.cash != 0
    }
    has_kind = {
        (str(r.line), str(r.partner)) for r in detail.itertuples(index=False) if r.in_kind != 0
    }
    aligned = {
        line.name for line in inputs.lines if (line.kind or a.kind) is ArrangementKind.ALIGNED
    }
    actuals = iy.actuals
    rows = rows_of(actuals)
    whole_lines: dict[str, int] = {}
    named_lines: dict[str, int] = {}
    for i, r in enumerate(actuals.itertuples(index=False)):
        row = rows[i]
        line, partner, cash = r.line, r.partner, r.kind == FINANCIAL
        if line not in lines:
            errors.add(
                f"{line!r} is not a line of the budget",
                location=inputs.where("period_actuals", row, "line"),
                valid=line_names,
            )
        if partner and partner not in known:
            errors.add(
                f"{partner!r} is not a partner of the budget",
                location=inputs.where("period_actuals", row, "partner"),
                valid=partners,
            )
        for p in range(count + 1, 13):
            if not np.isnan(getattr(r, f"p{p}")):
                errors.add(
                    f"period {p} is beyond the year: {_beyond(count)}",
                    location=inputs.where("period_actuals", row, f"p{p}"),
                    valid=f"actuals in P1 to P{count}, the periods after left blank",
                )
        if line not in lines or (partner and partner not in known):
            continue
        if not partner and (not cash or line in aligned):
            why = (
                "in kind is the partner's own"
                if not cash
                else f"the line {line!r} is aligned: each partner bears its own variance (CPC 509)"
            )
            errors.add(
                f"this actual must say whose it is: {why}",
                location=inputs.where("period_actuals", row, "partner"),
                valid=partners,
            )
            continue
        if partner and (line, partner) not in (has_cash if cash else has_kind):
            errors.add(
                f"{partner!r} has no {'cash' if cash else 'contribution in kind'} in "
                f"{line!r} in {year_label(year)}, so this actual is not in the budget",
                location=inputs.where("period_actuals", row, "partner"),
                valid="a partner that contributes to the line that year, or blank for a pooled "
                "line's whole spend",
            )
        if cash and line not in aligned:
            (named_lines if partner else whole_lines).setdefault(line, row)
    for line in set(whole_lines) & set(named_lines):
        errors.add(
            f"line {line!r} has actuals for the whole line (row {whole_lines[line]}) and for "
            "partners",
            location=inputs.where("period_actuals", named_lines[line], "partner"),
            valid="one or the other: the whole line's spend with Partner blank, or each "
            "partner's part",
        )
    _check_rules(inputs, errors, count, aligned | set(named_lines))
    _check_profiles(inputs, errors, count)
    for payment in iy.payments:
        if payment.partner not in known:
            errors.add(
                f"{payment.partner!r} is not a partner of the budget",
                location=inputs.where("payments", payment.row, "partner"),
                valid=partners,
            )
        if payment.period > count:
            errors.add(
                f"period {payment.period} is beyond the year: {_beyond(count)}",
                location=inputs.where("payments", payment.row, "period"),
                valid=periods,
            )


def _check_rules(
    inputs: BudgetInputs, errors: InputErrors, count: int, by_partner: set[str]
) -> None:
    """Each forecast rule: its line and partner in the budget, once; an override with its
    reason; a profile that exists, for the profile method."""
    iy = inputs.in_year
    known, lines = set(inputs.partner_names), set(inputs.line_names)
    profiles = {name for name, _ in iy.profile_rows}
    seen: dict[tuple[str, str], int | None] = {}
    for rule in iy.rules:

        def where(field: str, row: int | None = rule.row) -> Location:
            return inputs.where("forecasts", row, field)

        if rule.line not in lines:
            errors.add(
                f"{rule.line!r} is not a line of the budget",
                location=where("line"),
                valid=inputs.line_names,
            )
            continue
        if rule.partner is not None and rule.partner not in known:
            errors.add(
                f"{rule.partner!r} is not a partner of the budget",
                location=where("partner"),
                valid=inputs.partner_names,
            )
            continue
        key = (rule.line, rule.partner or "")
        if key in seen:
            errors.add(
                f"the forecast for {rule.line!r}"
                + (f" and {rule.partner!r}" if rule.partner else "")
                + f" is given twice (first at row {seen[key]})",
                location=where("line"),
                valid="one row per line (or per line and partner)",
            )
        seen[key] = rule.row
        if rule.override is not None and not rule.reason:
            errors.add(
                "an override needs its reason",
                location=where("reason"),
                valid="why the forecast differs from what the method gives",
            )
        if rule.from_period is not None and rule.override is None:
            errors.add(
                "a period to start an override from, but no override",
                location=where("from_period"),
                valid="an override in £, or leave the period blank",
            )
        if rule.from_period is not None and rule.from_period > count:
            errors.add(
                f"period {rule.from_period} is beyond the year: {_beyond(count)}",
                location=where("from_period"),
                valid=f"1 to {count}",
            )
        if rule.profile is not None and rule.profile not in profiles:
            errors.add(
                f"the profile {rule.profile!r} is not in the Profiles table",
                location=where("profile"),
                valid=sorted(profiles) or "a profile named in the Profiles table",
            )
        if rule.profile is not None and rule.method is ForecastMethod.RUN_RATE:
            errors.add(
                "a profile is for the Profile method; this line is forecast at its run rate",
                location=where("profile"),
                valid="the Profile method, or no profile",
            )
        if rule.partner is None and rule.override is not None and rule.line in by_partner:
            errors.add(
                f"{rule.line!r} is monitored partner by partner, so one override for the whole "
                "line cannot be split",
                location=where("partner"),
                valid="each partner's override on a row of its own",
            )
        if rule.partner is not None and rule.line not in by_partner:
            errors.add(
                f"the actuals for {rule.line!r} are the whole line's, so its forecast is too",
                location=where("partner"),
                valid="Partner left blank",
            )


def _check_profiles(inputs: BudgetInputs, errors: InputErrors, count: int) -> None:
    """Every profile has one weight a period, none beyond the year, adding up to more than
    zero; each name once."""
    iy = inputs.in_year
    seen: dict[str, int] = {}
    for name, row in iy.profile_rows:
        if name in seen:
            errors.add(
                f"the profile {name!r} is given twice (first at row {seen[name]})",
                location=inputs.where("profiles", row, "profile"),
                valid="each profile once",
            )
            continue
        seen[name] = row
        weights = iy.profiles[name][0]
        extra = [p + 1 for p in range(count, 12) if not np.isnan(weights[p])]
        if extra:
            errors.add(
                f"the profile {name!r} has a weight in period {extra[0]}, beyond the year: "
                f"{_beyond(count)}",
                location=inputs.where("profiles", row, f"p{extra[0]}"),
                valid=f"{count} weights, in P1 to P{count}",
            )
            continue
        try:
            check_profile(weights[:count], count)
        except InputError as exc:
            errors.add(
                f"the profile {name!r}: {exc.message}",
                location=inputs.where("profiles", row, "profile"),
                valid=exc.valid,
            )
