"""Reading a round from its tables' cells, every problem located where it is."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import (
    Choice,
    choice_key,
)
from cpcxl.common.inputs import (
    Cells,
    SettingsRead,
    TableRead,
    column_letter,
    read_settings,
    read_table,
)
from cpcxl.common.models import build_model
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from .. import engine
from ..models import (
    HOW_TO_RESUBMIT,
    CriteriaSet,
    Criterion,
    DecisionRules,
    Evaluation,
    Panel,
    Prices,
    Proposal,
    Round,
    Schedule,
)
from .amendments import read_amendments
from .fields import JUDGEMENT, MAX_PROPOSALS, SCALE
from .panel import read_panel
from .prices import PriceWhere, check_prices, read_deflators
from .tables import (
    ASSESSMENT,
    BUDGET_TABLE,
    CRITERIA,
    LINES,
    OBJECTIVES,
    PAIRWISE_SHEET,
    PROPOSALS,
    SETTINGS,
)


def read_round(
    tables: Mapping[str, Cells], *, pairwise: Cells | None = None, file: str | None = None
) -> Round:
    """A round from its tables' cells (and the Pairwise sheet's, where weights come from
    pairwise comparisons); every problem found is reported at once, each where it is."""
    errors = InputErrors()
    settings = _read_settings(tables, file, errors)
    values = settings[3] if settings is not None else None
    criteria = _read_criteria(tables, pairwise, file, errors)
    proposals, known, price_cells = _read_proposals(tables, file, errors)
    panel, comments = read_panel(tables, criteria, known, values, file, errors)
    scores, assessment_comments = _read_scores(
        tables, criteria, proposals, known, panel, file, errors
    )
    budgets = _read_budget(tables, file, errors)
    deflators, deflators_at = read_deflators(tables, file, errors)
    amendments = read_amendments(tables, known, file, errors)
    if settings is not None:
        rules, _, places, _ = settings
        if rules.evaluation == Evaluation.COMPARATIVE and not budgets and rules.places is None:
            errors.add(
                "comparative evaluation needs a budget or a number of places to fill",
                location=places,
                valid="yearly budgets on the Budget sheet, or the number of proposals to accept",
            )
    first_year = values["first_year"] if values is not None else None
    price_year = values["price_year"] if values is not None else None
    if values is not None:
        where = Location(file=file, sheet=SETTINGS.sheet)
        check_prices(
            proposals,
            first_year,
            price_year if price_year is not None else first_year,
            deflators,
            deflators_at,
            PriceWhere(
                values.where.get("first_year", where),
                values.where.get("price_year", values.where.get("first_year", where)),
                price_cells,
            ),
            errors,
        )
    errors.raise_if_any()
    assert settings is not None and criteria is not None and values is not None
    rules, schedule, _, _ = settings
    return Round(
        proposals,
        criteria,
        scores,
        rules,
        schedule,
        budgets,
        errors.notes,
        panel=panel,
        comments={**assessment_comments, **comments},
        first_year=first_year,
        price_year=price_year,
        deflators=deflators,
        tornado_change=float(values["tornado_change"]),
        amendments=amendments,
        resubmit_by=values["resubmit_by"],
        how_to_resubmit=str(values["how_to_resubmit"] or HOW_TO_RESUBMIT),
    )


def _value(value: Any) -> Any:
    """A blank optional number (NaN) as None."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _read_settings(
    tables: Mapping[str, Cells], file: str | None, errors: InputErrors
) -> tuple[DecisionRules, Schedule, Location, SettingsRead] | None:
    settings = read_settings(SETTINGS, tables.get(SETTINGS.name), errors, file=file)
    found = read_table(OBJECTIVES, tables.get(OBJECTIVES.name), errors, file=file, optional=True)
    objectives = tuple(str(r["objective"]) for r in found.records()) if found else ()
    if settings is None:
        return None
    where = Location(file=file, sheet=SETTINGS.sheet)
    places = settings["places"]
    rules = errors.attempt(
        build_model,
        DecisionRules,
        where=where,
        evaluation=settings["evaluation"],
        accept_score=settings["accept_score"],
        reject_score=settings["reject_score"],
        accept_bcr=settings["accept_bcr"],
        reject_bcr=settings["reject_bcr"],
        places=None if places is None else int(places),
        objectives=objectives,
    )
    if rules is None:
        return None
    return rules, settings["schedule"], settings.where.get("places", where), settings


