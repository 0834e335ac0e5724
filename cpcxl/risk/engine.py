"""Risk scoring, register checks, summaries and quantified exposure. Pure: no Excel, no files.

Score = likelihood × impact on a :class:`RiskMatrix` (by default the NPSA 5×5). Values are read
column by column: each distinct cell value is read once and the answer spread back with numpy,
so a 100,000-row column costs a handful of lookups, while every bad cell keeps its own message.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from cpcxl.common.errors import InputError, Location
from cpcxl.common.tables import ROW, Column, frame_from_values, normalise_header
from cpcxl.common.values import describe, is_blank, is_excel_error, to_date, to_number, to_text

from .models import (
    CATEGORY_ALIASES,
    FIELDS_BY_NAME,
    REGISTER_FIELDS,
    Flag,
    RiskAppetite,
    RiskCategory,
    RiskMatrix,
    RiskStatus,
)
from .schemes import NHS_5X5, appetite_from_tables

Axis = Literal["likelihood", "impact"]

# --- reading many cells at once ---------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """Cells read with one reader: values, which were blank, and each bad cell's message."""

    values: np.ndarray  # object; meaningful where ``ok``
    blank: np.ndarray  # bool
    errors: np.ndarray  # object: the message, or None

    @property
    def ok(self) -> np.ndarray:
        return ~self.blank & np.equal(self.errors, None)


def parse_cells(cells: Any, read: Callable[[Any], Any]) -> Parsed:
    """Read every cell with ``read``, calling it once per distinct value."""
    flat = np.asarray(cells, dtype=object).reshape(-1)
    # pandas treats True as 1 when it groups values, but TRUE is no likelihood: keep bools apart.
    keys = flat
    is_bool = np.zeros(flat.size, dtype=bool)
    if bool in set(map(type, flat)):  # a quick look first: TRUE/FALSE cells are rare
        is_bool = np.fromiter((type(v) is bool for v in flat), dtype=bool, count=flat.size)
        keys = flat.copy()
        keys[is_bool] = None
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    # slot len(uniques) stands for "blank" (pandas' missing values and the bools, read below)
    values = np.empty(len(uniques) + 1, dtype=object)
    errors = np.full(len(uniques) + 1, None, dtype=object)
    blank = np.zeros(len(uniques) + 1, dtype=bool)
    blank[-1] = True
    for i, value in enumerate(uniques):
        values[i], errors[i], blank[i] = _read_one(read, value)
    codes = np.where(codes < 0, len(uniques), codes)
    out_values, out_errors, out_blank = values[codes], errors[codes], blank[codes]
    for i in np.flatnonzero(is_bool):
        out_values[i], out_errors[i], out_blank[i] = _read_one(read, flat[i])
    return Parsed(out_values, out_blank, out_errors)


def _read_one(read: Callable[[Any], Any], value: Any) -> tuple[Any, str | None, bool]:
    if is_blank(value):
        return None, None, True
    try:
        return read(value), None, False
    except InputError as exc:
        return None, str(exc), False


# --- likelihood and impact --------------------------------------------------------------------

_NUMBER_AND_LABEL = re.compile(r"^\s*(\d+)\s*[-–:.)=]?\s*(.*?)\s*$")
_LABEL_AND_NUMBER = re.compile(r"^\s*(.*?)\s*[(\[](\d+)[)\]]\s*$")


