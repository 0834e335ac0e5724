"""The negotiation record (CPC 506 B7-B8): amendments requested and the proposals that were
resubmitted in answer, read from the Amendments table."""

from __future__ import annotations

from collections.abc import Mapping

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells, read_table
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..models import Amendment
from .tables import AMENDMENTS


def read_amendments(
    tables: Mapping[str, Cells], known: set[str] | None, file: str | None, errors: InputErrors
) -> list[Amendment]:
    """Each amendment; a proposal is resubmitted once in this record (a second resubmission
    replaces the first's ID in the same row), and a resubmission is not itself amended."""
    table = read_table(AMENDMENTS, tables.get(AMENDMENTS.name), errors, file=file, optional=True)
    if table is None:
        return []
    found: list[Amendment] = []
    originals: dict[str, int] = {}
    answers: dict[str, int] = {}
    for record in table.records():
        row = int(record[ROW])
        pid = str(record["proposal_id"])
        amended = None if is_blank(record["amended_id"]) else str(record["amended_id"]).strip()
        bad = False
        for field, value in (("proposal_id", pid), ("amended_id", amended)):
            if value is not None and known is not None and value not in known:
                errors.add(
                    f"proposal ID {value!r} is not on the Proposals sheet",
                    location=table.where(row, field),
                    valid="an ID from the Proposals sheet (a resubmission is entered there "
                    "as a proposal of its own, with its costs, benefits and scores)",
                )
                bad = True
        if bad:
            continue
        if amended == pid:
            errors.add(
                f"{pid} is resubmitted as itself",
                location=table.where(row, "amended_id"),
                valid="a new ID for the resubmitted figures (such as " + pid + "-R1)",
            )
            continue
        if pid in originals:
            errors.add(
                f"{pid} has another amendment on row {originals[pid]}",
                location=table.where(row, "proposal_id"),
                valid="one row for each proposal: list every change requested in it",
            )
            continue
        if amended is not None and amended in answers:
            errors.add(
                f"{amended} already answers the amendment on row {answers[amended]}",
                location=table.where(row, "amended_id"),
                valid="a resubmission of its own for each proposal",
            )
            continue
        originals[pid] = row
        if amended is not None:
            answers[amended] = row
        found.append(
            Amendment(
                proposal_id=pid,
                requested=str(record["requested"]),
                amended_id=amended,
                requested_on=record["requested_on"],
                resubmitted_on=record["resubmitted_on"],
                response=str(record["response"]),
            )
        )
    for a in found:
        if a.proposal_id in answers:
            errors.add(
                f"{a.proposal_id} is itself a resubmission (row {answers[a.proposal_id]}), "
                "and is amended again",
                location=table.where(originals[a.proposal_id], "proposal_id"),
                valid="the original proposal's row, with the newest resubmission's ID in "
                "'Resubmitted as'",
            )
    return found