def _read_criteria(
    tables: Mapping[str, Cells], pairwise: Cells | None, file: str | None, errors: InputErrors
) -> CriteriaSet | None:
    before = len(errors)
    table = read_table(CRITERIA, tables.get(CRITERIA.name), errors, file=file)
    if table is None:
        return None
    found: list[Criterion] = []
    weights: list[float | None] = []
    for record in table.records():
        descriptors = {
            s: record[f"score_{s}"] for s in range(SCALE[0], SCALE[1] + 1) if record[f"score_{s}"]
        }
        item = errors.attempt(
            build_model,
            Criterion,
            where=table.base.with_(row=int(record[ROW])),
            name=record["criterion"],
            weight=0.0,
            measures=record["what_it_measures"],
            descriptors=descriptors,
            must_pass=bool(record["must_pass"]),
            pass_mark=_value(record["pass_mark"]),
        )
        if item is not None:
            found.append(item)
            weights.append(_value(record["weight"]))
    if len(errors) > before:
        return None
    if not found:
        errors.add(
            "there are no criteria",
            location=table.base,
            valid="at least one criterion, with a weight or pairwise comparisons",
        )
        return None
    if all(w is None for w in weights):
        judges = errors.attempt(read_pairwise, pairwise, [c.name for c in found], file=file)
        if judges is None:
            return None
        at = Location(file=file, sheet=PAIRWISE_SHEET)
        if len(judges) == 1:
            return errors.attempt(
                engine.criteria_from_ahp,
                found,
                judges[0][1],
                where=at,
                scale_min=SCALE[0],
                scale_max=SCALE[1],
            )
        return errors.attempt(
            engine.criteria_from_group_ahp,
            found,
            [m for _, m in judges],
            [name for name, _ in judges],
            where=at,
            scale_min=SCALE[0],
            scale_max=SCALE[1],
        )
    where = table.base.with_(field=CRITERIA.header_of("weight"))
    missing = [c.name for c, w in zip(found, weights, strict=True) if w is None]
    if missing:
        errors.add(
            f"no weight for {', '.join(missing)}",
            location=where,
            valid="a weight for every criterion, or none (to use the Pairwise sheet)",
        )
        return None
    weighted = tuple(
        c.model_copy(update={"weight": w}) for c, w in zip(found, weights, strict=True)
    )
    return errors.attempt(
        build_model,
        CriteriaSet,
        where=where,
        criteria=weighted,
        scale_min=SCALE[0],
        scale_max=SCALE[1],
    )


#: The label of the template's one pairwise matrix (its top-left cell): a matrix headed by
#: anything else is one member's, named by that cell.
UNNAMED_JUDGE = "criterion"


def read_pairwise(
    cells: Cells | None, names: Sequence[str], *, file: str | None = None
) -> list[tuple[str, list[list[float]]]]:
    """Each member's judgements of each criterion against each other, matched by name (so a
    matrix may be laid out in any order): a matrix starts at a row naming every criterion,
    whose first cell names the member ("Criterion" for the template's one, unnamed matrix);
    several stand one under another."""
    where = Location(file=file, sheet=PAIRWISE_SHEET)
    rows = cells.rows if cells is not None else []
    if not any(any(not is_blank(v) for v in r) for r in rows):
        raise InputError(
            "every weight is blank and there is no Pairwise sheet",
            location=where,
            valid="weights on the Criteria sheet, or pairwise comparisons",
        )
    assert cells is not None
    wanted = [choice_key(n) for n in names]
    headers = [i for i, r in enumerate(rows) if set(wanted) <= {choice_key(v) for v in r[1:]}]
    if not headers:
        raise InputError(
            "the Pairwise sheet has no header row naming every criterion",
            location=where,
            valid=f"a row naming {', '.join(names)} across the top, and the same down column A",
        )
    found: list[tuple[str, list[list[float]]]] = []
    seen: dict[str, int] = {}
    for number, header in enumerate(headers):
        end = headers[number + 1] if number + 1 < len(headers) else len(rows)
        label = "" if not rows[header] or is_blank(rows[header][0]) else str(rows[header][0])
        member = "" if choice_key(label) == UNNAMED_JUDGE else label.strip()
        cell = f"A{cells.first_row + header}"
        if choice_key(member) in seen:
            raise InputError(
                f"the judgements of {member or 'the unnamed matrix'!r} are given twice (also "
                f"from row {seen[choice_key(member)]})",
                location=where.with_(cell=cell),
                valid="one matrix for each member, headed by the member's name",
            )
        seen[choice_key(member)] = cells.first_row + header
        found.append((member, _matrix(rows, header, end, cells, names, wanted, where)))
    if len(found) > 1 and any(not m for m, _ in found):
        raise InputError(
            "the Pairwise sheet has several matrices and one is headed 'Criterion' rather than "
            "a member's name",
            location=where,
            valid="each matrix headed (in its top-left cell) by the member whose judgements "
            "it holds",
        )
    return found


