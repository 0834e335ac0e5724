"""A whole packaged register read at once: its matrix and appetite (with the partners'),
the Register, and what the Register links to (actions, incidents, objectives, correlation).

A problem that stops a table being read (a wrong header, a matrix with a gap) raises every
such problem at once; a problem in a cell is kept with its table, located, and the rest read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cpcxl.common.errors import InputError, InputErrors
from cpcxl.common.inputs import Cells

from ..models import CorrelationSettings, RiskAppetite, RiskMatrix
from .links import (
    ACTIONS_SPEC,
    CATEGORY_CORRELATION,
    CORRELATION_SHEET,
    EVERY_PAIR,
    INCIDENTS_SPEC,
    OBJECTIVES_SPEC,
    PARTNER_APPETITE,
    Linked,
    check_objective_refs,
    read_actions,
    read_correlation_settings,
    read_incidents,
    read_objectives,
    read_partner_appetite,
)
from .matrix import CATEGORY_APPETITE, REVIEW_DATE, read_appetite, read_matrix, read_named
from .register import REGISTER_TABLE, Register, read_register

#: The key under which a reader passes the Correlation sheet's cells, read whole (its matrix
#: is not an Excel Table).
CORRELATION_CELLS = CORRELATION_SHEET


@dataclass
class RegisterBook:
    """What a packaged register holds: its matrix, appetite, review date, register, and what
    the register links to; ``problems`` are those outside the Register's own cells."""

    matrix: RiskMatrix
    appetite: RiskAppetite
    as_of: dt.date | None
    register: Register
    actions: Linked | None = None
    incidents: Linked | None = None
    objectives: Linked | None = None
    correlation: CorrelationSettings = dataclasses.field(default_factory=CorrelationSettings)
    problems: InputErrors = dataclasses.field(default_factory=InputErrors)

    def all_problems(self) -> list[InputError]:
        """Every problem to fix, the Register's first, then each linked table's."""
        found = list(self.register.problems)
        for linked in (self.actions, self.incidents, self.objectives):
            if linked is not None:
                found += list(linked.problems)
        return found + list(self.problems)


def read_register_book(
    cells: Mapping[str, Cells], named: Mapping[str, Any], *, file: str | None = None
) -> RegisterBook:
    """Read a packaged register's tables (``cells`` by table name, and the Correlation sheet
    whole under CORRELATION_CELLS) and named cells (values by name)."""
    errors = InputErrors()
    matrix = read_matrix(cells, named, errors, file=file)
    as_of = read_named(REVIEW_DATE, named.get(REVIEW_DATE.name), errors, file=file)
    appetite = register = None
    problems = InputErrors()
    if matrix is not None:
        appetite = read_appetite(matrix, cells.get(CATEGORY_APPETITE.name), errors, file=file)
        known = list(appetite.categories) if appetite is not None else None
        register = read_register(
            cells.get(REGISTER_TABLE), matrix, errors, categories=known, file=file
        )
        if appetite is not None and known is not None:
            partners = read_partner_appetite(
                cells.get(PARTNER_APPETITE.name), known, problems, file=file
            )
            if partners is not None:
                appetite = appetite.model_copy(update={"partners": partners})
    actions = incidents = objectives = None
    correlation = CorrelationSettings()
    if register is not None:
        ids = [r for r in register.risks["risk_id"] if r is not None]
        actions = read_actions(cells.get(ACTIONS_SPEC.name), ids, errors, file=file)
        incidents = read_incidents(
            cells.get(INCIDENTS_SPEC.name),
            ids,
            errors,
            as_of=as_of or dt.date.today(),
            file=file,
        )
        objectives = read_objectives(cells.get(OBJECTIVES_SPEC.name), errors, file=file)
        if objectives is not None:
            check_objective_refs(register.risks, objectives, register.problem, errors)
        correlation = read_correlation_settings(
            named.get(EVERY_PAIR.name),
            cells.get(CATEGORY_CORRELATION.name),
            cells.get(CORRELATION_CELLS),
            list(appetite.categories) if appetite is not None else [],
            ids,
            problems,
            file=file,
        )
    if errors or matrix is None or appetite is None or register is None:
        raise errors
    for text in errors.notes:  # how the other tables' headers were read
        register.problems.note(text)
    return RegisterBook(
        matrix, appetite, as_of, register, actions, incidents, objectives, correlation, problems
    )
