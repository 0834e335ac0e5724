"""A register laid out some other way, as ``cpcxl risk import`` reads it: CSV or a workbook,
a title above the header, a header of one to three rows, risks on one sheet and their actions
on another.

Headers are read for their meaning (``headers``); values beyond the matrix's own labels for
what they say (``values``: text scales, statuses, bands, several actions in a cell). Once a
column is known, every cell is read by the Register table's own value types, so a value
means the same whether it was typed in the packaged register or imported. Nothing in the
file is lost: a column with no place in the register is carried whole, by risk id, and a
value that cannot be read is kept as it was and marked. The report is one row per header:
what it was read as and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import NUMBER
from cpcxl.common.inputs import Cells, column_letter
from cpcxl.common.values import is_blank

from ...models import RiskCategory, RiskMatrix, RiskResponse
from ...schemes import NHS_5X5
from ..kinds import PROBABILITY, RESPONSE, STATUS, LevelScore
from ..links import ACTIONS_SPEC
from ..register import FIELDS, REGISTER_SPEC, Register, read_register
from .headers import NOTHING, Meaning, meaning
from .values import (
    band_agrees,
    describe_mapping,
    first_sentence,
    read_status,
    rescale,
    split_actions,
    text_level,
    text_scale_mapping,
)

#: Where each rating stage's likelihood and impact go in the register.
RATING_FIELDS = {
    ("inherent", "likelihood"): "inherent_likelihood",
    ("inherent", "impact"): "inherent_impact",
    ("residual", "likelihood"): "residual_likelihood",
    ("residual", "impact"): "residual_impact",
    ("target", "likelihood"): "target_likelihood",
    ("target", "impact"): "target_impact",
}
ACTION_FIELDS = ("action", "action_owner", "action_due", "action_status")
_REGISTER_FIELDS = {c.field for c in REGISTER_SPEC.columns}
HEADER_SCAN = 15


@dataclass(frozen=True)
class ReportRow:
    """One header of the file: where it is, what it was read as, and why."""

    header: str
    sheet: str
    column: str
    read_as: str
    why: str


@dataclass
class Imported:
    """A register read from another layout, and what the import did with each column."""

    file: str
    sheet: str
    header_rows: tuple[int, int]
    risks: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    report: list[ReportRow]
    problems: list[InputError]
    #: Bands and scores in the file that disagree with those cpcxl works out, where they are.
    checks: list[InputError]
    notes: list[str]
    own_categories: dict[str, int]
    #: Columns carried whole: their headers, and each risk's values (its id first).
    extra: tuple[list[str], list[list[Any]]]
    register: Register
    actions_sheet: str | None = None

    @property
    def mapped(self) -> list[tuple[str, str]]:
        """(header found, the register column it was read as), for those read into one."""
        return [
            (r.header, r.read_as)
            for r in self.report
            if r.sheet == self.sheet and not r.read_as.startswith(("Carried", "Checked", "Not"))
        ]

    @property
    def not_found(self) -> list[str]:
        """The register's columns the file does not have (left blank)."""
        read = {r.read_as for r in self.report}
        return [c.header for c in FIELDS if c.header not in read]


@dataclass
class _Header:
    """A header block found on a sheet."""

    sheet: str
    rows: Sequence[Sequence[Any]]
    start: int
    span: int
    texts: list[str]
    meanings: list[Meaning]
    score: float

    def has(self, *fields: str) -> bool:
        found = {m.field for m in self.meanings}
        return all(f in found for f in fields)

    @property
    def ratings(self) -> int:
        return sum(1 for m in self.meanings if m.field in ("likelihood", "impact"))