def _matrix(
    rows: Sequence[Sequence[Any]],
    header: int,
    end: int,
    cells: Cells,
    names: Sequence[str],
    wanted: Sequence[str],
    where: Location,
) -> list[list[float]]:
    """One matrix: the rows from ``header`` to ``end`` labelled with each criterion."""
    columns = {choice_key(v): c for c, v in enumerate(rows[header]) if c > 0}
    labels = {choice_key(r[0]): i for i, r in enumerate(rows[header + 1 : end], header + 1) if r}
    matrix = []
    for name, key in zip(names, wanted, strict=True):
        if key not in labels:
            raise InputError(
                f"criterion {name!r} has no row on the Pairwise sheet",
                location=where.with_(cell=f"A{cells.first_row + header}"),
                valid="one row per criterion, labelled in column A",
            )
        r = labels[key]
        judged = []
        for other, other_key in zip(names, wanted, strict=True):
            c = columns[other_key]
            value = rows[r][c] if c < len(rows[r]) else None
            cell = f"{column_letter(cells.first_column + c)}{cells.first_row + r}"
            pair = f"{name!r} against {other!r}"
            if is_blank(value):
                raise InputError(
                    f"{pair} is blank",
                    location=where.with_(cell=cell),
                    valid="a judgement from 1/9 to 9 in every cell",
                )
            try:
                judged.append(JUDGEMENT.parse(value))
            except InputError as exc:
                raise InputError(
                    f"{pair}: {exc.message}", location=where.with_(cell=cell), valid=exc.valid
                ) from None
        matrix.append(judged)
    return matrix


def _objectives(text: str) -> tuple[str, ...]:
    """Objectives separated by semicolons or new lines (an objective's name may hold a comma)."""
    return tuple(o.strip() for o in text.replace("\n", ";").split(";") if o.strip())


