"""The compliance workflow (CPC 306 C): a provider's stage, its trail of changes, and how the
stage stands against this round.

A stage is one of a :class:`~cpcxl.monitoring.models.ComplianceScheme`'s (CPC306 by default:
none, informal concern, improvement notice, default notice, suspension of new placements,
termination notice). Every change is an entry with who decided, when and why; the trail is
checked against the scheme (a change may not skip a step the scheme requires first), and is
only ever added to: an entry already recorded is never rewritten by a later run.

Against this round: a stage whose deadline has passed while the requirement it is for is
still open is flagged to escalate; a stage whose requirements are all met is closed (back to
the first stage, with the date), recorded as an entry of the batch's own.

Pure: no files, no workbook library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cpcxl.common.errors import InputError, InputErrors, Location
from cpcxl.common.fields import choice_key

from ..models import Action, ActionKind, ActionStatus, ComplianceEntry, ComplianceScheme

#: How a stage stands against this round.
NO_ACTION = "No compliance action"
ON_TRACK = "On track"
ESCALATE = "Escalate"
CLOSED = "Closed"
NO_REQUIREMENT = "No requirement to check"
#: Who a change the batch makes itself is recorded as decided by.
BATCH = "cpcxl batch (requirements met)"


@dataclass(frozen=True)
class ComplianceResult:
    """A provider's compliance stage after this round.

    ``stage`` is the stage now (after a closure, the first stage); ``entry`` the change that
    put it there (None if it never changed); ``check`` one of ON_TRACK, ESCALATE, CLOSED,
    NO_REQUIREMENT or NO_ACTION, said in ``message``; ``trail`` every change, oldest first;
    ``new`` the changes this round adds to the trail (from the return, and a closure).
    """

    stage: str
    level: int
    entry: ComplianceEntry | None
    check: str
    message: str
    trail: tuple[ComplianceEntry, ...] = ()
    new: tuple[ComplianceEntry, ...] = ()
    #: the stage the scheme would go to next, when the check says escalate
    next_stage: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def escalate(self) -> bool:
        return self.check == ESCALATE


def entry_key(entry: ComplianceEntry) -> tuple[str, dt.date]:
    """What makes two entries one change: the stage and the date it was entered."""
    return choice_key(entry.stage), entry.entered


def merge_trail(
    recorded: Sequence[ComplianceEntry],
    given: Sequence[ComplianceEntry],
    already: Sequence[ComplianceEntry] = (),
) -> tuple[list[ComplianceEntry], list[ComplianceEntry], list[str]]:
    """The trail as recorded with the return's entries added: (trail oldest first, the
    entries that are new, notes). An entry already recorded (the same stage entered the same
    day), by an earlier round or by an earlier run of this one (``already``), is kept as it
    was first recorded; a return that says otherwise, or no longer lists one recorded by an
    earlier run of this round, is noted, not used."""
    known = {entry_key(e): e for e in recorded}
    first_run = {entry_key(e): e for e in already}
    new: list[ComplianceEntry] = []
    notes: list[str] = []
    for entry in given:
        key = entry_key(entry)
        earlier = known.get(key)
        if earlier is None and key in first_run:
            earlier = first_run[key]
            known[key] = earlier  # this round's, as the first run recorded it
            new.append(earlier)
        elif earlier is None:
            known[key] = entry
            new.append(entry)
            continue
        changed = [
            name
            for name in ("issue", "requirement", "deadline", "evidence", "decided_by", "why")
            if getattr(earlier, name) != getattr(entry, name)
        ]
        if changed and earlier.source == "return":
            notes.append(
                f"Compliance row {entry.row}: the {entry.stage.lower()} of "
                f"{entry.entered:%d/%m/%Y} is on row {earlier.row} already, and its "
                f"{', '.join(c.replace('_', ' ') for c in changed)} "
                f"{'differs' if len(changed) == 1 else 'differ'}; the first row is used "
                "(one row for each change)"
            )
        elif changed:
            notes.append(
                f"Compliance row {entry.row}: the {entry.stage.lower()} of "
                f"{entry.entered:%d/%m/%Y} is in the audit trail already; its "
                f"{', '.join(c.replace('_', ' ') for c in changed)} "
                f"{'differs' if len(changed) == 1 else 'differ'} from this return, "
                "and the trail keeps what was first recorded (add a new row for a new decision)"
            )
    for key, earlier in first_run.items():
        if key not in known:  # recorded at an earlier run of this round, not on this return
            known[key] = earlier
            new.append(earlier)
            notes.append(
                f"Compliance: the {earlier.stage.lower()} of {earlier.entered:%d/%m/%Y}, "
                "recorded when this round was run before, is not on this return; the trail "
                "keeps it (add a new row for a new decision)"
            )
    trail = sorted(known.values(), key=_order(recorded, [*given, *first_run.values()]))
    return trail, new, notes


def _order(
    recorded: Sequence[ComplianceEntry], given: Sequence[ComplianceEntry]
) -> Callable[[ComplianceEntry], tuple[dt.date, int]]:
    position = {id(e): i for i, e in enumerate([*recorded, *given])}

    def key(entry: ComplianceEntry) -> tuple[dt.date, int]:
        return entry.entered, position.get(id(entry), 0)

    return key


def where(entry: ComplianceEntry, *, file: str = "", history: str = "") -> Location:
    """Where an entry's stage was read: the return's Compliance sheet or the history's log."""
    in_history = entry.source == "history"
    return Location(
        file=(history if in_history else file) or None,
        sheet="Compliance log" if in_history else "Compliance",
        cell=entry.cell or None,
        row=entry.row,
        field="Stage",
    )


