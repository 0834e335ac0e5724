"""Fixtures: the packaged workbook's example, planned."""

from __future__ import annotations

import pytest

from cpcxl.workforce import engine, sample
from cpcxl.workforce.models import Assumptions

from .helpers import demand_frame, staff_frame, targets_frame


@pytest.fixture
def example() -> engine.Plan:
    return engine.plan(
        staff_frame(sample.EXAMPLE_STAFF),
        demand_frame(sample.EXAMPLE_DEMAND),
        targets_frame(sample.EXAMPLE_TARGETS),
        Assumptions(),
    )