def level_reader(matrix: RiskMatrix, axis: Axis) -> Callable[[Any], int]:
    """A reader of one ``axis`` value: its score or its label (also '3 - Possible')."""
    levels = matrix.likelihood if axis == "likelihood" else matrix.impact
    top = len(levels)
    by_name: dict[str, int] = {}
    for level in levels:
        for name in (level.label, *level.aliases):
            by_name[normalise_header(name)] = level.score
    labels = [level.label for level in levels]
    valid = f"1 to {top}, or {', '.join(labels)}"
    what = f"a{'n' if axis[0] in 'aeiou' else ''} {axis}"

    def bad(value: Any, why: str = "") -> InputError:
        return InputError(f"{describe(value)} is not {what}{why}", valid=valid)

    def by_score(number: float, value: Any) -> int:
        if not number.is_integer():
            raise bad(value, f" (scores are whole numbers from 1 to {top})")
        if not 1 <= number <= top:
            raise bad(value, f" (scores run from 1 to {top})")
        return int(number)

    def read(value: Any) -> int:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=valid)
        if isinstance(value, bool):
            raise bad(value)
        if isinstance(value, int | float | np.integer | np.floating):
            return by_score(float(value), value)
        if not isinstance(value, str):
            raise bad(value)
        key = normalise_header(value)
        if key in by_name:
            return by_name[key]
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
            return by_score(float(value), value)
        match = _NUMBER_AND_LABEL.match(value) or _LABEL_AND_NUMBER.match(value)
        if match:
            groups = match.groups()
            number, label = (groups[0], groups[1]) if groups[0].isdigit() else groups[::-1]
            score = by_score(float(number), value)
            named = by_name.get(normalise_header(label)) if label else score
            if named == score:
                return score
            if named is not None:
                raise bad(
                    value,
                    f" (the number says {score}, the label {levels[named - 1].label} is {named})",
                )
        close = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.6)
        hint = ""
        if close:
            hint = f" (did you mean {levels[by_name[close[0]] - 1].label!r}?)"
        raise bad(value, hint)

    return read


@dataclass(frozen=True)
class Scores:
    """Scores for cells of likelihood and impact: 0 where blank or bad."""

    scores: np.ndarray  # int64
    likelihood: np.ndarray  # int64
    impact: np.ndarray  # int64
    blank: np.ndarray  # bool: both inputs blank
    errors: np.ndarray  # object: message or None

    @property
    def ok(self) -> np.ndarray:
        return ~self.blank & np.equal(self.errors, None)


def score_cells(likelihood: Any, impact: Any, matrix: RiskMatrix = NHS_5X5) -> Scores:
    """Score = likelihood × impact, cell by cell over two equal-shaped arrays of cells."""
    lik = parse_cells(likelihood, level_reader(matrix, "likelihood"))
    imp = parse_cells(impact, level_reader(matrix, "impact"))
    errors = lik.errors.copy()
    errors = np.where(np.equal(errors, None), imp.errors, errors)
    only_lik = ~lik.blank & imp.blank & np.equal(errors, None)
    only_imp = lik.blank & ~imp.blank & np.equal(errors, None)
    errors[only_lik] = "the impact is blank; give both likelihood and impact"
    errors[only_imp] = "the likelihood is blank; give both likelihood and impact"
    blank = lik.blank & imp.blank
    ok = ~blank & np.equal(errors, None)
    lik_scores = np.where(ok, lik.values, 0).astype(np.int64)
    imp_scores = np.where(ok, imp.values, 0).astype(np.int64)
    return Scores(lik_scores * imp_scores, lik_scores, imp_scores, blank, errors)


def band_names(matrix: RiskMatrix) -> np.ndarray:
    """Band name by score (index 0 and scores the matrix cannot produce hold None)."""
    top = len(matrix.likelihood) * len(matrix.impact)
    names = np.full(top + 1, None, dtype=object)
    for band in matrix.bands:
        names[band.low : min(band.high, top) + 1] = band.name
    return names


def heat_map(likelihood: np.ndarray, impact: np.ndarray, matrix: RiskMatrix) -> np.ndarray:
    """Counts of risks by likelihood (rows, highest first) and impact (columns, lowest first)."""
    rows, columns = len(matrix.likelihood), len(matrix.impact)
    keep = (likelihood >= 1) & (impact >= 1)
    cells = (rows - likelihood[keep]) * columns + (impact[keep] - 1)
    return np.bincount(cells.astype(np.int64), minlength=rows * columns).reshape(rows, columns)


# --- the register -----------------------------------------------------------------------------


def register_columns() -> list[Column]:
    """Header rules for a register: the packaged workbook's headers and common variants."""
    return [Column(f.name, (f.header, *f.synonyms), f.required) for f in REGISTER_FIELDS]