def check_trail(
    trail: Sequence[ComplianceEntry],
    scheme: ComplianceScheme,
    *,
    file: str = "",
    history: str = "",
) -> list[InputError]:
    """Every change that skips a step the scheme requires first: entering a stage whose
    ``after`` stage was not entered earlier in the same episode (since the provider was last
    at the first stage). Moving down the stages, or staying, is always allowed."""
    problems: list[InputError] = []
    episode: set[int] = set()
    for entry in trail:
        level = scheme.level_of(entry.stage)
        if level == 0:
            episode = set()
            continue
        stage = scheme.stages[level]
        if stage.after:
            needed = scheme.level_of(stage.after)
            if needed not in episode:
                passed = ", ".join(scheme.stages[i].name for i in sorted(episode)) or "none yet"
                problems.append(
                    InputError(
                        f"{stage.name} on {entry.entered:%d/%m/%Y} skips {stage.after}, which "
                        f"the {scheme.name} scheme requires first (stages so far in this "
                        f"episode: {passed})",
                        location=where(entry, file=file, history=history),
                        valid=f"{stage.after} entered first, or a stage that needs no earlier "
                        f"step ({', '.join(_openers(scheme))})",
                    )
                )
        episode.add(level)
    return problems


def _openers(scheme: ComplianceScheme) -> list[str]:
    return [s.name for s in scheme.stages[1:] if not s.after]


def _next_stage(scheme: ComplianceScheme, level: int) -> str:
    """The stage an escalation from ``level`` leads to: the first later one that needs this
    one first (after a default notice, termination, not a suspension of new placements that
    may come at any step), else the next in order; "" from the last."""
    here = scheme.stages[level].name
    later = scheme.stages[level + 1 :]
    follows = [s for s in later if s.after and choice_key(s.after) == choice_key(here)]
    if not later:
        return ""
    return (follows or list(later))[0].name


