"""What a register's headers mean, whatever they are called.

A header is read for its meaning, not its spelling: case, punctuation and scale suffixes
("(1-5)", "1 to 5", "score", "rating") aside, it is compared with the words registers use for
each column (likelihood: probability, chance; impact: consequence, severity, effect; controls:
mitigation, treatment, existing controls; and so on), first whole, then by its parts where it
combines several ("Controls / mitigations"), then by the words it starts or ends with. A
rating's stage comes from its own words or from the group header above it ("Inherent risk"
over "Probability | Severity"). A header that names a score or a band without a likelihood or
impact ("Risk score", "RAG", "Rating") is a column to check against what cpcxl works out,
never a title. Each meaning says why it was chosen, for the import's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cpcxl.common.tables import normalise_header

Stage = str  # "inherent", "residual", "target" or "" (none said)

#: Words that give a rating's stage.
STAGE_WORDS: dict[str, tuple[str, ...]] = {
    "inherent": (
        "inherent",
        "gross",
        "initial",
        "original",
        "pre mitigation",
        "before controls",
        "untreated",
        "unmitigated",
        "raw",
        "pre control",
        "uncontrolled",
    ),
    "residual": (
        "residual",
        "current",
        "net",
        "post mitigation",
        "after controls",
        "revised",
        "controlled",
        "mitigated",
        "treated",
        "post control",
        "actual",
    ),
    "target": ("target", "tolerable", "future", "desired", "planned", "aimed"),
}
DIMENSION_WORDS: dict[str, tuple[str, ...]] = {
    "likelihood": ("likelihood", "probability", "chance", "likeliness", "frequency", "l", "p"),
    "impact": (
        "impact",
        "consequence",
        "consequences",
        "severity",
        "effect",
        "seriousness",
        "magnitude",
        "i",
        "c",
        "s",
    ),
}
#: Words that say a header is a scale's number, not a column of its own.
SCALE_WORDS = ("score", "rating", "value", "level", "scale", "grade")
#: Words that say a column is cpcxl's to work out: a score, or a band.
SCORE_WORDS = (
    "score",
    "total",
    "product",
    "overall score",
    "risk score",
    "l x i",
    "lxi",
    "l i",
    "p x i",
    "pxi",
    "i x l",
    "likelihood x impact",
    "value",
)
BAND_WORDS = (
    "rag",
    "rating",
    "band",
    "level",
    "grade",
    "colour",
    "color",
    "rag status",
    "risk level",
    "red amber green",
    "priority rating",
)

#: Every other column, by the words registers use for it (normalised), most usual first.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "risk_id": (
        "risk id",
        "id",
        "ref",
        "reference",
        "risk ref",
        "risk reference",
        "risk no",
        "risk number",
        "no",
        "number",
        "risk code",
        "code",
        "ref no",
        "risk ref no",
        "unique id",
    ),
    "title": (
        "title",
        "risk title",
        "risk name",
        "name",
        "short title",
        "risk",
        "risk summary",
        "summary",
        "headline",
        "risk headline",
    ),
    "description": (
        "description",
        "risk description",
        "details",
        "cause and effect",
        "cause event effect",
        "cause event and effect",
        "risk event",
        "event",
        "narrative",
        "detail",
        "description of risk",
        "risk detail",
    ),
    "cause": ("cause", "causes", "trigger", "triggers", "source", "vulnerability", "risk cause"),
    "effect": (
        "effects",
        "consequence description",
        "potential consequences",
        "impact description",
        "outcome",
        "possible consequences",
        "risk effect",
    ),
    "category": (
        "category",
        "risk category",
        "type",
        "risk type",
        "area",
        "risk area",
        "theme",
        "domain",
        "classification",
        "risk domain",
        "risk theme",
    ),
    "owner": (
        "owner",
        "risk owner",
        "lead",
        "risk lead",
        "responsible officer",
        "accountable officer",
        "executive lead",
        "lead officer",
        "lead director",
        "responsible",
        "accountable",
        "manager",
        "lead executive",
        "risk manager",
    ),
    "controls": (
        "controls",
        "existing controls",
        "current controls",
        "controls in place",
        "key controls",
        "mitigation",
        "mitigations",
        "current mitigation",
        "current mitigations",
        "existing mitigation",
        "existing mitigations",
        "treatment",
        "safeguards",
        "internal controls",
        "control measures",
        "mitigating controls",
        "existing control measures",
        "control",
    ),
    "status": ("status", "risk status", "state", "open closed", "open or closed", "live"),
    "date_raised": (
        "date raised",
        "raised",
        "date identified",
        "identified",
        "date added",
        "date opened",
        "opened",
        "date logged",
        "logged",
        "created",
        "date entered",
        "date created",
        "added",
        "date first identified",
    ),
    "last_reviewed": (
        "last reviewed",
        "last review",
        "date reviewed",
        "reviewed",
        "last updated",
        "updated",
        "date of last review",
        "last review date",
        "date last reviewed",
        "date updated",
    ),
    "next_review": (
        "next review",
        "next review date",
        "review date",
        "review by",
        "review due",
        "date of next review",
        "due for review",
        "review",
    ),
    "previous_score": (
        "previous score",
        "score at last review",
        "last score",
        "previous residual score",
        "prior score",
        "previous risk score",
        "residual score at last review",
        "last quarter score",
    ),
    "probability": (
        "chance of occurring",
        "probability %",
        "% chance",
        "chance %",
        "probability of occurrence",
        "percentage chance",
        "probability percent",
    ),
    "minimum": (
        "minimum impact £",
        "minimum £",
        "min £",
        "minimum cost",
        "best case £",
        "low estimate",
        "minimum impact",
        "min cost",
        "best case",
        "minimum",
    ),
    "most_likely": (
        "most likely impact £",
        "most likely £",
        "most likely impact",
        "most likely cost",
        "likely cost",
        "central estimate",
        "most likely",
    ),
    "maximum": (
        "maximum impact £",
        "maximum £",
        "max £",
        "worst case £",
        "maximum cost",
        "high estimate",
        "maximum impact",
        "max cost",
        "worst case",
        "maximum",
    ),
    "response": (
        "response",
        "risk response",
        "response strategy",
        "strategy",
        "treatment strategy",
        "treatment option",
        "approach",
        "risk approach",
        "4ts",
        "4 ts",
        "management approach",
        "risk treatment",
        "response type",
        "tolerate treat transfer terminate",
    ),
    "response_reason": (
        "reason for response",
        "response reason",
        "rationale",
        "justification",
        "reason for tolerating",
        "reason",
        "rationale for response",
    ),
    "proximity": (
        "proximity",
        "risk proximity",
        "timescale",
        "timeframe",
        "time frame",
        "expected timing",
        "impact date",
        "when it would bite",
        "when",
    ),
    "objectives": (
        "objectives",
        "objective",
        "strategic objective",
        "strategic objectives",
        "corporate objective",
        "corporate objectives",
        "objectives affected",
        "link to objectives",
        "strategic aim",
        "strategic aims",
        "corporate priority",
        "corporate priorities",
        "strategic priority",
    ),
    "baf_ref": (
        "baf ref",
        "baf",
        "baf reference",
        "board assurance framework",
        "baf risk",
        "baf entry",
        "baf id",
        "baf link",
    ),
    "shared": (
        "shared risk",
        "shared",
        "joint risk",
        "partnership risk",
        "shared with partners",
        "system risk",
        "shared y n",
    ),
    "action": (
        "actions",
        "action",
        "further action",
        "further actions",
        "actions required",
        "planned actions",
        "action plan",
        "mitigating actions",
        "mitigation plan",
        "further mitigation",
        "further mitigations",
        "additional controls",
        "additional actions",
        "next steps",
        "improvement actions",
        "treatment plan",
        "planned mitigation",
        "actions planned",
        "mitigating action",
        "action to be taken",
        "actions to be taken",
        "further controls",
    ),
    "action_owner": (
        "action owner",
        "action lead",
        "action by",
        "actioned by",
        "action responsible",
        "owner of action",
    ),
    "action_due": (
        "action due",
        "due date",
        "target date",
        "deadline",
        "completion date",
        "due by",
        "by when",
        "date due",
        "action due date",
        "target completion",
        "action target date",
    ),
    "action_status": (
        "action status",
        "progress",
        "action progress",
        "progress update",
        "status of action",
        "progress status",
    ),
}

#: What each field is called in the report.
FIELD_NAMES = {
    "cause": "Description (its cause)",
    "effect": "Description (its effect)",
    "action": "Actions: the action",
    "action_owner": "Actions: the owner",
    "action_due": "Actions: the due date",
    "action_status": "Actions: the status",
}

_SUFFIX = re.compile(
    r"\(\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*\)|\b(\d+)\s*(?:-|–|to)\s*(\d+)\b|\(\s*[a-z]\s*\)"
)
_SPLIT = re.compile(r"\s*(?:/|\\|&|\+|\band\b|\bor\b|;|,|\|)\s*")


@dataclass(frozen=True)
class Meaning:
    """What one header means: a register field (``likelihood`` and ``impact`` with their
    ``stage``), a score or band to check (``check`` "score" or "band", at ``stage``), or
    nothing; ``strength`` orders rival meanings (3 whole, 2 one part, 1 starts or ends so);
    ``scale`` is a numeric scale the header states ((1, 5) for '(1-5)'); ``why`` is said in
    the report."""

    field: str | None
    why: str
    strength: int = 0
    stage: Stage = ""
    check: str = ""
    scale: tuple[int, int] | None = None


NOTHING = Meaning(None, "no register column means this", 0)


def stated_scale(header: str) -> tuple[int, int] | None:
    """The numeric scale a header states: 'Likelihood (1-5)' -> (1, 5)."""
    match = _SUFFIX.search(str(header).lower())
    if match and (match.group(1) or match.group(3)):
        low, high = (match.group(1), match.group(2)) if match.group(1) else match.groups()[2:4]
        return int(low), int(high)
    return None


def _plain(header: str) -> str:
    """The header without its scale suffix, normalised ('Likelihood (1-5)' -> 'likelihood')."""
    return normalise_header(_SUFFIX.sub(" ", str(header).lower()))


def _find(words: str, phrases: tuple[str, ...]) -> str | None:
    """The first phrase that is a whole-word part of ``words``."""
    padded = f" {words} "
    for phrase in phrases:
        if f" {phrase} " in padded:
            return phrase
    return None


def _strip(words: str, phrase: str) -> str:
    return " ".join(f" {words} ".replace(f" {phrase} ", " ").split())


def rating_meaning(header: str) -> Meaning | None:
    """A likelihood or impact (with its stage), or a score or band to check; None if the
    header speaks of none of them."""
    words = _plain(header)
    if not words:
        return None
    stage = ""
    for name, stage_words in STAGE_WORDS.items():
        found = _find(words, stage_words)
        if found:
            stage, words = name, _strip(words, found)
            break
    rest = _strip(_strip(words, "risk"), "of")
    dimensions = []
    for name, dimension_words in DIMENSION_WORDS.items():
        for w in dimension_words:
            if len(w) == 1 and rest.split() and rest.split() != [w]:
                continue  # a lone letter counts only as the whole header ('L', 'I')
            if _find(rest, (w,)):
                dimensions.append((name, w))
                break
    scale = stated_scale(header)
    said = f" ({stage} from {header!r})" if stage else ""
    if len(dimensions) == 1:
        name, w = dimensions[0]
        extra = _strip(rest, w)
        for s in SCALE_WORDS:
            extra = _strip(extra, s)
        if extra and extra not in ("x", "%"):
            return None  # 'impact description', 'probability %': another column's words
        why = f"{w!r} is a word for {name}"
        if scale:
            why += f"; '({scale[0]}-{scale[1]})' is its scale"
        return Meaning(name, why + said, 3 if not extra else 2, stage, "", scale)
    if len(dimensions) == 2 or (_find(rest, SCORE_WORDS) and not _find(rest, ("rag", "band"))):
        why = "a score: cpcxl works it out from likelihood and impact and checks this one"
        return Meaning(None, why + said, 2, stage, "score", scale)
    if _find(rest, BAND_WORDS) or (stage and not rest):
        why = "a band or score: cpcxl works it out and checks this one, never a title"
        return Meaning(None, why + said, 2, stage, "band", scale)
    return None


def field_meaning(header: str) -> Meaning:
    """The register column a (non-rating) header means, and why, or NOTHING."""
    words = _plain(header)
    if not words:
        return NOTHING
    best = NOTHING
    for field, phrases in FIELD_WORDS.items():
        for phrase in phrases:
            if words == phrase:
                return Meaning(field, f"{phrase!r} is a word for {_name(field)}", 3)
        parts = [p for p in _SPLIT.split(str(header).lower()) if normalise_header(p)]
        if len(parts) > 1:
            for part in parts:
                if normalise_header(part) in phrases and best.strength < 2:
                    best = Meaning(
                        field,
                        f"its part {part.strip()!r} is a word for {_name(field)} (a combined "
                        "header)",
                        2,
                    )
        if best.strength < 1:
            for phrase in phrases:
                if len(phrase) > 3 and (
                    words.startswith(phrase + " ") or words.endswith(" " + phrase)
                ):
                    best = Meaning(field, f"it starts or ends with {phrase!r}", 1)
                    break
    return best


def _name(field: str) -> str:
    """A field as the report names it: the register's header ('the Chance of occurring')."""
    from ..register import REGISTER_SPEC

    if field in FIELD_NAMES:
        return FIELD_NAMES[field]
    try:
        return REGISTER_SPEC.header_of(field)
    except KeyError:
        return field.replace("_", " ")


def _own(header: str) -> Meaning | None:
    """The register's own header (or its field's name): no interpretation needed."""
    from ..register import REGISTER_SPEC

    words = _plain(header)
    for column in REGISTER_SPEC.columns:
        if column.output:
            continue
        names = [normalise_header(column.header)]
        if column.field != "probability":  # 'Probability' alone is usually a likelihood
            names.append(normalise_header(column.field))
        if words in names:
            name = column.field
            for stage in ("inherent", "residual", "target"):
                for axis in ("likelihood", "impact"):
                    if name == f"{stage}_{axis}":
                        return Meaning(axis, "the register's own header", 4, stage)
            return Meaning(name, "the register's own header", 4)
    return None


def meaning(header: str) -> Meaning:
    """What a header means: the register's own header as it is; then a rating, score or band
    (its words are the most telling); then every other column."""
    own = _own(header)
    if own is not None:
        return own
    rating = rating_meaning(header)
    if rating is not None and rating.strength >= 2:
        # 'Probability %' is the chance of occurring, not a likelihood
        other = field_meaning(header)
        if other.strength == 3 and other.field in ("probability", "previous_score"):
            return other
        return rating
    found = field_meaning(header)
    if found.field is None and rating is not None:
        return rating
    return found