def _combined(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """A header of several rows as its parts a column, top first: an upper row's group header
    ('Inherent risk', written once over merged cells) carries to the columns after it that
    have a header below it."""
    width = max((len(r) for r in rows), default=0)
    carried = [""] * len(rows)
    texts = []
    for c in range(width):
        parts = []
        below = ["" if c >= len(r) or is_blank(r[c]) else str(r[c]).strip() for r in rows]
        for level, text in enumerate(below):
            if level < len(rows) - 1:
                if text:
                    carried[level] = text
                elif any(below[level + 1 :]):
                    text = carried[level]
                else:
                    carried[level] = ""
            parts.append(text)
        texts.append([p for p in parts if p])
    return texts


def _meaning_of(parts: Sequence[str]) -> Meaning:
    """A header's meaning from its parts: all of them, or failing that the lowest with the
    one above it ('Initial risk' over 'C'), or the lowest alone, the strongest reading."""
    if not parts:
        return NOTHING
    candidates = [" ".join(parts)]
    if len(parts) > 2:
        candidates.append(" ".join(parts[-2:]))
    if len(parts) > 1:
        candidates.append(parts[-1])
    readings = [meaning(c) for c in candidates]
    best = readings[0]
    for reading in readings[1:]:
        if reading.strength > best.strength and (reading.field or reading.check):
            best = reading
    return best


def _find_header(sheet: str, rows: Sequence[Sequence[Any]]) -> _Header | None:
    """The best header block among the first rows: one to three rows, scored by how strongly
    its headers mean register columns."""
    best = None
    for start in range(min(HEADER_SCAN, len(rows))):
        for span in (1, 2, 3):
            if start + span > len(rows):
                continue
            parts = _combined(rows[start : start + span])
            texts = [" ".join(p) for p in parts]
            meanings = [_meaning_of(p) for p in parts]
            if span > 1 and not all(
                texts[i] for i, v in enumerate(rows[start + span - 1]) if not is_blank(v)
            ):
                continue
            found = [m for m in meanings if m.field or m.check]
            distinct = len({(m.field, m.stage, m.check) for m in found})
            score = sum(m.strength for m in found) + distinct - 1.5 * (span - 1)
            if best is None or score > best.score:
                best = _Header(sheet, rows, start, span, texts, meanings, score)
    return best


def import_register(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    file: str,
    sheet: str | None = None,
    matrix: RiskMatrix = NHS_5X5,
) -> Imported:
    """Read a register whose layout differs from ours from its sheets (rows of cells by sheet
    name; a CSV is one sheet). The risks are on the sheet whose headers say so most, unless
    ``sheet`` names it; actions may be on another (a risk id and an action, no ratings)."""
    if sheet is not None and sheet not in sheets:
        raise InputError(f"no sheet {sheet!r}", location=Location(file=file), valid=list(sheets))
    found = {name: h for name, rows in sheets.items() if rows and (h := _find_header(name, rows))}
    if not found:
        raise InputError("the workbook has no data", location=Location(file=file))
    candidates = {sheet: found[sheet]} if sheet is not None and sheet in found else found
    risks_header = max(
        candidates.values(), key=lambda h: (h.ratings >= 2, h.has("risk_id"), h.score)
    )
    actions_header = next(
        (
            h
            for name, h in found.items()
            if name != risks_header.sheet and h.has("risk_id", "action") and h.ratings == 0
        ),
        None,
    )
    reader = _RiskSheet(risks_header, matrix, file)
    imported = reader.read()
    if actions_header is not None:
        imported.actions += _read_actions_sheet(actions_header, imported, file)
        imported.actions_sheet = actions_header.sheet
    return imported


class _RiskSheet:
    """The reading of the risks' sheet, step by step (see import_register)."""

    def __init__(self, header: _Header, matrix: RiskMatrix, file: str) -> None:
        self.h = header
        self.matrix = matrix
        self.file = file
        self.body = [list(r) for r in header.rows[header.start + header.span :]]
        self.first_row = header.start + header.span + 1  # sheet row of the first body row
        self.width = max([len(header.texts), *(len(r) for r in self.body)], default=0)
        for row in self.body:
            row.extend([None] * (self.width - len(row)))
        self.columns: dict[str, int] = {}  # register field (or action field) -> column index
        self.checks_at: list[tuple[int, Meaning]] = []
        self.why: dict[int, tuple[str, str]] = {}  # column -> (read as, why)
        self.notes: list[str] = []
        self.carried_values: dict[str, list[Any]] = {}
        #: Whether the ratings were a three-point text scale (High, Medium, Low): then a band
        #: of the same words is read by its place too (High the top band).
        self.three_point = False

    # --- which column is which ----------------------------------------------------------------

    def _values(self, index: int) -> list[Any]:
        return [r[index] for r in self.body if not is_blank(r[index])]

    def assign(self) -> None:
        """Each header to at most one field and each field to one column: the strongest
        meaning first, then the first column; values decide where a header could mean two
        things."""
        stageless: list[tuple[int, Meaning]] = []
        order = sorted(range(len(self.h.texts)), key=lambda i: (-self.h.meanings[i].strength, i))
        for i in order:
            m = self._by_content(i, self.h.meanings[i])
            if m.check:
                if not m.stage:
                    m = self._stage_beside(i, m)
                self.checks_at.append((i, m))
                stage = m.stage or "current"
                self.why[i] = (f"Checked: the {stage} {m.check}", m.why)
            elif m.field in ("likelihood", "impact"):
                if m.stage:
                    self._take(RATING_FIELDS[(m.stage, m.field)], i, m)
                else:
                    stageless.append((i, m))
            elif m.field is not None:
                self._take(m.field, i, m)
        for i, m in sorted(stageless):
            assert m.field is not None
            for stage in ("inherent", "residual", "target"):
                target = RATING_FIELDS[(stage, m.field)]
                if target not in self.columns:
                    why = f"{m.why}; no stage is named, so the first free one: {stage}"
                    self._take(target, i, Meaning(m.field, why, m.strength, stage, "", m.scale))
                    break
            else:
                self.why[i] = ("Carried as an extra column", f"{m.why}, but every stage is taken")
        if "inherent_likelihood" not in self.columns and "residual_likelihood" in self.columns:
            # The only rating given is the current one: it is the one there is to score.
            for axis in ("likelihood", "impact"):
                index = self.columns.pop(f"residual_{axis}", None)
                if index is not None:
                    self.columns[f"inherent_{axis}"] = index
                    _, why = self.why[index]
                    self.why[index] = (
                        REGISTER_SPEC.header_of(f"inherent_{axis}"),
                        why + "; the only rating given, so read as inherent",
                    )

    def _stage_beside(self, index: int, m: Meaning) -> Meaning:
        """A score or band that names no stage is that of the ratings just before it ('Risk
        score' after 'Gross likelihood' and 'Gross impact'): the nearest of the three columns
        to its left that is a rating; otherwise the current rating."""
        for left in range(index - 1, max(index - 4, -1), -1):
            beside = self._by_content(left, self.h.meanings[left])
            if beside.field in ("likelihood", "impact"):
                stage = beside.stage or "inherent"
                why = f"{m.why}; it follows the {stage} ratings, so it is theirs"
                return Meaning(None, why, m.strength, stage, m.check, m.scale)
        return m

    def _by_content(self, index: int, m: Meaning) -> Meaning:
        """Where the values say a header means something else than its words."""
        values = self._values(index)
        if not values:
            return m
        texts = [v for v in values if isinstance(v, str)]
        long_text = sum(1 for v in texts if len(v) > 25 and text_level(v) is None)
        if m.field in ("likelihood", "impact") and long_text > len(values) / 2:
            return Meaning(
                "effect" if m.field == "impact" else "cause",
                f"{self.h.texts[index]!r} holds text, not ratings: part of the description",
                2,
            )
        if m.field == "likelihood" and not m.stage and _chances(values):
            return Meaning(
                "probability",
                "it holds chances (fractions or percentages): the "
                "chance of occurring of the £ estimate",
                3,
            )
        if m.field == "controls" and _responses(texts) > len(values) / 2:
            return Meaning(
                "response",
                f"{self.h.texts[index]!r} holds responses (Treat, Tolerate ...): the risk response",
                3,
            )
        if m.check and all(_number(v) is not None for v in values):
            return Meaning(None, m.why, m.strength, m.stage, "score", m.scale)
        return m

    def _take(self, target: str, index: int, m: Meaning) -> None:
        if target in self.columns:
            other = column_letter(self.columns[target] + 1)
            self.why[index] = (
                "Carried as an extra column",
                f"{m.why}, but column {other} is already read as it",
            )
            return
        self.columns[target] = index
        self.why[index] = (_read_as(target), m.why)

    # --- the values ---------------------------------------------------------------------------

    def read(self) -> Imported:
        self.assign()
        missing = [
            f
            for f in ("risk_id", "inherent_likelihood", "inherent_impact")
            if f not in self.columns
        ]
        if missing:
            headers = ", ".join(repr(t) for t in self.h.texts if t) or "none"
            raise InputError(
                f"missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}; headers found: {headers}",
                location=Location(file=self.file, sheet=self.h.sheet or None),
            )
        sections = self._sections()
        self._ratings()
        statuses = self._statuses()
        self._descriptions()
        cells = self._cells()
        errors = InputErrors()
        register = read_register(cells, self.matrix, errors, file=self.file, sheet=self.h.sheet)
        if register is None:  # a header made from the register's own: only a bug gets here
            raise errors
        checks = self._check_bands(register)
        own: dict[str, int] = {}
        standard = {c.value for c in RiskCategory}
        for category in register.risks["category"].dropna():
            if category not in standard:
                own[category] = own.get(category, 0) + 1
        records = register.values(self.matrix)
        # each record's row of the body (wholly blank rows are no risk)
        self.at = [int(r) - self.first_row for r in register.risks["_row"]]
        self._implied_responses(records, statuses)
        actions = self._actions(records)
        extra = self._extra(records, sections, statuses)
        return Imported(
            file=self.file,
            sheet=self.h.sheet,
            header_rows=(self.h.start + 1, self.h.start + self.h.span),
            risks=records,
            actions=actions,
            report=self._report(),
            problems=list(register.problems),
            checks=checks,
            notes=self.notes,
            own_categories=own,
            extra=extra,
            register=register,
        )

    def _sections(self) -> list[str | None]:
        """Rows that are headings or notes (one cell of text filled, no rating): not risks; a
        short heading names the section of the risks below it."""
        ratings = [i for f, i in self.columns.items() if f.endswith(("likelihood", "impact"))]
        section: str | None = None
        labels: list[str | None] = []
        kept = []
        for r, row in enumerate(self.body):
            filled = [v for v in row if not is_blank(v)]
            heading = (
                len(filled) == 1
                and isinstance(filled[0], str)
                and all(is_blank(row[i]) for i in ratings)
            )
            if heading:
                text = str(filled[0]).strip()
                short = len(text) <= 60
                self.notes.append(
                    f"row {self.first_row + r}: {text[:60]!r} is a heading or a note, not a risk"
                    + ("; the risks below it carry it as their Section" if short else "")
                )
                if short:
                    section = text
            kept.append(not heading)
            labels.append(section)
        self._kept = kept
        return labels

    def _ratings(self) -> None:
        """Text scales and stated scales onto the matrix, said in the report."""
        for target, index in self.columns.items():
            if not target.endswith(("likelihood", "impact")):
                continue
            axis: Literal["likelihood", "impact"] = (
                "likelihood" if target.endswith("likelihood") else "impact"
            )
            levels = self.matrix.likelihood if axis == "likelihood" else self.matrix.impact
            kind = LevelScore(self.matrix, axis)
            values = self._values(index)
            unread = [v for v in values if _fails(kind, v)]
            mapping = text_scale_mapping(unread, len(levels))
            read_as, why = self.why[index]
            if mapping is not None and all(text_level(v) is not None for v in unread):
                self.three_point = self.three_point or 0 not in mapping
                for row in self.body:
                    step = text_level(row[index]) if _fails(kind, row[index]) else None
                    if step is not None:
                        row[index] = mapping[step]
                labels = [lv.label for lv in levels]
                why += (
                    f"; its text scale read onto the matrix as {describe_mapping(mapping, labels)}"
                )
            scale = self.h.meanings[index].scale
            if scale and scale != (1, len(levels)) and scale[1] > scale[0]:
                for row in self.body:
                    v = row[index]
                    number = isinstance(v, int | float) and not isinstance(v, bool)
                    if number and scale[0] <= v <= scale[1] and float(v).is_integer():
                        row[index] = rescale(v, scale, len(levels))
                why += (
                    f"; its {scale[0]}-{scale[1]} scale put onto the matrix's 1-{len(levels)}"
                    " evenly"
                )
            self.why[index] = (read_as, why)

    def _statuses(self) -> list[tuple[Any, RiskResponse | None]]:
        """Statuses read as open, escalated or closed, the original kept (and carried)."""
        index = self.columns.get("status")
        if index is None:
            return []
        said: dict[str, str] = {}
        out = []
        for row in self.body:
            value = row[index]
            response = None
            if not is_blank(value):
                try:
                    STATUS.parse(value)
                except InputError:
                    read = read_status(value)
                    if read is not None:
                        status, response = read
                        said[str(value).strip()] = status.value + (
                            f" ({response.value})" if response else ""
                        )
                        row[index] = status.value
            out.append((value, response))
        if said:
            read_as, why = self.why[index]
            mapped = ", ".join(f"{k} -> {v}" for k, v in said.items())
            self.why[index] = (
                read_as,
                f"{why}; statuses read as {mapped} (the original carried as 'Status as imported')",
            )
        return out

    def _descriptions(self) -> None:
        """A description made of its parts (cause, event, effect), and a title from its first
        sentence where the file has no title."""
        parts = [
            (f, self.columns[f]) for f in ("cause", "description", "effect") if f in self.columns
        ]
        self.description: list[Any] = []
        for row in self.body:
            texts = []
            for name, index in parts:
                value = row[index]
                if is_blank(value):
                    continue
                label = {"cause": "Cause: ", "effect": "Effect: "}.get(name, "")
                texts.append(f"{label}{str(value).strip()}" if len(parts) > 1 else value)
            self.description.append("\n".join(map(str, texts)) if texts else None)
        if len(parts) > 1:
            self.notes.append(
                "the description joins " + ", ".join(self.h.texts[i] for _, i in parts)
            )
        self.derived_title = "title" not in self.columns and bool(parts)
        if self.derived_title:
            index = parts[0][1]
            read_as, why = self.why[index]
            self.why[index] = (
                read_as,
                why + "; the file has no title, so each risk's title is "
                "its description's first sentence",
            )

    def _cells(self) -> Cells:
        """The sheet as the register's own table: each known column under its register
        header where it is, derived columns (description, title) after the last."""
        header: list[Any] = [None] * self.width
        for target, index in self.columns.items():
            if target in _REGISTER_FIELDS:
                header[index] = REGISTER_SPEC.header_of(target)
        rows = [list(r) for r in self.body]
        description_at = self.columns.get("description")
        for field_name in ("cause", "effect"):
            if field_name in self.columns:
                header[self.columns[field_name]] = None
        if self.description and (
            description_at is None or "cause" in self.columns or "effect" in self.columns
        ):
            if description_at is None:
                header.append(REGISTER_SPEC.header_of("description"))
                for row, text in zip(rows, self.description, strict=True):
                    row.append(text)
            else:
                for row, text in zip(rows, self.description, strict=True):
                    row[description_at] = text
        if self.derived_title:
            header.append(REGISTER_SPEC.header_of("title"))
            for row, text in zip(rows, self.description, strict=True):
                row.append(first_sentence(text))
        for i, keep in enumerate(self._kept):
            if not keep:
                rows[i] = [None] * len(header)
        return Cells([header, *rows], first_row=self.first_row - 1, exact=True)

    def _check_bands(self, register: Register) -> list[InputError]:
        """Each band or score column against what the ratings give, where they disagree."""
        found = []
        risks = register.risks
        rows = list(risks["_row"])
        for index, m in self.checks_at:
            stage = m.stage or "current"
            for i, row_number in enumerate(rows):
                value = (
                    self.h.rows[row_number - 1][index]
                    if index < len(self.h.rows[row_number - 1])
                    else None
                )
                if is_blank(value):
                    continue
                score = _stage_score(risks.iloc[i], stage)
                if score is None:
                    continue
                band = self.matrix.band_of(score).name
                where = Location(
                    file=self.file,
                    sheet=self.h.sheet or None,
                    cell=f"{column_letter(index + 1)}{row_number}",
                    field=self.h.texts[index],
                )
                number = _number(value)
                if number is not None:
                    if number != score:
                        found.append(
                            InputError(
                                f"the file says {number:g}, but its ratings give {score} ({band})",
                                location=where,
                            )
                        )
                    continue
                agrees = band_agrees(value, band, self.matrix, three_point=self.three_point)
                if agrees is False:
                    found.append(
                        InputError(
                            f"the file says {str(value).strip()!r}, but its ratings give {score}, "
                            f"{band}",
                            location=where,
                        )
                    )
        return found

    def _implied_responses(
        self, records: list[dict[str, Any]], statuses: list[tuple[Any, RiskResponse | None]]
    ) -> None:
        """A status that says a response ('Tolerated') gives the risk that response where it
        has none of its own."""
        if not statuses:
            return
        given = 0
        for record, b in zip(records, self.at, strict=True):
            response = statuses[b][1]
            if response is not None and not record.get("response"):
                record["response"] = response.value
                given += 1
        if given:
            self.notes.append(
                f"{given} risks take their response from their status "
                "(Tolerated is Tolerate, Treating is Treat)"
            )

    def _actions(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The action columns of the risks' sheet as Actions, one per action in a cell."""
        index = self.columns.get("action")
        if index is None:
            return []
        actions = []
        for record, b in zip(records, self.at, strict=True):
            row = self.body[b]
            owner = self._cell(row, "action_owner") or record.get("owner")
            for text in split_actions(row[index]):
                actions.append(
                    {
                        "risk_id": record.get("risk_id"),
                        "action": text,
                        "owner": owner,
                        "due": self._cell(row, "action_due"),
                        "status": self._cell(row, "action_status"),
                    }
                )
        if actions:
            self.notes.append(
                f"{len(actions)} actions read from {self.h.texts[index]!r} onto the Actions sheet"
            )
        return actions

    def _cell(self, row: list[Any], name: str) -> Any:
        index = self.columns.get(name)
        return None if index is None or is_blank(row[index]) else row[index]

    def _extra(
        self,
        records: list[dict[str, Any]],
        sections: list[str | None],
        statuses: list[tuple[Any, RiskResponse | None]],
    ) -> tuple[list[str], list[list[Any]]]:
        """What has no place in the register, carried whole by risk id: unused columns, the
        bands and scores checked, each status as it was, each risk's section."""
        used = set(self.columns.values())
        carried = [i for i, t in enumerate(self.h.texts) if t and i not in used]
        headers = [self.h.texts[i] for i in carried]
        body = self.h.rows[self.h.start + self.h.span :]
        columns = [
            [row[i] if i < len(row) and not is_blank(row[i]) else None for row in body]
            for i in carried
        ]
        original = [s for s, _ in statuses]
        if statuses and any(
            str(o).strip() != str(row[self.columns["status"]]).strip()
            for o, row in zip(original, self.body, strict=True)
            if not is_blank(o)
        ):
            headers.append("Status as imported")
            columns.append(original)
        if any(sections):
            headers.append("Section")
            columns.append(sections)
        rows = []
        for record, i in zip(records, self.at, strict=True):
            rows.append([record.get("risk_id"), *(c[i] if i < len(c) else None for c in columns)])
        return headers, rows

    def _report(self) -> list[ReportRow]:
        out = []
        for i, text in enumerate(self.h.texts):
            if not text:
                continue
            read_as, why = self.why.get(i, ("Carried as an extra column", NOTHING.why))
            out.append(ReportRow(text, self.h.sheet, column_letter(i + 1), read_as, why))
        return out


def _read_as(target: str) -> str:
    if target in ("cause", "effect"):
        return "Description"
    if target in ACTION_FIELDS:
        names = {
            "action": "Action",
            "action_owner": "Owner",
            "action_due": "Due date",
            "action_status": "Status",
        }
        return f"Actions: {names[target]}"
    return REGISTER_SPEC.header_of(target)


def _number(value: Any) -> float | None:
    """A cell as a number if it is one ('12' in a CSV too), else None."""
    if isinstance(value, bool) or is_blank(value):
        return None
    try:
        return float(NUMBER.parse(value))
    except InputError:
        return None


def _fails(kind: LevelScore, value: Any) -> bool:
    if is_blank(value):
        return False
    try:
        kind.parse(value)
    except InputError:
        return True
    return False


def _chances(values: Sequence[Any]) -> bool:
    """Whether a column's values are chances: every one a fraction from 0 to 1 (some not whole)
    or a percentage."""
    read = []
    for v in values:
        try:
            read.append(PROBABILITY.parse(v))
        except InputError:
            return False
    return any(0 < r < 1 for r in read) or any(isinstance(v, str) and "%" in v for v in values)


def _responses(texts: Sequence[str]) -> int:
    count = 0
    for text in texts:
        try:
            RESPONSE.parse(text)
        except InputError:
            continue
        count += 1
    return count


def _stage_score(risk: Any, stage: str) -> int | None:
    """A risk's score at a stage ('current': residual, or inherent where none is given)."""
    pairs = {
        "inherent": ("inherent_likelihood", "inherent_impact"),
        "residual": ("residual_likelihood", "residual_impact"),
        "target": ("target_likelihood", "target_impact"),
    }
    if stage == "current":
        return _stage_score(risk, "residual") or _stage_score(risk, "inherent")
    lik, imp = pairs[stage]
    if risk[lik] is None or risk[imp] is None or risk[lik] != risk[lik]:
        return None
    return int(risk[lik]) * int(risk[imp])


def _read_actions_sheet(header: _Header, imported: Imported, file: str) -> list[dict[str, Any]]:
    """A sheet of actions: each row's risk id, action, owner, due date and status; an action
    for a risk the register does not have is a problem where it is (and kept, for the new
    register's Actions sheet to show it too)."""
    report = imported.report
    columns: dict[str, int] = {}
    names = {
        "action_owner": "owner",
        "owner": "owner",
        "action_due": "due",
        "action_status": "status",
        "status": "status",
        "risk_id": "risk_id",
        "action": "action",
        "next_review": "due",
    }
    for i, (text, m) in enumerate(zip(header.texts, header.meanings, strict=True)):
        target = names.get(m.field or "")
        if not text:
            continue
        if target and target not in columns:
            columns[target] = i
            report.append(
                ReportRow(
                    text,
                    header.sheet,
                    column_letter(i + 1),
                    f"Actions: {ACTIONS_SPEC.header_of(target)}",
                    m.why,
                )
            )
        else:
            report.append(
                ReportRow(
                    text,
                    header.sheet,
                    column_letter(i + 1),
                    "Not used",
                    "no Actions column means this",
                )
            )
    out = []
    known = {str(r.get("risk_id")).strip().casefold() for r in imported.risks}
    first = header.start + header.span + 1
    for r, row in enumerate(header.rows[header.start + header.span :], start=first):
        record = {
            f: (row[i] if i < len(row) and not is_blank(row[i]) else None)
            for f, i in columns.items()
        }
        if not any(record.values()):
            continue
        risk_id = record.get("risk_id")
        if (
            "risk_id" in columns
            and risk_id is not None
            and str(risk_id).strip().casefold() not in known
        ):
            where = Location(
                file=file,
                sheet=header.sheet,
                cell=f"{column_letter(columns['risk_id'] + 1)}{r}",
                field="Risk ID",
            )
            imported.problems.append(
                InputError(
                    f"an action for {str(risk_id).strip()!r}, which is not a risk on the register",
                    location=where,
                    valid="a risk id of the risks' sheet",
                )
            )
        texts: list[Any] = split_actions(record.get("action")) or [record.get("action")]
        for text in texts:
            out.append({**record, "action": text})
    return out


__all__ = ["Imported", "ReportRow", "import_register"]
