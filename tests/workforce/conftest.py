"""Fixtures: the packaged workbook's example, planned."""

from __future__ import annotations

import pytest

from cpcxl.workforce import engine, sample
from cpcxl.workforce.inputs import DEMAND_HEADERS, STAFF_HEADERS, TARGET_HEADERS, TableValues
from cpcxl.workforce.models import Assumptions

from .helpers import demand_frame, staff_frame, table, targets_frame


@pytest.fixture
def example() -> engine.Plan:
    return engine.plan(
        staff_frame(sample.EXAMPLE_STAFF),
        demand_frame(sample.EXAMPLE_DEMAND),
        targets_frame(sample.EXAMPLE_TARGETS),
        Assumptions(),
    )


@pytest.fixture
def example_tables() -> dict[str, TableValues]:
    return {
        "Staff": table(STAFF_HEADERS, [list(r) for r in sample.EXAMPLE_STAFF]),
        "Demand": table(DEMAND_HEADERS, [list(r) for r in sample.EXAMPLE_DEMAND]),
        "Targets": table(TARGET_HEADERS, [list(r) for r in sample.EXAMPLE_TARGETS]),
    }