def register_frame(
    rows: Sequence[Sequence[Any]], *, first_row: int = 1, location: Location | None = None
) -> pd.DataFrame:
    """A register's cells (titles and header rows first) as a frame of fields with ``_row``.

    A missing required column is an error that lists the headers found.
    """
    return frame_from_values(rows, register_columns(), first_row=first_row, location=location)


@dataclass
class Register:
    """A register as read: one row per risk (nothing dropped) and every problem found."""

    risks: pd.DataFrame
    problems: list[InputError] = field(default_factory=list)


def _text(value: Any) -> str:
    if is_excel_error(value):
        raise InputError(f"the cell holds the error {value.strip()}", valid="text")
    return to_text(value)


def money_cell(value: Any) -> float:
    return to_number(value, what="an amount in pounds")


def probability_cell(value: Any) -> float:
    number = to_number(value, what="a probability")
    if number > 1 and number <= 100 and not (isinstance(value, str) and "%" in value):
        raise InputError(f"{describe(value)} is above 1", valid="a probability such as 30% or 0.3")
    if not 0 <= number <= 1:
        raise InputError(f"{describe(value)} is not a probability", valid="0% to 100%")
    return number


def _score(value: Any) -> int:
    number = to_number(value, what="a score")
    if not number.is_integer() or number < 0:
        raise InputError(f"{describe(value)} is not a score", valid="a whole number")
    return int(number)


def _status(value: Any) -> str:
    key = normalise_header(value)
    for status in RiskStatus:
        if key == status.value.lower():
            return status.value
    raise InputError(f"{describe(value)} is not a status", valid=list(RiskStatus))


def category_reader(known: Iterable[str] | None) -> Callable[[Any], str]:
    """A reader of categories: ``known`` ones (the Appetite sheet's) and common words for the
    standard ones; with ``known`` None, other text is kept as the organisation's own."""
    names = {c.lower(): c for c in ([c.value for c in RiskCategory] if known is None else known)}
    for alias, category in CATEGORY_ALIASES.items():
        if category.value.lower() in names:
            names.setdefault(alias, names[category.value.lower()])
    valid = ", ".join(dict.fromkeys(names.values()))

    def read(value: Any) -> str:
        text = _text(value)
        key = " ".join(text.lower().split())
        if key in names:
            return names[key]
        if known is None:
            return text
        raise InputError(
            f"{describe(value)} is not a category on the Appetite sheet",
            valid=f"{valid}, or add it to the Appetite sheet",
        )

    return read


def _readers(matrix: RiskMatrix, categories: Iterable[str] | None) -> dict[str, Callable]:
    return {
        "id": _text,
        "text": _text,
        "category": category_reader(categories),
        "likelihood": level_reader(matrix, "likelihood"),
        "impact": level_reader(matrix, "impact"),
        "status": _status,
        "date": lambda v: to_date(v),
        "money": money_cell,
        "probability": probability_cell,
        "score": _score,
    }


PAIRS = {
    "inherent": ("inherent_likelihood", "inherent_impact"),
    "residual": ("residual_likelihood", "residual_impact"),
    "target": ("target_likelihood", "target_impact"),
}
QUANTITIES = ("probability", "minimum", "most_likely", "maximum")
#: Each field's position in REGISTER_FIELDS, which orders the problems found in a row.
POSITION = {f.name: i for i, f in enumerate(REGISTER_FIELDS)}


