"""Expenditure proposal evaluation (CPC 506 B): Green Book appraisal, criteria, decisions."""

from __future__ import annotations

from typing import Any

from cpcxl import hookimpl


@hookimpl
def register_functions() -> list[Any]:
    from .excel import FUNCTIONS

    return FUNCTIONS