def compliance_now(
    recorded: Sequence[ComplianceEntry],
    given: Sequence[ComplianceEntry],
    scheme: ComplianceScheme,
    *,
    requirements: Sequence[Action],
    monitoring_date: dt.date | None,
    as_at: dt.date,
    round_label: str = "",
    file: str = "",
    history: str = "",
    already: Sequence[ComplianceEntry] = (),
) -> ComplianceResult:
    """The provider's stage after this round, checked against it (see the module docstring).

    ``recorded``: the trail as the history holds it (empty without one); ``given``: the
    return's Compliance sheet; ``requirements``: this round's requirements (those carried
    over from earlier rounds too), whose status decides whether the stage can close.
    A change that skips a step the scheme requires raises InputErrors (every one found).
    """
    trail, new, notes = merge_trail(recorded, given, already)
    notes += [
        f"Compliance row {e.row}: the {e.stage.lower()} is dated {e.entered:%d/%m/%Y}, after "
        f"the as-at date ({as_at:%d/%m/%Y}); it is taken as entered then (check the year)"
        for e in given
        if e.entered > as_at
    ]
    problems = check_trail(trail, scheme, file=file, history=history)
    if problems:
        raise InputErrors(problems)
    if not trail or scheme.level_of(trail[-1].stage) == 0:
        last = trail[-1] if trail else None
        return ComplianceResult(
            scheme.none,
            0,
            last,
            NO_ACTION,
            NO_ACTION if last is None else f"No compliance action since {last.entered:%d/%m/%Y}",
            tuple(trail),
            tuple(new),
            notes=tuple(notes),
        )
    entry = trail[-1]
    level = scheme.level_of(entry.stage)
    linked = [
        a
        for a in requirements
        if a.kind == ActionKind.REQUIREMENT
        and (not entry.requirement or choice_key(a.action) == choice_key(entry.requirement))
    ]
    still_open = [a for a in linked if a.status != ActionStatus.COMPLETE]
    next_stage = _next_stage(scheme, level)
    if linked and not still_open:
        # closed at the round, but never before the stage it closes was entered (a notice
        # entered after the visit, its requirement met already, closes the day it was entered)
        day = max(monitoring_date or as_at, entry.entered)
        closure = ComplianceEntry(
            stage=scheme.none,
            entered=day,
            issue=entry.issue,
            requirement=entry.requirement,
            decided_by=BATCH,
            why=f"{_count(linked)} complete at the round of {day:%d/%m/%Y}"
            + (f" ({round_label})" if round_label else ""),
            round=round_label,
            recorded=as_at,
            source="batch",
        )
        return ComplianceResult(
            scheme.none,
            0,
            closure,
            CLOSED,
            f"{entry.stage} closed on {day:%d/%m/%Y}: {_count(linked)} met",
            (*trail, closure),
            (*new, closure),
            notes=tuple(notes),
        )
    if not linked:
        return ComplianceResult(
            entry.stage,
            level,
            entry,
            NO_REQUIREMENT,
            f"{entry.stage} since {entry.entered:%d/%m/%Y}: no requirement "
            + (f"{entry.requirement!r} " if entry.requirement else "")
            + "in this round to check it against; an officer decides when it closes",
            tuple(trail),
            tuple(new),
            notes=tuple(notes),
        )
    if entry.deadline is not None and entry.deadline < as_at:
        return ComplianceResult(
            entry.stage,
            level,
            entry,
            ESCALATE,
            f"Escalate: the deadline {entry.deadline:%d/%m/%Y} has passed with "
            f"{_count(still_open, 'open')}"
            + (f"; the next stage is {next_stage}" if next_stage else ""),
            tuple(trail),
            tuple(new),
            next_stage=next_stage,
            notes=tuple(notes),
        )
    until = f" until {entry.deadline:%d/%m/%Y}" if entry.deadline else ""
    return ComplianceResult(
        entry.stage,
        level,
        entry,
        ON_TRACK,
        f"{entry.stage} since {entry.entered:%d/%m/%Y}{until}: {_count(still_open, 'open')}",
        tuple(trail),
        tuple(new),
        notes=tuple(notes),
    )


def _count(actions: Sequence[Action], state: str = "") -> str:
    n = len(actions)
    word = "requirement" if n == 1 else "requirements"
    return f"{n} {word}{' ' + state if state else ''}"