def read_register(
    frame: pd.DataFrame,
    matrix: RiskMatrix = NHS_5X5,
    *,
    categories: Iterable[str] | None = None,
) -> Register:
    """Read a register frame (columns named as the fields, plus ``_row``) into typed columns.

    A bad cell becomes blank in its own column and a problem naming its row and column; the
    rest of the row, and every other row, is kept. ``categories`` are those with an appetite
    set; None accepts any category (as an import does).
    """
    readers = _readers(matrix, categories)
    rows = frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2)
    risks = pd.DataFrame({ROW: rows})
    problems: list[tuple[int, int, InputError]] = []

    def problem(index: int, column: int, message: str, valid: str | None = None) -> None:
        header = REGISTER_FIELDS[column].header
        where = Location(row=int(rows[index]), field=header)
        problems.append((index, column, InputError(message, location=where, valid=valid)))

    id_blank = np.ones(len(frame), dtype=bool)
    for column, spec in enumerate(REGISTER_FIELDS):
        if spec.name not in frame:
            risks[spec.name] = pd.Series([None] * len(frame), dtype=object)
            continue
        parsed = parse_cells(frame[spec.name].to_numpy(dtype=object), readers[spec.kind])
        for i in np.flatnonzero(~np.equal(parsed.errors, None)):
            problem(int(i), column, parsed.errors[i])
        # object dtype: pandas 3 would make text columns strings with NaN for the blanks
        risks[spec.name] = pd.Series(np.where(parsed.ok, parsed.values, None), dtype=object)
        if spec.name == "risk_id":
            id_blank = parsed.blank

    id_column = POSITION["risk_id"]
    first_row: dict[str, int] = {}
    for i, risk_id in enumerate(risks["risk_id"]):
        if id_blank[i]:
            problem(i, id_column, "the risk id is blank", "an id unique in the register")
        elif risk_id:
            key = str(risk_id).strip().lower()
            if key in first_row:
                problem(
                    i,
                    id_column,
                    f"risk id {risk_id!r} is already used at row {first_row[key]}",
                    "an id unique in the register",
                )
            else:
                first_row[key] = int(rows[i])

    for stage, (lik, imp) in PAIRS.items():
        for given, other in ((lik, imp), (imp, lik)):
            half = risks[given].notna() & risks[other].isna() & frame_blank(frame, other)
            for i in np.flatnonzero(half.to_numpy()):
                problem(
                    int(i),
                    POSITION[other],
                    f"the {stage} {FIELDS_BY_NAME[other].kind} is blank",
                    f"both {stage} likelihood and impact, or neither",
                )

    unrated = frame_blank(frame, "inherent_likelihood") & frame_blank(frame, "inherent_impact")
    for i in np.flatnonzero(unrated.to_numpy()):
        problem(
            int(i),
            POSITION["inherent_likelihood"],
            "the inherent likelihood and impact are blank",
            "the risk's rating before controls, e.g. Possible and Major",
        )

    risks["status"] = risks["status"].where(risks["status"].notna(), RiskStatus.OPEN.value)
    risks["quantified"] = _check_quantities(risks, problem)
    problems.sort(key=lambda p: (p[0], p[1]))
    return Register(risks, [p[2] for p in problems])


def frame_blank(frame: pd.DataFrame, name: str) -> pd.Series:
    """Which rows of a register frame leave a field blank (all rows if there is no column)."""
    if name not in frame:
        return pd.Series(True, index=frame.index)
    return frame[name].map(is_blank).astype(bool)


def _check_quantities(risks: pd.DataFrame, problem: Callable[..., None]) -> pd.Series:
    """Which rows have a usable three-point estimate; any half-filled one is a problem."""
    column = POSITION["minimum"]
    given = risks[list(QUANTITIES)].notna()
    usable = given.all(axis=1).to_numpy().copy()
    for i in np.flatnonzero(given.any(axis=1).to_numpy() & ~usable):
        missing = [FIELDS_BY_NAME[q].header for q in QUANTITIES if pd.isna(risks[q].iloc[i])]
        problem(
            i,
            column,
            f"the £ estimate is incomplete: {', '.join(missing)} missing",
            "a chance of occurring with minimum, most likely and maximum £, or none of them",
        )
    for i in np.flatnonzero(usable):
        low, mode, high = (float(risks[q].iloc[i]) for q in ("minimum", "most_likely", "maximum"))
        if low > high:
            problem(
                i,
                column,
                f"the minimum £{low:,.0f} is above the maximum £{high:,.0f}",
                "minimum ≤ most likely ≤ maximum",
            )
            usable[i] = False
        elif not low <= mode <= high:
            problem(
                i,
                column + 1,
                f"the most likely £{mode:,.0f} is outside £{low:,.0f} to £{high:,.0f}",
                "minimum ≤ most likely ≤ maximum",
            )
            usable[i] = False
    return pd.Series(usable, index=risks.index)