def _read_proposals(
    tables: Mapping[str, Cells], file: str | None, errors: InputErrors
) -> tuple[list[Proposal], set[str] | None, dict[str, Location]]:
    """The proposals, every ID on the Proposals sheet (None if it could not be read), and
    where each proposal's price base year is."""
    before = len(errors)
    table = read_table(PROPOSALS, tables.get(PROPOSALS.name), errors, file=file)
    yearly = [
        (read_table(spec, tables.get(spec.name), errors, file=file), names) for spec, names in LINES
    ]
    price_cells: dict[str, Location] = {}
    if table is None:
        return [], None, price_cells
    if len(table.frame) > MAX_PROPOSALS:  # before any proposal is read (issue 12 case 3)
        errors.add(
            f"the Proposals table has {len(table.frame):,} rows, more than the "
            f"{MAX_PROPOSALS:,} proposals a round may have",
            location=table.base,
            valid=f"at most {MAX_PROPOSALS:,} proposals: split the round",
        )
        return [], None, price_cells
    known = {str(i) for i in table.frame["proposal_id"] if i}
    lines: dict[str, dict[str, dict[int, float]]] = {}
    bases: dict[str, list[tuple[Prices, Location]]] = {}
    for read, names in yearly:
        if read is None:
            return [], known, price_cells  # nothing is worked out from an unread table
        _read_lines(read, names, known, lines, bases, errors)
    found: list[Proposal] = []
    first_row: dict[str, int] = {}
    for record in table.records():
        row, pid = int(record[ROW]), str(record["proposal_id"])
        if pid in first_row:
            errors.add(
                f"proposal ID {pid} is also used on row {first_row[pid]}",
                location=table.where(row, "proposal_id"),
                valid="a different ID for each proposal",
            )
            continue
        first_row[pid] = row
        price_cells[pid] = table.where(row, "price_year")
        prices = _price_basis(pid, record["prices"], table.where(row, "prices"), bases, errors)
        if prices is None:
            continue
        pline = lines.get(pid, {})
        years = [y for line in pline.values() for y in line]
        last = max(years) if years else -1
        missing: set[int] = set()
        for _, sheet_fields in LINES:
            listed = sorted(set().union(*(pline.get(f, {}).keys() for f in sheet_fields)))
            if listed:
                missing |= set(range(listed[0], listed[-1] + 1)) - set(listed)
        item = errors.attempt(
            build_model,
            Proposal,
            where=table.base.with_(row=row),
            id=pid,
            title=record["title"],
            sponsor=record["sponsor"],
            term=record["term"],
            objectives=_objectives(record["objectives"]),
            project_type=record["project_type"],
            mitigation=record["mitigation"],
            evidence=record["evidence"],
            risks=record["risks"],
            capital=_series(pline, "capital", last),
            revenue=_series(pline, "revenue", last),
            cash_releasing=_series(pline, "cash_releasing", last),
            social_value=_series(pline, "wider_social_value", last),
            health_benefits=_series(pline, "health_benefits", last),
            stated_total_cost=_value(record["stated_total_cost"]),
            stated_total_benefit=_value(record["stated_total_benefit"]),
            missing_years=tuple(sorted(missing)),
            prices=prices,
            price_year=_value(record["price_year"]),
            contingency=record["contingency"],
        )
        if item is not None:
            found.append(item)
    if not found and len(errors) == before:
        errors.add("there are no proposals", location=table.base, valid="one row per proposal")
    return found, known, price_cells


def _price_basis(
    pid: str,
    given: Any,
    at: Location,
    bases: Mapping[str, Sequence[tuple[Prices, Location]]],
    errors: InputErrors,
) -> Prices | None:
    """A proposal's price basis: the Proposals sheet's, else its yearly rows' (Real where
    none says); None, with the error recorded, where nominal and real are mixed in it."""
    rows = bases.get(pid, ())
    basis = given if isinstance(given, Prices) else (rows[0][0] if rows else Prices.REAL)
    mixed = [where for b, where in rows if b != basis]
    if not mixed:
        return basis
    source = "the Proposals sheet" if isinstance(given, Prices) else f"{rows[0][1]}"
    errors.add(
        f"nominal and real prices are mixed in proposal {pid}: this row says "
        f"{(Prices.NOMINAL if basis == Prices.REAL else Prices.REAL).value}, but its prices "
        f"are {basis.value} ({source})",
        location=mixed[0],
        valid=f"one price basis for every cost and benefit of {pid}: all Real (in one base "
        "year's prices) or all Nominal (cash)",
    )
    return None


def _read_lines(
    table: TableRead,
    names: Sequence[str],
    known: set[str],
    lines: dict[str, dict[str, dict[int, float]]],
    bases: dict[str, list[tuple[Prices, Location]]],
    errors: InputErrors,
) -> None:
    """One proposal's yearly amounts per line, from the Costs or the Benefits table, and the
    price basis each row states (where it states one)."""
    for record in table.records():
        row, pid = int(record[ROW]), str(record["proposal_id"])
        if pid not in known:
            errors.add(
                f"proposal ID {pid!r} is not on the Proposals sheet",
                location=table.where(row, "proposal_id"),
                valid="an ID from the Proposals sheet",
            )
            continue
        if isinstance(record["prices"], Prices):
            bases.setdefault(pid, []).append((record["prices"], table.where(row, "prices")))
        year = int(record["year"])
        for name in names:
            line = lines.setdefault(pid, {}).setdefault(name, {})
            if year in line:
                errors.add(
                    f"year {year} is given twice for {pid}",
                    location=table.where(row, "year"),
                    valid="one row per proposal per year",
                )
                break
            line[year] = float(record[name])


