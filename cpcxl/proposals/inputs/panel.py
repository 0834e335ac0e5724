"""An evaluation panel from its tables: members' scores, declared conflicts and the chair's
moderated scores, every problem located where it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cpcxl.common.errors import InputErrors
from cpcxl.common.fields import Choice
from cpcxl.common.inputs import Cells, SettingsRead, TableRead, read_table
from cpcxl.common.tables import ROW

from ..models import (
    MODERATION_SPREAD,
    ChairScore,
    ConflictOfInterest,
    CriteriaSet,
    ModerationMethod,
    Panel,
    PanelScore,
)
from .tables import CONFLICTS, MODERATION, PANEL

#: Members on one panel: at most 50, a local limit beyond any panel (they have 3 to 9), so
#: moderation stays an array of proposals × criteria × members.
MAX_MEMBERS = 50


def _known(
    table: TableRead,
    record: Mapping[str, Any],
    known: set[str] | None,
    errors: InputErrors,
) -> bool:
    pid = str(record["proposal_id"])
    if known is not None and pid not in known:
        errors.add(
            f"proposal ID {pid!r} is not on the Proposals sheet",
            location=table.where(int(record[ROW]), "proposal_id"),
            valid="an ID from the Proposals sheet",
        )
        return False
    return True


def _criterion(
    table: TableRead,
    record: Mapping[str, Any],
    named: Choice | None,
    errors: InputErrors,
) -> str | None:
    name = str(record["criterion"])
    if named is None:
        return name
    matched = errors.attempt(named.parse, name, where=table.where(int(record[ROW]), "criterion"))
    return None if matched is None else str(matched)


def read_panel(
    tables: Mapping[str, Cells],
    criteria: CriteriaSet | None,
    known: set[str] | None,
    settings: SettingsRead | None,
    file: str | None,
    errors: InputErrors,
) -> tuple[Panel | None, dict[tuple[str, str], str]]:
    """The panel (None when the Panel table is absent or empty) and the chair's comments for
    the submitters by (proposal, criterion)."""
    table = read_table(PANEL, tables.get(PANEL.name), errors, file=file, optional=True)
    conflicts_read = read_table(
        CONFLICTS, tables.get(CONFLICTS.name), errors, file=file, optional=True
    )
    chair_read = read_table(
        MODERATION, tables.get(MODERATION.name), errors, file=file, optional=True
    )
    named = Choice.of(criteria.names, "a criterion on the Criteria sheet") if criteria else None

    conflicts: list[ConflictOfInterest] = []
    declared: dict[tuple[str, str], int] = {}
    if conflicts_read is not None:
        for record in conflicts_read.records():
            if not _known(conflicts_read, record, known, errors):
                continue
            key = (str(record["member"]), str(record["proposal_id"]))
            if key in declared:
                continue  # the same interest declared twice is still one conflict
            declared[key] = int(record[ROW])
            conflicts.append(ConflictOfInterest(key[0], key[1], str(record["interest"])))

    scores: list[PanelScore] = []
    rows: dict[tuple[str, str, str], int] = {}
    if table is not None:
        members = list(dict.fromkeys(str(m) for m in table.frame["member"] if m))
        if len(members) > MAX_MEMBERS:
            errors.add(
                f"the Panel table names {len(members)} members, more than the {MAX_MEMBERS} "
                "a panel may have",
                location=table.base,
                valid=f"at most {MAX_MEMBERS} members (a local limit)",
            )
            return None, {}
        for record in table.records():
            row = int(record[ROW])
            if not _known(table, record, known, errors):
                continue
            name = _criterion(table, record, named, errors)
            if name is None:
                continue
            member, pid = str(record["member"]), str(record["proposal_id"])
            if (member, pid) in declared:
                assert conflicts_read is not None
                errors.add(
                    f"{member} scores {pid}, but declared a conflict of interest in it (the "
                    f"Conflicts table, row {declared[member, pid]})",
                    location=table.where(row, "score"),
                    valid=f"no score from {member} for {pid}: delete it (their scores are "
                    "left out of a proposal they are conflicted on), or remove the declaration",
                )
                continue
            scored = (member, pid, name)
            if scored in rows:
                errors.add(
                    f"{member} scores {pid} on {name!r} twice (also on row {rows[scored]})",
                    location=table.where(row, "score"),
                    valid="one score from each member for each proposal on each criterion",
                )
                continue
            rows[scored] = row
            scores.append(
                PanelScore(member, pid, name, float(record["score"]), str(record["comment"]))
            )

    chair: dict[tuple[str, str], ChairScore] = {}
    comments: dict[tuple[str, str], str] = {}
    if chair_read is not None:
        by_pair: dict[tuple[str, str], list[float]] = {}
        for s in scores:
            by_pair.setdefault((s.proposal_id, s.criterion), []).append(s.score)
        seen: dict[tuple[str, str], int] = {}
        for record in chair_read.records():
            row = int(record[ROW])
            if not _known(chair_read, record, known, errors):
                continue
            name = _criterion(chair_read, record, named, errors)
            if name is None:
                continue
            pair = (str(record["proposal_id"]), name)
            if pair in seen:
                errors.add(
                    f"{pair[0]} is moderated on {name!r} twice (also on row {seen[pair]})",
                    location=chair_read.where(row, "score"),
                    valid="one moderated score for each proposal on each criterion",
                )
                continue
            seen[pair] = row
            value = record["score"]
            score = None if value is None or value != value else float(value)
            reason, comment = str(record["reason"]).strip(), str(record["comment"]).strip()
            if comment:
                comments[pair] = comment
            members_scores = by_pair.get(pair)
            if score is not None and not members_scores:
                errors.add(
                    f"{pair[0]} has a moderated score on {name!r} but no panel member "
                    "scored it there",
                    location=chair_read.where(row, "score"),
                    valid="members' scores on the Panel sheet first, or a single score on "
                    "the Assessment sheet",
                )
                continue
            if score is not None and members_scores and not reason:
                low, high = min(members_scores), max(members_scores)
                if not low <= score <= high:
                    errors.add(
                        f"the moderated score {score:g} for {pair[0]} on {name!r} is outside "
                        f"the members' scores ({low:g} to {high:g}) and gives no reason",
                        location=chair_read.where(row, "score"),
                        valid=f"a score from {low:g} to {high:g}, or the reason for going "
                        "outside them in the Reason column",
                    )
                    continue
            chair[pair] = ChairScore(pair[0], name, score, reason, comment)

    if not scores and not chair:
        return None, comments
    method = settings["moderation"] if settings else ModerationMethod.MEDIAN
    spread = settings["spread"] if settings else MODERATION_SPREAD
    return Panel(scores, conflicts, chair, method, float(spread)), comments