def score_register(
    register: Register,
    matrix: RiskMatrix = NHS_5X5,
    appetite: RiskAppetite | None = None,
    *,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Scores, bands, flags and movement for every risk in a register read by read_register.

    The current score is the residual one, or the inherent one where no residual is given.
    Closed risks are scored but not flagged.
    """
    appetite = appetite or default_appetite(matrix)
    as_of = as_of or dt.date.today()
    risks = register.risks.copy()
    names = band_names(matrix)
    for stage, (lik, imp) in PAIRS.items():
        both = risks[lik].notna() & risks[imp].notna()
        score = risks[lik].where(both, 0).astype(np.int64) * risks[imp].where(both, 0).astype(
            np.int64
        )
        risks[f"{stage}_score"] = pd.array(np.where(both, score, pd.NA), dtype="Int64")
        risks[f"{stage}_band"] = pd.Series(
            np.where(both, names[score.to_numpy()], None), index=risks.index, dtype=object
        )
    current = risks["residual_score"].fillna(risks["inherent_score"])
    risks["current_score"] = current
    risks["current_band"] = risks["residual_band"].where(
        risks["residual_band"].notna(), risks["inherent_band"]
    )
    tolerated = pd.array(
        [appetite.tolerated(c) if c else None for c in risks["category"]], dtype="Int64"
    )
    risks["tolerated"] = tolerated
    live = (risks["status"] != RiskStatus.CLOSED.value).to_numpy()
    next_review = pd.to_datetime(risks["next_review"], errors="coerce")
    flags = {
        Flag.ABOVE_APPETITE: (current > tolerated),
        Flag.ABOVE_TARGET: (current > risks["target_score"]),
        Flag.REVIEW_OVERDUE: pd.Series(next_review < pd.Timestamp(as_of), index=risks.index),
        Flag.RESIDUAL_ABOVE_INHERENT: (risks["residual_score"] > risks["inherent_score"]),
        Flag.NO_CONTROLS: (
            (risks["inherent_score"] >= matrix.high_score) & (risks["controls"].fillna("") == "")
        ),
    }
    for flag, raised in flags.items():
        risks[flag_column(flag)] = raised.fillna(False).astype(bool).to_numpy() & live
    risks["flags"] = [_flag_text(row, appetite) for row in risks.itertuples(index=False)]
    previous = risks["previous_score"].astype("Int64")
    risks["movement"] = np.select(
        [
            previous.isna().to_numpy(),
            current.isna().to_numpy(),
            (current > previous).fillna(False).to_numpy(),
            (current < previous).fillna(False).to_numpy(),
        ],
        ["No earlier score", "", "Increased", "Reduced"],
        "No change",
    )
    return risks


def _flag_text(row: Any, appetite: RiskAppetite) -> str:
    values = row._asdict()
    parts = []
    for flag in Flag:
        if not values[flag_column(flag)]:
            continue
        if flag is Flag.ABOVE_APPETITE:
            level = appetite.categories[values["category"]].value
            parts.append(f"{flag.value} ({level}: up to {values['tolerated']})")
        elif flag is Flag.ABOVE_TARGET:
            parts.append(f"{flag.value} ({values['target_score']})")
        elif flag is Flag.REVIEW_OVERDUE:
            parts.append(f"{flag.value} (due {values['next_review']:%d/%m/%Y})")
        else:
            parts.append(flag.value)
    return "; ".join(parts)


def flag_column(flag: Flag) -> str:
    """The scored register's True/False column for a flag."""
    return f"flag_{flag.name.lower()}"


def default_appetite(matrix: RiskMatrix = NHS_5X5) -> RiskAppetite:
    """The matrix's appetite scores with cpcxl's starting levels for the standard categories."""
    return appetite_from_tables(matrix)


# --- summaries --------------------------------------------------------------------------------


def open_risks(scored: pd.DataFrame) -> pd.DataFrame:
    return scored.loc[scored["status"] != RiskStatus.CLOSED.value]


def band_counts(scored: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Open risks by band, inherent and current (residual where given)."""
    live = open_risks(scored)
    names = [b.name for b in matrix.bands]
    return pd.DataFrame(
        {
            "Band": names,
            "Inherent": [int((live["inherent_band"] == n).sum()) for n in names],
            "Residual": [int((live["current_band"] == n).sum()) for n in names],
        }
    )


def category_counts(scored: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Open risks by category: how many, by current band, and how many above appetite."""
    live = open_risks(scored).assign(category=lambda f: f["category"].fillna("(none)"))
    rows = []
    for category, group in live.groupby("category", sort=True):
        row: dict[str, Any] = {"Category": category, "Risks": len(group)}
        for band in matrix.bands:
            row[band.name] = int((group["current_band"] == band.name).sum())
        row["Above appetite"] = int(group[flag_column(Flag.ABOVE_APPETITE)].sum())
        rows.append(row)
    columns = ["Category", "Risks", *(b.name for b in matrix.bands), "Above appetite"]
    return pd.DataFrame(rows, columns=columns)


def register_heat_map(scored: pd.DataFrame, matrix: RiskMatrix, stage: str) -> np.ndarray:
    """Heat map of open risks at ``stage`` ("inherent" or "residual", the current rating)."""
    live = open_risks(scored)
    if stage == "residual":
        has = live["residual_score"].notna()
        lik = live["residual_likelihood"].where(has, live["inherent_likelihood"])
        imp = live["residual_impact"].where(has, live["inherent_impact"])
    else:
        lik, imp = live["inherent_likelihood"], live["inherent_impact"]
    both = lik.notna() & imp.notna()
    return heat_map(
        lik[both].astype(np.int64).to_numpy(), imp[both].astype(np.int64).to_numpy(), matrix
    )


def top_risks(scored: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The open risks with the highest current scores (ties: higher inherent, then by id)."""
    live = open_risks(scored).loc[lambda f: f["current_score"].notna()]
    ordered = live.assign(_id=live["risk_id"].fillna("").astype(str)).sort_values(
        ["current_score", "inherent_score", "_id"], ascending=[False, False, True]
    )
    top = ordered.head(count)
    return pd.DataFrame(
        {
            "Risk ID": top["risk_id"],
            "Title": top["title"],
            "Owner": top["owner"],
            "Residual score": top["current_score"].astype(int),
            "Band": top["current_band"],
            "Flags": top["flags"],
        }
    ).reset_index(drop=True)


def movement(scored: pd.DataFrame) -> pd.DataFrame:
    """Open risks whose score moved since the last review, and how many did not."""
    live = open_risks(scored)
    moved = live.loc[live["movement"].isin(["Increased", "Reduced"])]
    return pd.DataFrame(
        {
            "Risk ID": moved["risk_id"],
            "Title": moved["title"],
            "Score at last review": moved["previous_score"].astype(int),
            "Residual score": moved["current_score"].astype(int),
            "Movement": moved["movement"],
        }
    ).reset_index(drop=True)


def movement_counts(scored: pd.DataFrame) -> pd.DataFrame:
    live = open_risks(scored)
    kinds = ["Increased", "Reduced", "No change", "No earlier score"]
    return pd.DataFrame(
        {"Movement": kinds, "Risks": [int((live["movement"] == k).sum()) for k in kinds]}
    )


def flag_counts(scored: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Flag": [f.value for f in Flag],
            "Risks": [int(scored[flag_column(f)].sum()) for f in Flag],
        }
    )


# --- quantified exposure ----------------------------------------------------------------------

Distribution = Literal["pert", "triangular"]
#: Risk × iteration cells drawn at once; bounds working memory (about 40 MB at this size).
CHUNK_CELLS = 2_000_000
#: Up to this many iterations every simulated total is kept and percentiles are exact; beyond
#: it totals are counted into HISTOGRAM_BINS fine bins, so memory stays bounded.
EXACT_ITERATIONS = 2_000_000
HISTOGRAM_BINS = 1 << 20
PERT_LAMBDA = 4.0


@dataclass(frozen=True)
class Exposure:
    """Simulated total £ exposure of a set of quantified risks."""

    expected: float
    p50: float
    p80: float
    p95: float
    contingency: float
    confidence: float
    iterations: int
    risks: int

    def rows(self) -> list[list[Any]]:
        """The figures as a labelled two-column table."""
        return [
            ["Expected exposure", self.expected],
            ["P50", self.p50],
            ["P80", self.p80],
            ["P95", self.p95],
            [f"Contingency at {self.confidence:.0%} confidence", self.contingency],
        ]


def check_estimates(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four estimates as float arrays, or every inconsistency at once (item numbers 1..n)."""
    arrays = [np.asarray(a, dtype=float) for a in (probability, minimum, most_likely, maximum)]
    p, low, mode, high = arrays
    if len({a.shape for a in arrays}) != 1:
        raise InputError("the four ranges differ in length", valid="ranges of the same size")
    problems = []
    for i in np.flatnonzero(~((p >= 0) & (p <= 1))):
        problems.append(f"item {i + 1}: probability {p[i]:g} is not between 0 and 1")
    for i in np.flatnonzero(low > high):
        problems.append(f"item {i + 1}: minimum {low[i]:,.0f} is above maximum {high[i]:,.0f}")
    for i in np.flatnonzero((low <= high) & ~((low <= mode) & (mode <= high))):
        problems.append(
            f"item {i + 1}: most likely {mode[i]:,.0f} is outside {low[i]:,.0f} to {high[i]:,.0f}"
        )
    if problems:
        raise InputError("; ".join(problems), valid="0 ≤ probability ≤ 1 and min ≤ likely ≤ max")
    return p, low, mode, high


def simulate_totals(
    probability: np.ndarray,
    minimum: np.ndarray,
    most_likely: np.ndarray,
    maximum: np.ndarray,
    *,
    iterations: int,
    seed: int = 1,
    distribution: Distribution = "pert",
    chunk_cells: int = CHUNK_CELLS,
) -> Iterator[np.ndarray]:
    """Simulated total exposure, a chunk of iterations at a time (the same seed and chunk size
    give the same totals).

    In each iteration each risk occurs with its probability; if it does, its £ impact is drawn
    from Beta-PERT (λ = 4) or triangular on minimum, most likely, maximum.
    """
    rng = np.random.default_rng(seed)
    n = probability.size
    width = maximum - minimum
    certain = width <= 0
    safe = np.where(certain, 1.0, width)
    shape = np.where(certain, 0.5, (most_likely - minimum) / safe)  # mode's place in [0, 1]
    alpha = 1 + PERT_LAMBDA * shape
    beta = 1 + PERT_LAMBDA * (1 - shape)
    per_chunk = max(1, chunk_cells // max(n, 1))
    done = 0
    while done < iterations:
        k = min(per_chunk, iterations - done)
        if n == 0:
            yield np.zeros(k)
        else:
            occurs = rng.random((k, n)) < probability
            it, risk = np.nonzero(occurs)
            del occurs
            if distribution == "pert":
                fraction = rng.beta(alpha[risk], beta[risk])
            else:
                fraction = _triangular(rng, shape[risk])
            impact = minimum[risk] + width[risk] * fraction
            yield np.bincount(it, weights=impact, minlength=k)
        done += k


def _triangular(rng: np.random.Generator, mode: np.ndarray) -> np.ndarray:
    """Triangular on [0, 1] with the given modes, by inverting its distribution function."""
    u = rng.random(mode.size)
    left = u < mode
    return np.where(left, np.sqrt(u * mode), 1 - np.sqrt((1 - u) * (1 - mode)))


def simulate_exposure(
    probability: Sequence[float] | np.ndarray,
    minimum: Sequence[float] | np.ndarray,
    most_likely: Sequence[float] | np.ndarray,
    maximum: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.8,
    iterations: int = 10_000,
    seed: int = 1,
    distribution: Distribution = "pert",
    chunk_cells: int = CHUNK_CELLS,
    exact_iterations: int = EXACT_ITERATIONS,
) -> Exposure:
    """Expected exposure, P50, P80, P95 and the contingency at ``confidence`` by Monte Carlo.

    Percentiles interpolate linearly between order statistics (numpy's default). Memory is
    bounded by ``chunk_cells`` while drawing and, past ``exact_iterations``, by a histogram.
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence {confidence:g} is not between 0 and 1", valid="e.g. 0.8")
    if iterations < 1 or int(iterations) != iterations:
        raise InputError(
            f"{iterations:g} is not a number of iterations", valid="a whole number, 1 or more"
        )
    if distribution not in ("pert", "triangular"):
        raise InputError(f"{distribution!r} is not a distribution", valid="pert, triangular")
    p, low, mode, high = check_estimates(probability, minimum, most_likely, maximum)
    iterations = int(iterations)
    chunks = simulate_totals(
        p,
        low,
        mode,
        high,
        iterations=iterations,
        seed=seed,
        distribution=distribution,
        chunk_cells=chunk_cells,
    )
    qs = np.array([0.5, 0.8, 0.95, confidence])
    if iterations <= exact_iterations:
        totals = np.concatenate(list(chunks))
        mean, quantiles = float(totals.mean()), np.quantile(totals, qs)
    else:
        lower = float(np.minimum(low, 0).sum())
        upper = float(np.maximum(high, 0).sum())
        mean, quantiles = _streamed_quantiles(chunks, qs, lower, upper, iterations)
    return Exposure(
        expected=mean,
        p50=float(quantiles[0]),
        p80=float(quantiles[1]),
        p95=float(quantiles[2]),
        contingency=float(quantiles[3]),
        confidence=confidence,
        iterations=iterations,
        risks=int(p.size),
    )


def _streamed_quantiles(
    chunks: Iterable[np.ndarray], qs: np.ndarray, lower: float, upper: float, n: int
) -> tuple[float, np.ndarray]:
    """Mean and quantiles from a fine histogram of the totals: within one bin width
    ((upper - lower) / HISTOGRAM_BINS) of the exact figures."""
    span = upper - lower
    if span <= 0:
        for _ in chunks:
            pass
        return lower, np.full(qs.shape, lower)
    counts = np.zeros(HISTOGRAM_BINS, dtype=np.int64)
    total = 0.0
    for chunk in chunks:
        total += float(chunk.sum())
        bins = np.clip(
            ((chunk - lower) / span * HISTOGRAM_BINS).astype(np.int64), 0, HISTOGRAM_BINS - 1
        )
        counts += np.bincount(bins, minlength=HISTOGRAM_BINS)
    cumulative = np.cumsum(counts)
    width = span / HISTOGRAM_BINS

    def order_statistic(k: int) -> float:
        """The k-th smallest total (0-based), placed evenly within its bin: off by < a bin."""
        b = int(np.searchsorted(cumulative, k, side="right"))
        before = int(cumulative[b - 1]) if b else 0
        return lower + (b + (k - before + 0.5) / counts[b]) * width

    out = []
    for q in qs:
        rank = q * (n - 1)  # numpy's linear method: between the order statistics either side
        k = math.floor(rank)
        low = order_statistic(k)
        high = order_statistic(min(k + 1, n - 1))
        out.append(low + (rank - k) * (high - low))
    return total / n, np.array(out)


def round_pounds(value: float) -> int:
    """Whole pounds, halves away from zero (as Excel's ROUND)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def register_values(
    frame: pd.DataFrame, register: Register, matrix: RiskMatrix = NHS_5X5
) -> list[dict[str, Any]]:
    """Each risk as field -> value to write into a register: values as read, labels in the
    matrix's own spelling (so the workbook's formulas know them), and any cell that could not
    be read exactly as it was, so nothing is lost and the officer can put it right."""
    labels = {
        "likelihood": [lv.label for lv in matrix.likelihood],
        "impact": [lv.label for lv in matrix.impact],
    }
    rows = []
    for i in range(len(register.risks)):
        row: dict[str, Any] = {}
        for spec in REGISTER_FIELDS:
            typed = register.risks[spec.name].iloc[i]
            raw = frame[spec.name].iloc[i] if spec.name in frame else None
            if typed is None or (not isinstance(typed, str) and pd.isna(typed)):
                row[spec.name] = None if is_blank(raw) else raw
            elif spec.kind in labels and isinstance(raw, str) and not raw.strip().isdigit():
                row[spec.name] = labels[spec.kind][int(typed) - 1]
            elif isinstance(typed, np.generic):
                row[spec.name] = typed.item()
            else:
                row[spec.name] = typed
        rows.append(row)
    return rows
