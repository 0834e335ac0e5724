"""Fixtures: the packaged workbook's example, planned."""

from __future__ import annotations

import pytest

from cpcxl.workforce import engine
from cpcxl.workforce.inputs.example import EXAMPLE_DEMAND, EXAMPLE_STAFF, EXAMPLE_TARGETS
from cpcxl.workforce.models import Assumptions

from .helpers import demand_frame, staff_frame, targets_frame


@pytest.fixture
def example() -> engine.Plan:
    return engine.plan(
        staff_frame(EXAMPLE_STAFF),
        demand_frame(EXAMPLE_DEMAND),
        targets_frame(EXAMPLE_TARGETS),
        Assumptions(),
    )