def _series(lines: Mapping[str, Mapping[int, float]], name: str, last: int) -> tuple[float, ...]:
    """One cost or benefit line for years 0..last; a year with no row is 0."""
    line = lines.get(name, {})
    return tuple(line.get(y, 0.0) for y in range(last + 1))


def _read_scores(
    tables: Mapping[str, Cells],
    criteria: CriteriaSet | None,
    proposals: Sequence[Proposal],
    known: set[str] | None,
    panel: Panel | None,
    file: str | None,
    errors: InputErrors,
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], str]]:
    """{(proposal ID, criterion): score} from the Assessment, and its comments; a score for
    an unknown proposal or criterion, one given twice, one the panel scores too, and a pair
    no one scores are each reported."""
    table = read_table(
        ASSESSMENT, tables.get(ASSESSMENT.name), errors, file=file, optional=panel is not None
    )
    by_panel = {(s.proposal_id, s.criterion) for s in panel.scores} if panel is not None else set()
    scores: dict[tuple[str, str], float] = {}
    comments: dict[tuple[str, str], str] = {}
    before = len(errors)
    if table is None and panel is None:
        return {}, {}
    if table is not None:
        named = Choice.of(criteria.names, "a criterion on the Criteria sheet") if criteria else None
        rows: dict[tuple[str, str], int] = {}
        for record in table.records():
            row, pid = int(record[ROW]), str(record["proposal_id"])
            name = str(record["criterion"])
            if known is not None and pid not in known:
                errors.add(
                    f"proposal ID {pid!r} is not on the Proposals sheet",
                    location=table.where(row, "proposal_id"),
                    valid="an ID from the Proposals sheet",
                )
                continue
            if named is not None:
                matched = errors.attempt(named.parse, name, where=table.where(row, "criterion"))
                if matched is None:
                    continue
                name = str(matched)
            key = (pid, name)
            if key in scores:
                errors.add(
                    f"{pid} is scored twice on {name!r} (also on row {rows[key]})",
                    location=table.where(row, "score"),
                    valid="one score for each proposal on each criterion",
                )
                continue
            if key in by_panel:
                errors.add(
                    f"{pid} is scored on {name!r} here and by the panel",
                    location=table.where(row, "score"),
                    valid="one source of each score: the panel's (moderated on the "
                    "Moderation sheet) or this single score",
                )
                continue
            scores[key], rows[key] = float(record["score"]), row
            if record["panel_comment"]:
                comments[key] = str(record["panel_comment"])
    clean = len(errors) == before and (table is None or not table.bad.any())
    if criteria is not None and clean:
        where = table.base if table is not None else Location(file=file, sheet=ASSESSMENT.sheet)
        conflicted = (
            {(c.member, c.proposal_id) for c in panel.conflicts} if panel is not None else set()
        )
        for p in proposals:
            absent = [
                c.name
                for c in criteria.criteria
                if (p.id, c.name) not in scores and (p.id, c.name) not in by_panel
            ]
            if absent:
                excluded = sorted(m for m, pid in conflicted if pid == p.id)
                why = f" (declared conflicts leave out {', '.join(excluded)})" if excluded else ""
                errors.add(
                    f"proposal {p.id} has no score for {', '.join(repr(a) for a in absent)}" + why,
                    location=where,
                    valid="a row for each proposal on each criterion, on the Assessment "
                    "sheet or the Panel sheet",
                )
    return scores, comments


def _read_budget(
    tables: Mapping[str, Cells], file: str | None, errors: InputErrors
) -> list[float] | None:
    """Each year's budget from year 0 (a year with no row has none); None with no budget."""
    table = read_table(
        BUDGET_TABLE, tables.get(BUDGET_TABLE.name), errors, file=file, optional=True
    )
    if table is None:
        return None
    by_year: dict[int, float] = {}
    for record in table.records():
        row, year = int(record[ROW]), int(record["year"])
        if year in by_year:
            errors.add(
                f"year {year} is given twice",
                location=table.where(row, "year"),
                valid="one budget for each year",
            )
            continue
        by_year[year] = float(record["budget"])
    if not by_year:
        return None
    return [by_year.get(y, 0.0) for y in range(max(by_year) + 1)]
