"""What a register's values mean, beyond the matrix's own labels: text scales (High, Medium,
Low) put onto the matrix, statuses read as open or closed, bands and RAG colours compared
with the band a rating gives, a title from a description's first sentence, and a cell of
several actions split into actions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from cpcxl.common.fields import choice_key
from cpcxl.common.values import is_blank

from ...models import RiskMatrix, RiskResponse, RiskStatus

# --- text scales --------------------------------------------------------------------------------

#: The words of a five-point text scale, lowest first, and the other ways they are written.
TEXT_SCALE: tuple[tuple[str, ...], ...] = (
    ("very low", "vl", "very unlikely", "negligible"),
    ("low", "l"),
    ("medium", "med", "m", "moderate"),
    ("high", "h"),
    ("very high", "vh", "extreme", "very likely"),
)


def text_level(value: Any) -> int | None:
    """A text scale's step (0 lowest to 4 highest) for a cell, or None if it is not one."""
    if not isinstance(value, str):
        return None
    key = choice_key(value)
    for step, words in enumerate(TEXT_SCALE):
        if key in {choice_key(w) for w in words}:
            return step
    return None


def text_scale_mapping(values: Iterable[Any], levels: int) -> dict[int, int] | None:
    """How a column's text scale maps onto a scale of ``levels`` (None if it has none): five
    steps, when it uses 'very' anywhere, spread evenly (Very low 1 to Very high n); three
    (Low, Medium, High) onto the lowest, middle and highest levels, so that a High is as high
    as the matrix goes."""
    steps = {s for v in values if (s := text_level(v)) is not None}
    if not steps:
        return None
    if steps & {0, 4}:
        return {s: 1 + round(s * (levels - 1) / 4) for s in range(5)}
    return {1: 1, 2: (levels + 1) // 2, 3: levels}


def describe_mapping(mapping: dict[int, int], labels: Sequence[str]) -> str:
    """'Low 1 (Rare), Medium 3 (Possible), High 5 (Almost certain)'."""
    return ", ".join(
        f"{TEXT_SCALE[s][0].capitalize()} {n} ({labels[n - 1]})" for s, n in sorted(mapping.items())
    )


def rescale(number: float, stated: tuple[int, int], levels: int) -> int:
    """A score on a stated scale (1 to k) put onto 1 to ``levels``, evenly: its lowest and
    highest stay the lowest and highest."""
    low, high = stated
    return 1 + round((number - low) * (levels - 1) / (high - low))


# --- statuses -----------------------------------------------------------------------------------

#: Statuses registers use, read as open, escalated or closed (and, for some, the response they
#: say: 'Tolerated' is open and tolerated, 'Treating' open and treated).
STATUS_WORDS: dict[str, tuple[RiskStatus, RiskResponse | None]] = {
    "open": (RiskStatus.OPEN, None),
    "live": (RiskStatus.OPEN, None),
    "active": (RiskStatus.OPEN, None),
    "current": (RiskStatus.OPEN, None),
    "new": (RiskStatus.OPEN, None),
    "ongoing": (RiskStatus.OPEN, None),
    "monitoring": (RiskStatus.OPEN, None),
    "monitor": (RiskStatus.OPEN, None),
    "under review": (RiskStatus.OPEN, None),
    "in progress": (RiskStatus.OPEN, None),
    "realised": (RiskStatus.OPEN, None),
    "occurred": (RiskStatus.OPEN, None),
    "issue": (RiskStatus.OPEN, None),
    "tolerated": (RiskStatus.OPEN, RiskResponse.TOLERATE),
    "tolerate": (RiskStatus.OPEN, RiskResponse.TOLERATE),
    "accepted": (RiskStatus.OPEN, RiskResponse.TOLERATE),
    "treating": (RiskStatus.OPEN, RiskResponse.TREAT),
    "treat": (RiskStatus.OPEN, RiskResponse.TREAT),
    "being treated": (RiskStatus.OPEN, RiskResponse.TREAT),
    "mitigating": (RiskStatus.OPEN, RiskResponse.TREAT),
    "transferred": (RiskStatus.OPEN, RiskResponse.TRANSFER),
    "escalated": (RiskStatus.ESCALATED, None),
    "escalate": (RiskStatus.ESCALATED, None),
    "escalated to corporate": (RiskStatus.ESCALATED, None),
    "closed": (RiskStatus.CLOSED, None),
    "archived": (RiskStatus.CLOSED, None),
    "retired": (RiskStatus.CLOSED, None),
    "removed": (RiskStatus.CLOSED, None),
    "inactive": (RiskStatus.CLOSED, None),
    "resolved": (RiskStatus.CLOSED, None),
    "expired": (RiskStatus.CLOSED, None),
    "superseded": (RiskStatus.CLOSED, None),
    "terminated": (RiskStatus.CLOSED, RiskResponse.TERMINATE),
    "de escalated and closed": (RiskStatus.CLOSED, None),
}
_STATUS_KEYS = {choice_key(k): v for k, v in STATUS_WORDS.items()}


def read_status(value: Any) -> tuple[RiskStatus, RiskResponse | None] | None:
    """A register's status as open, escalated or closed (and a response it says), or None."""
    if is_blank(value) or not isinstance(value, str):
        return None
    return _STATUS_KEYS.get(choice_key(value))


# --- bands and RAG colours ----------------------------------------------------------------------

#: Words for the bands by place: the lowest, the middle ones, the highest.
_LOWEST = {"low", "green", "g", "minor", "acceptable", "very low", "negligible", "insignificant"}
_MIDDLE = {"moderate", "medium", "amber", "a", "yellow", "tolerable", "orange", "significant"}
_HIGHEST = {"extreme", "very high", "red", "r", "critical", "severe", "unacceptable", "high"}
_HIGH = {"high", "amber", "orange", "red", "significant", "major"}


def band_agrees(
    value: Any, band: str, matrix: RiskMatrix, *, three_point: bool = False
) -> bool | None:
    """Whether a band cell (a band name, a RAG colour or a word such as Medium) agrees with
    the band cpcxl works out; None if the cell is no band at all. A colour or word is placed
    by the band's place among the matrix's bands: green or low is the lowest, red or extreme
    the highest, amber or medium those between, and high (or amber, or red) the one below the
    top. Where the register rated on a three-point scale, its Low, Medium and High are the
    lowest band, those between and the highest."""
    if is_blank(value) or not isinstance(value, str):
        return None
    key = choice_key(value)
    names = [b.name for b in matrix.bands]
    place = names.index(band)
    last = len(names) - 1
    step = text_level(value)
    if three_point and step in (1, 2, 3):  # Low, Medium, High of the register's own scale
        return {1: place == 0, 2: 0 < place < last, 3: place == last}[step]
    if key in {choice_key(n) for n in names}:
        return key == choice_key(band)
    words = {choice_key(w) for w in _LOWEST | _MIDDLE | _HIGHEST | _HIGH}
    if key not in words:
        return None

    def said(group: set[str]) -> bool:
        return key in {choice_key(w) for w in group}

    if place == 0:
        return said(_LOWEST)
    if place == last:
        return said(_HIGHEST)
    if place == last - 1 and last >= 3:
        return said(_HIGH) or said(_MIDDLE)
    return said(_MIDDLE)


# --- titles and actions -------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
TITLE_LENGTH = 90


def first_sentence(text: Any) -> str | None:
    """A description's first sentence as a title (at most TITLE_LENGTH characters, cut at a
    word), or None for a blank."""
    if is_blank(text):
        return None
    first = _SENTENCE.split(str(text).strip(), maxsplit=1)[0].strip().rstrip(".")
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


_ITEM = re.compile(r"^\s*(?:[-•*·▪]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+", re.IGNORECASE)


def split_actions(text: Any) -> list[str]:
    """A cell of actions as its actions: one a line, or one per numbered or bulleted item;
    a cell of one sentence is one action."""
    if is_blank(text):
        return []
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if len(lines) == 1:
        parts = re.split(r"\s+(?=\(?\d{1,2}[.)]\s)", lines[0])
        lines = [p.strip() for p in parts if p.strip()]
    return [_ITEM.sub("", line).strip() for line in lines if _ITEM.sub("", line).strip()]
